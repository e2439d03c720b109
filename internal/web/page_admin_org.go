package web

import (
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/domain"
)

// ---- The org tree ---------------------------------------------------------------------

// adminUnitNode is one org unit in the tree with its edit form.
type adminUnitNode struct {
	Unit     domain.OrgUnit
	Depth    int
	Children []*adminUnitNode

	Prefix     string    // prefix of the edit form's field ids ("u12_" gives f-u12-name)
	Form       formState // the edit form's values and errors
	Open       bool      // the edit form is shown open (it has errors)
	DeleteErr  string    // why the unit could not be deleted
	ParentOpts []option  // possible parents: every unit but itself and its descendants
}

// adminKindRank orders siblings: kommunstyrelse, nämnder, förvaltningar, bolag, enheter.
func adminKindRank(k domain.OrgUnitKind) int {
	for i, x := range domain.OrgUnitKinds {
		if x == k {
			return i
		}
	}
	return len(domain.OrgUnitKinds)
}

// adminSwedish puts å, ä and ö after z, in that order, as Swedish sorts them.
var adminSwedish = strings.NewReplacer("å", "{a", "ä", "{b", "æ", "{b", "ö", "{c", "ø", "{c")

// adminSortKey is a name's key for sorting in Swedish alphabetical order.
func adminSortKey(name string) string { return adminSwedish.Replace(strings.ToLower(name)) }

// adminTree arranges units as a tree (siblings by kind, then name) and returns the roots
// and every node depth first. A unit whose parent is missing is shown as a root.
func adminTree(units []domain.OrgUnit) (roots, flat []*adminUnitNode) {
	nodes := map[int64]*adminUnitNode{}
	for _, u := range units {
		nodes[u.ID] = &adminUnitNode{Unit: u}
	}
	for _, u := range units {
		n := nodes[u.ID]
		if u.ParentID != nil && nodes[*u.ParentID] != nil && *u.ParentID != u.ID {
			p := nodes[*u.ParentID]
			p.Children = append(p.Children, n)
		} else {
			roots = append(roots, n)
		}
	}
	less := func(ns []*adminUnitNode) {
		sort.SliceStable(ns, func(i, j int) bool {
			a, b := ns[i].Unit, ns[j].Unit
			if ra, rb := adminKindRank(a.Kind), adminKindRank(b.Kind); ra != rb {
				return ra < rb
			}
			return adminSortKey(a.Name) < adminSortKey(b.Name)
		})
	}
	seen := map[int64]bool{}
	var walk func(ns []*adminUnitNode, depth int)
	walk = func(ns []*adminUnitNode, depth int) {
		less(ns)
		for _, n := range ns {
			if seen[n.Unit.ID] { // a stored cycle: show each unit once
				continue
			}
			seen[n.Unit.ID] = true
			n.Depth = depth
			flat = append(flat, n)
			walk(n.Children, depth+1)
		}
	}
	walk(roots, 0)
	// Units on a stored cycle are reachable from no root; list them at the top level.
	for _, u := range units {
		if !seen[u.ID] {
			n := nodes[u.ID]
			n.Children = nil
			roots = append(roots, n)
			seen[u.ID] = true
			flat = append(flat, n)
		}
	}
	return roots, flat
}

// adminIndent indents an option label by depth (non-breaking spaces, silent for screen readers).
func adminIndent(depth int, name string) string {
	return strings.Repeat("\u00a0\u00a0\u00a0", depth) + name
}

// adminSubtree returns the ids of n and all its descendants.
func adminSubtree(n *adminUnitNode, into map[int64]bool) {
	if into[n.Unit.ID] {
		return
	}
	into[n.Unit.ID] = true
	for _, ch := range n.Children {
		adminSubtree(ch, into)
	}
}

type adminOrgPage struct {
	Base
	Municipality domain.Municipality
	Tree         []*adminUnitNode
	Count        int
	ParentOpts   []option  // every unit, for the new unit's parent
	NewForm      formState // the add form
	Summary      formState // the error summary, field keys prefixed like the failing form's ids
}

// adminPrefixed copies f's messages with the field names prefixed, so the error summary
// links to the failing form's field ids.
func adminPrefixed(f formState, prefix string) formState {
	out := newForm()
	out.Summary = f.Summary
	for _, k := range f.Order {
		out.Errors[prefix+k] = f.Errors[k]
		out.Labels[prefix+k] = f.Labels[k]
		out.Order = append(out.Order, prefix+k)
	}
	return out
}

