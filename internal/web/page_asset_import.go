package web

import (
	"encoding/base64"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/authz"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/exchange"
)

// The import of an asset register from XLSX or CSV: upload, preview (every row's action, or
// every bad row by its line), confirm. The preview carries the file itself as a hidden field,
// so confirming needs no stored upload and no JavaScript, and checks every row again: all or
// nothing.

// importAssets reads an uploaded table and imports it (with dryRun, only computes it).
func (s *Server) importAssets(c *gin.Context, mid int64, data []byte, dryRun bool) ([]app.AssetImportResult, error) {
	rows, err := exchange.ReadTable(data, app.MaxAssetImportRows)
	if err != nil {
		return nil, err
	}
	parsed, err := exchange.ParseAssets(rows)
	if err != nil {
		return nil, err
	}
	return s.app.ImportAssets(c.Request.Context(), s.caller(c), mid, parsed, dryRun)
}

// apiImportAssets is POST …/assets.xlsx (or .csv): the file as the body or the multipart
// field "file"; ?dry_run=1 previews. It answers what each row does, or 400 with every bad row.
func (s *Server) apiImportAssets(c *gin.Context) (int, any, error) {
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
	if err := s.canImportAssets(c, mid); err != nil {
		return 0, nil, err
	}
	data, err := readImport(c)
	if err != nil {
		return 0, nil, err
	}
	res, err := s.importAssets(c, mid, data, dry)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"dry_run": dry, "applied": !dry, "rows": res}, nil
}

// canImportAssets refuses, before reading any upload, someone who may neither create nor
// change assets in mid.
func (s *Server) canImportAssets(c *gin.Context, mid int64) error {
	cl := s.caller(c)
	if _, err := s.app.Municipality(c.Request.Context(), cl, mid); err != nil {
		return err
	}
	if !s.app.CanSome(cl, mid, authz.ObjAsset, authz.Create) && !s.app.CanSome(cl, mid, authz.ObjAsset, authz.Update) {
		return domain.Forbidden()
	}
	return nil
}

// maxPageImportBytes bounds a file imported through the page: the confirmation sends it back
// as base64 (a third larger) in a form field, which must stay under the form's limits. The
// API (POST …/assets.xlsx) takes files up to maxImportBytes.
const maxPageImportBytes = 7 << 20

type assetImportPage struct {
	Base
	Results []app.AssetImportResult
	Data    string // the previewed file, base64, for the confirmation
	Form    formState
	Rows    []rowErrorView
	Applied bool
	Counts  map[string]int
}

func (s *Server) assetImportForm(c *gin.Context) {
	mid, err := idParam(c, "mid")
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.canImportAssets(c, mid); err != nil {
		s.fail(c, err)
		return
	}
	s.renderAssetImport(c, nil, "", false, nil)
}

func (s *Server) assetImportPreview(c *gin.Context) {
	mid, err := idParam(c, "mid")
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.canImportAssets(c, mid); err != nil {
		s.fail(c, err)
		return
	}
	data, err := readImport(c)
	if err == nil && len(data) > maxPageImportBytes {
		err = &domain.Error{Code: domain.ETooLarge, Message: "err.too_large", Fields: map[string]string{"file": "err.import_too_large_page"}}
	}
	var res []app.AssetImportResult
	if err == nil {
		res, err = s.importAssets(c, mid, data, true)
	}
	s.renderAssetImport(c, res, base64.StdEncoding.EncodeToString(data), false, err)
}

func (s *Server) assetImportApply(c *gin.Context) {
	mid, err := idParam(c, "mid")
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.canImportAssets(c, mid); err != nil {
		s.fail(c, err)
		return
	}
	data, derr := base64.StdEncoding.DecodeString(c.PostForm("data"))
	if derr != nil || len(data) == 0 || len(data) > maxImportBytes {
		s.fail(c, &domain.Error{Code: domain.EInvalid, Message: "err.import_form"})
		return
	}
	res, err := s.importAssets(c, mid, data, false)
	s.renderAssetImport(c, res, "", err == nil, err)
}

func (s *Server) renderAssetImport(c *gin.Context, res []app.AssetImportResult, data string, applied bool, err error) {
	tr := s.i18n.For(lang(c))
	pg := assetImportPage{Results: res, Data: data, Form: newForm(), Applied: applied, Counts: map[string]int{}}
	for _, r := range res {
		pg.Counts[r.Action]++
	}
	status := http.StatusOK
	if err != nil {
		f, st, ok := s.formFail(c, err, nil)
		if !ok {
			return
		}
		pg.Form, pg.Results, pg.Data, status, pg.Rows = f, nil, "", st, rowErrorViews(tr, err)
	}
	pg.Base = s.base(c, tr.T("aimp.title"))
	s.render(c, status, "asset_import", pg)
}
