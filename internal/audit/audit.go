// Package audit owns the hash chain of Lisa's append-only audit trail: how an entry's hash is
// computed from its fields and its predecessor's hash, and how a chain is verified.
package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Entry is one row of the audit trail.
type Entry struct {
	ID             int64  `db:"id" json:"id"`
	At             string `db:"at" json:"at"` // RFC 3339 UTC with nanoseconds, hashed as stored
	ActorID        *int64 `db:"actor_id" json:"actor_id"`
	Actor          string `db:"actor" json:"actor"`
	MunicipalityID *int64 `db:"municipality_id" json:"municipality_id"`
	Kind           string `db:"kind" json:"kind"`
	RecordID       *int64 `db:"record_id" json:"record_id"`
	Action         string `db:"action" json:"action"`
	Before         string `db:"before_json" json:"before"`
	After          string `db:"after_json" json:"after"`
	IP             string `db:"ip" json:"ip"`
	PrevHash       string `db:"prev_hash" json:"prev_hash"`
	Hash           string `db:"hash" json:"hash"`
}

// Genesis is the previous hash of the first entry.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// The actions recorded.
const (
	ActionCreate      = "create"
	ActionUpdate      = "update"
	ActionDelete      = "delete"
	ActionReview      = "review"
	ActionComment     = "comment"
	ActionEvidence    = "evidence_add"
	ActionEvidenceDel = "evidence_delete"
	ActionEvidenceGet = "evidence_download" // who read which evidence file
	ActionRoleGrant   = "role_grant"
	ActionRoleRevoke  = "role_revoke"
	ActionLogin       = "login"
	ActionLoginFailed = "login_failed"
	ActionLogout      = "logout"
	ActionTokenCreate = "token_create"
)

// ComputeHash returns the SHA-256 over the entry's fields (all but ID-independent hash) and
// its PrevHash. The ID is included so that reordering rows breaks the chain.
func ComputeHash(e Entry) string {
	fields := []string{
		strconv.FormatInt(e.ID, 10), e.At, optInt(e.ActorID), e.Actor, optInt(e.MunicipalityID),
		e.Kind, optInt(e.RecordID), e.Action, e.Before, e.After, e.IP, e.PrevHash,
	}
	b, _ := json.Marshal(fields) // a JSON array of strings is an unambiguous encoding
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func optInt(p *int64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatInt(*p, 10)
}

// Snapshot renders v as the JSON stored in Before/After; nil becomes "".
func Snapshot(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%q", fmt.Sprint(v))
	}
	return string(b)
}

// BrokenError names the first entry where the chain does not hold.
type BrokenError struct {
	ID     int64
	Reason string
}

func (e *BrokenError) Error() string {
	return fmt.Sprintf("audit chain broken at entry %d: %s", e.ID, e.Reason)
}

// Anchor is an entry's id and hash written down outside the database (an auditor's note, a
// report, a mail). The chain alone cannot tell that its newest entries were cut off or that
// it was rewritten from some point on; an anchor can: the entry must still be there with
// the same hash.
type Anchor struct {
	ID   int64
	Hash string
}

func (a Anchor) String() string { return strconv.FormatInt(a.ID, 10) + ":" + a.Hash }

// ParseAnchor reads "ID:HASH" as `lisa audit verify` prints it.
func ParseAnchor(s string) (Anchor, error) {
	id, hash, ok := strings.Cut(strings.TrimSpace(s), ":")
	n, err := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil || n <= 0 || len(hash) != 64 {
		return Anchor{}, fmt.Errorf("anchor %q: want ID:HASH as printed by lisa audit verify", s)
	}
	return Anchor{ID: n, Hash: strings.ToLower(hash)}, nil
}

// Verifier checks entries one at a time, in id order.
type Verifier struct {
	prevID   int64
	prevHash string
	Count    int
	// Anchor, when set, must be met on the way: the entry with its id has its hash.
	Anchor *Anchor
}

// Head is the newest entry verified: what to write down as the next anchor.
func (v *Verifier) Head() Anchor { return Anchor{ID: v.prevID, Hash: v.prevHash} }

// Finish reports an anchor that was never reached: the chain was cut off before it.
func (v *Verifier) Finish() error {
	if v.Anchor != nil && v.prevID < v.Anchor.ID {
		return &BrokenError{ID: v.prevID + 1, Reason: fmt.Sprintf("entries up to the anchor %d are missing (the chain ends at %d)", v.Anchor.ID, v.prevID)}
	}
	return nil
}

// NewVerifier starts a verification at the beginning of the chain.
func NewVerifier() *Verifier { return &Verifier{prevHash: Genesis} }

// Next checks e against its predecessor; it returns a *BrokenError at the first break.
func (v *Verifier) Next(e Entry) error {
	if e.ID != v.prevID+1 {
		return &BrokenError{ID: v.prevID + 1, Reason: fmt.Sprintf("entry missing (next present is %d)", e.ID)}
	}
	if e.PrevHash != v.prevHash {
		return &BrokenError{ID: e.ID, Reason: "previous hash does not match (an earlier entry was changed or removed)"}
	}
	if ComputeHash(e) != e.Hash {
		return &BrokenError{ID: e.ID, Reason: "content does not match its hash (entry was changed)"}
	}
	if v.Anchor != nil && e.ID == v.Anchor.ID && e.Hash != v.Anchor.Hash {
		return &BrokenError{ID: e.ID, Reason: "hash differs from the anchor (the chain was rewritten up to here)"}
	}
	v.prevID, v.prevHash = e.ID, e.Hash
	v.Count++
	return nil
}
