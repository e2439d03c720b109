package remind

import (
	"fmt"
	"strings"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// The words of the mails, Swedish first and English below. Mail goes out in the background,
// where no request says which language a person reads, so every mail carries both.

// kindPaths maps a record kind to the path segment of its pages: /m/{mun}/{path}/{id}.
var kindPaths = map[domain.Kind]string{
	domain.KindDocument: "documents",
	domain.KindControl:  "soa",
}

var kindNames = map[domain.Kind][2]string{ // Swedish, English
	domain.KindDocument: {"Styrande dokument", "Governing document"},
	domain.KindControl:  {"Säkerhetsåtgärd", "Control"},
}

// KindName is a record kind's name in Swedish ("sv") or English ("en").
func KindName(k domain.Kind, lang string) string {
	n, ok := kindNames[k]
	if !ok {
		return string(k)
	}
	if lang == "en" {
		return n[1]
	}
	return n[0]
}

// RecordURL is the link to a record's page: baseURL/m/{mun}/{kind path}/{id}.
func RecordURL(baseURL string, it domain.DueItem) string {
	p, ok := kindPaths[it.Kind]
	if !ok {
		p = string(it.Kind) + "s"
	}
	return fmt.Sprintf("%s/m/%d/%s/%d", strings.TrimRight(baseURL, "/"), it.MunicipalityID, p, it.ID)
}

// daysUntil is the number of days from today to d (negative when d has passed).
func daysUntil(d, today domain.Date) int {
	return int(d.Time().Sub(today.Time()).Hours() / 24)
}

// DueText says where a review date stands against today: "försenad sedan 3 dagar",
// "förfaller i dag", "förfaller om 5 dagar" (or the English).
func DueText(next, today domain.Date, lang string) string {
	n := daysUntil(next, today)
	if lang == "en" {
		switch {
		case n < 0:
			return "overdue by " + plural(-n, "day", "days")
		case n == 0:
			return "due today"
		}
		return "due in " + plural(n, "day", "days")
	}
	switch {
	case n < 0:
		return "försenad sedan " + plural(-n, "dag", "dagar")
	case n == 0:
		return "förfaller i dag"
	}
	return "förfaller om " + plural(n, "dag", "dagar")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

const separator = "------------------------------------------------------------"

// Digest renders an owner's reminder mail about items on day today.
func Digest(user domain.User, items []domain.DueItem, today domain.Date, baseURL string) (subject, body string) {
	overdue := 0
	for _, it := range items {
		if it.NextReviewAt != nil && it.NextReviewAt.Before(today) {
			overdue++
		}
	}
	subject = fmt.Sprintf("Lisa: %s att granska", plural(len(items), "post", "poster"))
	en := fmt.Sprintf("%s to review", plural(len(items), "record", "records"))
	if overdue > 0 {
		subject += fmt.Sprintf(", %d försenad", overdue)
		if overdue > 1 {
			subject += "e"
		}
		en += fmt.Sprintf(", %d overdue", overdue)
	}
	subject += " / " + en

	var b strings.Builder
	fmt.Fprintf(&b, "Hej %s!\n\n", user.Name)
	b.WriteString("Det är dags att granska följande i Lisa, kommunens ledningssystem för informationssäkerhet:\n\n")
	writeItems(&b, items, today, baseURL, "sv")
	b.WriteString("Öppna posten, gå igenom den och markera den som granskad. Då flyttas nästa granskningsdatum fram.\n\n")
	b.WriteString("Du får det här meddelandet för att du är ansvarig för posterna. Det skickades automatiskt av Lisa; svara inte på det.\n\n")
	b.WriteString(separator + "\nIn English\n\n")
	fmt.Fprintf(&b, "Hello %s,\n\n", user.Name)
	b.WriteString("The following records in Lisa, the municipality's information security management system, are due for review:\n\n")
	writeItems(&b, items, today, baseURL, "en")
	b.WriteString("Open each record, go through it and mark it as reviewed; its next review date then moves on.\n\n")
	b.WriteString("You receive this message because you own these records. It was sent automatically by Lisa; please do not reply.\n")
	return subject, b.String()
}

func writeItems(b *strings.Builder, items []domain.DueItem, today domain.Date, baseURL, lang string) {
	unit, by := "Enhet", "Granskas senast"
	if lang == "en" {
		unit, by = "Unit", "Review by"
	}
	for _, it := range items {
		fmt.Fprintf(b, "- %s: %s\n", KindName(it.Kind, lang), it.Title)
		if it.OrgUnitName != "" {
			fmt.Fprintf(b, "  %s: %s\n", unit, it.OrgUnitName)
		}
		if it.NextReviewAt != nil {
			fmt.Fprintf(b, "  %s: %s (%s)\n", by, it.NextReviewAt, DueText(*it.NextReviewAt, today, lang))
		}
		fmt.Fprintf(b, "  %s\n\n", RecordURL(baseURL, it))
	}
}

// maxSummaryItems is how many records of each list a weekly summary names.
const maxSummaryItems = 25

// Summary renders a coordinator's weekly summary.
func Summary(ws store.WeeklySummary, baseURL string) (subject, body string) {
	subject = fmt.Sprintf("Lisa: veckosammanfattning för %s, vecka %s (försenade: %d, inom %d dagar: %d) / weekly summary",
		ws.Municipality.Name, ws.Week, len(ws.Overdue), domain.DueSoonDays, len(ws.DueSoon))
	reviews := strings.TrimRight(baseURL, "/") + fmt.Sprintf("/m/%d/reviews", ws.Municipality.ID)
	var b strings.Builder
	fmt.Fprintf(&b, "Hej %s!\n\n", ws.User.Name)
	fmt.Fprintf(&b, "Så här ser granskningarna ut i %s vecka %s:\n\n", ws.Municipality.Name, ws.Week)
	fmt.Fprintf(&b, "Försenade granskningar: %d\nGranskningar inom %d dagar: %d\n\n", len(ws.Overdue), domain.DueSoonDays, len(ws.DueSoon))
	writeSummaryList(&b, "Försenade", ws.Overdue, ws.Today, baseURL, "sv")
	writeSummaryList(&b, fmt.Sprintf("Inom %d dagar", domain.DueSoonDays), ws.DueSoon, ws.Today, baseURL, "sv")
	fmt.Fprintf(&b, "Hela granskningslistan: %s\n\n", reviews)
	b.WriteString("Du får sammanfattningen för att du är informationssäkerhetssamordnare. Den skickades automatiskt av Lisa; svara inte på den.\n\n")
	b.WriteString(separator + "\nIn English\n\n")
	fmt.Fprintf(&b, "Hello %s,\n\n", ws.User.Name)
	fmt.Fprintf(&b, "This is where reviews stand in %s in week %s:\n\n", ws.Municipality.Name, ws.Week)
	fmt.Fprintf(&b, "Overdue reviews: %d\nReviews due within %d days: %d\n\n", len(ws.Overdue), domain.DueSoonDays, len(ws.DueSoon))
	writeSummaryList(&b, "Overdue", ws.Overdue, ws.Today, baseURL, "en")
	writeSummaryList(&b, fmt.Sprintf("Within %d days", domain.DueSoonDays), ws.DueSoon, ws.Today, baseURL, "en")
	fmt.Fprintf(&b, "The whole review list: %s\n\n", reviews)
	b.WriteString("You receive this summary because you are an information security coordinator. It was sent automatically by Lisa; please do not reply.\n")
	return subject, b.String()
}

func writeSummaryList(b *strings.Builder, title string, items []domain.DueItem, today domain.Date, baseURL, lang string) {
	if len(items) == 0 {
		return
	}
	fmt.Fprintf(b, "%s:\n", title)
	owner, none := "ansvarig", "ingen ansvarig"
	if lang == "en" {
		owner, none = "owner", "no owner"
	}
	for i, it := range items {
		if i == maxSummaryItems {
			if lang == "en" {
				fmt.Fprintf(b, "… and %d more\n", len(items)-i)
			} else {
				fmt.Fprintf(b, "… och %d till\n", len(items)-i)
			}
			break
		}
		who := none
		if it.OwnerName != "" {
			who = owner + " " + it.OwnerName
		}
		fmt.Fprintf(b, "- %s: %s (%s, %s; %s)\n  %s\n", KindName(it.Kind, lang), it.Title, it.NextReviewAt,
			DueText(*it.NextReviewAt, today, lang), who, RecordURL(baseURL, it))
	}
	b.WriteString("\n")
}
