package web

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/auth"
	"github.com/lisa-isms/lisa/internal/authz"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/i18n"
)

const (
	sessionCookie = "lisa_session"
	loginCSRF     = "lisa_login_csrf"
	langCookie    = "lisa_lang"
	flashCookie   = "lisa_flash"

	keyPrincipal = "lisa.principal"
	keyCSRF      = "lisa.csrf"
	keyBearer    = "lisa.bearer"
	keyRequestID = "lisa.request_id"
	keySession   = "lisa.session"
	keyFormError = "lisa.form_error" // the page shows a form with errors: its <title> says so

	maxBody = 1 << 20 // JSON and form bodies; evidence uploads have their own limit
)

// logRequests gives each request an id and logs it with user and municipality (never
// secrets: no cookies, tokens or bodies).
func (s *Server) logRequests(c *gin.Context) {
	start := time.Now()
	id := auth.NewToken()[:12]
	c.Set(keyRequestID, id)
	c.Header("X-Request-Id", id)
	c.Next()
	path := c.Request.URL.Path
	if strings.HasPrefix(path, "/calendar/") { // the feed's token is its credential
		path = "/calendar/…"
	}
	attrs := []any{"request_id", id, "method", c.Request.Method, "path", path,
		"status", c.Writer.Status(), "duration_ms", time.Since(start).Milliseconds()}
	if p := principal(c); p != nil {
		attrs = append(attrs, "user", p.User.Username)
	}
	if m := c.Param("mid"); m != "" {
		attrs = append(attrs, "municipality", m)
	}
	s.log.Info("request", attrs...)
}

// saneURL refuses paths and query parameters that are not text: invalid UTF-8 or a NUL byte
// names nothing (404 for a path) and is no value (400 naming the parameter), and PostgreSQL
// would refuse it as a statement's argument.
func (s *Server) saneURL(c *gin.Context) {
	if !isText(c.Request.URL.Path) {
		s.fail(c, domain.NotFound())
		c.Abort()
		return
	}
	for k, vs := range c.Request.URL.Query() {
		for _, v := range append([]string{k}, vs...) {
			if !isText(v) {
				field := k
				if !isText(k) {
					field = "query"
				}
				s.fail(c, &domain.Error{Code: domain.EInvalid, Message: "err.invalid", Fields: map[string]string{field: "err.control_chars"}})
				c.Abort()
				return
			}
		}
	}
	c.Next()
}

func isText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// recoverPanics turns a panic into a logged 500, never a dropped connection.
func (s *Server) recoverPanics(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("panic", "request_id", c.GetString(keyRequestID), "panic", r)
			s.fail(c, domain.Errorf(domain.EInternal, "err.internal"))
			c.Abort()
		}
	}()
	c.Next()
}

// securityHeaders sets the headers every response carries.
func securityHeaders(h http.Header, secure bool) {
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	if secure { // TLS here, or behind a TLS proxy (--secure-cookies, the documented deployment)
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
}

// limitBody caps request bodies: evidence uploads at the evidence limit plus room for the
// form, everything else at maxBody.
func limitBody(c *gin.Context) {
	n := int64(maxBody)
	switch p := c.FullPath(); {
	case strings.HasSuffix(p, "/evidence"):
		n = domain.MaxEvidenceBytes + 1<<20
	case strings.HasSuffix(p, ".xlsx") || strings.HasSuffix(p, ".csv") || strings.Contains(p, "-import"): // the imports
		n = maxImportBytes + 1<<20
	}
	if c.Request.Body != nil {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
	}
	c.Next()
}

// authenticate finds the caller from a bearer token or the session cookie. It does not
// refuse anonymous requests; handlers that need a user call requireUser.
func (s *Server) authenticate(c *gin.Context) {
	if h := c.GetHeader("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || tok == "" {
			s.fail(c, domain.Errorf(domain.EUnauthorized, "err.unauthorized"))
			c.Abort()
			return
		}
		p, err := s.app.TokenPrincipal(c.Request.Context(), strings.TrimSpace(tok))
		if err != nil && domain.ErrorCode(err) != domain.ENotFound {
			s.fail(c, err) // the database, not the token, is the trouble
			c.Abort()
			return
		}
		if err != nil {
			s.fail(c, domain.Errorf(domain.EUnauthorized, "err.bad_token"))
			c.Abort()
			return
		}
		c.Set(keyPrincipal, p)
		c.Set(keyBearer, true)
		c.Next()
		return
	}
	if tok, err := c.Cookie(sessionCookie); err == nil && tok != "" {
		p, csrf, err := s.app.SessionPrincipal(c.Request.Context(), tok)
		if err == nil {
			c.Set(keyPrincipal, p)
			c.Set(keyCSRF, csrf)
			c.Set(keySession, tok)
		} else if domain.ErrorCode(err) != domain.ENotFound {
			s.fail(c, err)
			c.Abort()
			return
		}
	}
	c.Next()
}

