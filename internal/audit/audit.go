// Package audit owns the hash chains of Lisa's append-only audit trail: how an entry's hash
// is computed from its fields and its predecessor's hash, and how a chain is verified.
//
// Each municipality has its own chain (Chain = its id), and system-wide events (logins,
// accounts) have one (Chain = 0), so that a municipality's auditor verifies their trail
// without learning anything of other municipalities'. An entry's place in its chain is Seq
// (1, 2, …). Entries written before the chains were split (Seq nil) form the legacy chain,
// linked by their ids; the system chain's first entry links to its head.
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
	Chain          *int64 `db:"chain" json:"chain"`   // the municipality's id, 0 for system events; nil: legacy
	Seq            *int64 `db:"chain_seq" json:"seq"` // the place in the chain, from 1; nil: legacy
}

// ChainOf is the chain an entry of municipality mun goes to (nil: the system chain, 0).
func ChainOf(mun *int64) int64 {
	if mun == nil {
		return 0
	}
	return *mun
}

// pos is the entry's place in its chain: Seq, or the id in the legacy chain.
func (e Entry) pos() int64 {
	if e.Seq != nil {
		return *e.Seq
	}
	return e.ID
}

// Genesis is the previous hash of the first entry.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// The actions recorded.
const (
	ActionCreate         = "create"
	ActionUpdate         = "update"
	ActionDelete         = "delete"
	ActionReview         = "review"
	ActionClassify       = "classify"        // an information set classified
	ActionLevelOverride  = "level_override"  // a system's inherited levels overridden
	ActionReclassify     = "reclassify_mark" // an asset marked for re-classification
	ActionComment        = "comment"
	ActionIncidentReport = "incident_report" // a report to an authority recorded
	ActionIncidentNote   = "incident_note"   // a note on an incident's timeline
	ActionEvidence       = "evidence_add"
	ActionEvidenceDel    = "evidence_delete"
	ActionEvidenceGet    = "evidence_download" // who read which evidence file
	ActionRoleGrant      = "role_grant"
	ActionRoleRevoke     = "role_revoke"
	ActionLogin          = "login"
	ActionLoginFailed    = "login_failed"
	ActionLoginThrottled = "login_throttled" // one entry per burst of refused attempts
	ActionLogout         = "logout"
	ActionTokenCreate    = "token_create"
)

