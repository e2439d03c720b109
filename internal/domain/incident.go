package domain

import (
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// KindIncident is an information security incident (issue 10): reported by anyone with a role,
// triaged and handled by the coordinator, with the legal clocks of the GDPR and the
// cybersäkerhetslag computed from its moments (clocks.go) and its reports recorded.
const KindIncident Kind = "incident"

// The incident statuses, in the order of the workflow.
const (
	IncidentReported  = "reported"
	IncidentTriaged   = "triaged"
	IncidentContained = "contained"
	IncidentResolved  = "resolved"
	IncidentClosed    = "closed"
)

// IncidentStatuses lists the workflow; the first is a new report's.
var IncidentStatuses = []string{IncidentReported, IncidentTriaged, IncidentContained, IncidentResolved, IncidentClosed}

// IncidentCategories are the categories of the triage.
var IncidentCategories = []string{"malware", "phishing", "unauthorized_access", "data_leak", "misdirected",
	"lost_device", "outage", "denial_of_service", "fraud", "physical", "supplier", "other"}

// IncidentSeverities are the severities of the triage, lowest first.
var IncidentSeverities = []string{"low", "medium", "high", "critical"}

// SubjectsInformed says whether the data subjects of a personal data breach were informed
// (GDPR art. 34).
var SubjectsInformedValues = []string{"", "yes", "no"}

// ReportSAPO is the report of a security-protection incident (säkerhetsskyddsincident) to
// Säkerhetspolisen: no fixed hours ("utan dröjsmål"), its own record.
const ReportSAPO ClockKind = "sapo"

// ReportKinds are the reports an incident may record: one per clock kind, and the SAPO report.
var ReportKinds = []ClockKind{ClockGDPR, ClockNIS2EarlyWarning, ClockNIS2Notification, ClockNIS2Intermediate,
	ClockNIS2Progress, ClockNIS2Final, ReportSAPO}

func init() {
	RegisterKind(KindSpec{Kind: KindIncident, Table: "incidents", Section: "incidents", Statuses: IncidentStatuses,
		Closed: []string{IncidentClosed}, Label: "kind.incident", Nav: "nav.incidents", NavOrder: 45, APIName: "Incident",
		StatusLabels: "incstatus.", ActionParent: true,
		ExportColumns: []ExportColumn{
			{Column: "category", Header: "field.category", Type: ExportEnum, Labels: "inccat."},
			{Column: "severity", Header: "field.severity", Type: ExportEnum, Labels: "incsev."},
			{Column: "discovered_at", Header: "field.discovered_at", Type: ExportText},
			{Column: "personal_data_breach", Header: "field.personal_data_breach", Type: ExportBool},
			{Column: "significant", Header: "field.significant", Type: ExportBool},
			{Column: "security_protection", Header: "field.security_protection", Type: ExportBool},
			{Column: "description", Header: "field.description", Type: ExportText},
		}})
}

// Incident is an incident: the Record core (title; owner = the handler; the review date is
// the next follow-up) and its own fields.
type Incident struct {
	Record
	Description  string    `db:"description" json:"description"`
	DiscoveredAt time.Time `db:"discovered_at" json:"discovered_at"`
	ReportedBy   *int64    `db:"-" json:"reported_by"`               // = CreatedBy
	PersonalData bool      `db:"personal_data" json:"personal_data"` // the reporter thinks personal data may be involved
	SupplierID   *int64    `db:"supplier_id" json:"supplier_id"`
	AssetIDs     []int64   `db:"-" json:"asset_ids"`
	UnitIDs      []int64   `db:"-" json:"affected_unit_ids"` // affected units beside the record's own
	RiskIDs      []int64   `db:"-" json:"risk_ids"`          // risks linked from the incident
	// Triage.
	Category   string   `db:"category" json:"category"`
	Severity   string   `db:"severity" json:"severity"`
	AspectsRaw string   `db:"aspects" json:"-"`
	Aspects    []Aspect `db:"-" json:"aspects"`
	// Moments of the incident itself.
	StartedAt       *time.Time `db:"started_at" json:"started_at"`
	EndedAt         *time.Time `db:"ended_at" json:"ended_at"`
	SupplierAwareAt *time.Time `db:"supplier_aware_at" json:"supplier_aware_at"`
	HandlingEndedAt *time.Time `db:"handling_ended_at" json:"handling_ended_at"` // set when resolved
	// A personal data breach (GDPR art. 33–34).
	PersonalDataBreach     bool       `db:"personal_data_breach" json:"personal_data_breach"`
	AwareAt                *time.Time `db:"aware_at" json:"aware_at"`
	NoNotification         bool       `db:"no_notification" json:"no_notification"`
	NoNotificationReason   string     `db:"no_notification_reason" json:"no_notification_reason"`
	SubjectsInformed       string     `db:"subjects_informed" json:"subjects_informed"`
	SubjectsInformedAt     *time.Time `db:"subjects_informed_at" json:"subjects_informed_at"`
	SubjectsNotInformedWhy string     `db:"subjects_not_informed_reason" json:"subjects_not_informed_reason"`
	DataSubjectCategories  string     `db:"data_subject_categories" json:"data_subject_categories"`
	DataSubjectsApprox     *int64     `db:"data_subjects_approx" json:"data_subjects_approx"`
	RecordsApprox          *int64     `db:"records_approx" json:"records_approx"`
	PersonalDataCategories string     `db:"personal_data_categories" json:"personal_data_categories"`
	Consequences           string     `db:"consequences" json:"consequences"`
	MeasuresTaken          string     `db:"measures_taken" json:"measures_taken"`
	MeasuresPlanned        string     `db:"measures_planned" json:"measures_planned"`
	// A significant incident (cybersäkerhetslagen, NIS2 art. 23): when it was judged
	// significant and by whom, and the date by which the authority asked for an intermediate
	// report.
	Significant       bool       `db:"significant" json:"significant"`
	SignificantAt     *time.Time `db:"significant_at" json:"significant_at"`
	SignificantBy     *int64     `db:"significant_by" json:"significant_by"`
	IntermediateDueAt *time.Time `db:"intermediate_due_at" json:"intermediate_due_at"`
	// A security-protection incident: reported to Säkerhetspolisen.
	SecurityProtection bool `db:"security_protection" json:"security_protection"`
	// Closing.
	RootCause      string `db:"root_cause" json:"root_cause"`
	LessonsLearned string `db:"lessons_learned" json:"lessons_learned"`

	Clocks   []Clock          `db:"-" json:"clocks"`
	Reports  []IncidentReport `db:"-" json:"reports"`
	Timeline []IncidentEvent  `db:"-" json:"timeline"`
}

// IncidentReport is one report made to an authority: when, to whom, how and its reference.
type IncidentReport struct {
	ID             int64     `db:"id" json:"id"`
	IncidentID     int64     `db:"incident_id" json:"-"`
	Kind           ClockKind `db:"kind" json:"kind"`
	SentAt         time.Time `db:"sent_at" json:"sent_at"`
	Recipient      string    `db:"recipient" json:"recipient"`
	Channel        string    `db:"channel" json:"channel"`
	Reference      string    `db:"reference" json:"reference"`
	LateReason     string    `db:"late_reason" json:"late_reason"`
	RecordedBy     *int64    `db:"recorded_by" json:"recorded_by"`
	RecordedByName string    `db:"recorded_by_name" json:"recorded_by_name"`
	CreatedAt      time.Time `db:"created_at" json:"created_at"`
}

// IncidentEvent is one entry of an incident's timeline: a step, a note or a change, at the
// moment it happened (At) and when it was written down (RecordedAt).
type IncidentEvent struct {
	ID         int64     `db:"id" json:"id"`
	IncidentID int64     `db:"incident_id" json:"-"`
	At         time.Time `db:"at" json:"at"`
	Type       string    `db:"type" json:"type"` // reported, status, note, triage, breach, significant, report, clock, link
	Text       string    `db:"text" json:"text"`
	// Key and Args, when set, are the event's description as a text-catalog key (rendered
	// in the reader's language); Text is a note's own words.
	Key        string    `db:"event_key" json:"key,omitempty"`
	Args       string    `db:"args" json:"args,omitempty"`
	ActorID    *int64    `db:"actor_id" json:"actor_id"`
	ActorName  string    `db:"actor_name" json:"actor_name"`
	RecordedAt time.Time `db:"recorded_at" json:"recorded_at"`
}

// IncidentInput is what a reporter sends (title, description, discovered_at, org_unit_id,
// personal_data, asset_ids, supplier_id) and what the coordinator changes. A nil field is "not
// given". Times are RFC 3339 (or, from a form, "2026-12-02T10:15" in Swedish time).
type IncidentInput struct {
	Title        *string  `json:"title"`
	Description  *string  `json:"description"`
	DiscoveredAt *string  `json:"discovered_at"`
	OrgUnitID    *int64   `json:"org_unit_id"`
	PersonalData *bool    `json:"personal_data"`
	AssetIDs     *[]int64 `json:"asset_ids"`
	SupplierID   *int64   `json:"supplier_id"` // 0 clears
	UnitIDs      *[]int64 `json:"affected_unit_ids"`
	RiskIDs      *[]int64 `json:"risk_ids"`

	Status   *string   `json:"status"`
	OwnerID  *int64    `json:"owner_id"` // the handler
	Category *string   `json:"category"`
	Severity *string   `json:"severity"`
	Aspects  *[]string `json:"aspects"`

	StartedAt       *string `json:"started_at"`
	EndedAt         *string `json:"ended_at"`
	SupplierAwareAt *string `json:"supplier_aware_at"`

	PersonalDataBreach     *bool   `json:"personal_data_breach"`
	AwareAt                *string `json:"aware_at"`
	NoNotification         *bool   `json:"no_notification"`
	NoNotificationReason   *string `json:"no_notification_reason"`
	SubjectsInformed       *string `json:"subjects_informed"`
	SubjectsInformedAt     *string `json:"subjects_informed_at"`
	SubjectsNotInformedWhy *string `json:"subjects_not_informed_reason"`
	DataSubjectCategories  *string `json:"data_subject_categories"`
	DataSubjectsApprox     *int64  `json:"data_subjects_approx"`
	RecordsApprox          *int64  `json:"records_approx"`
	PersonalDataCategories *string `json:"personal_data_categories"`
	Consequences           *string `json:"consequences"`
	MeasuresTaken          *string `json:"measures_taken"`
	MeasuresPlanned        *string `json:"measures_planned"`

	Significant       *bool   `json:"significant"`
	SignificantAt     *string `json:"significant_at"`
	IntermediateDueAt *string `json:"intermediate_due_at"`

	SecurityProtection *bool `json:"security_protection"`

	RootCause      *string `json:"root_cause"`
	LessonsLearned *string `json:"lessons_learned"`

	ReviewIntervalMonths *int    `json:"review_interval_months"`
	NextReviewAt         *string `json:"next_review_at"`

	// Deadlines are computed, never typed in: a client that sends them is told so.
	Clocks  json.RawMessage `json:"clocks"`
	DueAt   json.RawMessage `json:"due_at"`
	Reports json.RawMessage `json:"reports"`
}

// ReportFields are the fields a reporter (anyone with a role) may give; the others are the
// handler's.
var ReportFields = []string{"title", "description", "discovered_at", "org_unit_id", "personal_data", "asset_ids", "supplier_id"}

// HandlerOnly reports which handler's fields in gives (those a reporter may not send).
func (in IncidentInput) HandlerOnly() []string {
	var out []string
	add := func(name string, given bool) {
		if given {
			out = append(out, name)
		}
	}
	add("affected_unit_ids", in.UnitIDs != nil)
	add("risk_ids", in.RiskIDs != nil)
	add("status", in.Status != nil)
	add("owner_id", in.OwnerID != nil)
	add("category", in.Category != nil)
	add("severity", in.Severity != nil)
	add("aspects", in.Aspects != nil)
	add("started_at", in.StartedAt != nil)
	add("ended_at", in.EndedAt != nil)
	add("supplier_aware_at", in.SupplierAwareAt != nil)
	add("personal_data_breach", in.PersonalDataBreach != nil)
	add("aware_at", in.AwareAt != nil)
	add("no_notification", in.NoNotification != nil)
	add("significant", in.Significant != nil)
	add("significant_at", in.SignificantAt != nil)
	add("intermediate_due_at", in.IntermediateDueAt != nil)
	add("security_protection", in.SecurityProtection != nil)
	add("root_cause", in.RootCause != nil)
	add("lessons_learned", in.LessonsLearned != nil)
	return out
}

// ParseMoment reads a moment as RFC 3339, or as a form's local "2026-12-02T10:15" (or with a
// space, or with seconds) in Swedish time.
func ParseMoment(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), true
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, Sweden); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// applyMoment reads an optional moment into dst: "" clears it, a bad value or one in the
// future is a problem of field.
func applyMoment(p Problems, field string, v *string, dst **time.Time, now time.Time) {
	if v == nil {
		return
	}
	if strings.TrimSpace(*v) == "" {
		*dst = nil
		return
	}
	t, ok := ParseMoment(*v)
	switch {
	case !ok || t.Year() < 1900:
		p.Add(field, "err.moment")
	case t.After(now.Add(time.Minute)): // a minute of clock skew between a phone and the server
		p.Add(field, "err.date_future")
	default:
		*dst = &t
	}
}

