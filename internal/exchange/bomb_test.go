package exchange_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/exchange"
)

// Hand-built workbooks: each part is raw XML written straight into the zip stream, so that a
// workbook unpacking to hundreds of megabytes stays a few hundred kilobytes on disk and in the
// test's memory. With small sizes every one of them is a valid workbook that imports (see
// TestXLSXHandBuiltImports), so a bomb is rejected for what it holds, not for its form.

const (
	nsMain = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	nsRel  = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	nsPkg  = "http://schemas.openxmlformats.org/package/2006/relationships"
)

// book is a workbook under construction: one sheet, and optionally shared strings.
type book struct {
	sheet   func(w io.Writer) error // writes the rows inside <sheetData>
	strings func(w io.Writer) error // writes the <si> items of xl/sharedStrings.xml (none: no part)
	extra   map[string]string       // further parts, name -> content
	path    string                  // of the sheet, when not xl/worksheets/sheet1.xml
}

// header is line 1 of the sheet: the Swedish export headers as inline strings.
func header(w io.Writer) error {
	if _, err := io.WriteString(w, `<row r="1">`); err != nil {
		return err
	}
	for i, h := range headersSV {
		if err := inlineCell(w, cellRef(i, 1), h); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, `</row>`)
	return err
}

// row51 is line 2: control 5.1, applicable, status införd (a change from the fixture's
// "not started"), so that an import that stored anything would be seen.
func row51(w io.Writer) error {
	if _, err := io.WriteString(w, `<row r="2">`); err != nil {
		return err
	}
	for i, v := range []string{"5.1", "Informationssäkerhetspolicyer", "", "Ja", "Beslutad 2025.", "införd"} {
		if v == "" {
			continue
		}
		if err := inlineCell(w, cellRef(i, 2), v); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, `</row>`)
	return err
}

func cellRef(col, row int) string { return string(rune('A'+col)) + strconv.Itoa(row) }

func inlineCell(w io.Writer, ref, v string) error {
	var b strings.Builder
	b.WriteString(`<c r="` + ref + `" t="inlineStr"><is><t>`)
	if err := xmlEscape(&b, v); err != nil {
		return err
	}
	b.WriteString(`</t></is></c>`)
	_, err := io.WriteString(w, b.String())
	return err
}

func xmlEscape(b *strings.Builder, s string) error {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	_, err := r.WriteString(b, s)
	return err
}

