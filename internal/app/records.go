package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gabriel-vasile/mimetype"

	"github.com/lisa-isms/lisa/internal/audit"
	"github.com/lisa-isms/lisa/internal/authz"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// These services work on the tracked-record core of any kind: reviews, comments, evidence,
// history, and the review list across kinds.

// RecordID resolves the record of kind that URLs name key (its id, or its ref for kinds
// addressed by ref) in mun. Returns ENotFound; and EForbidden when the caller may read no
// record of a kind addressed by ref: a ref such as control id 5.24 is public (every
// municipality's statement has that row), so refusing reveals nothing, while a record id
// answers "not found" whenever the caller may not read that record.
func (a *App) RecordID(ctx context.Context, c Caller, mun int64, kind domain.Kind, key string) (int64, error) {
	if err := a.member(c, mun); err != nil {
		return 0, err
	}
	spec, ok := domain.SpecOf(kind)
	if !ok {
		return 0, domain.NotFound()
	}
	if spec.ByRef && !a.az.CanSome(c.P, mun, authz.ObjectOf(kind), authz.Read) {
		return 0, domain.Forbidden()
	}
	r, err := a.db.RecordByKey(ctx, mun, kind, key)
	if err != nil {
		return 0, err
	}
	if !a.az.Can(c.P, mun, authz.ObjectOf(kind), authz.Read, target(r)) {
		return 0, domain.NotFound()
	}
	return r.ID, nil
}

// RecordPath returns the page of a readable record of mun of any kind (the links of the
// cross-kind review lists). Returns ENotFound.
func (a *App) RecordPath(ctx context.Context, c Caller, mun, id int64) (string, error) {
	if err := a.member(c, mun); err != nil {
		return "", err
	}
	r, err := a.db.GetRecordAnyKind(ctx, mun, id)
	if err != nil {
		return "", err
	}
	if !a.az.Can(c.P, mun, authz.ObjectOf(r.Kind), authz.Read, target(r)) || r.Path() == "" {
		return "", domain.NotFound()
	}
	return r.Path(), nil
}

// record returns the core of a record the caller may read. Returns ENotFound.
func (a *App) record(ctx context.Context, c Caller, mun int64, kind domain.Kind, id int64) (domain.Record, error) {
	if err := a.member(c, mun); err != nil {
		return domain.Record{}, err
	}
	r, err := a.db.GetRecord(ctx, mun, kind, id)
	if err != nil {
		return r, err
	}
	if err := a.readable(c, r); err != nil {
		return domain.Record{}, err
	}
	return r, nil
}

// readable is nil when the caller may read record r under its kind's permissions (as read:
// its unit, owner and status), else ENotFound.
func (a *App) readable(c Caller, r domain.Record) error {
	if err := a.member(c, r.MunicipalityID); err != nil {
		return err
	}
	if !a.az.Can(c.P, r.MunicipalityID, authz.ObjectOf(r.Kind), authz.Read, target(r)) {
		return domain.NotFound()
	}
	return nil
}

// AnyRecord returns the core of record id of mun, whatever its kind, when the caller may read
// it under its kind's permissions. Returns ENotFound.
func (a *App) AnyRecord(ctx context.Context, c Caller, mun, id int64) (domain.Record, error) {
	if err := a.member(c, mun); err != nil {
		return domain.Record{}, err
	}
	r, err := a.db.GetRecordAnyKind(ctx, mun, id)
	if err != nil {
		return r, err
	}
	if !a.az.Can(c.P, mun, authz.ObjectOf(r.Kind), authz.Read, target(r)) {
		return domain.Record{}, domain.NotFound()
	}
	return r, nil
}

// ReviewInput is a "mark as reviewed".
type ReviewInput struct {
	ReviewedAt   *string `json:"reviewed_at" form:"reviewed_at"`
	NextReviewAt *string `json:"next_review_at" form:"next_review_at"`
	Comment      *string `json:"comment" form:"comment"`
}

