package exchange

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/lisa-isms/lisa/internal/domain"
)

// Every spreadsheet import opens the upload with openXLSX, which checks it before excelize
// sees it: a workbook is a zip archive of XML parts, and a few hundred kilobytes can unpack to
// gigabytes, millions of blank rows, a cell of 200 MB or millions of shared strings, each of
// which excelize would spend minutes and gigabytes on. The archive's directory is checked
// first (sizes, ratios), then the parts excelize would iterate (the sheets and the shared
// strings) are streamed through an XML tokenizer that stops at the first limit passed.

// xlsxLimits bounds what an uploaded workbook may hold.
type xlsxLimits struct {
	Unpacked  uint64 // all parts together, unpacked
	Part      uint64 // one part that excelize keeps in memory and parses (all but sheets and shared strings)
	Ratio     uint64 // unpacked to packed size, of the file and of each part over ratioFloor
	Parts     int    // parts (files) in the archive
	Strings   int    // items in the shared strings table
	DataRows  int    // rows of a sheet that hold a value, a header included
	Lines     int    // rows of a sheet, blank ones included, and the highest row number
	Cells     int    // cells of a sheet, empty ones included
	CellChars int    // characters of one cell or shared string
}

// importLimits are the limits of an import of at most maxRows data rows. The figures are in
// the messages (ui/locales, err.xlsx_*): change both together. A full export of 5,000 rows,
// each with the longest justification, unpacks to 13 MB at a ratio of 33.
func importLimits(maxRows int) xlsxLimits {
	lines := 2 * maxRows // the header, the data and as many blank rows again
	return xlsxLimits{
		Unpacked:  32 << 20,
		Part:      4 << 20,
		Ratio:     100,
		Parts:     1000,
		Strings:   100_000,
		DataRows:  maxRows + 1,
		Lines:     lines,
		Cells:     20 * lines,
		CellChars: 32767, // Excel's own limit
	}
}

const (
	// ratioFloor: parts this small are not held to the ratio; XML this short is harmless.
	ratioFloor = 1 << 20
	// xmlInMemory is the size above which excelize reads a sheet or the shared strings from a
	// temporary file, streaming, rather than holding them in memory.
	xmlInMemory = 1 << 20
	// maxRun bounds a token of a scanned part: about six bytes per character of the longest
	// cell, with room to spare.
	maxRun = 1 << 20
)

// The paths excelize gives the parts it finds by name.
const (
	pathPackageRels   = "_rels/.rels"
	pathSharedStrings = "xl/sharedStrings.xml"
	pathContentTypes  = "[Content_Types].xml"
)

// xlsxSheet reads the first sheet of a checked workbook row by row; see openXLSX.
type xlsxSheet struct {
	f     *excelize.File
	rows  *excelize.Rows
	lim   xlsxLimits
	line  int
	cells []string
	err   error
}

// openXLSX checks the workbook b against lim and opens its first sheet. The file is rejected
// before excelize opens it when it is not a zip archive, has more than lim.Parts parts or two
// parts of the same name, unpacks to more than lim.Unpacked (or a part excelize keeps in
// memory to more than lim.Part), is packed more tightly than lim.Ratio, has more than
// lim.Strings shared strings, a sheet with more than lim.DataRows rows holding a value, more
// than lim.Lines rows in all (or a row numbered higher) or more than lim.Cells cells, or a cell or shared string of more than lim.CellChars
// characters. A sheet or shared strings table that is not well-formed UTF-8 XML, or has a
// DTD, is not read either: excelize would stop at the error without saying so.
//
// Errors are *domain.Error with code EInvalid and the field "file": "err.xlsx_unreadable",
// "err.xlsx_parts", "err.xlsx_unpacked", "err.xlsx_compressed", "err.xlsx_too_many_strings",
// "err.xlsx_too_many_rows", "err.xlsx_too_many_lines", "err.xlsx_too_many_cells",
// "err.xlsx_cell_too_long". The caller
// closes the sheet.
func openXLSX(b []byte, lim xlsxLimits) (*xlsxSheet, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, unreadable(err)
	}
	parts, err := checkArchive(zr, uint64(len(b)), lim)
	if err != nil {
		return nil, err
	}
	sheets, err := sheetParts(parts)
	if err != nil {
		return nil, err
	}
	for _, zf := range sheets {
		if err := scanSheet(zf, lim); err != nil {
			return nil, err
		}
	}
	if zf, ok := parts[pathSharedStrings]; ok {
		if err := scanSharedStrings(zf, lim); err != nil {
			return nil, err
		}
	}
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: int64(lim.Unpacked), UnzipXMLSizeLimit: xmlInMemory})
	if err != nil {
		if f != nil {
			f.Close()
		}
		return nil, unreadable(err)
	}
	list := f.GetSheetList()
	if len(list) == 0 {
		f.Close()
		return nil, unreadable(errors.New("no sheets"))
	}
	rows, err := f.Rows(list[0])
	if err != nil {
		f.Close()
		return nil, unreadable(err)
	}
	return &xlsxSheet{f: f, rows: rows, lim: lim}, nil
}

