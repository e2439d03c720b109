package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/domain"
)

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

// adminUnitBox is one unit checkbox of the grant form, indented by its depth in the tree
// (Depth is capped at adminMaxDepth, the deepest indentation the stylesheet draws).
type adminUnitBox struct {
	ID    int64
	Name  string
	Depth int
}

const adminMaxDepth = 6

// adminGrant is the grant form, in two steps that work without JavaScript: choose the
// municipality (a GET form reloading the page with ?grant_mun=ID), then the role and, for an
// information owner, units of that municipality only.
type adminGrant struct {
	MunID   string         // the chosen municipality ("" until one is chosen)
	MunName string         // its name ("" when none or an unknown one is chosen)
	Units   []adminUnitBox // its units, in tree order
}

type adminUserPage struct {
	Base
	Account   domain.User
	Roles     []adminRoleRow
	MunOpts   []option
	Grant     adminGrant
	EditForm  formState
	GrantForm formState
	Summary   formState
	Tokens    []domain.APIToken
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
// failed and f its input and errors. The grant form's municipality is the one posted (after
// a failed grant) or ?grant_mun.
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
	if pg.Tokens, err = s.app.UserTokens(c.Request.Context(), cl, uid); err != nil {
		s.fail(c, err)
		return
	}
	switch formName {
	case "edit":
		pg.EditForm, pg.Summary = f, f
	case "grant":
		pg.GrantForm = f
	default:
		pg.GrantForm.Values["municipality_id"] = strings.TrimSpace(c.Query("grant_mun"))
	}
	munNames := map[int64]string{}
	for _, m := range muns {
		munNames[m.ID] = m.Name
		pg.MunOpts = append(pg.MunOpts, option{itoa(m.ID), m.Name})
	}
	// Units are read only for the municipalities the page names them in: the chosen one
	// and those where the user owns units (not every municipality's tree).
	trees := map[int64][]*adminUnitNode{}
	unitsOf := func(mid int64) ([]*adminUnitNode, error) {
		if flat, ok := trees[mid]; ok {
			return flat, nil
		}
		units, err := s.app.OrgUnits(c.Request.Context(), cl, mid)
		if err != nil {
			return nil, err
		}
		_, flat := adminTree(units)
		trees[mid] = flat
		return flat, nil
	}
	if pg.Grant, err = s.adminGrantForm(lang(c), &pg.GrantForm, munNames, unitsOf); err != nil {
		s.fail(c, err)
		return
	}
	if formName == "grant" {
		pg.Summary = pg.GrantForm // after adminGrantForm, which may drop errors the page cannot show
	}
	for _, a := range as {
		row := adminRoleRow{MunicipalityID: a.MunicipalityID, MunName: munNames[a.MunicipalityID], Role: a.Role}
		if len(a.OrgUnitIDs) > 0 {
			flat, err := unitsOf(a.MunicipalityID)
			if err != nil {
				s.fail(c, err)
				return
			}
			names := map[int64]string{}
			for _, n := range flat {
				names[n.Unit.ID] = n.Unit.Name
			}
			for _, id := range a.OrgUnitIDs {
				row.Units = append(row.Units, names[id])
			}
		}
		pg.Roles = append(pg.Roles, row)
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
	in := parseAdminUserForm(c.Request.PostForm)
	up := app.UserUpdate{Name: &in.Name, Email: &in.Email, IsAdmin: &in.IsAdmin, Disabled: &in.Disabled} // the form shows every field
	if in.Password != "" {                                                                               // empty keeps the password
		up.Password = &in.Password
	}
	if _, err := s.app.UpdateUser(c.Request.Context(), s.caller(c), uid, up); err != nil {
		f, status, ok := s.formFail(c, err, adminUserFields)
		if !ok {
			return
		}
		s.renderAdminUser(c, status, uid, "edit", f)
		return
	}
	s.redirect(c, adminUserURL(uid), "flash.saved")
}

// adminGrantForm is the grant form's second step for the municipality f names (the page
// shows it only for a known one: an unknown one is the field's error, and the errors of the
// role and units, whose fields the page then leaves out, are dropped).
func (s *Server) adminGrantForm(lng string, f *formState, munNames map[int64]string, unitsOf func(int64) ([]*adminUnitNode, error)) (adminGrant, error) {
	g := adminGrant{MunID: f.V("municipality_id")}
	mid, err := strconv.ParseInt(g.MunID, 10, 64)
	name, known := munNames[mid]
	if g.MunID == "" || err != nil || !known {
		if g.MunID != "" && f.E("municipality_id") == "" {
			f.Errors["municipality_id"] = s.i18n.T(lng, "err.unknown_municipality")
		}
		for _, k := range []string{"role", "org_unit_ids"} {
			delete(f.Errors, k)
			f.Order = slices.DeleteFunc(f.Order, func(o string) bool { return o == k })
		}
		return g, nil
	}
	flat, err := unitsOf(mid)
	if err != nil {
		return g, err
	}
	g.MunName = name
	for _, n := range flat {
		g.Units = append(g.Units, adminUnitBox{ID: n.Unit.ID, Name: n.Unit.Name, Depth: min(n.Depth, adminMaxDepth)})
	}
	return g, nil
}

// parseAdminGrantForm turns a posted grant form into input. Without a municipality (the
// form's first step) the role and units are not looked at: the page shows them only once a
// municipality is chosen.
func parseAdminGrantForm(v url.Values) (app.RoleInput, domain.Problems) {
	p := domain.Problems{}
	in := app.RoleInput{Role: strings.TrimSpace(v.Get("role")), OrgUnitIDs: []int64{}}
	if strings.TrimSpace(v.Get("municipality_id")) == "" {
		p.Add("municipality_id", "err.required")
	}
	in.MunicipalityID = adminParseID(v, "municipality_id", p)
	if len(p) > 0 {
		return in, p
	}
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