// MarkReviewed records that the caller reviewed a record today (or on reviewed_at), and sets
// its next review date one interval later (or to next_review_at). Returns ENotFound,
// EForbidden, EInvalid.
func (a *App) MarkReviewed(ctx context.Context, c Caller, mun int64, kind domain.Kind, id int64, in ReviewInput) (domain.Record, error) {
	if err := a.member(c, mun); err != nil {
		return domain.Record{}, err
	}
	today := a.Today()
	p := domain.Problems{}
	rv := domain.Review{ReviewedBy: c.P.User.ID, ReviewedAt: today}
	if in.ReviewedAt != nil && strings.TrimSpace(*in.ReviewedAt) != "" {
		d, err := domain.ParseDate(strings.TrimSpace(*in.ReviewedAt))
		switch {
		case err != nil:
			p.Add("reviewed_at", "err.date")
		case d.After(today):
			p.Add("reviewed_at", "err.date_future")
		default:
			rv.ReviewedAt = d
		}
	}
	var next *domain.Date
	if in.NextReviewAt != nil && strings.TrimSpace(*in.NextReviewAt) != "" {
		d, err := domain.ParseDate(strings.TrimSpace(*in.NextReviewAt))
		if err != nil {
			p.Add("next_review_at", "err.date")
		} else if !d.After(rv.ReviewedAt) {
			p.Add("next_review_at", "err.next_after_review")
		}
		next = &d
	}
	if in.Comment != nil {
		domain.ValidateLongText(p, "comment", *in.Comment, false, 2000)
		rv.Comment = strings.TrimSpace(*in.Comment)
	}
	var out domain.Record
	err := a.db.MarkReviewed(ctx, c.actor(), mun, kind, id, &rv, func(_ context.Context, r *domain.Record) error {
		if !a.az.Can(c.P, mun, authz.ObjectOf(kind), authz.Read, target(*r)) {
			return domain.NotFound()
		}
		if !a.az.Can(c.P, mun, authz.ObjectOf(kind), authz.Review, target(*r)) {
			return domain.Forbidden()
		}
		if err := p.Err(); err != nil {
			return err
		}
		domain.ApplyReview(r, &rv, next)
		out = *r
		return nil
	})
	return out, err
}

// Reviews returns a readable record's reviews. Returns ENotFound.
func (a *App) Reviews(ctx context.Context, c Caller, mun int64, kind domain.Kind, id int64) ([]domain.Review, error) {
	if _, err := a.record(ctx, c, mun, kind, id); err != nil {
		return nil, err
	}
	return a.db.ListReviews(ctx, mun, id)
}

// AddComment adds a comment to a record. Returns ENotFound, EForbidden, EInvalid.
func (a *App) AddComment(ctx context.Context, c Caller, mun int64, kind domain.Kind, id int64, body string) (domain.Comment, error) {
	r, err := a.record(ctx, c, mun, kind, id)
	if err != nil {
		return domain.Comment{}, err
	}
	if !a.az.Can(c.P, mun, authz.ObjectOf(kind), authz.Comment, target(r)) {
		return domain.Comment{}, domain.Forbidden()
	}
	p := domain.Problems{}
	domain.ValidateLongText(p, "body", body, true, 5000)
	if err := p.Err(); err != nil {
		return domain.Comment{}, err
	}
	cm := domain.Comment{RecordID: id, AuthorID: c.P.User.ID, AuthorName: c.P.User.Name, Body: strings.TrimSpace(body)}
	err = a.db.AddComment(ctx, c.actor(), mun, kind, &cm)
	return cm, err
}

// Comments returns a readable record's comments. Returns ENotFound.
func (a *App) Comments(ctx context.Context, c Caller, mun int64, kind domain.Kind, id int64) ([]domain.Comment, error) {
	if _, err := a.record(ctx, c, mun, kind, id); err != nil {
		return nil, err
	}
	return a.db.ListComments(ctx, mun, id)
}

