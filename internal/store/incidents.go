package store

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/lisa-isms/lisa/internal/audit"
	"github.com/lisa-isms/lisa/internal/domain"
)

// The incident register (issue 10): incidents with their affected units, linked assets and
// risks, reports, timeline and the clocks as last computed.

// incidentColumns are the incident's own columns, in the order incidentValues gives them.
var incidentColumns = []string{"description", "discovered_at", "discovered_month", "personal_data", "supplier_id", "category", "severity",
	"aspects", "started_at", "ended_at", "supplier_aware_at", "handling_ended_at", "personal_data_breach", "aware_at",
	"no_notification", "no_notification_reason", "subjects_informed", "subjects_informed_at", "subjects_not_informed_reason",
	"data_subject_categories", "data_subjects_approx", "records_approx", "personal_data_categories", "consequences",
	"measures_taken", "measures_planned", "significant", "significant_at", "significant_by", "intermediate_due_at",
	"security_protection", "root_cause", "lessons_learned"}

func incidentValues(i *domain.Incident) []any {
	return []any{i.Description, i.DiscoveredAt.UTC(), i.DiscoveredAt.In(domain.Sweden).Format("2006-01"), i.PersonalData, i.SupplierID, i.Category, i.Severity,
		i.AspectsRaw, i.StartedAt, i.EndedAt, i.SupplierAwareAt, i.HandlingEndedAt, i.PersonalDataBreach, i.AwareAt,
		i.NoNotification, i.NoNotificationReason, i.SubjectsInformed, i.SubjectsInformedAt, i.SubjectsNotInformedWhy,
		i.DataSubjectCategories, i.DataSubjectsApprox, i.RecordsApprox, i.PersonalDataCategories, i.Consequences,
		i.MeasuresTaken, i.MeasuresPlanned, i.Significant, i.SignificantAt, i.SignificantBy, i.IntermediateDueAt,
		i.SecurityProtection, i.RootCause, i.LessonsLearned}
}

var incidentSelect = `SELECT ` + recordColumns + `, ` + prefixed("k.", slices.DeleteFunc(slices.Clone(incidentColumns), func(c string) bool { return c == "discovered_month" })) +
	` FROM records r JOIN incidents k ON k.record_id = r.id`

// bareIncidentSelect is the register's share of an incident: the record core and what a row
// of the register shows (IncidentFilter.Bare), not the long texts of the assessment.
var bareIncidentSelect = `SELECT ` + recordColumns + `, k.discovered_at, k.supplier_id, k.category, k.severity, k.personal_data_breach, k.significant,
	k.security_protection FROM records r JOIN incidents k ON k.record_id = r.id`

func prefixed(p string, cols []string) string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = p + c
	}
	return strings.Join(out, ", ")
}

// IncidentFilter narrows the incident register and names its page (newest first).
type IncidentFilter struct {
	Status     string
	Severity   string
	Category   string
	UnitID     int64 // the incident's own unit or one it affects
	SupplierID int64
	LinkedID   int64 // an asset or risk the incident is linked to
	// Bare reads what a row of the register shows (the record core, discovery, supplier,
	// category, severity, the flags and the clocks), not the assessment's texts or the links.
	Bare bool
	// Clock: "open" (a report is due), "overdue" (a deadline passed without a report),
	// "soon" (due within its warning window), "any" (the incident has legal clocks).
	Clock string
	Query string
	After *domain.Cursor
	Limit int
}

// IncidentClockFilters are the values of IncidentFilter.Clock.
var IncidentClockFilters = []string{"open", "soon", "overdue", "any"}

// ListIncidents returns one page of mun's incidents that v lets through, newest first, with
// their clocks (computed at the store's now).
func (s *Store) ListIncidents(ctx context.Context, mun int64, v domain.Visibility, f IncidentFilter) ([]domain.Incident, error) {
	now := s.now()
	q, args := incidentsQuery(mun, v, f, now)
	query, a, err := s.in(q, args...)
	if err != nil {
		return nil, err
	}
	out := rowsFor[domain.Incident](f.Limit)
	if err := s.db(ctx).SelectContext(ctx, &out, query, a...); err != nil {
		return nil, fmt.Errorf("list incidents: %w", err)
	}
	if err := s.loadIncidentClocks(ctx, out, now); err != nil {
		return nil, err
	}
	if !f.Bare {
		if err := s.loadIncidentLinks(ctx, out); err != nil {
			return nil, err
		}
	}
	for i := range out {
		finishIncident(&out[i])
	}
	return out, nil
}

