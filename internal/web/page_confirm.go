package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/domain"
)

// confirmPage asks before something is removed for good: it names what goes, and its one
// button posts the removal (a page, so it works without JavaScript).
type confirmPage struct {
	Base
	Lead   string   // what will be removed
	Items  []string // what goes with it
	Action string   // where the button posts
	Cancel string   // back, unchanged
	Submit string
}

// confirmListMax is how many of the things that go with a removal the page names.
const confirmListMax = 20

// documentDeleteConfirm asks before a governing document is deleted (only drafts never
// adopted may be; others are retired).
func (s *Server) documentDeleteConfirm(c *gin.Context) {
	mid, id, err := recordIDs(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	ctx, cl := c.Request.Context(), s.caller(c)
	d, err := s.app.DocumentToDelete(ctx, cl, mid, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	ev, err := s.app.EvidenceList(ctx, cl, mid, domain.KindDocument, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	lg := lang(c)
	pg := confirmPage{Lead: s.i18n.T(lg, "confirm.doc_lead", d.Title), Action: docURL(mid, id) + "/delete", Cancel: docURL(mid, id),
		Submit: s.i18n.T(lg, "doc.delete_submit")}
	for i, e := range ev {
		if i == confirmListMax {
			pg.Items = append(pg.Items, s.i18n.T(lg, "confirm.more", strconv.Itoa(len(ev)-i)))
			break
		}
		pg.Items = append(pg.Items, s.i18n.T(lg, "confirm.evidence_item", e.Filename))
	}
	pg.Items = append(pg.Items, s.i18n.T(lg, "confirm.doc_parts"))
	pg.Base = s.base(c, s.i18n.T(lg, "confirm.doc_title"))
	s.render(c, http.StatusOK, "confirm", pg)
}

// evidenceDeleteConfirm asks before an evidence file of a record of kind is removed.
func (s *Server) evidenceDeleteConfirm(kind domain.Kind) gin.HandlerFunc {
	return func(c *gin.Context) {
		mid, id, eid, err := s.evidenceRef(c, kind)
		if err != nil {
			s.fail(c, err)
			return
		}
		e, err := s.app.EvidenceToDelete(c.Request.Context(), s.caller(c), mid, kind, id, eid)
		if err != nil {
			s.fail(c, err)
			return
		}
		lg, page := lang(c), recordPageURL(c, kind)
		pg := confirmPage{Lead: s.i18n.T(lg, "confirm.evidence_lead", e.Filename, bytesLabel(e.Size)), Action: page + "/evidence/" + itoa(eid) + "/delete",
			Cancel: page + "#evidence", Submit: s.i18n.T(lg, "confirm.evidence_submit")}
		pg.Base = s.base(c, s.i18n.T(lg, "confirm.evidence_title"))
		s.render(c, http.StatusOK, "confirm", pg)
	}
}
