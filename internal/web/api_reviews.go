package web

// The API of the follow-up across kinds: the review list and the audit trail.

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// dueParams reads ?due= and ?mine=.
func dueParams(c *gin.Context) (domain.DueFilter, bool, error) {
	due, err := domain.ParseDueFilter(c.Query("due"))
	if err != nil {
		return "", false, err
	}
	mine := false
	switch c.Query("mine") {
	case "", "0", "false":
	case "1", "true":
		mine = true
	default:
		return "", false, &domain.Error{Code: domain.EInvalid, Message: "err.invalid", Fields: map[string]string{"mine": "err.enum"}}
	}
	return due, mine, nil
}

func (s *Server) apiDues(c *gin.Context) (int, any, error) {
	mid, err := idParam(c, "mid")
	if err != nil {
		return 0, nil, err
	}
	due, mine, err := dueParams(c)
	if err != nil {
		return 0, nil, err
	}
	if due == "" {
		due = domain.DueFilterAll
	}
	limit, err := domain.ParseLimit(c.Query("limit"))
	if err != nil {
		return 0, nil, err
	}
	items, next, err := s.duesPage(c, mid, due, mine, limit)
	if err != nil {
		return 0, nil, err
	}
	linkNext(c, next)
	return http.StatusOK, items, nil
}

// duesPage reads one page of the review list after ?after= and the URL of the next page.
func (s *Server) duesPage(c *gin.Context, mid int64, due domain.DueFilter, mine bool, limit int) ([]domain.DueItem, string, error) {
	after, err := domain.ParseCursor("reviews", c.Query("after"))
	if err != nil {
		return nil, "", err
	}
	items, err := s.app.DuesPage(c.Request.Context(), s.caller(c), mid, due, mine, after, limit+1)
	if err != nil {
		return nil, "", err
	}
	items, next := page(c, "reviews", items, limit, func(it domain.DueItem) domain.Cursor {
		return domain.Cursor{Key: it.NextReviewAt.String(), ID: it.ID}
	})
	return items, next, nil
}

// auditFilter reads the audit trail's query parameters.
func auditFilter(c *gin.Context, mid int64) (store.AuditFilter, error) {
	p := domain.Problems{}
	f := store.AuditFilter{MunicipalityID: mid, Kind: c.Query("kind"), Action: c.Query("action"), Actor: c.Query("actor"), Limit: 100}
	for _, d := range []struct {
		name string
		dst  *string
	}{{"from", &f.From}, {"to", &f.To}} {
		if v := c.Query(d.name); v != "" {
			if _, err := domain.ParseDate(v); err != nil {
				p.Add(d.name, "err.date")
			}
			*d.dst = v
		}
	}
	if v := c.Query("record_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			p.Add("record_id", "err.type")
		}
		f.RecordID = n
	}
	if v := c.Query("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			p.Add("before", "err.type")
		}
		f.BeforeID = n
	}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			p.Add("limit", "err.limit")
		}
		f.Limit = n
	}
	for _, t := range []string{f.Kind, f.Action, f.Actor} {
		if len(t) > 100 {
			p.Add("q", "err.too_long")
		}
	}
	return f, p.Err()
}

func (s *Server) apiAudit(c *gin.Context) (int, any, error) {
	mid, err := idParam(c, "mid")
	if err != nil {
		return 0, nil, err
	}
	f, err := auditFilter(c, mid)
	if err != nil {
		return 0, nil, err
	}
	es, err := s.app.AuditLog(c.Request.Context(), s.caller(c), f)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, es, nil
}
