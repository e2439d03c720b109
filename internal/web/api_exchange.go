package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/catalog"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/exchange"
	"github.com/lisa-isms/lisa/internal/oscal"
)

// Export and import of the statement of applicability (XLSX, CSV, OSCAL) and the OSCAL form
// of the catalogs.

// maxImportBytes bounds an uploaded workbook; an export of 5,000 rows is a few hundred kB.
const maxImportBytes = 10 << 20

// soaExport gathers what an export needs: the rows, owner names and evidence titles.
func (s *Server) soaExport(c *gin.Context) (domain.Municipality, []app.SoARow, map[int64]string, map[int64]string, error) {
	ctx, cl := c.Request.Context(), s.caller(c)
	mid, err := idParam(c, "mid")
	if err != nil {
		return domain.Municipality{}, nil, nil, nil, err
	}
	rows, err := s.app.SoA(ctx, cl, mid)
	if err != nil {
		return domain.Municipality{}, nil, nil, nil, err
	}
	mun, err := s.app.Municipality(ctx, cl, mid)
	if err != nil {
		return mun, nil, nil, nil, err
	}
	owners, err := s.ownerNames(c, mid, rows)
	if err != nil {
		return mun, nil, nil, nil, err
	}
	var linked []int64 // the evidence named in the export: titles of those the caller may read
	for _, r := range rows {
		linked = append(linked, r.EvidenceIDs...)
	}
	evidence, err := s.app.DocumentTitles(ctx, cl, mid, linked)
	if err != nil {
		return mun, nil, nil, nil, err
	}
	return mun, rows, owners, evidence, nil
}

func attachment(c *gin.Context, name, ctype string, body []byte) {
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, name))
	c.Data(http.StatusOK, ctype, body)
}

func (s *Server) soaXLSX(c *gin.Context) {
	mun, rows, owners, evidence, err := s.soaExport(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var buf bytes.Buffer
	if err := exchange.WriteXLSX(&buf, mun, rows, owners, evidence, lang(c)); err != nil {
		s.fail(c, err)
		return
	}
	attachment(c, fmt.Sprintf("tillamplighetsforklaring-%d.xlsx", mun.ID), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
}

func (s *Server) soaCSV(c *gin.Context) {
	mun, rows, owners, evidence, err := s.soaExport(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var buf bytes.Buffer
	if err := exchange.WriteCSV(&buf, mun, rows, owners, evidence, lang(c)); err != nil {
		s.fail(c, err)
		return
	}
	attachment(c, fmt.Sprintf("tillamplighetsforklaring-%d.csv", mun.ID), "text/csv; charset=utf-8", buf.Bytes())
}

func (s *Server) soaOSCAL(c *gin.Context) {
	mun, rows, _, _, err := s.soaExport(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	set, err := s.app.CatalogSet(s.caller(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	b, err := oscal.SoA(mun, rows, set.Catalog(catalog.ISO), s.app.Now())
	if err != nil {
		s.fail(c, err)
		return
	}
	attachment(c, fmt.Sprintf("soa-%d.oscal.json", mun.ID), "application/json", b)
}

func (s *Server) catalogOSCAL(c *gin.Context) {
	cat, _, err := s.app.CatalogControls(s.caller(c), c.Param("cat"))
	if err != nil {
		s.fail(c, err)
		return
	}
	set, err := s.app.CatalogSet(s.caller(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	b, err := oscal.Catalog(cat, set, time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Data(http.StatusOK, "application/json", b)
}

// ImportChange is one row an import changes: what it was and what it becomes.
type ImportChange struct {
	Line      int                `json:"line"`
	ControlID string             `json:"control_id"`
	Before    importState        `json:"before"`
	After     importState        `json:"after"`
	Input     domain.SoAInput    `json:"-"`
	Row       domain.ControlImpl `json:"-"`
}

type importState struct {
	Applicable    bool   `json:"applicable"`
	Justification string `json:"justification"`
	Status        string `json:"status"`
}

// importSoA reads an uploaded workbook and applies it (or, with dryRun, only computes it):
// every row valid or nothing changes.
func (s *Server) importSoA(c *gin.Context, mid int64, data []byte, dryRun bool) ([]ImportChange, error) {
	ctx, cl := c.Request.Context(), s.caller(c)
	current, err := s.app.SoA(ctx, cl, mid)
	if err != nil {
		return nil, err
	}
	rows, err := exchange.ReadXLSX(bytes.NewReader(data), exchange.MaxRows)
	if err != nil {
		return nil, err
	}
	rows = exchange.Changes(current, rows)
	out := []ImportChange{}
	if len(rows) == 0 {
		return out, nil
	}
	ids, ins := exchange.Inputs(rows)
	after, err := s.app.UpdateSoARows(ctx, cl, mid, ids, ins, dryRun)
	if err != nil {
		return nil, exchange.WithLines(err, rows)
	}
	before := map[string]app.SoARow{}
	for _, r := range current {
		before[r.ControlID] = r
	}
	for i, r := range rows {
		b := before[r.ControlID]
		out = append(out, ImportChange{Line: r.Line, ControlID: r.ControlID, Input: r.Input, Row: after[i],
			Before: importState{b.Applicable, b.Justification, b.Status},
			After:  importState{after[i].Applicable, after[i].Justification, after[i].Status}})
	}
	return out, nil
}

// readImport reads the uploaded workbook: the multipart field "file", or else the raw body
// (any content type but multipart).
func readImport(c *gin.Context) ([]byte, error) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxImportBytes+1<<20)
	var r io.Reader = c.Request.Body
	if c.ContentType() == "multipart/form-data" {
		fh, err := c.FormFile("file")
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, &domain.Error{Code: domain.ETooLarge, Message: "err.too_large", Fields: map[string]string{"file": "err.import_too_large"}}
			}
			return nil, &domain.Error{Code: domain.EInvalid, Message: "err.invalid", Fields: map[string]string{"file": "err.required"}}
		}
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxImportBytes+1))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) || len(data) > maxImportBytes {
		return nil, &domain.Error{Code: domain.ETooLarge, Message: "err.too_large", Fields: map[string]string{"file": "err.import_too_large"}}
	}
	if err != nil {
		return nil, err
	}
	if len(data) == 0 {
		return nil, &domain.Error{Code: domain.EInvalid, Message: "err.invalid", Fields: map[string]string{"file": "err.file_empty"}}
	}
	return data, nil
}

// apiImportSoA is POST .../soa.xlsx: the workbook as the body (or multipart field "file");
// ?dry_run=1 previews. It answers the changes, or 400 with every bad row.
func (s *Server) apiImportSoA(c *gin.Context) (int, any, error) {
	mid, err := idParam(c, "mid")
	if err != nil {
		return 0, nil, err
	}
	dry := false
	switch c.Query("dry_run") {
	case "", "0", "false":
	case "1", "true":
		dry = true
	default:
		return 0, nil, &domain.Error{Code: domain.EInvalid, Message: "err.invalid", Fields: map[string]string{"dry_run": "err.enum"}}
	}
	if err := s.app.CanEditSoA(s.caller(c), mid); err != nil {
		return 0, nil, err
	}
	data, err := readImport(c)
	if err != nil {
		return 0, nil, err
	}
	changes, err := s.importSoA(c, mid, data, dry)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"dry_run": dry, "applied": !dry, "changes": changes}, nil
}
