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
	if blocked, _ := a.Throttle.Blocked(strings.ToLower(username), ip); blocked {
		_ = a.db.Audit(ctx, store.Actor{Name: username, IP: ip}, store.Change{Kind: "session", Action: audit.ActionLoginFailed, After: map[string]string{"reason": "throttled"}})
		return LoginResult{}, domain.Errorf(domain.ETooManyRequests, "err.throttled")
	}
	u, err := a.db.GetUserByUsername(ctx, username)
	if err != nil && domain.ErrorCode(err) != domain.ENotFound {
		return LoginResult{}, err
	}
	if !auth.Check(u.PasswordHash, password) || u.Disabled {
		a.Throttle.Fail(strings.ToLower(username), ip)
		var uid *int64
		if u.ID != 0 {
			uid = &u.ID
		}
		_ = a.db.Audit(ctx, store.Actor{ID: uid, Name: username, IP: ip}, store.Change{Kind: "session", Action: audit.ActionLoginFailed})
		return LoginResult{}, domain.Errorf(domain.EUnauthorized, "err.bad_login")
	}
	a.Throttle.Succeed(strings.ToLower(username))
	res := LoginResult{Token: auth.NewToken(), CSRFToken: auth.NewToken(), User: u}
	err = a.db.InTx(ctx, func(ctx context.Context) error { // the session and its audit entry, or neither
		ss, err := a.db.CreateSession(ctx, res.Token, res.CSRFToken, u.ID, a.SessionTTL)
		if err != nil {
			return err
		}
		res.Expires = ss.ExpiresAt
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

// SessionPrincipal returns the person and CSRF token of a live session. Returns ENotFound.
// The answer is kept in memory for up to PrincipalTTL (see principalCache).
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
	p, err := a.principal(ctx, ss.UserID)
	if err != nil {
		return nil, "", err
	}
	until := now.Add(PrincipalTTL)
	if ss.ExpiresAt.Before(until) {
		until = ss.ExpiresAt
	}
	a.sessions.put(token, gen, cachedSession{p: p, csrf: ss.CSRFToken, until: until})
	return p, ss.CSRFToken, nil
}

// TokenPrincipal returns the person of a bearer API token. Returns ENotFound.
func (a *App) TokenPrincipal(ctx context.Context, token string) (*authz.Principal, error) {
	u, err := a.db.UserByAPIToken(ctx, token)
	if err != nil {
		return nil, err
	}
	return a.principal(ctx, u.ID)
}

func (a *App) principal(ctx context.Context, user int64) (*authz.Principal, error) {
	u, err := a.db.GetUser(ctx, user)
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, domain.NotFound()
	}
	as, err := a.db.Assignments(ctx, user)
	if err != nil {
		return nil, err
	}
	return &authz.Principal{User: u, Assignments: as}, nil
}

// CreateAPIToken makes a bearer token for username (command line: lisa token create). The
// token is shown once; only its hash is stored. Returns ENotFound.
func (a *App) CreateAPIToken(ctx context.Context, username, name string) (string, error) {
	u, err := a.db.GetUserByUsername(ctx, username)
	if err != nil {
		return "", fmt.Errorf("find user %q: %w", username, err)
	}
	tok := "lisa_" + auth.NewToken()
	if err := a.db.CreateAPIToken(ctx, SystemActor("cli"), u.ID, name, tok); err != nil {
		return "", err
	}
	return tok, nil
}
