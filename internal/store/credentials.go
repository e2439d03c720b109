package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/lisa-isms/lisa/internal/domain"
)

// TouchEvery is how stale a session's last use or a token's may be: they are written at most
// this often, so that a read stays a read.
const TouchEvery = time.Minute

// TokenLifetime is how long an API token made without an expiry lives (and a token made
// before tokens expired, counted from its creation).
const TokenLifetime = 365 * 24 * time.Hour

// apiTokenRow is a row of api_tokens.
type apiTokenRow struct {
	ID         int64      `db:"id"`
	UserID     int64      `db:"user_id"`
	Name       string     `db:"name"`
	TokenHash  string     `db:"token_hash"`
	CreatedAt  time.Time  `db:"created_at"`
	LastUsedAt *time.Time `db:"last_used_at"`
	ExpiresAt  *time.Time `db:"expires_at"`
	RevokedAt  *time.Time `db:"revoked_at"`
}

func (r apiTokenRow) token() domain.APIToken {
	t := domain.APIToken{ID: r.ID, UserID: r.UserID, Name: r.Name, CreatedAt: r.CreatedAt, LastUsedAt: r.LastUsedAt, ExpiresAt: r.CreatedAt.Add(TokenLifetime)}
	if r.ExpiresAt != nil {
		t.ExpiresAt = *r.ExpiresAt
	}
	return t
}

// CreateAPIToken stores a bearer token for user under a name, valid until expires.
func (s *Store) CreateAPIToken(ctx context.Context, a Actor, user int64, name, token string, expires time.Time) (domain.APIToken, error) {
	t := domain.APIToken{UserID: user, Name: name, CreatedAt: s.now(), ExpiresAt: expires}
	err := s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &t.ID, tx.Rebind(`INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?) RETURNING id`),
			user, name, HashToken(token), t.CreatedAt, expires)
		if err != nil {
			return fmt.Errorf("insert token: %w", err)
		}
		return s.appendAudit(ctx, tx, a, Change{Kind: "user", RecordID: &user, Action: "token_create",
			After: map[string]any{"token_id": t.ID, "name": name, "expires_at": expires}})
	})
	return t, err
}

// ListAPITokens returns user's tokens that were not revoked (expired ones too, so their owner
// sees them end), oldest first.
func (s *Store) ListAPITokens(ctx context.Context, user int64) ([]domain.APIToken, error) {
	var rows []apiTokenRow
	if err := s.db(ctx).SelectContext(ctx, &rows, s.rebind(`SELECT * FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL ORDER BY created_at, id`), user); err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	out := make([]domain.APIToken, len(rows))
	for i, r := range rows {
		out[i] = r.token()
	}
	return out, nil
}

// RevokeAPIToken ends token id of user. Returns ENotFound (also for another user's token or
// one already revoked).
func (s *Store) RevokeAPIToken(ctx context.Context, a Actor, user, id int64) error {
	return s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		var name string
		if err := tx.GetContext(ctx, &name, tx.Rebind(`SELECT name FROM api_tokens WHERE id = ? AND user_id = ? AND revoked_at IS NULL`), id, user); err != nil {
			return notFound(err, "get token")
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE api_tokens SET revoked_at = ? WHERE id = ?`), s.now(), id); err != nil {
			return fmt.Errorf("revoke token: %w", err)
		}
		return s.appendAudit(ctx, tx, a, Change{Kind: "user", RecordID: &user, Action: "token_revoke", After: map[string]any{"token_id": id, "name": name}})
	})
}

// UserByAPIToken returns the user of a live bearer token (not revoked, not expired) and the
// token. Returns ENotFound.
func (s *Store) UserByAPIToken(ctx context.Context, token string) (domain.User, domain.APIToken, error) {
	var r apiTokenRow
	err := s.db(ctx).GetContext(ctx, &r, s.rebind(`SELECT * FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL`), HashToken(token))
	if err != nil {
		return domain.User{}, domain.APIToken{}, notFound(err, "get token")
	}
	t := r.token()
	if !s.now().Before(t.ExpiresAt) {
		return domain.User{}, domain.APIToken{}, domain.NotFound()
	}
	u, err := s.GetUser(ctx, r.UserID)
	return u, t, err
}

// TouchAPIToken notes that token id was used at now.
func (s *Store) TouchAPIToken(ctx context.Context, id int64, now time.Time) error {
	return s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE api_tokens SET last_used_at = ? WHERE id = ?`), now, id)
		return err
	})
}

// TouchSession notes that the session of token was used at now.
func (s *Store) TouchSession(ctx context.Context, token string, now time.Time) error {
	return s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?`), now, HashToken(token))
		return err
	})
}

// endedCredentials is what a password reset, a change or disabling ended (for the audit entry).
type endedCredentials struct {
	Sessions int64 `json:"sessions_ended"`
	Tokens   int64 `json:"tokens_revoked"`
}

// endCredentials ends user's sessions but the one whose token hash is keepHash ("": none),
// and with revokeTokens their API tokens too.
func (s *Store) endCredentials(ctx context.Context, tx *sqlx.Tx, user int64, keepHash string, revokeTokens bool) (endedCredentials, error) {
	var out endedCredentials
	res, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?`), user, keepHash)
	if err != nil {
		return out, fmt.Errorf("end sessions: %w", err)
	}
	out.Sessions, _ = res.RowsAffected()
	if !revokeTokens {
		return out, nil
	}
	res, err = tx.ExecContext(ctx, tx.Rebind(`UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL`), s.now(), user)
	if err != nil {
		return out, fmt.Errorf("revoke tokens: %w", err)
	}
	out.Tokens, _ = res.RowsAffected()
	return out, nil
}

// ChangePassword sets user's own new password hash and ends their other sessions (the one of
// keepToken stays; their API tokens stay too, theirs to revoke).
func (s *Store) ChangePassword(ctx context.Context, a Actor, user int64, hash, keepToken string) error {
	return s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE users SET password_hash = ? WHERE id = ?`), hash, user)
		if err != nil {
			return fmt.Errorf("change password: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound(sql.ErrNoRows, "change password")
		}
		keep := ""
		if keepToken != "" {
			keep = HashToken(keepToken)
		}
		ended, err := s.endCredentials(ctx, tx, user, keep, false)
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, a, Change{Kind: "user", RecordID: &user, Action: "password_change", After: ended})
	})
}
