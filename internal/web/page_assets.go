package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/authz"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// The information assets' pages: the register, an asset's page (classification, where each
// level comes from, the handlingsplan, what it carries), its forms, and the municipality's
// classification and requirement model. The core's parts (reviews, evidence, comments,
// history) come from page_records.go.

func init() {
	registerKindWeb(domain.KindAsset, kindWeb{page: (*Server).renderAsset, routes: (*Server).assetRoutes})
}

func (s *Server) assetRoutes(api, pages *gin.RouterGroup) {
	api.GET("/municipalities/:mid/assets", apiList(s, assetFilter, (*Server).assetPage))
	api.POST("/municipalities/:mid/assets", apiCreate(s, s.app.CreateAsset))
	api.GET("/municipalities/:mid/assets/:id", apiRead(s, http.StatusOK, s.app.Asset))
	api.PUT("/municipalities/:mid/assets/:id", apiWrite(s, http.StatusOK, s.app.UpdateAsset))
	api.DELETE("/municipalities/:mid/assets/:id", s.api(s.apiDeleteAsset))
	api.PUT("/municipalities/:mid/assets/:id/classification", apiWrite(s, http.StatusOK, s.app.ClassifyAsset))
	api.GET("/municipalities/:mid/assets/:id/classifications", apiRead(s, http.StatusOK, s.app.Classifications))
	api.GET("/municipalities/:mid/assets/:id/level-overrides", apiRead(s, http.StatusOK, s.app.LevelOverrides))
	api.PUT("/municipalities/:mid/assets/:id/level-overrides", apiWrite(s, http.StatusOK, s.app.SetLevelOverrides))
	api.GET("/municipalities/:mid/asset-model", s.api(s.apiAssetModel))
	api.PUT("/municipalities/:mid/asset-model", s.api(s.apiSaveAssetModel))
	api.GET("/municipalities/:mid/assets.csv", s.kindExport(domain.KindAsset, exportCSV))
	api.GET("/municipalities/:mid/assets.xlsx", s.kindExport(domain.KindAsset, exportXLSX))
	api.POST("/municipalities/:mid/assets.xlsx", s.api(s.apiImportAssets))
	api.POST("/municipalities/:mid/assets.csv", s.api(s.apiImportAssets))
	pages.GET("/m/:mid/assets", s.assetList)
	pages.GET("/m/:mid/assets/new", assetForm.newHandler(s))
	pages.POST("/m/:mid/assets", assetForm.createHandler(s))
	pages.GET("/m/:mid/assets/:id", s.assetShow)
	pages.GET("/m/:mid/assets/:id/edit", assetForm.editHandler(s))
	pages.POST("/m/:mid/assets/:id", assetForm.updateHandler(s))
	pages.POST("/m/:mid/assets/:id/carries", s.assetCarries)
	pages.GET("/m/:mid/assets/:id/classify", s.assetClassifyForm)
	pages.POST("/m/:mid/assets/:id/classify", s.assetClassify)
	pages.POST("/m/:mid/assets/:id/overrides", s.assetOverrides)
	pages.GET("/m/:mid/assets/:id/delete", s.assetDeleteConfirm)
	pages.POST("/m/:mid/assets/:id/delete", s.assetDelete)
	pages.GET("/m/:mid/asset-model", s.assetModelPage)
	pages.POST("/m/:mid/asset-model", s.assetModelSave)
	pages.GET("/m/:mid/asset-import", s.assetImportForm)
	pages.POST("/m/:mid/asset-import", s.assetImportPreview)
	pages.POST("/m/:mid/asset-import/apply", s.assetImportApply)
}