// incidentsQuery is the register's statement (with ? and IN (?) placeholders) and its
// arguments; the clock filters are at now.
func incidentsQuery(mun int64, v domain.Visibility, f IncidentFilter, now time.Time) (string, []any) {
	l := RecordList{Query: f.Query, After: f.After, Limit: f.Limit, Newest: true}
	if f.Status != "" {
		// A status few incidents are in is read newest first from the partial index
		// records_incident_status instead of walking the register. SQLite matches the bound
		// kind against the index's condition; the kind written out lets PostgreSQL's generic
		// plan of the prepared statement use it too.
		l.Where("r.status = ? AND r.kind = '"+string(domain.KindIncident)+"'", f.Status)
	}
	if f.Severity != "" {
		l.Where("k.severity = ?", f.Severity)
	}
	if f.Category != "" {
		l.Where("k.category = ?", f.Category)
	}
	if f.SupplierID != 0 {
		l.Where("k.supplier_id = ?", f.SupplierID)
	}
	if f.LinkedID != 0 { // an asset's or a risk's incidents, by record_links_linked, not a walk of the register
		l.Where("r.id IN (SELECT x.record_id FROM record_links x WHERE x.linked_record_id = ?)", f.LinkedID)
	}
	// A unit's incidents and the clock filters are sought where they are (the unit's records by
	// records_kind and the units it affects; the open clocks by incident_clocks_open) and then
	// ordered: walking the register newest first and testing each incident, a filter that
	// matches few of 100,000 incidents read them all.
	if f.UnitID != 0 {
		l.Where(`r.id IN (SELECT x.id FROM records x WHERE x.municipality_id = ? AND x.kind = ? AND x.org_unit_id = ?
			UNION ALL SELECT iu.record_id FROM incident_units iu WHERE iu.org_unit_id = ?)`, mun, domain.KindIncident, f.UnitID, f.UnitID)
	}
	openClocks := "r.id IN (SELECT c.incident_id FROM incident_clocks c WHERE c.municipality_id = ? AND c.open = ?"
	switch f.Clock {
	case "open":
		l.Where(openClocks+")", mun, true)
	case "overdue":
		l.Where(openClocks+" AND c.due_at < ?)", mun, true, now)
	case "soon":
		l.Where(openClocks+" AND c.due_at >= ? AND c.remind_at <= ?)", mun, true, now, now)
	case "any": // one incident in ten has legal clocks: the walk finds a page soon
		l.Where("EXISTS (SELECT 1 FROM incident_clocks c WHERE c.incident_id = r.id)")
	}
	sel := incidentSelect
	if f.Bare {
		sel = bareIncidentSelect
	}
	return l.statement(sel, mun, domain.KindIncident, v)
}

func finishIncident(inc *domain.Incident) {
	inc.ReportedBy = inc.CreatedBy
	inc.Aspects = domain.SplitAspects(inc.AspectsRaw)
	for _, ids := range []*[]int64{&inc.AssetIDs, &inc.UnitIDs, &inc.RiskIDs} {
		if *ids == nil {
			*ids = []int64{}
		}
	}
	if inc.Reports == nil {
		inc.Reports = []domain.IncidentReport{}
	}
	if inc.Timeline == nil {
		inc.Timeline = []domain.IncidentEvent{}
	}
	if inc.Clocks == nil {
		inc.Clocks = []domain.Clock{}
	}
}

// incidentIDs are the ids of incs and each one's place among them.
func incidentIDs(incs []domain.Incident) ([]int64, map[int64]int) {
	ids := make([]int64, len(incs))
	pos := make(map[int64]int, len(incs))
	for i, x := range incs {
		ids[i], pos[x.ID] = x.ID, i
	}
	return ids, pos
}

// loadIncidentClocks sets the clocks of a page of incidents from their stored rows (one
// statement), their states at now.
func (s *Store) loadIncidentClocks(ctx context.Context, incs []domain.Incident, now time.Time) error {
	if len(incs) == 0 {
		return nil
	}
	ids, pos := incidentIDs(incs)
	q, a, err := s.in(`SELECT incident_id, kind, due_at, done_at, not_required FROM incident_clocks WHERE incident_id IN (?) ORDER BY incident_id, due_at`, ids)
	if err != nil {
		return err
	}
	var rows []clockRow
	if err := s.db(ctx).SelectContext(ctx, &rows, q, a...); err != nil {
		return fmt.Errorf("incident clocks: %w", err)
	}
	for _, r := range rows {
		inc := &incs[pos[r.IncidentID]]
		inc.Clocks = append(inc.Clocks, r.clock(now))
	}
	for i := range incs { // in the law's order, as one incident's page shows them
		slices.SortStableFunc(incs[i].Clocks, func(a, b domain.Clock) int {
			return slices.Index(domain.ReportKinds, a.Kind) - slices.Index(domain.ReportKinds, b.Kind)
		})
	}
	return nil
}

