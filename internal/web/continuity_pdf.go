package web

import (
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/i18n"
	"github.com/lisa-isms/lisa/internal/pdfdoc"
)

// newPDF starts a printable document in tr's language: its title and subject, the moment it
// was made and page numbers in the running header and footer.
func newPDF(tr i18n.Translator, title, subject string, now time.Time) *pdfdoc.Document {
	return pdfdoc.New(pdfdoc.Options{Title: title, Subject: subject, Lang: tr.Lang, GeneratedAt: now,
		GeneratedLabel: tr.T("pdf.generated"), PageLabel: tr.T("pdf.page")})
}

// writePlansPDF writes plans as one PDF for reading when IT is down: for each plan its
// objectives, the reservrutiner, the recovery steps, the contact list and the dependencies
// (sections: each plan from a new page, under the document's title).
func writePlansPDF(w io.Writer, tr i18n.Translator, title string, plans []domain.ContinuityPlan, units, owners map[int64]string, now time.Time, sections bool) error {
	d := newPDF(tr, title, tr.T("kind.continuity_plan"), now)
	if sections && len(plans) == 0 {
		d.Note(tr.T("plan.none"))
	}
	for _, p := range plans {
		if sections {
			d.Section(p.Title)
		}
		writePlan(d, tr, p, units, owners)
	}
	_, err := d.WriteTo(w)
	return err
}

func hours(tr i18n.Translator, h int) string { return tr.T("plan.hours", h) }

func writePlan(d *pdfdoc.Document, tr i18n.Translator, p domain.ContinuityPlan, units, owners map[int64]string) {
	dash := func(s string) string {
		if strings.TrimSpace(s) == "" {
			return "–"
		}
		return s
	}
	date := func(x *domain.Date) string {
		if x == nil {
			return "–"
		}
		return x.String()
	}
	exercised := date(p.LastExercisedAt)
	if p.LastExercisedAt == nil {
		exercised = tr.T("plan.never_exercised")
	}
	d.KeyValues([]pdfdoc.KV{
		{Key: tr.T("field.process"), Value: p.Process},
		{Key: tr.T("field.org_unit_id"), Value: dash(units[p.OrgUnitID])},
		{Key: tr.T("field.owner_id"), Value: dash(ownerName(owners, p.OwnerID))},
		{Key: tr.T("field.status"), Value: tr.T("planstatus." + p.Status)},
		{Key: tr.T("field.mtpd_hours"), Value: hours(tr, p.MTPDHours)},
		{Key: tr.T("field.rto_hours"), Value: hours(tr, p.RTOHours)},
		{Key: tr.T("field.rpo_hours"), Value: hours(tr, p.RPOHours)},
		{Key: tr.T("field.min_service_level"), Value: dash(p.MinServiceLevel)},
		{Key: tr.T("field.last_exercised_at"), Value: exercised},
		{Key: tr.T("field.next_exercise_at"), Value: date(p.NextExerciseAt)},
		{Key: tr.T("field.next_review_at"), Value: date(p.NextReviewAt)},
	})
	for _, wn := range p.Warnings {
		d.Note(tr.T("plan.warning_availability", wn.Name, wn.Level, wn.MaxRTOHours, wn.RTOHours))
	}
	d.Heading(tr.T("plan.alternative_procedures"))
	if p.AlternativeProcedures == "" {
		d.Note(tr.T("plan.nothing_recorded"))
	} else {
		d.Paragraph(p.AlternativeProcedures)
	}
	d.Heading(tr.T("plan.recovery_steps"))
	if len(p.RecoverySteps) == 0 {
		d.Note(tr.T("plan.nothing_recorded"))
	} else {
		d.List(p.RecoverySteps, true)
	}
	d.Heading(tr.T("plan.contacts"))
	if len(p.Contacts) == 0 {
		d.Note(tr.T("plan.nothing_recorded"))
	} else {
		rows := make([][]string, len(p.Contacts))
		for i, c := range p.Contacts {
			rows[i] = []string{c.Name, c.Role, c.Phone, c.Email}
		}
		d.Table([]string{tr.T("contact.name"), tr.T("contact.role"), tr.T("contact.phone"), tr.T("contact.email")}, rows, []float64{3, 2.5, 2, 3})
	}
	d.Heading(tr.T("plan.dependencies"))
	if len(p.Dependencies) == 0 {
		d.Note(tr.T("plan.nothing_recorded"))
	} else {
		rows := make([][]string, len(p.Dependencies))
		for i, dep := range p.Dependencies {
			what := dep.Description
			if dep.Name != "" {
				what = dep.Name
			}
			level := ""
			if dep.Availability != nil {
				level = "T" + strconv.Itoa(*dep.Availability)
			}
			rows[i] = []string{tr.T("depkind." + string(dep.Kind)), what, level}
		}
		d.Table([]string{tr.T("plan.dep_kind"), tr.T("plan.dep_what"), tr.T("aspect.availability")}, rows, []float64{2, 6, 1.5})
	}
}

func ownerName(owners map[int64]string, id *int64) string {
	if id == nil {
		return ""
	}
	return owners[*id]
}
