package domain

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

var today = NewDate(2025, time.May, 10)

func sp(s string) *string { return &s }
func ip(n int) *int       { return &n }
func i64(n int64) *int64  { return &n }

// minimal is the least input that creates a document.
func minimal() DocumentInput {
	return DocumentInput{Type: sp("policy"), Title: sp("Informationssäkerhetspolicy"), OrgUnitID: i64(7)}
}

// fields returns the field problems of err, failing the test when err is not EInvalid.
func fields(t *testing.T, err error) map[string]string {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Code != EInvalid {
		t.Fatalf("err = %v, want EInvalid", err)
	}
	return e.Fields
}

func TestApplyDocumentDefaultsOnCreate(t *testing.T) {
	var d Document
	note, err := ApplyDocument(&d, minimal(), today)
	if err != nil {
		t.Fatalf("ApplyDocument: %v", err)
	}
	if note != "" {
		t.Errorf("note = %q", note)
	}
	if d.Kind != KindDocument || d.Status != string(DocDraft) || d.Version != "1.0" ||
		d.ReviewIntervalMonths != DefaultReviewMonths || d.Scope != ScopeWholeExclCompanies {
		t.Errorf("defaults wrong: kind %q status %q version %q interval %d scope %q", d.Kind, d.Status, d.Version, d.ReviewIntervalMonths, d.Scope)
	}
	if d.Type != DocPolicy || d.Title != "Informationssäkerhetspolicy" || d.OrgUnitID != 7 {
		t.Errorf("given fields not applied: %+v", d)
	}
	if d.NextReviewAt == nil || *d.NextReviewAt != NewDate(2026, time.May, 10) {
		t.Errorf("next review = %v, want today + 12 months", d.NextReviewAt)
	}
	if d.LastReviewedAt != nil || d.AdoptedAt != nil || d.AdoptedBy != nil || d.OwnerID != nil || d.ScopeUnitIDs != nil {
		t.Errorf("unexpected values set: %+v", d)
	}
}

func TestApplyDocumentTrimsAndNotes(t *testing.T) {
	in := minimal()
	in.Title = sp("  Rutin för backup  ")
	in.Version = sp(" 2.1 ")
	in.VersionNote = sp("  Ny rutin\nmed två rader ")
	in.Description = sp("Rad 1\n\tRad 2")
	var d Document
	note, err := ApplyDocument(&d, in, today)
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "Rutin för backup" || d.Version != "2.1" || note != "Ny rutin\nmed två rader" || d.Description != "Rad 1\n\tRad 2" {
		t.Errorf("got title %q version %q note %q description %q", d.Title, d.Version, note, d.Description)
	}
}

func TestApplyDocumentRequiredOnCreate(t *testing.T) {
	var d Document
	f := fields(t, func() error { _, err := ApplyDocument(&d, DocumentInput{}, today); return err }())
	for _, k := range []string{"type", "title", "org_unit_id"} {
		if f[k] != "err.required" {
			t.Errorf("field %s = %q, want err.required (all: %v)", k, f[k], f)
		}
	}
	// Blank title and a non-positive unit are as good as missing.
	in := minimal()
	in.Title = sp("   ")
	in.OrgUnitID = i64(0)
	d = Document{}
	_, err := ApplyDocument(&d, in, today)
	f = fields(t, err)
	if f["title"] != "err.required" || f["org_unit_id"] != "err.required" {
		t.Errorf("fields = %v", f)
	}
	if len(f) != 2 {
		t.Errorf("unexpected extra problems: %v", f)
	}
}

func TestApplyDocumentUpdateKeepsUnsetFields(t *testing.T) {
	next := NewDate(2025, time.September, 1)
	d := Document{Record: Record{ID: 5, Kind: KindDocument, Title: "Gammal", OrgUnitID: 3, Status: "draft", ReviewIntervalMonths: 24, NextReviewAt: &next},
		Type: DocRutin, Version: "3.0", Scope: ScopeWholeInclCompanies}
	_, err := ApplyDocument(&d, DocumentInput{Title: sp("Ny titel")}, today)
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "Ny titel" || d.Type != DocRutin || d.Version != "3.0" || d.OrgUnitID != 3 || d.ReviewIntervalMonths != 24 || d.Scope != ScopeWholeInclCompanies {
		t.Errorf("update changed fields it was not given: %+v", d)
	}
	if d.NextReviewAt == nil || *d.NextReviewAt != next {
		t.Errorf("next review changed to %v without a reason", d.NextReviewAt)
	}
	// Nothing is required on update.
	if _, err := ApplyDocument(&d, DocumentInput{}, today); err != nil {
		t.Errorf("empty update: %v", err)
	}
}