// renderAdminOrg shows a municipality's org tree. formName says which form failed: "new",
// "unit-<id>" or "delete-<id>"; f holds its input and errors.
func (s *Server) renderAdminOrg(c *gin.Context, status int, mid int64, formName string, f formState) {
	m, err := s.app.Municipality(c.Request.Context(), s.caller(c), mid)
	if err != nil {
		s.fail(c, err)
		return
	}
	units, err := s.app.OrgUnits(c.Request.Context(), s.caller(c), mid)
	if err != nil {
		s.fail(c, err)
		return
	}
	roots, flat := adminTree(units)
	pg := adminOrgPage{Municipality: m, Tree: roots, Count: len(units), NewForm: newForm(), Summary: newForm()}
	for _, n := range flat {
		pg.ParentOpts = append(pg.ParentOpts, option{itoa(n.Unit.ID), adminIndent(n.Depth, n.Unit.Name)})
	}
	for _, n := range flat {
		id := itoa(n.Unit.ID)
		n.Prefix = "u" + id + "_"
		skip := map[int64]bool{}
		adminSubtree(n, skip)
		for _, o := range flat {
			if !skip[o.Unit.ID] {
				n.ParentOpts = append(n.ParentOpts, option{itoa(o.Unit.ID), adminIndent(o.Depth, o.Unit.Name)})
			}
		}
		switch formName {
		case "unit-" + id:
			n.Form, n.Open = f, true
			pg.Summary = adminPrefixed(f, n.Prefix)
		case "delete-" + id:
			n.DeleteErr = f.Summary
			n.Form = adminUnitForm(n.Unit)
			pg.Summary = newForm()
			pg.Summary.Summary = s.i18n.T(lang(c), "admin.delete_failed", n.Unit.Name) + " " + f.Summary
		default:
			n.Form = adminUnitForm(n.Unit)
		}
	}
	if formName == "new" {
		pg.NewForm = f
		pg.Summary = adminPrefixed(f, "new_")
	}
	pg.Base = s.base(c, s.i18n.T(lang(c), "admin.org_title", m.Name))
	s.render(c, status, "admin_municipality", pg)
}

// adminUnitForm fills an edit form with a stored unit.
func adminUnitForm(u domain.OrgUnit) formState {
	f := newForm()
	f.Values["name"], f.Values["kind"] = u.Name, string(u.Kind)
	if u.ParentID != nil {
		f.Values["parent_id"] = itoa(*u.ParentID)
	}
	return f
}

func (s *Server) adminMunicipality(c *gin.Context) {
	if !s.adminOnly(c) {
		return
	}
	mid, err := idParam(c, "mid")
	if err != nil {
		s.fail(c, err)
		return
	}
	s.renderAdminOrg(c, http.StatusOK, mid, "", newForm())
}

// adminUnitIDs reads the municipality and (when in the path) the unit id and checks that
// the municipality exists.
func (s *Server) adminUnitIDs(c *gin.Context) (mid, uid int64, ok bool) {
	mid, err := idParam(c, "mid")
	if err == nil && c.Param("uid") != "" {
		uid, err = idParam(c, "uid")
	}
	if err == nil {
		_, err = s.app.Municipality(c.Request.Context(), s.caller(c), mid)
	}
	if err != nil {
		s.fail(c, err)
		return 0, 0, false
	}
	return mid, uid, true
}

// parseAdminUnitForm turns a posted unit form into input.
func parseAdminUnitForm(v url.Values) (app.OrgUnitInput, domain.Problems) {
	p := domain.Problems{}
	in := app.OrgUnitInput{Name: v.Get("name"), Kind: v.Get("kind")}
	if pid := adminParseID(v, "parent_id", p); pid > 0 {
		in.ParentID = &pid
	}
	return in, p
}

// adminSaveOrgUnit creates a unit (no id in the path) or changes one.
func (s *Server) adminSaveOrgUnit(c *gin.Context) {
	if !s.adminOnly(c) || !s.adminParseForm(c) {
		return
	}
	mid, uid, ok := s.adminUnitIDs(c)
	if !ok {
		return
	}
	in, p := parseAdminUnitForm(c.Request.PostForm)
	app.ValidateOrgUnit(p, in) // every problem at once, the form's and the service's
	err := p.Err()
	var u domain.OrgUnit
	if err == nil {
		u, err = s.app.SaveOrgUnit(c.Request.Context(), s.caller(c), mid, uid, in)
	}
	if err != nil {
		f, status, ok := s.formFail(c, err, adminUnitFields)
		if !ok {
			return
		}
		formName := "new"
		if uid != 0 {
			formName = "unit-" + itoa(uid)
		}
		s.renderAdminOrg(c, status, mid, formName, f)
		return
	}
	s.redirect(c, adminMunURL(mid)+"#u-"+itoa(u.ID), "flash.saved")
}

// adminDeleteOrgUnit removes an unused unit; a unit in use is reported on the tree.
func (s *Server) adminDeleteOrgUnit(c *gin.Context) {
	if !s.adminOnly(c) {
		return
	}
	mid, uid, ok := s.adminUnitIDs(c)
	if !ok {
		return
	}
	if err := s.app.DeleteOrgUnit(c.Request.Context(), s.caller(c), mid, uid); err != nil {
		if f, status, ok := s.formFail(c, err, nil); ok { // a unit in use stays, with why
			s.renderAdminOrg(c, status, mid, "delete-"+itoa(uid), f)
		}
		return
	}
	s.redirect(c, adminMunURL(mid), "flash.deleted")
}
