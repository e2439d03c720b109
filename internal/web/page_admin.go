package web

import (
	"net/http"
	"net/url"
	"sort"
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
	if strings.TrimSpace(in.Kind) == "" {
		p.Add("kind", "err.required")
	}
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

// ---- Users ----------------------------------------------------------------------------

type adminUsersPage struct {
	Base
	Users []domain.User
	Form  formState
}

func (s *Server) adminUsers(c *gin.Context) {
	if !s.adminOnly(c) {
		return
	}
	s.renderAdminUsers(c, http.StatusOK, newForm())
}

func (s *Server) renderAdminUsers(c *gin.Context, status int, f formState) {
	users, err := s.app.Users(c.Request.Context(), s.caller(c))
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, status, "admin_users", adminUsersPage{Base: s.base(c, s.i18n.T(lang(c), "admin.users_title")), Users: users, Form: f})
}

// parseAdminUserForm turns a posted account form into input; checkboxes absent are false.
func parseAdminUserForm(v url.Values) app.UserInput {
	return app.UserInput{
		Username: strings.TrimSpace(v.Get("username")), Name: v.Get("name"), Email: v.Get("email"), Password: v.Get("password"),
		IsAdmin: adminChecked(v, "is_admin"), Disabled: adminChecked(v, "disabled"),
	}
}

func (s *Server) adminCreateUser(c *gin.Context) {
	if !s.adminOnly(c) || !s.adminParseForm(c) {
		return
	}
	in := parseAdminUserForm(c.Request.PostForm)
	in.Disabled = false // the create form has no such field
	u, err := s.app.CreateUser(c.Request.Context(), s.caller(c), in)
	if err != nil {
		f, status, ok := s.formFail(c, err, adminUserFields)
		if !ok {
			return
		}
		s.renderAdminUsers(c, status, f)
		return
	}
	s.redirect(c, adminUserURL(u.ID), "flash.user_created")
}

func adminUserURL(uid int64) string { return "/admin/users/" + itoa(uid) }

// adminRoleRow is one role assignment in the user's table.
type adminRoleRow struct {
	MunicipalityID int64
	MunName        string
	Role           domain.Role
	Units          []string
}

// adminUnitGroup is one municipality's units in the grant form's <optgroup>.
type adminUnitGroup struct {
	Name  string
	Units []adminUnitOpt
}

// adminUnitOpt is one unit <option>, its label indented by depth.
type adminUnitOpt struct {
	ID    int64
	Label string
}

type adminUserPage struct {
	Base
	Account   domain.User
	Roles     []adminRoleRow
	MunOpts   []option
	Groups    []adminUnitGroup
	EditForm  formState
	GrantForm formState
	Summary   formState
}

// adminAccountForm fills the edit form with a stored account.
func adminAccountForm(u domain.User) formState {
	f := newForm()
	f.Values["name"], f.Values["email"] = u.Name, u.Email
	if u.IsAdmin {
		f.Values["is_admin"] = "on"
	}
	if u.Disabled {
		f.Values["disabled"] = "on"
	}
	return f
}

// renderAdminUser shows an account; formName ("edit" or "grant") names the form that
// failed and f its input and errors.
func (s *Server) renderAdminUser(c *gin.Context, status int, uid int64, formName string, f formState) {
	cl := s.caller(c)
	u, as, err := s.app.UserDetail(c.Request.Context(), cl, uid)
	if err != nil {
		s.fail(c, err)
		return
	}
	muns, err := s.app.Municipalities(c.Request.Context(), cl)
	if err != nil {
		s.fail(c, err)
		return
	}
	pg := adminUserPage{Account: u, EditForm: adminAccountForm(u), GrantForm: newForm(), Summary: newForm()}
	munNames := map[int64]string{}
	unitNames := map[int64]string{}
	for _, m := range muns {
		munNames[m.ID] = m.Name
		pg.MunOpts = append(pg.MunOpts, option{itoa(m.ID), m.Name})
		units, err := s.app.OrgUnits(c.Request.Context(), cl, m.ID)
		if err != nil {
			s.fail(c, err)
			return
		}
		_, flat := adminTree(units)
		g := adminUnitGroup{Name: m.Name}
		for _, n := range flat {
			unitNames[n.Unit.ID] = n.Unit.Name
			g.Units = append(g.Units, adminUnitOpt{n.Unit.ID, adminIndent(n.Depth, n.Unit.Name)})
		}
		if len(g.Units) > 0 {
			pg.Groups = append(pg.Groups, g)
		}
	}
	for _, a := range as {
		row := adminRoleRow{MunicipalityID: a.MunicipalityID, MunName: munNames[a.MunicipalityID], Role: a.Role}
		for _, id := range a.OrgUnitIDs {
			row.Units = append(row.Units, unitNames[id])
		}
		pg.Roles = append(pg.Roles, row)
	}
	switch formName {
	case "edit":
		pg.EditForm, pg.Summary = f, f
	case "grant":
		pg.GrantForm, pg.Summary = f, f
	}
	pg.Base = s.base(c, s.i18n.T(lang(c), "admin.user_title", u.Name))
	s.render(c, status, "admin_user", pg)
}

