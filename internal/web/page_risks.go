package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/authz"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// The pages of risks (issue 9): the register with its filters, a risk with its controls,
// treatment actions and acceptance, the risk form; the heat map and matrix pages are in
// page_risk_matrix.go, analyses and actions in page_risk_analyses.go.

func init() {
	registerKindWeb(domain.KindRisk, kindWeb{page: (*Server).renderRisk, routes: (*Server).riskRoutes,
		navExtra: []NavLink{{Href: "risk-analyses", Label: "nav.risk_analyses"}}})
}

// riskRoutes registers the API of every risk kind and the pages of risks, the heat map and
// the matrix.
func (s *Server) riskRoutes(api, pages *gin.RouterGroup) {
	s.riskAPIRoutes(api)
	pages.GET("/m/:mid/risks", s.riskList)
	pages.GET("/m/:mid/risks/new", riskForm.newHandler(s))
	pages.POST("/m/:mid/risks", riskForm.createHandler(s))
	pages.GET("/m/:mid/risks/:id", s.riskShow)
	pages.GET("/m/:mid/risks/:id/edit", riskForm.editHandler(s))
	pages.POST("/m/:mid/risks/:id", riskForm.updateHandler(s))
	pages.POST("/m/:mid/risks/:id/acceptance", s.riskAccept)
	pages.POST("/m/:mid/risks/:id/actions", s.actionCreate(domain.KindRisk))
	pages.GET("/m/:mid/risks/:id/delete", s.riskDeleteConfirm)
	pages.POST("/m/:mid/risks/:id/delete", s.riskDelete)
	pages.GET("/m/:mid/heatmap", s.heatMapPage)
	pages.GET("/m/:mid/risk-matrix", s.riskMatrixPage)
	pages.POST("/m/:mid/risk-matrix", s.riskMatrixUpdate)
}

// riskForm is the risk's create and edit form.
var riskForm = kindForm[domain.RiskInput]{
	kind: domain.KindRisk, fields: riskFields, parse: parseRiskForm,
	load: func(s *Server, c *gin.Context, mid, id int64) (domain.Record, formState, error) {
		r, _, err := s.app.Risk(c.Request.Context(), s.caller(c), mid, id)
		return r.Record, formFromRisk(r), err
	},
	create: func(s *Server, c *gin.Context, mid int64, in domain.RiskInput) (int64, error) {
		if v := c.PostForm("incident_id"); v != "" { // a risk made from an incident's page is linked to it
			inc, err := strconv.ParseInt(v, 10, 64)
			if err != nil || inc <= 0 {
				return 0, domain.NotFound()
			}
			r, err := s.app.CreateRiskFromIncident(c.Request.Context(), s.caller(c), mid, inc, in)
			return r.ID, err
		}
		r, err := s.app.CreateRisk(c.Request.Context(), s.caller(c), mid, in)
		return r.ID, err
	},
	update: func(s *Server, c *gin.Context, mid, id int64, in domain.RiskInput) error {
		_, err := s.app.UpdateRisk(c.Request.Context(), s.caller(c), mid, id, in)
		return err
	},
	render: (*Server).renderRiskForm, created: "flash.risk_created", saved: "flash.risk_saved",
	defaults: func(s *Server, c *gin.Context, mid int64, f formState) error {
		f.Values["treatment"] = string(domain.TreatReduce)
		if n, err := strconv.ParseInt(c.Query("analysis_id"), 10, 64); err == nil && n > 0 {
			f.Values["analysis_id"] = itoa(n)
		}
		if v := c.Query("incident"); v != "" { // from an incident's page: the risk it shows, linked to it
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				return domain.NotFound()
			}
			inc, err := s.app.Incident(c.Request.Context(), s.caller(c), mid, n)
			if err != nil {
				return err
			}
			if !s.app.Can(s.caller(c), mid, authz.ObjIncident, authz.Update, authz.TargetOf(inc.Record)) {
				return domain.Forbidden() // linking a risk to it is the handler's
			}
			f.Values["incident_id"], f.Values["title"], f.Values["threat"] = itoa(inc.ID), inc.Title, inc.Description
			f.Values["org_unit_id"] = itoa(inc.OrgUnitID)
			f.Multi["asset_ids"] = inc.AssetIDs
		}
		return nil
	},
}

