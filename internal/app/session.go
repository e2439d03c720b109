package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/lisa-isms/lisa/internal/audit"
	"github.com/lisa-isms/lisa/internal/auth"
	"github.com/lisa-isms/lisa/internal/authz"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// LoginResult is a new session: the cookie value and its CSRF token.
type LoginResult struct {
	Token     string
	CSRFToken string
	User      domain.User
	Expires   time.Time
}

// Login checks a username and password and starts a new session (a new id every time, so a
// session id planted before login is useless). Unknown user and wrong password give the same
// EUnauthorized; repeated failures per account or IP give ETooManyRequests.
func (a *App) Login(ctx context.Context, ip, username, password string) (LoginResult, error) {
	username = strings.TrimSpace(username)
	p := domain.Problems{}
	domain.ValidateText(p, "username", username, true, 200)
	if password == "" {
		p.Add("password", "err.required")
	} else if len(password) > 1024 {
		p.Add("password", "err.too_long")
	}
	if err := p.Err(); err != nil {
		return LoginResult{}, err
	}
	account := strings.ToLower(username)
	wait, refused := a.Throttle.Check(account, ip)
	if refused > 0 { // one entry per burst of refused attempts, with their number
		_ = a.db.Audit(ctx, store.Actor{Name: username, IP: ip}, store.Change{Kind: "session", Action: audit.ActionLoginThrottled,
			After: map[string]any{"attempts": refused}})
	}
	if wait > 0 {
		return LoginResult{}, &domain.Error{Code: domain.ETooManyRequests, Message: "err.throttled", RetryAfter: wait}
	}
	u, err := a.db.GetUserByUsername(ctx, username)
	if err != nil && domain.ErrorCode(err) != domain.ENotFound {
		a.Throttle.Done(account, ip)
		return LoginResult{}, err
	}
	if !auth.Check(u.PasswordHash, password) || u.Disabled {
		a.Throttle.Fail(account, ip)
		var uid *int64
		if u.ID != 0 {
			uid = &u.ID
		}
		_ = a.db.Audit(ctx, store.Actor{ID: uid, Name: username, IP: ip}, store.Change{Kind: "session", Action: audit.ActionLoginFailed})
		return LoginResult{}, domain.Errorf(domain.EUnauthorized, "err.bad_login")
	}
	a.Throttle.Succeed(account, ip)
	res := LoginResult{Token: auth.NewToken(), CSRFToken: auth.NewToken(), User: u}
	err = a.db.InTx(ctx, func(ctx context.Context) error { // the session and its audit entry, or neither
		ss, err := a.db.CreateSession(ctx, res.Token, res.CSRFToken, u.ID, a.SessionTTL)
		if err != nil {
			return err
		}
		res.Expires = ss.ExpiresAt
		if err := a.db.RememberLoginAddress(ctx, u.ID, ip); err != nil { // spared by the throttle after a restart too
			return err
		}
		return a.db.Audit(ctx, store.Actor{ID: &u.ID, Name: u.Username, IP: ip}, store.Change{Kind: "session", Action: audit.ActionLogin})
	})
	if err != nil {
		return LoginResult{}, err
	}
	return res, nil
}

// EndSession ends a session without an audit entry (the session a new login replaces).
func (a *App) EndSession(ctx context.Context, token string) error {
	defer a.sessions.forget(token) // after the row is gone: a load racing it finds nothing, or is not kept
	return a.db.DeleteSession(ctx, token)
}

// Logout ends the session.
func (a *App) Logout(ctx context.Context, c Caller, token string) error {
	defer a.sessions.forget(token) // after the row is gone (see EndSession)
	return a.db.InTx(ctx, func(ctx context.Context) error {
		if err := a.db.DeleteSession(ctx, token); err != nil {
			return err
		}
		if c.P != nil {
			return a.db.Audit(ctx, c.actor(), store.Change{Kind: "session", Action: audit.ActionLogout})
		}
		return nil
	})
}

// SessionPrincipal returns the person and CSRF token of a live session: not past its absolute
// end (SessionTTL after login) nor unused for longer than SessionIdle. Returns ENotFound.
// The answer is kept in memory for up to PrincipalTTL (see principalCache); the session's
// last use is written at most every store.TouchEvery.
func (a *App) SessionPrincipal(ctx context.Context, token string) (*authz.Principal, string, error) {
	now := a.db.Now()
	if e, ok := a.sessions.get(token, now); ok {
		return e.p, e.csrf, nil
	}
	gen := a.sessions.generation()
	ss, err := a.db.GetSession(ctx, token)
	if err != nil {
		return nil, "", err
	}
	if a.SessionIdle > 0 && now.Sub(ss.Seen()) > a.SessionIdle {
		// Idle too long: gone, as if logged out (without an audit entry, like an expiry; on a
		// read-only database the row stays, but the session is over all the same).
		if err := a.EndSession(ctx, token); err != nil && !store.IsReadOnly(err) {
			return nil, "", err
		}
		return nil, "", domain.NotFound()
	}
	p, err := a.principal(ctx, ss.UserID)
	if err != nil {
		return nil, "", err
	}
	if now.Sub(ss.Seen()) >= store.TouchEvery {
		// On a read-only database the last use is not noted; the session goes on.
		if err := a.db.TouchSession(ctx, token, now); err != nil && !store.IsReadOnly(err) {
			return nil, "", err
		}
	}
	until := now.Add(PrincipalTTL)
	if ss.ExpiresAt.Before(until) {
		until = ss.ExpiresAt
	}
	a.sessions.put(token, gen, cachedSession{p: p, csrf: ss.CSRFToken, until: until})
	return p, ss.CSRFToken, nil
}