// loadIncidentLinks fills the systems, risks and affected units of incs, in two statements.
func (s *Store) loadIncidentLinks(ctx context.Context, incs []domain.Incident) error {
	if len(incs) == 0 {
		return nil
	}
	ids, pos := incidentIDs(incs)
	var links []struct {
		IncidentID int64  `db:"incident_id"`
		ID         int64  `db:"id"`
		Kind       string `db:"kind"`
	}
	q, a, err := s.in(`SELECT l.record_id AS incident_id, l.linked_record_id AS id, t.kind FROM record_links l JOIN records t ON t.id = l.linked_record_id
		WHERE l.record_id IN (?) ORDER BY l.record_id, l.linked_record_id`, ids)
	if err != nil {
		return err
	}
	if err := s.db(ctx).SelectContext(ctx, &links, q, a...); err != nil {
		return fmt.Errorf("incident links: %w", err)
	}
	for _, l := range links {
		inc := &incs[pos[l.IncidentID]]
		switch domain.Kind(l.Kind) {
		case domain.RiskAssetKind:
			inc.AssetIDs = append(inc.AssetIDs, l.ID)
		case domain.KindRisk:
			inc.RiskIDs = append(inc.RiskIDs, l.ID)
		}
	}
	var units []struct {
		IncidentID int64 `db:"record_id"`
		UnitID     int64 `db:"org_unit_id"`
	}
	if q, a, err = s.in(`SELECT record_id, org_unit_id FROM incident_units WHERE record_id IN (?) ORDER BY record_id, org_unit_id`, ids); err != nil {
		return err
	}
	if err := s.db(ctx).SelectContext(ctx, &units, q, a...); err != nil {
		return fmt.Errorf("incident units: %w", err)
	}
	for _, u := range units {
		inc := &incs[pos[u.IncidentID]]
		inc.UnitIDs = append(inc.UnitIDs, u.UnitID)
	}
	return nil
}

type clockRow struct {
	IncidentID  int64      `db:"incident_id"`
	Kind        string     `db:"kind"`
	DueAt       *time.Time `db:"due_at"`
	DoneAt      *time.Time `db:"done_at"`
	NotRequired bool       `db:"not_required"`
}

func (r clockRow) clock(now time.Time) domain.Clock {
	c := domain.Clock{Kind: domain.ClockKind(r.Kind), DueAt: r.DueAt, DoneAt: r.DoneAt}
	if r.NotRequired {
		c.State = domain.ClockNotRequired
	} else {
		c.State = domain.ClockStateAt(c, now)
	}
	return c
}

// GetIncident returns one incident of mun with its links, affected units, reports, timeline
// and clocks (computed at the store's now). Returns ENotFound.
func (s *Store) GetIncident(ctx context.Context, mun, id int64) (domain.Incident, error) {
	var inc domain.Incident
	g := s.db(ctx)
	if err := g.GetContext(ctx, &inc, s.rebind(incidentSelect+` WHERE r.municipality_id = ? AND r.kind = ? AND r.id = ?`), mun, domain.KindIncident, id); err != nil {
		return inc, notFound(err, "get incident")
	}
	one := []domain.Incident{inc}
	if err := s.loadIncidentLinks(ctx, one); err != nil {
		return inc, err
	}
	inc = one[0]
	if err := g.SelectContext(ctx, &inc.Reports, s.rebind(`SELECT id, incident_id, kind, sent_at, recipient, channel, reference, late_reason, recorded_by, recorded_by_name, created_at
		FROM incident_reports WHERE incident_id = ? ORDER BY sent_at, id`), id); err != nil {
		return inc, fmt.Errorf("incident reports: %w", err)
	}
	if err := g.SelectContext(ctx, &inc.Timeline, s.rebind(`SELECT id, incident_id, at, type, text, event_key, args, actor_id, actor_name, recorded_at
		FROM incident_events WHERE incident_id = ? ORDER BY at, id`), id); err != nil {
		return inc, fmt.Errorf("incident timeline: %w", err)
	}
	inc.Aspects = domain.SplitAspects(inc.AspectsRaw)
	inc.Clocks = domain.Clocks(inc.ClockFacts(), s.now())
	finishIncident(&inc)
	return inc, nil
}

