package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/authz"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/i18n"
)

// Base is what every page's view model embeds: language, user, navigation, CSRF, flash.
type Base struct {
	Lang      string
	Title     string
	User      *domain.User
	Muns      []domain.Municipality
	Mun       *domain.Municipality // the municipality in the path, if any
	CSRF      string
	Flash     string
	Path      string
	RequestID string
	FormError bool // a form on the page has errors: the <title> starts with "Fel: "
	Nav       Nav
	Now       time.Time // the application's clock (the one deadlines' states are computed at)
}

// Nav says which menu entries the user may follow in the current municipality: one or more
// per registered kind whose records they may read (from the registry), then the review
// list, the audit trail and the administration.
type Nav struct {
	Kinds                 []NavLink
	Reviews, Audit, Admin bool
}

// NavLink is one menu entry: its path and the translation key of its text.
type NavLink struct{ Href, Label string }

// langFuncs are the template functions bound to one language: {{t "key" args…}} translates a
// key, {{tk "prefix." value}} the key made of a prefix and a value (an enumeration's label),
// {{enumopts "prefix" values}} the options of a select of an enumeration.
func langFuncs(tr i18n.Translator) template.FuncMap {
	return template.FuncMap{
		"t": tr.T,
		// duetable is a review table of items (or the empty text's words): one action per
		// table, as the calendar prints one per owner.
		"duetable": func(items []tableRow, empty string) template.HTML { return dueTable(tr, items, empty) },
		// duegroups is the review calendar's sections, each a heading and a review table.
		"duegroups": func(groups []dueGroup) template.HTML { return dueGroups(tr, groups) },
		"tk": func(prefix string, v any) string {
			switch v := v.(type) {
			case string:
				return tr.T(prefix + v)
			case fmt.Stringer:
				return tr.T(prefix + v.String())
			}
			return tr.T(prefix + fmt.Sprint(v))
		},
		// timeleft is the time from now until a deadline (a time.Time or *time.Time): hours
		// and minutes, or days and hours beyond two days; "−" when it has passed.
		"timeleft": func(v any, now time.Time) string {
			var due time.Time
			switch t := v.(type) {
			case time.Time:
				due = t
			case *time.Time:
				if t == nil {
					return ""
				}
				due = *t
			default:
				return ""
			}
			d := due.Sub(now).Round(time.Minute)
			sign := ""
			if d < 0 {
				sign, d = "−", -d
			}
			if d >= 48*time.Hour {
				return sign + tr.T("time.days_hours", int(d.Hours())/24, int(d.Hours())%24)
			}
			return sign + tr.T("time.hours_minutes", int(d.Hours()), int(d.Minutes())%60)
		},
		"enumopts": func(prefix string, vs any) ([]option, error) { // vs: a slice of strings or string kinds
			rv := reflect.ValueOf(vs)
			if rv.Kind() != reflect.Slice {
				return nil, fmt.Errorf("enumopts: %T is not a slice", vs)
			}
			out := make([]option, rv.Len())
			for i := range out {
				e := rv.Index(i)
				if e.Kind() != reflect.String {
					return nil, fmt.Errorf("enumopts: %s is not a string", e.Type())
				}
				out[i] = option{e.String(), tr.T(prefix + "." + e.String())}
			}
			return out, nil
		},
	}
}

// base builds the common view model; the municipality comes from the path when present.
func (s *Server) base(c *gin.Context, title string) Base {
	tr := s.i18n.For(lang(c))
	b := Base{Lang: tr.Lang, Title: title, CSRF: c.GetString(keyCSRF), Path: c.Request.URL.RequestURI(), RequestID: c.GetString(keyRequestID),
		FormError: c.GetBool(keyFormError), Now: s.app.Now()}
	if v, ok := c.Get(flashCookie); ok {
		b.Flash = tr.T(v.(string))
	} else if f, err := c.Cookie(flashCookie); err == nil && f != "" {
		b.Flash = tr.T(f)
		s.setCookie(c, flashCookie, "", -1, http.SameSiteLaxMode)
	}
	p := principal(c)
	if p == nil {
		return b
	}
	b.User = &p.User
	cl := s.caller(c)
	b.Muns, _ = s.app.Municipalities(c.Request.Context(), cl)
	if mid, err := idParam(c, "mid"); err == nil {
		for i := range b.Muns {
			if b.Muns[i].ID == mid {
				b.Mun = &b.Muns[i]
			}
		}
		if b.Mun != nil {
			b.Nav = Nav{
				Kinds:   s.kindNav(cl, mid),
				Reviews: s.app.CanSome(cl, mid, authz.ObjReview, authz.Read),
				Audit:   s.app.CanSome(cl, mid, authz.ObjAudit, authz.Read),
			}
		}
	}
	b.Nav.Admin = p.User.IsAdmin
	return b
}

// flash stores a message key shown once on the next page.
func (s *Server) flash(c *gin.Context, key string) {
	s.setCookie(c, flashCookie, key, 60, http.SameSiteLaxMode)
}

// redirect answers a successful form post: POST/redirect/GET with a flash message.
func (s *Server) redirect(c *gin.Context, to, flashKey string) {
	if flashKey != "" {
		s.flash(c, flashKey)
	}
	c.Redirect(http.StatusSeeOther, to)
}

// render executes page with data; a template error is logged and answered 500.
func (s *Server) render(c *gin.Context, status int, page string, data any) {
	var buf bytes.Buffer
	if err := s.pages[i18n.Supported(lang(c))].ExecuteTemplate(&buf, "page:"+page, data); err != nil {
		s.logInternal(c, fmt.Errorf("render %s: %w", page, err))
		c.String(http.StatusInternalServerError, "internal error")
		return
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// errorPage is the view model of the error page.
type errorPage struct {
	Base
	Status int
	Err    apiErrorBody
}

var templateFuncs = template.FuncMap{
	"date": func(d any) string {
		switch v := d.(type) {
		case *domain.Date:
			if v == nil {
				return ""
			}
			return v.String()
		case domain.Date:
			if v.IsZero() {
				return ""
			}
			return v.String()
		case time.Time:
			return v.In(stockholm).Format("2006-01-02 15:04")
		case *time.Time:
			if v == nil {
				return ""
			}
			return v.In(stockholm).Format("2006-01-02 15:04")
		case string:
			if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
				return t.In(stockholm).Format("2006-01-02 15:04:05")
			}
			return v
		}
		return ""
	},
	"has": func(ids []int64, id int64) bool {
		for _, x := range ids {
			if x == id {
				return true
			}
		}
		return false
	},
	"fieldID": func(name string) string { return "f-" + strings.ReplaceAll(name, "_", "-") },
	"bytes":   bytesLabel,
	// current reports whether the page at path is the menu entry href or lies under it.
	"current": func(path, href string) bool {
		path, _, _ = strings.Cut(path, "?")
		href, _, _ = strings.Cut(href, "?")
		return path == href || strings.HasPrefix(path, href+"/")
	},
}

// bytesLabel is a file size for people: 12 B, 34 kB, 5.6 MB.
func bytesLabel(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

var stockholm = domain.Sweden
