package web

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/authz"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// Continuity plans and exercises (issue 10): the register, a plan's page, form, print view and
// PDF, the PDF of a unit's plans, and the exercise form and page.

func init() {
	auditEnums["status"] = append(auditEnums["status"], "planstatus.", "exercisestatus.")
	auditEnums["review_reason"] = []string{"planreason."}
	f := templateFuncs
	f["planstatuses"] = func() []string { return domain.PlanStatuses }
	f["exercisetypes"] = func() []string { return strs(domain.ExerciseTypes) }
	f["exercisestates"] = func() []string { return strs(domain.ExerciseStates) }
	f["isnever"] = func(s domain.ExerciseState) bool { return s == domain.ExerciseNever }
	registerKindWeb(domain.KindContinuityPlan, kindWeb{page: (*Server).renderPlan, routes: (*Server).planRoutes})
	registerKindWeb(domain.KindExercise, kindWeb{page: (*Server).renderExercise, routes: (*Server).exerciseRoutes})
}

func (s *Server) planRoutes(api, pages *gin.RouterGroup) {
	api.GET("/municipalities/:mid/continuity-plans", apiList(s, planFilter, (*Server).planPage))
	api.POST("/municipalities/:mid/continuity-plans", apiCreate(s, s.app.CreatePlan))
	api.GET("/municipalities/:mid/continuity-plans.pdf", s.unitPlansPDF)
	api.GET("/municipalities/:mid/continuity-plans/:id", s.apiPlanOrPDF)
	api.PUT("/municipalities/:mid/continuity-plans/:id", apiWrite(s, http.StatusOK, s.app.UpdatePlan))
	api.GET("/municipalities/:mid/continuity-plans/:id/exercises", apiRead(s, http.StatusOK, s.app.PlanExercises))
	api.POST("/municipalities/:mid/continuity-plans/:id/exercises", apiWrite(s, http.StatusCreated, s.app.CreateExercise))
	pages.GET("/m/:mid/continuity-plans", s.planList)
	pages.GET("/m/:mid/continuity-plans.pdf", s.unitPlansPDF)
	pages.GET("/m/:mid/continuity-plans/new", planForm.newHandler(s))
	pages.POST("/m/:mid/continuity-plans", planForm.createHandler(s))
	pages.GET("/m/:mid/continuity-plans/:id", func(c *gin.Context) {
		if strings.HasSuffix(c.Param("id"), ".pdf") {
			s.planPDF(c)
			return
		}
		mid, id, err := recordIDs(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		s.renderPlan(c, http.StatusOK, mid, id, "", newForm())
	})
	pages.GET("/m/:mid/continuity-plans/:id/edit", planForm.editHandler(s))
	pages.POST("/m/:mid/continuity-plans/:id", planForm.updateHandler(s))
	pages.GET("/m/:mid/continuity-plans/:id/print", s.planPrint)
	pages.GET("/m/:mid/continuity-plans/:id/exercises/new", s.exerciseNew)
	pages.POST("/m/:mid/continuity-plans/:id/exercises", s.exerciseCreate)
}

func (s *Server) exerciseRoutes(api, pages *gin.RouterGroup) {
	api.GET("/municipalities/:mid/exercises/:id", apiRead(s, http.StatusOK, s.app.Exercise))
	pages.GET("/m/:mid/exercises/:id", func(c *gin.Context) {
		mid, id, err := recordIDs(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		s.renderExercise(c, http.StatusOK, mid, id, "", newForm())
	})
}

// ---- API ----

// apiPlanOrPDF is GET …/continuity-plans/{id} and …/continuity-plans/{id}.pdf (one route:
// the router cannot tell them apart).
func (s *Server) apiPlanOrPDF(c *gin.Context) {
	if strings.HasSuffix(c.Param("id"), ".pdf") {
		s.planPDF(c)
		return
	}
	apiRead(s, http.StatusOK, s.app.Plan)(c)
}

// ---- register ----

func planFilter(c *gin.Context) (store.PlanFilter, error) {
	p := domain.Problems{}
	f := store.PlanFilter{Query: strings.TrimSpace(c.Query("q")), Status: c.Query("status"), Exercise: domain.ExerciseState(c.Query("exercise")), ReviewDue: c.Query("review") == "due"}
	if u := c.Query("unit"); u != "" {
		n, err := strconv.ParseInt(u, 10, 64)
		if err != nil || n <= 0 {
			p.Add("unit", "err.type")
		}
		f.OrgUnitID = n
	}
	if f.Status != "" && !oneOf(f.Status, domain.PlanStatuses) {
		p.Add("status", "err.enum")
	}
	if f.Exercise != "" && !oneOf(f.Exercise, domain.ExerciseStates) {
		p.Add("exercise", "err.enum")
	}
	if r := c.Query("review"); r != "" && r != "due" {
		p.Add("review", "err.enum")
	}
	if len(f.Query) > 200 {
		p.Add("q", "err.too_long")
	}
	f.Limit, f.After = pageQuery(c, "continuity-plans", p)
	return f, p.Err()
}

func (s *Server) planPage(c *gin.Context, mid int64, f store.PlanFilter) ([]domain.ContinuityPlan, string, error) {
	return fetchPage(c, "continuity-plans", f.Limit, func(n int) ([]domain.ContinuityPlan, error) {
		f.Limit = n
		return s.app.Plans(c.Request.Context(), s.caller(c), mid, f)
	}, domain.ContinuityPlan.TitleCursor)
}

type planListPage struct {
	Base
	Rows      []tableRow
	Filter    store.PlanFilter
	Units     []domain.OrgUnit
	CanCreate bool
	NextURL   string
	Paged     bool
}

// planRows are the register's rows in the request's language: title (linked), process, unit,
// recovery time, status, last exercise ("never" as a badge), next exercise (a badge when
// overdue), next review (a badge when a change calls for a revision).
func (s *Server) planRows(c *gin.Context, list []domain.ContinuityPlan, units map[int64]string) []tableRow {
	tr := s.i18n.For(lang(c))
	rows := make([]tableRow, len(list))
	for i, p := range list {
		last := cell{Text: dateText(p.LastExercisedAt)}
		if p.ExerciseState == domain.ExerciseNever {
			last = cell{Badges: []badge{{Class: "overdue", Text: tr.T("plan.never_exercised")}}}
		}
		next := cell{Text: dateText(p.NextExerciseAt)}
		if p.ExerciseState == domain.ExerciseOverdue {
			next.Badges = []badge{{Class: "overdue", Text: tr.T("exercisestate.overdue")}}
		}
		review := cell{Text: dateText(p.NextReviewAt)}
		if p.ReviewReason != "" {
			review.Badges = []badge{{Class: "soon", Text: tr.T("plan.revise")}}
		}
		rows[i] = tableRow{Cells: []cell{{Text: p.Title, Href: p.Path()}, {Text: p.Process}, {Text: units[p.OrgUnitID]},
			{Text: tr.T("plan.hours", p.RTOHours)}, {Text: tr.T("planstatus." + p.Status)}, last, next, review}}
	}
	return rows
}

func (s *Server) planList(c *gin.Context) {
	mid, err := idParam(c, "mid")
	if err != nil {
		s.fail(c, err)
		return
	}
	f, err := planFilter(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	list, next, err := s.planPage(c, mid, f)
	if err != nil {
		s.fail(c, err)
		return
	}
	units, err := s.app.OrgUnits(c.Request.Context(), s.caller(c), mid)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "continuity_plans", planListPage{Base: s.base(c, s.i18n.T(lang(c), "plan.list_title")), Rows: s.planRows(c, list, unitNames(units)), Filter: f,
		Units: units, CanCreate: s.app.CanSome(s.caller(c), mid, authz.ObjContinuity, authz.Create),
		NextURL: next, Paged: paged(c, next)})
}

// ---- the form ----

var planFields = []string{"title", "process", "org_unit_id", "owner_id", "status", "mtpd_hours", "rto_hours", "rpo_hours", "min_service_level",
	"alternative_procedures", "recovery_steps", "contacts", "dependencies", "exercise_interval_months", "review_interval_months", "next_review_at"}

var planForm = kindForm[domain.ContinuityPlanInput]{
	kind: domain.KindContinuityPlan, fields: planFields, parse: parsePlanForm,
	load: func(s *Server, c *gin.Context, mid, id int64) (domain.Record, formState, error) {
		p, err := s.app.Plan(c.Request.Context(), s.caller(c), mid, id)
		return p.Record, formFromPlan(p), err
	},
	create: func(s *Server, c *gin.Context, mid int64, in domain.ContinuityPlanInput) (int64, error) {
		p, err := s.app.CreatePlan(c.Request.Context(), s.caller(c), mid, in)
		return p.ID, err
	},
	update: func(s *Server, c *gin.Context, mid, id int64, in domain.ContinuityPlanInput) error {
		_, err := s.app.UpdatePlan(c.Request.Context(), s.caller(c), mid, id, in)
		return err
	},
	render: (*Server).renderPlanForm, created: "flash.plan_created", saved: "flash.plan_saved",
	defaults: func(s *Server, c *gin.Context, mid int64, f formState) error {
		f.Values["exercise_interval_months"] = strconv.Itoa(domain.DefaultExerciseMonths)
		f.Values["rpo_hours"] = "0"
		return nil
	},
}

// depWords are the words a line of the form's other dependencies may start with ("el: …").
var depWords = map[string]domain.DependencyKind{
	"premises": domain.DepPremises, "lokaler": domain.DepPremises, "lokal": domain.DepPremises,
	"staff": domain.DepStaff, "personal": domain.DepStaff,
	"power": domain.DepPower, "el": domain.DepPower, "elförsörjning": domain.DepPower, "kraft": domain.DepPower,
	"communications": domain.DepCommunications, "kommunikation": domain.DepCommunications, "kommunikationer": domain.DepCommunications, "tele": domain.DepCommunications,
	"other": domain.DepOther, "annat": domain.DepOther, "övrigt": domain.DepOther,
}

// parsePlanForm reads a posted plan form: recovery steps one per line, contacts one per line
// as "name; role; phone; e-mail", assets and suppliers as checked ids, other dependencies one
// per line as "kind: description" (a line without a known kind is "other"). Fuzzed in tests.
func parsePlanForm(v url.Values, isNew bool) (domain.ContinuityPlanInput, domain.Problems) {
	p := domain.Problems{}
	var in domain.ContinuityPlanInput
	in.Title, in.Process, in.Status, in.NextReviewAt = formString(v, "title"), formString(v, "process"), formString(v, "status"), formString(v, "next_review_at")
	in.MinServiceLevel, in.AlternativeProcedures = formString(v, "min_service_level"), formString(v, "alternative_procedures")
	if in.Title != nil && strings.TrimSpace(*in.Title) == "" && isNew {
		in.Title = nil // named after the process
	}
	in.OrgUnitID = formID(v, "org_unit_id", p)
	if _, ok := v["owner_id"]; ok {
		in.OwnerID = formID(v, "owner_id", p)
	}
	in.ReviewIntervalMonths = formInterval(v, p)
	in.MTPDHours = formWhole(v, "mtpd_hours", "err.hours", p)
	in.RTOHours = formWhole(v, "rto_hours", "err.hours", p)
	if s, ok := v["rpo_hours"]; ok && (len(s) == 0 || strings.TrimSpace(s[0]) == "") {
		zero := 0
		in.RPOHours = &zero
	} else {
		in.RPOHours = formWhole(v, "rpo_hours", "err.hours", p)
	}
	in.ExerciseIntervalMonths = formWhole(v, "exercise_interval_months", "err.exercise_interval", p)
	if s := formString(v, "recovery_steps"); s != nil {
		steps := []string{}
		for _, l := range strings.Split(*s, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				steps = append(steps, l)
			}
		}
		in.RecoverySteps = &steps
	}
	if s := formString(v, "contacts"); s != nil {
		cs := []domain.PlanContact{}
		for _, l := range strings.Split(*s, "\n") {
			if strings.TrimSpace(l) == "" {
				continue
			}
			parts := strings.Split(l, ";")
			for len(parts) < 4 {
				parts = append(parts, "")
			}
			if len(parts) > 4 {
				p.Add("contacts", "err.contact_line")
				continue
			}
			cs = append(cs, domain.PlanContact{Name: parts[0], Role: parts[1], Phone: parts[2], Email: parts[3]})
		}
		in.Contacts = &cs
	}
	if _, ok := v["form_has_dependencies"]; ok {
		deps := []domain.PlanDependency{}
		for _, id := range formIDs(v, "asset_ids", p) {
			deps = append(deps, domain.PlanDependency{Kind: domain.DepAsset, RecordID: &id})
		}
		for _, id := range formIDs(v, "supplier_ids", p) {
			deps = append(deps, domain.PlanDependency{Kind: domain.DepSupplier, RecordID: &id})
		}
		if _, bad := p["asset_ids"]; bad {
			delete(p, "asset_ids")
			p.Add("dependencies", "err.type")
		}
		if _, bad := p["supplier_ids"]; bad {
			delete(p, "supplier_ids")
			p.Add("dependencies", "err.type")
		}
		for _, l := range strings.Split(v.Get("other_dependencies"), "\n") {
			l = strings.TrimSpace(l)
			if l == "" {
				continue
			}
			kind, desc := domain.DepOther, l
			if w, rest, ok := strings.Cut(l, ":"); ok {
				if k, known := depWords[strings.ToLower(strings.TrimSpace(w))]; known {
					kind, desc = k, strings.TrimSpace(rest)
				}
			}
			deps = append(deps, domain.PlanDependency{Kind: kind, Description: desc})
		}
		in.Dependencies = &deps
	}
	for f := range p { // the other dependencies' field is the dependencies'
		if f == "other_dependencies" {
			delete(p, f)
			p.Add("dependencies", "err.type")
		}
	}
	return in, p
}

// formFromPlan fills a form with a stored plan's values.
func formFromPlan(pl domain.ContinuityPlan) formState {
	f := newForm()
	v := f.Values
	v["title"], v["process"], v["status"] = pl.Title, pl.Process, pl.Status
	v["mtpd_hours"], v["rto_hours"], v["rpo_hours"] = strconv.Itoa(pl.MTPDHours), strconv.Itoa(pl.RTOHours), strconv.Itoa(pl.RPOHours)
	v["min_service_level"], v["alternative_procedures"] = pl.MinServiceLevel, pl.AlternativeProcedures
	v["recovery_steps"] = strings.Join(pl.RecoverySteps, "\n")
	var cs []string
	for _, c := range pl.Contacts {
		cs = append(cs, strings.Join([]string{c.Name, c.Role, c.Phone, c.Email}, "; "))
	}
	v["contacts"] = strings.Join(cs, "\n")
	var other []string
	f.Multi["asset_ids"], f.Multi["supplier_ids"] = []int64{}, []int64{}
	for _, d := range pl.Dependencies {
		switch {
		case d.Kind == domain.DepAsset && d.RecordID != nil:
			f.Multi["asset_ids"] = append(f.Multi["asset_ids"], *d.RecordID)
		case d.Kind == domain.DepSupplier && d.RecordID != nil:
			f.Multi["supplier_ids"] = append(f.Multi["supplier_ids"], *d.RecordID)
		default:
			other = append(other, string(d.Kind)+": "+d.Description)
		}
	}
	v["other_dependencies"] = strings.Join(other, "\n")
	v["org_unit_id"], v["review_interval_months"] = itoa(pl.OrgUnitID), strconv.Itoa(pl.ReviewIntervalMonths)
	v["exercise_interval_months"] = strconv.Itoa(pl.ExerciseIntervalMonths)
	if pl.OwnerID != nil {
		v["owner_id"] = itoa(*pl.OwnerID)
	}
	if pl.NextReviewAt != nil {
		v["next_review_at"] = pl.NextReviewAt.String()
	}
	return f
}

type planFormPage struct {
	Base
	IsNew          bool
	Action         string
	Form           formState
	Units          []domain.OrgUnit
	Owners         ownerPicker
	CanAssignOwner bool
	Assets         []store.RecordChoice
	Suppliers      []store.RecordChoice
	AssetQuery     string
	AssetPage      string
}

func (s *Server) renderPlanForm(c *gin.Context, status int, mid int64, isNew bool, action string, f formState) {
	ctx, cl := c.Request.Context(), s.caller(c)
	units, err := s.app.OrgUnits(ctx, cl, mid)
	if err != nil {
		s.fail(c, err)
		return
	}
	if c.Request.PostForm != nil {
		f.Multi["supplier_ids"] = formIDs(c.Request.PostForm, "supplier_ids", domain.Problems{})
	}
	page := formPage(action, isNew)
	pg := planFormPage{IsNew: isNew, Action: action, Form: f, Units: units, CanAssignOwner: s.app.CanSome(cl, mid, authz.ObjContinuity, authz.AssignOwner),
		AssetQuery: choiceQuery(c, "asset_q"), AssetPage: page}
	if pg.CanAssignOwner {
		if pg.Owners, err = s.formOwners(c, mid, f, page); err != nil {
			s.fail(c, err)
			return
		}
	}
	if pg.Assets, err = s.app.RiskChoices(ctx, cl, mid, domain.KindAsset, pg.AssetQuery, f.Multi["asset_ids"], choiceSize); err != nil {
		s.fail(c, err)
		return
	}
	if pg.Suppliers, err = s.app.RiskChoices(ctx, cl, mid, domain.KindSupplier, "", f.Multi["supplier_ids"], choiceSize); err != nil {
		s.fail(c, err)
		return
	}
	if f.Values["status"] == "" {
		f.Values["status"] = domain.PlanDraft
	}
	title := "plan.edit_title"
	if isNew {
		title = "plan.new_title"
	}
	pg.Base = s.base(c, s.i18n.T(lang(c), title))
	s.render(c, status, "continuity_plan_form", pg)
}

// ---- the plan's page and print view ----

type planShowPage struct {
	Base
	recordParts
	Plan        domain.ContinuityPlan
	UnitName    string
	OwnerName   string
	Exercises   []domain.Exercise
	CanExercise bool
	Today       domain.Date
}

func (s *Server) loadPlanPage(c *gin.Context, mid, id int64) (planShowPage, error) {
	ctx, cl := c.Request.Context(), s.caller(c)
	p, err := s.app.Plan(ctx, cl, mid, id)
	if err != nil {
		return planShowPage{}, err
	}
	pg := planShowPage{Plan: p, Today: s.app.Today()}
	units, err := s.app.OrgUnits(ctx, cl, mid)
	if err != nil {
		return pg, err
	}
	pg.UnitName = unitNames(units)[p.OrgUnitID]
	pg.OwnerName = s.userName(c, mid, p.OwnerID)
	if pg.Exercises, err = s.app.PlanExercises(ctx, cl, mid, id); err != nil {
		return pg, err
	}
	pg.CanExercise = s.app.Can(cl, mid, authz.ObjContinuity, authz.Update, authz.TargetOf(p.Record)) && p.Status != domain.PlanRetired
	return pg, nil
}

func (s *Server) renderPlan(c *gin.Context, status int, mid, id int64, formName string, f formState) {
	pg, err := s.loadPlanPage(c, mid, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	if pg.recordParts, err = s.loadRecordParts(c, mid, domain.KindContinuityPlan, pg.Plan.Record, formName, f); err != nil {
		s.fail(c, err)
		return
	}
	pg.Base = s.base(c, pg.Plan.Title)
	s.render(c, status, "continuity_plan", pg)
}

func (s *Server) planPrint(c *gin.Context) {
	mid, id, err := recordIDs(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	pg, err := s.loadPlanPage(c, mid, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	pg.Base = s.base(c, pg.Plan.Title)
	s.render(c, http.StatusOK, "continuity_plan_print", pg)
}

// ---- PDFs ----

// planPDF is GET …/continuity-plans/{id}.pdf.
func (s *Server) planPDF(c *gin.Context) {
	mid, err := idParam(c, "mid")
	if err != nil {
		s.fail(c, err)
		return
	}
	id, err := strconv.ParseInt(strings.TrimSuffix(c.Param("id"), ".pdf"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(c, domain.NotFound())
		return
	}
	ctx, cl := c.Request.Context(), s.caller(c)
	p, err := s.app.Plan(ctx, cl, mid, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	units, err := s.app.OrgUnits(ctx, cl, mid)
	if err != nil {
		s.fail(c, err)
		return
	}
	owners, err := s.planOwners(c, mid, []domain.ContinuityPlan{p})
	if err != nil {
		s.fail(c, err)
		return
	}
	s.sendPDF(c, "kontinuitetsplan-"+itoa(p.ID)+".pdf", func(w io.Writer) error {
		return writePlansPDF(w, s.i18n.For(lang(c)), p.Title, []domain.ContinuityPlan{p}, unitNames(units), owners, s.app.Now(), false)
	})
}

// maxUnitPlans bounds the plans of one unit's PDF.
const maxUnitPlans = 2000

// unitPlansPDF is GET /m/{mid}/continuity-plans.pdf?unit=N (and the API's): every plan of
// the unit the caller may read, each from a new page. Without ?unit= it is a 400 naming unit.
func (s *Server) unitPlansPDF(c *gin.Context) {
	mid, err := idParam(c, "mid")
	if err != nil {
		s.fail(c, err)
		return
	}
	unit, perr := strconv.ParseInt(c.Query("unit"), 10, 64)
	ctx, cl := c.Request.Context(), s.caller(c)
	if _, err := s.app.Municipality(ctx, cl, mid); err != nil {
		s.fail(c, err)
		return
	}
	if perr != nil || unit <= 0 {
		s.fail(c, &domain.Error{Code: domain.EInvalid, Message: "err.invalid", Fields: map[string]string{"unit": "err.required"}})
		return
	}
	units, err := s.app.OrgUnits(ctx, cl, mid)
	if err != nil {
		s.fail(c, err)
		return
	}
	names := unitNames(units)
	if _, ok := names[unit]; !ok {
		s.fail(c, domain.NotFound())
		return
	}
	var plans []domain.ContinuityPlan
	f := store.PlanFilter{OrgUnitID: unit, Full: true, Limit: 500}
	for len(plans) < maxUnitPlans {
		batch, err := s.app.Plans(ctx, cl, mid, f)
		if err != nil {
			s.fail(c, err)
			return
		}
		plans = append(plans, batch...)
		if len(batch) < f.Limit {
			break
		}
		last := batch[len(batch)-1]
		f.After = &domain.Cursor{Key: domain.FoldTitle(last.Title), ID: last.ID}
	}
	owners, err := s.planOwners(c, mid, plans)
	if err != nil {
		s.fail(c, err)
		return
	}
	tr := s.i18n.For(lang(c))
	title := tr.T("plan.pdf_unit_title", names[unit])
	s.sendPDF(c, "kontinuitetsplaner-"+itoa(unit)+".pdf", func(w io.Writer) error {
		return writePlansPDF(w, tr, title, plans, names, owners, s.app.Now(), true)
	})
}

func (s *Server) planOwners(c *gin.Context, mid int64, plans []domain.ContinuityPlan) (map[int64]string, error) {
	var ids []int64
	for _, p := range plans {
		if p.OwnerID != nil {
			ids = append(ids, *p.OwnerID)
		}
	}
	if len(ids) == 0 {
		return map[int64]string{}, nil
	}
	return s.app.MemberNames(c.Request.Context(), s.caller(c), mid, ids)
}

// pdfSlots bounds how many PDFs are assembled at once: each is built whole in memory (a
// unit's plans: megabytes) and building is CPU-bound, so more at once than there are cores
// only adds memory (32 at once took the server's peak from 190 to 270 MB), not speed.
var pdfSlots = make(chan struct{}, runtime.GOMAXPROCS(0))

// sendPDF answers the PDF that write assembles, as a file named name; those who come while
// every slot is taken wait for one (or until they go away).
func (s *Server) sendPDF(c *gin.Context, name string, write func(io.Writer) error) {
	select {
	case pdfSlots <- struct{}{}:
	case <-c.Request.Context().Done():
		s.fail(c, c.Request.Context().Err())
		return
	}
	var buf bytes.Buffer
	err := write(&buf)
	<-pdfSlots
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", `inline; filename="`+name+`"`)
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "application/pdf", buf.Bytes())
}

// ---- exercises ----

var exerciseFields = []string{"exercise_type", "held_at", "title", "participants", "scenario", "achieved_recovery_hours", "outcome", "findings"}

// parseExerciseForm reads a posted exercise form: findings one per line.
func parseExerciseForm(v url.Values) (domain.ExerciseInput, domain.Problems) {
	p := domain.Problems{}
	in := domain.ExerciseInput{Title: formString(v, "title"), Type: formString(v, "exercise_type"), HeldAt: formString(v, "held_at"),
		Participants: formString(v, "participants"), Scenario: formString(v, "scenario"), Outcome: formString(v, "outcome")}
	if s := strings.TrimSpace(strings.ReplaceAll(v.Get("achieved_recovery_hours"), ",", ".")); s != "" {
		h, err := strconv.ParseFloat(s, 64)
		if err != nil {
			p.Add("achieved_recovery_hours", "err.hours")
		} else {
			in.AchievedRecoveryHours = &h
		}
	}
	for _, l := range strings.Split(v.Get("findings"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			in.Findings = append(in.Findings, l)
		}
	}
	return in, p
}

type exerciseFormPage struct {
	Base
	Plan   domain.ContinuityPlan
	Action string
	Form   formState
}

func (s *Server) exercisePlan(c *gin.Context) (int64, domain.ContinuityPlan, error) {
	mid, id, err := recordIDs(c)
	if err != nil {
		return 0, domain.ContinuityPlan{}, err
	}
	p, err := s.app.Plan(c.Request.Context(), s.caller(c), mid, id)
	if err != nil {
		return mid, p, err
	}
	if !s.app.Can(s.caller(c), mid, authz.ObjContinuity, authz.Update, authz.TargetOf(p.Record)) {
		return mid, p, domain.Forbidden()
	}
	return mid, p, nil
}

func (s *Server) exerciseNew(c *gin.Context) {
	mid, p, err := s.exercisePlan(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	f := newForm()
	f.Values["held_at"] = s.app.Today().String()
	s.renderExerciseForm(c, http.StatusOK, mid, p, f)
}

func (s *Server) renderExerciseForm(c *gin.Context, status int, mid int64, p domain.ContinuityPlan, f formState) {
	pg := exerciseFormPage{Plan: p, Action: "/m/" + itoa(mid) + "/continuity-plans/" + itoa(p.ID) + "/exercises", Form: f}
	pg.Base = s.base(c, s.i18n.T(lang(c), "exercise.new_title"))
	s.render(c, status, "exercise_form", pg)
}

func (s *Server) exerciseCreate(c *gin.Context) {
	mid, p, err := s.exercisePlan(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := c.Request.ParseForm(); err != nil {
		s.fail(c, err)
		return
	}
	in, pr := parseExerciseForm(c.Request.PostForm)
	err = pr.Err()
	var e domain.Exercise
	if err == nil {
		e, err = s.app.CreateExercise(c.Request.Context(), s.caller(c), mid, p.ID, in)
	}
	if err != nil {
		if f, status, ok := s.formFail(c, err, exerciseFields); ok {
			s.renderExerciseForm(c, status, mid, p, f)
		}
		return
	}
	s.redirect(c, "/m/"+itoa(mid)+"/exercises/"+itoa(e.ID), "flash.exercise_created")
}

type exerciseShowPage struct {
	Base
	recordParts
	Exercise domain.Exercise
	PlanName string
}

func (s *Server) renderExercise(c *gin.Context, status int, mid, id int64, formName string, f formState) {
	ctx, cl := c.Request.Context(), s.caller(c)
	e, err := s.app.Exercise(ctx, cl, mid, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	pg := exerciseShowPage{Exercise: e}
	if r, err := s.app.RecordCore(ctx, cl, mid, domain.KindContinuityPlan, e.PlanID); err == nil {
		pg.PlanName = r.Title
	}
	if pg.recordParts, err = s.loadRecordParts(c, mid, domain.KindExercise, e.Record, formName, f); err != nil {
		s.fail(c, err)
		return
	}
	pg.Base = s.base(c, e.Title)
	s.render(c, status, "exercise", pg)
}
