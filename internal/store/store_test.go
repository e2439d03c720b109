package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lisa-isms/lisa/internal/audit"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
	"github.com/lisa-isms/lisa/internal/storetest"
)

var now = time.Date(2025, time.May, 10, 9, 30, 0, 123456789, time.UTC)

var actor = store.Actor{Name: "test", IP: "local"}

type env struct {
	t      *testing.T
	ctx    context.Context
	path   string // the database: an SQLite file or a PostgreSQL URL
	s      *store.Store
	writer *int64 // the user documents are created as (made on first use)
}

func open(t testing.TB, path string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	s.Now = func() time.Time { return now }
	return s
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background(), path: storetest.DSN(t)}
	e.s = open(t, e.path)
	t.Cleanup(func() { e.s.Close() })
	return e
}

// raw opens the database directly, bypassing the store, as someone with file access would.
func (e *env) raw() *storetest.RawDB {
	e.t.Helper()
	return storetest.Raw(e.t, e.path)
}

func (e *env) municipality(name string) int64 {
	e.t.Helper()
	m := domain.Municipality{Name: name}
	if err := e.s.CreateMunicipality(e.ctx, actor, &m); err != nil {
		e.t.Fatal(err)
	}
	return m.ID
}

func (e *env) unit(mun int64, name string, parent *int64) int64 {
	e.t.Helper()
	u := domain.OrgUnit{MunicipalityID: mun, Name: name, Kind: domain.UnitEnhet, ParentID: parent}
	if err := e.s.SaveOrgUnit(e.ctx, actor, &u); err != nil {
		e.t.Fatalf("save unit %s: %v", name, err)
	}
	return u.ID
}

func (e *env) user(username string) int64 {
	e.t.Helper()
	u := domain.User{Username: username, Name: strings.ToUpper(username)}
	if err := e.s.CreateUser(e.ctx, actor, &u); err != nil {
		e.t.Fatal(err)
	}
	return u.ID
}

func (e *env) doc(mun, unit int64, title, status, next string) domain.Document {
	e.t.Helper()
	d := domain.Document{Record: domain.Record{MunicipalityID: mun}}
	in := domain.DocumentInput{Type: ptr("policy"), Title: &title, OrgUnitID: &unit, NextReviewAt: &next, Status: &status}
	if status == "adopted" {
		in.AdoptedBy = ptr("kommunstyrelse")
	}
	if _, err := domain.ApplyDocument(&d, in, domain.DateOf(now)); err != nil {
		e.t.Fatal(err)
	}
	if e.writer == nil {
		id := e.user("writer")
		e.writer = &id
	}
	// Document versions name their author: the store needs an actor with a user id here.
	if err := e.s.CreateDocument(e.ctx, store.Actor{ID: e.writer, Name: "writer", IP: "local"}, &d, ""); err != nil {
		e.t.Fatal(err)
	}
	return d
}

func ptr[T any](v T) *T { return &v }

func code(err error) domain.Code { return domain.ErrorCode(err) }

func TestOpenRejectsBadPaths(t *testing.T) {
	for _, p := range []string{"", "lisa.db?mode=memory", "lisa.db#x"} {
		if s, err := store.Open(context.Background(), p); err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", p)
		}
	}
	if _, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "no", "such", "dir", "lisa.db")); err == nil {
		t.Error("Open in a missing directory succeeded")
	}
}

func TestReopenKeepsDataAndMigrationsAreIdempotent(t *testing.T) {
	e := newEnv(t)
	mun := e.municipality("Ankeby")
	e.s.Close()
	s := open(t, e.path)
	defer s.Close()
	m, err := s.GetMunicipality(e.ctx, mun)
	if err != nil || m.Name != "Ankeby" || !m.CreatedAt.Equal(now.Truncate(time.Microsecond)) {
		t.Errorf("after reopen: %+v, %v", m, err)
	}
	if n, err := s.VerifyAudit(e.ctx); err != nil || n != 1 {
		t.Errorf("VerifyAudit after reopen = %d, %v", n, err)
	}
}