// AddEvidence attaches a file to a record the caller may update. The content type is sniffed
// from the bytes (the name and the client's claim are not trusted) and must be a document or
// an image; the SHA-256 is recorded. Returns ENotFound, EForbidden, EInvalid, ETooLarge.
func (a *App) AddEvidence(ctx context.Context, c Caller, mun int64, kind domain.Kind, id int64, filename string, data []byte) (domain.Evidence, error) {
	r, err := a.record(ctx, c, mun, kind, id)
	if err != nil {
		return domain.Evidence{}, err
	}
	if !a.az.Can(c.P, mun, authz.ObjectOf(kind), authz.Update, target(r)) {
		return domain.Evidence{}, domain.Forbidden()
	}
	if len(data) > domain.MaxEvidenceBytes {
		return domain.Evidence{}, &domain.Error{Code: domain.ETooLarge, Message: "err.too_large", Fields: map[string]string{"file": "err.file_too_large"}}
	}
	p := domain.Problems{}
	name := domain.EvidenceFilename(filename, "")
	if len(data) == 0 {
		p.Add("file", "err.file_empty")
	}
	ctype := mimetype.Detect(data)
	base := strings.SplitN(ctype.String(), ";", 2)[0]
	if base == "application/zip" || base == "text/plain" {
		// An office file may sniff as zip; plain text may be CSV: fall back on the extension
		// only to pick among types that are allowed anyway, and only a subtype of what the
		// bytes are (a zip named .csv stays a zip).
		if t := mimetype.Lookup(extensionType(name)); t != nil && domain.EvidenceTypes[t.String()] != nil && t.Parent() != nil && t.Parent().Is(base) {
			base = t.String()
		}
	}
	if len(data) > 0 && domain.EvidenceTypes[base] == nil {
		p.Add("file", "err.file_type")
	}
	domain.ValidateText(p, "file", name, true, 200) // the name as given (cleaned), before its extension follows the type
	name = domain.EvidenceFilename(name, base)
	if err := p.Err(); err != nil {
		return domain.Evidence{}, err
	}
	sum := sha256.Sum256(data)
	e := domain.Evidence{RecordID: id, Filename: name, ContentType: base, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]),
		Data: data, UploadedBy: c.P.User.ID, UploaderName: c.P.User.Name}
	if err := a.db.AddEvidence(ctx, c.actor(), mun, kind, &e); err != nil {
		return domain.Evidence{}, err
	}
	e.Data = nil
	return e, nil
}

// extensionType is the evidence type whose extensions include name's ("" when none does).
func extensionType(name string) string {
	ext := strings.ToLower(filepath.Ext(name))
	for ctype, exts := range domain.EvidenceTypes {
		if slices.Contains(exts, ext) && ctype != "text/rtf" { // .rtf: application/rtf, as mimetype names it
			return ctype
		}
	}
	return ""
}

// EvidenceList returns a readable record's evidence files (without contents). Returns ENotFound.
func (a *App) EvidenceList(ctx context.Context, c Caller, mun int64, kind domain.Kind, id int64) ([]domain.Evidence, error) {
	if _, err := a.record(ctx, c, mun, kind, id); err != nil {
		return nil, err
	}
	list, err := a.db.ListEvidence(ctx, mun, id)
	for i := range list { // the name it downloads under
		list[i].Filename = domain.EvidenceFilename(list[i].Filename, list[i].ContentType)
	}
	return list, err
}

