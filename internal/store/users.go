package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/lisa-isms/lisa/internal/domain"
)

// CreateUser adds an account. Returns EConflict when the username is taken.
func (s *Store) CreateUser(ctx context.Context, a Actor, u *domain.User) error {
	u.CreatedAt = s.now()
	return s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &u.ID, tx.Rebind(`INSERT INTO users (username, name, email, password_hash, is_admin, disabled, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`), u.Username, u.Name, u.Email, u.PasswordHash, u.IsAdmin, u.Disabled, u.CreatedAt)
		if s.isUniqueViolation(err) {
			return &domain.Error{Code: domain.EConflict, Message: "err.conflict", Fields: map[string]string{"username": "err.taken"}}
		}
		if err != nil {
			return fmt.Errorf("insert user: %w", err)
		}
		return s.appendAudit(ctx, tx, a, Change{Kind: "user", RecordID: &u.ID, Action: "create", After: u})
	})
}

// UpdateUser changes name, email, admin flag and disabled flag (and the password hash when
// not empty). Returns ENotFound.
func (s *Store) UpdateUser(ctx context.Context, a Actor, u *domain.User) error {
	want := *u
	got, err := s.UpdateUserWith(ctx, a, u.ID, func(domain.User) (domain.User, error) { return want, nil })
	*u = got
	return err
}

// UpdateUserWith changes account id to what merge makes of it as stored, in one transaction
// (two administrators' changes do not undo each other). Returns ENotFound and merge's error.
func (s *Store) UpdateUserWith(ctx context.Context, a Actor, id int64, merge func(old domain.User) (domain.User, error)) (domain.User, error) {
	var u domain.User
	err := s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		var old domain.User
		if err := tx.GetContext(ctx, &old, tx.Rebind(`SELECT * FROM users WHERE id = ?`), id); err != nil {
			return notFound(err, "get user")
		}
		var err error
		if u, err = merge(old); err != nil {
			return err
		}
		u.ID = id
		hash := old.PasswordHash
		if u.PasswordHash != "" {
			hash = u.PasswordHash
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE users SET name = ?, email = ?, is_admin = ?, disabled = ?, password_hash = ? WHERE id = ?`),
			u.Name, u.Email, u.IsAdmin, u.Disabled, hash, u.ID); err != nil {
			return fmt.Errorf("update user: %w", err)
		}
		if old.Disabled && !u.Disabled {
			// Reminders the planner passed over while the owner was disabled come now.
			today := s.Today()
			if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE records SET remind_at = ? WHERE owner_id = ? AND remind_at > ?`), today, u.ID, today); err != nil {
				return fmt.Errorf("replan the owner's reminders: %w", err)
			}
		}
		reset := u.PasswordHash != ""
		u.Username, u.CreatedAt = old.Username, old.CreatedAt
		if old.Name != u.Name || old.Email != u.Email || old.IsAdmin != u.IsAdmin || old.Disabled != u.Disabled {
			if err := s.appendAudit(ctx, tx, a, Change{Kind: "user", RecordID: &u.ID, Action: "update", Before: old, After: u}); err != nil {
				return err
			}
		}
		if reset || u.Disabled && !old.Disabled {
			// Whoever held the old password, a session or a token is out.
			ended, err := s.endCredentials(ctx, tx, u.ID, "", true)
			if err != nil {
				return err
			}
			if reset { // the entry says that it happened and what it ended, never the hash
				return s.appendAudit(ctx, tx, a, Change{Kind: "user", RecordID: &u.ID, Action: "password_reset", After: ended})
			}
			return s.appendAudit(ctx, tx, a, Change{Kind: "user", RecordID: &u.ID, Action: "credentials_end", After: ended})
		}
		return nil
	})
	return u, err
}

// GetUser returns one user. Returns ENotFound.
func (s *Store) GetUser(ctx context.Context, id int64) (domain.User, error) {
	var u domain.User
	err := s.db(ctx).GetContext(ctx, &u, s.rebind(`SELECT * FROM users WHERE id = ?`), id)
	return u, notFound(err, "get user")
}

// GetUserByUsername returns one user. Returns ENotFound.
func (s *Store) GetUserByUsername(ctx context.Context, username string) (domain.User, error) {
	var u domain.User
	err := s.db(ctx).GetContext(ctx, &u, s.rebind(`SELECT * FROM users WHERE username = ?`), username)
	return u, notFound(err, "get user")
}

// ListUsers returns every user (for administrators) ordered by name.
func (s *Store) ListUsers(ctx context.Context) ([]domain.User, error) {
	out := []domain.User{}
	if err := s.db(ctx).SelectContext(ctx, &out, `SELECT * FROM users ORDER BY name, username`); err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return out, nil
}

// ListMembers returns the users holding any role in mun, ordered by name.
func (s *Store) ListMembers(ctx context.Context, mun int64) ([]domain.User, error) {
	out := []domain.User{}
	err := s.db(ctx).SelectContext(ctx, &out, s.rebind(`SELECT * FROM users WHERE id IN
		(SELECT user_id FROM role_assignments WHERE municipality_id = ?) ORDER BY name, username`), mun)
	if err != nil {
		return nil, fmt.Errorf("list members: %w", err)
	}
	return out, nil
}

