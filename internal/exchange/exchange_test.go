package exchange_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/catalog"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/exchange"
)

var headersSV = []string{"Id", "Titel", "Tema", "Tillämplig", "Motivering", "Status", "Ägare", "Bevis", "Senast granskad", "Nästa granskning"}

// state is what an import may change, plus what it must leave alone, of one row.
func state(c domain.ControlImpl) string {
	owner := int64(0)
	if c.OwnerID != nil {
		owner = *c.OwnerID
	}
	date := func(d *domain.Date) string {
		if d == nil {
			return "-"
		}
		return d.String()
	}
	return fmt.Sprintf("%s applicable=%v status=%s justification=%q owner=%d evidence=%v units=%v reviewed=%s next=%s",
		c.ControlID, c.Applicable, c.Status, c.Justification, owner, c.EvidenceIDs, c.UnitStatuses, date(c.LastReviewedAt), date(c.NextReviewAt))
}

func states(rows []app.SoARow) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = state(r.ControlImpl)
	}
	return out
}

// diff lists the rows whose state differs.
func diff(before []app.SoARow, after []domain.ControlImpl) map[string]string {
	out := map[string]string{}
	for i := range before {
		if a, b := state(after[i]), state(before[i].ControlImpl); a != b {
			out[before[i].ControlID] = a
		}
	}
	return out
}

func exportXLSX(t testing.TB, f *fixture, rows []app.SoARow, lang string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := exchange.WriteXLSX(&buf, f.mun, rows, f.owners, f.evidence, lang); err != nil {
		t.Fatalf("write xlsx: %v", err)
	}
	return buf.Bytes()
}

func openXLSX(t testing.TB, b []byte) *excelize.File {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("open xlsx: %v", err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}

func save(t testing.TB, x *excelize.File) []byte {
	t.Helper()
	buf, err := x.WriteToBuffer()
	if err != nil {
		t.Fatalf("save xlsx: %v", err)
	}
	return buf.Bytes()
}

// lineOf finds the spreadsheet line of a control id in column A.
func lineOf(t testing.TB, x *excelize.File, sheet, id string) int {
	t.Helper()
	rows, err := x.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if len(r) > 0 && r[0] == id {
			return i + 1
		}
	}
	t.Fatalf("no line for %s", id)
	return 0
}

func set(t testing.TB, x *excelize.File, sheet, cell string, v any) {
	t.Helper()
	if err := x.SetCellValue(sheet, cell, v); err != nil {
		t.Fatal(err)
	}
}

