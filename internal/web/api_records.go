package web

// The API of the tracked-record core, for every registered kind: reviews, comments, evidence and history.

import (
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/domain"
)

func (s *Server) apiReview(kind domain.Kind) apiHandler {
	return func(c *gin.Context) (int, any, error) {
		mid, id, err := s.recordRef(c, kind)
		if err != nil {
			return 0, nil, err
		}
		var in app.ReviewInput
		if c.Request.ContentLength != 0 {
			if err := decodeJSON(c, &in); err != nil {
				return 0, nil, err
			}
		}
		r, err := s.app.MarkReviewed(c.Request.Context(), s.caller(c), mid, kind, id, in)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, r, nil
	}
}

func (s *Server) apiReviews(kind domain.Kind) apiHandler {
	return func(c *gin.Context) (int, any, error) {
		mid, id, err := s.recordRef(c, kind)
		if err != nil {
			return 0, nil, err
		}
		rs, err := s.app.Reviews(c.Request.Context(), s.caller(c), mid, kind, id)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, rs, nil
	}
}

func (s *Server) apiComments(kind domain.Kind) apiHandler {
	return func(c *gin.Context) (int, any, error) {
		mid, id, err := s.recordRef(c, kind)
		if err != nil {
			return 0, nil, err
		}
		cs, err := s.app.Comments(c.Request.Context(), s.caller(c), mid, kind, id)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, cs, nil
	}
}

func (s *Server) apiAddComment(kind domain.Kind) apiHandler {
	return func(c *gin.Context) (int, any, error) {
		mid, id, err := s.recordRef(c, kind)
		if err != nil {
			return 0, nil, err
		}
		var in struct {
			Body string `json:"body"`
		}
		if err := decodeJSON(c, &in); err != nil {
			return 0, nil, err
		}
		cm, err := s.app.AddComment(c.Request.Context(), s.caller(c), mid, kind, id, in.Body)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusCreated, cm, nil
	}
}

func (s *Server) apiEvidenceList(kind domain.Kind) apiHandler {
	return func(c *gin.Context) (int, any, error) {
		mid, id, err := s.recordRef(c, kind)
		if err != nil {
			return 0, nil, err
		}
		es, err := s.app.EvidenceList(c.Request.Context(), s.caller(c), mid, kind, id)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, es, nil
	}
}

// readUpload reads the multipart field "file", refusing more than the evidence limit.
func readUpload(c *gin.Context) (string, []byte, error) {
	fh, err := c.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return "", nil, &domain.Error{Code: domain.ETooLarge, Message: "err.too_large", Fields: map[string]string{"file": "err.file_too_large"}}
		}
		return "", nil, &domain.Error{Code: domain.EInvalid, Message: "err.invalid", Fields: map[string]string{"file": "err.required"}}
	}
	if fh.Size > domain.MaxEvidenceBytes {
		return "", nil, &domain.Error{Code: domain.ETooLarge, Message: "err.too_large", Fields: map[string]string{"file": "err.file_too_large"}}
	}
	f, err := fh.Open()
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, domain.MaxEvidenceBytes+1))
	if err != nil {
		return "", nil, err
	}
	return fh.Filename, data, nil
}

func (s *Server) apiAddEvidence(kind domain.Kind) apiHandler {
	return func(c *gin.Context) (int, any, error) {
		mid, id, err := s.recordRef(c, kind)
		if err != nil {
			return 0, nil, err
		}
		name, data, err := readUpload(c)
		if err != nil {
			return 0, nil, err
		}
		e, err := s.app.AddEvidence(c.Request.Context(), s.caller(c), mid, kind, id, name, data)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusCreated, e, nil
	}
}

// evidenceDownload serves an evidence file as an attachment, never inline.
// evidenceRef parses a record of kind's :mid and key, and :eid.
func (s *Server) evidenceRef(c *gin.Context, kind domain.Kind) (mid, id, eid int64, err error) {
	if mid, id, err = s.recordRef(c, kind); err == nil {
		eid, err = idParam(c, "eid")
	}
	return mid, id, eid, err
}

func (s *Server) evidenceDownload(kind domain.Kind) gin.HandlerFunc {
	return func(c *gin.Context) {
		mid, id, eid, err := s.evidenceRef(c, kind)
		if err != nil {
			s.fail(c, err)
			return
		}
		e, err := s.app.EvidenceFile(c.Request.Context(), s.caller(c), mid, kind, id, eid)
		if err != nil {
			s.fail(c, err)
			return
		}
		c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": e.Filename}))
		c.Header("X-Content-Type-Options", "nosniff")
		c.Header("Content-Security-Policy", "sandbox")
		c.Data(http.StatusOK, e.ContentType, e.Data)
	}
}

func (s *Server) apiDeleteEvidence(kind domain.Kind) apiHandler {
	return func(c *gin.Context) (int, any, error) {
		mid, id, err := s.recordRef(c, kind)
		if err != nil {
			return 0, nil, err
		}
		eid, err := idParam(c, "eid")
		if err != nil {
			return 0, nil, err
		}
		if err := s.app.DeleteEvidence(c.Request.Context(), s.caller(c), mid, kind, id, eid); err != nil {
			return 0, nil, err
		}
		return http.StatusNoContent, nil, nil
	}
}

func (s *Server) apiHistory(kind domain.Kind) apiHandler {
	return func(c *gin.Context) (int, any, error) {
		mid, id, err := s.recordRef(c, kind)
		if err != nil {
			return 0, nil, err
		}
		es, err := s.app.History(c.Request.Context(), s.caller(c), mid, kind, id)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, es, nil
	}
}