func riskURL(mid, id int64) string { return "/m/" + itoa(mid) + "/risks/" + itoa(id) }

// riskRow is a row of the register as shown, its texts made in Go (not looked up per cell by
// the template).
type riskRow struct {
	ID                           int64
	Title, Unit, Owner, Analysis string
	Level, ResidualLevel         domain.RiskLevel // the badges' classes
	Score, ResidualScore         int
	LevelText, ResidualText      string // the levels' names
	Treatment, Status            string // translated
	Accepted                     string // "valid", "expired", "void" or ""
	AcceptedText                 string // Accepted translated, with the valid-until date when valid
}

type riskListPage struct {
	Base
	Rows      []tableRow
	Matrix    domain.RiskMatrix
	Query     app.RiskQuery
	Units     []domain.OrgUnit
	Analyses  []store.RecordChoice
	CanCreate bool
	NextURL   string
	Paged     bool
	Export    string // the query string of the filters, for the export links
	Mine      bool   // only the caller's own risks
}

// riskRows makes the register rows of rs: unit, owner and analysis names in a statement or
// two for the whole page.
func (s *Server) riskRows(c *gin.Context, mid int64, rs []domain.Risk, units map[int64]string) ([]riskRow, error) {
	ctx, cl := c.Request.Context(), s.caller(c)
	var owners, analyses []int64
	for _, r := range rs {
		if r.OwnerID != nil {
			owners = append(owners, *r.OwnerID)
		}
		if r.AnalysisID != nil {
			analyses = append(analyses, *r.AnalysisID)
		}
	}
	names, err := s.app.MemberNames(ctx, cl, mid, owners)
	if err != nil {
		return nil, err
	}
	titles, err := s.app.RiskTitles(ctx, cl, mid, domain.KindRiskAnalysis, analyses)
	if err != nil {
		return nil, err
	}
	today := s.app.Today()
	tr := s.i18n.For(lang(c))
	out := make([]riskRow, len(rs))
	for i, r := range rs {
		row := riskRow{ID: r.ID, Title: r.Title, Unit: units[r.OrgUnitID], Level: r.Level, ResidualLevel: r.ResidualLevel, Score: r.Score,
			ResidualScore: r.ResidualScore, LevelText: tr.T("risklevel." + string(r.Level)), ResidualText: tr.T("risklevel." + string(r.ResidualLevel)),
			Treatment: tr.T("treatment." + string(r.Treatment)), Status: tr.T("riskstatus." + r.Status)}
		if r.OwnerID != nil {
			row.Owner = names[*r.OwnerID]
		}
		if r.AnalysisID != nil {
			row.Analysis = titles[*r.AnalysisID]
		}
		if row.Accepted = acceptanceState(r.Acceptance, today); row.Accepted != "" {
			row.AcceptedText = tr.T("acceptstate." + row.Accepted)
			if row.Accepted == "valid" {
				row.AcceptedText += " (" + r.Acceptance.ValidUntil.String() + ")"
			}
		}
		out[i] = row
	}
	return out, nil
}

