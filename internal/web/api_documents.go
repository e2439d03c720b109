package web

// The API of the governing documents' own routes (the shared record routes are in api_records.go).

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// documentFilter reads the document list's query parameters.
func documentFilter(c *gin.Context) (store.DocumentFilter, error) {
	p := domain.Problems{}
	f := store.DocumentFilter{Query: strings.TrimSpace(c.Query("q"))}
	if v := c.Query("type"); v != "" {
		f.Type = domain.DocType(v)
		if !oneOf(f.Type, domain.DocTypes) {
			p.Add("type", "err.enum")
		}
	}
	if v := c.Query("status"); v != "" {
		f.Status = domain.DocStatus(v)
		if !oneOf(f.Status, domain.DocStatuses) {
			p.Add("status", "err.enum")
		}
	}
	if v := c.Query("org_unit_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			p.Add("org_unit_id", "err.type")
		}
		f.OrgUnitID = n
	}
	if len(f.Query) > 200 {
		p.Add("q", "err.too_long")
	}
	f.Limit, f.After = pageQuery(c, "documents", p)
	return f, p.Err()
}

// documentPage reads one page of the document list: f.Limit documents after f.After, and the
// URL of the next page ("" on the last), the request's own with a new ?after=.
func (s *Server) documentPage(c *gin.Context, mid int64, f store.DocumentFilter) ([]domain.Document, string, error) {
	return fetchPage(c, "documents", f.Limit, func(n int) ([]domain.Document, error) {
		f.Limit = n
		return s.app.Documents(c.Request.Context(), s.caller(c), mid, f)
	}, domain.Document.TitleCursor)
}

func (s *Server) apiUpdateDocument(c *gin.Context) (int, any, error) {
	mid, id, err := recordIDs(c)
	if err != nil {
		return 0, nil, err
	}
	var in domain.DocumentInput
	if err := decodeJSON(c, &in); err != nil {
		return 0, nil, err
	}
	d, err := s.app.UpdateDocument(c.Request.Context(), s.caller(c), mid, id, in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, d, nil
}

func (s *Server) apiDeleteDocument(c *gin.Context) (int, any, error) {
	mid, id, err := recordIDs(c)
	if err != nil {
		return 0, nil, err
	}
	if err := s.app.DeleteDocument(c.Request.Context(), s.caller(c), mid, id); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

func (s *Server) apiDocumentVersions(c *gin.Context) (int, any, error) {
	mid, id, err := recordIDs(c)
	if err != nil {
		return 0, nil, err
	}
	vs, err := s.app.DocumentVersions(c.Request.Context(), s.caller(c), mid, id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, vs, nil
}
