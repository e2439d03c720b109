package domain

import "testing"

// The core rules are one function for every kind: changing the review interval recomputes
// the next review for a governing document and for a statement-of-applicability row alike
// (the SoA row once kept its old date: ApplySoA was a separate copy of the rule).
func TestReviewIntervalChangeRecomputesNextReviewForEveryKind(t *testing.T) {
	today := NewDate(2026, 12, 2)
	last := NewDate(2026, 6, 1)
	six := 6
	next := NewDate(2027, 6, 1) // last + 12 months
	core := Record{ID: 7, Status: "draft", ReviewIntervalMonths: 12, LastReviewedAt: &last, NextReviewAt: &next}

	doc := Document{Record: core}
	doc.Kind = KindDocument
	if _, err := ApplyDocument(&doc, DocumentInput{ReviewIntervalMonths: &six}, today); err != nil {
		t.Fatal(err)
	}
	row := ControlImpl{Record: core, Applicable: true}
	row.Kind, row.Status = KindControl, string(CtlPartial)
	if err := ApplySoA(&row, SoAInput{ReviewIntervalMonths: &six}, today, nil); err != nil {
		t.Fatal(err)
	}
	want := NewDate(2026, 12, 1) // the last review + 6 months
	for name, r := range map[string]Record{"document": doc.Record, "soa row": row.Record} {
		if r.NextReviewAt == nil || *r.NextReviewAt != want || r.ReviewIntervalMonths != 6 {
			t.Errorf("%s: next review %v, interval %d; want %s, 6", name, r.NextReviewAt, r.ReviewIntervalMonths, want)
		}
	}

	// The same interval again, or an explicit date, leaves the date as given.
	row2 := row
	if err := ApplySoA(&row2, SoAInput{ReviewIntervalMonths: &six}, today, nil); err != nil || *row2.NextReviewAt != want {
		t.Errorf("unchanged interval moved the date: %v %v", row2.NextReviewAt, err)
	}
	given := "2027-03-01"
	if err := ApplySoA(&row2, SoAInput{ReviewIntervalMonths: &six, NextReviewAt: &given}, today, nil); err != nil || row2.NextReviewAt.String() != given {
		t.Errorf("explicit next review not kept: %v %v", row2.NextReviewAt, err)
	}
}

func TestApplyRecordValidatesTheCoreForAnyKind(t *testing.T) {
	today := NewDate(2026, 12, 2)
	bad, zero, unit := "klar", 0, int64(0)
	future := "2027-01-01"
	for _, k := range []Kind{KindDocument, KindControl} {
		p := Problems{}
		r := Record{ID: 1, Kind: k, ReviewIntervalMonths: 12}
		ApplyRecord(p, &r, RecordInput{Status: &bad, ReviewIntervalMonths: &zero, OrgUnitID: &unit, LastReviewedAt: &future}, today)
		for field, key := range map[string]string{"status": "err.enum", "review_interval_months": "err.review_interval",
			"org_unit_id": "err.required", "last_reviewed_at": "err.date_future"} {
			if p[field] != key {
				t.Errorf("%s: %s = %q, want %q", k, field, p[field], key)
			}
		}
	}
	// A new record starts in its kind's first status, reviewed a default interval from today.
	p := Problems{}
	title, u := "Ny", int64(3)
	r := Record{Kind: KindControl}
	ApplyRecord(p, &r, RecordInput{Title: &title, OrgUnitID: &u}, today)
	if len(p) != 0 || r.Status != string(CtlNotStarted) || r.ReviewIntervalMonths != DefaultReviewMonths || *r.NextReviewAt != today.AddMonths(12) {
		t.Errorf("new record %+v, problems %v", r, p)
	}
	// Swedish status labels are read by the kind's own parser.
	st := "Införd"
	ApplyRecord(p, &r, RecordInput{Status: &st}, today)
	if r.Status != string(CtlImplemented) || len(p) != 0 {
		t.Errorf("status %q, problems %v", r.Status, p)
	}
}