func applyText(p Problems, field string, v *string, dst *string, max int) {
	if v == nil {
		return
	}
	ValidateLongText(p, field, *v, false, max)
	*dst = strings.TrimSpace(*v)
}

// ApplyIncident applies in to inc (a new report when inc.ID == 0) at now and validates the
// result: the core through ApplyRecord, the moments (none in the future; awareness,
// significance and the incident's end not before discovery; an end not before the start),
// the triage's enumerations, a decision not to notify with its justification, data subjects
// not informed with the reason, and closing with a root cause and lessons learned. What only
// the database knows (units, people, assets, suppliers, risks) the caller checks. by is the
// person applying it (who judged the incident significant). Returns EInvalid naming every
// field in error.
func ApplyIncident(inc *Incident, in IncidentInput, by int64, now time.Time) error {
	p := Problems{}
	today := DateOf(now.In(Sweden))
	isNew := inc.ID == 0
	for field, raw := range map[string]json.RawMessage{"clocks": in.Clocks, "due_at": in.DueAt, "reports": in.Reports} {
		if len(raw) > 0 {
			p.Add(field, "err.deadline_computed")
		}
	}
	before := *inc
	if isNew {
		inc.Kind = KindIncident
		inc.Status = IncidentReported
		if in.DiscoveredAt == nil || strings.TrimSpace(*in.DiscoveredAt) == "" {
			p.Add("discovered_at", "err.required")
		}
		if in.Description == nil || strings.TrimSpace(*in.Description) == "" {
			p.Add("description", "err.required")
		}
		if in.ReviewIntervalMonths == nil {
			one := 1 // an open incident is followed up monthly until it is closed
			in.ReviewIntervalMonths = &one
		}
	}
	core := RecordInput{Title: in.Title, OrgUnitID: in.OrgUnitID, OwnerID: in.OwnerID, Status: in.Status,
		ReviewIntervalMonths: in.ReviewIntervalMonths, NextReviewAt: in.NextReviewAt}
	ApplyRecord(p, &inc.Record, core, today)
	applyText(p, "description", in.Description, &inc.Description, 20000)
	if in.DiscoveredAt != nil && strings.TrimSpace(*in.DiscoveredAt) != "" {
		var t *time.Time
		applyMoment(p, "discovered_at", in.DiscoveredAt, &t, now)
		if t != nil {
			inc.DiscoveredAt = *t
		}
	} else if in.DiscoveredAt != nil && !isNew {
		p.Add("discovered_at", "err.required")
	}
	if in.PersonalData != nil {
		inc.PersonalData = *in.PersonalData
	}
	if in.SupplierID != nil {
		if *in.SupplierID <= 0 {
			inc.SupplierID = nil
		} else {
			v := *in.SupplierID
			inc.SupplierID = &v
		}
	}
	setIDs := func(field string, v *[]int64, dst *[]int64) {
		if v == nil {
			return
		}
		ValidateIDs(p, field, *v)
		ids := slices.Clone(*v)
		slices.Sort(ids)
		*dst = slices.Compact(ids)
	}
	setIDs("asset_ids", in.AssetIDs, &inc.AssetIDs)
	setIDs("affected_unit_ids", in.UnitIDs, &inc.UnitIDs)
	setIDs("risk_ids", in.RiskIDs, &inc.RiskIDs)
	setEnum := func(field string, v *string, all []string, dst *string) {
		if v == nil {
			return
		}
		s := NormalizeEnum(*v)
		if s != "" && !slices.Contains(all, s) {
			p.Add(field, "err.enum")
		}
		*dst = s
	}
	setEnum("category", in.Category, IncidentCategories, &inc.Category)
	setEnum("severity", in.Severity, IncidentSeverities, &inc.Severity)
	setEnum("subjects_informed", in.SubjectsInformed, SubjectsInformedValues, &inc.SubjectsInformed)
	if in.Aspects != nil {
		var as []Aspect
		for _, a := range *in.Aspects {
			x := ParseAspect(a)
			if x == "" {
				p.Add("aspects", "err.enum")
				continue
			}
			if !slices.Contains(as, x) {
				as = append(as, x)
			}
		}
		slices.SortFunc(as, func(a, b Aspect) int { return slices.Index(Aspects, a) - slices.Index(Aspects, b) })
		inc.Aspects = as
	}
	inc.AspectsRaw = JoinAspects(inc.Aspects)
	applyMoment(p, "started_at", in.StartedAt, &inc.StartedAt, now)
	applyMoment(p, "ended_at", in.EndedAt, &inc.EndedAt, now)
	applyMoment(p, "supplier_aware_at", in.SupplierAwareAt, &inc.SupplierAwareAt, now)
	applyMoment(p, "aware_at", in.AwareAt, &inc.AwareAt, now)
	applyMoment(p, "significant_at", in.SignificantAt, &inc.SignificantAt, now)
	applyMoment(p, "subjects_informed_at", in.SubjectsInformedAt, &inc.SubjectsInformedAt, now)
	if in.IntermediateDueAt != nil { // a date the authority set: may lie ahead
		if strings.TrimSpace(*in.IntermediateDueAt) == "" {
			inc.IntermediateDueAt = nil
		} else if t, ok := ParseMoment(*in.IntermediateDueAt); ok {
			inc.IntermediateDueAt = &t
		} else if d, err := ParseDate(*in.IntermediateDueAt); err == nil {
			end := time.Date(d.Time().Year(), d.Time().Month(), d.Time().Day(), 23, 59, 0, 0, Sweden).UTC()
			inc.IntermediateDueAt = &end
		} else {
			p.Add("intermediate_due_at", "err.moment")
		}
	}
	if in.PersonalDataBreach != nil {
		inc.PersonalDataBreach = *in.PersonalDataBreach
	}
	if in.NoNotification != nil {
		inc.NoNotification = *in.NoNotification
	}
	applyText(p, "no_notification_reason", in.NoNotificationReason, &inc.NoNotificationReason, 5000)
	applyText(p, "subjects_not_informed_reason", in.SubjectsNotInformedWhy, &inc.SubjectsNotInformedWhy, 5000)
	applyText(p, "data_subject_categories", in.DataSubjectCategories, &inc.DataSubjectCategories, 2000)
	applyText(p, "personal_data_categories", in.PersonalDataCategories, &inc.PersonalDataCategories, 2000)
	applyText(p, "consequences", in.Consequences, &inc.Consequences, 5000)
	applyText(p, "measures_taken", in.MeasuresTaken, &inc.MeasuresTaken, 5000)
	applyText(p, "measures_planned", in.MeasuresPlanned, &inc.MeasuresPlanned, 5000)
	applyText(p, "root_cause", in.RootCause, &inc.RootCause, 10000)
	applyText(p, "lessons_learned", in.LessonsLearned, &inc.LessonsLearned, 10000)
	setCount := func(field string, v *int64, dst **int64) {
		if v == nil {
			return
		}
		if *v < 0 || *v > 1_000_000_000 {
			p.Add(field, "err.count")
			return
		}
		n := *v
		*dst = &n
	}
	setCount("data_subjects_approx", in.DataSubjectsApprox, &inc.DataSubjectsApprox)
	setCount("records_approx", in.RecordsApprox, &inc.RecordsApprox)
	if in.Significant != nil {
		inc.Significant = *in.Significant
	}
	if in.SecurityProtection != nil {
		inc.SecurityProtection = *in.SecurityProtection
	}

	// The moments against each other.
	if !inc.DiscoveredAt.IsZero() {
		ValidateClockMoments(p, inc.DiscoveredAt, inc.AwareAt, inc.SignificantAt, nil, now.Add(time.Minute))
		if inc.EndedAt != nil && inc.StartedAt != nil && inc.EndedAt.Before(*inc.StartedAt) {
			p.Add("ended_at", "err.end_before_start")
		}
		if inc.StartedAt != nil && inc.StartedAt.After(inc.DiscoveredAt) {
			p.Add("started_at", "err.start_after_discovery")
		}
		if inc.SubjectsInformedAt != nil && inc.SubjectsInformedAt.Before(inc.DiscoveredAt) {
			p.Add("subjects_informed_at", "err.before_discovery")
		}
	}
	if inc.PersonalDataBreach && inc.AwareAt == nil && p["aware_at"] == "" {
		p.Add("aware_at", "err.aware_required") // the 72 hours run from it
	}
	if inc.Significant && inc.SignificantAt == nil && p["significant_at"] == "" {
		p.Add("significant_at", "err.significant_at_required")
	}
	if inc.Significant && (before.SignificantAt == nil || inc.SignificantAt == nil || !before.SignificantAt.Equal(*inc.SignificantAt) || !before.Significant) {
		judge := by
		inc.SignificantBy = &judge
	}
	if !inc.Significant {
		inc.SignificantAt, inc.SignificantBy, inc.IntermediateDueAt = nil, nil, nil
	}
	if inc.NoNotification && inc.NoNotificationReason == "" {
		p.Add("no_notification_reason", "err.no_notification_reason")
	}
	if inc.SubjectsInformed == "no" && inc.SubjectsNotInformedWhy == "" {
		p.Add("subjects_not_informed_reason", "err.subjects_reason")
	}
	if inc.SubjectsInformed == "yes" && inc.SubjectsInformedAt == nil && p["subjects_informed_at"] == "" {
		p.Add("subjects_informed_at", "err.required")
	}

	// The workflow.
	if inc.Status == IncidentClosed && (before.Status != IncidentClosed || in.RootCause != nil || in.LessonsLearned != nil) {
		if inc.RootCause == "" {
			p.Add("root_cause", "err.close_root_cause")
		}
		if inc.LessonsLearned == "" {
			p.Add("lessons_learned", "err.close_lessons")
		}
	}
	resolved := inc.Status == IncidentResolved || inc.Status == IncidentClosed
	switch {
	case resolved && inc.HandlingEndedAt == nil:
		t := now.UTC()
		inc.HandlingEndedAt = &t
	case !resolved:
		inc.HandlingEndedAt = nil // reopened: the handling goes on
	}
	if inc.Status == IncidentClosed {
		inc.NextReviewAt = nil // a closed incident needs no follow-up
	} else if inc.NextReviewAt == nil {
		next := NextReview(today, inc.ReviewIntervalMonths) // reopened: followed up again
		inc.NextReviewAt = &next
	}
	return p.Err()
}

