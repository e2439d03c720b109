package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/authz"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

func init() {
	registerKindWeb(domain.KindDocument, kindWeb{page: (*Server).renderDocument, routes: (*Server).documentRoutes})
}

// documentRoutes registers the governing documents' own API routes (under /api/v1) and pages.
func (s *Server) documentRoutes(api, pages *gin.RouterGroup) {
	api.GET("/municipalities/:mid/documents", apiList(s, documentFilter, (*Server).documentPage))
	api.POST("/municipalities/:mid/documents", apiCreate(s, s.app.CreateDocument))
	api.GET("/municipalities/:mid/documents/:id", apiRead(s, http.StatusOK, s.app.Document))
	api.PUT("/municipalities/:mid/documents/:id", s.api(s.apiUpdateDocument))
	api.DELETE("/municipalities/:mid/documents/:id", s.api(s.apiDeleteDocument))
	api.GET("/municipalities/:mid/documents/:id/versions", s.api(s.apiDocumentVersions))
	pages.GET("/m/:mid/documents", s.documentList)
	pages.GET("/m/:mid/documents/new", documentForm.newHandler(s))
	pages.POST("/m/:mid/documents", documentForm.createHandler(s))
	pages.GET("/m/:mid/documents/:id", s.documentShow)
	pages.GET("/m/:mid/documents/:id/edit", documentForm.editHandler(s))
	pages.POST("/m/:mid/documents/:id", documentForm.updateHandler(s))
	pages.GET("/m/:mid/documents/:id/delete", s.documentDeleteConfirm)
	pages.POST("/m/:mid/documents/:id/delete", s.documentDelete)
	pages.POST("/m/:mid/documents/:id/adopt", s.documentAdopt)
}

// documentForm is the governing document's create and edit form.
var documentForm = kindForm[domain.DocumentInput]{
	kind: domain.KindDocument, fields: documentFields, parse: parseDocumentForm, problem: (*Server).addDocumentProblems,
	load: func(s *Server, c *gin.Context, mid, id int64) (domain.Record, formState, error) {
		d, err := s.app.Document(c.Request.Context(), s.caller(c), mid, id)
		return d.Record, formFromDocument(d), err
	},
	create: func(s *Server, c *gin.Context, mid int64, in domain.DocumentInput) (int64, error) {
		d, err := s.app.CreateDocument(c.Request.Context(), s.caller(c), mid, in)
		return d.ID, err
	},
	update: func(s *Server, c *gin.Context, mid, id int64, in domain.DocumentInput) error {
		_, err := s.app.UpdateDocument(c.Request.Context(), s.caller(c), mid, id, in)
		return err
	},
	render: (*Server).renderDocumentForm, created: "flash.doc_created", saved: "flash.doc_saved",
	defaults: func(s *Server, c *gin.Context, mid int64, f formState) error {
		f.Values["version"] = "1.0"
		f.Values["scope"] = string(domain.ScopeWholeExclCompanies)
		return nil
	},
}

// documentFields are the document form's fields in form order (for the error summary).
var documentFields = []string{"type", "title", "description", "org_unit_id", "owner_id", "status", "version", "version_note",
	"adopted_by", "adopted_at", "revision_in_progress", "scope", "scope_unit_ids", "review_interval_months", "last_reviewed_at", "next_review_at"}

// parseDocumentForm turns a posted document form into input. Every field the form shows is
// "given" (an empty text field clears an optional value); numbers that do not parse are
// field errors. Fuzzed in tests.
func parseDocumentForm(v url.Values, isNew bool) (domain.DocumentInput, domain.Problems) {
	p := domain.Problems{}
	var in domain.DocumentInput
	str := func(name string) *string { return formString(v, name) }
	in.Type, in.Title, in.Description = str("type"), str("title"), str("description")
	in.Version, in.VersionNote, in.Status = str("version"), str("version_note"), str("status")
	in.AdoptedBy, in.AdoptedAt, in.Scope = str("adopted_by"), str("adopted_at"), str("scope")
	in.LastReviewedAt, in.NextReviewAt = str("last_reviewed_at"), str("next_review_at")
	in.OrgUnitID = formID(v, "org_unit_id", p)
	if in.OrgUnitID != nil && *in.OrgUnitID == 0 && isNew {
		in.OrgUnitID = nil
	}
	in.OwnerID = formID(v, "owner_id", p)
	in.ReviewIntervalMonths = formInterval(v, p)
	if _, ok := v["form_has_revision"]; ok {
		b := v.Get("revision_in_progress") != ""
		in.RevisionInProgress = &b
	}
	if _, ok := v["form_has_scope_units"]; ok {
		ids := formIDs(v, "scope_unit_ids", p)
		in.ScopeUnitIDs = &ids
	}
	return in, p
}

