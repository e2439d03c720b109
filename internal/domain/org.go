package domain

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Municipality is one kommun: the tenant every ISMS record belongs to.
type Municipality struct {
	ID        int64     `db:"id" json:"id"`
	Name      string    `db:"name" json:"name"`
	OrgNumber string    `db:"org_number" json:"org_number"`
	CreatedAt time.Time `db:"created_at" json:"created_at"`
}

// OrgUnitKind is the kind of an org unit.
type OrgUnitKind string

// The kinds of org units in a Swedish municipality.
const (
	UnitKommunstyrelse OrgUnitKind = "kommunstyrelse"
	UnitNamnd          OrgUnitKind = "namnd"
	UnitForvaltning    OrgUnitKind = "forvaltning"
	UnitBolag          OrgUnitKind = "bolag"
	UnitEnhet          OrgUnitKind = "enhet"
)

// OrgUnitKinds lists the valid kinds in display order.
var OrgUnitKinds = []OrgUnitKind{UnitKommunstyrelse, UnitNamnd, UnitForvaltning, UnitBolag, UnitEnhet}

// Valid reports whether k is a known kind.
func (k OrgUnitKind) Valid() bool { return oneOf(k, OrgUnitKinds) }

// OrgUnit is a node in a municipality's organisation: kommunstyrelse, nämnd, förvaltning, bolag.
type OrgUnit struct {
	ID             int64       `db:"id" json:"id"`
	MunicipalityID int64       `db:"municipality_id" json:"municipality_id"`
	Name           string      `db:"name" json:"name"`
	Kind           OrgUnitKind `db:"kind" json:"kind"`
	ParentID       *int64      `db:"parent_id" json:"parent_id"`
}

// Role is what a person may do in one municipality.
type Role string

// The roles. Admin is global; every other role is held in one municipality.
const (
	RoleAdmin            Role = "admin"
	RoleCoordinator      Role = "coordinator"
	RoleInformationOwner Role = "information_owner"
	RoleManagement       Role = "management"
	RoleAuditor          Role = "auditor"
	RoleStaff            Role = "staff"
)

// MunicipalRoles are the roles held per municipality, in display order.
var MunicipalRoles = []Role{RoleCoordinator, RoleInformationOwner, RoleManagement, RoleAuditor, RoleStaff}

// Valid reports whether r is a role that can be assigned in a municipality.
func (r Role) Valid() bool { return oneOf(r, MunicipalRoles) }

// User is a person (or integration) that logs in.
type User struct {
	ID           int64     `db:"id" json:"id"`
	Username     string    `db:"username" json:"username"`
	Name         string    `db:"name" json:"name"`
	Email        string    `db:"email" json:"email,omitempty"`
	PasswordHash string    `db:"password_hash" json:"-"`
	IsAdmin      bool      `db:"is_admin" json:"is_admin"`
	Disabled     bool      `db:"disabled" json:"disabled"`
	CreatedAt    time.Time `db:"created_at" json:"-"`
}

// APIToken is a bearer token of a user for the API (its secret is shown once and stored only
// as a hash): named, dated, expiring, revocable.
type APIToken struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"-"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"` // to within a minute; null: never used
	ExpiresAt  time.Time  `json:"expires_at"`
}

// RoleAssignment gives a user a role in one municipality; for information owners also the
// org units they own.
type RoleAssignment struct {
	ID             int64   `db:"id" json:"-"`
	UserID         int64   `db:"user_id" json:"-"`
	MunicipalityID int64   `db:"municipality_id" json:"municipality_id"`
	Role           Role    `db:"role" json:"role"`
	OrgUnitIDs     []int64 `db:"-" json:"org_unit_ids"`
}

// ValidateUsername checks a login name: 2–64 characters, letters, digits and . _ - @ only.
func ValidateUsername(p Problems, field, s string) {
	switch {
	case s == "":
		p.Add(field, "err.required")
	case utf8.RuneCountInString(s) < 2 || utf8.RuneCountInString(s) > 64:
		p.Add(field, "err.username_length")
	default:
		for _, r := range s {
			if !(unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("._-@", r)) {
				p.Add(field, "err.username_chars")
				return
			}
		}
	}
}

// ValidateText checks a required or optional single-line text of at most max characters,
// with no control characters.
func ValidateText(p Problems, field, s string, required bool, max int) {
	validateText(p, field, s, required, max, false)
}

// ValidateLongText checks multi-line text: newlines and tabs allowed, other control characters not.
func ValidateLongText(p Problems, field, s string, required bool, max int) {
	validateText(p, field, s, required, max, true)
}

func validateText(p Problems, field, s string, required bool, max int, multiline bool) {
	switch {
	case strings.TrimSpace(s) == "":
		if required {
			p.Add(field, "err.required")
		}
		return
	case !utf8.ValidString(s):
		p.Add(field, "err.control_chars")
		return
	case utf8.RuneCountInString(s) > max:
		p.Add(field, "err.too_long")
		return
	}
	for _, r := range s {
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t')) || unicode.Is(unicode.Bidi_Control, r) {
			p.Add(field, "err.control_chars")
			return
		}
	}
}

func oneOf[T comparable](v T, all []T) bool {
	for _, a := range all {
		if a == v {
			return true
		}
	}
	return false
}