// ParseAspect reads an aspect by its name, its Swedish name or its letter (K, R, T, S).
func ParseAspect(s string) Aspect {
	switch NormalizeEnum(s) {
	case "confidentiality", "konfidentialitet", "k", "c":
		return Confidentiality
	case "integrity", "riktighet", "r", "i":
		return Integrity
	case "availability", "tillganglighet", "t", "a":
		return Availability
	case "traceability", "sparbarhet", "s":
		return Traceability
	}
	return ""
}

// JoinAspects stores aspects as one comma-separated column.
func JoinAspects(as []Aspect) string { return strings.Join(stringsOf(as), ",") }

// SplitAspects reads the column JoinAspects wrote.
func SplitAspects(s string) []Aspect {
	out := []Aspect{}
	for _, a := range strings.Split(s, ",") {
		if a != "" {
			out = append(out, Aspect(a))
		}
	}
	return out
}

// ClockFacts are the moments of inc the clocks follow from, with the reports recorded.
func (inc Incident) ClockFacts() ClockFacts {
	f := ClockFacts{PersonalDataBreach: inc.PersonalDataBreach, AwareAt: inc.AwareAt, NoNotification: inc.NoNotification,
		Significant: inc.Significant, SignificantAt: inc.SignificantAt, IntermediateDue: inc.IntermediateDueAt,
		HandlingEndedAt: inc.HandlingEndedAt, Reported: map[ClockKind]time.Time{}}
	for _, r := range inc.Reports {
		f.Reported[r.Kind] = r.SentAt
	}
	return f
}