// IsMember reports whether user holds any role in mun.
func (s *Store) IsMember(ctx context.Context, mun, user int64) (bool, error) {
	var n int
	err := s.db(ctx).GetContext(ctx, &n, s.rebind(`SELECT COUNT(*) FROM role_assignments WHERE municipality_id = ? AND user_id = ?`), mun, user)
	if err != nil {
		return false, fmt.Errorf("check member: %w", err)
	}
	return n > 0, nil
}

// Assignments returns every role a user holds, with the org units of each.
func (s *Store) Assignments(ctx context.Context, user int64) ([]domain.RoleAssignment, error) {
	out := []domain.RoleAssignment{}
	if err := s.db(ctx).SelectContext(ctx, &out, s.rebind(`SELECT * FROM role_assignments WHERE user_id = ? ORDER BY municipality_id, role`), user); err != nil {
		return nil, fmt.Errorf("list roles: %w", err)
	}
	var units []struct {
		AssignmentID int64 `db:"assignment_id"`
		OrgUnitID    int64 `db:"org_unit_id"`
	}
	err := s.db(ctx).SelectContext(ctx, &units, s.rebind(`SELECT ru.assignment_id, ru.org_unit_id FROM role_assignment_units ru
		JOIN role_assignments ra ON ra.id = ru.assignment_id WHERE ra.user_id = ? ORDER BY ru.org_unit_id`), user)
	if err != nil {
		return nil, fmt.Errorf("list role units: %w", err)
	}
	for i := range out {
		out[i].OrgUnitIDs = []int64{}
		for _, u := range units {
			if u.AssignmentID == out[i].ID {
				out[i].OrgUnitIDs = append(out[i].OrgUnitIDs, u.OrgUnitID)
			}
		}
	}
	return out, nil
}

// GrantRole gives user a role in a municipality (replacing the org units when it already
// holds it). The org units must belong to the municipality. Returns EInvalid, ENotFound.
func (s *Store) GrantRole(ctx context.Context, a Actor, ra domain.RoleAssignment) error {
	if ok, err := s.UnitsExist(ctx, ra.MunicipalityID, ra.OrgUnitIDs); err != nil {
		return err
	} else if !ok {
		return &domain.Error{Code: domain.EInvalid, Message: "err.invalid", Fields: map[string]string{"org_unit_ids": "err.unknown_unit"}}
	}
	return s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		var n int
		if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT COUNT(*) FROM users WHERE id = ?`), ra.UserID); err != nil {
			return fmt.Errorf("find user: %w", err)
		} else if n == 0 {
			return domain.NotFound()
		}
		var id int64
		err := tx.GetContext(ctx, &id, tx.Rebind(`SELECT id FROM role_assignments WHERE user_id = ? AND municipality_id = ? AND role = ?`), ra.UserID, ra.MunicipalityID, ra.Role)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("find role: %w", err)
		}
		if err != nil {
			if err := tx.GetContext(ctx, &id, tx.Rebind(`INSERT INTO role_assignments (user_id, municipality_id, role) VALUES (?, ?, ?) RETURNING id`), ra.UserID, ra.MunicipalityID, ra.Role); err != nil {
				return fmt.Errorf("insert role: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM role_assignment_units WHERE assignment_id = ?`), id); err != nil {
			return fmt.Errorf("clear role units: %w", err)
		}
		for _, u := range ra.OrgUnitIDs {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO role_assignment_units (assignment_id, org_unit_id) VALUES (?, ?)`), id, u); err != nil {
				return fmt.Errorf("insert role unit: %w", err)
			}
		}
		ra.ID = id
		return s.appendAudit(ctx, tx, a, Change{MunicipalityID: &ra.MunicipalityID, Kind: "user", RecordID: &ra.UserID, Action: "role_grant", After: ra})
	})
}

// RevokeRole removes a role from a user in a municipality. Returns ENotFound.
func (s *Store) RevokeRole(ctx context.Context, a Actor, user, mun int64, role domain.Role) error {
	return s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM role_assignments WHERE user_id = ? AND municipality_id = ? AND role = ?`), user, mun, role)
		if err != nil {
			return fmt.Errorf("delete role: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return domain.NotFound()
		}
		return s.appendAudit(ctx, tx, a, Change{MunicipalityID: &mun, Kind: "user", RecordID: &user, Action: "role_revoke",
			Before: domain.RoleAssignment{UserID: user, MunicipalityID: mun, Role: role}})
	})
}

// HashToken returns the hex SHA-256 under which session ids and API tokens are stored,
// so a copy of the database gives no usable credentials.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Session is a logged-in browser or API client.
type Session struct {
	TokenHash string    `db:"token_hash"`
	UserID    int64     `db:"user_id"`
	CSRFToken string    `db:"csrf_token"`
	CreatedAt time.Time `db:"created_at"`
	ExpiresAt time.Time `db:"expires_at"`
	// LastSeenAt is when the session was last used, to within TouchEvery (nil: not since
	// it was created).
	LastSeenAt *time.Time `db:"last_seen_at"`
}

