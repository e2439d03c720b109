package app_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/domain"
)

// pdf is a small but well-formed PDF file.
var pdf = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n" +
	"trailer << /Root 1 0 R >>\n%%EOF\n")

func TestMarkReviewed(t *testing.T) {
	f := newFixture(t)
	d := f.doc(f.owner, domain.DocumentInput{Type: sp("rutin"), Title: sp("Rutin för loggranskning"), OrgUnitID: &f.unitSoc,
		ReviewIntervalMonths: ip(6), NextReviewAt: sp("2025-04-01")})
	before := f.auditCount()

	comment := "  Genomgången utan anmärkning. "
	r, err := f.app.MarkReviewed(f.ctx, f.owner, f.munA, domain.KindDocument, d.ID, app.ReviewInput{Comment: &comment})
	if err != nil {
		t.Fatal(err)
	}
	if r.LastReviewedAt == nil || *r.LastReviewedAt != f.today() || r.NextReviewAt == nil || r.NextReviewAt.String() != "2025-11-10" {
		t.Errorf("returned record: last %v next %v", r.LastReviewedAt, r.NextReviewAt)
	}
	got, _ := f.app.Document(f.ctx, f.owner, f.munA, d.ID)
	if got.LastReviewedAt == nil || got.LastReviewedAt.String() != "2025-05-10" || got.NextReviewAt == nil || got.NextReviewAt.String() != "2025-11-10" {
		t.Errorf("stored: last %v next %v, want 2025-05-10 / 2025-11-10", got.LastReviewedAt, got.NextReviewAt)
	}
	rs, err := f.app.Reviews(f.ctx, f.coord, f.munA, domain.KindDocument, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].ReviewedAt.String() != "2025-05-10" || rs[0].NextReviewAt.String() != "2025-11-10" ||
		rs[0].ReviewedBy != f.ownerID || rs[0].ReviewerName != "Olle Informationsägare" || rs[0].Comment != "Genomgången utan anmärkning." {
		t.Errorf("reviews = %+v", rs)
	}
	rows := f.auditRows("document")
	last := rows[len(rows)-1]
	if f.auditCount() != before+1 || last.Action != "review" || last.RecordID != d.ID || last.Actor != "olle" ||
		!strings.Contains(last.After, `"next_review_at":"2025-11-10"`) {
		t.Errorf("audit after review: %d rows (was %d), last %+v", f.auditCount(), before, last)
	}

	// At the end of August, six months on clamps to the end of February.
	f.now = time.Date(2025, time.August, 31, 12, 0, 0, 0, time.UTC)
	r, err = f.app.MarkReviewed(f.ctx, f.coord, f.munA, domain.KindDocument, d.ID, app.ReviewInput{})
	if err != nil {
		t.Fatal(err)
	}
	if r.NextReviewAt.String() != "2026-02-28" || r.LastReviewedAt.String() != "2025-08-31" {
		t.Errorf("clamped review: last %v next %v", r.LastReviewedAt, r.NextReviewAt)
	}
	// A review on an earlier day counts from that day; an explicit next date wins.
	r, err = f.app.MarkReviewed(f.ctx, f.coord, f.munA, domain.KindDocument, d.ID, app.ReviewInput{ReviewedAt: sp("2025-08-01")})
	if err != nil || r.NextReviewAt.String() != "2026-02-01" {
		t.Errorf("review on 2025-08-01: next %v, %v", r.NextReviewAt, err)
	}
	r, err = f.app.MarkReviewed(f.ctx, f.coord, f.munA, domain.KindDocument, d.ID, app.ReviewInput{NextReviewAt: sp("2025-12-01")})
	if err != nil || r.NextReviewAt.String() != "2025-12-01" {
		t.Errorf("explicit next: %v, %v", r.NextReviewAt, err)
	}
	if rs, _ := f.app.Reviews(f.ctx, f.coord, f.munA, domain.KindDocument, d.ID); len(rs) != 4 || rs[0].NextReviewAt.String() != "2025-12-01" {
		t.Errorf("reviews newest first: %+v", rs)
	}

	// Bad input changes nothing.
	n := f.auditCount()
	for _, tc := range []struct {
		in    app.ReviewInput
		field string
		key   string
	}{
		{app.ReviewInput{ReviewedAt: sp("2025-09-01")}, "reviewed_at", "err.date_future"},
		{app.ReviewInput{ReviewedAt: sp("1/9/2025")}, "reviewed_at", "err.date"},
		{app.ReviewInput{NextReviewAt: sp("2025-08-31")}, "next_review_at", "err.next_after_review"},
		{app.ReviewInput{NextReviewAt: sp("2025-02-30")}, "next_review_at", "err.date"},
		{app.ReviewInput{Comment: sp("nul\x00")}, "comment", "err.control_chars"},
	} {
		_, err := f.app.MarkReviewed(f.ctx, f.coord, f.munA, domain.KindDocument, d.ID, tc.in)
		if e := wantCode(t, err, domain.EInvalid); e.Fields[tc.field] != tc.key {
			t.Errorf("%+v: fields %v, want %s=%s", tc.in, e.Fields, tc.field, tc.key)
		}
	}
	if f.auditCount() != n {
		t.Errorf("rejected reviews were audited")
	}
	if got, _ := f.app.Document(f.ctx, f.coord, f.munA, d.ID); got.NextReviewAt.String() != "2025-12-01" {
		t.Errorf("rejected review changed the date to %v", got.NextReviewAt)
	}

	// Who may review: not management, not an owner of another unit, not across municipalities.
	_, err = f.app.MarkReviewed(f.ctx, f.mgmt, f.munA, domain.KindDocument, d.ID, app.ReviewInput{})
	wantCode(t, err, domain.EForbidden)
	_, err = f.app.MarkReviewed(f.ctx, f.owner2, f.munA, domain.KindDocument, d.ID, app.ReviewInput{})
	wantCode(t, err, domain.ENotFound)
	_, err = f.app.MarkReviewed(f.ctx, f.coord, f.munA, domain.KindDocument, 999999, app.ReviewInput{})
	wantCode(t, err, domain.ENotFound)
	_, err = f.app.MarkReviewed(f.ctx, f.coord, f.munA, domain.Kind("t_risk"), d.ID, app.ReviewInput{})
	wantCode(t, err, domain.ENotFound)
}

