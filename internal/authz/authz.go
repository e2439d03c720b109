// Package authz is the one place where Lisa decides who may do what: it asks the casbin
// policy in policies/ with the roles a person holds in one municipality, and turns the answer
// into a yes/no for one object or a row filter for lists.
package authz

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	stringadapter "github.com/casbin/casbin/v2/persist/string-adapter"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/policies"
)

// Object is a kind of thing permissions are granted on.
type Object string

// The objects of policies/policy.csv.
const (
	ObjOrg      Object = "org"
	ObjUser     Object = "user"
	ObjDocument Object = "document"
	ObjControl  Object = "control"
	ObjReview   Object = "review"
	ObjAudit    Object = "audit"
	ObjAsset    Object = "asset"
	ObjSupplier Object = "supplier"
	ObjIncident Object = "incident"
	// Risks (issue 9): risk analyses, risks and treatment actions share one object; the
	// matrix is the municipality's scale.
	ObjRisk       Object = "risk"
	ObjRiskMatrix Object = "risk_matrix"
)

// objects are the objects that are not a record kind's (each kind's comes from its registration).
var objects = []Object{ObjOrg, ObjUser, ObjReview, ObjAudit, ObjRiskMatrix}

// Objects lists every object the policy may name: the fixed ones and every registered kind's.
func Objects() []Object {
	out := slices.Clone(objects)
	for _, k := range domain.KindSpecs() {
		if o := ObjectOf(k.Kind); !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	return out
}

// ObjectOf returns the permission object of a record kind, as its registration names it.
func ObjectOf(k domain.Kind) Object {
	if s, ok := domain.SpecOf(k); ok {
		return Object(s.Object)
	}
	return Object(k)
}

// Action is what is done to an object.
type Action string

// The actions of policies/policy.csv.
const (
	Read        Action = "read"
	Write       Action = "write"
	Create      Action = "create"
	Update      Action = "update"
	Delete      Action = "delete"
	Review      Action = "review"
	Adopt       Action = "adopt"
	AssignOwner Action = "assign_owner"
	Comment     Action = "comment"
	Classify    Action = "classify"  // classify an information set, override a system's levels
	Configure   Action = "configure" // change the municipality's model of a kind (classification, requirements)
	Accept      Action = "accept"    // a risk's residual risk, within the tiers (CanAccept)
)

// Actions lists every action the policy may name.
var Actions = []Action{Read, Write, Create, Update, Delete, Review, Adopt, AssignOwner, Comment, Classify, Configure, Accept}

// Scope is how far a grant reaches.
type scope string

const (
	scopeAll       scope = "all"
	scopeOwnUnits  scope = "own_units"
	scopePublished scope = "published"
	scopeOwned     scope = "own_records"
	scopeCreated   scope = "own_reports" // records the person created: the incidents they reported
)

// Principal is the person acting, with every role they hold.
type Principal struct {
	User        domain.User
	Assignments []domain.RoleAssignment
}

// Roles returns the assignments p holds in municipality mun; an administrator holds the
// admin role in every municipality.
func (p *Principal) Roles(mun int64) []domain.RoleAssignment {
	var out []domain.RoleAssignment
	if p == nil {
		return nil
	}
	if p.User.IsAdmin {
		out = append(out, domain.RoleAssignment{MunicipalityID: mun, Role: domain.RoleAdmin})
	}
	for _, a := range p.Assignments {
		if a.MunicipalityID == mun {
			out = append(out, a)
		}
	}
	return out
}

// HasRole reports whether p holds role r in mun.
func (p *Principal) HasRole(mun int64, r domain.Role) bool {
	return slices.ContainsFunc(p.Roles(mun), func(a domain.RoleAssignment) bool { return a.Role == r })
}

// Member reports whether p holds any role in mun (and so may know it exists).
func (p *Principal) Member(mun int64) bool { return len(p.Roles(mun)) > 0 }

// Target describes one object for a yes/no decision.
type Target struct {
	Kind      domain.Kind // with Status, matters for the published scope
	OrgUnitID int64
	Status    string
	OwnerID   *int64 // matters for the own_records scope
	CreatedBy *int64 // matters for the own_reports scope
}

// TargetOf describes record r for a yes/no decision.
func TargetOf(r domain.Record) *Target {
	return &Target{Kind: r.Kind, OrgUnitID: r.OrgUnitID, Status: r.Status, OwnerID: r.OwnerID, CreatedBy: r.CreatedBy}
}

// Filter restricts a list to the rows a person may see; the store turns it into SQL.
type Filter = domain.Visibility

// Authorizer answers permission questions from the casbin policy.
type Authorizer struct {
	e *casbin.Enforcer
	// decisions remembers the enforcer's answers: the policy is loaded once and never changes,
	// and a page asks the same few questions dozens of times (a risk page spent a third of its
	// CPU in the enforcer).
	decisions sync.Map // decision -> bool
}

type decision struct{ role, obj, act, scope string }

// New loads the embedded model and policy, plus extra policy lines (a test's own kind).
func New(extra ...string) (*Authorizer, error) {
	return NewFromText(policies.Model, policies.Policy+"\n"+strings.Join(extra, "\n"))
}

// NewFromText loads a model and policy given as text.
func NewFromText(modelText, policyText string) (*Authorizer, error) {
	m, err := model.NewModelFromString(modelText)
	if err != nil {
		return nil, fmt.Errorf("load casbin model: %w", err)
	}
	e, err := casbin.NewEnforcer(m, stringadapter.NewAdapter(stripComments(policyText)))
	if err != nil {
		return nil, fmt.Errorf("load casbin policy: %w", err)
	}
	return &Authorizer{e: e}, nil
}

func stripComments(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String()
}

func (a *Authorizer) allowed(role domain.Role, obj Object, act Action, s scope) bool {
	d := decision{string(role), string(obj), string(act), string(s)}
	if v, ok := a.decisions.Load(d); ok {
		return v.(bool)
	}
	ok, err := a.e.Enforce(d.role, d.obj, d.act, d.scope)
	if err != nil {
		return false
	}
	a.decisions.Store(d, ok)
	return ok
}

// Filter returns which rows of obj in municipality mun p may act on with act.
func (a *Authorizer) Filter(p *Principal, mun int64, obj Object, act Action) Filter {
	var f Filter
	for _, r := range p.Roles(mun) {
		if a.allowed(r.Role, obj, act, scopeAll) {
			return Filter{All: true}
		}
		if a.allowed(r.Role, obj, act, scopeOwnUnits) {
			for _, u := range r.OrgUnitIDs {
				if !slices.Contains(f.UnitIDs, u) {
					f.UnitIDs = append(f.UnitIDs, u)
				}
			}
		}
		if a.allowed(r.Role, obj, act, scopePublished) {
			f.Published = true
		}
		if a.allowed(r.Role, obj, act, scopeOwned) {
			f.OwnerID = p.User.ID
		}
		if a.allowed(r.Role, obj, act, scopeCreated) {
			f.CreatorID = p.User.ID
		}
	}
	return f
}

// Can reports whether p may do act on obj in municipality mun. t describes the object for
// grants limited to own units or published records; nil means "any object of this kind"
// (so only an all-scope grant says yes).
func (a *Authorizer) Can(p *Principal, mun int64, obj Object, act Action, t *Target) bool {
	f := a.Filter(p, mun, obj, act)
	if f.All {
		return true
	}
	if t == nil {
		return false
	}
	return f.Allows(t.Kind, t.OrgUnitID, t.Status) || (f.OwnerID != 0 && t.OwnerID != nil && *t.OwnerID == f.OwnerID) ||
		(f.CreatorID != 0 && t.CreatedBy != nil && *t.CreatedBy == f.CreatorID)
}

// CanSome reports whether p may do act on at least some objects of kind obj in mun
// (used to decide whether to show a page or a button at all).
func (a *Authorizer) CanSome(p *Principal, mun int64, obj Object, act Action) bool {
	return !a.Filter(p, mun, obj, act).None()
}

// CanAccept reports whether p may accept the residual risk of target t, whose residual level
// is level, in mun: one of the roles p holds there must both be granted accept on risks (in
// t's scope) and have a tier of the municipality's delegation (tiers, from its risk matrix)
// that reaches level. role is the role that decides (the one with the highest tier).
func (a *Authorizer) CanAccept(p *Principal, mun int64, t *Target, tiers []domain.AcceptanceTier, level domain.RiskLevel) (role domain.Role, ok bool) {
	for _, r := range p.Roles(mun) {
		if !domain.TierAllows(tiers, r.Role, level) {
			continue
		}
		one := &Principal{User: p.User, Assignments: []domain.RoleAssignment{r}}
		if r.Role == domain.RoleAdmin {
			continue
		}
		if a.Can(one, mun, ObjRisk, Accept, t) && (!ok || domain.TierMax(tiers, r.Role).Rank() > domain.TierMax(tiers, role).Rank()) {
			role, ok = r.Role, true
		}
	}
	return role, ok
}

// AcceptTier is the highest residual level p may accept in mun under tiers (any risk they may
// accept: "" when none).
func (a *Authorizer) AcceptTier(p *Principal, mun int64, tiers []domain.AcceptanceTier) domain.RiskLevel {
	var best domain.RiskLevel
	for _, r := range p.Roles(mun) {
		one := &Principal{User: p.User, Assignments: []domain.RoleAssignment{r}}
		if r.Role == domain.RoleAdmin || !a.CanSome(one, mun, ObjRisk, Accept) {
			continue
		}
		if m := domain.TierMax(tiers, r.Role); m.Rank() > best.Rank() {
			best = m
		}
	}
	return best
}
