package app

import (
	"context"
	"net/mail"
	"strings"

	"github.com/lisa-isms/lisa/internal/auth"
	"github.com/lisa-isms/lisa/internal/authz"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// The administrator's services: municipalities, the org tree, accounts and role assignments.

func (a *App) requireAdmin(c Caller) error {
	if c.P == nil {
		return domain.Errorf(domain.EUnauthorized, "err.unauthorized")
	}
	if !c.P.User.IsAdmin {
		return domain.Forbidden()
	}
	return nil
}

// MunicipalityInput creates a municipality.
type MunicipalityInput struct {
	Name      string `json:"name" form:"name"`
	OrgNumber string `json:"org_number" form:"org_number"`
}

// CreateMunicipality adds a municipality. Returns EForbidden, EInvalid, EConflict.
func (a *App) CreateMunicipality(ctx context.Context, c Caller, in MunicipalityInput) (domain.Municipality, error) {
	if err := a.requireAdmin(c); err != nil {
		return domain.Municipality{}, err
	}
	p := domain.Problems{}
	domain.ValidateText(p, "name", in.Name, true, 100)
	domain.ValidateText(p, "org_number", in.OrgNumber, false, 20)
	if err := p.Err(); err != nil {
		return domain.Municipality{}, err
	}
	m := domain.Municipality{Name: strings.TrimSpace(in.Name), OrgNumber: strings.TrimSpace(in.OrgNumber)}
	err := a.db.CreateMunicipality(ctx, c.actor(), &m)
	return m, err
}

// OrgUnitInput creates or changes an org unit.
type OrgUnitInput struct {
	Name     string `json:"name" form:"name"`
	Kind     string `json:"kind" form:"kind"`
	ParentID *int64 `json:"parent_id" form:"parent_id"`
}

// ValidateOrgUnit adds what is wrong with in to p (a form adds its own parsing problems, so
// that every problem is reported at once).
func ValidateOrgUnit(p domain.Problems, in OrgUnitInput) {
	domain.ValidateText(p, "name", in.Name, true, 120)
	if k := domain.OrgUnitKind(domain.NormalizeEnum(in.Kind)); strings.TrimSpace(in.Kind) == "" {
		p.Add("kind", "err.required")
	} else if !k.Valid() {
		p.Add("kind", "err.enum")
	}
}

// SaveOrgUnit creates (id 0) or changes an org unit of mun. Returns ENotFound, EForbidden,
// EInvalid, EConflict.
func (a *App) SaveOrgUnit(ctx context.Context, c Caller, mun, id int64, in OrgUnitInput) (domain.OrgUnit, error) {
	if err := a.require(c, mun, authz.ObjOrg, authz.Write); err != nil {
		return domain.OrgUnit{}, err
	}
	if _, err := a.db.GetMunicipality(ctx, mun); err != nil {
		return domain.OrgUnit{}, err
	}
	p := domain.Problems{}
	ValidateOrgUnit(p, in)
	if err := p.Err(); err != nil {
		return domain.OrgUnit{}, err
	}
	u := domain.OrgUnit{ID: id, MunicipalityID: mun, Name: strings.TrimSpace(in.Name), Kind: domain.OrgUnitKind(domain.NormalizeEnum(in.Kind))}
	if in.ParentID != nil && *in.ParentID > 0 {
		u.ParentID = in.ParentID
	}
	// A municipality's first org unit is where its statement of applicability hangs: the unit
	// and the statement's rows are stored together.
	err := a.db.InTx(ctx, func(ctx context.Context) error {
		var before domain.OrgUnit
		if id != 0 {
			var err error
			if before, err = a.db.GetOrgUnit(ctx, mun, id); err != nil {
				return err
			}
		}
		if err := a.db.SaveOrgUnit(ctx, c.actor(), &u); err != nil {
			return err
		}
		if id != 0 {
			return a.planUnitChanged(ctx, c, before, u) // revision trigger (continuity.go)
		}
		return a.ensureSoA(ctx, c.actor(), mun)
	})
	return u, err
}

// DeleteOrgUnit removes an unused org unit. Returns ENotFound, EForbidden, EConflict.
func (a *App) DeleteOrgUnit(ctx context.Context, c Caller, mun, id int64) error {
	if err := a.require(c, mun, authz.ObjOrg, authz.Write); err != nil {
		return err
	}
	defer a.sessions.forgetAll() // role assignments may have named the unit
	return a.db.DeleteOrgUnit(ctx, c.actor(), mun, id)
}

// Users returns every account. Returns EForbidden.
func (a *App) Users(ctx context.Context, c Caller) ([]domain.User, error) {
	if err := a.requireAdmin(c); err != nil {
		return nil, err
	}
	return a.db.ListUsers(ctx)
}

// UserDetail returns one account with its role assignments. Returns EForbidden, ENotFound.
func (a *App) UserDetail(ctx context.Context, c Caller, id int64) (domain.User, []domain.RoleAssignment, error) {
	if err := a.requireAdmin(c); err != nil {
		return domain.User{}, nil, err
	}
	u, err := a.db.GetUser(ctx, id)
	if err != nil {
		return u, nil, err
	}
	as, err := a.db.Assignments(ctx, id)
	return u, as, err
}

// UserInput creates or changes an account. Password empty on update keeps the old one.
type UserInput struct {
	Username string `json:"username" form:"username"`
	Name     string `json:"name" form:"name"`
	Email    string `json:"email" form:"email"`
	Password string `json:"password" form:"password"`
	IsAdmin  bool   `json:"is_admin" form:"is_admin"`
	Disabled bool   `json:"disabled" form:"disabled"`
}

func (a *App) validateUser(in UserInput, isNew bool) (domain.User, error) {
	p := domain.Problems{}
	if isNew {
		domain.ValidateUsername(p, "username", in.Username)
	}
	domain.ValidateText(p, "name", in.Name, true, 120)
	if strings.TrimSpace(in.Email) != "" {
		if addr, err := mail.ParseAddress(in.Email); err != nil || addr.Address != strings.TrimSpace(in.Email) {
			p.Add("email", "err.email")
		}
	}
	if isNew || in.Password != "" {
		// One policy for the API, the admin pages and `lisa user create` (auth.CheckPassword).
		if key := auth.CheckPassword(in.Username, in.Password); key != "" {
			p.Add("password", key)
		}
	}
	u := domain.User{Username: in.Username, Name: strings.TrimSpace(in.Name), Email: strings.TrimSpace(in.Email), IsAdmin: in.IsAdmin, Disabled: in.Disabled}
	if err := p.Err(); err != nil {
		return u, err
	}
	if in.Password != "" {
		h, err := a.Hasher.Hash(in.Password)
		if err != nil {
			return u, err
		}
		u.PasswordHash = h
	}
	return u, nil
}

// CreateUser adds an account. Returns EForbidden, EInvalid, EConflict.
func (a *App) CreateUser(ctx context.Context, c Caller, in UserInput) (domain.User, error) {
	if err := a.requireAdmin(c); err != nil {
		return domain.User{}, err
	}
	u, err := a.validateUser(in, true)
	if err != nil {
		return u, err
	}
	err = a.db.CreateUser(ctx, c.actor(), &u)
	return u, err
}

// UserUpdate changes an account: only the fields given (JSON null or absent keeps the value),
// so {"name": "x"} renames without re-enabling a disabled account — enabling is an explicit
// "disabled": false.
type UserUpdate struct {
	Name     *string `json:"name"`
	Email    *string `json:"email"`
	Password *string `json:"password"` // a reset: ends the account's sessions and API tokens
	IsAdmin  *bool   `json:"is_admin"`
	Disabled *bool   `json:"disabled"`
}

// UpdateUser changes an account. An administrator cannot remove their own admin flag or
// disable themselves. A password reset or disabling ends the account's sessions and API
// tokens. Returns EForbidden, ENotFound, EInvalid.
func (a *App) UpdateUser(ctx context.Context, c Caller, id int64, up UserUpdate) (domain.User, error) {
	if err := a.requireAdmin(c); err != nil {
		return domain.User{}, err
	}
	if up.Password != nil && *up.Password == "" {
		return domain.User{}, &domain.Error{Code: domain.EInvalid, Message: "err.invalid", Fields: map[string]string{"password": "err.required"}}
	}
	var hash, passwordProblem string
	if up.Password != nil {
		// Checked against the account's own username (which never changes) and hashed before
		// the write transaction: bcrypt takes its time, and the writer queue must not wait.
		old, err := a.db.GetUser(ctx, id)
		if err != nil {
			return domain.User{}, err
		}
		if passwordProblem = auth.CheckPassword(old.Username, *up.Password); passwordProblem == "" {
			if hash, err = a.Hasher.Hash(*up.Password); err != nil {
				return domain.User{}, err
			}
		}
	}
	u, err := a.db.UpdateUserWith(ctx, c.actor(), id, func(old domain.User) (domain.User, error) {
		in := UserInput{Username: old.Username, Name: old.Name, Email: old.Email, IsAdmin: old.IsAdmin, Disabled: old.Disabled}
		set(&in.Name, up.Name)
		set(&in.Email, up.Email)
		set(&in.IsAdmin, up.IsAdmin)
		set(&in.Disabled, up.Disabled)
		u, err := a.validateUser(in, false) // what is stored now, with the fields given
		if passwordProblem != "" {          // every problem at once
			e := &domain.Error{Code: domain.EInvalid, Message: "err.invalid", Fields: map[string]string{}}
			if err != nil {
				if e = domain.AsError(err); e.Code != domain.EInvalid {
					return u, err
				}
			}
			if e.Fields == nil {
				e.Fields = map[string]string{}
			}
			e.Fields["password"] = passwordProblem
			return u, e
		}
		if err != nil {
			return u, err
		}
		if id == c.P.User.ID && (!u.IsAdmin || u.Disabled) {
			return u, &domain.Error{Code: domain.EInvalid, Message: "err.invalid", Fields: map[string]string{"is_admin": "err.self_lockout"}}
		}
		u.PasswordHash = hash
		return u, nil
	})
	a.sessions.forgetUser(id) // a new name or password, disabled: read again
	return u, err
}

// set copies *from into *to when given.
func set[T any](to *T, from *T) {
	if from != nil {
		*to = *from
	}
}

// ChangePassword changes the caller's own password: the current one is required, the new one
// follows the policy (auth.CheckPassword). The caller's other sessions end; this one stays.
// Returns EInvalid (a wrong current password names the field current_password).
func (a *App) ChangePassword(ctx context.Context, c Caller, sessionToken, current, next string) error {
	u, err := a.db.GetUser(ctx, c.P.User.ID)
	if err != nil {
		return err
	}
	// Guessing the current password (with a stolen session) is throttled like logging in.
	account := strings.ToLower(u.Username)
	if wait, _ := a.Throttle.Check(account, c.IP); wait > 0 {
		return &domain.Error{Code: domain.ETooManyRequests, Message: "err.throttled", RetryAfter: wait}
	}
	p := domain.Problems{}
	if current == "" {
		p.Add("current_password", "err.required")
	} else if len(current) > 1024 || !auth.Check(u.PasswordHash, current) {
		a.Throttle.Fail(account, c.IP)
		p.Add("current_password", "err.wrong_password")
	} else {
		a.Throttle.Succeed(account, c.IP)
	}
	if current == "" {
		a.Throttle.Done(account, c.IP)
	}
	if key := auth.CheckPassword(u.Username, next); key != "" {
		p.Add("new_password", key)
	} else if next == current {
		p.Add("new_password", "err.password_same")
	}
	if err := p.Err(); err != nil {
		return err
	}
	h, err := a.Hasher.Hash(next)
	if err != nil {
		return err
	}
	defer a.sessions.forgetUser(u.ID)
	return a.db.ChangePassword(ctx, c.actor(), u.ID, h, sessionToken)
}

// RoleInput grants a role in a municipality.
type RoleInput struct {
	MunicipalityID int64   `json:"municipality_id" form:"municipality_id"`
	Role           string  `json:"role" form:"role"`
	OrgUnitIDs     []int64 `json:"org_unit_ids" form:"org_unit_ids"`
}

// GrantRole gives a user a role in a municipality; information owners need at least one org
// unit. Returns EForbidden, ENotFound, EInvalid.
func (a *App) GrantRole(ctx context.Context, c Caller, user int64, in RoleInput) error {
	if err := a.requireAdmin(c); err != nil {
		return err
	}
	p := domain.Problems{}
	r := domain.Role(in.Role)
	if !r.Valid() {
		p.Add("role", "err.enum")
	}
	if _, err := a.db.GetMunicipality(ctx, in.MunicipalityID); err != nil {
		p.Add("municipality_id", "err.unknown_municipality")
	}
	units := in.OrgUnitIDs
	domain.ValidateIDs(p, "org_unit_ids", units)
	if r == domain.RoleInformationOwner && len(units) == 0 {
		p.Add("org_unit_ids", "err.owner_units_required")
	}
	if r != domain.RoleInformationOwner {
		units = nil
	}
	if err := p.Err(); err != nil {
		return err
	}
	defer a.sessions.forgetUser(user)
	return a.db.GrantRole(ctx, c.actor(), domain.RoleAssignment{UserID: user, MunicipalityID: in.MunicipalityID, Role: r, OrgUnitIDs: units})
}

// RevokeRole removes a role. Returns EForbidden, ENotFound.
func (a *App) RevokeRole(ctx context.Context, c Caller, user, mun int64, role string) error {
	if err := a.requireAdmin(c); err != nil {
		return err
	}
	defer a.sessions.forgetUser(user)
	return a.db.RevokeRole(ctx, c.actor(), user, mun, domain.Role(role))
}

// CreateUserCLI creates an account from the command line (the first administrator).
// Returns EInvalid, EConflict.
func (a *App) CreateUserCLI(ctx context.Context, in UserInput) (domain.User, error) {
	u, err := a.validateUser(in, true)
	if err != nil {
		return u, err
	}
	err = a.db.CreateUser(ctx, SystemActor("cli"), &u)
	return u, err
}

// HasUser reports whether an account named username exists (the command line and the demo
// ask before they create one).
func (a *App) HasUser(ctx context.Context, username string) (bool, error) {
	_, err := a.db.GetUserByUsername(ctx, username)
	if domain.ErrorCode(err) == domain.ENotFound {
		return false, nil
	}
	return err == nil, err
}

// CallerFor returns user as a caller with every role they hold, for the command line and the
// demo, which act as a person without a session. Returns ENotFound (also for a disabled user).
func (a *App) CallerFor(ctx context.Context, user int64, ip string) (Caller, error) {
	p, err := a.principal(ctx, user)
	if err != nil {
		return Caller{}, err
	}
	return Caller{P: p, IP: ip}, nil
}

// ImportUser stores an account made outside the password rules, with its password already
// hashed: for the demo's well-known password and for migrating accounts. Only the command
// line and the demo call it. Returns EInvalid, EConflict.
func (a *App) ImportUser(ctx context.Context, actor store.Actor, u *domain.User) error {
	p := domain.Problems{}
	domain.ValidateUsername(p, "username", u.Username)
	domain.ValidateText(p, "name", u.Name, true, 120)
	if err := p.Err(); err != nil {
		return err
	}
	return a.db.CreateUser(ctx, actor, u)
}

// CallerByUsername is CallerFor by username, for the command line and the demo.
func (a *App) CallerByUsername(ctx context.Context, username string) (Caller, error) {
	u, err := a.db.GetUserByUsername(ctx, username)
	if err != nil {
		return Caller{}, err
	}
	return a.CallerFor(ctx, u.ID, "local")
}