// ComputeHash returns the SHA-256 over the entry's fields and its PrevHash. The id is
// included so that renumbering or reordering rows breaks the chain; in a chain (Seq set) the
// chain and the place in it are hashed too, so that moving an entry to another chain or place
// breaks it.
func ComputeHash(e Entry) string {
	fields := []string{
		strconv.FormatInt(e.ID, 10), e.At, optInt(e.ActorID), e.Actor, optInt(e.MunicipalityID),
		e.Kind, optInt(e.RecordID), e.Action, e.Before, e.After, e.IP, e.PrevHash,
	}
	if e.Seq != nil {
		fields = append([]string{"v2", optInt(e.Chain), optInt(e.Seq)}, fields...)
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

// Anchor is an entry's place and hash written down outside the database (an auditor's note,
// a report, a mail). A chain alone cannot tell that its newest entries were cut off or that
// it was rewritten from some point on; an anchor can: the entry must still be there with the
// same hash. Chain is the municipality's id (0: system events) and ID the entry's Seq in it;
// with Legacy, ID is the id of an entry of the legacy chain.
type Anchor struct {
	Chain  int64
	ID     int64
	Hash   string
	Legacy bool
}

// String is the anchor as lisa audit verify prints it: CHAIN/SEQ:HASH (legacy: ID:HASH).
func (a Anchor) String() string {
	if a.Legacy {
		return strconv.FormatInt(a.ID, 10) + ":" + a.Hash
	}
	return strconv.FormatInt(a.Chain, 10) + "/" + strconv.FormatInt(a.ID, 10) + ":" + a.Hash
}

// ParseAnchor reads "CHAIN/SEQ:HASH" (or a legacy "ID:HASH") as `lisa audit verify` prints it.
func ParseAnchor(s string) (Anchor, error) {
	place, hash, ok := strings.Cut(strings.TrimSpace(s), ":")
	a := Anchor{Legacy: true, Hash: strings.ToLower(hash)}
	if c, seq, isChain := strings.Cut(place, "/"); isChain {
		n, err := strconv.ParseInt(c, 10, 64)
		if err != nil || n < 0 {
			ok = false
		}
		a.Chain, a.Legacy, place = n, false, seq
	}
	n, err := strconv.ParseInt(place, 10, 64)
	if !ok || err != nil || n <= 0 || len(hash) != 64 || strings.Trim(a.Hash, "0123456789abcdef") != "" {
		return Anchor{}, fmt.Errorf("anchor %q: want CHAIN/SEQ:HASH as printed by lisa audit verify", s)
	}
	a.ID = n
	return a, nil
}

// Verifier checks the entries of one chain one at a time, in order.
type Verifier struct {
	prevID   int64 // the place (Seq, or the id in the legacy chain) of the last entry
	prevHash string
	chain    *int64 // the chain checked; nil: the legacy chain
	Count    int
	// Anchor, when set, must be met on the way: the entry at its place has its hash.
	Anchor *Anchor
}

// Head is the newest entry verified: what to write down as the next anchor.
func (v *Verifier) Head() Anchor {
	if v.chain == nil {
		return Anchor{ID: v.prevID, Hash: v.prevHash, Legacy: true}
	}
	return Anchor{Chain: *v.chain, ID: v.prevID, Hash: v.prevHash}
}

// Finish reports an anchor that was never reached: the chain was cut off before it.
func (v *Verifier) Finish() error {
	if v.Anchor != nil && v.prevID < v.Anchor.ID {
		return &BrokenError{ID: v.prevID + 1, Reason: fmt.Sprintf("entries up to the anchor %s are missing (the chain ends at %d)", v.Anchor, v.prevID)}
	}
	return nil
}

// NewVerifier starts a verification at the beginning of the legacy chain.
func NewVerifier() *Verifier { return &Verifier{prevHash: Genesis} }

// NewChainVerifier starts a verification of chain at its beginning, whose first entry links
// to prevHash (Genesis; the system chain's to the legacy chain's head).
func NewChainVerifier(chain int64, prevHash string) *Verifier {
	return &Verifier{prevHash: prevHash, chain: &chain}
}

// Next checks e against its predecessor; it returns a *BrokenError at the first break.
func (v *Verifier) Next(e Entry) error {
	switch {
	case v.chain == nil && e.Seq != nil, v.chain != nil && (e.Seq == nil || e.Chain == nil || *e.Chain != *v.chain):
		return &BrokenError{ID: e.ID, Reason: "entry of another chain"}
	case v.chain != nil && *v.chain != ChainOf(e.MunicipalityID):
		return &BrokenError{ID: e.ID, Reason: "entry of another municipality in this chain"}
	}
	if e.pos() != v.prevID+1 {
		if v.chain == nil {
			return &BrokenError{ID: v.prevID + 1, Reason: fmt.Sprintf("entry missing (next present is %d)", e.ID)}
		}
		return &BrokenError{ID: e.ID, Reason: fmt.Sprintf("entry %d of chain %d missing (next present is %d)", v.prevID+1, *v.chain, e.pos())}
	}
	if e.PrevHash != v.prevHash {
		return &BrokenError{ID: e.ID, Reason: "previous hash does not match (an earlier entry was changed or removed)"}
	}
	if ComputeHash(e) != e.Hash {
		return &BrokenError{ID: e.ID, Reason: "content does not match its hash (entry was changed)"}
	}
	if v.Anchor != nil && e.pos() == v.Anchor.ID && e.Hash != v.Anchor.Hash {
		return &BrokenError{ID: e.ID, Reason: "hash differs from the anchor (the chain was rewritten up to here)"}
	}
	v.prevID, v.prevHash = e.pos(), e.Hash
	v.Count++
	return nil
}
