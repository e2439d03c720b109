package exchange

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/i18n"
)

// TableRow is one non-blank row of an uploaded table: its line (the header is line 1) and
// its cells.
type TableRow struct {
	Line  int
	Cells []string
}

// ReadTable reads the first sheet of an uploaded spreadsheet, XLSX (through the checked
// reader of openXLSX, with the limits of an import of maxRows rows) or CSV (comma or
// semicolon separated, as Swedish Excel writes it; a byte-order mark is skipped): the header
// first, then every non-blank row. More than maxRows data rows is err.xlsx_too_many_rows; a
// CSV cell over 32,767 characters err.xlsx_cell_too_long; a file that is neither
// err.xlsx_unreadable (all EInvalid naming "file"). The caller bounds the size of b.
func ReadTable(b []byte, maxRows int) ([]TableRow, error) {
	if maxRows <= 0 {
		maxRows = MaxRows
	}
	tooMany := limitError("err.xlsx_too_many_rows", nil)
	var out []TableRow
	if bytes.HasPrefix(b, []byte("PK\x03\x04")) {
		sheet, err := openXLSX(b, importLimits(maxRows))
		if err != nil {
			return nil, err
		}
		defer sheet.Close()
		for sheet.Next() {
			cells := trimTail(sheet.Cells())
			if len(cells) == 0 {
				continue
			}
			if len(out) > maxRows {
				return nil, tooMany
			}
			out = append(out, TableRow{Line: sheet.Line(), Cells: cells})
		}
		if err := sheet.Err(); err != nil {
			return nil, err
		}
		return out, nil
	}
	if !utf8.Valid(b) {
		return nil, unreadable(errors.New("csv: not UTF-8"))
	}
	b = bytes.TrimPrefix(b, []byte(bom))
	first, _, _ := bytes.Cut(b, []byte("\n"))
	r := csv.NewReader(bytes.NewReader(b))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		r.Comma = ';'
	}
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	for line := 1; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, unreadable(err)
		}
		if line > 2*maxRows+1 {
			return nil, tooMany
		}
		for _, c := range rec {
			if utf8.RuneCountInString(c) > 32767 {
				return nil, limitError("err.xlsx_cell_too_long", nil)
			}
		}
		if cells := trimTail(rec); len(cells) > 0 {
			if len(out) > maxRows {
				return nil, tooMany
			}
			l, _ := r.FieldPos(0)
			out = append(out, TableRow{Line: l, Cells: cells})
		}
	}
	if len(out) == 0 {
		return nil, columnsError()
	}
	return out, nil
}

// The columns of an asset import: the export's (internal/domain's registration of the asset
// kind, through the core's export) that can be read back, and a few only an import has.
const (
	acName = iota
	acKind
	acStatus
	acUnit
	acOwner
	acInterval
	acArea
	acPersonal
	acSpecial
	acSupplier
	acCritical
	acDescription
	acZone
	acRemote
	acC
	acI
	acA
	acT
	acRationale
	acIgnored // columns of the export that are not read back (dates, the link)
)

// assetHeaders are the translation keys that name each column, in any language.
var assetHeaders = map[int][]string{
	acName: {"field.title", "field.name"}, acKind: {"field.asset_kind"}, acStatus: {"field.status"}, acUnit: {"field.org_unit_id"},
	acOwner: {"field.owner_id"}, acInterval: {"field.review_interval_months"}, acArea: {"field.activity_area"},
	acPersonal: {"field.personal_data"}, acSpecial: {"field.special_categories"}, acSupplier: {"field.supplier"},
	acCritical: {"field.critical_infrastructure"}, acDescription: {"field.description"}, acZone: {"field.network_zone"},
	acRemote: {"field.vendor_remote_access"}, acC: {"aspect.confidentiality"}, acI: {"aspect.integrity"},
	acA: {"aspect.availability"}, acT: {"aspect.traceability"}, acRationale: {"field.rationale"},
	acIgnored: {"field.last_reviewed_at", "field.next_review_at", "export.col.link"},
}

type assetVocab struct {
	headers map[string]int
	yesNo   map[string]bool
	enums   map[string]map[string]string // column key -> normalised label or value -> value
}