func TestGettersFoundAndNotFound(t *testing.T) {
	e := newEnv(t)
	mun := e.municipality("Ankeby")
	unit := e.unit(mun, "IT", nil)
	uid := e.user("anna")
	d := e.doc(mun, unit, "Policy", "draft", "2025-06-01")

	if _, err := e.s.GetMunicipality(e.ctx, mun); err != nil {
		t.Errorf("GetMunicipality: %v", err)
	}
	if _, err := e.s.GetOrgUnit(e.ctx, mun, unit); err != nil {
		t.Errorf("GetOrgUnit: %v", err)
	}
	if u, err := e.s.GetUser(e.ctx, uid); err != nil || u.Username != "anna" {
		t.Errorf("GetUser: %+v, %v", u, err)
	}
	if u, err := e.s.GetUserByUsername(e.ctx, "anna"); err != nil || u.ID != uid {
		t.Errorf("GetUserByUsername: %+v, %v", u, err)
	}
	if r, err := e.s.GetRecord(e.ctx, mun, domain.KindDocument, d.ID); err != nil || r.Title != "Policy" {
		t.Errorf("GetRecord: %+v, %v", r, err)
	}
	for name, err := range map[string]error{
		"municipality":      func() error { _, err := e.s.GetMunicipality(e.ctx, 999); return err }(),
		"org unit":          func() error { _, err := e.s.GetOrgUnit(e.ctx, mun, 999); return err }(),
		"user":              func() error { _, err := e.s.GetUser(e.ctx, 999); return err }(),
		"username":          func() error { _, err := e.s.GetUserByUsername(e.ctx, "ANNA"); return err }(),
		"record wrong kind": func() error { _, err := e.s.GetRecord(e.ctx, mun, "risk", d.ID); return err }(),
		"record wrong mun":  func() error { _, err := e.s.GetRecord(e.ctx, mun+1, domain.KindDocument, d.ID); return err }(),
		"document":          func() error { _, err := e.s.GetDocument(e.ctx, mun+1, d.ID); return err }(),
		"evidence":          func() error { _, err := e.s.GetEvidence(e.ctx, mun, d.ID, 1); return err }(),
		"session":           func() error { _, err := e.s.GetSession(e.ctx, "nope"); return err }(),
		"api token":         func() error { _, _, err := e.s.UserByAPIToken(e.ctx, "nope"); return err }(),
	} {
		if code(err) != domain.ENotFound {
			t.Errorf("%s: err = %v, want not found", name, err)
		}
	}
}