func TestKindRegistry(t *testing.T) {
	doc, ok := SpecOf(KindDocument)
	if !ok || doc.Section != "documents" || doc.Param != "id" || doc.Object != "document" || !IsClosed(KindDocument, "retired") || !IsPublished(KindDocument, "adopted") {
		t.Errorf("document spec %+v", doc)
	}
	if got := RecordPath(4, KindControl, 99, "5.24"); got != "/m/4/soa/5.24" {
		t.Errorf("SoA row path %q", got) // by its control id, not its record id
	}
	if got := RecordPath(4, KindDocument, 99, ""); got != "/m/4/documents/99" {
		t.Errorf("document path %q", got)
	}
	if RecordPath(4, "nosuchkind", 1, "") != "" || IsClosed("nosuchkind", "retired") {
		t.Error("an unregistered kind has a page")
	}
	for _, bad := range []KindSpec{{Kind: "x"}, {Kind: KindDocument, Section: "other", Statuses: []string{"a"}}, {Kind: "y", Section: "soa", Statuses: []string{"a"}}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("RegisterKind(%+v) did not panic", bad)
				}
			}()
			RegisterKind(bad)
		}()
	}
	RegisterKind(KindSpec{Kind: "temp", Section: "temps", Statuses: []string{"open"}})
	defer UnregisterKind("temp")
	if s, _ := SpecOf("temp"); s.Param != "id" || s.Object != "temp" || s.Label != "kind.temp" || s.APIName != "Temp" {
		t.Errorf("defaults %+v", s)
	}
}

// An evidence file is downloaded under a name its content answers for: what Windows runs by
// extension (.hta, .exe, .bat, .html, .svg) never comes out of a PDF or an image, and no
// right-to-left override hides the real extension.
func TestEvidenceFilename(t *testing.T) {
	for _, c := range []struct{ name, ctype, want string }{
		{"Rutin.pdf", "application/pdf", "Rutin.pdf"},
		{"Rutin.PDF", "application/pdf", "Rutin.PDF"},
		{"Rutin.hta", "application/pdf", "Rutin.pdf"},
		{"Rutin.pdf.exe", "application/pdf", "Rutin.pdf"},
		{"bild.html", "image/png", "bild.png"},
		{"logo.svg", "image/png", "logo.png"},
		{"skript.bat", "text/plain", "skript.txt"},
		{"a\u202egnp.exe", "image/png", "agnp.png"},
		{"foto.jpeg", "image/jpeg", "foto.jpeg"},
		{"foto.JPG", "image/jpeg", "foto.JPG"},
		{`C:\Users\anna\Protokoll 2026.docx`, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Protokoll 2026.docx"},
		{"../../etc/passwd", "text/plain", "passwd.txt"},
		{"utan-ändelse", "application/pdf", "utan-ändelse.pdf"},
		{".exe", "application/pdf", "fil.pdf"},
		{"noll\x00byte\u200f.pdf", "application/pdf", "nollbyte.pdf"},
		{"vad som helst.hta", "", "vad som helst.hta"}, // no type yet: only cleaned
	} {
		if got := EvidenceFilename(c.name, c.ctype); got != c.want {
			t.Errorf("EvidenceFilename(%q, %q) = %q, want %q", c.name, c.ctype, got, c.want)
		}
	}
}

// Titles and names refuse characters that reverse the direction of text.
func TestValidateTextRefusesBidiControls(t *testing.T) {
	for _, s := range []string{"Rutin\u202eFDP", "Rutin\u2066x\u2069", "a\u200fb", "tab\there"} {
		p := Problems{}
		ValidateText(p, "title", s, true, 200)
		if p["title"] != "err.control_chars" {
			t.Errorf("%q: %v", s, p)
		}
	}
	p := Problems{}
	ValidateText(p, "title", "Informationssäkerhetspolicy – Åre kommun", true, 200)
	if len(p) != 0 {
		t.Errorf("an ordinary title: %v", p)
	}
}