// EvidenceFile returns one evidence file with its contents, for those who may read the record,
// under a name whose extension matches its content (domain.EvidenceFilename, also for files
// stored before that rule), and records the download in the audit trail: auditors follow who
// read what. Returns ENotFound.
func (a *App) EvidenceFile(ctx context.Context, c Caller, mun int64, kind domain.Kind, id, eid int64) (domain.Evidence, error) {
	if _, err := a.record(ctx, c, mun, kind, id); err != nil {
		return domain.Evidence{}, err
	}
	e, err := a.db.GetEvidence(ctx, mun, id, eid)
	if err != nil {
		return e, err
	}
	e.Filename = domain.EvidenceFilename(e.Filename, e.ContentType)
	err = a.db.Audit(ctx, c.actor(), store.Change{MunicipalityID: &mun, Kind: string(kind), RecordID: &id, Action: audit.ActionEvidenceGet,
		After: map[string]any{"evidence_id": e.ID, "filename": e.Filename, "sha256": e.SHA256}})
	if store.IsReadOnly(err) {
		err = nil // reads keep working on a read-only database, where nothing can be recorded
	}
	return e, err
}

// EvidenceToDelete returns the evidence file (without contents) DeleteEvidence would remove,
// for the page that asks to confirm it, with the same errors. Returns ENotFound, EForbidden.
func (a *App) EvidenceToDelete(ctx context.Context, c Caller, mun int64, kind domain.Kind, id, eid int64) (domain.Evidence, error) {
	r, err := a.record(ctx, c, mun, kind, id)
	if err != nil {
		return domain.Evidence{}, err
	}
	if !a.az.Can(c.P, mun, authz.ObjectOf(kind), authz.Update, target(r)) {
		return domain.Evidence{}, domain.Forbidden()
	}
	list, err := a.db.ListEvidence(ctx, mun, id)
	if err != nil {
		return domain.Evidence{}, err
	}
	for _, e := range list {
		if e.ID == eid {
			e.Filename = domain.EvidenceFilename(e.Filename, e.ContentType)
			return e, nil
		}
	}
	return domain.Evidence{}, domain.NotFound()
}

// DeleteEvidence removes an evidence file from a record the caller may update. Returns
// ENotFound, EForbidden.
func (a *App) DeleteEvidence(ctx context.Context, c Caller, mun int64, kind domain.Kind, id, eid int64) error {
	r, err := a.record(ctx, c, mun, kind, id)
	if err != nil {
		return err
	}
	if !a.az.Can(c.P, mun, authz.ObjectOf(kind), authz.Update, target(r)) {
		return domain.Forbidden()
	}
	return a.db.DeleteEvidence(ctx, c.actor(), mun, kind, id, eid)
}

// History returns a record's audit entries, for those who follow up reviews on it (not staff,
// who see only the adopted text). Returns ENotFound, EForbidden.
func (a *App) History(ctx context.Context, c Caller, mun int64, kind domain.Kind, id int64) ([]audit.Entry, error) {
	r, err := a.record(ctx, c, mun, kind, id)
	if err != nil {
		return nil, err
	}
	if !a.az.Can(c.P, mun, authz.ObjReview, authz.Read, target(r)) {
		return nil, domain.Forbidden()
	}
	return a.history(ctx, mun, kind, id)
}

// history is a record's audit entries, newest first (at most 200).
func (a *App) history(ctx context.Context, mun int64, kind domain.Kind, id int64) ([]audit.Entry, error) {
	return auditList(a.db.ListAudit(ctx, store.AuditFilter{MunicipalityID: mun, Kind: string(kind), RecordID: id, Limit: 200}))
}

// Dues returns the review list across every record kind: the records the caller follows up
// whose next review falls in the due filter; mine limits it to records the caller owns.
// Returns ENotFound, EForbidden.
func (a *App) Dues(ctx context.Context, c Caller, mun int64, due domain.DueFilter, mine bool, limit int) ([]domain.DueItem, error) {
	return a.DuesPage(ctx, c, mun, due, mine, nil, limit)
}

// DuesPage is Dues from after on (the keyset cursor of the last row of the previous page:
// its next review date and id). Returns ENotFound, EForbidden, EInvalid (a bad cursor).
func (a *App) DuesPage(ctx context.Context, c Caller, mun int64, due domain.DueFilter, mine bool, after *domain.Cursor, limit int) ([]domain.DueItem, error) {
	q, err := a.dueQuery(c, mun, due, mine)
	if err != nil {
		return nil, err
	}
	q.After, q.Limit = after, limit
	return a.db.Dues(ctx, q)
}

