package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/auth"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/i18n"
)

type loginPage struct {
	Base
	Form      formState
	Next      string
	LoginCSRF string
}

// safeNext keeps only local paths as the after-login destination (no open redirect).
func safeNext(next string) string {
	// Browsers drop tabs and newlines from a Location and read \ as /, so "/\t/host" and
	// "/\\host" would leave the site: no control characters or backslashes at all.
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsRune(next, '\\') ||
		strings.IndexFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
		return "/"
	}
	return next
}

// loginPage shows the login form with a fresh login CSRF token (double-submit cookie).
func (s *Server) loginPage(c *gin.Context) {
	if principal(c) != nil {
		c.Redirect(http.StatusSeeOther, safeNext(c.Query("next")))
		return
	}
	s.renderLogin(c, http.StatusOK, newForm(), c.Query("next"))
}

func (s *Server) renderLogin(c *gin.Context, status int, f formState, next string) {
	tok := auth.NewToken()
	s.setCookie(c, loginCSRF, tok, 3600, http.SameSiteStrictMode)
	b := s.base(c, s.i18n.T(lang(c), "login.title"))
	s.render(c, status, "login", loginPage{Base: b, Form: f, Next: safeNext(next), LoginCSRF: tok})
}

func (s *Server) loginSubmit(c *gin.Context) {
	next := c.PostForm("next")
	f := newForm()
	f.Values["username"] = c.PostForm("username")
	cookie, _ := c.Cookie(loginCSRF)
	if !auth.Equal(cookie, c.PostForm("csrf_token")) {
		f.setErr(s.i18n.For(lang(c)), domain.Errorf(domain.EForbidden, "err.csrf_login"))
		s.renderLogin(c, http.StatusForbidden, f, next)
		return
	}
	res, err := s.app.Login(c.Request.Context(), c.ClientIP(), c.PostForm("username"), c.PostForm("password"))
	if err != nil {
		c.Set(keyFormError, true)
		f.setErr(s.i18n.For(lang(c)), err)
		f.Order = orderFields(f.Order, []string{"username", "password"}) // in page order
		s.renderLogin(c, statusOf(domain.ErrorCode(err)), f, next)
		return
	}
	s.setCookie(c, loginCSRF, "", -1, http.SameSiteStrictMode)
	s.startSession(c, res)
	c.Redirect(http.StatusSeeOther, safeNext(next))
}

func (s *Server) logout(c *gin.Context) {
	_ = s.app.Logout(c.Request.Context(), s.caller(c), c.GetString(keySession))
	s.setCookie(c, sessionCookie, "", -1, http.SameSiteLaxMode)
	s.redirect(c, "/login", "flash.logged_out")
}

// setLanguage stores the chosen UI language and returns to the page.
func (s *Server) setLanguage(c *gin.Context) {
	l := i18n.Supported(c.PostForm("lang"))
	s.setCookie(c, langCookie, l, 365*24*3600, http.SameSiteLaxMode)
	c.Redirect(http.StatusSeeOther, safeNext(c.PostForm("next")))
}

// home sends the user to their municipality (or the administration for administrators
// without one, or a chooser when they have several).
func (s *Server) home(c *gin.Context) {
	b := s.base(c, s.i18n.T(lang(c), "home.title"))
	if len(b.Muns) == 1 && len(principal(c).Assignments) > 0 {
		c.Redirect(http.StatusSeeOther, "/m/"+itoa(b.Muns[0].ID))
		return
	}
	if len(principal(c).Assignments) == 0 && b.User.IsAdmin {
		c.Redirect(http.StatusSeeOther, "/admin")
		return
	}
	s.render(c, http.StatusOK, "home", struct{ Base }{b})
}