// CreateIncident stores a new incident, its links, its timeline's first entries and its
// clocks, with its audit entry.
func (s *Store) CreateIncident(ctx context.Context, a Actor, inc *domain.Incident, events []domain.IncidentEvent) error {
	return s.saveRecord(ctx, a, &inc.Record, audit.ActionCreate, nil, auditedIncident{inc}, func(ctx context.Context, tx *sqlx.Tx) error {
		cols := append([]string{"record_id", "municipality_id"}, incidentColumns...)
		vals := append([]any{inc.ID, inc.MunicipalityID}, incidentValues(inc)...)
		if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO incidents (`+strings.Join(cols, ", ")+`) VALUES (?`+strings.Repeat(", ?", len(cols)-1)+`)`), vals...); err != nil {
			return fmt.Errorf("insert incident: %w", err)
		}
		if err := s.incidentRows(ctx, tx, a, inc, events); err != nil {
			return err
		}
		finishIncident(inc) // as GetIncident gives it
		return nil
	})
}

// UpdateIncident changes incident id of mun: mutate gets it (with its reports, links and
// timeline) inside the transaction, checks permission, applies the change and returns the
// timeline events it makes; the clocks are recomputed. Returns ENotFound and what mutate
// returns.
func (s *Store) UpdateIncident(ctx context.Context, a Actor, mun, id int64, mutate func(context.Context, *domain.Incident) ([]domain.IncidentEvent, error)) (domain.Incident, error) {
	var inc domain.Incident
	err := s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		before, err := s.GetIncident(ctx, mun, id)
		if err != nil {
			return err
		}
		inc = before
		inc.AssetIDs, inc.UnitIDs, inc.RiskIDs = slices.Clone(before.AssetIDs), slices.Clone(before.UnitIDs), slices.Clone(before.RiskIDs)
		inc.Aspects = slices.Clone(before.Aspects)
		events, err := mutate(ctx, &inc)
		if err != nil {
			return err
		}
		b, af := auditIncident(before), auditIncident(inc)
		return s.saveRecord(ctx, a, &inc.Record, audit.ActionUpdate, b, af, func(ctx context.Context, tx *sqlx.Tx) error {
			sets := make([]string, len(incidentColumns))
			for i, c := range incidentColumns {
				sets[i] = c + " = ?"
			}
			vals := append(incidentValues(&inc), inc.ID)
			if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE incidents SET `+strings.Join(sets, ", ")+` WHERE record_id = ?`), vals...); err != nil {
				return fmt.Errorf("update incident: %w", err)
			}
			return s.incidentRows(ctx, tx, a, &inc, events)
		})
	})
	if err != nil {
		return inc, err
	}
	return s.GetIncident(ctx, mun, id)
}

// auditIncident is what the audit trail keeps of an incident: its fields without the
// timeline (whose entries are events of their own) and the clocks (which follow from the
// moments recorded).
func auditIncident(inc domain.Incident) domain.Incident {
	inc.Timeline, inc.Clocks = nil, nil
	return inc
}

// auditedIncident is a new incident's audit entry: auditIncident of it as it stands when the
// entry is written, at the end of the transaction (its id known, its rows written).
type auditedIncident struct{ inc *domain.Incident }

func (x auditedIncident) MarshalJSON() ([]byte, error) { return json.Marshal(auditIncident(*x.inc)) }

