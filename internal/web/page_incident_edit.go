package web

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/authz"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// The handler's form of an incident (issue 10): triage, the assessment as a personal data
// breach or a significant incident, the moments the clocks run from, the links to systems,
// risks, units and the supplier, and closing — everything the coordinator sets after the
// report, on one page that works without JavaScript. The deadlines are not on it: they are
// computed from the moments.

// incidentEditFields are the form's fields in order, for the error summary.
var incidentEditFields = []string{"title", "description", "status", "owner_id", "category", "severity", "aspects", "org_unit_id",
	"affected_unit_ids", "asset_ids", "risk_ids", "supplier_id", "discovered_at", "started_at", "ended_at", "supplier_aware_at",
	"personal_data", "personal_data_breach", "aware_at", "no_notification", "no_notification_reason", "data_subject_categories",
	"data_subjects_approx", "records_approx", "personal_data_categories", "consequences", "measures_taken", "measures_planned",
	"subjects_informed", "subjects_informed_at", "subjects_not_informed_reason", "significant", "significant_at",
	"intermediate_due_at", "security_protection", "root_cause", "lessons_learned", "next_review_at"}

// incidentForm is the handler's edit form; a new incident comes from the report form
// (incidentCreate), so create is not used.
var incidentForm = kindForm[domain.IncidentInput]{
	kind: domain.KindIncident, fields: incidentEditFields,
	parse: func(v url.Values, _ bool) (domain.IncidentInput, domain.Problems) { return parseIncidentEditForm(v) },
	load: func(s *Server, c *gin.Context, mid, id int64) (domain.Record, formState, error) {
		inc, err := s.app.Incident(c.Request.Context(), s.caller(c), mid, id)
		return inc.Record, formFromIncident(inc), err
	},
	update: func(s *Server, c *gin.Context, mid, id int64, in domain.IncidentInput) error {
		_, err := s.app.UpdateIncident(c.Request.Context(), s.caller(c), mid, id, in)
		return err
	},
	render: (*Server).renderIncidentEdit, saved: "flash.incident_saved",
}

// formMoment writes a moment for a datetime-local field in Swedish time: to the minute, or to
// the second when it has seconds, so that saving the form unchanged changes no moment.
func formMoment(t *time.Time) string {
	if t == nil {
		return ""
	}
	l := t.In(domain.Sweden)
	if l.Second() != 0 {
		return l.Format("2006-01-02T15:04:05")
	}
	return l.Format("2006-01-02T15:04")
}

func formCount(n *int64) string {
	if n == nil {
		return ""
	}
	return strconv.FormatInt(*n, 10)
}

func formBool(b bool) string {
	if b {
		return "on"
	}
	return ""
}

// formFromIncident fills the handler's form with a stored incident.
func formFromIncident(inc domain.Incident) formState {
	f := newForm()
	v := f.Values
	v["title"], v["description"], v["status"], v["category"], v["severity"] = inc.Title, inc.Description, inc.Status, inc.Category, inc.Severity
	v["aspects"] = inc.AspectsRaw
	v["org_unit_id"] = itoa(inc.OrgUnitID)
	if inc.OwnerID != nil {
		v["owner_id"] = itoa(*inc.OwnerID)
	}
	if inc.SupplierID != nil {
		v["supplier_id"] = itoa(*inc.SupplierID)
	}
	dt := inc.DiscoveredAt
	v["discovered_at"] = formMoment(&dt)
	v["started_at"], v["ended_at"], v["supplier_aware_at"] = formMoment(inc.StartedAt), formMoment(inc.EndedAt), formMoment(inc.SupplierAwareAt)
	v["personal_data"], v["personal_data_breach"], v["no_notification"] = formBool(inc.PersonalData), formBool(inc.PersonalDataBreach), formBool(inc.NoNotification)
	v["aware_at"], v["no_notification_reason"] = formMoment(inc.AwareAt), inc.NoNotificationReason
	v["data_subject_categories"], v["data_subjects_approx"], v["records_approx"] = inc.DataSubjectCategories, formCount(inc.DataSubjectsApprox), formCount(inc.RecordsApprox)
	v["personal_data_categories"], v["consequences"] = inc.PersonalDataCategories, inc.Consequences
	v["measures_taken"], v["measures_planned"] = inc.MeasuresTaken, inc.MeasuresPlanned
	v["subjects_informed"], v["subjects_informed_at"], v["subjects_not_informed_reason"] = inc.SubjectsInformed, formMoment(inc.SubjectsInformedAt), inc.SubjectsNotInformedWhy
	v["significant"], v["significant_at"], v["intermediate_due_at"] = formBool(inc.Significant), formMoment(inc.SignificantAt), formMoment(inc.IntermediateDueAt)
	v["security_protection"], v["root_cause"], v["lessons_learned"] = formBool(inc.SecurityProtection), inc.RootCause, inc.LessonsLearned
	if inc.NextReviewAt != nil {
		v["next_review_at"] = inc.NextReviewAt.String()
	}
	f.Multi["asset_ids"], f.Multi["risk_ids"], f.Multi["affected_unit_ids"] = inc.AssetIDs, inc.RiskIDs, inc.UnitIDs
	return f
}