func TestXLSXLayout(t *testing.T) {
	f := newFixture(t)
	f.populate()
	rows := f.soa()
	x := openXLSX(t, exportXLSX(t, f, rows, "sv"))
	const sheet = "Tillämplighetsförklaring"
	if got := x.GetSheetList(); !slices.Equal(got, []string{sheet, "Om"}) {
		t.Fatalf("sheets = %q", got)
	}
	if i := x.GetActiveSheetIndex(); i != 0 {
		t.Errorf("active sheet %d", i)
	}
	all, err := x.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 94 || !slices.Equal(all[0], headersSV) {
		t.Fatalf("%d lines, header %q", len(all), all[0])
	}
	byID := map[string][]string{}
	for _, r := range all[1:] {
		byID[r[0]] = r
	}
	r51 := byID["5.1"]
	want := []string{"5.1", "Informationssäkerhetspolicyer", "Organisatoriska säkerhetsåtgärder", "Ja",
		"Policyn antogs av kommunfullmäktige 2024.", "införd", "Kristina Koordinator",
		"Informationssäkerhetspolicy; Riktlinje för roller och ansvar", "2025-04-01"}
	if !slices.Equal(r51[:len(want)], want) || len(r51) != 10 || r51[9] == "" {
		t.Errorf("5.1 = %q", r51)
	}
	if r := byID["7.4"]; r[3] != "Nej" || r[5] != "ej tillämplig" || r[6] != "" {
		t.Errorf("7.4 = %q", r)
	}
	if r := byID["5.2"]; r[5] != "delvis" || r[6] != "Olle Informationsägare" || r[7] != "Riktlinje för roller och ansvar" {
		t.Errorf("5.2 = %q", r)
	}
	if r := byID["5.3"]; r[5] != "ej påbörjad" {
		t.Errorf("5.3 = %q", r)
	}
	// The dates are real dates, shown as YYYY-MM-DD.
	if v, _ := x.GetCellValue(sheet, "I2", excelize.Options{RawCellValue: true}); v == "2025-04-01" || v == "" {
		t.Errorf("I2 raw = %q, want a date serial number", v)
	}

	// Bold, frozen header; autofilter over the whole table; column widths; drop-down lists.
	style, err := x.GetCellStyle(sheet, "A1")
	if err != nil {
		t.Fatal(err)
	}
	st, err := x.GetStyle(style)
	if err != nil || st.Font == nil || !st.Font.Bold {
		t.Errorf("header style = %+v %v", st, err)
	}
	panes, err := x.GetPanes(sheet)
	if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Errorf("panes = %+v %v", panes, err)
	}
	if w, _ := x.GetColWidth(sheet, "E"); w < 40 {
		t.Errorf("justification column width = %v", w)
	}
	sheetXML := zipEntry(t, exportXLSX(t, f, rows, "sv"), "xl/worksheets/sheet1.xml")
	if !strings.Contains(strings.ReplaceAll(sheetXML, "$", ""), `<autoFilter ref="A1:J94"`) {
		t.Errorf("no autofilter in sheet XML")
	}
	// Excel wants the column definitions in ascending order.
	var mins []int
	for _, m := range regexp.MustCompile(`<col min="(\d+)"`).FindAllStringSubmatch(sheetXML, -1) {
		n, _ := strconv.Atoi(m[1])
		mins = append(mins, n)
	}
	if len(mins) != 10 || !slices.IsSorted(mins) {
		t.Errorf("<col> elements in order %v", mins)
	}
	dvs, err := x.GetDataValidations(sheet)
	if err != nil || len(dvs) != 2 {
		t.Errorf("data validations = %d %v", len(dvs), err)
	}

	// The about sheet names the municipality and the export date.
	about, err := x.GetRows("Om")
	if err != nil {
		t.Fatal(err)
	}
	text := fmt.Sprint(about)
	for _, s := range []string{"Ankeby kommun", "212000-0001", "Exporterad", time.Now().In(domain.Sweden).Format("2006-01-02")} {
		if !strings.Contains(text, s) {
			t.Errorf("about sheet lacks %q: %v", s, about)
		}
	}

	// English.
	x = openXLSX(t, exportXLSX(t, f, rows, "en"))
	if got := x.GetSheetList(); !slices.Equal(got, []string{"Statement of applicability", "About"}) {
		t.Fatalf("sheets = %q", got)
	}
	all, _ = x.GetRows("Statement of applicability")
	if all[0][1] != "Title" || all[0][9] != "Next review" || all[1][1] != "Policies for information security" ||
		all[1][2] != "Organizational controls" || all[1][3] != "Yes" || all[1][5] != "implemented" {
		t.Errorf("english = %q / %q", all[0], all[1])
	}
}

func zipEntry(t testing.TB, b []byte, name string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		if zf.Name == name {
			rc, err := zf.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			data, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return string(data)
		}
	}
	t.Fatalf("no %s in workbook", name)
	return ""
}

func TestXLSXRoundTripChangesNothing(t *testing.T) {
	for _, lang := range []string{"sv", "en"} {
		t.Run(lang, func(t *testing.T) {
			f := newFixture(t)
			f.populate()
			before := f.soa()
			rows, err := exchange.ReadXLSX(bytes.NewReader(exportXLSX(t, f, before, lang)), exchange.MaxRows)
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			if len(rows) != 93 || rows[0].Line != 2 || rows[0].ControlID != "5.1" || rows[92].Line != 94 || rows[92].ControlID != "8.34" {
				t.Fatalf("%d rows, first %+v", len(rows), rows[0])
			}
			if ch := exchange.Changes(before, rows); len(ch) != 0 {
				t.Errorf("changes = %+v", ch)
			}
			ids, ins := exchange.Inputs(rows)
			out, err := f.app.UpdateSoARows(f.ctx, f.coord, f.mun.ID, ids, ins, true)
			if err != nil {
				t.Fatalf("dry run: %v", err)
			}
			if d := diff(before, out); len(d) != 0 {
				t.Errorf("dry run changes %v", d)
			}
			if _, err := f.app.UpdateSoARows(f.ctx, f.coord, f.mun.ID, ids, ins, false); err != nil {
				t.Fatalf("store: %v", err)
			}
			if a, b := states(f.soa()), states(before); !slices.Equal(a, b) {
				t.Errorf("stored round trip changed rows")
			}
		})
	}
}

