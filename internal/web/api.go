package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/domain"
)

// decodeJSON reads a JSON request body into v. It answers EInvalid naming the field for type
// errors, ETooLarge for bodies over the limit, and refuses other content types.
func decodeJSON(c *gin.Context, v any) error {
	if mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type")); mt != "application/json" {
		return &domain.Error{Code: domain.EInvalid, Message: "err.content_type"}
	}
	return decodeJSONBody(c.Request.Body, v)
}

// decodeJSONBody is the JSON decoder every API body goes through (fuzzed in tests).
func decodeJSONBody(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		var te *json.UnmarshalTypeError
		var pe *time.ParseError
		switch {
		case errors.As(err, &mbe):
			return &domain.Error{Code: domain.ETooLarge, Message: "err.too_large", Err: err}
		case errors.As(err, &te) && te.Field != "":
			return &domain.Error{Code: domain.EInvalid, Message: "err.invalid", Fields: map[string]string{te.Field: "err.type"}, Err: err}
		case errors.As(err, &pe):
			return &domain.Error{Code: domain.EInvalid, Message: "err.invalid", Err: err}
		case errors.Is(err, io.EOF):
			return &domain.Error{Code: domain.EInvalid, Message: "err.empty_body", Err: err}
		}
		return &domain.Error{Code: domain.EInvalid, Message: "err.json", Err: err}
	}
	if dec.More() {
		return &domain.Error{Code: domain.EInvalid, Message: "err.json"}
	}
	return nil
}

// apiHandler is an API handler: it returns the status and body, or an error for fail.
type apiHandler func(c *gin.Context) (int, any, error)

// api adapts an apiHandler to gin: errors go through fail, a nil body is an empty response.
func (s *Server) api(h apiHandler) gin.HandlerFunc {
	return func(c *gin.Context) {
		status, v, err := h(c)
		switch {
		case err != nil:
			s.fail(c, err)
		case v == nil:
			c.Status(status)
		default:
			c.JSON(status, v)
		}
	}
}

func oneOf[T comparable](v T, all []T) bool {
	for _, a := range all {
		if a == v {
			return true
		}
	}
	return false
}

// recordIDs parses :mid and :id.
func recordIDs(c *gin.Context) (int64, int64, error) {
	mid, err1 := idParam(c, "mid")
	id, err2 := idParam(c, "id")
	if err1 != nil || err2 != nil {
		return 0, 0, domain.NotFound()
	}
	return mid, id, nil
}

// apiRead is the API handler of a record route without a body: the record's municipality and
// id from the path, and the service's answer with status.
func apiRead[Out any](s *Server, status int, call func(ctx context.Context, c app.Caller, mid, id int64) (Out, error)) gin.HandlerFunc {
	return s.api(func(c *gin.Context) (int, any, error) {
		mid, id, err := recordIDs(c)
		if err != nil {
			return 0, nil, err
		}
		out, err := call(c.Request.Context(), s.caller(c), mid, id)
		if err != nil {
			return 0, nil, err
		}
		return status, out, nil
	})
}

// apiList is the API handler of a kind's register: the municipality from the path, the
// filter read from the query, one page of rows, and the next page's URL in the Link header.
func apiList[F, T any](s *Server, filter func(*gin.Context) (F, error), page func(s *Server, c *gin.Context, mid int64, f F) ([]T, string, error)) gin.HandlerFunc {
	return s.api(func(c *gin.Context) (int, any, error) {
		mid, err := idParam(c, "mid")
		if err != nil {
			return 0, nil, err
		}
		f, err := filter(c)
		if err != nil {
			return 0, nil, err
		}
		list, next, err := page(s, c, mid, f)
		if err != nil {
			return 0, nil, err
		}
		linkNext(c, next)
		return http.StatusOK, list, nil
	})
}

// apiCreate is the API handler that creates a record of a kind: the municipality from the
// path, the body decoded into In, the service's answer with 201.
func apiCreate[In, Out any](s *Server, call func(ctx context.Context, c app.Caller, mid int64, in In) (Out, error)) gin.HandlerFunc {
	return s.api(func(c *gin.Context) (int, any, error) {
		mid, err := idParam(c, "mid")
		if err != nil {
			return 0, nil, err
		}
		var in In
		if err := decodeJSON(c, &in); err != nil {
			return 0, nil, err
		}
		out, err := call(c.Request.Context(), s.caller(c), mid, in)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusCreated, out, nil
	})
}

// apiWrite is the API handler of a record route with a JSON body: the record's municipality
// and id from the path, the body decoded into In, and the service's
// answer with status.
func apiWrite[In, Out any](s *Server, status int, call func(ctx context.Context, c app.Caller, mid, id int64, in In) (Out, error)) gin.HandlerFunc {
	return s.api(func(c *gin.Context) (int, any, error) {
		mid, id, err := recordIDs(c)
		if err != nil {
			return 0, nil, err
		}
		var in In
		if err := decodeJSON(c, &in); err != nil {
			return 0, nil, err
		}
		out, err := call(c.Request.Context(), s.caller(c), mid, id, in)
		if err != nil {
			return 0, nil, err
		}
		return status, out, nil
	})
}
