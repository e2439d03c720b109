package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/authz"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// The pages of risk analyses and treatment actions (issue 9).

func init() {
	registerKindWeb(domain.KindRiskAnalysis, kindWeb{page: (*Server).renderRiskAnalysis, routes: (*Server).riskAnalysisRoutes})
	registerKindWeb(domain.KindRiskAction, kindWeb{page: (*Server).renderRiskAction, routes: (*Server).riskActionRoutes})
}

func (s *Server) riskAnalysisRoutes(_, pages *gin.RouterGroup) {
	pages.GET("/m/:mid/risk-analyses", s.analysisList)
	pages.GET("/m/:mid/risk-analyses/new", analysisForm.newHandler(s))
	pages.POST("/m/:mid/risk-analyses", analysisForm.createHandler(s))
	pages.GET("/m/:mid/risk-analyses/:id", s.analysisShow)
	pages.GET("/m/:mid/risk-analyses/:id/edit", analysisForm.editHandler(s))
	pages.POST("/m/:mid/risk-analyses/:id", analysisForm.updateHandler(s))
}

func (s *Server) riskActionRoutes(_, pages *gin.RouterGroup) {
	pages.GET("/m/:mid/risk-actions/:id", s.actionShow)
	pages.POST("/m/:mid/risk-actions/:id", s.actionUpdate)
}

// analysisForm is the risk analysis's create and edit form.
var analysisForm = kindForm[domain.RiskAnalysisInput]{
	kind: domain.KindRiskAnalysis, fields: analysisFields, parse: parseAnalysisForm,
	load: func(s *Server, c *gin.Context, mid, id int64) (domain.Record, formState, error) {
		an, err := s.app.RiskAnalysis(c.Request.Context(), s.caller(c), mid, id)
		return an.Record, formFromAnalysis(an), err
	},
	create: func(s *Server, c *gin.Context, mid int64, in domain.RiskAnalysisInput) (int64, error) {
		an, err := s.app.CreateRiskAnalysis(c.Request.Context(), s.caller(c), mid, in)
		return an.ID, err
	},
	update: func(s *Server, c *gin.Context, mid, id int64, in domain.RiskAnalysisInput) error {
		_, err := s.app.UpdateRiskAnalysis(c.Request.Context(), s.caller(c), mid, id, in)
		return err
	},
	render: (*Server).renderAnalysisForm, created: "flash.analysis_created", saved: "flash.analysis_saved",
	defaults: func(s *Server, c *gin.Context, mid int64, f formState) error {
		f.Values["object_type"] = string(domain.ObjectOrgUnit)
		f.Values["analysed_at"] = s.app.Today().String()
		return nil
	},
}

type analysisListPage struct {
	Base
	Rows      []tableRow // title (linked), object, method, analysed, unit, status
	UnitList  []domain.OrgUnit
	Filter    store.RiskAnalysisFilter
	CanCreate bool
	NextURL   string
	Paged     bool
}

