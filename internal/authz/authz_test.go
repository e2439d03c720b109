package authz

import (
	"slices"
	"strings"
	"testing"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/policies"
)

const (
	mun   = int64(1)
	other = int64(2)
	unitA = int64(10) // the information owner's unit
	unitB = int64(11) // another unit of the same municipality
	unitC = int64(12) // a second own unit
)

func newAuthz(t *testing.T) *Authorizer {
	t.Helper()
	a, err := New()
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return a
}

func holder(role domain.Role, units ...int64) *Principal {
	return &Principal{User: domain.User{ID: 1, Username: string(role)},
		Assignments: []domain.RoleAssignment{{MunicipalityID: mun, Role: role, OrgUnitIDs: units}}}
}

func admin() *Principal { return &Principal{User: domain.User{ID: 1, Username: "root", IsAdmin: true}} }

var (
	draftA   = &Target{Kind: domain.KindDocument, OrgUnitID: unitA, Status: "draft"}
	draftB   = &Target{Kind: domain.KindDocument, OrgUnitID: unitB, Status: "draft"}
	adoptedB = &Target{Kind: domain.KindDocument, OrgUnitID: unitB, Status: "adopted"}
	retiredB = &Target{Kind: domain.KindDocument, OrgUnitID: unitB, Status: "retired"}
)

// TestPolicyTable is the permission matrix of the governing-document workflow, written out.
func TestPolicyTable(t *testing.T) {
	a := newAuthz(t)
	io := holder(domain.RoleInformationOwner, unitA)
	type row struct {
		who  string
		p    *Principal
		obj  Object
		act  Action
		t    *Target
		want bool
	}
	coord, mgmt, aud, staff := holder(domain.RoleCoordinator), holder(domain.RoleManagement), holder(domain.RoleAuditor), holder(domain.RoleStaff)
	var rows []row
	// The coordinator may do everything to every document.
	for _, act := range []Action{Read, Create, Update, Delete, Review, Adopt, AssignOwner, Comment} {
		for _, tg := range []*Target{nil, draftA, draftB, adoptedB} {
			rows = append(rows, row{"coordinator", coord, ObjDocument, act, tg, true})
		}
	}
	rows = append(rows,
		row{"coordinator", coord, ObjReview, Read, nil, true},
		row{"coordinator", coord, ObjOrg, Read, nil, true},
		row{"coordinator", coord, ObjOrg, Write, nil, false},
		row{"coordinator", coord, ObjUser, Write, nil, false},
		row{"coordinator", coord, ObjAudit, Read, nil, false},

		// The information owner: everything in the own unit, adopted documents elsewhere to read.
		row{"information owner", io, ObjDocument, Read, draftA, true},
		row{"information owner", io, ObjDocument, Read, draftB, false},
		row{"information owner", io, ObjDocument, Read, adoptedB, true},
		row{"information owner", io, ObjDocument, Read, retiredB, false},
		row{"information owner", io, ObjDocument, Read, nil, false},
		row{"information owner", io, ObjDocument, Create, draftA, true},
		row{"information owner", io, ObjDocument, Create, draftB, false},
		row{"information owner", io, ObjDocument, Update, draftA, true},
		row{"information owner", io, ObjDocument, Update, draftB, false},
		row{"information owner", io, ObjDocument, Update, adoptedB, false},
		row{"information owner", io, ObjDocument, Delete, draftA, true},
		row{"information owner", io, ObjDocument, Delete, adoptedB, false},
		row{"information owner", io, ObjDocument, Review, draftA, true},
		row{"information owner", io, ObjDocument, Review, adoptedB, false},
		row{"information owner", io, ObjDocument, Comment, draftA, true},
		row{"information owner", io, ObjDocument, Comment, adoptedB, false},
		row{"information owner", io, ObjDocument, Adopt, draftA, false},
		row{"information owner", io, ObjDocument, AssignOwner, draftA, false},
		row{"information owner", io, ObjReview, Read, draftA, true},
		row{"information owner", io, ObjReview, Read, adoptedB, false},
		row{"information owner", io, ObjOrg, Read, nil, true},
		row{"information owner", io, ObjUser, Read, nil, false},
		row{"information owner", io, ObjAudit, Read, nil, false},

		// Management reads and adopts, but does not edit.
		row{"management", mgmt, ObjDocument, Read, draftB, true},
		row{"management", mgmt, ObjDocument, Adopt, draftB, true},
		row{"management", mgmt, ObjDocument, Comment, draftB, true},
		row{"management", mgmt, ObjDocument, Update, draftB, false},
		row{"management", mgmt, ObjDocument, Create, draftB, false},
		row{"management", mgmt, ObjDocument, Delete, draftB, false},
		row{"management", mgmt, ObjDocument, Review, draftB, false},
		row{"management", mgmt, ObjDocument, AssignOwner, draftB, false},
		row{"management", mgmt, ObjReview, Read, nil, true},
		row{"management", mgmt, ObjAudit, Read, nil, false},

		// The auditor reads everything including the audit trail and writes only comments.
		row{"auditor", aud, ObjDocument, Read, draftB, true},
		row{"auditor", aud, ObjDocument, Comment, draftB, true},
		row{"auditor", aud, ObjAudit, Read, nil, true},
		row{"auditor", aud, ObjReview, Read, nil, true},
		row{"auditor", aud, ObjDocument, Update, draftB, false},
		row{"auditor", aud, ObjDocument, Create, draftB, false},
		row{"auditor", aud, ObjDocument, Delete, draftB, false},
		row{"auditor", aud, ObjDocument, Adopt, draftB, false},
		row{"auditor", aud, ObjDocument, Review, draftB, false},
		row{"auditor", aud, ObjOrg, Write, nil, false},

		// Staff see adopted documents only.
		row{"staff", staff, ObjDocument, Read, adoptedB, true},
		row{"staff", staff, ObjDocument, Read, draftB, false},
		row{"staff", staff, ObjDocument, Read, retiredB, false},
		row{"staff", staff, ObjDocument, Read, nil, false},
		row{"staff", staff, ObjDocument, Comment, adoptedB, false},
		row{"staff", staff, ObjDocument, Update, adoptedB, false},
		row{"staff", staff, ObjReview, Read, nil, false},
		row{"staff", staff, ObjReview, Read, adoptedB, false},
		row{"staff", staff, ObjAudit, Read, nil, false},
		row{"staff", staff, ObjUser, Read, nil, false},
		row{"staff", staff, ObjOrg, Read, nil, true},

		// The administrator manages the organisation and accounts, and sees no ISMS content.
		row{"admin", admin(), ObjOrg, Write, nil, true},
		row{"admin", admin(), ObjOrg, Read, nil, true},
		row{"admin", admin(), ObjUser, Write, nil, true},
		row{"admin", admin(), ObjDocument, Read, adoptedB, false},
		row{"admin", admin(), ObjDocument, Read, draftA, false},
		row{"admin", admin(), ObjDocument, Create, draftA, false},
		row{"admin", admin(), ObjReview, Read, nil, false},
		row{"admin", admin(), ObjAudit, Read, nil, false},

		// Nobody and nil principals get nothing.
		row{"no roles", &Principal{User: domain.User{ID: 9}}, ObjDocument, Read, adoptedB, false},
		row{"no roles", &Principal{User: domain.User{ID: 9}}, ObjOrg, Read, nil, false},
		row{"nil", nil, ObjDocument, Read, adoptedB, false},
		row{"nil", nil, ObjOrg, Read, nil, false},
	)
	for _, r := range rows {
		if got := a.Can(r.p, mun, r.obj, r.act, r.t); got != r.want {
			t.Errorf("%s %s %s on %+v = %v, want %v", r.who, r.act, r.obj, r.t, got, r.want)
		}
	}
}