func TestOrgUnits(t *testing.T) {
	e := newEnv(t)
	a, b := e.municipality("Ankeby"), e.municipality("Borgby")
	ks := e.unit(a, "KS", nil)
	it := e.unit(a, "IT", &ks)
	drift := e.unit(a, "Drift", &it)
	other := e.unit(b, "KS", nil) // names are unique per municipality only

	u := domain.OrgUnit{MunicipalityID: a, Name: "KS", Kind: domain.UnitNamnd}
	if err := e.s.SaveOrgUnit(e.ctx, actor, &u); code(err) != domain.EConflict {
		t.Errorf("duplicate name: %v", err)
	}
	for name, parent := range map[string]int64{"itself": ks, "a descendant": drift, "another municipality's": other, "missing": 999} {
		u := domain.OrgUnit{ID: ks, MunicipalityID: a, Name: "KS", Kind: domain.UnitKommunstyrelse, ParentID: &parent}
		err := e.s.SaveOrgUnit(e.ctx, actor, &u)
		if code(err) != domain.EInvalid || domain.AsError(err).Fields["parent_id"] != "err.parent" {
			t.Errorf("parent %s: %v", name, err)
		}
	}
	// A unit of one municipality cannot be changed through another.
	u = domain.OrgUnit{ID: it, MunicipalityID: b, Name: "Kapad", Kind: domain.UnitEnhet}
	if err := e.s.SaveOrgUnit(e.ctx, actor, &u); code(err) != domain.ENotFound {
		t.Errorf("cross-municipality update: %v", err)
	}
	if err := e.s.DeleteOrgUnit(e.ctx, actor, a, it); code(err) != domain.EConflict {
		t.Errorf("deleting a unit with children: %v", err)
	}
	e.doc(a, drift, "Driftrutin", "draft", "")
	if err := e.s.DeleteOrgUnit(e.ctx, actor, a, drift); code(err) != domain.EConflict {
		t.Errorf("deleting a unit with records: %v", err)
	}
	if err := e.s.DeleteOrgUnit(e.ctx, actor, b, drift); code(err) != domain.ENotFound {
		t.Errorf("deleting through another municipality: %v", err)
	}
	if err := e.s.DeleteOrgUnit(e.ctx, actor, b, other); err != nil {
		t.Errorf("deleting an unused unit: %v", err)
	}
	units, _ := e.s.ListOrgUnits(e.ctx, a)
	if len(units) != 3 {
		t.Errorf("units of Ankeby = %+v", units)
	}

	for _, tc := range []struct {
		ids  []int64
		mun  int64
		want bool
	}{
		{nil, a, true},
		{[]int64{ks, it}, a, true},
		{[]int64{it, it, ks, it}, a, true}, // repeats are fine
		{[]int64{ks, other}, a, false},
		{[]int64{ks, 999}, a, false},
		{[]int64{ks}, b, false},
	} {
		if got, err := e.s.UnitsExist(e.ctx, tc.mun, tc.ids); err != nil || got != tc.want {
			t.Errorf("UnitsExist(%d, %v) = %v, %v", tc.mun, tc.ids, got, err)
		}
	}
}

func TestVisibilityInLists(t *testing.T) {
	e := newEnv(t)
	a := e.municipality("Ankeby")
	u1, u2, u3 := e.unit(a, "U1", nil), e.unit(a, "U2", nil), e.unit(a, "U3", nil)
	e.doc(a, u1, "Utkast U1", "draft", "2025-06-01")
	e.doc(a, u2, "Utkast U2", "draft", "2025-06-01")
	e.doc(a, u3, "Antagen U3", "adopted", "2025-06-01")
	e.doc(a, u3, "Pensionerad U3", "retired", "2025-06-01")
	raw := e.raw()
	if _, err := raw.Exec(`INSERT INTO records (municipality_id, kind, title, org_unit_id, status, review_interval_months, next_review_at, created_at, updated_at)
		VALUES (?, 'risk', 'Risk U3 "adopted"', ?, 'adopted', 12, '2025-06-01', ?, ?)`, a, u3, now, now); err != nil {
		t.Fatal(err)
	}
	titles := func(v domain.Visibility) []string {
		docs, err := e.s.ListDocuments(e.ctx, a, v, store.DocumentFilter{})
		if err != nil {
			t.Fatal(err)
		}
		out := []string{}
		for _, d := range docs {
			out = append(out, d.Title)
		}
		slices.Sort(out)
		return out
	}
	dueTitles := func(v domain.Visibility) []string {
		items, err := e.s.Dues(e.ctx, store.DueQuery{MunicipalityID: a, Visible: v})
		if err != nil {
			t.Fatal(err)
		}
		out := []string{}
		for _, it := range items {
			out = append(out, it.Title)
		}
		slices.Sort(out)
		return out
	}
	for _, tc := range []struct {
		v         domain.Visibility
		docs, due []string
	}{
		{domain.Visibility{All: true}, []string{"Antagen U3", "Pensionerad U3", "Utkast U1", "Utkast U2"}, []string{"Antagen U3", `Risk U3 "adopted"`, "Utkast U1", "Utkast U2"}},
		{domain.Visibility{}, []string{}, []string{}},
		{domain.Visibility{UnitIDs: []int64{u1}}, []string{"Utkast U1"}, []string{"Utkast U1"}},
		{domain.Visibility{Published: true}, []string{"Antagen U3"}, []string{"Antagen U3"}}, // a risk "adopted" is not a governing document
		{domain.Visibility{UnitIDs: []int64{u1, u2}, Published: true}, []string{"Antagen U3", "Utkast U1", "Utkast U2"}, []string{"Antagen U3", "Utkast U1", "Utkast U2"}},
	} {
		if got := titles(tc.v); !slices.Equal(got, tc.docs) {
			t.Errorf("ListDocuments(%+v) = %q, want %q", tc.v, got, tc.docs)
		}
		if got := dueTitles(tc.v); !slices.Equal(got, tc.due) {
			t.Errorf("Dues(%+v) = %q, want %q", tc.v, got, tc.due)
		}
	}
	// Filters.
	docs, _ := e.s.ListDocuments(e.ctx, a, domain.Visibility{All: true}, store.DocumentFilter{Status: domain.DocDraft, OrgUnitID: u2})
	if len(docs) != 1 || docs[0].Title != "Utkast U2" {
		t.Errorf("status+unit filter = %+v", docs)
	}
	docs, _ = e.s.ListDocuments(e.ctx, a, domain.Visibility{All: true}, store.DocumentFilter{Query: "%"})
	if len(docs) != 4 {
		t.Errorf("query of a LIKE wildcard matched %d documents", len(docs))
	}
	docs, _ = e.s.ListDocuments(e.ctx, a, domain.Visibility{All: true}, store.DocumentFilter{Query: "antagen"})
	if len(docs) != 1 {
		t.Errorf("case-insensitive query matched %d documents", len(docs))
	}
}