func TestApplyDocumentInvalid(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*DocumentInput)
		field string
		key   string
	}{
		{"unknown type", func(in *DocumentInput) { in.Type = sp("memo") }, "type", "err.enum"},
		{"unknown status", func(in *DocumentInput) { in.Status = sp("published") }, "status", "err.enum"},
		{"unknown adopter", func(in *DocumentInput) { in.AdoptedBy = sp("riksdagen") }, "adopted_by", "err.enum"},
		{"unknown scope", func(in *DocumentInput) { in.Scope = sp("everything") }, "scope", "err.enum"},
		{"interval 0", func(in *DocumentInput) { in.ReviewIntervalMonths = ip(0) }, "review_interval_months", "err.review_interval"},
		{"interval negative", func(in *DocumentInput) { in.ReviewIntervalMonths = ip(-12) }, "review_interval_months", "err.review_interval"},
		{"interval 121", func(in *DocumentInput) { in.ReviewIntervalMonths = ip(MaxReviewMonths + 1) }, "review_interval_months", "err.review_interval"},
		{"interval 12000", func(in *DocumentInput) { in.ReviewIntervalMonths = ip(12000) }, "review_interval_months", "err.review_interval"},
		{"bad last reviewed", func(in *DocumentInput) { in.LastReviewedAt = sp("2025-13-01") }, "last_reviewed_at", "err.date"},
		{"future last reviewed", func(in *DocumentInput) { in.LastReviewedAt = sp("2025-05-11") }, "last_reviewed_at", "err.date_future"},
		{"bad next review", func(in *DocumentInput) { in.NextReviewAt = sp("31/12/2025") }, "next_review_at", "err.date"},
		{"bad adopted at", func(in *DocumentInput) { in.AdoptedAt = sp("2025-02-30") }, "adopted_at", "err.date"},
		{"future adopted at", func(in *DocumentInput) { in.AdoptedBy = sp("kommunstyrelse"); in.AdoptedAt = sp("2025-05-11") }, "adopted_at", "err.date_future"},
		{"adopted without adopter", func(in *DocumentInput) { in.Status = sp("adopted") }, "adopted_by", "err.adopted_by_required"},
		{"adopted with blank adopter", func(in *DocumentInput) { in.Status = sp("adopted"); in.AdoptedBy = sp("  ") }, "adopted_by", "err.adopted_by_required"},
		{"units scope without units", func(in *DocumentInput) { in.Scope = sp("units") }, "scope_unit_ids", "err.scope_units_required"},
		{"units scope with only bad ids", func(in *DocumentInput) { in.Scope = sp("units"); in.ScopeUnitIDs = &[]int64{0, -3} }, "scope_unit_ids", "err.scope_units_required"},
		{"title too long", func(in *DocumentInput) { in.Title = sp(strings.Repeat("å", 201)) }, "title", "err.too_long"},
		{"title control char", func(in *DocumentInput) { in.Title = sp("Policy\x00") }, "title", "err.control_chars"},
		{"title newline", func(in *DocumentInput) { in.Title = sp("Policy\nrad 2") }, "title", "err.control_chars"},
		{"title invalid utf8", func(in *DocumentInput) { in.Title = sp("Policy \xff") }, "title", "err.control_chars"},
		{"description control char", func(in *DocumentInput) { in.Description = sp("bell\a") }, "description", "err.control_chars"},
		{"description too long", func(in *DocumentInput) { in.Description = sp(strings.Repeat("x", 10001)) }, "description", "err.too_long"},
		{"blank version", func(in *DocumentInput) { in.Version = sp(" ") }, "version", "err.required"},
		{"version too long", func(in *DocumentInput) { in.Version = sp(strings.Repeat("1", 21)) }, "version", "err.too_long"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := minimal()
			tc.edit(&in)
			var d Document
			_, err := ApplyDocument(&d, in, today)
			f := fields(t, err)
			if f[tc.field] != tc.key {
				t.Errorf("field %s = %q, want %q (all: %v)", tc.field, f[tc.field], tc.key, f)
			}
			if len(f) != 1 {
				t.Errorf("want exactly one problem, got %v", f)
			}
		})
	}
}

