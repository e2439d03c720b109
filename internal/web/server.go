// Package web serves Lisa over HTTP: the server-rendered Swedish/English pages and the JSON
// API under /api/v1, both calling package app, with sessions, bearer tokens, CSRF protection,
// security headers and the one mapping from error code to HTTP status.
package web

import (
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/i18n"
	"github.com/lisa-isms/lisa/ui"
)

// Options configures the web server.
type Options struct {
	// SecureCookies marks cookies Secure even on plain HTTP (set it behind a TLS proxy);
	// cookies are always Secure on a TLS connection.
	SecureCookies bool
	// TrustedProxies are the addresses of reverse proxies whose X-Forwarded-For is believed
	// (for the audit trail's IP and the per-address login throttle); none by default.
	TrustedProxies []string
	Logger         *slog.Logger
}

// Server is Lisa's HTTP handler.
type Server struct {
	app   *app.App
	opts  Options
	log   *slog.Logger
	i18n  *i18n.Catalog
	pages map[string]*template.Template // by language: every page, "page:<name>"
	// auditChoices are the audit filters' kinds and actions, translated and sorted, by
	// language (made once: the translations do not change while running).
	auditChoices map[string]auditChoices
	engine       *gin.Engine
	// openAPI is the OpenAPI description served at /api/v1/openapi.json, assembled at start
	// from openapi.json and the shared record routes of every registered kind.
	openAPI []byte
}

// New builds the server: translations and page templates are parsed once here.
func New(a *app.App, opts Options) (*Server, error) {
	cat, err := i18n.Load(ui.FS)
	if err != nil {
		return nil, err
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	s := &Server{app: a, opts: opts, log: opts.Logger, i18n: cat}
	if s.openAPI, err = buildOpenAPI(); err != nil {
		return nil, err
	}
	if err := s.parsePages(); err != nil {
		return nil, err
	}
	s.auditChoices = map[string]auditChoices{}
	for _, l := range i18n.Languages {
		s.auditChoices[l] = s.auditOptions(cat.For(l))
	}
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.HandleMethodNotAllowed = true
	e.ContextWithFallback = true
	e.RemoveExtraSlash = false
	if err := e.SetTrustedProxies(opts.TrustedProxies); err != nil {
		return nil, fmt.Errorf("trusted proxies: %w", err)
	}
	s.engine = e
	s.routes()
	return s, nil
}

// ServeHTTP serves a request; cross-origin state-changing browser requests are refused before
// anything else (Sec-Fetch-Site / Origin), in addition to the CSRF token check.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler().ServeHTTP(w, r)
}

func (s *Server) handler() http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintln(w, "cross-origin request refused")
	}))
	h := cop.Handler(s.engine)
	// The security headers go on every response, the refusal of a cross-origin request too.
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		securityHeaders(w.Header(), r.TLS != nil || s.opts.SecureCookies)
		h.ServeHTTP(w, r)
	})
}

// filesOnly serves the files of an embedded directory and never lists a directory.
type filesOnly struct{ fs.FS }

func (f filesOnly) Open(name string) (fs.File, error) {
	file, err := f.FS.Open(name)
	if err != nil {
		return nil, err
	}
	if st, err := file.Stat(); err != nil || st.IsDir() {
		file.Close()
		return nil, fs.ErrNotExist
	}
	return file, nil
}

// Routes lists the registered routes (method and path), for tests and the OpenAPI check.
func (s *Server) Routes() gin.RoutesInfo { return s.engine.Routes() }

// parsePages parses the layout and every page once per language into one set, with t and tk
// bound to that language's translations: a page translates with plain function calls, not a
// method looked up by reflection on the view model at every cell. Each page file defines its
// "content"; it joins the set as "content:<page>", and the page as "page:<page>", which is
// the layout's top, that content and the layout's bottom. (A set per page, cloned from the
// layout's, held 31 MB of copied parse trees: half the server's live heap.)
func (s *Server) parsePages() error {
	files, err := fs.Glob(ui.FS, "templates/*.html")
	if err != nil {
		return err
	}
	s.pages = map[string]*template.Template{}
	for _, lang := range i18n.Languages {
		funcs := langFuncs(s.i18n.For(lang))
		set, err := template.New("").Funcs(templateFuncs).Funcs(funcs).ParseFS(ui.FS, "templates/layout/*.html")
		if err != nil {
			return fmt.Errorf("parse layout: %w", err)
		}
		var names []string
		for _, f := range files {
			name := strings.TrimSuffix(strings.TrimPrefix(f, "templates/"), ".html")
			names = append(names, name)
			page, err := template.New(name).Funcs(templateFuncs).Funcs(funcs).ParseFS(ui.FS, f)
			if err != nil {
				return fmt.Errorf("parse %s: %w", f, err)
			}
			for _, t := range page.Templates() {
				n := t.Name()
				switch {
				case n == "content":
					n = "content:" + name
				case n == name || n == path.Base(f) || t.Tree == nil:
					continue // the set's root and the file's own text, outside any define
				case set.Lookup(n) != nil:
					return fmt.Errorf("parse %s: template %q is defined twice", f, n)
				}
				if _, err := set.AddParseTree(n, t.Tree); err != nil {
					return fmt.Errorf("parse %s: %w", f, err)
				}
			}
			if set.Lookup("content:"+name) == nil {
				return fmt.Errorf("parse %s: no content defined", f)
			}
			if _, err := set.New("page:" + name).Parse(`{{template "layout-top" .}}{{template "content:` + name + `" .}}{{template "layout-bottom" .}}`); err != nil {
				return fmt.Errorf("parse %s: %w", f, err)
			}
		}
		// html/template escapes a template at its first execution, walking the templates it
		// calls again: the pages share the layout's, so every page is escaped here, before any
		// request executes them (which also finds an escaping error at start). Executing
		// without data then fails; only an escaping error counts.
		for _, name := range names {
			var escErr *template.Error
			if err := set.ExecuteTemplate(io.Discard, "page:"+name, nil); errors.As(err, &escErr) {
				return fmt.Errorf("escape page %s: %w", name, err)
			}
		}
		s.pages[lang] = set
	}
	return nil
}
