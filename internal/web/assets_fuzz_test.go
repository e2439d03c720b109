package web

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/lisa-isms/lisa/internal/domain"
)

// The asset forms are outside input: whatever is posted, the parsers and the domain rules
// answer an asset, a classification or a model, or problems that name a field of the form
// with a text in both languages; never a panic, and never a value outside the rules.

func FuzzParseAssetForm(f *testing.F) {
	for _, s := range []string{
		"kind=information&name=Elevregister&org_unit_id=6&activity_area=skola&status=active&form_has_flags=1&personal_data=on",
		"kind=ics&name=SCADA&org_unit_id=1&form_has_flags=1&critical_infrastructure=on&network_zone=OT&vendor_remote_access=on",
		"kind=system&name=&org_unit_id=&owner_id=x&system_owner_id=-1&review_interval_months=1e3",
		"kind=SYSTEM&name=a%00b&activity_area=V%C3%A5rd&form_has_flags=1&special_categories=on",
		"name=%FF&kind=information&kind=system", ";;&&==", "",
	} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, query string, isNew bool) {
		v, _ := url.ParseQuery(query)
		in, p := parseAssetForm(v, isNew)
		for field, key := range p {
			if !slices.Contains(assetFields, field) {
				t.Errorf("problem names %q, not a form field", field)
			}
			tTranslated(t, key)
		}
		if len(p) > 0 {
			return
		}
		a := domain.Asset{Record: domain.Record{MunicipalityID: 1}}
		if !isNew {
			a = domain.Asset{Record: domain.Record{ID: 7, MunicipalityID: 1, Kind: domain.KindAsset, Title: "Elevregister", OrgUnitID: 3,
				Status: domain.AssetActive, ReviewIntervalMonths: 12}, AssetKind: domain.AssetInformation, ActivityArea: "skola"}
		}
		err := domain.ApplyAsset(&a, in, tFuzzToday)
		if err != nil {
			e := domain.AsError(err)
			if e.Code != domain.EInvalid {
				t.Fatalf("error %v", err)
			}
			for field, key := range e.Fields {
				if !slices.Contains(assetFields, field) && field != "carries" {
					t.Errorf("domain problem names %q, not a form field", field)
				}
				tTranslated(t, key)
			}
			return
		}
		if strings.TrimSpace(a.Title) == "" || !slices.Contains(domain.AssetKinds, a.AssetKind) || !slices.Contains(domain.ActivityAreas, a.ActivityArea) ||
			!slices.Contains(domain.AssetStatuses, a.Status) || a.SpecialCategories && !a.PersonalData || a.AssetKind != domain.AssetICS && a.CriticalInfrastructure {
			t.Errorf("accepted an asset outside the rules: %+v", a)
		}
	})
}

func FuzzParseClassifyForm(f *testing.F) {
	for _, s := range []string{
		"confidentiality=3&integrity=2&availability=1&traceability=0&rationale=Bed%C3%B6mt",
		"method=guided&answers.confidentiality=3&answers.integrity=2&answers.availability_hour=0&answers.availability_day=4&answers.availability_week=4&answers.traceability=1",
		"method=guided&answers.confidentiality=9&confidentiality=4&override_reasons.confidentiality=skyddade",
		"confidentiality=-1&integrity=x&classified_at=2099-01-01", ";;", "",
	} {
		f.Add(s)
	}
	model := domain.DefaultClassificationModel()
	f.Fuzz(func(t *testing.T, query string) {
		v, _ := url.ParseQuery(query)
		in, guided, p := parseClassifyForm(v)
		for field, key := range p {
			if !slices.Contains(classifyFields, field) {
				t.Errorf("problem names %q, not a form field", field)
			}
			tTranslated(t, key)
		}
		if len(p) > 0 {
			return
		}
		if guided != (in.Answers != nil) {
			t.Fatalf("guided %v with answers %v", guided, in.Answers)
		}
		cl, err := domain.ApplyClassification(in, model, tFuzzToday)
		if err != nil {
			e := domain.AsError(err)
			if e.Code != domain.EInvalid {
				t.Fatalf("error %v", err)
			}
			for field, key := range e.Fields {
				if !slices.Contains(classifyFields, field) {
					t.Errorf("domain problem names %q, not a form field", field)
				}
				tTranslated(t, key)
			}
			return
		}
		for _, l := range []int{cl.Confidentiality, cl.Integrity, cl.Availability, cl.Traceability} {
			if l < 0 || l > domain.MaxLevel {
				t.Fatalf("accepted level %d", l)
			}
		}
		if cl.Method == "direct" && cl.Rationale == "" || cl.ClassifiedAt.After(tFuzzToday) {
			t.Errorf("accepted %+v", cl)
		}
	})
}

func FuzzParseAssetModelForm(f *testing.F) {
	f.Add("name=KLASSA&label_0=a&label_1=b&label_2=c&label_3=d&label_4=e&keep=confidentiality|3|8.24&new_aspect_0=integrity&new_level_0=2&new_control_0=8.32")
	f.Add("keep=x&keep=a|b|c&new_control_1=8.5&new_level_1=z")
	f.Add("")
	f.Fuzz(func(t *testing.T, query string) {
		v, _ := url.ParseQuery(query)
		in, p := parseAssetModelForm(v)
		for field, key := range p {
			if field != "rules" {
				t.Errorf("problem names %q", field)
			}
			tTranslated(t, key)
		}
		if len(p) > 0 {
			return
		}
		if err := domain.ValidateRequirementRules(*in.Rules, func(id string) bool { return id == "8.24" || id == "8.32" || id == "8.5" }); err != nil {
			for _, key := range domain.AsError(err).Fields {
				tTranslated(t, key)
			}
			return
		}
		for _, r := range *in.Rules {
			if r.MinLevel < 1 || r.MinLevel > 3 || !slices.Contains(domain.Aspects, r.Aspect) {
				t.Errorf("accepted rule %+v", r)
			}
		}
	})
}