// incidentRows writes an incident's affected units, links and the timeline events, and
// recomputes its clocks.
func (s *Store) incidentRows(ctx context.Context, tx *sqlx.Tx, a Actor, inc *domain.Incident, events []domain.IncidentEvent) error {
	if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM incident_units WHERE record_id = ?`), inc.ID); err != nil {
		return fmt.Errorf("incident units: %w", err)
	}
	for _, u := range inc.UnitIDs {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO incident_units (record_id, org_unit_id) VALUES (?, ?)`), inc.ID, u); err != nil {
			return fmt.Errorf("incident units: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM record_links WHERE record_id = ?`), inc.ID); err != nil {
		return fmt.Errorf("incident links: %w", err)
	}
	for _, l := range slices.Concat(inc.AssetIDs, inc.RiskIDs) {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO record_links (record_id, linked_record_id) VALUES (?, ?)`), inc.ID, l); err != nil {
			return fmt.Errorf("incident links: %w", err)
		}
	}
	for _, ev := range events {
		if err := s.insertIncidentEvent(ctx, tx, a, inc.ID, &ev); err != nil {
			return err
		}
		inc.Timeline = append(inc.Timeline, ev) // the new entries, as a read would give them
	}
	slices.SortStableFunc(inc.Timeline, func(x, y domain.IncidentEvent) int {
		return cmp.Or(x.At.Compare(y.At), cmp.Compare(x.ID, y.ID))
	})
	return s.syncClocks(ctx, tx, inc)
}

// insertIncidentEvent appends ev to incident's timeline and completes ev as stored: its id,
// time (now when zero), actor and when it was recorded.
func (s *Store) insertIncidentEvent(ctx context.Context, tx *sqlx.Tx, a Actor, incident int64, ev *domain.IncidentEvent) error {
	now := s.now()
	if ev.At.IsZero() {
		ev.At = now
	}
	ev.IncidentID, ev.At, ev.ActorID, ev.ActorName, ev.RecordedAt = incident, ev.At.UTC(), a.ID, a.Name, now
	err := tx.GetContext(ctx, &ev.ID, tx.Rebind(`INSERT INTO incident_events (incident_id, at, type, text, event_key, args, actor_id, actor_name, recorded_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`), incident, ev.At, ev.Type, ev.Text, ev.Key, ev.Args, a.ID, a.Name, now)
	if err != nil {
		return fmt.Errorf("incident event: %w", err)
	}
	return nil
}

// syncClocks stores inc's clocks as computed now, keeping the reminders already sent of a
// clock whose deadline did not move.
func (s *Store) syncClocks(ctx context.Context, tx *sqlx.Tx, inc *domain.Incident) error {
	now := s.now()
	inc.Clocks = domain.Clocks(inc.ClockFacts(), now)
	var old []struct {
		Kind  string     `db:"kind"`
		DueAt *time.Time `db:"due_at"`
		Stage int        `db:"stage"`
	}
	if err := tx.SelectContext(ctx, &old, tx.Rebind(`SELECT kind, due_at, stage FROM incident_clocks WHERE incident_id = ?`), inc.ID); err != nil {
		return fmt.Errorf("incident clocks: %w", err)
	}
	stage := map[string]int{}
	for _, o := range old {
		for _, c := range inc.Clocks {
			if string(c.Kind) == o.Kind && o.DueAt != nil && c.DueAt != nil && o.DueAt.Equal(*c.DueAt) {
				stage[o.Kind] = o.Stage
			}
		}
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM incident_clocks WHERE incident_id = ?`), inc.ID); err != nil {
		return fmt.Errorf("incident clocks: %w", err)
	}
	for _, c := range inc.Clocks {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO incident_clocks (`+strings.Join(clockColumns, ", ")+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`), clockValues(inc, c, stage[string(c.Kind)])...); err != nil {
			return fmt.Errorf("incident clocks: %w", err)
		}
	}
	return nil
}

// clockColumns are the columns of incident_clocks, in the order clockValues gives them.
var clockColumns = []string{"incident_id", "municipality_id", "kind", "due_at", "done_at", "not_required", "open", "remind_at", "stage"}

// clockValues is how clock c of inc is stored after stage reminders: open while a report is
// due and not made (and not decided against), with the moment of its next reminder.
func clockValues(inc *domain.Incident, c domain.Clock, stage int) []any {
	open := c.DueAt != nil && c.DoneAt == nil && c.State != domain.ClockNotRequired
	var remindAt *time.Time
	if open {
		remindAt = clockRemindAt(c, stage)
	}
	return []any{inc.ID, inc.MunicipalityID, string(c.Kind), utcPtr(c.DueAt), utcPtr(c.DoneAt), c.State == domain.ClockNotRequired, open, remindAt, stage}
}

// IncidentClocks writes the clocks of loaded incidents (each incident's Clocks, as
// domain.Clocks computed them) the way the store keeps them, no reminder sent yet.
func (l *Loader) IncidentClocks(incs []domain.Incident) error {
	var rows [][]any
	for i := range incs {
		for _, c := range incs[i].Clocks {
			rows = append(rows, clockValues(&incs[i], c, 0))
		}
	}
	return l.Insert("incident_clocks", clockColumns, rows)
}

