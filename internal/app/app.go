// Package app is Lisa's service layer: every operation a user can do, from the web pages and
// the JSON API alike. Each method asks package authz whether the caller may act, validates
// input with package domain, and calls package store.
package app

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lisa-isms/lisa/internal/auth"
	"github.com/lisa-isms/lisa/internal/authz"
	"github.com/lisa-isms/lisa/internal/catalog"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// DefaultSessionIdle is how long a session lasts unused unless configured otherwise.
const DefaultSessionIdle = 30 * time.Minute

// App holds the services' dependencies. They are unexported: pages and the API reach the
// data only through the services, which decide authorization and scope every read to the
// caller's municipality.
type App struct {
	db       *store.Store
	az       *authz.Authorizer
	cat      *catalog.Set // the shipped control catalogs and their mappings
	sessions principalCache
	counts   countCache

	Hasher   auth.Hasher
	Throttle *auth.Throttle
	// SessionTTL is how long a login lasts at most; SessionIdle how long it lasts unused.
	SessionTTL  time.Duration
	SessionIdle time.Duration
}

// Option changes how New wires an App.
type Option func(*options)

type options struct{ policy []string }

// WithPolicy adds policy lines (role, object, action, scope) to the embedded policy: for a
// kind that a test declares on its own.
func WithPolicy(lines ...string) Option {
	return func(o *options) { o.policy = append(o.policy, lines...) }
}

// New wires an App on s with the embedded policy and catalogs.
func New(s *store.Store, opts ...Option) (*App, error) {
	var o options
	for _, f := range opts {
		f(&o)
	}
	az, err := authz.New(o.policy...)
	if err != nil {
		return nil, err
	}
	cat, err := catalog.Load()
	if err != nil {
		return nil, err
	}
	th := auth.NewThrottle()
	th.Now = func() time.Time { return s.Now() } // follows the store clock even when it is replaced later
	known, err := s.LoginAddresses(context.Background())
	if err != nil {
		return nil, err
	}
	for _, l := range known {
		th.Remember(strings.ToLower(l.Username), l.IP, l.LastAt)
	}
	return &App{db: s, az: az, Throttle: th, SessionTTL: 12 * time.Hour, SessionIdle: DefaultSessionIdle, cat: cat}, nil
}

// Now is the current time on the store's clock.
func (a *App) Now() time.Time { return a.db.Now() }

// Caller is who is asking, and from where.
type Caller struct {
	P  *authz.Principal
	IP string
}

func (c Caller) actor() store.Actor {
	if c.P == nil {
		return store.Actor{Name: "anonymous", IP: c.IP}
	}
	id := c.P.User.ID
	return store.Actor{ID: &id, Name: c.P.User.Username, IP: c.IP}
}

// SystemActor is the actor of command-line and start-up changes.
func SystemActor(name string) store.Actor { return store.Actor{Name: name, IP: "local"} }

// now is the current moment on the store's clock.
func (a *App) now() time.Time { return a.db.Now().UTC().Truncate(time.Microsecond) }

// Today is the current date on the store's clock.
func (a *App) Today() domain.Date { return a.db.Today() }

// member returns ENotFound unless the caller holds a role in mun: a municipality one has no
// part in does not exist for them.
func (a *App) member(c Caller, mun int64) error {
	if c.P == nil {
		return domain.Errorf(domain.EUnauthorized, "err.unauthorized")
	}
	if !c.P.Member(mun) {
		return domain.NotFound()
	}
	return nil
}

// require checks an all-scope permission on obj in mun (404 for non-members, 403 otherwise).
func (a *App) require(c Caller, mun int64, obj authz.Object, act authz.Action) error {
	if err := a.member(c, mun); err != nil {
		return err
	}
	if !a.az.Can(c.P, mun, obj, act, nil) {
		return domain.Forbidden()
	}
	return nil
}

// Can reports whether the caller may do act on obj in mun for target t (nil: any object).
// Pages use it to show or hide buttons; the services check again.
func (a *App) Can(c Caller, mun int64, obj authz.Object, act authz.Action, t *authz.Target) bool {
	return c.P != nil && a.az.Can(c.P, mun, obj, act, t)
}

// CanSome reports whether the caller may do act on at least some objects of obj in mun.
func (a *App) CanSome(c Caller, mun int64, obj authz.Object, act authz.Action) bool {
	return c.P != nil && a.az.CanSome(c.P, mun, obj, act)
}

// Municipalities returns the municipalities the caller holds a role in (all, for admins).
func (a *App) Municipalities(ctx context.Context, c Caller) ([]domain.Municipality, error) {
	if c.P == nil {
		return nil, domain.Errorf(domain.EUnauthorized, "err.unauthorized")
	}
	all, err := a.allMunicipalities(ctx)
	if err != nil {
		return nil, err
	}
	if c.P.User.IsAdmin {
		return slices.Clone(all), nil
	}
	out := []domain.Municipality{}
	for _, m := range all {
		if slices.ContainsFunc(c.P.Assignments, func(r domain.RoleAssignment) bool { return r.MunicipalityID == m.ID }) {
			out = append(out, m)
		}
	}
	return out, nil
}

