package web

import (
	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/domain"
)

// kindWeb is how the pages and the API address the records of one kind: the path segment of
// its pages and the path parameter that names one record (its id, or for statement-of-
// applicability rows the control id). The shared record routes (review, comments, evidence,
// history) work for every kind through it.
type kindWeb struct {
	section string // "documents", "soa"
	param   string // "id" (record id) or "ctl" (control id)
}

var kinds = map[domain.Kind]kindWeb{
	domain.KindDocument: {section: "documents", param: "id"},
	domain.KindControl:  {section: "soa", param: "ctl"},
}

// recordRef resolves the municipality and record id of a record route of kind. Anything
// that does not name a record the caller may know of is "not found".
func (s *Server) recordRef(c *gin.Context, kind domain.Kind) (int64, int64, error) {
	if kinds[kind].param == "id" {
		return recordIDs(c)
	}
	mid, err := idParam(c, "mid")
	if err != nil {
		return 0, 0, err
	}
	id, err := s.app.ControlRecordID(c.Request.Context(), s.caller(c), mid, c.Param(kinds[kind].param))
	return mid, id, err
}

// recordPageURL is the page of the record the current route names.
func recordPageURL(c *gin.Context, kind domain.Kind) string {
	k := kinds[kind]
	return "/m/" + c.Param("mid") + "/" + k.section + "/" + c.Param(k.param)
}

// recordRedirect sends GET /m/:mid/records/:id (the links of the cross-kind review lists) to
// the record's own page.
func (s *Server) recordRedirect(c *gin.Context) {
	mid, id, err := recordIDs(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	kind, key, err := s.app.RecordKey(c.Request.Context(), s.caller(c), mid, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Redirect(303, "/m/"+itoa(mid)+"/"+kinds[kind].section+"/"+key)
}