// ReportInput records a report made.
type ReportInput struct {
	Kind       string `json:"kind"`
	SentAt     string `json:"sent_at"`
	Recipient  string `json:"recipient"`
	Channel    string `json:"channel"`
	Reference  string `json:"reference"`
	LateReason string `json:"late_reason"`
}

// Clock returns inc's clock of kind k; ok is false when the incident has none.
func (inc Incident) Clock(k ClockKind) (c Clock, ok bool) {
	for _, c := range inc.Clocks {
		if c.Kind == k {
			return c, true
		}
	}
	return Clock{}, false
}

// Report returns the report of kind k recorded on inc, nil when none is.
func (inc *Incident) Report(k ClockKind) *IncidentReport {
	for i := range inc.Reports {
		if inc.Reports[i].Kind == k {
			return &inc.Reports[i]
		}
	}
	return nil
}

// CallsFor reports whether inc calls for a report of kind k: a clock of that kind, or the SAPO
// report of a security-protection incident.
func (inc Incident) CallsFor(k ClockKind) bool {
	_, ok := inc.Clock(k)
	return ok || k == ReportSAPO && inc.SecurityProtection
}

// ApplyReport validates a report of inc made at in.SentAt: a known kind the incident calls for
// (a clock it has, or the SAPO report of a security-protection incident), not recorded before,
// sent neither before the incident was discovered nor in the future, a recipient, and the
// reason when it is late. Returns the report or EInvalid naming the fields.
func ApplyReport(inc Incident, in ReportInput, now time.Time) (IncidentReport, error) {
	p := Problems{}
	r := IncidentReport{IncidentID: inc.ID, Kind: ClockKind(NormalizeEnum(in.Kind))}
	var due *time.Time
	switch {
	case !slices.Contains(ReportKinds, r.Kind):
		p.Add("kind", "err.enum")
	case !inc.CallsFor(r.Kind):
		p.Add("kind", "err.report_not_called_for")
	case inc.Report(r.Kind) != nil:
		p.Add("kind", "err.report_recorded")
	default:
		c, _ := inc.Clock(r.Kind)
		due = c.DueAt
	}
	t, ok := ParseMoment(in.SentAt)
	switch {
	case strings.TrimSpace(in.SentAt) == "":
		p.Add("sent_at", "err.required")
	case !ok:
		p.Add("sent_at", "err.moment")
	default:
		r.SentAt = t
		ValidateClockMoments(p, inc.DiscoveredAt, nil, nil, map[ClockKind]time.Time{r.Kind: t}, now.Add(time.Minute))
	}
	ValidateText(p, "recipient", in.Recipient, true, 200)
	ValidateText(p, "channel", in.Channel, false, 200)
	ValidateText(p, "reference", in.Reference, false, 200)
	ValidateLongText(p, "late_reason", in.LateReason, false, 5000)
	r.Recipient, r.Channel, r.Reference = strings.TrimSpace(in.Recipient), strings.TrimSpace(in.Channel), strings.TrimSpace(in.Reference)
	r.LateReason = strings.TrimSpace(in.LateReason)
	if due != nil && ok && r.SentAt.After(*due) && r.LateReason == "" {
		p.Add("late_reason", "err.late_reason")
	}
	return r, p.Err()
}