// Municipality returns one municipality the caller is part of. Returns ENotFound.
func (a *App) Municipality(ctx context.Context, c Caller, mun int64) (domain.Municipality, error) {
	if err := a.member(c, mun); err != nil {
		return domain.Municipality{}, err
	}
	all, err := a.allMunicipalities(ctx)
	if err != nil {
		return domain.Municipality{}, err
	}
	for _, m := range all {
		if m.ID == mun {
			return m, nil
		}
	}
	return a.db.GetMunicipality(ctx, mun) // made since, by another instance: read it
}

// allMunicipalities is every municipality by name, shared as countCache says (renewed at
// this process's next write, at most 10 s old for another instance's): every page's menu
// lists the caller's municipalities and every municipality page names its own, two
// statements a page otherwise. Read only.
func (a *App) allMunicipalities(ctx context.Context) ([]domain.Municipality, error) {
	return getShared(a, "municipalities", func() ([]domain.Municipality, error) { return a.db.ListMunicipalities(ctx, true, nil) })
}

// OrgUnits returns the org tree of mun. Returns ENotFound, EForbidden.
func (a *App) OrgUnits(ctx context.Context, c Caller, mun int64) ([]domain.OrgUnit, error) {
	if err := a.require(c, mun, authz.ObjOrg, authz.Read); err != nil {
		return nil, err
	}
	// Every list page's unit filter reads them (a quarter of a millisecond on kommun-L's 80
	// units): the readers share them as countCache says, each getting its own copy.
	units, err := getShared(a, "units/"+strconv.FormatInt(mun, 10), func() ([]domain.OrgUnit, error) { return a.db.ListOrgUnits(ctx, mun) })
	return slices.Clone(units), err
}

// Members returns the people holding a role in mun (to choose owners). Returns ENotFound,
// EForbidden.
func (a *App) Members(ctx context.Context, c Caller, mun int64) ([]domain.User, error) {
	if err := a.require(c, mun, authz.ObjUser, authz.Read); err != nil {
		return nil, err
	}
	return a.db.ListMembers(ctx, mun)
}

// Scope returns which records of obj in mun the caller may act on with act (pages use it to
// offer only the choices that will be accepted; the services check again).
func (a *App) Scope(c Caller, mun int64, obj authz.Object, act authz.Action) domain.Visibility {
	if c.P == nil {
		return domain.Visibility{}
	}
	return a.az.Filter(c.P, mun, obj, act)
}

// IsUnavailable reports whether err means the database cannot be reached right now (the
// request may succeed if tried again): pages and the API answer 503.
func IsUnavailable(err error) bool { return store.IsUnavailable(err) }

// MemberNames returns the names of those of ids who hold a role in mun (the owners a list
// shows), for any member of mun. Returns ENotFound.
func (a *App) MemberNames(ctx context.Context, c Caller, mun int64, ids []int64) (map[int64]string, error) {
	if err := a.member(c, mun); err != nil {
		return nil, err
	}
	return a.db.MemberNames(ctx, mun, ids)
}

// OwnerRoles are the roles whose holders the owner pickers offer: those who keep records
// current or answer for them. The services accept any member as owner (the API may name one).
var OwnerRoles = []domain.Role{domain.RoleCoordinator, domain.RoleInformationOwner, domain.RoleManagement}

// OwnerCandidates returns the people an owner picker of mun offers: current (the present
// owner, nil for none) first, then up to limit holders of OwnerRoles whose name, username or
// e-mail contains query (all when empty), by name; more tells whether others match too.
// Returns ENotFound, EForbidden.
func (a *App) OwnerCandidates(ctx context.Context, c Caller, mun int64, current *int64, query string, limit int) (users []domain.User, more bool, err error) {
	if err := a.require(c, mun, authz.ObjUser, authz.Read); err != nil {
		return nil, false, err
	}
	var cur int64
	if current != nil {
		cur = *current
	}
	all, err := a.db.ListOwnerCandidates(ctx, mun, OwnerRoles, cur)
	if err != nil {
		return nil, false, err
	}
	// Filtered here rather than in SQL: SQLite's LIKE folds only ASCII, and "örjan" must
	// find Örjan on both databases. The candidates are a municipality's role holders.
	q := strings.ToLower(strings.TrimSpace(query))
	var owner, matches []domain.User
	for _, u := range all {
		switch {
		case u.ID == cur:
			owner = append(owner, u)
		case q == "" || strings.Contains(strings.ToLower(u.Name+"\x00"+u.Username+"\x00"+u.Email), q):
			matches = append(matches, u)
		}
	}
	if len(matches) > limit {
		matches, more = matches[:limit], true
	}
	return append(owner, matches...), more, nil
}