// The audit trail refuses UPDATE and DELETE while its triggers exist.
func TestAuditLogIsAppendOnly(t *testing.T) {
	e := newEnv(t)
	e.municipality("Ankeby")
	e.user("anna")
	raw := e.raw()
	if _, err := raw.Exec(`UPDATE audit_log SET actor = 'mallory' WHERE id = 1`); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Errorf("UPDATE on audit_log: %v", err)
	}
	if _, err := raw.Exec(`DELETE FROM audit_log WHERE id = 1`); err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Errorf("DELETE on audit_log: %v", err)
	}
	if n, err := e.s.VerifyAudit(e.ctx); err != nil || n != 2 {
		t.Errorf("VerifyAudit = %d, %v", n, err)
	}
}

// seedTrail makes a few audited changes and returns how many entries there are.
func seedTrail(e *env) int {
	a := e.municipality("Ankeby")
	u := e.unit(a, "IT", nil)
	uid := e.user("anna")
	d := e.doc(a, u, "Policy", "draft", "2025-06-01")
	if err := e.s.GrantRole(e.ctx, actor, domain.RoleAssignment{UserID: uid, MunicipalityID: a, Role: domain.RoleInformationOwner, OrgUnitIDs: []int64{u}}); err != nil {
		e.t.Fatal(err)
	}
	c := domain.Comment{RecordID: d.ID, AuthorID: uid, Body: "Hej"}
	if err := e.s.AddComment(e.ctx, actor, a, domain.KindDocument, &c); err != nil {
		e.t.Fatal(err)
	}
	if err := e.s.Audit(e.ctx, store.Actor{ID: &uid, Name: "anna", IP: "192.0.2.1"}, store.Change{Kind: "session", Action: audit.ActionLogin}); err != nil {
		e.t.Fatal(err)
	}
	n, err := e.s.VerifyAudit(e.ctx)
	if err != nil {
		e.t.Fatalf("fresh trail does not verify: %v", err)
	}
	if n != 8 {
		e.t.Fatalf("trail has %d entries, want 8", n)
	}
	return n
}

