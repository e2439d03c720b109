package remind

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/lisa-isms/lisa/internal/domain"
)

// ICSRefresh is how often calendar programs are asked to fetch the feed again.
const ICSRefresh = "PT6H"

// ICS renders a person's reviews as an RFC 5545 calendar to subscribe to: one all-day event
// per review date, on the date itself. Event UIDs are stable per record and review date
// (record-{id}-{date}@lisa), so a subscribing calendar updates in place and a record reviewed
// to a new date shows as the old event gone and a new one there. Lines end in CRLF and are
// folded at 75 octets without splitting a UTF-8 character; text is escaped (\\ \; \, \n).
func ICS(items []domain.DueItem, user domain.User, baseURL string, now time.Time) []byte {
	cal := ics.NewCalendarFor("Lisa")
	cal.SetProductId("-//Lisa//Lisa ISMS//SV")
	cal.SetCalscale("GREGORIAN")
	cal.SetMethod(ics.MethodPublish)
	name := "Lisa – granskningar"
	if user.Name != "" {
		name += " – " + user.Name
	}
	cal.SetXWRCalName(name)
	cal.SetXWRCalDesc("Granskningar av poster du är ansvarig för i Lisa / Reviews of the records you own in Lisa")
	cal.SetRefreshInterval(ICSRefresh) // the library names it REFRESH-INTERVAL;VALUE=DURATION
	cal.SetXPublishedTTL(ICSRefresh)
	stamp := now.UTC()
	base := strings.TrimRight(baseURL, "/")
	for _, it := range items {
		if it.NextReviewAt == nil {
			continue
		}
		day := *it.NextReviewAt
		link := RecordURL(base, it)
		e := cal.AddEvent(fmt.Sprintf("record-%d-%s@lisa", it.ID, day))
		e.SetDtStampTime(stamp)
		e.SetAllDayStartAt(day.Time())
		e.SetAllDayEndAt(day.AddDays(1).Time())
		e.SetSummary("Granskning: " + it.Title)
		e.SetURL(link)
		var d strings.Builder
		fmt.Fprintf(&d, "%s: %s\n", KindName(it.Kind, "sv"), it.Title)
		if it.OrgUnitName != "" {
			fmt.Fprintf(&d, "Enhet: %s\n", it.OrgUnitName)
		}
		fmt.Fprintf(&d, "Granskas senast %s. Markera posten som granskad i Lisa när du är klar.\n", day)
		fmt.Fprintf(&d, "Review due %s (%s). Mark the record as reviewed in Lisa when done.\n", day, KindName(it.Kind, "en"))
		d.WriteString(link)
		e.SetDescription(d.String())
		e.SetTimeTransparency(ics.TransparencyTransparent)
		e.SetClass(ics.ClassificationPrivate)
	}
	var b bytes.Buffer
	_ = cal.SerializeTo(&b, ics.WithNewLine("\r\n"), ics.WithLineLength(75)) // a bytes.Buffer does not fail
	return b.Bytes()
}