// Next reads the next row, blank or not; it returns false at the end of the sheet or at an
// error (see Err). The checks of openXLSX hold here too, whatever excelize makes of the file.
func (s *xlsxSheet) Next() bool {
	if s.err != nil || !s.rows.Next() {
		return false
	}
	s.line++
	if s.line > s.lim.Lines {
		s.err = limitError("err.xlsx_too_many_lines", nil)
		return false
	}
	cells, err := s.rows.Columns()
	if err != nil {
		s.err = unreadable(err)
		return false
	}
	for _, c := range cells {
		if len(c) > s.lim.CellChars && utf8.RuneCountInString(c) > s.lim.CellChars {
			s.err = limitError("err.xlsx_cell_too_long", nil)
			return false
		}
	}
	s.cells = cells
	return true
}

// Line is the row number of the current row, from 1.
func (s *xlsxSheet) Line() int { return s.line }

// Cells are the values of the current row, as excelize formats them; nil for a blank row.
func (s *xlsxSheet) Cells() []string { return s.cells }

// Err is the error that ended Next, if any.
func (s *xlsxSheet) Err() error {
	if s.err != nil {
		return s.err
	}
	if err := s.rows.Error(); err != nil {
		return unreadable(err)
	}
	return nil
}

// Close releases the workbook and its temporary files.
func (s *xlsxSheet) Close() error {
	err := s.rows.Close()
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	return err
}

func limitError(key string, cause error) error {
	return &domain.Error{Code: domain.EInvalid, Message: key, Fields: map[string]string{"file": key}, Err: cause}
}

func unreadable(err error) error {
	return &domain.Error{Code: domain.EInvalid, Message: "err.xlsx_unreadable",
		Fields: map[string]string{"file": "err.xlsx_unreadable"}, Err: err}
}

// partName is the name excelize files a zip entry under.
func partName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	switch strings.ToLower(name) {
	case strings.ToLower(pathContentTypes):
		return pathContentTypes
	case strings.ToLower(pathSharedStrings):
		return pathSharedStrings
	}
	return name
}

// streamed reports whether excelize reads a part of this name from a temporary file when it
// is large, rather than holding it in memory.
func streamed(name string) bool {
	return name == pathSharedStrings || strings.HasPrefix(strings.ToLower(name), "xl/worksheets/sheet")
}

// checkArchive checks the zip directory (no part is unpacked) and returns the parts by the
// names excelize gives them. The sizes are those the directory declares: archive/zip fails a
// read that goes beyond them.
func checkArchive(zr *zip.Reader, size uint64, lim xlsxLimits) (map[string]*zip.File, error) {
	if len(zr.File) > lim.Parts {
		return nil, limitError("err.xlsx_parts", nil)
	}
	parts := make(map[string]*zip.File, len(zr.File))
	seen := make(map[string]bool, len(zr.File))
	var total uint64
	for _, zf := range zr.File {
		name := partName(zf.Name)
		if seen[strings.ToLower(name)] {
			return nil, unreadable(fmt.Errorf("part %q twice", name))
		}
		seen[strings.ToLower(name)] = true
		parts[name] = zf
		u := zf.UncompressedSize64
		if u > lim.Unpacked || total+u > lim.Unpacked {
			return nil, limitError("err.xlsx_unpacked", nil)
		}
		total += u
		if u > lim.Part && !streamed(name) {
			return nil, limitError("err.xlsx_unpacked", fmt.Errorf("part %q unpacks to %d bytes", name, u))
		}
		if u > ratioFloor && u/lim.Ratio > zf.CompressedSize64 {
			return nil, limitError("err.xlsx_compressed", fmt.Errorf("part %q: %d bytes packed to %d", name, u, zf.CompressedSize64))
		}
	}
	// The packed sizes are the archive's word too; the file's own size is not.
	if total > ratioFloor && total/lim.Ratio > size {
		return nil, limitError("err.xlsx_compressed", fmt.Errorf("%d bytes packed to %d", total, size))
	}
	return parts, nil
}

// xlsxRels are the relationships of a part, as excelize reads them.
type xlsxRels struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Target string `xml:"Target,attr"`
		Type   string `xml:"Type,attr"`
	} `xml:"Relationship"`
}