func brokenAt(t *testing.T, s *store.Store) (int, *audit.BrokenError) {
	t.Helper()
	n, err := s.VerifyAudit(context.Background())
	var b *audit.BrokenError
	if !errors.As(err, &b) {
		t.Fatalf("VerifyAudit = %d, %v; want *audit.BrokenError", n, err)
	}
	return n, b
}

func TestVerifyAuditDetectsUpdatedRow(t *testing.T) {
	for _, tc := range []struct{ column, value string }{
		{"actor", "'mallory'"},
		{"after_json", `'{"title":"Annan"}'`},
		{"at", "'2020-01-01T00:00:00Z'"},
		{"record_id", "NULL"},
		{"municipality_id", "municipality_id + 1"},
	} {
		t.Run(tc.column, func(t *testing.T) {
			e := newEnv(t)
			seedTrail(e)
			raw := e.raw()
			raw.DisableAuditTrigger(t, "update")
			if _, err := raw.Exec(`UPDATE audit_log SET ` + tc.column + ` = ` + tc.value + ` WHERE id = 5`); err != nil { // the document's creation
				t.Fatal(err)
			}
			_, b := brokenAt(t, e.s)
			if b.ID != 5 {
				t.Errorf("broken at %d, want 5 (%v)", b.ID, b)
			}
		})
	}
}

func TestVerifyAuditDetectsDeletedRow(t *testing.T) {
	e := newEnv(t)
	seedTrail(e)
	raw := e.raw()
	raw.DisableAuditTrigger(t, "delete")
	// The break is found at the next entry of the same chain, which names the missing place.
	var next int64
	if err := raw.QueryRow(`SELECT MIN(id) FROM audit_log WHERE id > 5 AND chain = (SELECT chain FROM audit_log WHERE id = 5)`).Scan(&next); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`DELETE FROM audit_log WHERE id = 5`); err != nil {
		t.Fatal(err)
	}
	_, b := brokenAt(t, e.s)
	if b.ID != next || !strings.Contains(b.Error(), "missing") {
		t.Errorf("broken at %d (%v), want a missing entry before %d", b.ID, b, next)
	}
}

func TestVerifyAuditDetectsRewrittenChainLink(t *testing.T) {
	// Someone who rewrites a row and recomputes its hash still breaks the link to the next row.
	e := newEnv(t)
	seedTrail(e)
	raw := e.raw()
	raw.DisableAuditTrigger(t, "update")
	var en audit.Entry
	row := raw.QueryRow(`SELECT id, at, actor_id, actor, municipality_id, kind, record_id, action, before_json, after_json, ip, prev_hash, chain, chain_seq FROM audit_log WHERE id = 3`)
	if err := row.Scan(&en.ID, &en.At, &en.ActorID, &en.Actor, &en.MunicipalityID, &en.Kind, &en.RecordID, &en.Action, &en.Before, &en.After, &en.IP, &en.PrevHash, &en.Chain, &en.Seq); err != nil {
		t.Fatal(err)
	}
	en.Actor = "mallory"
	if _, err := raw.Exec(`UPDATE audit_log SET actor = ?, hash = ? WHERE id = 3`, en.Actor, audit.ComputeHash(en)); err != nil {
		t.Fatal(err)
	}
	var next int64 // the next entry of id 3's chain
	if err := raw.QueryRow(`SELECT MIN(id) FROM audit_log WHERE id > 3 AND chain = (SELECT chain FROM audit_log WHERE id = 3)`).Scan(&next); err != nil {
		t.Fatal(err)
	}
	if _, b := brokenAt(t, e.s); b.ID != next {
		t.Errorf("broken at %d, want %d", b.ID, next)
	}
}