func (s *Server) analysisList(c *gin.Context) {
	mid, err := idParam(c, "mid")
	if err != nil {
		s.fail(c, err)
		return
	}
	f, err := analysisFilter(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	list, next, err := s.analysisPage(c, mid, f)
	if err != nil {
		s.fail(c, err)
		return
	}
	cl := s.caller(c)
	units, err := s.app.OrgUnits(c.Request.Context(), cl, mid)
	if err != nil {
		s.fail(c, err)
		return
	}
	tr, names := s.i18n.For(lang(c)), unitNames(units)
	rows := make([]tableRow, len(list))
	for i, x := range list {
		object := tr.T("analysisobject." + string(x.ObjectType))
		if x.Process != "" {
			object += ": " + x.Process
		}
		rows[i] = tableRow{Cells: []cell{{Text: x.Title, Href: x.Path()}, {Text: object}, {Text: x.Method}, {Text: dateText(x.AnalysedAt)},
			{Text: names[x.OrgUnitID]}, {Text: tr.T("analysisstatus." + x.Status)}}}
	}
	s.render(c, http.StatusOK, "risk_analyses", analysisListPage{Base: s.base(c, tr.T("analysis.list_title")),
		Rows: rows, UnitList: units, Filter: f, NextURL: next, Paged: paged(c, next),
		CanCreate: s.app.CanSome(cl, mid, authz.ObjRisk, authz.Create)})
}

type analysisShowPage struct {
	Base
	recordParts
	Analysis  domain.RiskAnalysis
	UnitName  string
	OwnerName string
	AssetName string
	Risks     []riskRow
	MoreRisks bool
	CanCreate bool
}

func (s *Server) analysisShow(c *gin.Context) {
	mid, id, err := recordIDs(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.renderRiskAnalysis(c, http.StatusOK, mid, id, "", newForm())
}

// renderRiskAnalysis shows an analysis with its risks (the first page of the register
// filtered to it) and the record parts.
func (s *Server) renderRiskAnalysis(c *gin.Context, status int, mid, id int64, formName string, f formState) {
	ctx, cl := c.Request.Context(), s.caller(c)
	an, err := s.app.RiskAnalysis(ctx, cl, mid, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	pg := analysisShowPage{Analysis: an}
	if pg.recordParts, err = s.loadRecordParts(c, mid, domain.KindRiskAnalysis, an.Record, formName, f); err != nil {
		s.fail(c, err)
		return
	}
	units, err := s.app.OrgUnits(ctx, cl, mid)
	if err != nil {
		s.fail(c, err)
		return
	}
	names := unitNames(units)
	pg.UnitName = names[an.OrgUnitID]
	pg.OwnerName = s.userName(c, mid, an.OwnerID)
	if an.AssetID != nil {
		assets, err := s.app.AssetNames(ctx, cl, mid, []int64{*an.AssetID})
		if err != nil {
			s.fail(c, err)
			return
		}
		pg.AssetName = assets[*an.AssetID]
	}
	var q app.RiskQuery
	q.AnalysisID, q.Limit = id, domain.DefaultPageSize+1
	rs, _, err := s.app.Risks(ctx, cl, mid, q)
	if err != nil {
		s.fail(c, err)
		return
	}
	if pg.MoreRisks = len(rs) > domain.DefaultPageSize; pg.MoreRisks {
		rs = rs[:domain.DefaultPageSize]
	}
	if pg.Risks, err = s.riskRows(c, mid, rs, names); err != nil {
		s.fail(c, err)
		return
	}
	pg.CanCreate = s.app.Can(cl, mid, authz.ObjRisk, authz.Create, &authz.Target{Kind: domain.KindRisk, OrgUnitID: an.OrgUnitID})
	pg.Base = s.base(c, an.Title)
	s.render(c, status, "risk_analysis", pg)
}

var analysisFields = []string{"title", "object_type", "asset_id", "process", "method", "participants", "analysed_at", "description",
	"org_unit_id", "owner_id", "status", "review_interval_months", "next_review_at"}

// parseAnalysisForm turns a posted analysis form into input. Fuzzed in tests.
func parseAnalysisForm(v url.Values, isNew bool) (domain.RiskAnalysisInput, domain.Problems) {
	p := domain.Problems{}
	str := func(name string) *string { return formString(v, name) }
	in := domain.RiskAnalysisInput{Title: str("title"), ObjectType: str("object_type"), Process: str("process"), Method: str("method"),
		Participants: str("participants"), AnalysedAt: str("analysed_at"), Description: str("description"), Status: str("status"),
		NextReviewAt: str("next_review_at")}
	if in.Status != nil && *in.Status == "" {
		in.Status = nil
	}
	in.AssetID, in.OwnerID, in.OrgUnitID = formID(v, "asset_id", p), formID(v, "owner_id", p), formID(v, "org_unit_id", p)
	if in.OrgUnitID != nil && *in.OrgUnitID == 0 && isNew {
		in.OrgUnitID = nil
	}
	in.ReviewIntervalMonths = formInterval(v, p)
	return in, p
}

type analysisFormPage struct {
	Base
	IsNew          bool
	Action         string
	Form           formState
	Units          []domain.OrgUnit
	Assets         []store.RecordChoice
	AssetQuery     string
	AssetPage      string
	Owners         ownerPicker
	CanAssignOwner bool
}

func formFromAnalysis(an domain.RiskAnalysis) formState {
	f := newForm()
	v := f.Values
	v["title"], v["object_type"], v["process"], v["method"] = an.Title, string(an.ObjectType), an.Process, an.Method
	v["participants"], v["description"], v["status"] = an.Participants, an.Description, an.Status
	v["org_unit_id"], v["review_interval_months"] = itoa(an.OrgUnitID), strconv.Itoa(an.ReviewIntervalMonths)
	if an.AssetID != nil {
		v["asset_id"] = itoa(*an.AssetID)
	}
	if an.OwnerID != nil {
		v["owner_id"] = itoa(*an.OwnerID)
	}
	if an.AnalysedAt != nil {
		v["analysed_at"] = an.AnalysedAt.String()
	}
	if an.NextReviewAt != nil {
		v["next_review_at"] = an.NextReviewAt.String()
	}
	return f
}

func (s *Server) renderAnalysisForm(c *gin.Context, status int, mid int64, isNew bool, action string, f formState) {
	ctx, cl := c.Request.Context(), s.caller(c)
	units, err := s.app.OrgUnits(ctx, cl, mid)
	if err != nil {
		s.fail(c, err)
		return
	}
	pg := analysisFormPage{IsNew: isNew, Action: action, Form: f, CanAssignOwner: s.app.CanSome(cl, mid, authz.ObjRisk, authz.AssignOwner)}
	if pg.CanAssignOwner {
		if pg.Owners, err = s.formOwners(c, mid, f, formPage(action, isNew)); err != nil {
			s.fail(c, err)
			return
		}
	} else if sc := s.app.Scope(cl, mid, authz.ObjRisk, authz.Create); !sc.All {
		kept := units[:0:0]
		for _, u := range units {
			if sc.Allows(domain.KindRiskAnalysis, u.ID, "") {
				kept = append(kept, u)
			}
		}
		units = kept
	}
	pg.Units = units
	var current []int64 // the analysed asset is always offered
	if n, perr := strconv.ParseInt(f.Values["asset_id"], 10, 64); perr == nil {
		current = []int64{n}
	}
	pg.AssetQuery = choiceQuery(c, "asset_q")
	pg.AssetPage = formPage(action, isNew)
	if pg.Assets, err = s.app.RiskChoices(ctx, cl, mid, domain.RiskAssetKind, pg.AssetQuery, current, choiceSize); err != nil {
		s.fail(c, err)
		return
	}
	title := "analysis.edit_title"
	if isNew {
		title = "analysis.new_title"
	}
	pg.Base = s.base(c, s.i18n.T(lang(c), title))
	s.render(c, status, "risk_analysis_form", pg)
}

// ---- Treatment actions ----

type actionShowPage struct {
	Base
	recordParts
	Action domain.RiskAction
	// Parent is the record the action follows up (a risk, an incident, an exercise), "" when
	// the caller may not read it.
	ParentTitle, ParentURL, ParentLabel, ParentListURL string
	UnitName                                           string
	OwnerName                                          string
	Edit                                               formState
	Owners                                             ownerPicker
	CanAssign                                          bool
}

func (s *Server) actionShow(c *gin.Context) {
	mid, id, err := recordIDs(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.renderRiskAction(c, http.StatusOK, mid, id, "", newForm())
}

// renderRiskAction shows a treatment action with its edit form (formName "edit") and the
// record parts.
func (s *Server) renderRiskAction(c *gin.Context, status int, mid, id int64, formName string, f formState) {
	ctx, cl := c.Request.Context(), s.caller(c)
	ac, err := s.app.RiskAction(ctx, cl, mid, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	pg := actionShowPage{Action: ac}
	partsForm, partsName := f, formName
	if formName == "edit" {
		pg.Edit, partsForm, partsName = f, newForm(), ""
	} else {
		pg.Edit = newForm()
		v := pg.Edit.Values
		v["title"], v["description"], v["status"] = ac.Title, ac.Description, ac.Status
		if ac.DueAt != nil {
			v["due_at"] = ac.DueAt.String()
		}
		if ac.OwnerID != nil {
			v["owner_id"] = itoa(*ac.OwnerID)
		}
	}
	if pg.recordParts, err = s.loadRecordParts(c, mid, domain.KindRiskAction, ac.Record, partsName, partsForm); err != nil {
		s.fail(c, err)
		return
	}
	if parent, err := s.app.AnyRecord(ctx, cl, mid, ac.RiskID); err == nil {
		spec, _ := domain.SpecOf(parent.Kind)
		pg.ParentTitle, pg.ParentURL, pg.ParentLabel = parent.Title, parent.Path(), spec.Label
		pg.ParentListURL = "/m/" + itoa(mid) + "/" + spec.Section
	} else if domain.ErrorCode(err) != domain.ENotFound {
		s.fail(c, err)
		return
	}
	units, err := s.app.OrgUnits(ctx, cl, mid)
	if err != nil {
		s.fail(c, err)
		return
	}
	pg.UnitName = unitNames(units)[ac.OrgUnitID]
	pg.OwnerName = s.userName(c, mid, ac.OwnerID)
	if pg.CanAssign = pg.Can.Edit && s.app.CanSome(cl, mid, authz.ObjRisk, authz.AssignOwner); pg.CanAssign {
		if pg.Owners, err = s.ownerPicker(c, mid, ac.OwnerID, pg.URL); err != nil {
			s.fail(c, err)
			return
		}
	}
	pg.Base = s.base(c, ac.Title)
	s.render(c, status, "risk_action", pg)
}

var actionFields = []string{"title", "description", "status", "due_at", "owner_id"}

func (s *Server) actionUpdate(c *gin.Context) {
	mid, id, err := recordIDs(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := c.Request.ParseForm(); err != nil {
		s.fail(c, err)
		return
	}
	in, p := parseActionForm(c.Request.PostForm)
	err = p.Err()
	if err == nil {
		_, err = s.app.UpdateRiskAction(c.Request.Context(), s.caller(c), mid, id, in)
	}
	if err != nil {
		if f, status, ok := s.formFail(c, err, actionFields); ok {
			s.renderRiskAction(c, status, mid, id, "edit", f)
		}
		return
	}
	s.redirect(c, "/m/"+itoa(mid)+"/risk-actions/"+itoa(id), "flash.action_saved")
}