// DueCountMax is where the dashboard's counts stop ("1000+").
const DueCountMax = 1000

// DueCount counts what Dues lists, up to DueCountMax (above it: DueCountMax+1), for the
// dashboard's figures. Returns ENotFound, EForbidden.
func (a *App) DueCount(ctx context.Context, c Caller, mun int64, due domain.DueFilter, mine bool) (int, error) {
	q, err := a.dueQuery(c, mun, due, mine)
	if err != nil {
		return 0, err
	}
	key, shared := sharedKey(q, fmt.Sprint("count/", mun, "/", due, "/", a.Today()))
	if !shared || mine {
		return a.db.DueCount(ctx, q, DueCountMax)
	}
	return getShared(a, key, func() (int, error) { return a.db.DueCount(ctx, q, DueCountMax) })
}

// sharedKey is the key under which a figure of q may be shared by everyone who sees what q
// sees (every row of each kind it covers); shared is false when the caller sees only some.
func sharedKey(q store.DueQuery, prefix string) (key string, shared bool) {
	shared, key = q.Visible.All, prefix
	for _, k := range q.Kinds {
		shared = shared && k.Visible.All
		key += "/" + string(k.Kind)
	}
	return key, shared
}

// DueCountsByUnit counts what Dues lists per org unit, most first, for the first limit units
// (shared as countCache says). Returns ENotFound, EForbidden.
func (a *App) DueCountsByUnit(ctx context.Context, c Caller, mun int64, due domain.DueFilter, limit int) ([]store.UnitCount, error) {
	q, err := a.dueQuery(c, mun, due, false)
	if err != nil {
		return nil, err
	}
	key, shared := sharedKey(q, fmt.Sprint("units/", mun, "/", due, "/", a.Today(), "/", limit))
	if !shared {
		return a.db.DueCountsByUnit(ctx, q, limit)
	}
	return getShared(a, key, func() ([]store.UnitCount, error) { return a.db.DueCountsByUnit(ctx, q, limit) })
}

// getShared is the value under key, shared between requests as countCache says; fill makes it
// when missing or stale. The value is shared: read only (a caller copies what it changes).
func getShared[T any](a *App, key string, fill func() (T, error)) (T, error) {
	v, err := a.counts.get(a.db, key, func() (any, error) { return fill() })
	t, _ := v.(T)
	return t, err
}

// CountsTTL is how old a shared count may be: this instance's own writes renew it at once;
// another instance's (a shared deployment) within this time.
const CountsTTL = 10 * time.Second

// countCache keeps the dashboard's counts (DueCount, DueCountsByUnit) for those who see every
// record, shared by them until the next write of this process (or CountsTTL): counting tens
// of thousands of overdue records on every page view costs tens of milliseconds.
type countCache struct {
	fill sync.Mutex // held while counting: those who come meanwhile wait instead of counting too
	mu   sync.Mutex
	m    map[string]cachedCount
}

type cachedCount struct {
	writes uint64
	at     time.Time
	v      any // shared, read only
}

func (cc *countCache) lookup(key string, writes uint64, now time.Time) (any, bool) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	e, ok := cc.m[key]
	return e.v, ok && e.writes == writes && now.Sub(e.at) < CountsTTL
}

// get returns the figure under key, counting it with count when missing or stale.
func (cc *countCache) get(db *store.Store, key string, count func() (any, error)) (any, error) {
	writes, now := db.Writes(), db.Now()
	if v, ok := cc.lookup(key, writes, now); ok {
		return v, nil
	}
	cc.fill.Lock()
	defer cc.fill.Unlock()
	writes, now = db.Writes(), db.Now()
	if v, ok := cc.lookup(key, writes, now); ok {
		return v, nil
	}
	v, err := count()
	if err != nil {
		return nil, err
	}
	cc.mu.Lock()
	if cc.m == nil || len(cc.m) > 10_000 {
		cc.m = map[string]cachedCount{}
	}
	cc.m[key] = cachedCount{writes: writes, at: now, v: v}
	cc.mu.Unlock()
	return v, nil
}

