package remind

import (
	"fmt"
	"strings"
	"sync"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/i18n"
	"github.com/lisa-isms/lisa/internal/store"
	"github.com/lisa-isms/lisa/ui"
)

// The words of the mails and of the calendar feed come from the translation files
// (ui/locales/*.txt, keys mail.* and ical.*; kind names from each kind's Label). Mail goes out
// in the background, where no request says which language a person reads, so every mail
// carries both: Swedish first, then English below a separator.

// mailLanguages are the parts of every mail, in order.
var mailLanguages = []string{"sv", "en"}

// defaultTexts is the catalog embedded in the binary, loaded once, for callers that pass none.
var defaultTexts = sync.OnceValues(func() (*i18n.Catalog, error) { return i18n.Load(ui.FS) })

// KindName is a record kind's name in lang ("sv" or "en"): the translation of the kind's
// Label. A kind that is not registered, or whose label has no translation, shows its raw name.
func KindName(texts *i18n.Catalog, k domain.Kind, lang string) string {
	s, ok := domain.SpecOf(k)
	if !ok || !(texts.Has(lang, s.Label) || texts.Has(i18n.Default, s.Label)) {
		return string(k)
	}
	return texts.T(lang, s.Label)
}

// RecordURL is the link to a record's page: baseURL + it.Path() (/m/{mun}/{section}/{key},
// the control id for a statement-of-applicability row). A kind without pages of its own, or a
// record addressed by a ref it lacks, links to /m/{mun}/records/{id}, which redirects to the
// record's page.
func RecordURL(baseURL string, it domain.DueItem) string {
	p := it.Path()
	if p == "" || strings.HasSuffix(p, "/") {
		p = fmt.Sprintf("/m/%d/records/%d", it.MunicipalityID, it.ID)
	}
	return strings.TrimRight(baseURL, "/") + p
}

// daysUntil is the number of days from today to d (negative when d has passed).
func daysUntil(d, today domain.Date) int {
	return int(d.Time().Sub(today.Time()).Hours() / 24)
}

// DueText says where a review date stands against today: "försenad sedan 3 dagar",
// "förfaller i dag", "förfaller om 5 dagar" (or the English).
func DueText(texts *i18n.Catalog, next, today domain.Date, lang string) string {
	n := daysUntil(next, today)
	switch {
	case n < 0:
		return texts.T(lang, "mail.due.overdue", plural(texts, lang, -n, "mail.days.one", "mail.days.many"))
	case n == 0:
		return texts.T(lang, "mail.due.today")
	}
	return texts.T(lang, "mail.due.in", plural(texts, lang, n, "mail.days.one", "mail.days.many"))
}

// plural is n formatted into the key one (n == 1) or many.
func plural(texts *i18n.Catalog, lang string, n int, one, many string) string {
	if n == 1 {
		return texts.T(lang, one, n)
	}
	return texts.T(lang, many, n)
}

const separator = "------------------------------------------------------------"

// writePart starts the part of a mail in the i-th of mailLanguages: after the first, a
// separator and the part's heading ("In English").
func writePart(b *strings.Builder, texts *i18n.Catalog, i int, lang string) {
	if i > 0 {
		b.WriteString("\n" + separator + "\n" + texts.T(lang, "mail.part_heading") + "\n\n")
	}
}

// Digest renders an owner's reminder mail about items on day today.
func Digest(texts *i18n.Catalog, user domain.User, items []domain.DueItem, today domain.Date, baseURL string) (subject, body string) {
	overdue := 0
	for _, it := range items {
		if it.NextReviewAt != nil && it.NextReviewAt.Before(today) {
			overdue++
		}
	}
	subjects := make([]string, len(mailLanguages))
	for i, lang := range mailLanguages {
		records := plural(texts, lang, len(items), "mail.digest.records.one", "mail.digest.records.many")
		if overdue > 0 {
			subjects[i] = texts.T(lang, "mail.digest.subject_overdue", records,
				plural(texts, lang, overdue, "mail.digest.overdue.one", "mail.digest.overdue.many"))
		} else {
			subjects[i] = texts.T(lang, "mail.digest.subject", records)
		}
	}
	subject = "Lisa: " + strings.Join(subjects, " / ")

	var b strings.Builder
	for i, lang := range mailLanguages {
		writePart(&b, texts, i, lang)
		b.WriteString(texts.T(lang, "mail.greeting", user.Name) + "\n\n")
		b.WriteString(texts.T(lang, "mail.digest.intro") + "\n\n")
		writeItems(&b, texts, items, today, baseURL, lang)
		b.WriteString(texts.T(lang, "mail.digest.action") + "\n\n")
		b.WriteString(texts.T(lang, "mail.digest.why") + "\n")
	}
	return subject, b.String()
}