func TestReopenRestoresAuditTriggers(t *testing.T) {
	e := newEnv(t)
	seedTrail(e)
	raw := e.raw()
	raw.DisableAuditTrigger(t, "update")
	raw.DisableAuditTrigger(t, "delete")
	s := open(t, e.path)
	defer s.Close()
	if _, err := raw.Exec(`UPDATE audit_log SET actor = 'x' WHERE id = 1`); err == nil {
		t.Error("UPDATE allowed after reopening")
	}
	if _, err := raw.Exec(`DELETE FROM audit_log WHERE id = 1`); err == nil {
		t.Error("DELETE allowed after reopening")
	}
}

func TestAuditAppendAfterEntries(t *testing.T) {
	e := newEnv(t)
	n := seedTrail(e)
	// Entries store the clock's time with sub-second precision, in UTC.
	entries, err := e.s.ListAudit(e.ctx, store.AuditFilter{MunicipalityID: 1})
	if err != nil {
		t.Fatal(err)
	}
	// A municipality's trail is its own entries and those without a municipality about its
	// members (anna's account and login), not about others (the writer's account).
	if len(entries) != n-1 {
		t.Fatalf("ListAudit = %d entries, want %d", len(entries), n-1)
	}
	for _, en := range entries {
		if en.Kind == "user" && en.Action == "create" && strings.Contains(en.After, `"username":"writer"`) {
			t.Errorf("a non-member's account entry is in the trail: %+v", en)
		}
	}
	if entries[0].At != "2025-05-10T09:30:00.123456Z" {
		t.Errorf("at = %q", entries[0].At)
	}
	if entries[0].ID < entries[len(entries)-1].ID {
		t.Errorf("not newest first")
	}
	for _, tc := range []struct {
		f    store.AuditFilter
		want int
	}{
		{store.AuditFilter{MunicipalityID: 1, Action: "comment"}, 1},
		{store.AuditFilter{MunicipalityID: 1, Kind: "document"}, 2},
		{store.AuditFilter{MunicipalityID: 1, From: "2025-05-10", To: "2025-05-10"}, n - 1},
		{store.AuditFilter{MunicipalityID: 1, Actor: "anna"}, 1},
		{store.AuditFilter{MunicipalityID: 1, From: "2025-05-11"}, 0},
		{store.AuditFilter{MunicipalityID: 1, To: "2025-05-09"}, 0},
		{store.AuditFilter{MunicipalityID: 1, Limit: 2}, 2},
		{store.AuditFilter{MunicipalityID: 1, BeforeID: 3}, 2},
		{store.AuditFilter{MunicipalityID: 2}, 0},
	} {
		got, err := e.s.ListAudit(e.ctx, tc.f)
		if err != nil || len(got) != tc.want {
			t.Errorf("ListAudit(%+v) = %d, %v; want %d", tc.f, len(got), err, tc.want)
		}
	}
}