// NoteInput adds a note to an incident's timeline: what was done, at the moment it was done.
type NoteInput struct {
	At   string `json:"at"`
	Text string `json:"text"`
}

// ApplyNote validates a timeline note of inc: a text, and a moment (default now) neither in
// the future nor before the incident was discovered.
func ApplyNote(inc Incident, in NoteInput, now time.Time) (IncidentEvent, error) {
	p := Problems{}
	ev := IncidentEvent{IncidentID: inc.ID, Type: "note", At: now.UTC(), RecordedAt: now.UTC()}
	ValidateLongText(p, "text", in.Text, true, 5000)
	ev.Text = strings.TrimSpace(in.Text)
	if strings.TrimSpace(in.At) != "" {
		t, ok := ParseMoment(in.At)
		switch {
		case !ok:
			p.Add("at", "err.moment")
		case t.After(now.Add(time.Minute)):
			p.Add("at", "err.date_future")
		case t.Before(inc.DiscoveredAt.Add(-24 * time.Hour * 365)):
			p.Add("at", "err.moment")
		default:
			ev.At = t
		}
	}
	return ev, p.Err()
}

// IncidentChanges lists the timeline events a change from before to after makes (before.ID
// == 0: the report itself), at now: the status, the triage, the breach and its decisions, the
// significance, the handler and the links.
func IncidentChanges(before, after Incident, now time.Time) []IncidentEvent {
	var out []IncidentEvent
	add := func(typ, key string, args ...EventArg) {
		out = append(out, IncidentEvent{At: now.UTC(), RecordedAt: now.UTC(), Type: typ, Key: key, Args: EventArgs(args...)})
	}
	if before.ID == 0 {
		add("reported", "incev.reported")
		return out
	}
	if before.Status != after.Status {
		add("status", "incev.status", ArgKey("incstatus."+before.Status), ArgKey("incstatus."+after.Status))
	}
	if before.Category != after.Category || before.Severity != after.Severity || before.AspectsRaw != after.AspectsRaw {
		add("triage", "incev.triage", ArgKeyOr("inccat.", after.Category), ArgKeyOr("incsev.", after.Severity), ArgAspects(after.Aspects))
	}
	if !ptrEq(before.OwnerID, after.OwnerID) {
		add("triage", "incev.handler")
	}
	if before.PersonalDataBreach != after.PersonalDataBreach || !timeEq(before.AwareAt, after.AwareAt) {
		if after.PersonalDataBreach {
			add("breach", "incev.breach", momentArg(after.AwareAt))
		} else {
			add("breach", "incev.no_breach")
		}
	}
	if before.NoNotification != after.NoNotification {
		if after.NoNotification {
			add("clock", "incev.no_notification")
		} else {
			add("clock", "incev.notification_required")
		}
	}
	if before.Significant != after.Significant || !timeEq(before.SignificantAt, after.SignificantAt) {
		if after.Significant {
			add("significant", "incev.significant", momentArg(after.SignificantAt))
		} else {
			add("significant", "incev.not_significant")
		}
	}
	if !timeEq(before.IntermediateDueAt, after.IntermediateDueAt) && after.IntermediateDueAt != nil {
		add("clock", "incev.intermediate", momentArg(after.IntermediateDueAt))
	}
	if before.SecurityProtection != after.SecurityProtection && after.SecurityProtection {
		add("clock", "incev.security_protection")
	}
	if before.SubjectsInformed != after.SubjectsInformed && after.SubjectsInformed != "" {
		add("breach", "incev.subjects_"+after.SubjectsInformed)
	}
	if !slices.Equal(before.AssetIDs, after.AssetIDs) || !slices.Equal(before.RiskIDs, after.RiskIDs) || !ptrEq(before.SupplierID, after.SupplierID) || !slices.Equal(before.UnitIDs, after.UnitIDs) {
		add("link", "incev.links")
	}
	return out
}