// clockRemindAt is when the reminder after stage reminders is due: the start of the warning
// window, then the deadline itself; none after that.
func clockRemindAt(c domain.Clock, stage int) *time.Time {
	var t time.Time
	switch stage {
	case 0:
		t = c.DueAt.Add(-domain.SoonWithin(c.Kind))
	case 1:
		t = *c.DueAt
	default:
		return nil
	}
	t = t.UTC()
	return &t
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// AddIncidentReport records a report of incident id of mun: build gets the incident inside
// the transaction, checks permission and returns the report; its clock is done, the timeline
// and the audit trail say so. Returns ENotFound and what build returns.
func (s *Store) AddIncidentReport(ctx context.Context, a Actor, mun, id int64, build func(context.Context, domain.Incident) (domain.IncidentReport, error)) (domain.IncidentReport, error) {
	var rep domain.IncidentReport
	err := s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		inc, err := s.GetIncident(ctx, mun, id)
		if err != nil {
			return err
		}
		if rep, err = build(ctx, inc); err != nil {
			return err
		}
		rep.IncidentID, rep.RecordedBy, rep.RecordedByName, rep.CreatedAt = id, a.ID, a.Name, s.now()
		rep.SentAt = rep.SentAt.UTC()
		err = tx.GetContext(ctx, &rep.ID, tx.Rebind(`INSERT INTO incident_reports (incident_id, kind, sent_at, recipient, channel, reference, late_reason, recorded_by, recorded_by_name, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`), id, string(rep.Kind), rep.SentAt, rep.Recipient, rep.Channel, rep.Reference, rep.LateReason, rep.RecordedBy, rep.RecordedByName, rep.CreatedAt)
		if s.isUniqueViolation(err) {
			return &domain.Error{Code: domain.EConflict, Message: "err.report_recorded", Fields: map[string]string{"kind": "err.report_recorded"}}
		}
		if err != nil {
			return fmt.Errorf("insert report: %w", err)
		}
		ev := domain.ReportEvent(rep)
		if err := s.insertIncidentEvent(ctx, tx, a, id, &ev); err != nil {
			return err
		}
		inc.Reports = append(inc.Reports, rep)
		if err := s.syncClocks(ctx, tx, &inc); err != nil {
			return err
		}
		m, rid := mun, id
		return s.appendAudit(ctx, tx, a, Change{MunicipalityID: &m, Kind: string(domain.KindIncident), RecordID: &rid, Action: audit.ActionIncidentReport, After: rep})
	})
	return rep, err
}