func TestSessionsExpireOnStoreClock(t *testing.T) {
	e := newEnv(t)
	uid := e.user("anna")
	ss, err := e.s.CreateSession(e.ctx, "token-1", "csrf-1", uid, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if ss.TokenHash == "token-1" || ss.TokenHash != store.HashToken("token-1") {
		t.Errorf("token stored as %q", ss.TokenHash)
	}
	got, err := e.s.GetSession(e.ctx, "token-1")
	if err != nil || got.UserID != uid || got.CSRFToken != "csrf-1" {
		t.Fatalf("GetSession = %+v, %v", got, err)
	}
	base := now
	defer func() { now = base }()
	now = base.Add(time.Hour - time.Microsecond)
	if _, err := e.s.GetSession(e.ctx, "token-1"); err != nil {
		t.Errorf("session ended early: %v", err)
	}
	now = base.Add(time.Hour)
	if _, err := e.s.GetSession(e.ctx, "token-1"); code(err) != domain.ENotFound {
		t.Errorf("expired session: %v", err)
	}
	// A new session sweeps away expired ones.
	now = base.Add(2 * time.Hour)
	if _, err := e.s.CreateSession(e.ctx, "token-2", "csrf-2", uid, time.Hour); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := e.raw().QueryRow(`SELECT COUNT(*) FROM sessions`).Scan(&n); err != nil || n != 1 {
		t.Errorf("sessions left = %d, %v", n, err)
	}
}

// A date range lists exactly the entries whose times fall on its days, also when the range's
// days are between others, and when the clock was set back a few minutes across midnight (an
// entry of the range then has an id above one of the next day's).
func TestAuditDateRangeAcrossMidnight(t *testing.T) {
	e := newEnv(t)
	e.s.Now = func() time.Time { return time.Date(2025, 5, 1, 8, 0, 0, 0, time.UTC) }
	mun := e.municipality("Ankeby")
	uid := e.user("anna")
	for _, at := range []string{
		"2025-05-09T23:59:00Z", // before the range
		"2025-05-10T00:00:00Z",
		"2025-05-10T12:00:00Z",
		"2025-05-11T23:58:00Z",
		"2025-05-12T00:03:00Z", // after the range
		"2025-05-11T23:59:30Z", // the clock set back: in the range, with a later id
		"2025-05-13T08:00:00Z",
	} {
		tm, err := time.Parse(time.RFC3339, at)
		if err != nil {
			t.Fatal(err)
		}
		e.s.Now = func() time.Time { return tm }
		if err := e.s.Audit(e.ctx, store.Actor{ID: &uid, Name: "anna"}, store.Change{MunicipalityID: &mun, Kind: "document", Action: audit.ActionComment}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		from, to string
		want     []string
	}{
		{"2025-05-10", "2025-05-11", []string{"2025-05-11T23:59:30Z", "2025-05-11T23:58:00Z", "2025-05-10T12:00:00Z", "2025-05-10T00:00:00Z"}},
		{"2025-05-12", "2025-05-12", []string{"2025-05-12T00:03:00Z"}},
		{"2025-05-12", "", []string{"2025-05-13T08:00:00Z", "2025-05-12T00:03:00Z"}},
		{"", "2025-05-09", []string{"2025-05-09T23:59:00Z", "2025-05-01T08:00:00Z"}}, // and the municipality's creation
		{"2025-05-14", "2025-05-20", nil},
	} {
		got, err := e.s.ListAudit(e.ctx, store.AuditFilter{MunicipalityID: mun, From: tc.from, To: tc.to})
		if err != nil {
			t.Fatal(err)
		}
		var at []string
		for _, en := range got {
			tm, _ := time.Parse(time.RFC3339Nano, en.At)
			at = append(at, tm.Format(time.RFC3339))
		}
		if !slices.Equal(at, tc.want) {
			t.Errorf("%s–%s lists %v, want %v", tc.from, tc.to, at, tc.want)
		}
	}
}

// The action filter finds the entries of an action however it is written into the statement,
// and a value that is not a plain word is only ever compared, never part of the SQL.
func TestAuditActionFilter(t *testing.T) {
	e := newEnv(t)
	mun := e.municipality("Ankeby")
	uid := e.user("anna")
	for _, action := range []string{audit.ActionComment, audit.ActionReview, audit.ActionComment} {
		if err := e.s.Audit(e.ctx, store.Actor{ID: &uid, Name: "anna"}, store.Change{MunicipalityID: &mun, Kind: "document", Action: action}); err != nil {
			t.Fatal(err)
		}
	}
	for action, want := range map[string]int{audit.ActionComment: 2, audit.ActionReview: 1, "x' OR '1'='1": 0, "Comment": 0, "kommentar; DROP TABLE audit_log": 0} {
		got, err := e.s.ListAudit(e.ctx, store.AuditFilter{MunicipalityID: mun, Action: action})
		if err != nil || len(got) != want {
			t.Errorf("action %q: %d entries (%v), want %d", action, len(got), err, want)
		}
	}
	if got, err := e.s.ListAudit(e.ctx, store.AuditFilter{MunicipalityID: mun}); err != nil || len(got) < 3 {
		t.Errorf("the trail after the filters: %d entries (%v)", len(got), err)
	}
}