var assetVocabulary = sync.OnceValues(func() (assetVocab, error) {
	c, err := texts()
	if err != nil {
		return assetVocab{}, fmt.Errorf("exchange: load translations: %w", err)
	}
	v := assetVocab{headers: map[string]int{}, yesNo: map[string]bool{}, enums: map[string]map[string]string{}}
	enum := func(key, prefix string, values []string) {
		m := map[string]string{}
		for _, val := range values {
			m[normHeader(val)] = val
			for _, lang := range i18n.Languages {
				m[normHeader(c.T(lang, prefix+val))] = val
			}
		}
		v.enums[key] = m
	}
	enum("kind", "assetkind.", strs(domain.AssetKinds))
	enum("status", "assetstatus.", domain.AssetStatuses)
	enum("area", "area.", strs(domain.ActivityAreas))
	for _, lang := range i18n.Languages {
		for col, keys := range assetHeaders {
			for _, k := range keys {
				v.headers[normHeader(c.T(lang, k))] = col
			}
		}
		v.yesNo[normHeader(c.T(lang, "common.yes"))] = true
		v.yesNo[normHeader(c.T(lang, "common.no"))] = false
	}
	for _, w := range []string{"true", "1", "x"} {
		v.yesNo[w] = true
	}
	for _, w := range []string{"false", "0"} {
		v.yesNo[w] = false
	}
	return v, nil
})

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// ParseAssets reads an asset register from a table (ReadTable): the header names the columns
// (the export's, in either language, in any order; the name is required, unknown columns are
// refused naming them), each further row is an asset. Values are the export's words in either
// language or the API's; yes/no cells accept ja/nej, yes/no, true/false, 1/0 and x. Every bad
// row is named at once: unknown kinds, statuses, areas, yes/no values, levels outside 0–4 or
// intervals that are not numbers, missing names, and each line of a name given twice. Units
// and owners are named, not numbered; app.ImportAssets finds them.
func ParseAssets(rows []TableRow) ([]app.AssetImportRow, error) {
	words, err := assetVocabulary()
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, columnsError()
	}
	pos := map[int]int{}
	for at, h := range rows[0].Cells {
		col, ok := words.headers[normHeader(h)]
		if !ok {
			return nil, &domain.Error{Code: domain.EInvalid, Message: "err.import_unknown_column", Fields: map[string]string{"file": "err.import_unknown_column"},
				Err: fmt.Errorf("column %q", h)}
		}
		if _, dup := pos[col]; dup && col != acIgnored {
			return nil, columnsError()
		}
		pos[col] = at
	}
	if _, ok := pos[acName]; !ok {
		return nil, columnsError()
	}
	var out []app.AssetImportRow
	var bad []app.RowError
	seen := map[string][]int{}
	for _, r := range rows[1:] {
		row, rowErr := parseAssetRow(words, r, pos)
		if row.Name != "" {
			k := domain.FoldTitle(row.Name)
			seen[k] = append(seen[k], r.Line)
		}
		if rowErr != nil {
			bad = append(bad, *rowErr)
			continue
		}
		out = append(out, row)
	}
	for _, lines := range seen {
		if len(lines) > 1 {
			for _, l := range lines {
				bad = append(bad, app.RowError{Row: l, Message: "err.import_duplicate_name", Fields: map[string]string{"name": "err.import_duplicate_name"}})
			}
		}
	}
	if len(bad) > 0 {
		sort.SliceStable(bad, func(i, j int) bool { return bad[i].Row < bad[j].Row })
		return nil, &domain.Error{Code: domain.EInvalid, Message: "err.rows_rejected", Err: &app.RowsError{Rows: bad}}
	}
	if out == nil {
		out = []app.AssetImportRow{}
	}
	return out, nil
}

func parseAssetRow(words assetVocab, r TableRow, pos map[int]int) (app.AssetImportRow, *app.RowError) {
	row := app.AssetImportRow{Line: r.Line}
	p := domain.Problems{}
	cell := func(col int) (string, bool) {
		at, ok := pos[col]
		if !ok {
			return "", false
		}
		if at >= len(r.Cells) {
			return "", true
		}
		return strings.TrimSpace(r.Cells[at]), true
	}
	text := func(col int) *string {
		if v, ok := cell(col); ok {
			return &v
		}
		return nil
	}
	enum := func(col int, field, vocab string) *string {
		v, ok := cell(col)
		if !ok || v == "" {
			return nil
		}
		val, known := words.enums[vocab][normHeader(v)]
		if !known {
			p.Add(field, "err.enum")
			return nil
		}
		return &val
	}
	yesNo := func(col int, field string) *bool {
		v, ok := cell(col)
		if !ok || v == "" {
			return nil
		}
		b, known := words.yesNo[normHeader(v)]
		if !known {
			p.Add(field, "err.yes_no")
			return nil
		}
		return &b
	}
	if n := text(acName); n != nil {
		row.Name = *n
	}
	if row.Name == "" {
		p.Add("name", "err.required")
	}
	in := &row.Input
	in.Name = &row.Name
	in.Kind, in.Status, in.ActivityArea = enum(acKind, "kind", "kind"), enum(acStatus, "status", "status"), enum(acArea, "activity_area", "area")
	in.PersonalData, in.SpecialCategories = yesNo(acPersonal, "personal_data"), yesNo(acSpecial, "special_categories")
	in.CriticalInfrastructure, in.VendorRemoteAccess = yesNo(acCritical, "critical_infrastructure"), yesNo(acRemote, "vendor_remote_access")
	in.Supplier, in.Description, in.NetworkZone = text(acSupplier), text(acDescription), text(acZone)
	row.Unit, row.Owner = text(acUnit), text(acOwner)
	if v, ok := cell(acInterval); ok && v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			p.Add("review_interval_months", "err.type")
		}
		in.ReviewIntervalMonths = &n
	}
	for i, col := range []int{acC, acI, acA, acT} {
		v, ok := cell(col)
		if !ok || v == "" {
			continue
		}
		field := string(domain.Aspects[i])
		if sp := strings.IndexByte(v, ' '); sp > 0 { // "3 Hög": the level with its name
			v = v[:sp]
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > domain.MaxLevel {
			p.Add(field, "err.level")
			continue
		}
		row.Levels.Set(domain.Aspects[i], &n)
	}
	row.Rationale = text(acRationale)
	if len(p) > 0 {
		return row, &app.RowError{Row: r.Line, ControlID: row.Name, Message: "err.invalid", Fields: p}
	}
	return row, nil
}
