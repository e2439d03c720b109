package web

import (
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/lisa-isms/lisa/internal/domain"
)

// FuzzParseIncidentForm: whatever is posted to the report form, the parser and the domain
// name only the form's fields, in translated words, and never panic.
func FuzzParseIncidentForm(f *testing.F) {
	f.Add("title=Fel+mottagare&description=Mejl&discovered_at=2026-12-01T10%3A15&org_unit_id=1&personal_data=yes&asset_ids=3&supplier_id=4")
	f.Add("title=&discovered_at=i+morgon&org_unit_id=x&asset_ids=-1&supplier_id=")
	f.Add("discovered_at=2999-01-01T00%3A00&description=%E2%80%AE")
	f.Add("")
	fields := append(slices.Clone(domain.ReportFields), "org_unit_id")
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, query string) {
		v, _ := url.ParseQuery(query)
		in, p := parseIncidentForm(v)
		for field, key := range p {
			if !slices.Contains(fields, field) {
				t.Errorf("problem names %q", field)
			}
			tTranslated(t, key)
		}
		if len(p) > 0 {
			return
		}
		inc := domain.Incident{Record: domain.Record{MunicipalityID: 1}}
		if err := domain.ApplyIncident(&inc, in, 1, now); err != nil {
			for field, key := range domain.AsError(err).Fields {
				if !slices.Contains(fields, field) {
					t.Errorf("domain problem names %q", field)
				}
				tTranslated(t, key)
			}
			return
		}
		if inc.DiscoveredAt.After(now.Add(time.Minute)) || inc.Status != domain.IncidentReported {
			t.Errorf("accepted %+v", inc)
		}
	})
}