// parseIncidentEditForm reads the posted handler's form. Every field the form shows is
// given (an emptied moment is cleared). Fuzzed in tests.
func parseIncidentEditForm(v url.Values) (domain.IncidentInput, domain.Problems) {
	p := domain.Problems{}
	var in domain.IncidentInput
	str := func(name string) *string { return formString(v, name) }
	in.Title, in.Description, in.Status, in.Category, in.Severity = str("title"), str("description"), str("status"), str("category"), str("severity")
	in.DiscoveredAt, in.StartedAt, in.EndedAt, in.SupplierAwareAt = str("discovered_at"), str("started_at"), str("ended_at"), str("supplier_aware_at")
	in.AwareAt, in.NoNotificationReason = str("aware_at"), str("no_notification_reason")
	in.DataSubjectCategories, in.PersonalDataCategories, in.Consequences = str("data_subject_categories"), str("personal_data_categories"), str("consequences")
	in.MeasuresTaken, in.MeasuresPlanned = str("measures_taken"), str("measures_planned")
	in.SubjectsInformed, in.SubjectsInformedAt, in.SubjectsNotInformedWhy = str("subjects_informed"), str("subjects_informed_at"), str("subjects_not_informed_reason")
	in.SignificantAt, in.IntermediateDueAt = str("significant_at"), str("intermediate_due_at")
	in.RootCause, in.LessonsLearned, in.NextReviewAt = str("root_cause"), str("lessons_learned"), str("next_review_at")
	in.OrgUnitID = formID(v, "org_unit_id", p)
	if _, ok := v["owner_id"]; ok {
		in.OwnerID = formID(v, "owner_id", p)
	}
	if _, ok := v["supplier_id"]; ok {
		in.SupplierID = formID(v, "supplier_id", p)
	}
	// The form posts has_checks with its checkboxes: then one left unticked is false (and no
	// aspect ticked clears them); a post without it leaves them as they are.
	if _, ok := v["has_checks"]; ok {
		check := func(name string) *bool { b := v.Get(name) == "on"; return &b }
		in.PersonalData, in.PersonalDataBreach, in.NoNotification = check("personal_data"), check("personal_data_breach"), check("no_notification")
		in.Significant, in.SecurityProtection = check("significant"), check("security_protection")
		aspects := v["aspects"]
		in.Aspects = &aspects
	}
	for _, c := range []struct {
		name string
		dst  **int64
	}{{"data_subjects_approx", &in.DataSubjectsApprox}, {"records_approx", &in.RecordsApprox}} {
		s := strings.TrimSpace(v.Get(c.name))
		if s == "" {
			continue
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			p.Add(c.name, "err.count")
			continue
		}
		*c.dst = &n
	}
	// The pickers post a marker so that a list with nothing ticked clears the links.
	for _, l := range []struct {
		name string
		dst  **[]int64
	}{{"asset_ids", &in.AssetIDs}, {"risk_ids", &in.RiskIDs}, {"affected_unit_ids", &in.UnitIDs}} {
		if _, ok := v["has_"+l.name]; ok {
			ids := formIDs(v, l.name, p)
			*l.dst = &ids
		}
	}
	return in, p
}

type incidentEditPage struct {
	Base
	Action         string
	Form           formState
	Units          []domain.OrgUnit
	UnitChoices    []store.RecordChoice // the affected units' checkboxes
	Suppliers      []option
	Assets         []store.RecordChoice
	AssetQuery     string
	Risks          []store.RecordChoice
	RiskQuery      string
	Page           string // the form page the pickers' searches reload
	Owners         ownerPicker
	CanAssignOwner bool
	Statuses       []string
	Categories     []string
	Severities     []string
}

func (s *Server) renderIncidentEdit(c *gin.Context, status int, mid int64, _ bool, action string, f formState) {
	ctx, cl := c.Request.Context(), s.caller(c)
	units, err := s.app.OrgUnits(ctx, cl, mid)
	if err != nil {
		s.fail(c, err)
		return
	}
	pg := incidentEditPage{Action: action, Form: f, Units: units, Page: formPage(action, false),
		Statuses: domain.IncidentStatuses, Categories: domain.IncidentCategories, Severities: domain.IncidentSeverities,
		CanAssignOwner: s.app.CanSome(cl, mid, authz.ObjIncident, authz.AssignOwner)}
	for _, u := range units {
		pg.UnitChoices = append(pg.UnitChoices, store.RecordChoice{ID: u.ID, Title: u.Name})
	}
	if pg.CanAssignOwner {
		if pg.Owners, err = s.formOwners(c, mid, f, pg.Page); err != nil {
			s.fail(c, err)
			return
		}
	}
	var current []int64 // the incident's supplier is always offered, however many there are
	if n, perr := strconv.ParseInt(f.Values["supplier_id"], 10, 64); perr == nil && n > 0 {
		current = []int64{n}
	}
	sups, err := s.app.RiskChoices(ctx, cl, mid, domain.KindSupplier, "", current, 500)
	if err != nil {
		s.fail(c, err)
		return
	}
	for _, x := range sups {
		pg.Suppliers = append(pg.Suppliers, option{itoa(x.ID), x.Title})
	}
	// The linked systems and risks are always offered (ticked), with those matching the
	// pickers' searches.
	pg.AssetQuery, pg.RiskQuery = choiceQuery(c, "asset_q"), choiceQuery(c, "risk_q")
	if pg.Assets, err = s.app.RiskChoices(ctx, cl, mid, domain.RiskAssetKind, pg.AssetQuery, f.Multi["asset_ids"], choiceSize); err != nil {
		s.fail(c, err)
		return
	}
	if pg.Risks, err = s.app.RiskChoices(ctx, cl, mid, domain.KindRisk, pg.RiskQuery, f.Multi["risk_ids"], choiceSize); err != nil {
		s.fail(c, err)
		return
	}
	pg.Base = s.base(c, s.i18n.T(lang(c), "incident.edit_title"))
	s.render(c, status, "incident_edit", pg)
}

// incidentEditRoutes are the handler's form: GET …/edit and POST to the incident.
func (s *Server) incidentEditRoutes(pages *gin.RouterGroup) {
	pages.GET("/m/:mid/incidents/:id/edit", incidentForm.editHandler(s))
	pages.POST("/m/:mid/incidents/:id", incidentForm.updateHandler(s))
}