// riskRegisterRows are the register's table rows: title (linked, its analysis under it),
// unit, owner, level before and after treatment (as badges), treatment, status, acceptance.
func riskRegisterRows(mid int64, rows []riskRow, t func(string, ...any) string) []tableRow {
	out := make([]tableRow, len(rows))
	for i, r := range rows {
		accepted := r.AcceptedText
		if accepted == "" {
			accepted = "–"
		}
		out[i] = tableRow{Cells: []cell{
			{Text: r.Title, Href: domain.RecordPath(mid, domain.KindRisk, r.ID, ""), Note: r.Analysis},
			{Text: r.Unit}, ownerCell(r.Owner, t),
			{Badges: []badge{{Class: "level-" + string(r.Level), Text: strconv.Itoa(r.Score) + " " + r.LevelText}}},
			{Badges: []badge{{Class: "level-" + string(r.ResidualLevel), Text: strconv.Itoa(r.ResidualScore) + " " + r.ResidualText}}},
			{Text: r.Treatment}, {Text: r.Status}, {Text: accepted},
		}}
	}
	return out
}

// acceptanceState names where an acceptance stands: valid, expired, void, or "" for none.
func acceptanceState(a *domain.RiskAcceptance, today domain.Date) string {
	switch {
	case a == nil:
		return ""
	case a.VoidedAt != nil:
		return "void"
	case a.Expired(today):
		return "expired"
	}
	return "valid"
}