// A role held in one municipality gives nothing in another, even for the "same" unit id.
func TestRolesDoNotCrossMunicipalities(t *testing.T) {
	a := newAuthz(t)
	for _, role := range domain.MunicipalRoles {
		p := holder(role, unitA)
		for _, obj := range []Object{ObjOrg, ObjUser, ObjDocument, ObjReview, ObjAudit} {
			for _, act := range []Action{Read, Write, Create, Update, Delete, Review, Adopt, AssignOwner, Comment} {
				for _, tg := range []*Target{nil, draftA, adoptedB} {
					if a.Can(p, other, obj, act, tg) {
						t.Errorf("%s of municipality %d may %s %s in %d", role, mun, act, obj, other)
					}
				}
				if f := a.Filter(p, other, obj, act); !f.None() {
					t.Errorf("%s filter for %s %s in other municipality = %+v", role, act, obj, f)
				}
			}
		}
		if p.Member(other) || !p.Member(mun) {
			t.Errorf("%s: Member wrong", role)
		}
	}
	// The administrator is in every municipality.
	if !admin().Member(other) || !admin().HasRole(other, domain.RoleAdmin) {
		t.Error("admin is not a member everywhere")
	}
}

func TestFilter(t *testing.T) {
	a := newAuthz(t)
	two := &Principal{User: domain.User{ID: 3}, Assignments: []domain.RoleAssignment{
		{MunicipalityID: mun, Role: domain.RoleInformationOwner, OrgUnitIDs: []int64{unitA, unitC}},
		{MunicipalityID: mun, Role: domain.RoleStaff},
		{MunicipalityID: other, Role: domain.RoleInformationOwner, OrgUnitIDs: []int64{unitB}},
	}}
	tests := []struct {
		name string
		p    *Principal
		obj  Object
		act  Action
		want Filter
	}{
		{"coordinator reads all", holder(domain.RoleCoordinator), ObjDocument, Read, Filter{All: true}},
		{"owner reads units and adopted", holder(domain.RoleInformationOwner, unitA, unitC), ObjDocument, Read, Filter{UnitIDs: []int64{unitA, unitC}, Published: true}},
		{"owner updates units only", holder(domain.RoleInformationOwner, unitA), ObjDocument, Update, Filter{UnitIDs: []int64{unitA}}},
		{"owner follows up own units", holder(domain.RoleInformationOwner, unitA), ObjReview, Read, Filter{UnitIDs: []int64{unitA}}},
		{"staff reads adopted", holder(domain.RoleStaff), ObjDocument, Read, Filter{Published: true}},
		{"staff updates nothing", holder(domain.RoleStaff), ObjDocument, Update, Filter{}},
		{"admin reads no documents", admin(), ObjDocument, Read, Filter{}},
		{"auditor reads the audit trail", holder(domain.RoleAuditor), ObjAudit, Read, Filter{All: true}},
		{"two roles merge, other municipality ignored", two, ObjDocument, Read, Filter{UnitIDs: []int64{unitA, unitC}, Published: true}},
		{"management with an owner role reads all", &Principal{Assignments: []domain.RoleAssignment{
			{MunicipalityID: mun, Role: domain.RoleInformationOwner, OrgUnitIDs: []int64{unitA}},
			{MunicipalityID: mun, Role: domain.RoleManagement}}}, ObjDocument, Read, Filter{All: true}},
		{"duplicate units once", &Principal{Assignments: []domain.RoleAssignment{
			{MunicipalityID: mun, Role: domain.RoleInformationOwner, OrgUnitIDs: []int64{unitA, unitA, unitB}}}}, ObjDocument, Update, Filter{UnitIDs: []int64{unitA, unitB}}},
	}
	for _, tc := range tests {
		got := a.Filter(tc.p, mun, tc.obj, tc.act)
		if got.All != tc.want.All || got.Published != tc.want.Published || !slices.Equal(got.UnitIDs, tc.want.UnitIDs) {
			t.Errorf("%s: Filter = %+v, want %+v", tc.name, got, tc.want)
		}
	}
	// CanSome follows the filter.
	if !a.CanSome(holder(domain.RoleInformationOwner, unitA), mun, ObjDocument, Create) {
		t.Error("owner cannot create anywhere")
	}
	if a.CanSome(holder(domain.RoleStaff), mun, ObjDocument, Create) || a.CanSome(admin(), mun, ObjDocument, Read) {
		t.Error("CanSome allows what the filter does not")
	}
	// An owner assignment without units gives no unit rows.
	if f := a.Filter(holder(domain.RoleInformationOwner), mun, ObjDocument, Update); !f.None() {
		t.Errorf("owner without units: %+v", f)
	}
}