func momentArg(t *time.Time) EventArg {
	if t == nil {
		return EventArg{}
	}
	return ArgAt(*t)
}

// ArgAt is a moment argument, rendered in Swedish time.
func ArgAt(t time.Time) EventArg {
	u := t.UTC()
	return EventArg{At: &u}
}

// ArgAspects is the aspects' names, listed with commas.
func ArgAspects(as []Aspect) EventArg {
	keys := make([]string, len(as))
	for i, a := range as {
		keys[i] = "aspect." + string(a)
	}
	return EventArg{Keys: keys}
}

// EventArg is one argument of a timeline event's text: a text-catalog key, a list of keys,
// a moment or the user's own words — so that the reader's language renders keys and moments
// and nobody's words are taken for a key.
type EventArg struct {
	Key  string     `json:"key,omitempty"`
	Keys []string   `json:"keys,omitempty"` // listed with commas
	At   *time.Time `json:"at,omitempty"`
	Text string     `json:"text,omitempty"`
}

// ArgKey is a text-catalog key argument.
func ArgKey(k string) EventArg { return EventArg{Key: k} }

// ArgKeyOr is prefix+v as a key, or no value when v is empty.
func ArgKeyOr(prefix, v string) EventArg {
	if v == "" {
		return EventArg{}
	}
	return EventArg{Key: prefix + v}
}