// Seen is when the session was last used, to within TouchEvery.
func (ss Session) Seen() time.Time {
	if ss.LastSeenAt != nil {
		return *ss.LastSeenAt
	}
	return ss.CreatedAt
}

// CreateSession stores a new session for token.
func (s *Store) CreateSession(ctx context.Context, token, csrf string, user int64, ttl time.Duration) (Session, error) {
	now := s.now()
	ss := Session{TokenHash: HashToken(token), UserID: user, CSRFToken: csrf, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	err := s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		_, err := tx.NamedExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at)
			VALUES (:token_hash, :user_id, :csrf_token, :created_at, :expires_at)`, ss)
		if err != nil {
			return fmt.Errorf("insert session: %w", err)
		}
		_, err = tx.ExecContext(ctx, tx.Rebind(`DELETE FROM sessions WHERE expires_at < ?`), now)
		return err
	})
	return ss, err
}

// LoginAddressRetention is how long an address an account logged in from is remembered.
const LoginAddressRetention = 90 * 24 * time.Hour

// RememberLoginAddress records that user logged in from ip now (and forgets addresses not
// used for LoginAddressRetention).
func (s *Store) RememberLoginAddress(ctx context.Context, user int64, ip string) error {
	now := s.now()
	return s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO login_addresses (user_id, ip, last_at) VALUES (?, ?, ?)
			ON CONFLICT (user_id, ip) DO UPDATE SET last_at = excluded.last_at`), user, ip, now); err != nil {
			return fmt.Errorf("remember login address: %w", err)
		}
		_, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM login_addresses WHERE last_at < ?`), now.Add(-LoginAddressRetention))
		return err
	})
}

// LoginAddress is an address an account (by its username) logged in from, and when last.
type LoginAddress struct {
	Username string    `db:"username"`
	IP       string    `db:"ip"`
	LastAt   time.Time `db:"last_at"`
}

// LoginAddresses are the addresses of logins within LoginAddressRetention, of enabled accounts.
func (s *Store) LoginAddresses(ctx context.Context) ([]LoginAddress, error) {
	var out []LoginAddress
	err := s.db(ctx).SelectContext(ctx, &out, s.rebind(`SELECT u.username, l.ip, l.last_at FROM login_addresses l
		JOIN users u ON u.id = l.user_id WHERE l.last_at >= ? AND u.disabled = ?`), s.now().Add(-LoginAddressRetention), false)
	if err != nil {
		return nil, fmt.Errorf("login addresses: %w", err)
	}
	return out, nil
}

// GetSession returns the live session for token. Returns ENotFound (also when expired).
func (s *Store) GetSession(ctx context.Context, token string) (Session, error) {
	var ss Session
	err := s.db(ctx).GetContext(ctx, &ss, s.rebind(`SELECT * FROM sessions WHERE token_hash = ? AND expires_at > ?`), HashToken(token), s.now())
	return ss, notFound(err, "get session")
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	return s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM sessions WHERE token_hash = ?`), HashToken(token))
		return err
	})
}

// MemberNames returns the names of those of ids who hold a role in mun.
func (s *Store) MemberNames(ctx context.Context, mun int64, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	return s.namesByID(ctx, "member names", `SELECT u.id, u.name AS title FROM users u WHERE u.id IN (?)
		AND EXISTS (SELECT 1 FROM role_assignments ra WHERE ra.user_id = u.id AND ra.municipality_id = ?)`, ids, mun)
}

// namesByID runs q (selecting id and title, with IN (?) lists) and maps the ids to the titles.
func (s *Store) namesByID(ctx context.Context, what, q string, args ...any) (map[int64]string, error) {
	query, a, err := s.in(q, args...)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		ID    int64  `db:"id"`
		Title string `db:"title"`
	}
	if err := s.db(ctx).SelectContext(ctx, &rows, query, a...); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	out := make(map[int64]string, len(rows))
	for _, r := range rows {
		out[r.ID] = r.Title
	}
	return out, nil
}

// ListOwnerCandidates returns the people who may be chosen to own records of mun — those
// holding one of roles there — plus the user include (the current owner, 0 for none), by
// name: the owner pickers, without the staff of a large municipality. Only ID, Username,
// Name and Email are read.
func (s *Store) ListOwnerCandidates(ctx context.Context, mun int64, roles []domain.Role, include int64) ([]domain.User, error) {
	out := []domain.User{}
	q, args, err := s.in(`SELECT u.id, u.username, u.name, u.email FROM users u
		WHERE u.id IN (SELECT user_id FROM role_assignments WHERE municipality_id = ? AND role IN (?))
		OR u.id = ? AND u.id IN (SELECT user_id FROM role_assignments WHERE municipality_id = ?) ORDER BY u.name, u.username`, mun, roles, include, mun)
	if err != nil {
		return nil, err
	}
	if err := s.db(ctx).SelectContext(ctx, &out, q, args...); err != nil {
		return nil, fmt.Errorf("list owner candidates: %w", err)
	}
	return out, nil
}