func TestRoles(t *testing.T) {
	p := &Principal{User: domain.User{IsAdmin: true}, Assignments: []domain.RoleAssignment{
		{MunicipalityID: mun, Role: domain.RoleAuditor}, {MunicipalityID: other, Role: domain.RoleStaff}}}
	rs := p.Roles(mun)
	if len(rs) != 2 || rs[0].Role != domain.RoleAdmin || rs[1].Role != domain.RoleAuditor {
		t.Errorf("Roles = %+v", rs)
	}
	if !p.HasRole(mun, domain.RoleAuditor) || p.HasRole(mun, domain.RoleStaff) || !p.HasRole(other, domain.RoleStaff) {
		t.Error("HasRole wrong")
	}
	var nobody *Principal
	if nobody.Roles(mun) != nil || nobody.Member(mun) {
		t.Error("nil principal has roles")
	}
}

// The policy file may name only known roles, objects, actions and scopes: a typo would
// silently grant nothing (or, for a role, grant to a role nobody can hold).
func TestPolicyFileVocabulary(t *testing.T) {
	roles := map[string]bool{string(domain.RoleAdmin): true}
	for _, r := range domain.MunicipalRoles {
		roles[string(r)] = true
	}
	objs := map[string]bool{}
	for _, o := range Objects() {
		objs[string(o)] = true
	}
	acts := map[string]bool{}
	for _, a := range Actions {
		acts[string(a)] = true
	}
	scopes := map[string]bool{string(scopeAll): true, string(scopeOwnUnits): true, string(scopePublished): true, string(scopeOwned): true, string(scopeCreated): true}
	n := 0
	for _, line := range strings.Split(stripComments(policies.Policy), "\n") {
		if line == "" {
			continue
		}
		f := strings.Split(line, ",")
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		if len(f) != 5 || f[0] != "p" || !roles[f[1]] || !objs[f[2]] || !acts[f[3]] || !scopes[f[4]] {
			t.Errorf("bad policy line %q", line)
		}
		n++
	}
	if n < 30 {
		t.Errorf("only %d policy lines read", n)
	}
}

func TestNewFromTextErrors(t *testing.T) {
	if _, err := NewFromText("not a model", policies.Policy); err == nil {
		t.Error("bad model accepted")
	}
	a, err := NewFromText(policies.Model, "# only a comment\n\np, staff, document, read, published\n")
	if err != nil {
		t.Fatal(err)
	}
	if !a.Can(holder(domain.RoleStaff), mun, ObjDocument, Read, adoptedB) || a.Can(holder(domain.RoleCoordinator), mun, ObjDocument, Read, nil) {
		t.Error("policy from text not applied")
	}
}