// dueQuery is the review list's query for the caller: the records they follow up (or own),
// of the kinds and rows they may read, in the due filter.
func (a *App) dueQuery(c Caller, mun int64, due domain.DueFilter, mine bool) (store.DueQuery, error) {
	if err := a.member(c, mun); err != nil {
		return store.DueQuery{}, err
	}
	v := a.az.Filter(c.P, mun, authz.ObjReview, authz.Read)
	q := store.DueQuery{MunicipalityID: mun, Visible: v, Kinds: []store.KindScope{}}
	if mine {
		// One's own records are one's own to follow up, whatever one's role — but only those
		// one may read: staff who own a draft they may not open do not see its title here.
		q.Visible, q.OwnerID = domain.Visibility{All: true}, c.P.User.ID
	} else if v.None() {
		return q, domain.Forbidden()
	}
	// Only records of kinds, and rows of them, one may read (the same rule as the record).
	for _, k := range domain.Kinds() {
		if kv := a.az.Filter(c.P, mun, authz.ObjectOf(k), authz.Read); !kv.None() {
			q.Kinds = append(q.Kinds, store.KindScope{Kind: k, Visible: kv})
		}
	}
	q.From, q.To = due.Bounds(a.Today())
	return q, nil
}

// CanReadAudit says whether the caller may read mun's audit trail. Returns ENotFound, EForbidden.
func (a *App) CanReadAudit(c Caller, mun int64) error {
	return a.require(c, mun, authz.ObjAudit, authz.Read)
}

// AuditLog returns the municipality's audit trail for auditors. Returns ENotFound, EForbidden.
func (a *App) AuditLog(ctx context.Context, c Caller, f store.AuditFilter) ([]audit.Entry, error) {
	if err := a.require(c, f.MunicipalityID, authz.ObjAudit, authz.Read); err != nil {
		return nil, err
	}
	return auditList(a.db.ListAudit(ctx, f))
}

// auditList makes an empty trail an empty list (the API answers [] rather than null).
func auditList(es []audit.Entry, err error) ([]audit.Entry, error) {
	if es == nil && err == nil {
		es = []audit.Entry{}
	}
	return es, err
}

// AuditHead returns the newest entry of mun's own audit chain, for its auditor to note down
// as an anchor (the other municipalities' chains are not theirs to learn about). Returns
// ENotFound, EForbidden.
func (a *App) AuditHead(ctx context.Context, c Caller, mun int64) (audit.Anchor, error) {
	if err := a.require(c, mun, authz.ObjAudit, authz.Read); err != nil {
		return audit.Anchor{}, err
	}
	return a.db.AuditHead(ctx, mun)
}

// RecordCore returns the core of a record of kind the caller may read: a kind's page needs
// no more to show the shared parts. Returns ENotFound.
func (a *App) RecordCore(ctx context.Context, c Caller, mun int64, kind domain.Kind, id int64) (domain.Record, error) {
	return a.record(ctx, c, mun, kind, id)
}

// ExportRecords streams the records of kind in mun that the caller may read to row, by title
// (at most store.MaxExportRows). Returns ENotFound, EForbidden when the caller may read no
// record of the kind.
func (a *App) ExportRecords(ctx context.Context, c Caller, mun int64, kind domain.Kind, row func(store.ExportRow) error) error {
	if err := a.member(c, mun); err != nil {
		return err
	}
	if _, ok := domain.SpecOf(kind); !ok {
		return domain.NotFound()
	}
	v := a.az.Filter(c.P, mun, authz.ObjectOf(kind), authz.Read)
	if v.None() {
		return domain.Forbidden()
	}
	return a.db.ExportRecords(ctx, mun, kind, v, row)
}