// AddIncidentNote adds a note to incident id's timeline: check gets the incident inside the
// transaction, checks permission and returns the event. Returns ENotFound and what check
// returns.
func (s *Store) AddIncidentNote(ctx context.Context, a Actor, mun, id int64, check func(context.Context, domain.Incident) (domain.IncidentEvent, error)) (domain.IncidentEvent, error) {
	var ev domain.IncidentEvent
	err := s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		inc, err := s.GetIncident(ctx, mun, id)
		if err != nil {
			return err
		}
		if ev, err = check(ctx, inc); err != nil {
			return err
		}
		if err := s.insertIncidentEvent(ctx, tx, a, id, &ev); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE records SET updated_at = ? WHERE id = ?`), s.now(), id); err != nil {
			return fmt.Errorf("touch incident: %w", err)
		}
		m, rid := mun, id
		return s.appendAudit(ctx, tx, a, Change{MunicipalityID: &m, Kind: string(domain.KindIncident), RecordID: &rid, Action: audit.ActionIncidentNote, After: ev})
	})
	return ev, err
}

// roleHoldersSQL reads the enabled holders of a role in a municipality (but one), by the
// role_assignments_role index.
const roleHoldersSQL = `SELECT a.user_id FROM role_assignments a JOIN users u ON u.id = a.user_id
	WHERE a.municipality_id = ? AND a.role = ? AND u.disabled = ? AND a.user_id <> ? ORDER BY a.user_id`

// NotifyRole notifies in the app everyone holding role in mun (but except, who caused it)
// of record: the notification's text is the catalog key "notify."+kind with args.
func (s *Store) NotifyRole(ctx context.Context, mun int64, role domain.Role, record int64, kind string, args []string, except int64) error {
	return s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		var users []int64
		if err := tx.SelectContext(ctx, &users, tx.Rebind(roleHoldersSQL), mun, role, false, except); err != nil {
			return fmt.Errorf("notify %s: %w", role, err)
		}
		return s.insertNotifications(ctx, tx, users, mun, &record, kind, args, nil, s.now())
	})
}

// OpenClock is one deadline on the dashboard: an incident's report due and not made.
type OpenClock struct {
	IncidentID int64      `db:"incident_id" json:"incident_id"`
	Title      string     `db:"title" json:"title"`
	Kind       string     `db:"kind" json:"kind"`
	DueAt      time.Time  `db:"due_at" json:"due_at"`
	State      string     `db:"-" json:"state"`
	OwnerID    *int64     `db:"owner_id" json:"owner_id"`
	RemindAt   *time.Time `db:"remind_at" json:"-"`
}

// OpenClocks returns the first limit deadlines of mun's incidents that v lets through, the
// nearest first, with their states at now.
func (s *Store) OpenClocks(ctx context.Context, mun int64, v domain.Visibility, limit int) ([]OpenClock, error) {
	args := []any{mun, true}
	q := `SELECT c.incident_id, r.title, c.kind, c.due_at, r.owner_id, c.remind_at FROM incident_clocks c JOIN records r ON r.id = c.incident_id
		WHERE c.municipality_id = ? AND c.open = ? AND ` + visibilitySQL(v, &args) + fmt.Sprintf(` ORDER BY c.due_at, c.incident_id LIMIT %d`, limit)
	query, a, err := s.in(q, args...)
	if err != nil {
		return nil, err
	}
	out := []OpenClock{}
	if err := s.db(ctx).SelectContext(ctx, &out, query, a...); err != nil {
		return nil, fmt.Errorf("open clocks: %w", err)
	}
	now := s.now()
	for i := range out {
		d := out[i].DueAt
		out[i].State = string(domain.ClockStateAt(domain.Clock{Kind: domain.ClockKind(out[i].Kind), DueAt: &d}, now))
	}
	return out, nil
}

// IncidentCount is one row of the register's statistics.
type IncidentCount struct {
	Key  string `db:"k" json:"key"`
	Name string `db:"-" json:"name"`
	N    int    `db:"n" json:"count"`
}

// IncidentStatsBy names what the statistics count by.
var IncidentStatsBy = []string{"month", "category", "unit", "supplier", "severity"}

// IncidentStats counts mun's incidents that v lets through by month (of discovery, in
// Swedish time; the last months months), category, unit, supplier or severity.
func (s *Store) IncidentStats(ctx context.Context, mun int64, v domain.Visibility, by string, months int) ([]IncidentCount, error) {
	q, args, err := incidentStatsQuery(mun, v, by, months, s.now())
	if err != nil {
		return nil, err
	}
	query, a, err := s.in(q, args...)
	if err != nil {
		return nil, err
	}
	out := []IncidentCount{}
	if err := s.db(ctx).SelectContext(ctx, &out, query, a...); err != nil {
		return nil, fmt.Errorf("incident statistics: %w", err)
	}
	return out, nil
}

// incidentStatsQuery is IncidentStats' statement and its arguments. Returns EInvalid for an
// unknown by.
func incidentStatsQuery(mun int64, v domain.Visibility, by string, months int, now time.Time) (string, []any, error) {
	col := map[string]string{"month": "k.discovered_month", "category": "k.category", "unit": "r.org_unit_id",
		"supplier": "k.supplier_id", "severity": "k.severity"}[by]
	if col == "" {
		return "", nil, &domain.Error{Code: domain.EInvalid, Message: "err.invalid", Fields: map[string]string{"by": "err.enum"}}
	}
	args := []any{mun, domain.KindIncident}
	cond := ""
	if by == "month" {
		from := domain.AddLegalMonths(now, -(months - 1)).In(domain.Sweden).Format("2006-01")
		cond = ` AND k.discovered_month >= ?`
		args = append(args, from)
	}
	q := `SELECT ` + `COALESCE(CAST(` + col + ` AS TEXT), '') AS k, COUNT(*) AS n FROM records r JOIN incidents k ON k.record_id = r.id
		WHERE r.municipality_id = ? AND r.kind = ?` + cond + ` AND ` + visibilitySQL(v, &args) + ` GROUP BY ` + col + ` ORDER BY ` + col
	// One who sees every incident counts from an index alone (incidents_category, …, or the
	// records' records_kind for the units), without reading 100,000 rows of two tables.
	switch {
	case v.All && by == "unit":
		q, args = `SELECT CAST(r.org_unit_id AS TEXT) AS k, COUNT(*) AS n FROM records r WHERE r.municipality_id = ? AND r.kind = ?
			GROUP BY r.org_unit_id ORDER BY r.org_unit_id`, []any{mun, domain.KindIncident}
	case v.All:
		q = `SELECT COALESCE(CAST(` + col + ` AS TEXT), '') AS k, COUNT(*) AS n FROM incidents k WHERE k.municipality_id = ?` + cond +
			` GROUP BY ` + col + ` ORDER BY ` + col
		args = slices.Delete(args, 1, 2) // no kind: every row of incidents is one
	}
	return q, args, nil
}

// Recipient is who receives one kind of report, and how.
type Recipient struct {
	Kind      string `db:"kind" json:"kind"`
	Recipient string `db:"recipient" json:"recipient"`
	Channel   string `db:"channel" json:"channel"`
}

// Recipients returns mun's configured recipients by report kind (the defaults where none is
// set).
func (s *Store) Recipients(ctx context.Context, mun int64) (map[domain.ClockKind]Recipient, error) {
	out := map[domain.ClockKind]Recipient{}
	for k, r := range domain.DefaultRecipients() {
		out[k] = Recipient{Kind: string(k), Recipient: r.Recipient, Channel: r.Channel}
	}
	var rows []Recipient
	if err := s.db(ctx).SelectContext(ctx, &rows, s.rebind(`SELECT kind, recipient, channel FROM incident_recipients WHERE municipality_id = ?`), mun); err != nil {
		return nil, fmt.Errorf("recipients: %w", err)
	}
	for _, r := range rows {
		out[domain.ClockKind(r.Kind)] = r
	}
	return out, nil
}

// SetRecipients replaces mun's recipients, with the audit entry.
func (s *Store) SetRecipients(ctx context.Context, a Actor, mun int64, rs []Recipient) error {
	return s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		before, err := s.Recipients(ctx, mun)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM incident_recipients WHERE municipality_id = ?`), mun); err != nil {
			return fmt.Errorf("recipients: %w", err)
		}
		for _, r := range rs {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO incident_recipients (municipality_id, kind, recipient, channel) VALUES (?, ?, ?, ?)`), mun, r.Kind, r.Recipient, r.Channel); err != nil {
				return fmt.Errorf("recipients: %w", err)
			}
		}
		m := mun
		return s.appendAudit(ctx, tx, a, Change{MunicipalityID: &m, Kind: "incident_recipients", Action: audit.ActionUpdate, Before: before, After: rs})
	})
}

// ClockReminder is one reminder of a legal clock that the scheduler sends: to the incident's
// handler and the municipality's coordinators.
type ClockReminder struct {
	MunicipalityID int64
	IncidentID     int64
	Title          string
	Kind           domain.ClockKind
	DueAt          time.Time
	Overdue        bool // the deadline passed (else: it is near)
	To             []domain.User
}

// RemindClocks sends, once each, the reminders of legal clocks that came due by now (at the
// start of a clock's warning window, and when it passes): it claims each clock's stage in
// the database, so that two schedulers remind once, and notifies the handler and the
// coordinators in the app, with a mail when render is given. At most limit clocks a call.
// Returns the reminders made.
func (s *Store) RemindClocks(ctx context.Context, now time.Time, limit int, render func(ClockReminder, domain.User) (subject, body string)) (int, error) {
	var due []struct {
		IncidentID int64     `db:"incident_id"`
		Mun        int64     `db:"municipality_id"`
		Kind       string    `db:"kind"`
		DueAt      time.Time `db:"due_at"`
		Stage      int       `db:"stage"`
		Title      string    `db:"title"`
		OwnerID    *int64    `db:"owner_id"`
	}
	if err := s.r.SelectContext(ctx, &due, s.rebind(fmt.Sprintf(`SELECT c.incident_id, c.municipality_id, c.kind, c.due_at, c.stage, r.title, r.owner_id
		FROM incident_clocks c JOIN records r ON r.id = c.incident_id WHERE c.remind_at <= ? AND c.open = ? ORDER BY c.remind_at LIMIT %d`, limit)), now.UTC(), true); err != nil {
		return 0, fmt.Errorf("clocks to remind: %w", err)
	}
	n := 0
	for _, d := range due {
		err := s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
			c := domain.Clock{Kind: domain.ClockKind(d.Kind), DueAt: &d.DueAt}
			next := clockRemindAt(c, d.Stage+1)
			res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE incident_clocks SET stage = ?, remind_at = ? WHERE incident_id = ? AND kind = ? AND stage = ? AND open = ?`),
				d.Stage+1, next, d.IncidentID, d.Kind, d.Stage, true)
			if err != nil {
				return fmt.Errorf("claim clock reminder: %w", err)
			}
			if k, _ := res.RowsAffected(); k != 1 {
				return nil // another scheduler did
			}
			overdue := !now.Before(d.DueAt)
			var to []domain.User
			if err := tx.SelectContext(ctx, &to, tx.Rebind(`SELECT u.id, u.username, u.name, u.email, u.is_admin, u.disabled, u.created_at FROM users u
				WHERE u.disabled = ? AND (u.id = ? OR u.id IN (SELECT a.user_id FROM role_assignments a WHERE a.municipality_id = ? AND a.role = ?))`),
				false, d.OwnerID, d.Mun, domain.RoleCoordinator); err != nil {
				return fmt.Errorf("clock reminder recipients: %w", err)
			}
			rem := ClockReminder{MunicipalityID: d.Mun, IncidentID: d.IncidentID, Title: d.Title, Kind: c.Kind, DueAt: d.DueAt, Overdue: overdue, To: to}
			kind := "clock_soon"
			if overdue {
				kind = "clock_overdue"
			}
			id := d.IncidentID
			for _, u := range to {
				if err := s.insertNotification(ctx, tx, u.ID, d.Mun, &id, kind, []string{d.Title, "clock." + d.Kind, d.DueAt.In(domain.Sweden).Format("2006-01-02 15:04")}, nil, now); err != nil {
					return err
				}
				if render != nil && u.Email != "" {
					subject, body := render(rem, u)
					if _, err := s.queueMail(ctx, tx, u, subject, body, now); err != nil {
						return err
					}
				}
			}
			n++
			return nil
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