// assetForm is the asset's create and edit form.
var assetForm = kindForm[domain.AssetInput]{
	kind: domain.KindAsset, fields: assetFields, parse: parseAssetForm, problem: (*Server).addAssetProblems,
	load: func(s *Server, c *gin.Context, mid, id int64) (domain.Record, formState, error) {
		a, err := s.app.Asset(c.Request.Context(), s.caller(c), mid, id)
		return a.Record, formFromAsset(a), err
	},
	create: func(s *Server, c *gin.Context, mid int64, in domain.AssetInput) (int64, error) {
		a, err := s.app.CreateAsset(c.Request.Context(), s.caller(c), mid, in)
		return a.ID, err
	},
	update: func(s *Server, c *gin.Context, mid, id int64, in domain.AssetInput) error {
		_, err := s.app.UpdateAsset(c.Request.Context(), s.caller(c), mid, id, in)
		return err
	},
	render: (*Server).renderAssetForm, created: "flash.asset_created", saved: "flash.asset_saved",
	defaults: func(s *Server, c *gin.Context, mid int64, f formState) error {
		f.Values["activity_area"] = "annat"
		if k := c.Query("kind"); oneOf(domain.AssetKind(k), domain.AssetKinds) {
			f.Values["kind"] = k
		}
		return nil
	},
}

func assetURL(mid, id int64) string { return "/m/" + itoa(mid) + "/assets/" + itoa(id) }

// assetFields are the asset form's fields in form order (for the error summary).
var assetFields = []string{"kind", "name", "description", "activity_area", "org_unit_id", "owner_id", "system_owner_id", "status",
	"personal_data", "special_categories", "supplier", "critical_infrastructure", "network_zone", "vendor_remote_access",
	"review_interval_months", "last_reviewed_at", "next_review_at"}

// parseAssetForm turns a posted asset form into input. Every field the form shows is given;
// numbers that do not parse are field errors. Fuzzed in tests.
func parseAssetForm(v url.Values, isNew bool) (domain.AssetInput, domain.Problems) {
	p := domain.Problems{}
	var in domain.AssetInput
	str := func(name string) *string { return formString(v, name) }
	in.Name, in.Kind, in.Description, in.Status = str("name"), str("kind"), str("description"), str("status")
	in.ActivityArea, in.Supplier, in.NetworkZone = str("activity_area"), str("supplier"), str("network_zone")
	in.LastReviewedAt, in.NextReviewAt = str("last_reviewed_at"), str("next_review_at")
	if !isNew {
		in.Kind = nil // the kind is chosen once; the edit form shows it without a field
	}
	in.OrgUnitID = formID(v, "org_unit_id", p)
	if in.OrgUnitID != nil && *in.OrgUnitID == 0 && isNew {
		in.OrgUnitID = nil
	}
	if _, ok := v["owner_id"]; ok {
		in.OwnerID = formID(v, "owner_id", p)
	}
	if _, ok := v["system_owner_id"]; ok {
		in.SystemOwnerID = formID(v, "system_owner_id", p)
	}
	in.ReviewIntervalMonths = formInterval(v, p)
	if _, ok := v["form_has_flags"]; ok {
		for name, dst := range map[string]**bool{"personal_data": &in.PersonalData, "special_categories": &in.SpecialCategories,
			"critical_infrastructure": &in.CriticalInfrastructure, "vendor_remote_access": &in.VendorRemoteAccess} {
			b := v.Get(name) != ""
			*dst = &b
		}
	}
	return in, p
}

// levelLabels are the names of the levels 0–4 on the municipality's model, for the pages.
type levelLabels []string

// Label names level l ("–" when unknown).
func (ls levelLabels) Label(l *int) string {
	if l == nil {
		return "–"
	}
	if *l >= 0 && *l < len(ls) {
		return strconv.Itoa(*l) + " " + ls[*l]
	}
	return strconv.Itoa(*l)
}

// Options are the levels as select options.
func (ls levelLabels) Options() []option {
	out := make([]option, len(ls))
	for i, l := range ls {
		out[i] = option{strconv.Itoa(i), strconv.Itoa(i) + " " + l}
	}
	return out
}

type assetListPage struct {
	Base
	Rows         []tableRow
	Units        map[int64]string
	UnitList     []domain.OrgUnit
	Filter       store.AssetFilter
	MinLevel     string
	Mine         bool
	Labels       levelLabels
	CanCreate    bool
	CanConfigure bool
	Today        domain.Date
	NextURL      string
	Paged        bool
}