func TestApplyDocumentBoundaryIntervals(t *testing.T) {
	for _, n := range []int{MinReviewMonths, MaxReviewMonths} {
		in := minimal()
		in.ReviewIntervalMonths = ip(n)
		var d Document
		if _, err := ApplyDocument(&d, in, today); err != nil {
			t.Errorf("interval %d rejected: %v", n, err)
			continue
		}
		if want := today.AddMonths(n); d.NextReviewAt == nil || *d.NextReviewAt != want {
			t.Errorf("interval %d: next = %v, want %v", n, d.NextReviewAt, want)
		}
	}
	// Today itself is not in the future.
	in := minimal()
	in.LastReviewedAt = sp(today.String())
	in.AdoptedBy = sp("kommunstyrelse")
	in.AdoptedAt = sp(today.String())
	var d Document
	if _, err := ApplyDocument(&d, in, today); err != nil {
		t.Errorf("dates of today rejected: %v", err)
	}
}

func TestApplyDocumentNormalizesEnums(t *testing.T) {
	in := minimal()
	in.Type = sp(" Riktlinje ")
	in.Status = sp("ADOPTED")
	in.AdoptedBy = sp("Kommunfullmäktige")
	in.Scope = sp("Whole incl companies")
	var d Document
	if _, err := ApplyDocument(&d, in, today); err != nil {
		t.Fatal(err)
	}
	if d.Type != DocRiktlinje || d.Status != "adopted" || d.AdoptedBy == nil || *d.AdoptedBy != AdoptKommunfullmaktige || d.Scope != ScopeWholeInclCompanies {
		t.Errorf("not normalized: type %q status %q adopter %v scope %q", d.Type, d.Status, d.AdoptedBy, d.Scope)
	}
	// Adopted without a date gets today.
	if d.AdoptedAt == nil || *d.AdoptedAt != today {
		t.Errorf("adopted_at = %v, want today", d.AdoptedAt)
	}
}

