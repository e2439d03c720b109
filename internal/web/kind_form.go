package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/authz"
	"github.com/lisa-isms/lisa/internal/domain"
)

// kindForm is a kind's create and edit form: the one shape of their handlers — parse the
// post, let the service decide, then redirect with a flash, or show the form again with the
// user's input and every problem at once. A kind declares its parser, its service calls and
// its form page; the handlers come from here.
type kindForm[In any] struct {
	kind    domain.Kind
	fields  []string // the form's fields in order, for the error summary
	parse   func(v url.Values, isNew bool) (In, domain.Problems)
	problem func(s *Server, p domain.Problems, in In) // adds the domain's problems with in to the form's own (nil: none)
	load    func(s *Server, c *gin.Context, mid, id int64) (domain.Record, formState, error)
	create  func(s *Server, c *gin.Context, mid int64, in In) (int64, error)
	update  func(s *Server, c *gin.Context, mid, id int64, in In) error
	render  func(s *Server, c *gin.Context, status int, mid int64, isNew bool, action string, f formState)
	// defaults adds the kind's own defaults to a new record's form (nil: none beyond the
	// review interval and the caller as owner); an error is shown as the page's.
	defaults func(s *Server, c *gin.Context, mid int64, f formState) error
	created  string // flash keys
	saved    string
}

// listPath is where a new record of the kind is posted, /m/{mid}/{section}.
func (k kindForm[In]) listPath(mid int64) string {
	return "/m/" + itoa(mid) + "/" + spec(k.kind).Section
}

// recordPath is a record's page.
func (k kindForm[In]) recordPath(mid, id int64) string { return k.listPath(mid) + "/" + itoa(id) }

// submit parses the posted form and runs do with its input; a failure shows the form again.
func (k kindForm[In]) submit(s *Server, c *gin.Context, mid int64, isNew bool, action string, do func(In) error) bool {
	if err := c.Request.ParseForm(); err != nil {
		s.fail(c, err)
		return false
	}
	in, p := k.parse(c.Request.PostForm, isNew)
	if len(p) > 0 && k.problem != nil {
		k.problem(s, p, in)
	}
	err := p.Err()
	if err == nil {
		err = do(in)
	}
	if err != nil {
		if f, status, ok := s.formFail(c, err, k.fields); ok {
			k.render(s, c, status, mid, isNew, action, f)
		}
		return false
	}
	return true
}

// newHandler is GET /m/:mid/{section}/new: the empty form, with the default review interval,
// the caller as owner and the kind's defaults, for those who may create records of the kind.
func (k kindForm[In]) newHandler(s *Server) gin.HandlerFunc {
	return func(c *gin.Context) {
		mid, ok := s.creator(c, k.kind)
		if !ok {
			return
		}
		f := newForm()
		f.Values["review_interval_months"] = strconv.Itoa(domain.DefaultReviewMonths)
		if p := principal(c); p != nil {
			f.Values["owner_id"] = itoa(p.User.ID)
		}
		if k.defaults != nil {
			if err := k.defaults(s, c, mid, f); err != nil {
				s.fail(c, err)
				return
			}
		}
		k.render(s, c, http.StatusOK, mid, true, k.listPath(mid), f)
	}
}

// createHandler is POST /m/:mid/{section}.
func (k kindForm[In]) createHandler(s *Server) gin.HandlerFunc {
	return func(c *gin.Context) {
		mid, ok := s.creator(c, k.kind)
		if !ok {
			return
		}
		var id int64
		if k.submit(s, c, mid, true, k.listPath(mid), func(in In) (err error) { id, err = k.create(s, c, mid, in); return err }) {
			s.redirect(c, k.recordPath(mid, id), k.created)
		}
	}
}

// editHandler is GET /m/:mid/{section}/:id/edit: the form with the stored values, for those
// who may change the record.
func (k kindForm[In]) editHandler(s *Server) gin.HandlerFunc {
	return func(c *gin.Context) {
		mid, id, err := recordIDs(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		r, f, err := k.load(s, c, mid, id)
		if err != nil {
			s.fail(c, err)
			return
		}
		if !s.rights(c, mid, k.kind, r).Edit {
			s.fail(c, domain.Forbidden())
			return
		}
		k.render(s, c, http.StatusOK, mid, false, k.recordPath(mid, id), f)
	}
}

// updateHandler is POST /m/:mid/{section}/:id.
func (k kindForm[In]) updateHandler(s *Server) gin.HandlerFunc {
	return func(c *gin.Context) {
		mid, id, err := recordIDs(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		// A record one may not read is not found, one one may not change forbidden, before the
		// input is looked at.
		r, _, err := k.load(s, c, mid, id)
		if err != nil {
			s.fail(c, err)
			return
		}
		if !s.rights(c, mid, k.kind, r).Edit {
			s.fail(c, domain.Forbidden())
			return
		}
		if k.submit(s, c, mid, false, k.recordPath(mid, id), func(in In) error { return k.update(s, c, mid, id, in) }) {
			s.redirect(c, k.recordPath(mid, id), k.saved)
		}
	}
}

// creator reads :mid for a page that creates a record of kind, refused before any input is
// looked at: a municipality one is not in is not found, a kind one may create nothing of is
// forbidden, whatever was posted. It reports false when it has answered.
func (s *Server) creator(c *gin.Context, kind domain.Kind) (int64, bool) {
	mid, err := idParam(c, "mid")
	if err == nil {
		_, err = s.app.Municipality(c.Request.Context(), s.caller(c), mid)
	}
	if err == nil && !s.app.CanSome(s.caller(c), mid, authz.ObjectOf(kind), authz.Create) {
		err = domain.Forbidden()
	}
	if err != nil {
		s.fail(c, err)
		return 0, false
	}
	return mid, true
}