func (s *Server) assetList(c *gin.Context) {
	mid, err := idParam(c, "mid")
	if err != nil {
		s.fail(c, err)
		return
	}
	f, err := assetFilter(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	cl := s.caller(c)
	if c.Query("mine") == "1" && cl.P != nil {
		f.OwnerID = cl.P.User.ID
	}
	f.Bare = true // the register shows levels and requirements: not what each carries, nor the classifications' answers
	as, next, err := s.assetPage(c, mid, f)
	if err != nil {
		s.fail(c, err)
		return
	}
	units, err := s.app.OrgUnits(c.Request.Context(), cl, mid)
	if err != nil {
		s.fail(c, err)
		return
	}
	m, err := s.app.GetAssetModel(c.Request.Context(), cl, mid)
	if err != nil {
		s.fail(c, err)
		return
	}
	pg := assetListPage{Base: s.base(c, s.i18n.T(lang(c), "asset.list_title")), Units: unitNames(units), UnitList: units,
		Filter: f, Mine: c.Query("mine") == "1", Labels: m.Model.Labels, NextURL: next, Paged: paged(c, next), Today: s.app.Today(),
		CanCreate: s.app.CanSome(cl, mid, authz.ObjAsset, authz.Create), CanConfigure: s.app.Can(cl, mid, authz.ObjAsset, authz.Configure, nil)}
	if f.MinLevel != nil {
		pg.MinLevel = strconv.Itoa(*f.MinLevel)
	}
	tr := s.i18n.For(lang(c))
	today := s.app.Today()
	unknown := tr.T("asset.unknown_level")
	for _, a := range as {
		// Name (linked; badges when not in use, to be re-classified, calling for a separate
		// analysis), kind, unit, the four levels, requirements met, next review.
		name := cell{Text: a.Title, Href: a.Path()}
		if a.Status != domain.AssetActive {
			name.Badges = append(name.Badges, badge{Text: tr.T("assetstatus." + a.Status)})
		}
		if a.ReclassifyReason != "" {
			name.Badges = append(name.Badges, badge{Class: "soon", Text: tr.T("asset.reclassify_badge")})
		}
		if a.SeparateAnalysis {
			name.Badges = append(name.Badges, badge{Class: "overdue", Text: tr.T("asset.separate_badge")})
		}
		row := []cell{name, {Text: tr.T("assetkind." + string(a.AssetKind))}, {Text: pg.Units[a.OrgUnitID]}}
		for _, asp := range domain.Aspects {
			if l := a.Effective.Get(asp); l != nil {
				row = append(row, cell{Text: strconv.Itoa(*l), Num: true})
			} else {
				row = append(row, cell{Text: "–", Num: true, Label: unknown})
			}
		}
		gaps := cell{Text: "–"}
		if len(a.Requirements) > 0 {
			gaps.Text = tr.T("asset.no_gaps")
		}
		for _, q := range a.Requirements {
			if !q.Met {
				gaps = cell{Badges: []badge{{Class: "overdue", Text: tr.T("asset.has_gaps")}}}
				break
			}
		}
		next := cell{Text: dateText(a.NextReviewAt), Badges: dueBadge(string(domain.DueStateOf(a.NextReviewAt, today)), tr.T)}
		pg.Rows = append(pg.Rows, tableRow{Cells: append(row, gaps, next)})
	}
	s.render(c, http.StatusOK, "assets", pg)
}

type assetFormPage struct {
	Base
	IsNew          bool
	Action         string
	Form           formState
	Units          []domain.OrgUnit
	Owners         ownerPicker
	CanAssignOwner bool
	Kind           string // on edit: the asset's kind, shown, not changed
}

func formFromAsset(a domain.Asset) formState {
	f := newForm()
	v := f.Values
	v["name"], v["kind"], v["description"], v["status"] = a.Title, string(a.AssetKind), a.Description, a.Status
	v["activity_area"], v["supplier"], v["network_zone"] = string(a.ActivityArea), a.Supplier, a.NetworkZone
	v["org_unit_id"], v["review_interval_months"] = itoa(a.OrgUnitID), strconv.Itoa(a.ReviewIntervalMonths)
	if a.OwnerID != nil {
		v["owner_id"] = itoa(*a.OwnerID)
	}
	if a.SystemOwnerID != nil {
		v["system_owner_id"] = itoa(*a.SystemOwnerID)
	}
	for name, b := range map[string]bool{"personal_data": a.PersonalData, "special_categories": a.SpecialCategories,
		"critical_infrastructure": a.CriticalInfrastructure, "vendor_remote_access": a.VendorRemoteAccess} {
		if b {
			v[name] = "on"
		}
	}
	if a.LastReviewedAt != nil {
		v["last_reviewed_at"] = a.LastReviewedAt.String()
	}
	if a.NextReviewAt != nil {
		v["next_review_at"] = a.NextReviewAt.String()
	}
	return f
}

func (s *Server) renderAssetForm(c *gin.Context, status int, mid int64, isNew bool, action string, f formState) {
	cl := s.caller(c)
	units, err := s.app.OrgUnits(c.Request.Context(), cl, mid)
	if err != nil {
		s.fail(c, err)
		return
	}
	canAssign := s.app.CanSome(cl, mid, authz.ObjAsset, authz.AssignOwner)
	var owners ownerPicker
	if canAssign {
		if owners, err = s.formOwners(c, mid, f, formPage(action, isNew)); err != nil {
			s.fail(c, err)
			return
		}
	} else {
		sc := s.app.Scope(cl, mid, authz.ObjAsset, authz.Create)
		if !sc.All {
			units = slices.DeleteFunc(units, func(u domain.OrgUnit) bool { return !sc.Allows(domain.KindAsset, u.ID, "") })
		}
	}
	title := "asset.edit_title"
	if isNew {
		title = "asset.new_title"
	}
	if f.Values["status"] == "" {
		f.Values["status"] = domain.AssetActive
	}
	s.render(c, status, "asset_form", assetFormPage{Base: s.base(c, s.i18n.T(lang(c), title)), IsNew: isNew, Action: action, Form: f,
		Units: units, Owners: owners, CanAssignOwner: canAssign, Kind: f.Values["kind"]})
}

// addAssetProblems adds the asset rules' problems with in to the form's own, so that a form
// with both reports every problem at once.
func (s *Server) addAssetProblems(p domain.Problems, in domain.AssetInput) {
	if len(p) == 0 {
		return
	}
	if err := domain.ApplyAsset(&domain.Asset{}, in, s.app.Today()); err != nil {
		for f, k := range domain.AsError(err).Fields {
			if f == "kind" && in.Kind == nil {
				continue // an edit form has no kind to choose: the asset keeps its own
			}
			p.Add(f, k)
		}
	}
}

// aspectRow is one aspect on an asset's page: its effective level, the classification's own
// level (information sets), the carried assets the level comes from, and an override.
type aspectRow struct {
	Aspect   domain.Aspect
	Level    *int
	Sources  []store.AssetRef
	Override *domain.LevelOverride
}

type assetShowPage struct {
	Base
	recordParts
	Asset           domain.Asset
	UnitName        string
	OwnerName       string
	SystemOwnerName string
	Due             domain.DueState
	Labels          levelLabels
	ModelName       string
	ModelVersion    int
	Aspects         []aspectRow
	Carries         []store.AssetRef
	CarriedBy       []store.AssetRef
	Candidates      []store.AssetRef // what the owner may add to what a system carries
	CandidateQuery  string
	MoreCandidates  bool
	Classifications []domain.Classification
	Gaps            int // requirements not met
	CanClassify     bool
	// Incidents (issue 10): the newest incidents linked to the asset that the caller reads.
	Incidents     []domain.Incident
	MoreIncidents bool
}

// assetIncidents is how many incidents an asset's page lists; the register filters by asset
// for the rest.
const assetIncidents = 10

func (s *Server) assetShow(c *gin.Context) {
	mid, id, err := recordIDs(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.renderAsset(c, http.StatusOK, mid, id, "", newForm())
}

// candidateSize is how many assets the "add to what it carries" select offers at once.
const candidateSize = 50

// renderAsset shows an asset with its levels, requirements and carrying, and the record
// parts; formName and f carry the errors of an inline form that failed.
func (s *Server) renderAsset(c *gin.Context, status int, mid, id int64, formName string, f formState) {
	ctx, cl := c.Request.Context(), s.caller(c)
	d, err := s.app.AssetDetail(ctx, cl, mid, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	a := d.Asset
	pg := assetShowPage{Asset: a, Due: a.Due(s.app.Today()), Carries: d.Carries, CarriedBy: d.CarriedBy, Classifications: d.Classifications,
		Labels: d.Model.Model.Labels, ModelName: d.Model.Model.Name, ModelVersion: d.Model.Model.Version}
	if pg.recordParts, err = s.loadRecordParts(c, mid, domain.KindAsset, a.Record, formName, f); err != nil {
		s.fail(c, err)
		return
	}
	for _, asp := range domain.Aspects {
		row := aspectRow{Aspect: asp, Level: a.Effective.Get(asp)}
		for i := range d.Overrides {
			if d.Overrides[i].Aspect == asp {
				row.Override = &d.Overrides[i]
			}
		}
		for _, r := range pg.Carries {
			if l := r.Levels().Get(asp); l != nil && row.Level != nil && *l == *row.Level && row.Override == nil {
				row.Sources = append(row.Sources, r)
			}
		}
		pg.Aspects = append(pg.Aspects, row)
	}
	for _, r := range a.Requirements {
		if !r.Met {
			pg.Gaps++
		}
	}
	pg.CanClassify = s.app.Can(cl, mid, authz.ObjAsset, authz.Classify, authz.TargetOf(a.Record))
	if a.AssetKind.Carrier() && pg.Can.Edit {
		pg.CandidateQuery = strings.TrimSpace(c.Query("carry_q"))
		if len(pg.CandidateQuery) > 200 {
			pg.CandidateQuery = pg.CandidateQuery[:200]
		}
		skip := len(a.Carries) + len(d.Carriers) + 1 // carrying one of the carriers would be a cycle
		cands, err := s.app.AssetCandidates(ctx, cl, mid, pg.CandidateQuery, candidateSize+skip)
		if err != nil {
			s.fail(c, err)
			return
		}
		for _, x := range cands {
			if x.ID != a.ID && !slices.Contains(a.Carries, x.ID) && !slices.Contains(d.Carriers, x.ID) && len(pg.Candidates) < candidateSize {
				pg.Candidates = append(pg.Candidates, store.AssetRef{ID: x.ID, Title: x.Title, AssetKind: x.AssetKind})
			}
		}
		pg.MoreCandidates = len(cands) >= candidateSize+skip
	}
	units, err := s.app.OrgUnits(ctx, cl, mid)
	if err != nil {
		s.fail(c, err)
		return
	}
	pg.UnitName = unitNames(units)[a.OrgUnitID]
	pg.OwnerName = s.userName(c, mid, a.OwnerID)
	pg.SystemOwnerName = s.userName(c, mid, a.SystemOwnerID)
	if pg.Incidents, err = s.app.IncidentsOf(ctx, cl, mid, a.ID, assetIncidents+1); err != nil {
		s.fail(c, err)
		return
	}
	if pg.MoreIncidents = len(pg.Incidents) > assetIncidents; pg.MoreIncidents {
		pg.Incidents = pg.Incidents[:assetIncidents]
	}
	pg.Base = s.base(c, a.Title)
	s.render(c, status, "asset", pg)
}

// assetCarries adds an asset to what a system carries (add=id) or removes one (remove=id).
func (s *Server) assetCarries(c *gin.Context) {
	mid, id, err := recordIDs(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var add, remove []int64
	if v := c.PostForm("add"); v != "" {
		n, _ := strconv.ParseInt(v, 10, 64) // not a number: 0, which is no asset (err.unknown_asset, after the permission checks)
		add = append(add, n)
	}
	if v := c.PostForm("remove"); v != "" {
		n, _ := strconv.ParseInt(v, 10, 64)
		remove = append(remove, n)
	}
	_, err = s.app.ChangeCarries(c.Request.Context(), s.caller(c), mid, id, add, remove)
	if err != nil {
		s.inlineFail(c, domain.KindAsset, mid, id, "carries", err)
		return
	}
	s.redirect(c, assetURL(mid, id)+"#carries", "flash.asset_saved")
}

// assetOverrides sets a system's overridden levels: per aspect "" (inherited) or a level
// with a reason.
func (s *Server) assetOverrides(c *gin.Context) {
	mid, id, err := recordIDs(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var in []app.OverrideInput
	p := domain.Problems{}
	for _, asp := range domain.Aspects {
		v := c.PostForm("level_" + string(asp))
		if v == "" {
			continue
		}
		n, perr := strconv.Atoi(v)
		if perr != nil {
			p.Add("overrides."+string(asp), "err.level")
			continue
		}
		in = append(in, app.OverrideInput{Aspect: string(asp), Level: &n, Reason: c.PostForm("reason_" + string(asp))})
	}
	if err = p.Err(); err == nil {
		_, err = s.app.SetLevelOverrides(c.Request.Context(), s.caller(c), mid, id, in)
	}
	if err != nil {
		s.inlineFail(c, domain.KindAsset, mid, id, "overrides", err)
		return
	}
	s.redirect(c, assetURL(mid, id)+"#levels", "flash.asset_levels_saved")
}

type assetClassifyPage struct {
	Base
	Asset    domain.Asset
	Form     formState
	Guided   bool
	Proposed *domain.Levels // after the guided answers: the levels they propose
	Labels   levelLabels
	Model    domain.ClassificationModel
	// Questions are the guided questions: the answer's field and the question's text key.
	Questions    []option
	Consequences []option
}

// consequenceOptions are the answers to a guided question: how bad the consequence would be.
func consequenceOptions(tr func(string, ...any) string) []option {
	out := make([]option, domain.MaxLevel+1)
	for i := range out {
		out[i] = option{strconv.Itoa(i), tr("classify.consequence." + strconv.Itoa(i))}
	}
	return out
}

func (s *Server) assetClassifyForm(c *gin.Context) {
	mid, id, err := recordIDs(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	f := newForm()
	f.Values["classified_at"] = s.app.Today().String()
	s.renderClassify(c, http.StatusOK, mid, id, c.Query("method") == "guided", nil, f)
}

func (s *Server) renderClassify(c *gin.Context, status int, mid, id int64, guided bool, proposed *domain.Levels, f formState) {
	ctx, cl := c.Request.Context(), s.caller(c)
	a, err := s.app.Asset(ctx, cl, mid, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	if !s.app.Can(cl, mid, authz.ObjAsset, authz.Classify, authz.TargetOf(a.Record)) {
		s.fail(c, domain.Forbidden())
		return
	}
	if a.AssetKind != domain.AssetInformation {
		s.fail(c, conflict("err.classify_information_only"))
		return
	}
	m, err := s.app.GetAssetModel(ctx, cl, mid)
	if err != nil {
		s.fail(c, err)
		return
	}
	if !f.HasErrors() && proposed == nil && a.Classification != nil && !guided {
		for _, asp := range domain.Aspects {
			f.Values[string(asp)] = strconv.Itoa(*a.Classification.Levels().Get(asp))
		}
		f.Values["participants"] = a.Classification.Participants
	}
	s.render(c, status, "asset_classify", assetClassifyPage{Base: s.base(c, s.i18n.T(lang(c), "classify.title", a.Title)), Asset: a, Form: f,
		Guided: guided, Proposed: proposed, Labels: m.Model.Labels, Model: m.Model, Consequences: consequenceOptions(s.i18n.For(lang(c)).T),
		Questions: []option{{"answers.confidentiality", "classify.q.confidentiality"}, {"answers.integrity", "classify.q.integrity"},
			{"answers.availability_hour", "classify.q.availability_hour"}, {"answers.availability_day", "classify.q.availability_day"},
			{"answers.availability_week", "classify.q.availability_week"}, {"answers.traceability", "classify.q.traceability"}}})
}

func conflict(key string) error { return &domain.Error{Code: domain.EConflict, Message: key} }

// classifyFields are the classification form's fields in form order.
var classifyFields = []string{"answers.confidentiality", "answers.integrity", "answers.availability_hour", "answers.availability_day",
	"answers.availability_week", "answers.traceability", "confidentiality", "override_reasons.confidentiality", "integrity",
	"override_reasons.integrity", "availability", "override_reasons.availability", "traceability", "override_reasons.traceability",
	"rationale", "participants", "classified_at"}

// parseClassifyForm reads a posted classification: levels (direct), or answers and, once
// the proposal was shown, the levels chosen with reasons where they differ. Fuzzed in tests.
func parseClassifyForm(v url.Values) (in domain.ClassificationInput, guided bool, p domain.Problems) {
	p = domain.Problems{}
	level := func(name string) *int {
		s := strings.TrimSpace(v.Get(name))
		if s == "" {
			return nil
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			p.Add(name, "err.level")
			return nil
		}
		return &n
	}
	guided = v.Get("method") == "guided"
	if guided {
		in.Answers = &domain.GuidedAnswers{Leak: level("answers.confidentiality"), Wrong: level("answers.integrity"),
			DownHour: level("answers.availability_hour"), DownDay: level("answers.availability_day"),
			DownWeek: level("answers.availability_week"), Untraceable: level("answers.traceability")}
		in.Overrides = map[domain.Aspect]string{}
		for _, a := range domain.Aspects {
			if r := strings.TrimSpace(v.Get("override_reasons." + string(a))); r != "" {
				in.Overrides[a] = r
			}
		}
	}
	in.Confidentiality, in.Integrity = level("confidentiality"), level("integrity")
	in.Availability, in.Traceability = level("availability"), level("traceability")
	in.Rationale, in.Participants, in.ClassifiedAt = formString(v, "rationale"), formString(v, "participants"), formString(v, "classified_at")
	return in, guided, p
}

func (s *Server) assetClassify(c *gin.Context) {
	mid, id, err := recordIDs(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := c.Request.ParseForm(); err != nil {
		s.fail(c, err)
		return
	}
	in, guided, p := parseClassifyForm(c.Request.PostForm)
	if guided && c.PostForm("step") == "propose" { // show what the answers propose before saving
		proposed := in.Answers.Propose(p)
		f := formFromPost(c)
		if err := p.Err(); err != nil {
			c.Set(keyFormError, true)
			f.setErr(s.i18n.For(lang(c)), err)
			f.Order = orderFields(f.Order, classifyFields)
			s.renderClassify(c, http.StatusBadRequest, mid, id, true, nil, f)
			return
		}
		for _, a := range domain.Aspects {
			f.Values[string(a)] = strconv.Itoa(*proposed.Get(a))
		}
		s.renderClassify(c, http.StatusOK, mid, id, true, &proposed, f)
		return
	}
	if err = p.Err(); err == nil {
		_, err = s.app.ClassifyAsset(c.Request.Context(), s.caller(c), mid, id, in)
	}
	if err != nil {
		if f, status, ok := s.formFail(c, err, classifyFields); ok {
			var proposed *domain.Levels
			if guided {
				pl := in.Answers.Propose(domain.Problems{})
				proposed = &pl
			}
			s.renderClassify(c, status, mid, id, guided, proposed, f)
		}
		return
	}
	s.redirect(c, assetURL(mid, id)+"#levels", "flash.asset_classified")
}

func (s *Server) assetDeleteConfirm(c *gin.Context) {
	mid, id, err := recordIDs(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	a, err := s.app.AssetToDelete(c.Request.Context(), s.caller(c), mid, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	lg := lang(c)
	pg := confirmPage{Lead: s.i18n.T(lg, "confirm.asset_lead", a.Title), Action: assetURL(mid, id) + "/delete", Cancel: assetURL(mid, id),
		Submit: s.i18n.T(lg, "asset.delete_submit"), Items: []string{s.i18n.T(lg, "confirm.asset_parts")}}
	if a.AssetKind == domain.AssetInformation {
		pg.Items = append(pg.Items, s.i18n.T(lg, "confirm.asset_carriers"))
	}
	pg.Base = s.base(c, s.i18n.T(lg, "confirm.asset_title"))
	s.render(c, http.StatusOK, "confirm", pg)
}

func (s *Server) assetDelete(c *gin.Context) {
	mid, id, err := recordIDs(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.app.DeleteAsset(c.Request.Context(), s.caller(c), mid, id); err != nil {
		s.fail(c, err)
		return
	}
	s.redirect(c, "/m/"+itoa(mid)+"/assets", "flash.asset_deleted")
}