func (s *Server) riskList(c *gin.Context) {
	mid, err := idParam(c, "mid")
	if err != nil {
		s.fail(c, err)
		return
	}
	q, err := riskQuery(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	ctx, cl := c.Request.Context(), s.caller(c)
	mine := c.Query("mine") == "1" && cl.P != nil
	if mine {
		q.OwnerID = cl.P.User.ID
	}
	q.Bare = true // a row shows neither assets nor controls
	rs, m, next, err := s.riskPage(c, mid, q)
	if err != nil {
		s.fail(c, err)
		return
	}
	units, err := s.app.OrgUnits(ctx, cl, mid)
	if err != nil {
		s.fail(c, err)
		return
	}
	pg := riskListPage{Matrix: m, Query: q, Units: units, NextURL: next, Paged: paged(c, next), Mine: mine,
		CanCreate: s.app.CanSome(cl, mid, authz.ObjRisk, authz.Create)}
	rows, err := s.riskRows(c, mid, rs, unitNames(units))
	if err != nil {
		s.fail(c, err)
		return
	}
	pg.Rows = riskRegisterRows(mid, rows, s.i18n.For(lang(c)).T)
	var chosen []int64 // the filter's analysis stays in its select
	if q.AnalysisID != 0 {
		chosen = []int64{q.AnalysisID}
	}
	if pg.Analyses, err = s.app.RiskChoices(ctx, cl, mid, domain.KindRiskAnalysis, "", chosen, choiceSize); err != nil {
		s.fail(c, err)
		return
	}
	ex := c.Request.URL.Query()
	ex.Del("after")
	ex.Del("limit")
	pg.Export = ex.Encode()
	pg.Base = s.base(c, s.i18n.T(lang(c), "risk.register_title"))
	s.render(c, http.StatusOK, "risks", pg)
}

// riskShowPage is a risk's page.
type riskShowPage struct {
	Base
	recordParts
	Risk      domain.Risk
	Matrix    domain.RiskMatrix
	UnitName  string
	OwnerName string
	Analysis  string
	Assets    []store.RecordChoice // the linked assets, by name where the caller may read them
	actionsPart
	Acceptances   []domain.RiskAcceptance
	AcceptState   string
	NeedsDecision bool
	CanAccept     bool
	Units         map[int64]string
	Owners        map[int64]string
	AcceptForm    formState
}

func (s *Server) riskShow(c *gin.Context) {
	mid, id, err := recordIDs(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.renderRisk(c, http.StatusOK, mid, id, "", newForm())
}

// renderRisk shows a risk with its scores, controls and their SoA statuses, assets, actions
// and acceptance, and the record parts; formName "accept" or "action" carries the input and
// errors of those forms, others those of the record parts.
func (s *Server) renderRisk(c *gin.Context, status int, mid, id int64, formName string, f formState) {
	ctx, cl := c.Request.Context(), s.caller(c)
	r, m, err := s.app.Risk(ctx, cl, mid, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	today := s.app.Today()
	pg := riskShowPage{Risk: r, Matrix: m, AcceptForm: newForm(),
		AcceptState: acceptanceState(r.Acceptance, today), NeedsDecision: r.NeedsDecision(m, today), CanAccept: s.app.CanAcceptRisk(cl, r, m)}
	partsForm, partsName, actionForm := f, formName, newForm()
	switch formName {
	case "accept":
		pg.AcceptForm, partsForm, partsName = f, newForm(), ""
	case "action":
		actionForm, partsForm, partsName = f, newForm(), ""
	}
	if pg.recordParts, err = s.loadRecordParts(c, mid, domain.KindRisk, r.Record, partsName, partsForm); err != nil {
		s.fail(c, err)
		return
	}
	if pg.actionsPart, err = s.loadActions(c, r.Record, pg.Can.Edit, actionForm); err != nil {
		s.fail(c, err)
		return
	}
	if pg.AcceptForm.Values["valid_until"] == "" && formName != "accept" {
		pg.AcceptForm.Values["valid_until"] = today.AddMonths(12).String()
	}
	units, err := s.app.OrgUnits(ctx, cl, mid)
	if err != nil {
		s.fail(c, err)
		return
	}
	pg.Units = unitNames(units)
	pg.UnitName = pg.Units[r.OrgUnitID]
	if pg.Acceptances, err = s.app.RiskAcceptances(ctx, cl, mid, id); err != nil {
		s.fail(c, err)
		return
	}
	people := []int64{}
	if r.OwnerID != nil {
		people = append(people, *r.OwnerID)
	}
	if pg.Owners, err = s.app.MemberNames(ctx, cl, mid, people); err != nil {
		s.fail(c, err)
		return
	}
	if r.OwnerID != nil {
		pg.OwnerName = pg.Owners[*r.OwnerID]
	}
	if r.AnalysisID != nil {
		titles, err := s.app.RiskTitles(ctx, cl, mid, domain.KindRiskAnalysis, []int64{*r.AnalysisID})
		if err != nil {
			s.fail(c, err)
			return
		}
		pg.Analysis = titles[*r.AnalysisID]
	}
	// ASSETS BRANCH: the names come from the asset kind's records under its own permissions;
	// until the assets branch is merged (no policy for assets) an asset shows by its id.
	names, err := s.app.AssetNames(ctx, cl, mid, r.AssetIDs)
	if err != nil {
		s.fail(c, err)
		return
	}
	for _, a := range r.AssetIDs {
		pg.Assets = append(pg.Assets, store.RecordChoice{ID: a, Title: names[a]})
	}
	pg.Base = s.base(c, r.Title)
	s.render(c, status, "risk", pg)
}

// riskFields are the risk form's fields in form order (for the error summary).
var riskFields = []string{"title", "analysis_id", "threat", "vulnerability", "asset_ids", "org_unit_id", "owner_id", "status",
	"likelihood", "consequence", "treatment", "treatment_plan", "residual_likelihood", "residual_consequence", "residual_reason",
	"control_ids", "review_interval_months", "next_review_at"}

// parseRiskForm turns a posted risk form into input. Every field the form shows is given;
// numbers that do not parse are field errors; control ids are typed separated by commas or
// spaces. Fuzzed in tests.
func parseRiskForm(v url.Values, isNew bool) (domain.RiskInput, domain.Problems) {
	p := domain.Problems{}
	var in domain.RiskInput
	str := func(name string) *string { return formString(v, name) }
	in.Title, in.Threat, in.Vulnerability, in.Status = str("title"), str("threat"), str("vulnerability"), str("status")
	in.Treatment, in.TreatmentPlan, in.ResidualReason = str("treatment"), str("treatment_plan"), str("residual_reason")
	in.NextReviewAt = str("next_review_at")
	if isNew && in.Status != nil && *in.Status == "" {
		in.Status = nil
	}
	in.AnalysisID, in.OwnerID = formID(v, "analysis_id", p), formID(v, "owner_id", p)
	in.OrgUnitID = formID(v, "org_unit_id", p)
	if in.OrgUnitID != nil && *in.OrgUnitID == 0 && isNew {
		in.OrgUnitID = nil
	}
	for name, dst := range map[string]**int{"likelihood": &in.Likelihood, "consequence": &in.Consequence,
		"residual_likelihood": &in.ResidualLikelihood, "residual_consequence": &in.ResidualConsequence} {
		if _, ok := v[name]; ok && strings.TrimSpace(v.Get(name)) == "" && isNew && strings.HasPrefix(name, "residual") {
			continue // not assessed yet: the inherent values
		}
		*dst = formWhole(v, name, "err.risk_scale", p)
	}
	in.ReviewIntervalMonths = formInterval(v, p)
	if ids := str("control_ids"); ids != nil {
		list := strings.FieldsFunc(*ids, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
		if list == nil {
			list = []string{}
		}
		in.ControlIDs = &list
	}
	if _, ok := v["form_has_assets"]; ok {
		ids := formIDs(v, "asset_ids", p)
		in.AssetIDs = &ids
	}
	return in, p
}

// riskFormPage is the form of a new or changed risk.
type riskFormPage struct {
	Base
	IsNew          bool
	Action         string
	Form           formState
	Matrix         domain.RiskMatrix
	Units          []domain.OrgUnit
	Analyses       []store.RecordChoice
	Assets         []store.RecordChoice
	AssetQuery     string // the search of the asset picker
	AssetPage      string // the form page the search reloads
	Owners         ownerPicker
	CanAssignOwner bool
}

// choiceSize is how many records a picker of the risk forms offers besides those the form
// names already; a search (?asset_q=) finds the others.
const choiceSize = 100

// choiceQuery reads a picker's search text, cut to 200 characters.
func choiceQuery(c *gin.Context, name string) string {
	q := strings.TrimSpace(c.Query(name))
	if len(q) > 200 {
		q = q[:200]
	}
	return q
}

// formFromRisk fills a form with a stored risk's values.
func formFromRisk(r domain.Risk) formState {
	f := newForm()
	v := f.Values
	v["title"], v["threat"], v["vulnerability"], v["status"] = r.Title, r.Threat, r.Vulnerability, r.Status
	v["treatment"], v["treatment_plan"], v["residual_reason"] = string(r.Treatment), r.TreatmentPlan, r.ResidualReason
	v["org_unit_id"], v["review_interval_months"] = itoa(r.OrgUnitID), strconv.Itoa(r.ReviewIntervalMonths)
	v["likelihood"], v["consequence"] = strconv.Itoa(r.Likelihood), strconv.Itoa(r.Consequence)
	v["residual_likelihood"], v["residual_consequence"] = strconv.Itoa(r.ResidualLikelihood), strconv.Itoa(r.ResidualConsequence)
	v["control_ids"] = strings.Join(r.ControlIDs, ", ")
	if r.OwnerID != nil {
		v["owner_id"] = itoa(*r.OwnerID)
	}
	if r.AnalysisID != nil {
		v["analysis_id"] = itoa(*r.AnalysisID)
	}
	if r.NextReviewAt != nil {
		v["next_review_at"] = r.NextReviewAt.String()
	}
	f.Multi["asset_ids"] = r.AssetIDs
	return f
}

func (s *Server) renderRiskForm(c *gin.Context, status int, mid int64, isNew bool, action string, f formState) {
	ctx, cl := c.Request.Context(), s.caller(c)
	m, err := s.app.RiskMatrix(ctx, cl, mid)
	if err != nil {
		s.fail(c, err)
		return
	}
	units, err := s.app.OrgUnits(ctx, cl, mid)
	if err != nil {
		s.fail(c, err)
		return
	}
	pg := riskFormPage{IsNew: isNew, Action: action, Form: f, Matrix: m, CanAssignOwner: s.app.CanSome(cl, mid, authz.ObjRisk, authz.AssignOwner)}
	if pg.CanAssignOwner {
		if pg.Owners, err = s.formOwners(c, mid, f, formPage(action, isNew)); err != nil {
			s.fail(c, err)
			return
		}
	} else if sc := s.app.Scope(cl, mid, authz.ObjRisk, authz.Create); !sc.All {
		kept := units[:0:0] // only the units one may write in
		for _, u := range units {
			if sc.Allows(domain.KindRisk, u.ID, "") {
				kept = append(kept, u)
			}
		}
		units = kept
	}
	pg.Units = units
	var analysis []int64
	if n, perr := strconv.ParseInt(f.Values["analysis_id"], 10, 64); perr == nil {
		analysis = []int64{n}
	}
	if pg.Analyses, err = s.app.RiskChoices(ctx, cl, mid, domain.KindRiskAnalysis, "", analysis, choiceSize); err != nil {
		s.fail(c, err)
		return
	}
	// The assets the risk names are always offered (ticked), with those matching ?asset_q=.
	pg.AssetQuery = choiceQuery(c, "asset_q")
	pg.AssetPage = formPage(action, isNew)
	if pg.Assets, err = s.app.RiskChoices(ctx, cl, mid, domain.RiskAssetKind, pg.AssetQuery, f.Multi["asset_ids"], choiceSize); err != nil {
		s.fail(c, err)
		return
	}
	title := "risk.edit_title"
	if isNew {
		title = "risk.new_title"
	}
	pg.Base = s.base(c, s.i18n.T(lang(c), title))
	s.render(c, status, "risk_form", pg)
}

// riskAccept records an acceptance from the risk page's form.
func (s *Server) riskAccept(c *gin.Context) {
	mid, id, err := recordIDs(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	why, until := c.PostForm("justification"), c.PostForm("valid_until")
	if _, err := s.app.AcceptRisk(c.Request.Context(), s.caller(c), mid, id, domain.AcceptanceInput{Justification: &why, ValidUntil: &until}); err != nil {
		if domain.ErrorCode(err) == domain.ENotFound {
			s.fail(c, err)
			return
		}
		s.inlineFail(c, domain.KindRisk, mid, id, "accept", err)
		return
	}
	s.redirect(c, riskURL(mid, id)+"#acceptance", "flash.risk_accepted")
}

// parseActionForm turns a posted action form into input (the fields it shows are given).
func parseActionForm(v url.Values) (domain.RiskActionInput, domain.Problems) {
	p := domain.Problems{}
	in := domain.RiskActionInput{Title: formString(v, "title"), Description: formString(v, "description"), Status: formString(v, "status"),
		DueAt: formString(v, "due_at"), OwnerID: formID(v, "owner_id", p)}
	if in.Status != nil && *in.Status == "" {
		in.Status = nil
	}
	if in.OwnerID != nil && *in.OwnerID == 0 {
		in.OwnerID = nil // the risk's owner
	}
	return in, p
}

// riskDeleteConfirm asks before a risk and its actions are deleted.
func (s *Server) riskDeleteConfirm(c *gin.Context) {
	mid, id, err := recordIDs(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	ctx, cl := c.Request.Context(), s.caller(c)
	r, _, err := s.app.Risk(ctx, cl, mid, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	if !s.rights(c, mid, domain.KindRisk, r.Record).Delete {
		s.fail(c, domain.Forbidden())
		return
	}
	actions, err := s.app.RiskActions(ctx, cl, mid, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	lg := lang(c)
	pg := confirmPage{Lead: s.i18n.T(lg, "confirm.risk_lead", r.Title), Action: riskURL(mid, id) + "/delete", Cancel: riskURL(mid, id),
		Submit: s.i18n.T(lg, "risk.delete_submit")}
	for i, a := range actions {
		if i == confirmListMax {
			pg.Items = append(pg.Items, s.i18n.T(lg, "confirm.more_actions", strconv.Itoa(len(actions)-i)))
			break
		}
		pg.Items = append(pg.Items, s.i18n.T(lg, "confirm.action_item", a.Title))
	}
	pg.Items = append(pg.Items, s.i18n.T(lg, "confirm.risk_parts"))
	pg.Base = s.base(c, s.i18n.T(lg, "confirm.risk_title"))
	s.render(c, http.StatusOK, "confirm", pg)
}

func (s *Server) riskDelete(c *gin.Context) {
	mid, id, err := recordIDs(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.app.DeleteRisk(c.Request.Context(), s.caller(c), mid, id); err != nil {
		s.fail(c, err)
		return
	}
	s.redirect(c, "/m/"+itoa(mid)+"/risks", "flash.risk_deleted")
}

// The template functions of the risk pages, and the coded values of risk changes in the
// audit trail.
func init() {
	auditEnums["status"] = append(auditEnums["status"], "riskstatus.", "analysisstatus.", "actionstatus.")
	auditEnums["object_type"] = []string{"analysisobject."}
	auditEnums["treatment"] = []string{"treatment."}
	auditEnums["level"] = []string{"risklevel."}
	auditEnums["residual_level"] = []string{"risklevel."}
	auditEnums["acceptance_level"] = []string{"risklevel."}
	auditEnums["reason"] = []string{"voidreason."}
	auditEnums["void_reason"] = []string{"voidreason."}
	f := templateFuncs
	f["treatments"] = func() []string { return strs(domain.RiskTreatments) }
	f["riskstatuses"] = func() []string { return domain.RiskStatuses }
	f["analysisstatuses"] = func() []string { return domain.RiskAnalysisStatuses }
	f["actionstatuses"] = func() []string { return domain.RiskActionStatuses }
	f["analysisobjects"] = func() []string { return strs(domain.AnalysisObjects) }
	f["risklevels"] = func() []string { return strs(domain.RiskLevels) }
	// ctltitle is a control as a risk names it: its id and title, the id once (the SoA rows'
	// titles start with it).
	f["ctltitle"] = func(id, title string) string {
		if strings.HasPrefix(title, id+" ") || title == id {
			return title
		}
		return id + " " + title
	}
	f["deref64"] = func(p *int64) int64 {
		if p == nil {
			return 0
		}
		return *p
	}
	f["choiceopts"] = func(cs []store.RecordChoice) []option {
		out := make([]option, len(cs))
		for i, c := range cs {
			out[i] = option{itoa(c.ID), c.Title}
		}
		return out
	}
	// scaleopts are the steps of a matrix axis: "3 – Medel".
	f["scaleopts"] = func(labels []string) []option {
		out := make([]option, len(labels))
		for i, l := range labels {
			out[i] = option{strconv.Itoa(i + 1), strconv.Itoa(i+1) + " – " + l}
		}
		return out
	}
	f["sizeopts"] = func(sizes []int) []option {
		out := make([]option, len(sizes))
		for i, n := range sizes {
			out[i] = option{strconv.Itoa(n), strconv.Itoa(n) + " × " + strconv.Itoa(n)}
		}
		return out
	}
	// scoretext is a risk's values on the matrix: "3 Medel × 4 Allvarlig = 12".
	f["scoretext"] = func(m domain.RiskMatrix, l, c int) string {
		label := func(ls []string, v int) string {
			if v >= 1 && v <= len(ls) {
				return ls[v-1]
			}
			return ""
		}
		return strconv.Itoa(l) + " " + label(m.LikelihoodLabels, l) + " × " + strconv.Itoa(c) + " " + label(m.ConsequenceLabels, c) + " = " + strconv.Itoa(l*c)
	}
	f["scorerange"] = func(m domain.RiskMatrix, lv domain.RiskLevel) string {
		lo, hi, _ := m.ScoreRange(lv)
		return strconv.Itoa(lo) + "–" + strconv.Itoa(hi)
	}
}