// dueTitles returns the titles of a due list in order.
func dueTitles(items []domain.DueItem) []string {
	out := []string{}
	for _, it := range items {
		out = append(out, it.Title)
	}
	return out
}

func TestDues(t *testing.T) {
	f := newFixture(t)
	mk := func(c app.Caller, title string, unit int64, next string, owner *int64, status string) {
		in := domain.DocumentInput{Type: sp("rutin"), Title: sp(title), OrgUnitID: &unit, NextReviewAt: sp(next), OwnerID: owner}
		if status != "" {
			in.Status = sp(status)
		}
		d := f.doc(c, in)
		if next == "" { // a new document's review follows from its interval: cleared afterwards
			if _, err := f.app.UpdateDocument(f.ctx, c, f.munA, d.ID, domain.DocumentInput{NextReviewAt: sp("")}); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Today is 2025-05-10; "soon" runs to 2025-06-09.
	mk(f.coord, "Gammal policy", f.unitKS, "2024-04-01", nil, "")
	mk(f.coord, "Försenad rutin", f.unitSoc, "2025-05-09", &f.ownerID, "")
	mk(f.coord, "Rutin i dag", f.unitSoc, "2025-05-10", &f.ownerID, "")
	mk(f.coord, "Sista snart-dagen", f.unitIT, "2025-06-09", &f.owner2ID, "")
	mk(f.coord, "Senare", f.unitIT, "2025-06-10", &f.ownerID, "")
	mk(f.coord, "Utan datum", f.unitKS, "", nil, "")
	mk(f.coord, "Pensionerad", f.unitSoc, "2024-01-01", &f.ownerID, "retired")
	mk(f.coord, "Olles IT-dokument", f.unitIT, "2025-03-01", &f.ownerID, "")
	if _, err := f.app.CreateDocument(f.ctx, f.coordB, f.munB, domain.DocumentInput{Type: sp("policy"), Title: sp("Borgbys försenade"),
		OrgUnitID: &f.unitB, NextReviewAt: sp("2020-01-01")}); err != nil {
		t.Fatal(err)
	}
	// Records of other kinds share the core table and the review list.
	db := f.db()
	for _, r := range []struct {
		kind, title string
		unit        int64
		owner       any
		next        string
	}{
		{"t_risk", "Risk: ransomware", f.unitIT, f.owner2ID, "2025-05-01"},
		{"t_asset", "Tillgång: verksamhetssystem", f.unitSoc, nil, "2025-05-20"},
	} {
		if _, err := db.ExecContext(f.ctx, `INSERT INTO records (municipality_id, kind, title, org_unit_id, owner_id, status, review_interval_months,
			next_review_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'open', 12, ?, ?, ?)`, f.munA, r.kind, r.title, r.unit, r.owner, r.next, start, start); err != nil {
			t.Fatal(err)
		}
	}

	tests := []struct {
		name  string
		c     app.Caller
		due   domain.DueFilter
		mine  bool
		limit int
		want  []string
	}{
		{"coordinator overdue", f.coord, domain.DueFilterOverdue, false, 0,
			[]string{"Gammal policy", "Olles IT-dokument", "Risk: ransomware", "Försenad rutin"}},
		{"coordinator soon", f.coord, domain.DueFilterSoon, false, 0,
			[]string{"Rutin i dag", "Tillgång: verksamhetssystem", "Sista snart-dagen"}},
		{"coordinator attention", f.coord, "", false, 0,
			[]string{"Gammal policy", "Olles IT-dokument", "Risk: ransomware", "Försenad rutin", "Rutin i dag", "Tillgång: verksamhetssystem", "Sista snart-dagen"}},
		{"coordinator all", f.coord, domain.DueFilterAll, false, 0,
			[]string{"Gammal policy", "Olles IT-dokument", "Risk: ransomware", "Försenad rutin", "Rutin i dag", "Tillgång: verksamhetssystem", "Sista snart-dagen", "Senare"}},
		{"coordinator all, limit 2", f.coord, domain.DueFilterAll, false, 2, []string{"Gammal policy", "Olles IT-dokument"}},
		{"auditor overdue", f.auditor, domain.DueFilterOverdue, false, 0,
			[]string{"Gammal policy", "Olles IT-dokument", "Risk: ransomware", "Försenad rutin"}},
		// An owner follows up the records of their units and the records they own elsewhere.
		{"social owner overdue", f.owner, domain.DueFilterOverdue, false, 0, []string{"Olles IT-dokument", "Försenad rutin"}},
		{"social owner all", f.owner, domain.DueFilterAll, false, 0, []string{"Olles IT-dokument", "Försenad rutin", "Rutin i dag", "Tillgång: verksamhetssystem", "Senare"}},
		{"social owner mine overdue", f.owner, domain.DueFilterOverdue, true, 0, []string{"Olles IT-dokument", "Försenad rutin"}},
		{"social owner mine all", f.owner, domain.DueFilterAll, true, 0, []string{"Olles IT-dokument", "Försenad rutin", "Rutin i dag", "Senare"}},
		{"IT owner overdue", f.owner2, domain.DueFilterOverdue, false, 0, []string{"Olles IT-dokument", "Risk: ransomware"}},
		{"IT owner mine all", f.owner2, domain.DueFilterAll, true, 0, []string{"Risk: ransomware", "Sista snart-dagen"}},
		{"coordinator mine", f.coord, domain.DueFilterAll, true, 0, []string{"Gammal policy"}},
		{"staff mine", f.staff, domain.DueFilterAll, true, 0, []string{}},
	}
	for _, tc := range tests {
		items, err := f.app.Dues(f.ctx, tc.c, f.munA, tc.due, tc.mine, tc.limit)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		// The statement-of-applicability rows (all due a year after set-up, after these)
		// are left out here; the SoA tests follow them.
		items = slices.DeleteFunc(items, func(it domain.DueItem) bool { return it.Kind == domain.KindControl && tc.limit == 0 })
		if got := dueTitles(items); !slices.Equal(got, tc.want) {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
		for _, it := range items {
			if it.MunicipalityID != f.munA || it.NextReviewAt == nil || it.OrgUnitName == "" {
				t.Errorf("%s: bad item %+v", tc.name, it)
			}
		}
	}

	// The items carry what the list shows.
	items, _ := f.app.Dues(f.ctx, f.coord, f.munA, domain.DueFilterOverdue, false, 0)
	risk := items[2]
	if risk.Kind != "t_risk" || risk.OwnerName != "Ingrid IT-chef" || risk.OrgUnitName != "IT-enheten" || risk.Status != "open" || risk.NextReviewAt.String() != "2025-05-01" {
		t.Errorf("risk item = %+v", risk)
	}
	if items[0].Kind != domain.KindDocument || items[0].OwnerName != "Kristina Koordinator" || items[0].OrgUnitName != "Kommunstyrelsen" {
		t.Errorf("document item = %+v", items[0])
	}

	// Reviewing the overdue document takes it off the overdue list.
	if _, err := f.app.MarkReviewed(f.ctx, f.owner, f.munA, domain.KindDocument, items[3].ID, app.ReviewInput{}); err != nil {
		t.Fatal(err)
	}
	items, _ = f.app.Dues(f.ctx, f.owner, f.munA, domain.DueFilterOverdue, false, 0)
	if got := dueTitles(items); !slices.Equal(got, []string{"Olles IT-dokument"}) {
		t.Errorf("after review, overdue = %q", got)
	}
	// Time passing moves documents from soon to overdue.
	f.advance(40 * 24 * time.Hour)
	items, _ = f.app.Dues(f.ctx, f.owner, f.munA, domain.DueFilterOverdue, false, 0)
	if got := dueTitles(items); !slices.Equal(got, []string{"Olles IT-dokument", "Rutin i dag", "Tillgång: verksamhetssystem", "Senare"}) {
		t.Errorf("40 days later, overdue = %q", got)
	}
	// Retiring a document takes it off every list.
	all, _ := f.app.Dues(f.ctx, f.coord, f.munA, domain.DueFilterAll, false, 0)
	var idToday int64
	for _, it := range all {
		if it.Title == "Rutin i dag" {
			idToday = it.ID
		}
	}
	if _, err := f.app.UpdateDocument(f.ctx, f.coord, f.munA, idToday, domain.DocumentInput{Status: sp("retired")}); err != nil {
		t.Fatal(err)
	}
	all2, _ := f.app.Dues(f.ctx, f.coord, f.munA, domain.DueFilterAll, false, 0)
	if len(all2) != len(all)-1 || slices.Contains(dueTitles(all2), "Rutin i dag") {
		t.Errorf("retired document still listed: %q", dueTitles(all2))
	}
}

// emptyZip is a zip archive with no entries: just the end-of-central-directory record.
var emptyZip = append([]byte("PK\x05\x06"), make([]byte, 18)...)

func zipOf(t *testing.T, files ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, name := range files {
		fw, err := w.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(fw, "<?xml version=\"1.0\"?><x>%s</x>", name)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// lateOfficeZip is an OOXML-like archive whose first entry is large and stored uncompressed,
// so the sniffer sees only a zip in the bytes it reads.
func lateOfficeZip(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	fw, err := w.CreateHeader(&zip.FileHeader{Name: "[Content_Types].xml", Method: zip.Store})
	if err != nil {
		t.Fatal(err)
	}
	fw.Write([]byte("<?xml version=\"1.0\"?><Types>" + strings.Repeat("<Default Extension=\"xml\"/>", 400) + "</Types>"))
	fw, _ = w.Create("word/document.xml")
	fw.Write([]byte("<w:document/>"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestEvidence(t *testing.T) {
	f := newFixture(t)
	d := f.doc(f.owner, domain.DocumentInput{Type: sp("rutin"), Title: sp("Rutin"), OrgUnitID: &f.unitSoc})

	e, err := f.app.AddEvidence(f.ctx, f.owner, f.munA, domain.KindDocument, d.ID, `C:\Users\olle\..\protokoll "KS".pdf`, pdf)
	if err != nil {
		t.Fatalf("pdf refused: %v", err)
	}
	sum := sha256.Sum256(pdf)
	if e.ContentType != "application/pdf" || e.SHA256 != hex.EncodeToString(sum[:]) || e.Size != int64(len(pdf)) ||
		e.Filename != "protokoll KS.pdf" || e.UploadedBy != f.ownerID || e.ID == 0 || e.Data != nil {
		t.Errorf("evidence = %+v", e)
	}
	list, err := f.app.EvidenceList(f.ctx, f.auditor, f.munA, domain.KindDocument, d.ID)
	if err != nil || len(list) != 1 || list[0].ID != e.ID || list[0].Data != nil || list[0].UploaderName != "Olle Informationsägare" {
		t.Errorf("list = %+v, %v", list, err)
	}
	file, err := f.app.EvidenceFile(f.ctx, f.auditor, f.munA, domain.KindDocument, d.ID, e.ID)
	if err != nil || !bytes.Equal(file.Data, pdf) || file.SHA256 != e.SHA256 {
		t.Errorf("download: %d bytes, %v", len(file.Data), err)
	}
	// Another unit's owner cannot see the file, even knowing its ids.
	_, err = f.app.EvidenceFile(f.ctx, f.owner2, f.munA, domain.KindDocument, d.ID, e.ID)
	wantCode(t, err, domain.ENotFound)

	// Office documents, CSV and images are accepted by their bytes.
	docx := zipOf(t, "[Content_Types].xml", "_rels/.rels", "word/document.xml")
	for _, ok := range []struct {
		name string
		data []byte
		want string
	}{
		{"riskanalys.docx", docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		// An office file whose first kilobytes do not show what it is sniffs as zip; its name decides.
		{"stor.docx", lateOfficeZip(t), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"stor.xlsx", lateOfficeZip(t), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{"lista.csv", []byte("namn,roll\nolle,ägare\ningrid,ägare\n"), "text/csv"},
		{"noteringar.txt", []byte("Granskat och godkänt.\n"), "text/plain"},
		{"skärmbild.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"), "image/png"},
	} {
		e, err := f.app.AddEvidence(f.ctx, f.owner, f.munA, domain.KindDocument, d.ID, ok.name, ok.data)
		if err != nil {
			t.Errorf("%s refused: %v", ok.name, err)
			continue
		}
		if e.ContentType != ok.want {
			t.Errorf("%s stored as %q, want %q", ok.name, e.ContentType, ok.want)
		}
	}

	// Executables and archives are refused whatever they are called.
	n := f.auditCount()
	elf := append([]byte("\x7fELF\x02\x01\x01\x00"), make([]byte, 56)...)
	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), make([]byte, 50)...)
	for _, bad := range []struct {
		name string
		data []byte
		key  string
	}{
		{"rapport.pdf", elf, "err.file_type"},
		{"program", elf, "err.file_type"},
		{"rapport.pdf", exe, "err.file_type"},
		{"setup.exe", exe, "err.file_type"},
		{"arkiv.zip", emptyZip, "err.file_type"},
		{"lista.csv", emptyZip, "err.file_type"},
		{"noteringar.txt", emptyZip, "err.file_type"},
		{"arkiv.zip", zipOf(t, "payload.exe"), "err.file_type"},
		{"tom.pdf", []byte{}, "err.file_empty"},
		{"", pdf, "err.required"},
		{"..", pdf, "err.required"},
		{"sida.pdf", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), "err.file_type"},
	} {
		_, err := f.app.AddEvidence(f.ctx, f.owner, f.munA, domain.KindDocument, d.ID, bad.name, bad.data)
		if err == nil {
			t.Errorf("%s (%q...) accepted", bad.name, bad.data[:min(len(bad.data), 4)])
			continue
		}
		if e := wantCode(t, err, domain.EInvalid); e.Fields["file"] != bad.key {
			t.Errorf("%s: fields %v, want file=%s", bad.name, e.Fields, bad.key)
		}
	}
	// Too large: refused before looking at the contents.
	big := make([]byte, domain.MaxEvidenceBytes+1)
	copy(big, pdf)
	_, err = f.app.AddEvidence(f.ctx, f.owner, f.munA, domain.KindDocument, d.ID, "stor.pdf", big)
	if e := wantCode(t, err, domain.ETooLarge); e.Fields["file"] != "err.file_too_large" {
		t.Errorf("fields = %v", e.Fields)
	}
	if f.auditCount() != n {
		t.Errorf("refused files were audited")
	}
	// Exactly at the limit is fine.
	_, err = f.app.AddEvidence(f.ctx, f.owner, f.munA, domain.KindDocument, d.ID, "precis.pdf", big[:domain.MaxEvidenceBytes])
	if err != nil {
		t.Errorf("file of exactly %d bytes: %v", domain.MaxEvidenceBytes, err)
	}

	// Only those who may update the record may add or remove evidence.
	_, err = f.app.AddEvidence(f.ctx, f.mgmt, f.munA, domain.KindDocument, d.ID, "a.pdf", pdf)
	wantCode(t, err, domain.EForbidden)
	wantCode(t, f.app.DeleteEvidence(f.ctx, f.auditor, f.munA, domain.KindDocument, d.ID, e.ID), domain.EForbidden)
	if err := f.app.DeleteEvidence(f.ctx, f.owner, f.munA, domain.KindDocument, d.ID, e.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.app.EvidenceFile(f.ctx, f.owner, f.munA, domain.KindDocument, d.ID, e.ID)
	wantCode(t, err, domain.ENotFound)
	wantCode(t, f.app.DeleteEvidence(f.ctx, f.owner, f.munA, domain.KindDocument, d.ID, e.ID), domain.ENotFound)
	// Evidence of one record is not reachable through another.
	other := f.doc(f.owner, domain.DocumentInput{Type: sp("rutin"), Title: sp("Annan"), OrgUnitID: &f.unitSoc})
	list, _ = f.app.EvidenceList(f.ctx, f.owner, f.munA, domain.KindDocument, d.ID)
	_, err = f.app.EvidenceFile(f.ctx, f.owner, f.munA, domain.KindDocument, other.ID, list[0].ID)
	wantCode(t, err, domain.ENotFound)
}

// TestEveryChangeIsAudited walks through the life of a document and checks that each change,
// and nothing else, appends one entry, and that the chain verifies afterwards.
func TestEveryChangeIsAudited(t *testing.T) {
	f := newFixture(t)
	n0 := f.auditCount()
	if n0 == 0 {
		t.Fatal("setup left no audit entries")
	}
	d := f.doc(f.owner, domain.DocumentInput{Type: sp("rutin"), Title: sp("Rutin"), OrgUnitID: &f.unitSoc})
	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	_, err := f.app.UpdateDocument(f.ctx, f.owner, f.munA, d.ID, domain.DocumentInput{Title: sp("Rutin 2")})
	step("update", err)
	_, err = f.app.UpdateDocument(f.ctx, f.mgmt, f.munA, d.ID, domain.DocumentInput{Status: sp("adopted"), AdoptedBy: sp("namnd")})
	step("adopt", err)
	_, err = f.app.AddComment(f.ctx, f.auditor, f.munA, domain.KindDocument, d.ID, "Bra.")
	step("comment", err)
	ev, err := f.app.AddEvidence(f.ctx, f.owner, f.munA, domain.KindDocument, d.ID, "a.pdf", pdf)
	step("evidence", err)
	_, err = f.app.MarkReviewed(f.ctx, f.owner, f.munA, domain.KindDocument, d.ID, app.ReviewInput{})
	step("review", err)
	step("evidence delete", f.app.DeleteEvidence(f.ctx, f.owner, f.munA, domain.KindDocument, d.ID, ev.ID))
	// Refused and read-only calls append nothing.
	_, err = f.app.UpdateDocument(f.ctx, f.auditor, f.munA, d.ID, domain.DocumentInput{Title: sp("x")})
	wantCode(t, err, domain.EForbidden)
	_, _ = f.app.Document(f.ctx, f.owner, f.munA, d.ID)
	_, _ = f.app.Dues(f.ctx, f.owner, f.munA, domain.DueFilterAll, false, 0)
	hist, err := f.app.History(f.ctx, f.auditor, f.munA, domain.KindDocument, d.ID)
	step("history", err)
	_, err = f.app.UpdateDocument(f.ctx, f.mgmt, f.munA, d.ID, domain.DocumentInput{Status: sp("retired")})
	step("retire", err)
	// Adopted once, it is retired, never deleted.
	wantCode(t, f.app.DeleteDocument(f.ctx, f.owner, f.munA, d.ID), domain.EConflict)

	rows := f.auditRows("")[n0:]
	var got []string
	for _, r := range rows {
		got = append(got, r.Action+" by "+r.Actor)
		if r.Kind != "document" || r.RecordID != d.ID || r.Mun != f.munA || r.IP != "192.0.2.10" || r.ActorID == 0 {
			t.Errorf("entry %+v", r)
		}
	}
	want := []string{"create by olle", "update by olle", "update by maja", "comment by rut", "evidence_add by olle", "review by olle",
		"evidence_delete by olle", "update by maja"}
	if !slices.Equal(got, want) {
		t.Errorf("audit entries:\n got %q\nwant %q", got, want)
	}
	// History shows the record's entries newest first (here, before the delete).
	if len(hist) != 7 || hist[0].Action != "evidence_delete" || hist[6].Action != "create" {
		t.Errorf("history = %d entries", len(hist))
	}
	// The evidence entry records the file's hash, not its contents.
	if !strings.Contains(rows[4].After, ev.SHA256) || strings.Contains(rows[4].After, "PDF-1.4") {
		t.Errorf("evidence audit entry: %s", rows[4].After)
	}
	// The retirement keeps what the document was and says what it became.
	if ret := rows[len(rows)-1]; !strings.Contains(ret.Before, `"status":"adopted"`) || !strings.Contains(ret.After, `"status":"retired"`) {
		t.Errorf("retire entry before %q after %q", ret.Before, ret.After)
	}
	// Deleting a draft made by mistake: the entry keeps what the document was.
	draft := f.doc(f.owner, domain.DocumentInput{Type: sp("rutin"), Title: sp("Felskapad"), OrgUnitID: &f.unitSoc})
	step("delete", f.app.DeleteDocument(f.ctx, f.owner, f.munA, draft.ID))
	if all := f.auditRows(""); all[len(all)-1].Action != "delete" || !strings.Contains(all[len(all)-1].Before, `"title":"Felskapad"`) || all[len(all)-1].After != "" {
		t.Errorf("delete entry %+v", all[len(all)-1])
	}
	count, err := f.store.VerifyAudit(f.ctx)
	if err != nil || count != f.auditCount() {
		t.Errorf("VerifyAudit = %d, %v; want %d entries, no error", count, err, f.auditCount())
	}
}

// The review list shows a record only to those who may read its kind: following up reviews
// in one's units does not reveal the titles of a kind one may not read.
func TestDuesLeaveOutKindsTheCallerMayNotRead(t *testing.T) {
	f := newFixture(t)
	if _, err := f.db().Exec(`INSERT INTO records (municipality_id, kind, title, org_unit_id, owner_id, status, review_interval_months,
		next_review_at, created_at, updated_at) VALUES (?, 'secret', 'Hemlig incident', ?, NULL, 'open', 12, '2025-05-01', ?, ?)`, f.munA, f.unitSoc, start, start); err != nil {
		t.Fatal(err)
	}
	for who, c := range map[string]app.Caller{"owner": f.owner, "management": f.mgmt, "auditor": f.auditor} {
		items, err := f.app.Dues(f.ctx, c, f.munA, domain.DueFilterAll, false, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			if it.Kind == "secret" {
				t.Errorf("%s sees %q in the review list", who, it.Title)
			}
		}
	}
	items, err := f.app.Dues(f.ctx, f.coord, f.munA, domain.DueFilterOverdue, false, 0)
	if err != nil || !slices.ContainsFunc(items, func(it domain.DueItem) bool { return it.Title == "Hemlig incident" }) {
		t.Errorf("the coordinator, who may read it, does not see it: %v", err)
	}
}

// The dashboard's shared counts follow this process's writes at once: marking a record
// reviewed lowers the overdue count on the next view, cached or not.
func TestSharedCountsFollowWrites(t *testing.T) {
	f := newFixture(t)
	past := f.today().AddDays(-3).String()
	d := f.doc(f.coord, domain.DocumentInput{Type: sp("rutin"), Title: sp("Försenad"), OrgUnitID: &f.unitSoc, NextReviewAt: &past})
	n, err := f.app.DueCount(f.ctx, f.coord, f.munA, domain.DueFilterOverdue, false)
	if err != nil || n != 1 {
		t.Fatalf("overdue %d, %v", n, err)
	}
	units, err := f.app.DueCountsByUnit(f.ctx, f.coord, f.munA, domain.DueFilterOverdue, 10)
	if err != nil || len(units) != 1 || units[0].N != 1 {
		t.Fatalf("per unit %+v, %v", units, err)
	}
	if _, err := f.app.MarkReviewed(f.ctx, f.coord, f.munA, domain.KindDocument, d.ID, app.ReviewInput{}); err != nil {
		t.Fatal(err)
	}
	if n, _ := f.app.DueCount(f.ctx, f.coord, f.munA, domain.DueFilterOverdue, false); n != 0 {
		t.Errorf("overdue after the review: %d", n)
	}
	if units, _ := f.app.DueCountsByUnit(f.ctx, f.coord, f.munA, domain.DueFilterOverdue, 10); len(units) != 0 {
		t.Errorf("per unit after the review: %+v", units)
	}
}