// xlsxWorkbookSheets are the sheets of xl/workbook.xml, in either namespace of their
// relationship id (excelize turns the strict one into the transitional one).
type xlsxWorkbookSheets struct {
	Sheets []struct {
		ID       string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		StrictID string `xml:"http://purl.oclc.org/ooxml/officeDocument/relationships id,attr"`
	} `xml:"sheets>sheet"`
}

// sheetParts finds the parts excelize would read as the workbook's sheets, the way it finds
// them: the package relationships name the workbook, whose relationships name its sheets.
// Every sheet is returned, not only the first, so that no disagreement about which one is
// first can let a sheet through unchecked. A workbook whose parts cannot be found has no
// sheets for excelize either.
func sheetParts(parts map[string]*zip.File) ([]*zip.File, error) {
	var pkg xlsxRels
	if ok, err := decodePart(parts[pathPackageRels], &pkg); !ok {
		return nil, err
	}
	var book string
	for _, r := range pkg.Rels {
		if r.Type == excelize.SourceRelationshipOfficeDocument || r.Type == excelize.StrictSourceRelationshipOfficeDocument {
			book = strings.TrimPrefix(r.Target, "/")
			break
		}
	}
	if book == "" {
		return nil, nil
	}
	var wb xlsxWorkbookSheets
	if ok, err := decodePart(parts[book], &wb); !ok {
		return nil, err
	}
	dir := filepath.Dir(book)
	relsPath := strings.TrimPrefix(dir+"/_rels/"+filepath.Base(book)+".rels", "/")
	if dir == "." {
		relsPath = "_rels/" + filepath.Base(book) + ".rels"
	}
	var rels xlsxRels
	if ok, err := decodePart(parts[relsPath], &rels); !ok {
		return nil, err
	}
	var out []*zip.File
	found := map[*zip.File]bool{}
	for _, s := range wb.Sheets {
		for _, r := range rels.Rels {
			if r.ID == "" || (r.ID != s.ID && r.ID != s.StrictID) {
				continue
			}
			path := filepath.ToSlash(strings.TrimPrefix(strings.ReplaceAll(filepath.Clean(dir+"/"+r.Target), "\\", "/"), "/"))
			if strings.HasPrefix(r.Target, "/") {
				path = filepath.ToSlash(strings.TrimPrefix(strings.ReplaceAll(filepath.Clean(r.Target), "\\", "/"), "/"))
			}
			if zf, ok := parts[path]; ok && !found[zf] {
				found[zf] = true
				out = append(out, zf)
			}
		}
	}
	return out, nil
}

// decodePart decodes a small part (at most xlsxLimits.Part) into v. It reports false with a
// nil error when there is no such part, and false with an error when it is not XML.
func decodePart(zf *zip.File, v any) (bool, error) {
	if zf == nil {
		return false, nil
	}
	rc, err := zf.Open()
	if err != nil {
		return false, unreadable(err)
	}
	defer rc.Close()
	d := newDecoder(rc)
	if err := d.Decode(v); err != nil {
		return false, scanError(zf, err)
	}
	return true, nil
}

func newDecoder(r io.Reader) *xml.Decoder {
	d := xml.NewDecoder(&runLimit{r: r, max: maxRun})
	// Workbooks are UTF-8; any other encoding a part declares is read as if it were, which
	// leaves the markup (ASCII) intact for counting.
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	return d
}

// scanError turns an error of reading a part into the user's error.
func scanError(zf *zip.File, err error) error {
	if errors.Is(err, errLongRun) {
		return limitError("err.xlsx_cell_too_long", fmt.Errorf("%s: %w", zf.Name, err))
	}
	return unreadable(fmt.Errorf("%s: %w", zf.Name, err))
}

// scanPart streams a part through an XML tokenizer, handing each token to visit; a visit
// error ends the scan. The tokens are only valid until visit returns.
func scanPart(zf *zip.File, visit func(xml.Token) error) error {
	rc, err := zf.Open()
	if err != nil {
		return unreadable(err)
	}
	defer rc.Close()
	d := newDecoder(rc)
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return scanError(zf, err)
		}
		if err := visit(tok); err != nil {
			return err
		}
	}
}