func TestXLSXEditedCellsImport(t *testing.T) {
	f := newFixture(t)
	f.populate()
	before := f.soa()
	x := openXLSX(t, exportXLSX(t, f, before, "sv"))
	const sheet = "Tillämplighetsförklaring"
	n53, n67 := lineOf(t, x, sheet, "5.3"), lineOf(t, x, sheet, "6.7")
	set(t, x, sheet, "F"+strconv.Itoa(n53), "införd")
	set(t, x, sheet, "D"+strconv.Itoa(n67), "Nej")
	set(t, x, sheet, "E"+strconv.Itoa(n67), "  Distansarbete förekommer inte i kommunen. ")
	rows, err := exchange.ReadXLSX(bytes.NewReader(save(t, x)), exchange.MaxRows)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	if ch := exchange.Changes(before, rows); len(ch) != 2 || ch[0].ControlID != "5.3" || ch[1].ControlID != "6.7" || ch[1].Line != n67 {
		t.Errorf("changes = %+v", ch)
	}

	// A dry run shows the two changes and stores nothing.
	ids, ins := exchange.Inputs(rows)
	out, err := f.app.UpdateSoARows(f.ctx, f.coord, f.mun.ID, ids, ins, true)
	if err != nil {
		t.Fatalf("dry run: %v", err)
	}
	d := diff(before, out)
	if len(d) != 2 || !strings.Contains(d["5.3"], "status=implemented") ||
		!strings.Contains(d["6.7"], `applicable=false status=not_applicable justification="Distansarbete förekommer inte i kommunen."`) {
		t.Errorf("dry run diff = %v", d)
	}
	if a, b := states(f.soa()), states(before); !slices.Equal(a, b) {
		t.Fatalf("dry run stored something")
	}

	// For real.
	if _, err := f.app.UpdateSoARows(f.ctx, f.coord, f.mun.ID, ids, ins, false); err != nil {
		t.Fatalf("store: %v", err)
	}
	after := f.soa()
	got := map[string]string{}
	for i := range after {
		if a, b := state(after[i].ControlImpl), state(before[i].ControlImpl); a != b {
			got[after[i].ControlID] = a
		}
	}
	if len(got) != 2 || got["5.3"] != d["5.3"] || got["6.7"] != d["6.7"] {
		t.Errorf("stored = %v, want %v", got, d)
	}

	// Only the changed rows need sending; an unknown id is reported on its spreadsheet line,
	// whether alone or among other changes.
	set(t, x, sheet, "A"+strconv.Itoa(n53), "9.99")
	for _, also := range []bool{false, true} {
		if also {
			set(t, x, sheet, "F"+strconv.Itoa(lineOf(t, x, sheet, "8.2")), "delvis")
		}
		rows, err = exchange.ReadXLSX(bytes.NewReader(save(t, x)), exchange.MaxRows)
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		ch := exchange.Changes(after, rows)
		if len(ch) != map[bool]int{false: 1, true: 2}[also] {
			t.Fatalf("changes = %+v", ch)
		}
		ids, ins = exchange.Inputs(ch)
		_, err = f.app.UpdateSoARows(f.ctx, f.coord, f.mun.ID, ids, ins, true)
		bad := rowsError(t, exchange.WithLines(err, ch))
		if len(bad) != 1 || bad[0].Row != n53 || bad[0].ControlID != "9.99" || bad[0].Message != "err.unknown_control" {
			t.Errorf("bad rows = %+v", bad)
		}
	}

	// A single row's invalid value, too.
	no := false
	one := []exchange.ImportRow{{Line: 17, ControlID: "5.15", Input: domain.SoAInput{Applicable: &no, Justification: sp("")}}}
	ids, ins = exchange.Inputs(one)
	_, err = f.app.UpdateSoARows(f.ctx, f.coord, f.mun.ID, ids, ins, true)
	bad := rowsError(t, exchange.WithLines(err, one))
	if len(bad) != 1 || bad[0].Row != 17 || bad[0].Fields["justification"] != "err.justification_required" {
		t.Errorf("bad rows = %+v", bad)
	}
}

