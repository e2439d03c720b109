package web

import (
	"fmt"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/domain"
)

// The kind registry's web half. A kind's page file registers how its record page is drawn
// (registerRecordPage in an init function); the shared record routes (review, comments,
// evidence, history) of every registered kind, their links and their OpenAPI description
// come from domain.KindSpecs. A new kind adds files; it does not edit this one.

// recordPageFunc draws the page of record id of a kind, with the input and errors f of the
// inline form named form (re-rendered after a validation error) and the given status.
type recordPageFunc func(s *Server, c *gin.Context, status int, mid, id int64, form string, f formState)

var (
	pagesMu     sync.RWMutex
	recordPages = map[domain.Kind]recordPageFunc{}
)

// registerRecordPage declares how the record page of kind is drawn.
func registerRecordPage(kind domain.Kind, f recordPageFunc) {
	pagesMu.Lock()
	defer pagesMu.Unlock()
	if _, dup := recordPages[kind]; dup {
		panic(fmt.Sprintf("record page of %q registered twice", kind))
	}
	recordPages[kind] = f
}

func recordPage(kind domain.Kind) recordPageFunc {
	pagesMu.RLock()
	defer pagesMu.RUnlock()
	return recordPages[kind]
}

func spec(kind domain.Kind) domain.KindSpec {
	s, ok := domain.SpecOf(kind)
	if !ok {
		panic(fmt.Sprintf("kind %q is not registered", kind))
	}
	return s
}

// recordRef resolves the municipality and record id of a record route of kind (its :param
// names the record by id or by ref, as the kind's spec says). Anything that does not name a
// record the caller may read is "not found".
func (s *Server) recordRef(c *gin.Context, kind domain.Kind) (int64, int64, error) {
	mid, err := idParam(c, "mid")
	if err != nil {
		return 0, 0, err
	}
	id, err := s.app.RecordID(c.Request.Context(), s.caller(c), mid, kind, c.Param(spec(kind).Param))
	return mid, id, err
}

// recordPageURL is the page of the record the current route names.
func recordPageURL(c *gin.Context, kind domain.Kind) string {
	k := spec(kind)
	return "/m/" + c.Param("mid") + "/" + k.Section + "/" + c.Param(k.Param)
}

// recordRedirect sends GET /m/:mid/records/:id (the links of the cross-kind review lists) to
// the record's own page.
func (s *Server) recordRedirect(c *gin.Context) {
	mid, id, err := recordIDs(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	path, err := s.app.RecordPath(c.Request.Context(), s.caller(c), mid, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(303, path)
}

// kindRoutes registers the shared record routes of every registered kind: the API under
// /api/v1/municipalities/:mid/{section}/:{param} and the inline forms under the record page
// /m/:mid/{section}/:{param}.
func (s *Server) kindRoutes(api, pages *gin.RouterGroup) {
	for _, k := range domain.KindSpecs() {
		s.apiRecordRoutes(api.Group("/municipalities/:mid/"+k.Section+"/:"+k.Param), k.Kind)
		if recordPage(k.Kind) != nil {
			s.pageRecordRoutes(pages.Group("/m/:mid/"+k.Section+"/:"+k.Param), k.Kind)
		}
	}
}