// scanSheet counts the rows of a sheet (all, and those with a value other than white space),
// its cells and the characters of each cell value, as excelize's row iterator would find them
// (by local name, in any namespace).
func scanSheet(zf *zip.File, lim xlsxLimits) error {
	var lines, data, cells, inCell, inFormula, chars int
	var rowData bool // the current row holds a value
	return scanPart(zf, func(tok xml.Token) error {
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				rowData = false
				if lines++; lines > lim.Lines {
					return limitError("err.xlsx_too_many_lines", nil)
				}
				for _, a := range t.Attr {
					if a.Name.Local != "r" {
						continue
					}
					if n, err := strconv.Atoi(a.Value); err == nil && n > lim.Lines {
						return limitError("err.xlsx_too_many_lines", fmt.Errorf("row %d", n))
					}
				}
			case "c":
				if cells++; cells > lim.Cells {
					return limitError("err.xlsx_too_many_cells", nil)
				}
				if inCell++; inCell == 1 {
					chars = 0
				}
			case "f":
				inFormula++
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "c":
				inCell = max(inCell-1, 0)
			case "f":
				inFormula = max(inFormula-1, 0)
			}
		case xml.CharData:
			if inCell > 0 && inFormula == 0 {
				if chars += utf8.RuneCount(t); chars > lim.CellChars {
					return limitError("err.xlsx_cell_too_long", nil)
				}
				if !rowData && len(bytes.TrimSpace(t)) > 0 {
					rowData = true
					if data++; data > lim.DataRows {
						return limitError("err.xlsx_too_many_rows", nil)
					}
				}
			}
		}
		return nil
	})
}

// scanSharedStrings counts the items of the shared strings table and the characters of each.
func scanSharedStrings(zf *zip.File, lim xlsxLimits) error {
	var items, inItem, chars int
	return scanPart(zf, func(tok xml.Token) error {
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "si" {
				if items++; items > lim.Strings {
					return limitError("err.xlsx_too_many_strings", nil)
				}
				if inItem++; inItem == 1 {
					chars = 0
				}
			}
		case xml.EndElement:
			if t.Name.Local == "si" {
				inItem = max(inItem-1, 0)
			}
		case xml.CharData:
			if inItem > 0 {
				if chars += utf8.RuneCount(t); chars > lim.CellChars {
					return limitError("err.xlsx_cell_too_long", nil)
				}
			}
		}
		return nil
	})
}

// errLongRun is the error of a token longer than maxRun.
var errLongRun = errors.New("a token longer than 1 MB")

// runLimit passes an XML part through, failing once a stretch of it that an xml.Decoder would
// hold as one token grows beyond max bytes, so that the decoder's buffer stays small whatever
// the part holds. A stretch runs from one '<' to the next, except that a CDATA section, a
// comment or a processing instruction, which may hold '<', runs to its end. A DTD, which the
// Open Packaging Conventions do not allow in a workbook's XML, fails at once.
type runLimit struct {
	r     io.Reader
	max   int
	run   int    // bytes of the current stretch
	state uint8  // one of the run* states
	lead  []byte // the bytes after '<' while telling a tag from the other kinds of markup
	end   int    // how much of the end of the current section has been seen
}

const (
	runText    = iota // in a tag or text
	runOpen           // just after '<'
	runCDATA          // in <![CDATA[ ... ]]>
	runComment        // in <!-- ... -->
	runPI             // in <? ... ?>
)

var errDTD = errors.New("a DTD or other declaration")

func (l *runLimit) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for i := 0; i < n; i++ {
		if l.state == runText {
			j := bytes.IndexByte(p[i:n], '<')
			if j < 0 {
				l.run += n - i
				if l.run > l.max {
					return i, errLongRun
				}
				break
			}
			if l.run += j; l.run > l.max {
				return i, errLongRun
			}
			i += j
			l.run, l.state, l.lead = 0, runOpen, l.lead[:0]
			continue
		}
		if l.run++; l.run > l.max {
			return i, errLongRun
		}
		c := p[i]
		switch l.state {
		case runOpen:
			l.lead = append(l.lead, c)
			switch lead := string(l.lead); {
			case lead == "?":
				l.state, l.end = runPI, 0
			case lead == "!--":
				l.state, l.end = runComment, 0
			case lead == "![CDATA[":
				l.state, l.end = runCDATA, 0
			case strings.HasPrefix("!--", lead), strings.HasPrefix("![CDATA[", lead):
				// not told yet
			case lead[0] == '!':
				return i, errDTD
			default:
				l.state = runText
			}
		case runCDATA, runComment:
			mark := byte(']')
			if l.state == runComment {
				mark = '-'
			}
			switch {
			case c == mark:
				l.end = min(l.end+1, 2)
			case c == '>' && l.end == 2:
				l.state, l.run = runText, 0
			default:
				l.end = 0
			}
		case runPI:
			switch {
			case c == '?':
				l.end = 1
			case c == '>' && l.end == 1:
				l.state, l.run = runText, 0
			default:
				l.end = 0
			}
		}
	}
	return n, err
}