// Parts is what every record page shows below its own fields.
type Parts struct {
	Reviews  []domain.Review
	Comments []domain.Comment
	Evidence []domain.Evidence
	History  []audit.Entry // nil unless the caller follows up reviews on the record
}

// RecordParts returns the reviews, comments, evidence files and (for those who follow up its
// reviews) history of record r, which the caller has just read through the app (a page's
// Document, Asset, …): the caller's right to read it is checked on r as it was read, without
// reading it again. Returns ENotFound.
func (a *App) RecordParts(ctx context.Context, c Caller, r domain.Record) (Parts, error) {
	var p Parts
	mun, id := r.MunicipalityID, r.ID
	err := a.readable(c, r)
	if err != nil {
		return p, err
	}
	if p.Reviews, err = a.db.ListReviews(ctx, mun, id); err != nil {
		return p, err
	}
	if p.Comments, err = a.db.ListComments(ctx, mun, id); err != nil {
		return p, err
	}
	if p.Evidence, err = a.db.ListEvidence(ctx, mun, id); err != nil {
		return p, err
	}
	if a.az.Can(c.P, mun, authz.ObjReview, authz.Read, target(r)) {
		p.History, err = a.history(ctx, mun, r.Kind, id)
	}
	return p, err
}

// mayWriteCore decides whether the caller may make the change of a record's core from before
// (nil: a new record) to r: create in r's unit, or update before and, when it moves, r (a move
// into a unit one may not write in is refused naming org_unit_id). The one such rule of every
// kind whose writes are plain create and update (documents add adoption to it).
func (a *App) mayWriteCore(c Caller, before, r *domain.Record) error {
	obj := authz.ObjectOf(r.Kind)
	if before == nil {
		if !a.az.Can(c.P, r.MunicipalityID, obj, authz.Create, target(*r)) {
			return forbiddenField("org_unit_id", "err.unit_not_yours")
		}
		return nil
	}
	if !a.az.Can(c.P, r.MunicipalityID, obj, authz.Update, target(*before)) {
		return domain.Forbidden()
	}
	if !a.az.Can(c.P, r.MunicipalityID, obj, authz.Update, target(*r)) {
		return forbiddenField("org_unit_id", "err.unit_not_yours")
	}
	return nil
}

// checkCoreRefs checks what a record's core names: an owner other than oneself needs the right
// to assign owners (EForbidden naming owner_id), and the org unit and the owner must exist in
// the municipality (added to p as err.unknown_unit, err.unknown_owner). Every kind's change
// runs it; units a kind names besides its own (extra) are checked under extraField.
func (a *App) checkCoreRefs(ctx context.Context, c Caller, before, r *domain.Record, p domain.Problems, extraField string, extra []int64) error {
	mun := r.MunicipalityID
	ownerChanged := before == nil && r.OwnerID != nil && *r.OwnerID != c.P.User.ID || before != nil && !eqPtr(before.OwnerID, r.OwnerID)
	if ownerChanged && r.OwnerID != nil && *r.OwnerID != c.P.User.ID && !a.az.Can(c.P, mun, authz.ObjectOf(r.Kind), authz.AssignOwner, target(*r)) {
		return forbiddenField("owner_id", "err.assign_owner")
	}
	if ok, err := a.db.UnitsExist(ctx, mun, append([]int64{r.OrgUnitID}, extra...)); err != nil {
		return err
	} else if !ok {
		if ok, _ := a.db.UnitsExist(ctx, mun, []int64{r.OrgUnitID}); !ok {
			p.Add("org_unit_id", "err.unknown_unit")
		} else {
			p.Add(extraField, "err.unknown_unit")
		}
	}
	if r.OwnerID != nil {
		if ok, err := a.db.IsMember(ctx, mun, *r.OwnerID); err != nil {
			return err
		} else if !ok {
			p.Add("owner_id", "err.unknown_owner")
		}
	}
	return nil
}