func writeItems(b *strings.Builder, texts *i18n.Catalog, items []domain.DueItem, today domain.Date, baseURL, lang string) {
	for _, it := range items {
		fmt.Fprintf(b, "- %s: %s\n", KindName(texts, it.Kind, lang), it.Title)
		if it.OrgUnitName != "" {
			b.WriteString("  " + texts.T(lang, "mail.unit", it.OrgUnitName) + "\n")
		}
		if it.NextReviewAt != nil {
			b.WriteString("  " + texts.T(lang, "mail.review_by", it.NextReviewAt, DueText(texts, *it.NextReviewAt, today, lang)) + "\n")
		}
		fmt.Fprintf(b, "  %s\n\n", RecordURL(baseURL, it))
	}
}

// maxSummaryItems is how many records of each list a weekly summary names.
const maxSummaryItems = 25

// Summary renders a coordinator's weekly summary.
func Summary(texts *i18n.Catalog, ws store.WeeklySummary, baseURL string) (subject, body string) {
	subject = "Lisa: " + texts.T(mailLanguages[0], "mail.summary.subject",
		ws.Municipality.Name, ws.Week, len(ws.Overdue), domain.DueSoonDays, len(ws.DueSoon))
	for _, lang := range mailLanguages[1:] {
		subject += " / " + texts.T(lang, "mail.summary.subject_short")
	}
	reviews := strings.TrimRight(baseURL, "/") + fmt.Sprintf("/m/%d/reviews", ws.Municipality.ID)
	var b strings.Builder
	for i, lang := range mailLanguages {
		writePart(&b, texts, i, lang)
		b.WriteString(texts.T(lang, "mail.greeting", ws.User.Name) + "\n\n")
		b.WriteString(texts.T(lang, "mail.summary.intro", ws.Municipality.Name, ws.Week) + "\n\n")
		b.WriteString(texts.T(lang, "mail.summary.overdue_count", len(ws.Overdue)) + "\n")
		b.WriteString(texts.T(lang, "mail.summary.soon_count", domain.DueSoonDays, len(ws.DueSoon)) + "\n\n")
		writeSummaryList(&b, texts, texts.T(lang, "mail.summary.overdue"), ws.Overdue, ws.Today, baseURL, lang)
		writeSummaryList(&b, texts, texts.T(lang, "mail.summary.soon", domain.DueSoonDays), ws.DueSoon, ws.Today, baseURL, lang)
		b.WriteString(texts.T(lang, "mail.summary.all", reviews) + "\n\n")
		b.WriteString(texts.T(lang, "mail.summary.why") + "\n")
	}
	return subject, b.String()
}

func writeSummaryList(b *strings.Builder, texts *i18n.Catalog, title string, items []domain.DueItem, today domain.Date, baseURL, lang string) {
	if len(items) == 0 {
		return
	}
	fmt.Fprintf(b, "%s:\n", title)
	for i, it := range items {
		if i == maxSummaryItems {
			b.WriteString(texts.T(lang, "mail.summary.more", len(items)-i) + "\n")
			break
		}
		who := texts.T(lang, "mail.summary.no_owner")
		if it.OwnerName != "" {
			who = texts.T(lang, "mail.summary.owner", it.OwnerName)
		}
		fmt.Fprintf(b, "- %s: %s (%s, %s; %s)\n  %s\n", KindName(texts, it.Kind, lang), it.Title, it.NextReviewAt,
			DueText(texts, *it.NextReviewAt, today, lang), who, RecordURL(baseURL, it))
	}
	b.WriteString("\n")
}

// ClockMail is the mail of a legal clock's reminder to u: which report, by when, and the
// incident's link.
func ClockMail(texts *i18n.Catalog, r store.ClockReminder, u domain.User, base string) (subject, body string) {
	l := "sv"
	kind := "clock_soon"
	if r.Overdue {
		kind = "clock_overdue"
	}
	due := r.DueAt.In(domain.Sweden).Format("2006-01-02 15:04")
	subject = texts.T(l, "notify."+kind, r.Title, texts.T(l, "clock."+string(r.Kind)), due)
	body = subject + "\n\n" + base + domain.RecordPath(r.MunicipalityID, domain.KindIncident, r.IncidentID, "") + "\n"
	return subject, body
}