// TokenPrincipal returns the person of a live bearer API token (not revoked, not expired, its
// user not disabled), noting its use at most every store.TouchEvery. Returns ENotFound.
func (a *App) TokenPrincipal(ctx context.Context, token string) (*authz.Principal, error) {
	u, t, err := a.db.UserByAPIToken(ctx, token)
	if err != nil {
		return nil, err
	}
	if now := a.db.Now(); t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= store.TouchEvery {
		if err := a.db.TouchAPIToken(ctx, t.ID, now); err != nil && !store.IsReadOnly(err) {
			return nil, err
		}
	}
	return a.principalOf(ctx, u) // UserByAPIToken read the account already
}

func (a *App) principal(ctx context.Context, user int64) (*authz.Principal, error) {
	u, err := a.db.GetUser(ctx, user)
	if err != nil {
		return nil, err
	}
	return a.principalOf(ctx, u)
}

// principalOf is the person u (already read) with their roles; a disabled account is none.
func (a *App) principalOf(ctx context.Context, u domain.User) (*authz.Principal, error) {
	if u.Disabled {
		return nil, domain.NotFound()
	}
	as, err := a.db.Assignments(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	return &authz.Principal{User: u, Assignments: as}, nil
}

// TokenInput makes an API token: a name (what it is for) and its lifetime in days (default
// 365, at most 3,650).
type TokenInput struct {
	Name          string `json:"name" form:"name"`
	ExpiresInDays *int   `json:"expires_in_days" form:"expires_in_days"`
}

// NewToken is a token just made: its secret, shown this once.
type NewToken struct {
	domain.APIToken
	Token string `json:"token"`
}

// MaxTokenDays is the longest lifetime of an API token.
const MaxTokenDays = 3650

func (a *App) createToken(ctx context.Context, actor store.Actor, user int64, in TokenInput) (NewToken, error) {
	p := domain.Problems{}
	domain.ValidateText(p, "name", in.Name, true, 100)
	days := int(store.TokenLifetime / (24 * time.Hour))
	if in.ExpiresInDays != nil {
		days = *in.ExpiresInDays
		if days < 1 || days > MaxTokenDays {
			p.Add("expires_in_days", "err.token_days")
		}
	}
	if err := p.Err(); err != nil {
		return NewToken{}, err
	}
	tok := "lisa_" + auth.NewToken()
	t, err := a.db.CreateAPIToken(ctx, actor, user, strings.TrimSpace(in.Name), tok, a.db.Now().Add(time.Duration(days)*24*time.Hour))
	return NewToken{APIToken: t, Token: tok}, err
}

// MyTokens lists the caller's API tokens.
func (a *App) MyTokens(ctx context.Context, c Caller) ([]domain.APIToken, error) {
	return a.db.ListAPITokens(ctx, c.P.User.ID)
}

// CreateMyToken makes an API token for the caller. Returns EInvalid.
func (a *App) CreateMyToken(ctx context.Context, c Caller, in TokenInput) (NewToken, error) {
	return a.createToken(ctx, c.actor(), c.P.User.ID, in)
}

// RevokeMyToken ends one of the caller's API tokens. Returns ENotFound.
func (a *App) RevokeMyToken(ctx context.Context, c Caller, id int64) error {
	return a.db.RevokeAPIToken(ctx, c.actor(), c.P.User.ID, id)
}

// UserTokens lists an account's API tokens, for the administrator. Returns EForbidden, ENotFound.
func (a *App) UserTokens(ctx context.Context, c Caller, user int64) ([]domain.APIToken, error) {
	if err := a.requireAdmin(c); err != nil {
		return nil, err
	}
	if _, err := a.db.GetUser(ctx, user); err != nil {
		return nil, err
	}
	return a.db.ListAPITokens(ctx, user)
}

// RevokeUserToken ends an account's API token, for the administrator. Returns EForbidden,
// ENotFound.
func (a *App) RevokeUserToken(ctx context.Context, c Caller, user, id int64) error {
	if err := a.requireAdmin(c); err != nil {
		return err
	}
	return a.db.RevokeAPIToken(ctx, c.actor(), user, id)
}

// CreateAPIToken makes a bearer token for username (command line: lisa token create), valid
// for days (1–MaxTokenDays). The token is shown once; only its hash is stored. Returns
// ENotFound, EInvalid.
func (a *App) CreateAPIToken(ctx context.Context, username, name string, days int) (NewToken, error) {
	u, err := a.db.GetUserByUsername(ctx, username)
	if err != nil {
		return NewToken{}, fmt.Errorf("find user %q: %w", username, err)
	}
	return a.createToken(ctx, SystemActor("cli"), u.ID, TokenInput{Name: name, ExpiresInDays: &days})
}

// APITokensOf lists username's API tokens (command line: lisa token list). Returns ENotFound.
func (a *App) APITokensOf(ctx context.Context, username string) ([]domain.APIToken, error) {
	u, err := a.db.GetUserByUsername(ctx, username)
	if err != nil {
		return nil, fmt.Errorf("find user %q: %w", username, err)
	}
	return a.db.ListAPITokens(ctx, u.ID)
}

// RevokeAPITokenOf ends username's token id (command line: lisa token revoke). Returns ENotFound.
func (a *App) RevokeAPITokenOf(ctx context.Context, username string, id int64) error {
	u, err := a.db.GetUserByUsername(ctx, username)
	if err != nil {
		return fmt.Errorf("find user %q: %w", username, err)
	}
	return a.db.RevokeAPIToken(ctx, SystemActor("cli"), u.ID, id)
}