// bytes builds the workbook's zip archive, compressing at the best level.
func (bk book) bytes(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestCompression) })
	part := func(name string, write func(w io.Writer) error) {
		fw, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		bw := bufio.NewWriterSize(fw, 64<<10)
		if err := write(bw); err != nil {
			t.Fatal(err)
		}
		if err := bw.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	text := func(s string) func(w io.Writer) error {
		return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
	}
	sheetPath, target := "xl/worksheets/sheet1.xml", "worksheets/sheet1.xml"
	if bk.path != "" {
		sheetPath, target = bk.path, "/"+bk.path
	}
	sstType, sstRel := "", ""
	if bk.strings != nil {
		sstType = `<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`
		sstRel = `<Relationship Id="rId2" Type="` + nsRel + `/sharedStrings" Target="sharedStrings.xml"/>`
	}
	part("[Content_Types].xml", text(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+
		`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`+
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>`+
		`<Default Extension="xml" ContentType="application/xml"/>`+
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`+
		`<Override PartName="/`+sheetPath+`" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`+
		sstType+`</Types>`))
	part("_rels/.rels", text(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+
		`<Relationships xmlns="`+nsPkg+`"><Relationship Id="rId1" Type="`+nsRel+`/officeDocument" Target="xl/workbook.xml"/></Relationships>`))
	part("xl/workbook.xml", text(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+
		`<workbook xmlns="`+nsMain+`" xmlns:r="`+nsRel+`"><sheets><sheet name="Tillämplighetsförklaring" sheetId="1" r:id="rId1"/></sheets></workbook>`))
	part("xl/_rels/workbook.xml.rels", text(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+
		`<Relationships xmlns="`+nsPkg+`"><Relationship Id="rId1" Type="`+nsRel+`/worksheet" Target="`+target+`"/>`+sstRel+`</Relationships>`))
	part(sheetPath, func(w io.Writer) error {
		if _, err := io.WriteString(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="`+nsMain+`" xmlns:r="`+nsRel+`"><sheetData>`); err != nil {
			return err
		}
		if err := bk.sheet(w); err != nil {
			return err
		}
		_, err := io.WriteString(w, `</sheetData></worksheet>`)
		return err
	})
	if bk.strings != nil {
		part("xl/sharedStrings.xml", func(w io.Writer) error {
			if _, err := io.WriteString(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="`+nsMain+`">`); err != nil {
				return err
			}
			if err := bk.strings(w); err != nil {
				return err
			}
			_, err := io.WriteString(w, `</sst>`)
			return err
		})
	}
	for name, content := range bk.extra {
		part(name, text(content))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// blankRows is the header, line 2 and then n blank rows: <row r="3"/> and so on when
// numbered, else <row/> (the row number is optional).
func blankRows(n int, numbered bool) book {
	return book{sheet: func(w io.Writer) error {
		if err := header(w); err != nil {
			return err
		}
		if err := row51(w); err != nil {
			return err
		}
		b := make([]byte, 0, 32)
		for i := 3; i < n+3; i++ {
			b = append(b[:0], `<row/>`...)
			if numbered {
				b = append(b[:0], `<row r="`...)
				b = strconv.AppendInt(b, int64(i), 10)
				b = append(b, `"/>`...)
			}
			if _, err := w.Write(b); err != nil {
				return err
			}
		}
		return nil
	}}
}

// hugeCell is the header and line 2 with a justification of n letters, as a shared string.
func hugeCell(n int) book {
	return book{
		sheet: func(w io.Writer) error {
			if err := header(w); err != nil {
				return err
			}
			_, err := io.WriteString(w, `<row r="2">`+
				`<c r="A2" t="inlineStr"><is><t>5.1</t></is></c>`+
				`<c r="D2" t="inlineStr"><is><t>Ja</t></is></c>`+
				`<c r="E2" t="s"><v>0</v></c>`+
				`<c r="F2" t="inlineStr"><is><t>införd</t></is></c></row>`)
			return err
		},
		strings: func(w io.Writer) error {
			if _, err := io.WriteString(w, `<si><t>`); err != nil {
				return err
			}
			chunk := []byte(strings.Repeat("a", 64<<10))
			for left := n; left > 0; left -= len(chunk) {
				if _, err := w.Write(chunk[:min(left, len(chunk))]); err != nil {
					return err
				}
			}
			_, err := io.WriteString(w, `</t></si>`)
			return err
		},
	}
}

// manyStrings is the header and line 2, whose status is shared string 0, followed in the
// shared strings by n-1 more, each different.
func manyStrings(n int) book {
	return book{
		sheet: func(w io.Writer) error {
			if err := header(w); err != nil {
				return err
			}
			_, err := io.WriteString(w, `<row r="2">`+
				`<c r="A2" t="inlineStr"><is><t>5.1</t></is></c>`+
				`<c r="D2" t="inlineStr"><is><t>Ja</t></is></c>`+
				`<c r="F2" t="s"><v>0</v></c></row>`)
			return err
		},
		strings: func(w io.Writer) error {
			if _, err := io.WriteString(w, `<si><t>införd</t></si>`); err != nil {
				return err
			}
			b := make([]byte, 0, 32)
			for i := 1; i < n; i++ {
				b = append(b[:0], `<si><t>`...)
				b = strconv.AppendInt(b, int64(i), 36)
				b = append(b, `</t></si>`...)
				if _, err := w.Write(b); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// padded is the header and line 2 followed by n bytes of white space between the rows:
// well-formed XML that deflate packs about a thousand-fold.
func padded(n int) book {
	return book{sheet: func(w io.Writer) error {
		if err := header(w); err != nil {
			return err
		}
		if err := row51(w); err != nil {
			return err
		}
		chunk := []byte(strings.Repeat(" ", 64<<10))
		for left := n; left > 0; left -= len(chunk) {
			if _, err := w.Write(chunk[:min(left, len(chunk))]); err != nil {
				return err
			}
		}
		return nil
	}}
}

// rows is a sheet of the header, line 2 and then the given raw XML.
func rows(xml string) book {
	return book{sheet: func(w io.Writer) error {
		if err := header(w); err != nil {
			return err
		}
		if err := row51(w); err != nil {
			return err
		}
		_, err := io.WriteString(w, xml)
		return err
	}}
}

// varied is n letters that deflate cannot pack much (a fixed pseudo-random sequence), so that
// the ratio check lets them through and the limit under test is the one that answers.
func varied(n int) string {
	b := make([]byte, n)
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = 'a' + byte(x%26)
	}
	return string(b)
}

// importFile imports b as the import page does: read, keep the rows that change something,
// store them.
func importFile(f *fixture, b []byte) error {
	rows, err := exchange.ReadXLSX(bytes.NewReader(b), exchange.MaxRows)
	if err != nil {
		return err
	}
	ch := exchange.Changes(f.soa(), rows)
	if len(ch) == 0 {
		return nil
	}
	ids, ins := exchange.Inputs(ch)
	_, err = f.app.UpdateSoARows(f.ctx, f.coord, f.mun.ID, ids, ins, false)
	return exchange.WithLines(err, ch)
}

// wantRejected imports b and wants it refused as a bad file, for the reason key, with
// nothing stored (line 2 of every hand-built workbook would change control 5.1).
func wantRejected(t *testing.T, f *fixture, b []byte, key string) {
	t.Helper()
	before := states(f.soa())
	err := importFile(f, b)
	var e *domain.Error
	if !errors.As(err, &e) || e.Code != domain.EInvalid || e.Message != key || e.Fields["file"] != key {
		t.Fatalf("%d bytes: err = %v, want invalid, file: %s", len(b), err, key)
	}
	if after := states(f.soa()); !slices.Equal(after, before) {
		t.Errorf("a rejected file stored changes")
	}
}

// wantImported imports b and wants control 5.1 stored as implemented.
func wantImported(t *testing.T, f *fixture, b []byte) {
	t.Helper()
	if err := importFile(f, b); err != nil {
		t.Fatalf("%d bytes: %v", len(b), err)
	}
	for _, r := range f.soa() {
		if r.ControlID == "5.1" && r.Status != string(domain.CtlImplemented) {
			t.Errorf("5.1 = %s, want implemented", r.Status)
		}
	}
}

// The hand-built workbooks, small, are valid: each bomb below is the same file, only bigger.
func TestXLSXHandBuiltImports(t *testing.T) {
	for name, bk := range map[string]book{
		"blank rows":                  blankRows(100, false),
		"a sheet of another name":     {sheet: blankRows(100, true).sheet, path: "xl/data/rows.bin"},
		"numbered blank rows":         blankRows(100, true),
		"10,000 rows, blank included": blankRows(9998, true),
		"a cell of 2,000 characters":  hugeCell(2000),
		"100,000 shared strings":      manyStrings(100_000),
		"white space":                 padded(100_000),
		"CDATA":                       rows(`<row r="3"><c r="A3" t="inlineStr"><is><t><![CDATA[5.2]]></t></is></c><c r="D3" t="inlineStr"><is><t>Ja</t></is></c><c r="E3" t="inlineStr"><is><t><![CDATA[<b>Beslutad</b> <!-- här -->]]></t></is></c><c r="F3" t="inlineStr"><is><t>delvis</t></is></c></row>`),
		"comments and instructions":   rows(`<!-- a comment with <row/> in it --><?lisa <row/> ?>`),
		"a formula of the same length": rows(`<row r="3"><c r="A3" t="str"><f>"` + strings.Repeat("x", 40000) + `"</f><v>5.2</v></c>` +
			`<c r="D3" t="inlineStr"><is><t>Ja</t></is></c><c r="F3" t="inlineStr"><is><t>delvis</t></is></c></row>`),
	} {
		t.Run(name, func(t *testing.T) {
			wantImported(t, newFixture(t), bk.bytes(t))
		})
	}
	// At Excel's limit of 32,767 characters a cell is read (though too long to store as a
	// justification); one more is not.
	if _, err := exchange.ReadXLSX(bytes.NewReader(hugeCell(32767).bytes(t)), exchange.MaxRows); err != nil {
		t.Errorf("32,767 characters: %v", err)
	}
}

// Blank rows once did not count: 4.8 million of them in 676 kB took 197 s of CPU.
func TestXLSXBlankRowsBomb(t *testing.T) {
	f := newFixture(t)
	for name, tc := range map[string]struct {
		book book
		key  string
	}{
		"4.8 million blank rows":       {blankRows(4_800_000, false), "err.xlsx_compressed"},
		"a million numbered ones":      {blankRows(1_000_000, true), "err.xlsx_too_many_lines"},
		"10,001 rows, blank included":  {blankRows(9999, true), "err.xlsx_too_many_lines"},
		"one row numbered a million":   {rows(`<row r="1000000"><c r="A1000000" t="inlineStr"><is><t>5.2</t></is></c></row>`), "err.xlsx_too_many_lines"},
		"in a sheet of another name":   {book{sheet: blankRows(100_000, true).sheet, path: "xl/data/rows.bin"}, "err.xlsx_too_many_lines"},
		"a row of 200,001 empty cells": {rows(`<row r="3">` + strings.Repeat(`<c/>`, 200_001) + `</row>`), "err.xlsx_too_many_cells"},
	} {
		t.Run(name, func(t *testing.T) { wantRejected(t, f, tc.book.bytes(t), tc.key) })
	}
}

// One cell of 200 MB in 198 kB once took 43 s and 1.18 GB.
func TestXLSXHugeCellBomb(t *testing.T) {
	f := newFixture(t)
	long := varied(40_000)
	var angled string // 2 MB with a '<' every 1,000 characters
	for v := varied(2 << 20); len(v) > 0; v = v[min(len(v), 1000):] {
		angled += v[:min(len(v), 1000)] + "<"
	}
	for name, tc := range map[string]struct {
		book book
		key  string
	}{
		"a shared string of 200 MB":        {hugeCell(200 << 20), "err.xlsx_unpacked"},
		"a shared string of 32,768 chars":  {hugeCell(32768), "err.xlsx_cell_too_long"},
		"an inline string of 40,000 chars": {rows(`<row r="3"><c r="E3" t="inlineStr"><is><t>` + long + `</t></is></c></row>`), "err.xlsx_cell_too_long"},
		"in rich text runs":                {rows(`<row r="3"><c r="E3" t="inlineStr"><is><r><t>` + long[:20000] + `</t></r><r><t>` + long[20000:] + `</t></r></is></c></row>`), "err.xlsx_cell_too_long"},
		"a value of 5 MB":                  {rows(`<row r="3"><c r="E3" t="str"><v>` + varied(5<<20) + `</v></c></row>`), "err.xlsx_cell_too_long"},
		"a CDATA section of 2 MB with <":   {rows(`<row r="3"><c r="E3" t="inlineStr"><is><t><![CDATA[` + angled + `]]></t></is></c></row>`), "err.xlsx_cell_too_long"},
		"a comment of 2 MB with <":         {rows(`<!--` + angled + `-->`), "err.xlsx_cell_too_long"},
	} {
		t.Run(name, func(t *testing.T) { wantRejected(t, f, tc.book.bytes(t), tc.key) })
	}
}

// Two million shared strings once took 109 s and 1.23 GB.
func TestXLSXSharedStringsBomb(t *testing.T) {
	f := newFixture(t)
	for name, tc := range map[string]struct {
		book book
		key  string
	}{
		"2 million shared strings": {manyStrings(2_000_000), "err.xlsx_unpacked"},
		"100,001 shared strings":   {manyStrings(100_001), "err.xlsx_too_many_strings"},
	} {
		t.Run(name, func(t *testing.T) { wantRejected(t, f, tc.book.bytes(t), tc.key) })
	}
}

func TestXLSXCompressionBomb(t *testing.T) {
	f := newFixture(t)
	many := map[string]string{}
	for i := range 1000 {
		many["xl/media/image"+strconv.Itoa(i)+".png"] = "x"
	}
	for name, tc := range map[string]struct {
		book book
		key  string
	}{
		"20 MB of white space in 22 kB":  {padded(20 << 20), "err.xlsx_compressed"},
		"a 5 MB part besides the sheets": {book{sheet: blankRows(1, false).sheet, extra: map[string]string{"docProps/custom.xml": "<x>" + varied(5<<20) + "</x>"}}, "err.xlsx_unpacked"},
		"1,005 parts":                    {book{sheet: blankRows(1, false).sheet, extra: many}, "err.xlsx_parts"},
		"a DTD":                          {rows(`<!DOCTYPE x>`), "err.xlsx_unreadable"},
		"a sheet that is not XML":        {rows(`<row r="3"><c r="A3"`), "err.xlsx_unreadable"},
	} {
		t.Run(name, func(t *testing.T) { wantRejected(t, f, tc.book.bytes(t), tc.key) })
	}
}

// A full statement stays well within the limits: 5,000 rows with the longest justification,
// written by the export (inline strings) or as a spreadsheet program saves it (every text a
// shared string, 15,000 of them).
func TestXLSXFullFilesImport(t *testing.T) {
	rows := benchRows(exchange.MaxRows)
	text := varied(2000 * 10)
	for i := range rows {
		at := i % 10 * 2000
		rows[i].Justification = text[at : at+1990]
	}
	var buf bytes.Buffer
	if err := exchange.WriteXLSX(&buf, domain.Municipality{Name: "Ankeby kommun"}, rows, nil, nil, "sv"); err != nil {
		t.Fatal(err)
	}
	got, err := exchange.ReadXLSX(bytes.NewReader(buf.Bytes()), exchange.MaxRows)
	if err != nil || len(got) != exchange.MaxRows {
		t.Fatalf("export: %d rows, %v", len(got), err)
	}

	x := excelize.NewFile()
	defer x.Close()
	head := make([]any, len(headersSV))
	for i, h := range headersSV {
		head[i] = h
	}
	if err := x.SetSheetRow("Sheet1", "A1", &head); err != nil {
		t.Fatal(err)
	}
	for i := range exchange.MaxRows {
		r := []any{"K" + strconv.Itoa(i), "Egen åtgärd " + strconv.Itoa(i), "Organisatoriska", "Ja", varied(1990)[:1980] + strconv.Itoa(i), "delvis"}
		if err := x.SetSheetRow("Sheet1", "A"+strconv.Itoa(i+2), &r); err != nil {
			t.Fatal(err)
		}
	}
	b := save(t, x)
	got, err = exchange.ReadXLSX(bytes.NewReader(b), exchange.MaxRows)
	if err != nil || len(got) != exchange.MaxRows || *got[4999].Input.Justification != varied(1990)[:1980]+"4999" {
		t.Fatalf("shared strings: %d rows, %v", len(got), err)
	}
	if !strings.Contains(zipEntry(t, b, "xl/worksheets/sheet1.xml"), `t="s"`) {
		t.Errorf("the workbook has no shared strings")
	}
}

// BenchmarkXLSXBombs reads each bomb of issue #8 (at the size, and the largest that
// passes the size checks, so that the streaming checks answer) beside a full valid file read
// by ReadXLSX and by excelize alone. heap-MB is how much one import grows the heap with the
// collector off (see heapGrowth).
func BenchmarkXLSXBombs(b *testing.B) {
	export := func(n int) []byte {
		rows := benchRows(n)
		var buf bytes.Buffer
		if err := exchange.WriteXLSX(&buf, domain.Municipality{Name: "Ankeby kommun"}, rows, nil, nil, "sv"); err != nil {
			b.Fatal(err)
		}
		return buf.Bytes()
	}
	full := func() []byte { return export(exchange.MaxRows) }
	for _, bc := range []struct {
		name string
		file func() []byte
		key  string // "" for a valid file
	}{
		{"valid 93 rows", func() []byte { return export(93) }, ""},
		{"valid 5000 rows", full, ""},
		{"4.8M blank rows", func() []byte { return blankRows(4_800_000, false).bytes(b) }, "err.xlsx_compressed"},
		{"1M numbered blank rows", func() []byte { return blankRows(1_000_000, true).bytes(b) }, "err.xlsx_too_many_lines"},
		{"200 MB cell", func() []byte { return hugeCell(200 << 20).bytes(b) }, "err.xlsx_unpacked"},
		{"5 MB cell", func() []byte {
			return rows(`<row r="3"><c r="E3" t="str"><v>` + varied(5<<20) + `</v></c></row>`).bytes(b)
		}, "err.xlsx_cell_too_long"},
		{"2M shared strings", func() []byte { return manyStrings(2_000_000).bytes(b) }, "err.xlsx_unpacked"},
		{"100,001 shared strings", func() []byte { return manyStrings(100_001).bytes(b) }, "err.xlsx_too_many_strings"},
		{"20 MB of white space", func() []byte { return padded(20 << 20).bytes(b) }, "err.xlsx_compressed"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			file := bc.file()
			read := func() {
				_, err := exchange.ReadXLSX(bytes.NewReader(file), exchange.MaxRows)
				if e := domain.AsError(err); (bc.key == "" && err != nil) || (bc.key != "" && e.Fields["file"] != bc.key) {
					b.Fatalf("err = %v, want %q", err, bc.key)
				}
			}
			heap := heapGrowth(read)
			b.ReportAllocs()
			for b.Loop() {
				read()
			}
			b.ReportMetric(float64(len(file))/1000, "upload-kB")
			b.ReportMetric(heap, "heap-MB")
		})
	}
	// The reference: excelize alone reading the valid file, as ReadXLSX did before the checks.
	b.Run("valid 5000 rows, excelize alone", func(b *testing.B) {
		file := full()
		read := func() {
			x, err := excelize.OpenReader(bytes.NewReader(file))
			if err != nil {
				b.Fatal(err)
			}
			it, err := x.Rows(x.GetSheetList()[0])
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for it.Next() {
				if _, err := it.Columns(); err != nil {
					b.Fatal(err)
				}
				n++
			}
			it.Close()
			x.Close()
			if n != exchange.MaxRows+1 {
				b.Fatalf("%d rows", n)
			}
		}
		heap := heapGrowth(read)
		b.ReportAllocs()
		for b.Loop() {
			read()
		}
		b.ReportMetric(float64(len(file))/1000, "upload-kB")
		b.ReportMetric(heap, "heap-MB")
	})
}

// heapGrowth runs op once with the collector off and returns how much the heap grew, in MB:
// all op allocates, an upper bound of the memory it needs beyond what was in use before.
func heapGrowth(op func()) float64 {
	runtime.GC()
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	op()
	runtime.ReadMemStats(&after)
	return float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
}