// checkCSRF refuses state-changing requests authenticated by the session cookie unless they
// carry the session's CSRF token (form field csrf_token or header X-CSRF-Token). Bearer-token
// calls need none: a browser never sends them on its own.
func (s *Server) checkCSRF(c *gin.Context) {
	switch c.Request.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		c.Next()
		return
	}
	if c.GetBool(keyBearer) || principal(c) == nil {
		c.Next()
		return
	}
	want := c.GetString(keyCSRF)
	got := c.GetHeader("X-CSRF-Token")
	if got == "" && !isJSON(c) {
		var err error
		if got, err = formValue(c, "csrf_token"); err != nil {
			// A body over the limit is "too large", not a CSRF failure the user cannot understand.
			s.fail(c, err)
			c.Abort()
			return
		}
	}
	if !auth.Equal(want, got) {
		s.fail(c, domain.Errorf(domain.EForbidden, "err.csrf"))
		c.Abort()
		return
	}
	c.Next()
}

// formValue reads a form field. It returns an error only for a body over the limit; other
// parse errors leave the field empty (and the CSRF check fails).
func formValue(c *gin.Context, key string) (string, error) {
	var err error
	if strings.HasPrefix(c.ContentType(), "multipart/") {
		err = c.Request.ParseMultipartForm(32 << 10)
	} else {
		err = c.Request.ParseForm()
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return "", err
		}
		return "", nil
	}
	return c.Request.PostFormValue(key), nil
}

func isJSON(c *gin.Context) bool { return strings.HasPrefix(c.Request.URL.Path, "/api/") }

func principal(c *gin.Context) *authz.Principal {
	if v, ok := c.Get(keyPrincipal); ok {
		return v.(*authz.Principal)
	}
	return nil
}

func (s *Server) caller(c *gin.Context) app.Caller {
	return app.Caller{P: principal(c), IP: c.ClientIP()}
}

// lang is the caller's language: the UI's choice (cookie), else for the API the
// Accept-Language header, else Swedish.
func lang(c *gin.Context) string {
	if v, err := c.Cookie(langCookie); err == nil {
		return i18n.Supported(v)
	}
	if isJSON(c) {
		al := strings.ToLower(c.GetHeader("Accept-Language"))
		if strings.HasPrefix(al, "en") {
			return "en"
		}
	}
	return i18n.Default
}

// requireUser answers 401 (API) or redirects to the login page (HTML) for anonymous callers.
func (s *Server) requireUser(c *gin.Context) {
	if principal(c) != nil {
		c.Next()
		return
	}
	if isJSON(c) {
		s.fail(c, domain.Errorf(domain.EUnauthorized, "err.unauthorized"))
	} else {
		next := c.Request.URL.RequestURI()
		c.Redirect(http.StatusSeeOther, "/login?next="+urlQueryEscape(next))
	}
	c.Abort()
}

// secure reports whether cookies must be Secure.
func (s *Server) secure(c *gin.Context) bool { return s.opts.SecureCookies || c.Request.TLS != nil }

func (s *Server) setCookie(c *gin.Context, name, value string, maxAge int, sameSite http.SameSite) {
	http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.secure(c), SameSite: sameSite})
}

// idParam parses a path id; anything that is not a positive integer is "not found".
func idParam(c *gin.Context, name string) (int64, error) {
	n, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, domain.NotFound()
	}
	return n, nil
}

func (s *Server) logInternal(c *gin.Context, err error) {
	s.log.LogAttrs(c, slog.LevelError, "internal error", slog.String("request_id", c.GetString(keyRequestID)), slog.String("error", err.Error()))
}
