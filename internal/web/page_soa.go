package web

import (
	"html"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/authz"
	"github.com/lisa-isms/lisa/internal/catalog"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

func init() {
	registerKindWeb(domain.KindControl, kindWeb{page: (*Server).renderSoARow, routes: (*Server).soaRoutes,
		navExtra: []NavLink{{Href: "gap", Label: "nav.gap"}}})
}

// soaRoutes registers the routes of the statement of applicability, its catalogs, exports, import and gap analysis: the API (under /api/v1) and the pages.
func (s *Server) soaRoutes(api, pages *gin.RouterGroup) {
	api.GET("/catalogs", s.api(s.apiCatalogs))
	api.GET("/catalogs/:cat/controls", s.api(s.apiCatalogControls))
	api.GET("/catalogs/:cat/oscal.json", s.catalogOSCAL)
	api.GET("/municipalities/:mid/soa", s.api(s.apiSoA))
	api.PUT("/municipalities/:mid/soa/:ctl", s.api(s.apiUpdateSoA))
	api.GET("/municipalities/:mid/soa.xlsx", s.soaXLSX)
	api.POST("/municipalities/:mid/soa.xlsx", s.api(s.apiImportSoA))
	api.GET("/municipalities/:mid/soa.csv", s.soaCSV)
	api.GET("/municipalities/:mid/soa.oscal.json", s.soaOSCAL)
	api.GET("/municipalities/:mid/gap", s.api(s.apiGap))
	api.GET("/municipalities/:mid/own-controls", s.api(s.apiOwnControls))
	api.POST("/municipalities/:mid/own-controls", s.api(s.apiCreateOwnControl))
	pages.GET("/m/:mid/soa", s.soaList)
	pages.GET("/m/:mid/soa/:ctl", s.soaRow)
	pages.POST("/m/:mid/soa/:ctl", s.soaUpdate)
	pages.POST("/m/:mid/own-controls", s.ownControlCreate)
	pages.GET("/m/:mid/soa-import", s.importForm)
	pages.POST("/m/:mid/soa-import", s.importPreview)
	pages.POST("/m/:mid/soa-import/apply", s.importApply)
	pages.GET("/m/:mid/gap", s.gapPage)
}

// The statement of applicability (tillämplighetsförklaring), its rows, the gap analysis and
// the review calendar.

type soaListPage struct {
	Base
	Rows      []tableRow
	Theme     string
	Status    string
	Mine      bool
	Counts    app.GapCounts
	CanCreate bool
	CanImport bool
	Form      formState // the own-control form
}

// soaRows are the statement's table rows in the request's language: control id, title
// (linked; a badge when units have statuses of their own), applicable, status (a badge),
// owner, next review (with a badge when overdue).
func (s *Server) soaRows(c *gin.Context, rows []app.SoARow, owners map[int64]string) []tableRow {
	l := lang(c)
	tr, today := s.i18n.For(l), s.app.Today()
	out := make([]tableRow, len(rows))
	for i, r := range rows {
		title := cell{Text: r.ControlTitle, Href: r.Path()}
		if l == "sv" {
			title.Text = r.ControlTitleSV
		}
		if r.PerUnit {
			title.Badges = []badge{{Class: "info", Text: tr.T("soa.per_unit")}}
		}
		applicable := tr.T("common.no")
		if r.Applicable {
			applicable = tr.T("common.yes")
		}
		owner := ""
		if r.OwnerID != nil {
			owner = owners[*r.OwnerID]
		}
		next := cell{Text: dateText(r.NextReviewAt)}
		if domain.DueStateOf(r.NextReviewAt, today) == domain.DueOverdue {
			next.Badges = []badge{{Class: "overdue", Text: tr.T("due.state.overdue")}}
		}
		out[i] = tableRow{Cells: []cell{{Text: r.ControlID}, title, {Text: applicable},
			{Badges: []badge{{Class: "ctl-" + r.Status, Text: tr.T("ctlstatus." + r.Status)}}}, ownerCell(owner, tr.T), next}}
	}
	return out
}

func (s *Server) soaList(c *gin.Context) { s.renderSoAList(c, http.StatusOK, newForm()) }

func (s *Server) renderSoAList(c *gin.Context, status int, f formState) {
	mid, err := idParam(c, "mid")
	if err != nil {
		s.fail(c, err)
		return
	}
	ctx, cl := c.Request.Context(), s.caller(c)
	rows, err := s.app.SoASummary(ctx, cl, mid)
	if err != nil {
		s.fail(c, err)
		return
	}
	pg := soaListPage{Theme: c.Query("theme"), Status: c.Query("status"), Mine: c.Query("mine") == "1", Form: f,
		CanCreate: s.app.Can(cl, mid, authz.ObjControl, authz.Create, nil), CanImport: s.app.CanSome(cl, mid, authz.ObjControl, authz.Update)}
	var shown []app.SoARow
	for _, r := range rows {
		if (pg.Theme == "" || r.Theme == pg.Theme) && (pg.Status == "" || r.Status == pg.Status) &&
			(!pg.Mine || r.OwnerID != nil && *r.OwnerID == cl.P.User.ID) {
			shown = append(shown, r)
		}
	}
	// The owners' names, looked up for the rows shown (as the row's own page shows them).
	owners, err := s.ownerNames(c, mid, shown)
	if err != nil {
		s.fail(c, err)
		return
	}
	pg.Rows = s.soaRows(c, shown, owners)
	pg.Base = s.base(c, s.i18n.T(lang(c), "soa.title"))
	s.render(c, status, "soa", pg)
}

// ownerNames maps the owners of rows to their names: one statement for the owners on the
// page, not the municipality's thousands of people.
func (s *Server) ownerNames(c *gin.Context, mid int64, rows []app.SoARow) (map[int64]string, error) {
	var ids []int64
	for _, r := range rows {
		if r.OwnerID != nil {
			ids = append(ids, *r.OwnerID)
		}
	}
	return s.app.MemberNames(c.Request.Context(), s.caller(c), mid, ids)
}

// evidenceDoc is a governing document as the evidence picker shows it.
type evidenceDoc struct {
	ID    int64
	Title string
}

// evidencePickerSize is how many search hits the evidence picker shows.
const evidencePickerSize = 25

type soaRowPage struct {
	Base
	recordParts
	Row           app.SoARow
	Mapped        []mappedRef
	Units         []domain.OrgUnit
	UnitNames     map[int64]string
	Owners        ownerPicker
	Docs          []evidenceDoc // the evidence choices: the row's evidence, then search hits
	Linked        []evidenceDoc // the row's evidence the caller may read
	EvidenceQuery string        // the picker's search (?evidence_q=)
	EvidenceMore  bool          // more documents match than are shown
	OwnerName     string
	CanEdit       bool
	CanAssign     bool
	Edit          formState
	UnitStatus    map[int64]string
	UnitFields    template.HTML // the rows of the unit statuses' table (unitStatusRows)
}

// unitStatusRows writes the edit form's row per org unit: the unit's name as the label of
// its status select (follow the municipality, or one of its own) and of its comment, with
// cur the chosen statuses and f's unit_comment_{id} values. Escaped here: 80 units' rows in
// one template action (they were a quarter of the row page's CPU).
func unitStatusRows(units []domain.OrgUnit, cur map[int64]string, f formState, t func(string, ...any) string) template.HTML {
	statuses := []option{{"", t("soa.unit_inherit")}}
	for _, st := range []string{"not_started", "partial", "implemented"} {
		statuses = append(statuses, option{st, t("ctlstatus." + st)})
	}
	comment := html.EscapeString(t("soa.unit_comment"))
	var b strings.Builder
	for _, u := range units {
		id, name := itoa(u.ID), html.EscapeString(u.Name)
		b.WriteString(`<tr><td><label for="f-unit-status-` + id + `">` + name + `</label></td><td><select id="f-unit-status-` + id + `" name="unit_status_` + id + `">`)
		b.WriteString(string(selectOptions(statuses, cur[u.ID])))
		b.WriteString(`</select></td><td><label for="f-unit-comment-` + id + `" class="visually-hidden">` + comment + ": " + name + `</label><input id="f-unit-comment-` + id +
			`" name="unit_comment_` + id + `" value="` + html.EscapeString(f.V("unit_comment_"+id)) + `"></td></tr>` + "\n")
	}
	return template.HTML(b.String()) // every name, value and label escaped above
}

// mappedRef is a control of another catalog the row's control maps to.
type mappedRef struct {
	Catalog, CatalogName, ID, Title string
}

func (s *Server) soaRow(c *gin.Context) {
	mid, err := idParam(c, "mid")
	if err != nil {
		s.fail(c, err)
		return
	}
	s.renderSoARow(c, http.StatusOK, mid, 0, "", newForm())
}

// renderSoARow shows one row of the statement of applicability with its edit form and the
// record parts. formName "edit" carries the edit form's input and errors; others belong to
// the record parts.
func (s *Server) renderSoARow(c *gin.Context, status int, mid, _ int64, formName string, f formState) {
	ctx, cl := c.Request.Context(), s.caller(c)
	r, err := s.app.SoARow(ctx, cl, mid, c.Param("ctl"))
	if err != nil {
		s.fail(c, err)
		return
	}
	row := &r
	pg := soaRowPage{Row: *row, UnitStatus: map[int64]string{}}
	partsForm, partsName := f, formName
	if formName == "edit" {
		partsForm, partsName = newForm(), ""
	}
	if pg.recordParts, err = s.loadRecordParts(c, mid, domain.KindControl, row.Record, partsName, partsForm); err != nil {
		s.fail(c, err)
		return
	}
	pg.CanEdit = pg.Can.Edit
	pg.CanAssign = s.app.Can(cl, mid, authz.ObjControl, authz.AssignOwner, nil)
	if row.CatalogID == catalog.ISO {
		for _, m := range s.app.Mapped(row.CatalogID, row.ControlID) {
			name, title := m.CatalogName, m.Title
			if lang(c) == "sv" {
				name, title = m.CatalogNameSV, m.TitleSV
			}
			pg.Mapped = append(pg.Mapped, mappedRef{Catalog: m.Catalog, CatalogName: name, ID: m.ID, Title: title})
		}
	}
	if pg.Units, err = s.app.OrgUnits(ctx, cl, mid); err != nil {
		s.fail(c, err)
		return
	}
	pg.UnitNames = unitNames(pg.Units)
	pg.OwnerName = s.userName(c, mid, row.OwnerID)
	if pg.CanAssign {
		if pg.Owners, err = s.ownerPicker(c, mid, row.OwnerID, pg.URL); err != nil {
			s.fail(c, err)
			return
		}
	}
	// The evidence picker: the documents linked now, and those matching ?evidence_q= (a page
	// of them, by title), never the whole register.
	titles, err := s.app.DocumentTitles(ctx, cl, mid, row.EvidenceIDs)
	if err != nil {
		s.fail(c, err)
		return
	}
	for _, id := range row.EvidenceIDs {
		if t, ok := titles[id]; ok {
			pg.Linked = append(pg.Linked, evidenceDoc{ID: id, Title: t})
		}
	}
	pg.Docs = append(pg.Docs, pg.Linked...)
	pg.EvidenceQuery = strings.TrimSpace(c.Query("evidence_q"))
	if pg.EvidenceQuery != "" && len(pg.EvidenceQuery) <= 200 {
		found, err := s.app.Documents(ctx, cl, mid, store.DocumentFilter{Query: pg.EvidenceQuery, Limit: evidencePickerSize + 1})
		if err != nil && domain.ErrorCode(err) != domain.EForbidden {
			s.fail(c, err)
			return
		}
		if pg.EvidenceMore = len(found) > evidencePickerSize; pg.EvidenceMore {
			found = found[:evidencePickerSize]
		}
		for _, d := range found {
			if !slices.Contains(row.EvidenceIDs, d.ID) {
				pg.Docs = append(pg.Docs, evidenceDoc{ID: d.ID, Title: d.Title})
			}
		}
	}
	if formName == "edit" {
		pg.Edit = f
		for k, v := range f.Values {
			if id, ok := strings.CutPrefix(k, "unit_status_"); ok {
				if n, err := strconv.ParseInt(id, 10, 64); err == nil {
					pg.UnitStatus[n] = v
				}
			}
		}
	} else {
		pg.Edit = formFromSoARow(row.ControlImpl)
		for _, us := range row.UnitStatuses {
			pg.UnitStatus[us.OrgUnitID] = string(us.Status)
			pg.Edit.Values["unit_comment_"+itoa(us.OrgUnitID)] = us.Comment
		}
	}
	title := row.ControlID + " " + row.ControlTitle
	if lang(c) == "sv" {
		title = row.ControlID + " " + row.ControlTitleSV
	}
	pg.UnitFields = unitStatusRows(pg.Units, pg.UnitStatus, pg.Edit, s.i18n.For(lang(c)).T)
	pg.Base = s.base(c, title)
	s.render(c, status, "soa_row", pg)
}

// formFromSoARow fills the edit form with a row's values.
func formFromSoARow(r domain.ControlImpl) formState {
	f := newForm()
	v := f.Values
	v["applicable"] = "yes"
	if !r.Applicable {
		v["applicable"] = "no"
	}
	v["justification"], v["status"] = r.Justification, string(r.Base()) // the form sets the base status
	v["org_unit_id"] = itoa(r.OrgUnitID)
	v["review_interval_months"] = strconv.Itoa(r.ReviewIntervalMonths)
	if r.OwnerID != nil {
		v["owner_id"] = itoa(*r.OwnerID)
	}
	if r.NextReviewAt != nil {
		v["next_review_at"] = r.NextReviewAt.String()
	}
	f.Multi["evidence_record_ids"] = r.EvidenceIDs
	return f
}

// parseSoAForm turns the row's edit form into input; unit statuses come as
// unit_status_<unit id> = status (empty: the municipality-level status applies).
func parseSoAForm(v url.Values) (domain.SoAInput, domain.Problems) {
	p := domain.Problems{}
	var in domain.SoAInput
	switch v.Get("applicable") {
	case "yes":
		t := true
		in.Applicable = &t
	case "no":
		f := false
		in.Applicable = &f
	case "":
	default:
		p.Add("applicable", "err.enum")
	}
	in.Justification, in.Status, in.NextReviewAt = formString(v, "justification"), formString(v, "status"), formString(v, "next_review_at")
	if in.Status != nil && *in.Status == "" {
		in.Status = nil
	}
	in.OwnerID, in.OrgUnitID = formID(v, "owner_id", p), formID(v, "org_unit_id", p)
	in.ReviewIntervalMonths = formInterval(v, p)
	if _, ok := v["form_has_units"]; ok {
		list := []domain.UnitStatusInput{}
		keys := make([]string, 0)
		for k := range v {
			if strings.HasPrefix(k, "unit_status_") {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			st := v.Get(k)
			if st == "" {
				continue
			}
			n, err := strconv.ParseInt(strings.TrimPrefix(k, "unit_status_"), 10, 64)
			if err != nil {
				p.Add("unit_statuses", "err.type")
				continue
			}
			list = append(list, domain.UnitStatusInput{OrgUnitID: n, Status: st, Comment: v.Get("unit_comment_" + strconv.FormatInt(n, 10))})
		}
		in.UnitStatuses = &list
	}
	if _, ok := v["form_has_evidence"]; ok {
		ids := formIDs(v, "evidence_record_ids", p)
		in.EvidenceIDs = &ids
	}
	return in, p
}

var soaFields = []string{"applicable", "justification", "status", "owner_id", "org_unit_id", "unit_statuses", "evidence_record_ids", "review_interval_months", "next_review_at"}

func (s *Server) soaUpdate(c *gin.Context) {
	mid, err := idParam(c, "mid")
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := c.Request.ParseForm(); err != nil {
		s.fail(c, err)
		return
	}
	in, p := parseSoAForm(c.Request.PostForm)
	err = p.Err()
	if err == nil {
		_, err = s.app.UpdateSoA(c.Request.Context(), s.caller(c), mid, c.Param("ctl"), in)
	}
	if err != nil {
		if f, status, ok := s.formFail(c, err, soaFields); ok {
			s.renderSoARow(c, status, mid, 0, "edit", f)
		}
		return
	}
	s.redirect(c, recordPageURL(c, domain.KindControl), "flash.saved")
}

// ownControlCreate adds a control of the municipality's own.
func (s *Server) ownControlCreate(c *gin.Context) {
	mid, err := idParam(c, "mid")
	if err != nil {
		s.fail(c, err)
		return
	}
	in := app.CustomControlInput{ID: c.PostForm("id"), Theme: c.PostForm("theme"), Title: c.PostForm("title"), Description: c.PostForm("description")}
	cc, err := s.app.CreateCustomControl(c.Request.Context(), s.caller(c), mid, in)
	if err != nil {
		f, status, ok := s.formFail(c, err, []string{"id", "theme", "title", "description"})
		if !ok {
			return
		}
		for i := range f.Order {
			f.Labels["own-"+f.Order[i]] = f.Labels[f.Order[i]]
			f.Errors["own-"+f.Order[i]] = f.Errors[f.Order[i]]
			f.Order[i] = "own-" + f.Order[i]
		}
		s.renderSoAList(c, status, f)
		return
	}
	s.redirect(c, "/m/"+itoa(mid)+"/soa/"+url.PathEscape(cc.ID), "flash.saved")
}

type gapPage struct {
	Base
	Report app.GapReport
	Units  []tableRow // per org unit: its counts with shares and a bar
}

func (s *Server) gapPage(c *gin.Context) {
	mid, err := idParam(c, "mid")
	if err != nil {
		s.fail(c, err)
		return
	}
	rep, err := s.app.Gap(c.Request.Context(), s.caller(c), mid)
	if err != nil {
		s.fail(c, err)
		return
	}
	pg := gapPage{Base: s.base(c, s.i18n.T(lang(c), "gap.title")), Report: rep}
	for _, u := range rep.Units {
		share := func(n int) cell { return cell{Text: strconv.Itoa(n) + " (" + strconv.Itoa(u.Share(n)) + " %)"} }
		pg.Units = append(pg.Units, tableRow{Cells: []cell{{Text: u.Title, Head: true}, share(u.Implemented), share(u.Partial), share(u.NotStarted),
			{Bar: gapBars(u.GapCounts, barWidth)}}})
	}
	s.render(c, http.StatusOK, "gap", pg)
}

type calendarPage struct {
	Base
	Due     string
	By      string
	Groups  []dueGroup
	Count   int    // reviews on this page
	Paged   bool   // a page of several
	NextURL string // the next page, "" on the last
}

type dueGroup struct {
	Name  string
	Items []tableRow
}

// calendarPageSize is how many reviews a page of the review calendar shows, in review date
// order (grouped on the page); the next page follows them.
const calendarPageSize = 100

// calendarPage is the review calendar: what falls due, grouped by owner, org unit or kind.
func (s *Server) calendarPage(c *gin.Context) {
	mid, err := idParam(c, "mid")
	if err != nil {
		s.fail(c, err)
		return
	}
	due, _, err := dueParams(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if due == "" || due == domain.DueFilterAll {
		due = domain.DueFilterSoon90
	}
	by := c.DefaultQuery("by", "owner")
	if by != "owner" && by != "unit" && by != "kind" {
		s.fail(c, &domain.Error{Code: domain.EInvalid, Message: "err.invalid", Fields: map[string]string{"by": "err.enum"}})
		return
	}
	query := due
	if due == domain.DueFilterSoon90 { // the calendar shows what is overdue too
		query = domain.DueFilterUpTo90
	}
	items, next, err := s.duesPage(c, mid, query, false, calendarPageSize)
	if err != nil {
		s.fail(c, err)
		return
	}
	tr := s.i18n.For(lang(c))
	pg := calendarPage{Due: string(due), By: by, Count: len(items), NextURL: next, Paged: paged(c, next)}
	idx := map[string]int{}
	rows := s.dueRows(c, items)
	for j, it := range items {
		var name string
		switch by {
		case "owner":
			name = it.OwnerName
			if name == "" {
				name = tr.T("due.no_owner")
			}
		case "unit":
			name = it.OrgUnitName
		default:
			name = tr.T(spec(it.Kind).Label)
		}
		i, ok := idx[name]
		if !ok {
			i = len(pg.Groups)
			idx[name] = i
			pg.Groups = append(pg.Groups, dueGroup{Name: name})
		}
		pg.Groups[i].Items = append(pg.Groups[i].Items, rows[j])
	}
	sort.SliceStable(pg.Groups, func(i, j int) bool { return pg.Groups[i].Name < pg.Groups[j].Name })
	pg.Base = s.base(c, tr.T("cal.title"))
	s.render(c, http.StatusOK, "calendar", pg)
}

// ownerPickerSize is how many people an owner picker lists besides the present owner.
const ownerPickerSize = 50

// ownerPicker is an owner select that stays small in a large municipality: the present
// owner and the first ownerPickerSize candidates matching ?owner_q=, with a search form
// (a GET to Page) when more match.
type ownerPicker struct {
	Members []domain.User
	Query   string
	More    bool
	Page    string   // the form page the search reloads
	Keep    []option // the page's other query parameters, kept by the search
}

// formOwners is the owner picker of a record form f shown at page: the owner on the form is
// offered whatever their role.
func (s *Server) formOwners(c *gin.Context, mid int64, f formState, page string) (ownerPicker, error) {
	var current *int64
	if n, err := strconv.ParseInt(f.Values["owner_id"], 10, 64); err == nil {
		current = &n
	}
	return s.ownerPicker(c, mid, current, page)
}

// formPage is the page of a record form posting to action: action/new for a new record,
// action/edit for one being changed.
func formPage(action string, isNew bool) string {
	if isNew {
		return action + "/new"
	}
	return action + "/edit"
}

func (s *Server) ownerPicker(c *gin.Context, mid int64, current *int64, page string) (ownerPicker, error) {
	p := ownerPicker{Query: strings.TrimSpace(c.Query("owner_q")), Page: page, Keep: keepQuery(c.Request.URL.RequestURI(), "owner_q")}
	if len(p.Query) > 200 {
		p.Query = p.Query[:200]
	}
	var err error
	p.Members, p.More, err = s.app.OwnerCandidates(c.Request.Context(), s.caller(c), mid, current, p.Query, ownerPickerSize)
	return p, err
}
