package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// Administration pages: municipalities, each municipality's org tree, accounts and role
// assignments. Only administrators get here: every handler checks first (so a non-admin
// never sees an admin form, not even with errors) and the services check again.

// The forms' fields in form order, for the error summary.
var (
	adminMunicipalityFields = []string{"name", "org_number"}
	adminUnitFields         = []string{"name", "kind", "parent_id"}
	adminUserFields         = []string{"username", "name", "email", "password", "is_admin", "disabled"}
	adminGrantFields        = []string{"municipality_id", "role", "org_unit_ids"}
)

// adminOnly answers 403 unless the caller is an administrator.
func (s *Server) adminOnly(c *gin.Context) bool {
	if p := principal(c); p == nil || !p.User.IsAdmin {
		s.fail(c, domain.Forbidden())
		return false
	}
	return true
}

// adminParseForm parses the posted form; a body over the limit goes to the error page.
func (s *Server) adminParseForm(c *gin.Context) bool {
	if err := c.Request.ParseForm(); err != nil {
		s.fail(c, err)
		return false
	}
	return true
}

// adminParseID reads an optional id field: empty is 0, anything but a positive integer is
// a field error.
func adminParseID(v url.Values, name string, p domain.Problems) int64 {
	str := strings.TrimSpace(v.Get(name))
	if str == "" {
		return 0
	}
	n, err := strconv.ParseInt(str, 10, 64)
	if err != nil || n <= 0 {
		p.Add(name, "err.type")
		return 0
	}
	return n
}

// adminChecked reads a checkbox: absent (or empty) is false.
func adminChecked(v url.Values, name string) bool { return v.Get(name) != "" }

// ---- Municipalities -------------------------------------------------------------------

type adminHomePage struct {
	Base
	List   []domain.Municipality
	Form   formState
	Outbox []store.OutboxMail // reminder mail not (yet) delivered
}

func (s *Server) adminHome(c *gin.Context) {
	if !s.adminOnly(c) {
		return
	}
	s.renderAdminHome(c, http.StatusOK, newForm())
}

func (s *Server) renderAdminHome(c *gin.Context, status int, f formState) {
	list, err := s.app.Municipalities(c.Request.Context(), s.caller(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	pg := adminHomePage{List: list, Form: f}
	for _, st := range []string{store.OutboxFailed, store.OutboxPending} {
		mails, err := s.app.Outbox(c.Request.Context(), s.caller(c), st, 50)
		if err != nil {
			s.fail(c, err)
			return
		}
		pg.Outbox = append(pg.Outbox, mails...)
	}
	pg.Base = s.base(c, s.i18n.T(lang(c), "admin.title"))
	s.render(c, status, "admin", pg)
}

func (s *Server) adminCreateMunicipality(c *gin.Context) {
	if !s.adminOnly(c) || !s.adminParseForm(c) {
		return
	}
	v := c.Request.PostForm
	m, err := s.app.CreateMunicipality(c.Request.Context(), s.caller(c), app.MunicipalityInput{Name: v.Get("name"), OrgNumber: v.Get("org_number")})
	if err != nil {
		f, status, ok := s.formFail(c, err, adminMunicipalityFields)
		if !ok {
			return
		}
		s.renderAdminHome(c, status, f)
		return
	}
	s.redirect(c, adminMunURL(m.ID), "flash.municipality_created")
}

func adminMunURL(mid int64) string { return "/admin/municipalities/" + itoa(mid) }
