package remind

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/i18n"
)

// ICSRefresh is how often calendar programs are asked to fetch the feed again.
const ICSRefresh = "PT6H"

// ICS renders a person's reviews as an RFC 5545 calendar to subscribe to: one all-day
// event per review date, on the date itself, worded from texts (keys ical.*): Swedish, with
// an English line in each description. Event UIDs are stable per record and review date
// (record-{id}-{date}@lisa), so a subscribing calendar updates in place and a record reviewed
// to a new date shows as the old event gone and a new one there. Lines end in CRLF and are
// folded at 75 octets without splitting a UTF-8 character; text is escaped (\\ \; \, \n).
func ICS(texts *i18n.Catalog, items []domain.DueItem, user domain.User, baseURL string, now time.Time) []byte {
	const sv, en = "sv", "en"
	cal := ics.NewCalendarFor("Lisa")
	cal.SetProductId("-//Lisa//Lisa ISMS//SV")
	cal.SetCalscale("GREGORIAN")
	cal.SetMethod(ics.MethodPublish)
	name := texts.T(sv, "ical.name")
	if user.Name != "" {
		name = texts.T(sv, "ical.name_user", user.Name)
	}
	cal.SetXWRCalName(name)
	cal.SetXWRCalDesc(texts.T(sv, "ical.description") + " / " + texts.T(en, "ical.description"))
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
		e.SetSummary(texts.T(sv, "ical.summary", it.Title))
		e.SetURL(link)
		var d strings.Builder
		fmt.Fprintf(&d, "%s: %s\n", KindName(texts, it.Kind, sv), it.Title)
		if it.OrgUnitName != "" {
			d.WriteString(texts.T(sv, "ical.unit", it.OrgUnitName) + "\n")
		}
		// ical.due takes the date and the kind's name; the Swedish line names the kind above.
		d.WriteString(texts.T(sv, "ical.due", day, KindName(texts, it.Kind, sv)) + "\n")
		d.WriteString(texts.T(en, "ical.due", day, KindName(texts, it.Kind, en)) + "\n")
		d.WriteString(link)
		e.SetDescription(d.String())
		e.SetTimeTransparency(ics.TransparencyTransparent)
		e.SetClass(ics.ClassificationPrivate)
	}
	var b bytes.Buffer
	_ = cal.SerializeTo(&b, ics.WithNewLine("\r\n"), ics.WithLineLength(75)) // a bytes.Buffer does not fail
	return b.Bytes()
}