func TestXLSXUnreadable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tillampighetsforklaring.xlsx")
	if err := os.WriteFile(path, []byte("Id;Titel;Status\n5.1;Policy;införd\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	_, err = exchange.ReadXLSX(file, exchange.MaxRows)
	wantMessage(t, err, "err.xlsx_unreadable")

	// A zip archive that is not a workbook.
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("readme.txt")
	io.WriteString(w, "hej")
	zw.Close()
	_, err = exchange.ReadXLSX(&buf, exchange.MaxRows)
	wantMessage(t, err, "err.xlsx_unreadable")

	_, err = exchange.ReadXLSX(strings.NewReader(""), exchange.MaxRows)
	wantMessage(t, err, "err.xlsx_unreadable")
}

func TestXLSXColumns(t *testing.T) {
	f := newFixture(t)
	rows := f.soa()
	const sheet = "Tillämplighetsförklaring"
	edit := func(change func(x *excelize.File)) error {
		x := openXLSX(t, exportXLSX(t, f, rows, "sv"))
		change(x)
		_, err := exchange.ReadXLSX(bytes.NewReader(save(t, x)), exchange.MaxRows)
		return err
	}
	for name, change := range map[string]func(x *excelize.File){
		"extra column":     func(x *excelize.File) { set(t, x, sheet, "K1", "Kommentar") },
		"missing column":   func(x *excelize.File) { x.RemoveCol(sheet, "C") },
		"renamed column":   func(x *excelize.File) { set(t, x, sheet, "E1", "Kommentar") },
		"twice":            func(x *excelize.File) { set(t, x, sheet, "C1", "Titel") },
		"data beyond":      func(x *excelize.File) { set(t, x, sheet, "L5", "x") },
		"no header":        func(x *excelize.File) { x.RemoveRow(sheet, 1) },
		"empty sheet":      func(x *excelize.File) { clear(x, sheet) },
		"header gap (col)": func(x *excelize.File) { set(t, x, sheet, "D1", "") },
	} {
		t.Run(name, func(t *testing.T) {
			err := edit(change)
			wantMessage(t, err, "err.xlsx_columns")
		})
	}

	// Either language, any case, stray spaces, in any order: accepted.
	err := edit(func(x *excelize.File) {
		set(t, x, sheet, "A1", "  ID ")
		set(t, x, sheet, "B1", "TITLE")
		set(t, x, sheet, "D1", "applicable")
		set(t, x, sheet, "J1", "Nästa  granskning")
	})
	if err != nil {
		t.Errorf("mixed header: %v", err)
	}
	err = edit(func(x *excelize.File) {
		// Swap the Status and Motivering columns, header and data alike.
		all, _ := x.GetRows(sheet)
		for i, r := range all {
			n := strconv.Itoa(i + 1)
			set(t, x, sheet, "E"+n, r[5])
			set(t, x, sheet, "F"+n, r[4])
		}
	})
	if err != nil {
		t.Errorf("swapped columns: %v", err)
	}
}

func cellValue(t testing.TB, x *excelize.File, sheet, cell string) string {
	t.Helper()
	v, err := x.GetCellValue(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// clear empties a sheet entirely.
func clear(x *excelize.File, sheet string) {
	all, _ := x.GetRows(sheet)
	for range all {
		x.RemoveRow(sheet, 1)
	}
}

func TestXLSXRowErrors(t *testing.T) {
	f := newFixture(t)
	rows := f.soa()
	const sheet = "Tillämplighetsförklaring"
	x := openXLSX(t, exportXLSX(t, f, rows, "sv"))
	// A blank line 10 pushes the rows after it down; blank lines are skipped.
	if err := x.InsertRows(sheet, 10, 1); err != nil {
		t.Fatal(err)
	}
	clean := save(t, x)
	got, err := exchange.ReadXLSX(bytes.NewReader(clean), exchange.MaxRows)
	if err != nil || len(got) != 93 || got[8].Line != 11 {
		t.Fatalf("blank line: %d rows, %v", len(got), err)
	}

	set(t, x, sheet, "F21", "klar")   // unknown status
	set(t, x, sheet, "D30", "kanske") // not yes or no
	dup := cellValue(t, x, sheet, "A41")
	set(t, x, sheet, "A40", dup)      // the same id twice
	set(t, x, sheet, "A50", "")       // no id
	set(t, x, sheet, "D60", "Ja")     // fine
	set(t, x, sheet, "F60", "Delvis") // fine
	set(t, x, sheet, "D61", "FALSKT") // fine: not applicable, no status needed
	set(t, x, sheet, "F61", "")       //
	set(t, x, sheet, "F62", "")       // applicable needs a status
	_, err = exchange.ReadXLSX(bytes.NewReader(save(t, x)), exchange.MaxRows)
	bad := rowsError(t, err)
	type key struct {
		row   int
		field string
	}
	gotKeys := map[key]string{}
	for _, b := range bad {
		if b.Message == "err.duplicate_control" {
			gotKeys[key{b.Row, "duplicate"}] = b.ControlID
			continue
		}
		for field, msg := range b.Fields {
			gotKeys[key{b.Row, field}] = msg
		}
	}
	want := map[key]string{
		{21, "status"}:     "err.enum",
		{30, "applicable"}: "err.yes_no",
		{40, "duplicate"}:  dup,
		{41, "duplicate"}:  dup,
		{50, "control_id"}: "err.required",
		{62, "status"}:     "err.required",
	}
	if fmt.Sprint(gotKeys) != fmt.Sprint(want) {
		t.Errorf("row errors = %v\nwant %v", gotKeys, want)
	}
	for i := 1; i < len(bad); i++ {
		if bad[i-1].Row > bad[i].Row {
			t.Errorf("row errors out of order: %+v", bad)
		}
	}
}

func TestXLSXDuplicateIDs(t *testing.T) {
	f := newFixture(t)
	const sheet = "Tillämplighetsförklaring"
	x := openXLSX(t, exportXLSX(t, f, f.soa(), "sv"))
	n := lineOf(t, x, sheet, "8.12")
	set(t, x, sheet, "A"+strconv.Itoa(n), "5.1") // 5.1 is on line 2
	_, err := exchange.ReadXLSX(bytes.NewReader(save(t, x)), exchange.MaxRows)
	bad := rowsError(t, err)
	if len(bad) != 2 || bad[0].Row != 2 || bad[1].Row != n || bad[0].ControlID != "5.1" || bad[1].ControlID != "5.1" ||
		bad[0].Message != "err.duplicate_control" || bad[1].Message != "err.duplicate_control" {
		t.Errorf("row errors = %+v", bad)
	}
}

func TestXLSXStatusKlar(t *testing.T) {
	f := newFixture(t)
	const sheet = "Tillämplighetsförklaring"
	x := openXLSX(t, exportXLSX(t, f, f.soa(), "sv"))
	n := lineOf(t, x, sheet, "8.12")
	set(t, x, sheet, "F"+strconv.Itoa(n), "klar")
	_, err := exchange.ReadXLSX(bytes.NewReader(save(t, x)), exchange.MaxRows)
	bad := rowsError(t, err)
	if len(bad) != 1 || bad[0].Row != n || bad[0].ControlID != "8.12" || bad[0].Fields["status"] != "err.enum" {
		t.Errorf("row errors = %+v", bad)
	}
}

func TestXLSXTooManyRows(t *testing.T) {
	const n = 100_000
	started := time.Now()
	x := excelize.NewFile()
	defer x.Close()
	sw, err := x.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	head := make([]any, len(headersSV))
	for i, h := range headersSV {
		head[i] = h
	}
	if err := sw.SetRow("A1", head); err != nil {
		t.Fatal(err)
	}
	for i := 2; i <= n+1; i++ {
		id := "K" + strconv.Itoa(i)
		if err := sw.SetRow("A"+strconv.Itoa(i), []any{id, "Egen åtgärd", "Organisatoriska", "Ja", nil, "delvis"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	buf, err := x.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	made := time.Since(started)

	started = time.Now()
	_, err = exchange.ReadXLSX(bytes.NewReader(buf.Bytes()), exchange.MaxRows)
	took := time.Since(started)
	wantMessage(t, err, "err.xlsx_too_many_rows")
	t.Logf("%d rows: %d bytes, written in %v, rejected in %v", n, buf.Len(), made, took)
	limit := 5 * time.Second
	if raceEnabled {
		limit *= 10
	}
	if took > limit {
		t.Errorf("rejecting %d rows took %v", n, took)
	}

	// The limit is on data rows: exactly maxRows is fine, one more is not.
	small := func(rows int) []byte {
		x := excelize.NewFile()
		defer x.Close()
		x.SetSheetRow("Sheet1", "A1", &head)
		for i := 0; i < rows; i++ {
			x.SetSheetRow("Sheet1", "A"+strconv.Itoa(i+2), &[]any{"K" + strconv.Itoa(i), "", "", "Ja", "", "delvis"})
		}
		b, _ := x.WriteToBuffer()
		return b.Bytes()
	}
	if rows, err := exchange.ReadXLSX(bytes.NewReader(small(10)), 10); err != nil || len(rows) != 10 {
		t.Errorf("10 rows, max 10: %d %v", len(rows), err)
	}
	_, err = exchange.ReadXLSX(bytes.NewReader(small(11)), 10)
	wantMessage(t, err, "err.xlsx_too_many_rows")
}

func TestCSV(t *testing.T) {
	f := newFixture(t)
	f.populate()
	rows := f.soa()
	var buf bytes.Buffer
	if err := exchange.WriteCSV(&buf, f.mun, rows, f.owners, f.evidence, "sv"); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}) {
		t.Fatalf("no BOM: % x", b[:8])
	}
	recs, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 94 || !slices.Equal(recs[0], headersSV) {
		t.Fatalf("%d records, header %q", len(recs), recs[0])
	}
	byID := map[string][]string{}
	for _, r := range recs[1:] {
		byID[r[0]] = r
	}
	if r := byID["8.1"]; r[4] != "'=cmd()" || r[5] != "delvis" {
		t.Errorf("8.1 = %q", r)
	}
	if r := byID["5.1"]; r[3] != "Ja" || r[5] != "införd" || r[6] != "Kristina Koordinator" ||
		r[7] != "Informationssäkerhetspolicy; Riktlinje för roller och ansvar" || r[8] != "2025-04-01" || r[9] == "" {
		t.Errorf("5.1 = %q", r)
	}
	if r := byID["7.4"]; r[3] != "Nej" || r[5] != "ej tillämplig" || r[8] != "" {
		t.Errorf("7.4 = %q", r)
	}
	if !bytes.Contains(b, []byte("\r\n")) {
		t.Errorf("no CRLF line ends")
	}

	// Every formula prefix is defused; harmless text is left alone.
	evil := []app.SoARow{rows[0], rows[0], rows[0], rows[0], rows[0]}
	for i, s := range []string{"+1+1", "-2+3", "@SUM(A1)", "=HYPERLINK(\"http://x\")", "Vanlig text - med bindestreck"} {
		evil[i].Justification = s
	}
	buf.Reset()
	if err := exchange.WriteCSV(&buf, f.mun, evil, nil, nil, "en"); err != nil {
		t.Fatal(err)
	}
	recs, err = csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range recs[1:] {
		got = append(got, r[4])
	}
	want := []string{"'+1+1", "'-2+3", "'@SUM(A1)", "'=HYPERLINK(\"http://x\")", "Vanlig text - med bindestreck"}
	if !slices.Equal(got, want) || recs[0][4] != "Justification" || recs[1][3] != "Yes" {
		t.Errorf("defused = %q, header %q", got, recs[0])
	}
}

// benchRows builds n statement rows from Annex A, cycling through statuses.
func benchRows(n int) []app.SoARow {
	set, err := catalog.Load()
	if err != nil {
		panic(err)
	}
	iso := set.Catalog(catalog.ISO)
	owner := int64(7)
	reviewed := domain.NewDate(2025, time.March, 14)
	next := reviewed.AddMonths(12)
	out := make([]app.SoARow, n)
	for i := range out {
		c := iso.Controls[i%len(iso.Controls)]
		st := domain.ControlStatuses[i%len(domain.ControlStatuses)]
		r := app.SoARow{ControlTitle: c.Title, ControlTitleSV: c.TitleSV, Theme: c.Theme, Description: c.Description}
		r.ControlID = c.ID
		if i >= len(iso.Controls) {
			r.ControlID = "K" + strconv.Itoa(i)
		}
		r.Status, r.Applicable = string(st), st != domain.CtlNotApplicable
		r.Justification = "Åtgärden är vald efter riskbedömningen 2024; se riskregistret och handlingsplanen för detaljer."
		r.OwnerID, r.EvidenceIDs = &owner, []int64{1, 2}
		r.LastReviewedAt, r.NextReviewAt = &reviewed, &next
		out[i] = r
	}
	return out
}

func benchmarkWriteXLSX(b *testing.B, n int) {
	rows := benchRows(n)
	mun := domain.Municipality{ID: 1, Name: "Ankeby kommun"}
	owners := map[int64]string{7: "Kristina Koordinator"}
	evidence := map[int64]string{1: "Informationssäkerhetspolicy", 2: "Riktlinje för roller och ansvar"}
	b.ReportAllocs()
	var size int
	for b.Loop() {
		var buf bytes.Buffer
		if err := exchange.WriteXLSX(&buf, mun, rows, owners, evidence, "sv"); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size), "bytes/file")
}

func BenchmarkWriteXLSX(b *testing.B) {
	b.Run("rows=93", func(b *testing.B) { benchmarkWriteXLSX(b, 93) })
	b.Run("rows=5000", func(b *testing.B) { benchmarkWriteXLSX(b, 5000) })
}

// The headers are a file format: files written before the words moved to the translation
// files, in either language, still import, with the export's words for yes, no and status.
func TestXLSXHeadersOfEarlierExports(t *testing.T) {
	headersEN := []string{"Id", "Title", "Theme", "Applicable", "Justification", "Status", "Owner", "Evidence", "Last reviewed", "Next review"}
	for name, tc := range map[string]struct {
		head []string
		rows [][]any
	}{
		"Swedish": {headersSV, [][]any{{"5.1", "", "", "Ja", "", "ej påbörjad"}, {"5.2", "", "", "Nej", "Ingen", ""}, {"5.3", "", "", "Ja", "", "ej tillämplig"}}},
		"English": {headersEN, [][]any{{"5.1", "", "", "Yes", "", "not started"}, {"5.2", "", "", "No", "None", ""}, {"5.3", "", "", "Yes", "", "not applicable"}}},
	} {
		t.Run(name, func(t *testing.T) {
			x := excelize.NewFile()
			defer x.Close()
			head := make([]any, len(tc.head))
			for i, h := range tc.head {
				head[i] = h
			}
			x.SetSheetRow("Sheet1", "A1", &head)
			for i, r := range tc.rows {
				x.SetSheetRow("Sheet1", "A"+strconv.Itoa(i+2), &r)
			}
			rows, err := exchange.ReadXLSX(bytes.NewReader(save(t, x)), exchange.MaxRows)
			if err != nil || len(rows) != 3 {
				t.Fatalf("%d rows, %v", len(rows), err)
			}
			if in := rows[0].Input; !*in.Applicable || in.Status == nil || *in.Status != string(domain.CtlNotStarted) {
				t.Errorf("row 1 = %+v", in)
			}
			if in := rows[1].Input; *in.Applicable || in.Status != nil {
				t.Errorf("row 2 = %+v", in)
			}
			if in := rows[2].Input; in.Status == nil || *in.Status != string(domain.CtlNotApplicable) {
				t.Errorf("row 3 = %+v", in)
			}
		})
	}
}