func TestNormalizeEnum(t *testing.T) {
	tests := map[string]string{
		"Kommunfullmäktige":    "kommunfullmaktige",
		"KOMMUNFULLMÄKTIGE":    "kommunfullmaktige",
		"kommunfullmaktige":    "kommunfullmaktige",
		" Nämnd ":              "namnd",
		"Förvaltningschef":     "forvaltningschef",
		"Bolagsstyrelse":       "bolagsstyrelse",
		"whole-excl companies": "whole_excl_companies",
		"Åtgärd":               "atgard",
	}
	for in, want := range tests {
		if got := NormalizeEnum(in); got != want {
			t.Errorf("NormalizeEnum(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestApplyDocumentAdoption(t *testing.T) {
	in := minimal()
	in.Status = sp("adopted")
	in.AdoptedBy = sp("kommunstyrelse")
	in.AdoptedAt = sp("2024-11-20")
	var d Document
	if _, err := ApplyDocument(&d, in, today); err != nil {
		t.Fatal(err)
	}
	if d.AdoptedAt == nil || *d.AdoptedAt != NewDate(2024, time.November, 20) {
		t.Errorf("adopted_at = %v", d.AdoptedAt)
	}
	d.ID = 1 // stored: later calls are updates
	// A blank adopter clears it; then an adopted document is invalid.
	_, err := ApplyDocument(&d, DocumentInput{AdoptedBy: sp("")}, today)
	if f := fields(t, err); f["adopted_by"] != "err.adopted_by_required" {
		t.Errorf("fields = %v", f)
	}
	// A bad adopted_at on an adopted document names adopted_at, and does not get replaced by today.
	d = Document{}
	in.AdoptedAt = sp("nope")
	_, err = ApplyDocument(&d, in, today)
	if f := fields(t, err); f["adopted_at"] != "err.date" {
		t.Errorf("fields = %v", f)
	}
}

func TestApplyDocumentScope(t *testing.T) {
	in := minimal()
	in.Scope = sp("units")
	in.ScopeUnitIDs = &[]int64{4, 2, 4, 0, 9, 2}
	var d Document
	if _, err := ApplyDocument(&d, in, today); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(d.ScopeUnitIDs) != "[4 2 9]" {
		t.Errorf("scope units = %v, want unique positive ids in order [4 2 9]", d.ScopeUnitIDs)
	}
	d.ID = 1 // stored: later calls are updates
	// Switching away from units drops the unit list.
	if _, err := ApplyDocument(&d, DocumentInput{Scope: sp("whole_incl_companies")}, today); err != nil {
		t.Fatal(err)
	}
	if d.ScopeUnitIDs != nil {
		t.Errorf("scope units kept for whole scope: %v", d.ScopeUnitIDs)
	}
	// Switching back to units without naming units is refused.
	_, err := ApplyDocument(&d, DocumentInput{Scope: sp("units")}, today)
	if f := fields(t, err); f["scope_unit_ids"] != "err.scope_units_required" {
		t.Errorf("fields = %v", f)
	}
}

func TestApplyDocumentNextReview(t *testing.T) {
	t.Run("from last review and interval", func(t *testing.T) {
		in := minimal()
		in.LastReviewedAt = sp("2025-01-31")
		in.ReviewIntervalMonths = ip(1)
		var d Document
		if _, err := ApplyDocument(&d, in, today); err != nil {
			t.Fatal(err)
		}
		if d.NextReviewAt == nil || *d.NextReviewAt != NewDate(2025, time.February, 28) {
			t.Errorf("next = %v, want 2025-02-28", d.NextReviewAt)
		}
	})
	t.Run("explicit next wins", func(t *testing.T) {
		in := minimal()
		in.LastReviewedAt = sp("2025-01-31")
		in.NextReviewAt = sp("2025-12-24")
		var d Document
		if _, err := ApplyDocument(&d, in, today); err != nil {
			t.Fatal(err)
		}
		if d.NextReviewAt == nil || *d.NextReviewAt != NewDate(2025, time.December, 24) {
			t.Errorf("next = %v, want 2025-12-24", d.NextReviewAt)
		}
	})
	t.Run("blank next on create follows the interval, on update clears", func(t *testing.T) {
		in := minimal()
		in.NextReviewAt = sp("")
		var d Document
		if _, err := ApplyDocument(&d, in, today); err != nil {
			t.Fatal(err)
		}
		if want := NextReview(today, d.ReviewIntervalMonths); d.NextReviewAt == nil || *d.NextReviewAt != want {
			t.Errorf("new document: next = %v, want %v from the interval", d.NextReviewAt, want)
		}
		d.ID = 1
		if _, err := ApplyDocument(&d, DocumentInput{NextReviewAt: sp(" ")}, today); err != nil {
			t.Fatal(err)
		}
		if d.NextReviewAt != nil {
			t.Errorf("update: next = %v, want none", d.NextReviewAt)
		}
	})
	t.Run("interval change on update recomputes from last review", func(t *testing.T) {
		last := NewDate(2024, time.August, 31)
		next := NewDate(2025, time.August, 31)
		d := Document{Record: Record{ID: 1, Kind: KindDocument, Title: "x", OrgUnitID: 1, Status: "draft", ReviewIntervalMonths: 12, LastReviewedAt: &last, NextReviewAt: &next}, Type: DocPolicy, Version: "1", Scope: ScopeWholeExclCompanies}
		if _, err := ApplyDocument(&d, DocumentInput{ReviewIntervalMonths: ip(6)}, today); err != nil {
			t.Fatal(err)
		}
		if d.NextReviewAt == nil || *d.NextReviewAt != NewDate(2025, time.February, 28) {
			t.Errorf("next = %v, want 2025-02-28", d.NextReviewAt)
		}
		// The same interval again leaves an explicitly set date alone.
		set := NewDate(2025, time.June, 1)
		d.NextReviewAt = &set
		if _, err := ApplyDocument(&d, DocumentInput{ReviewIntervalMonths: ip(6)}, today); err != nil {
			t.Fatal(err)
		}
		if *d.NextReviewAt != set {
			t.Errorf("unchanged interval moved next review to %v", d.NextReviewAt)
		}
	})
	t.Run("invalid interval does not compute", func(t *testing.T) {
		in := minimal()
		in.ReviewIntervalMonths = ip(0)
		var d Document
		_, err := ApplyDocument(&d, in, today)
		if f := fields(t, err); f["review_interval_months"] == "" {
			t.Errorf("fields = %v", f)
		}
		if d.NextReviewAt != nil {
			t.Errorf("next computed from an invalid interval: %v", d.NextReviewAt)
		}
	})
}

func TestApplyDocumentOwner(t *testing.T) {
	in := minimal()
	in.OwnerID = i64(42)
	var d Document
	if _, err := ApplyDocument(&d, in, today); err != nil {
		t.Fatal(err)
	}
	if d.OwnerID == nil || *d.OwnerID != 42 {
		t.Fatalf("owner = %v", d.OwnerID)
	}
	d.ID = 1 // stored: later calls are updates
	if _, err := ApplyDocument(&d, DocumentInput{OwnerID: i64(0)}, today); err != nil {
		t.Fatal(err)
	}
	if d.OwnerID != nil {
		t.Errorf("owner 0 did not clear the owner: %v", *d.OwnerID)
	}
}
