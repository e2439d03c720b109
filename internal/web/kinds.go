package web

import (
	"fmt"
	"slices"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/authz"
	"github.com/lisa-isms/lisa/internal/domain"
)

// The kind registry's web half. A kind's page file registers, in an init function, how its
// record page is drawn and which routes of its own it has (registerKindWeb); the shared record
// routes (review, comments, evidence, history) of every registered kind, their links and their
// OpenAPI description come from domain.KindSpecs. A new kind adds files; it does not edit
// this one or routes.go.

// recordPageFunc draws the page of record id of a kind, with the input and errors f of the
// inline form named form (re-rendered after a validation error) and the given status.
type recordPageFunc func(s *Server, c *gin.Context, status int, mid, id int64, form string, f formState)

// kindWeb is a kind's pages: its record page and its own routes (api is /api/v1 behind a
// login, pages the pages behind a login).
type kindWeb struct {
	page   recordPageFunc
	routes func(s *Server, api, pages *gin.RouterGroup)
	// navExtra are menu entries after the kind's own (path below /m/{mid}/, text key).
	navExtra []NavLink
}

var (
	kindWebMu sync.RWMutex
	kindWebs  = map[domain.Kind]kindWeb{}
)

// registerKindWeb declares a kind's pages and routes.
func registerKindWeb(kind domain.Kind, w kindWeb) {
	kindWebMu.Lock()
	defer kindWebMu.Unlock()
	if _, dup := kindWebs[kind]; dup {
		panic(fmt.Sprintf("pages of kind %q registered twice", kind))
	}
	kindWebs[kind] = w
}

func webOf(kind domain.Kind) kindWeb {
	kindWebMu.RLock()
	defer kindWebMu.RUnlock()
	return kindWebs[kind]
}

func recordPage(kind domain.Kind) recordPageFunc { return webOf(kind).page }

func spec(kind domain.Kind) domain.KindSpec {
	s, ok := domain.SpecOf(kind)
	if !ok {
		panic(fmt.Sprintf("kind %q is not registered", kind))
	}
	return s
}

// kindNav is the menu of the registered kinds with a menu entry (KindSpec.Nav) whose records
// the caller may read in mid.
func (s *Server) kindNav(cl app.Caller, mid int64) []NavLink {
	var out []NavLink
	base := "/m/" + itoa(mid) + "/"
	specs := domain.KindSpecs()
	slices.SortStableFunc(specs, func(a, b domain.KindSpec) int { return a.NavOrder - b.NavOrder })
	for _, k := range specs {
		if k.Nav == "" || !s.app.CanSome(cl, mid, authz.ObjectOf(k.Kind), authz.Read) {
			continue
		}
		out = append(out, NavLink{Href: base + k.Section, Label: k.Nav})
		for _, l := range webOf(k.Kind).navExtra {
			out = append(out, NavLink{Href: base + l.Href, Label: l.Label})
		}
	}
	return out
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

// kindRoutes registers, for every registered kind, its own routes and the shared record
// routes: the API under /api/v1/municipalities/:mid/{section}/:{param} and the inline forms
// under the record page /m/:mid/{section}/:{param}. A kind without pages has the API only.
func (s *Server) kindRoutes(api, pages *gin.RouterGroup) {
	for _, k := range domain.KindSpecs() {
		w := webOf(k.Kind)
		if w.routes != nil {
			w.routes(s, api, pages)
		}
		api.GET("/municipalities/:mid/"+k.Section+"/export.csv", s.kindExport(k.Kind, exportCSV))
		api.GET("/municipalities/:mid/"+k.Section+"/export.xlsx", s.kindExport(k.Kind, exportXLSX))
		s.apiRecordRoutes(api.Group("/municipalities/:mid/"+k.Section+"/:"+k.Param), k.Kind)
		if w.page != nil {
			s.pageRecordRoutes(pages.Group("/m/:mid/"+k.Section+"/:"+k.Param), k.Kind)
		}
	}
}