type documentListPage struct {
	Base
	Rows      []tableRow
	UnitList  []domain.OrgUnit
	Filter    store.DocumentFilter
	CanCreate bool
	NextURL   string // the next page of the list, "" on the last
	Paged     bool   // the list has more than this page
}

// documentRows are the document list's rows in the request's language: title (linked, with
// a badge while a revision is under way), type, status, version, unit, next review (with
// its due state when it calls for attention).
func (s *Server) documentRows(c *gin.Context, docs []domain.Document, units map[int64]string) []tableRow {
	tr, today := s.i18n.For(lang(c)), s.app.Today()
	rows := make([]tableRow, len(docs))
	for i, d := range docs {
		title := cell{Text: d.Title, Href: d.Path()}
		if d.RevisionInProgress {
			title.Badges = []badge{{Class: "info", Text: tr.T("doc.revision_badge")}}
		}
		next := cell{Text: dateText(d.NextReviewAt), Badges: dueBadge(string(domain.DueStateOf(d.NextReviewAt, today)), tr.T)}
		rows[i] = tableRow{Cells: []cell{title, {Text: tr.T("doctype." + string(d.Type))}, {Text: tr.T("docstatus." + d.Status)},
			{Text: d.Version}, {Text: units[d.OrgUnitID]}, next}}
	}
	return rows
}

func (s *Server) documentList(c *gin.Context) {
	mid, err := idParam(c, "mid")
	if err != nil {
		s.fail(c, err)
		return
	}
	f, err := documentFilter(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	cl := s.caller(c)
	docs, next, err := s.documentPage(c, mid, f)
	if err != nil {
		s.fail(c, err)
		return
	}
	units, err := s.app.OrgUnits(c.Request.Context(), cl, mid)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "documents", documentListPage{
		Base: s.base(c, s.i18n.T(lang(c), "doc.list_title")), Rows: s.documentRows(c, docs, unitNames(units)), UnitList: units, Filter: f, NextURL: next, Paged: paged(c, next),
		CanCreate: s.app.CanSome(cl, mid, authz.ObjDocument, authz.Create),
	})
}

func unitNames(us []domain.OrgUnit) map[int64]string {
	m := map[int64]string{}
	for _, u := range us {
		m[u.ID] = u.Name
	}
	return m
}

type documentFormPage struct {
	Base
	IsNew          bool
	Action         string
	Form           formState
	Units          []domain.OrgUnit
	Owners         ownerPicker
	CanAssignOwner bool
	CanAdopt       bool
}

// formFromDocument fills a form with a stored document's values.
func formFromDocument(d domain.Document) formState {
	f := newForm()
	v := f.Values
	v["type"], v["title"], v["description"], v["version"] = string(d.Type), d.Title, d.Description, d.Version
	v["org_unit_id"], v["status"], v["scope"] = itoa(d.OrgUnitID), d.Status, string(d.Scope)
	v["review_interval_months"] = strconv.Itoa(d.ReviewIntervalMonths)
	if d.OwnerID != nil {
		v["owner_id"] = itoa(*d.OwnerID)
	}
	if d.AdoptedBy != nil {
		v["adopted_by"] = string(*d.AdoptedBy)
	}
	for k, dt := range map[string]*domain.Date{"adopted_at": d.AdoptedAt, "last_reviewed_at": d.LastReviewedAt, "next_review_at": d.NextReviewAt} {
		if dt != nil {
			v[k] = dt.String()
		}
	}
	if d.RevisionInProgress {
		v["revision_in_progress"] = "on"
	}
	f.Multi["scope_unit_ids"] = d.ScopeUnitIDs
	return f
}

// formFromPost keeps what the user posted.
func formFromPost(c *gin.Context) formState {
	f := newForm()
	for k, vs := range c.Request.PostForm {
		if len(vs) > 0 && k != "csrf_token" {
			f.Values[k] = strings.Join(vs, ",") // ticked checkboxes of one name: formState.In
		}
	}
	for _, name := range []string{"scope_unit_ids", "evidence_record_ids", "org_unit_ids", "asset_ids", "risk_ids", "affected_unit_ids"} {
		f.Multi[name] = formIDs(c.Request.PostForm, name, domain.Problems{})
	}
	return f
}

