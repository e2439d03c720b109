package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// menuPage is the whole menu as a page: on a phone the header shows the first entries and a
// link here (every kind adds an entry; a page needs no JavaScript to open).
func (s *Server) menuPage(c *gin.Context) {
	mid, err := idParam(c, "mid")
	if err != nil {
		s.fail(c, err)
		return
	}
	if _, err := s.app.Municipality(c.Request.Context(), s.caller(c), mid); err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "menu", struct{ Base }{s.base(c, s.i18n.T(lang(c), "nav.menu_title"))})
}