// ArgText is a literal argument: someone's words, a name, a reference number.
func ArgText(s string) EventArg { return EventArg{Text: s} }

// EventArgs encodes an event's arguments for IncidentEvent.Args ("" for none).
func EventArgs(args ...EventArg) string {
	if len(args) == 0 {
		return ""
	}
	b, _ := json.Marshal(args)
	return string(b)
}

// ReportEvent is the timeline's entry for a report made.
func ReportEvent(rep IncidentReport) IncidentEvent {
	return IncidentEvent{At: rep.SentAt, Type: "report", Key: "incev.report",
		Args: EventArgs(ArgKey("clock."+string(rep.Kind)), ArgText(rep.Recipient), ArgText(rep.Reference))}
}

func ptrEq[T comparable](a, b *T) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}

func timeEq(a, b *time.Time) bool {
	return (a == nil) == (b == nil) && (a == nil || a.Equal(*b))
}

// OpenClocks are the incident's open deadlines (for the register's filter and the
// dashboard): each clock that has a due moment and no report.
func (inc Incident) OpenClocks() []Clock {
	var out []Clock
	for _, c := range inc.Clocks {
		if c.DueAt != nil && c.DoneAt == nil && c.State != ClockNotRequired {
			out = append(out, c)
		}
	}
	return out
}

// RecipientSetting is who receives one kind of report, and through which channel.
type RecipientSetting struct {
	Recipient string
	Channel   string
}

// DefaultRecipients are the recipients a municipality starts with. They are configuration,
// not code: the coordinator changes them on the incident settings page when an authority's
// role moves (the national CSIRT function has moved between agencies before).
func DefaultRecipients() map[ClockKind]RecipientSetting {
	nis2 := RecipientSetting{Recipient: "Myndigheten för civilt försvar (MCF), nationell CSIRT-funktion", Channel: "MCF:s e-tjänst för incidentrapportering"}
	return map[ClockKind]RecipientSetting{
		ClockGDPR:             {Recipient: "Integritetsskyddsmyndigheten (IMY)", Channel: "IMY:s e-tjänst för anmälan av personuppgiftsincident"},
		ClockNIS2EarlyWarning: nis2, ClockNIS2Notification: nis2, ClockNIS2Intermediate: nis2, ClockNIS2Progress: nis2, ClockNIS2Final: nis2,
		ReportSAPO: {Recipient: "Säkerhetspolisen", Channel: "enligt Säkerhetspolisens anvisningar för säkerhetsskyddsincidenter"},
	}
}