func (s *Server) renderDocumentForm(c *gin.Context, status int, mid int64, isNew bool, action string, f formState) {
	cl := s.caller(c)
	units, err := s.app.OrgUnits(c.Request.Context(), cl, mid)
	if err != nil {
		s.fail(c, err)
		return
	}
	canAssign := s.app.CanSome(cl, mid, authz.ObjDocument, authz.AssignOwner)
	var owners ownerPicker
	if canAssign {
		if owners, err = s.formOwners(c, mid, f, formPage(action, isNew)); err != nil {
			s.fail(c, err)
			return
		}
	} else {
		// Without the right to assign owners, only units one may write in are offered.
		f := s.app.Scope(cl, mid, authz.ObjDocument, authz.Create)
		if !f.All {
			kept := units[:0:0]
			for _, u := range units {
				if f.Allows(domain.KindDocument, u.ID, "") {
					kept = append(kept, u)
				}
			}
			units = kept
		}
	}
	title := "doc.edit_title"
	if isNew {
		title = "doc.new_title"
	}
	if f.Values["status"] == "" {
		f.Values["status"] = string(domain.DocDraft)
	}
	s.render(c, status, "document_form", documentFormPage{
		Base: s.base(c, s.i18n.T(lang(c), title)), IsNew: isNew, Action: action, Form: f, Units: units, Owners: owners,
		CanAssignOwner: canAssign, CanAdopt: s.app.CanSome(cl, mid, authz.ObjDocument, authz.Adopt),
	})
}

// addDocumentProblems adds the document rules' problems with in to the form's own (a number
// or date that does not parse), so that a form with both reports every problem at once.
func (s *Server) addDocumentProblems(p domain.Problems, in domain.DocumentInput) {
	if len(p) == 0 {
		return // the service checks everything
	}
	if _, err := domain.ApplyDocument(&domain.Document{}, in, s.app.Today()); err != nil {
		for f, k := range domain.AsError(err).Fields {
			p.Add(f, k) // the form's own problem with a field comes first
		}
	}
}

// orderFields sorts fields in error into the form's order.
func orderFields(got, order []string) []string {
	out := []string{}
	for _, name := range order {
		for _, g := range got {
			if g == name {
				out = append(out, g)
			}
		}
	}
	for _, g := range got {
		found := false
		for _, o := range out {
			found = found || o == g
		}
		if !found {
			out = append(out, g)
		}
	}
	return out
}

func docURL(mid, id int64) string { return "/m/" + itoa(mid) + "/documents/" + itoa(id) }

type documentShowPage struct {
	Base
	recordParts
	Doc       domain.Document
	UnitName  string
	OwnerName string
	Units     map[int64]string
	Due       domain.DueState
	Versions  []domain.DocVersion
}

func (s *Server) documentShow(c *gin.Context) {
	mid, id, err := recordIDs(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.renderDocument(c, http.StatusOK, mid, id, "", newForm())
}

// renderDocument shows a document with its versions and the record parts (reviews, evidence,
// comments, history); formName and f carry the errors of an inline form that failed.
func (s *Server) renderDocument(c *gin.Context, status int, mid, id int64, formName string, f formState) {
	ctx, cl := c.Request.Context(), s.caller(c)
	d, err := s.app.Document(ctx, cl, mid, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	pg := documentShowPage{Doc: d, Due: d.Due(s.app.Today())}
	if pg.recordParts, err = s.loadRecordParts(c, mid, domain.KindDocument, d.Record, formName, f); err != nil {
		s.fail(c, err)
		return
	}
	units, err := s.app.OrgUnits(ctx, cl, mid)
	if err != nil {
		s.fail(c, err)
		return
	}
	pg.Units = unitNames(units)
	pg.UnitName = pg.Units[d.OrgUnitID]
	pg.OwnerName = s.userName(c, mid, d.OwnerID)
	if pg.Versions, err = s.app.DocumentVersionsOf(ctx, cl, d); err != nil {
		s.fail(c, err)
		return
	}
	pg.Base = s.base(c, d.Title)
	s.render(c, status, "document", pg)
}

// documentAdopt records an adoption (management and coordinators): status, body and date.
func (s *Server) documentAdopt(c *gin.Context) {
	mid, id, err := recordIDs(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	status, by, at := c.PostForm("status"), c.PostForm("adopted_by"), c.PostForm("adopted_at")
	in := domain.DocumentInput{Status: &status, AdoptedBy: &by, AdoptedAt: &at}
	if _, err := s.app.UpdateDocument(c.Request.Context(), s.caller(c), mid, id, in); err != nil {
		s.inlineFail(c, domain.KindDocument, mid, id, "adopt", err)
		return
	}
	s.redirect(c, docURL(mid, id), "flash.doc_adopted")
}

func (s *Server) documentDelete(c *gin.Context) {
	mid, id, err := recordIDs(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.app.DeleteDocument(c.Request.Context(), s.caller(c), mid, id); err != nil {
		s.fail(c, err)
		return
	}
	s.redirect(c, "/m/"+itoa(mid)+"/documents", "flash.doc_deleted")
}
