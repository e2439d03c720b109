package web

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/domain"
)

// statusOf is the one mapping from error code to HTTP status.
func statusOf(code domain.Code) int {
	switch code {
	case domain.EInvalid:
		return http.StatusBadRequest
	case domain.EUnauthorized:
		return http.StatusUnauthorized
	case domain.EForbidden:
		return http.StatusForbidden
	case domain.ENotFound:
		return http.StatusNotFound
	case domain.EConflict:
		return http.StatusConflict
	case domain.ETooLarge:
		return http.StatusRequestEntityTooLarge
	case domain.ETooManyRequests:
		return http.StatusTooManyRequests
	case domain.EUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// apiError is the JSON error body.
type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code    domain.Code       `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
	Rows    []app.RowError    `json:"rows,omitempty"` // every rejected row of a multi-row change
	// RequestID is on every 5xx: the reference that finds the server's log line.
	RequestID string `json:"request_id,omitempty"`
}

// fail renders err as JSON (API) or an error page (HTML) with its status, translated into the
// caller's language. Only internal errors are logged, with the request id.
func (s *Server) fail(c *gin.Context, err error) {
	e := domain.AsError(err)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		e = &domain.Error{Code: domain.ETooLarge, Message: "err.too_large"}
	}
	if e.Code == domain.EInternal && app.IsUnavailable(err) {
		s.logInternal(c, err)
		e = &domain.Error{Code: domain.EUnavailable, Message: "err.unavailable"}
		c.Header("Retry-After", "5")
	}
	if e.Code == domain.EInternal {
		s.logInternal(c, err)
		e = &domain.Error{Code: domain.EInternal, Message: "err.internal"}
	}
	status := statusOf(e.Code)
	if e.Code == domain.ETooManyRequests {
		c.Header("Retry-After", strconv.Itoa(max(1, int(math.Ceil(e.RetryAfter.Seconds())))))
	}
	tr := s.i18n.For(lang(c))
	body := apiErrorBody{Code: e.Code, Message: tr.T(e.Message)}
	if len(e.Fields) > 0 {
		body.Fields = map[string]string{}
		for f, k := range e.Fields {
			body.Fields[f], _ = fieldMessage(tr, f, k)
		}
	}
	var re *app.RowsError
	if errors.As(err, &re) {
		for _, r := range re.Rows {
			r.Message = tr.T(r.Message)
			fields := map[string]string{}
			for f, k := range r.Fields {
				fields[f] = tr.T(k)
			}
			r.Fields = fields
			body.Rows = append(body.Rows, r)
		}
	}
	if status >= 500 {
		body.RequestID = c.GetString(keyRequestID)
	}
	if isJSON(c) {
		c.AbortWithStatusJSON(status, apiError{Error: body})
		return
	}
	title := tr.T("err.title")
	if k := fmt.Sprintf("err.title_%d", status); tr.Has(k) {
		title = tr.T(k)
	}
	s.render(c, status, "error", errorPage{Base: s.base(c, title), Status: status, Err: body})
	c.Abort()
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// rowErrors returns the rejected rows a multi-row change reported, if any.
func rowErrors(err error) []app.RowError {
	var re *app.RowsError
	if errors.As(err, &re) {
		return re.Rows
	}
	return nil
}