func (s *Server) adminUser(c *gin.Context) {
	if !s.adminOnly(c) {
		return
	}
	uid, err := idParam(c, "uid")
	if err != nil {
		s.fail(c, err)
		return
	}
	s.renderAdminUser(c, http.StatusOK, uid, "", newForm())
}

func (s *Server) adminUpdateUser(c *gin.Context) {
	if !s.adminOnly(c) || !s.adminParseForm(c) {
		return
	}
	uid, err := idParam(c, "uid")
	if err != nil {
		s.fail(c, err)
		return
	}
	if _, err := s.app.UpdateUser(c.Request.Context(), s.caller(c), uid, parseAdminUserForm(c.Request.PostForm)); err != nil {
		f, status, ok := s.formFail(c, err, adminUserFields)
		if !ok {
			return
		}
		s.renderAdminUser(c, status, uid, "edit", f)
		return
	}
	s.redirect(c, adminUserURL(uid), "flash.saved")
}

// parseAdminGrantForm turns a posted grant form into input.
func parseAdminGrantForm(v url.Values) (app.RoleInput, domain.Problems) {
	p := domain.Problems{}
	in := app.RoleInput{Role: strings.TrimSpace(v.Get("role")), OrgUnitIDs: []int64{}}
	if strings.TrimSpace(v.Get("municipality_id")) == "" {
		p.Add("municipality_id", "err.required")
	}
	in.MunicipalityID = adminParseID(v, "municipality_id", p)
	if in.Role == "" {
		p.Add("role", "err.required")
	}
	for _, str := range v["org_unit_ids"] {
		n, err := strconv.ParseInt(strings.TrimSpace(str), 10, 64)
		if err != nil || n <= 0 {
			p.Add("org_unit_ids", "err.type")
			continue
		}
		in.OrgUnitIDs = append(in.OrgUnitIDs, n)
	}
	return in, p
}

func (s *Server) adminGrantRole(c *gin.Context) {
	if !s.adminOnly(c) || !s.adminParseForm(c) {
		return
	}
	uid, err := idParam(c, "uid")
	if err != nil {
		s.fail(c, err)
		return
	}
	in, p := parseAdminGrantForm(c.Request.PostForm)
	err = p.Err()
	if err == nil {
		err = s.app.GrantRole(c.Request.Context(), s.caller(c), uid, in)
	}
	if err != nil {
		f, status, ok := s.formFail(c, err, adminGrantFields)
		if !ok {
			return
		}
		s.renderAdminUser(c, status, uid, "grant", f)
		return
	}
	s.redirect(c, adminUserURL(uid)+"#roles", "flash.role_granted")
}

func (s *Server) adminRevokeRole(c *gin.Context) {
	if !s.adminOnly(c) || !s.adminParseForm(c) {
		return
	}
	uid, err := idParam(c, "uid")
	if err != nil {
		s.fail(c, err)
		return
	}
	p := domain.Problems{}
	v := c.Request.PostForm
	mid := adminParseID(v, "municipality_id", p)
	if err := p.Err(); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.app.RevokeRole(c.Request.Context(), s.caller(c), uid, mid, strings.TrimSpace(v.Get("role"))); err != nil {
		s.fail(c, err)
		return
	}
	s.redirect(c, adminUserURL(uid)+"#roles", "flash.role_revoked")
}
