package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lisa-isms/lisa/internal/domain"
)

// The hot queries use an index, on SQLite's planner as it plans for a database without
// statistics (as production files are): no full scan of records or audit_log, and the lists
// read in order from an index rather than sorting (the audit trail merges its three parts,
// each read in order, and sorts only those few rows).
func TestHotQueriesUseIndexes(t *testing.T) {
	s := planStore(t)
	fullScan := regexp.MustCompile(`SCAN (r|a|records|audit_log|d|documents)\b`)
	for name, c := range hotQueries(t, s.d) {
		plan := explainSQLite(t, s, name, c)
		text := strings.Join(plan, "\n")
		for _, line := range plan {
			if fullScan.MatchString(line) && !strings.Contains(line, "INDEX") {
				t.Errorf("%s scans a whole table:\n%s", name, text)
			}
		}
		if strings.Contains(name, "next page") && !c.audit && !strings.Contains(text, "title_fold>?") && !strings.Contains(text, "next_review_at>?") {
			t.Errorf("%s does not start the next page by an index range:\n%s", name, text)
		}
		// Each part of a filtered audit list seeks by the filter, not by what every entry of
		// the part shares (the system entries' kind: every login of the trail).
		for col, filtered := range map[string]string{"action=?": "audit by action", "actor=?": "audit by actor"} {
			if name != filtered {
				continue
			}
			for _, line := range plan {
				if strings.HasPrefix(line, "SEARCH a ") && !strings.Contains(line, col) {
					t.Errorf("%s: a part does not seek by %s:\n%s", name, col, text)
				}
			}
		}
		if !c.audit && strings.Contains(text, "TEMP B-TREE FOR ORDER BY") {
			t.Errorf("%s sorts instead of reading an index in order:\n%s", name, text)
		}
	}
}

// planStore is an empty SQLite store, migrated, whose planner sees no statistics (as in
// production files), closed at the end of the test.
func planStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// explainSQLite is SQLite's plan of c, one line per step.
func explainSQLite(t *testing.T, s *Store, name string, c hotQuery) []string {
	t.Helper()
	query, args, err := s.in("EXPLAIN QUERY PLAN "+c.q, c.args...)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := s.r.QueryContext(context.Background(), query, args...)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	return plan
}

type hotQuery struct {
	q     string
	args  []any
	audit bool
}

// hotQueries are the statements behind the lists every page shows, as the store builds them.
func hotQueries(t *testing.T, d *dialect) map[string]hotQuery {
	today := domain.NewDate(2026, 12, 2)
	from, to := domain.DueFilterOverdue.Bounds(today)
	all := domain.Visibility{All: true}
	owner := domain.Visibility{UnitIDs: []int64{3, 4, 5}, OwnerID: 9}
	kinds := []KindScope{{Kind: domain.KindDocument, Visible: all}, {Kind: domain.KindControl, Visible: all}}
	due := func(q DueQuery) (string, []any) {
		where, args, err := dueWhere(q)
		if err != nil {
			t.Fatal(err)
		}
		return `SELECT ` + dueItemColumns + where + ` ORDER BY r.next_review_at, r.id LIMIT 50`, args
	}
	after := &domain.Cursor{Key: "rutin för x", ID: 10}
	cases := map[string]hotQuery{}
	add := func(name string, q string, args []any, audit bool) { cases[name] = hotQuery{q, args, audit} }
	q, a := due(DueQuery{MunicipalityID: 1, Visible: all, From: from, To: to, Kinds: kinds})
	add("due list, coordinator", q, a, false)
	q, a = due(DueQuery{MunicipalityID: 1, Visible: owner, From: from, To: to, Kinds: kinds})
	add("due list, information owner", q, a, false)
	q, a = due(DueQuery{MunicipalityID: 1, Visible: all, After: &domain.Cursor{Key: "2026-01-01", ID: 5}, Kinds: kinds})
	add("due list, next page", q, a, false)
	q, a = documentsQuery(1, all, DocumentFilter{Limit: 101})
	add("documents, first page", q, a, false)
	q, a = documentsQuery(1, all, DocumentFilter{Limit: 101, After: after})
	add("documents, next page", q, a, false)
	q, a = documentsQuery(1, domain.Visibility{UnitIDs: []int64{3}, Published: true}, DocumentFilter{Limit: 101, Type: domain.DocRutin})
	add("documents, owner, by type", q, a, false)
	add("reminder planner, first records", planFirstSQL, []any{today, domain.NewDate(1, 1, 1), 0, DefaultPlanBatch}, false)
	add("reminder planner, counts of owners", planCountSQL, []any{[]int64{3, 9, 12}, today}, false)
	add("reminder planner, their owners' records", planOwnersSQL, []any{[]int64{3, 9, 12}, today}, false)
	add("audit date bound, municipality", auditSeekSQL("municipality_id = ?", "at < ?", "DESC"), []any{1, "2026-01-14T23:50:00Z"}, false)
	add("audit date bound, system", auditSeekSQL("municipality_id IS NULL", "at >= ?", "ASC"), []any{"2026-01-16T00:10:00Z"}, false)
	for name, f := range map[string]AuditFilter{
		"audit":            {MunicipalityID: 1, Limit: 50},
		"audit by kind":    {MunicipalityID: 1, Kind: "document", Limit: 50},
		"audit by action":  {MunicipalityID: 1, Action: "review", Limit: 50},
		"audit by actor":   {MunicipalityID: 1, Actor: "anna", Limit: 50},
		"audit by record":  {MunicipalityID: 1, Kind: "document", RecordID: 7, Limit: 50},
		"audit by day":     {MunicipalityID: 1, From: "2026-01-15", To: "2026-01-15", Limit: 50},
		"audit, next page": {MunicipalityID: 1, BeforeID: 1000, Limit: 50},
	} {
		q, a := auditQuery(f, d)
		add(name, q, a, true)
	}
	return cases
}

// The statements that read what belongs to a short list of risks (a register page's links
// and acceptances, a risk's actions) or a range of acceptances start from that list or range
// and reach the records by key: SQLite, without statistics, would otherwise prefer to walk
// every record of the municipality by municipality_id (on kommun-L, 140,000 of them, for each
// of a page's hundred ids: 2 s a page).
func TestRiskListsStartFromTheirLists(t *testing.T) {
	s := planStore(t)
	ids := []int64{11, 12, 13, 14}
	byMunicipality := regexp.MustCompile(`INDEX records_\w+ \(municipality_id=`)
	for name, c := range map[string]hotQuery{
		"a page's assets":      {q: riskAssetsSQL(s.d), args: []any{1, ids}},
		"a page's controls":    {q: riskControlsSQL(s.d), args: []any{1, ids}},
		"a page's acceptances": {q: acceptancesSQL(s.d, latestAcceptanceCond), args: []any{1, ids}},
		"a risk's actions":     {q: actionsOfRiskSQL(s.d, "1=1"), args: []any{1, domain.KindRiskAction, 11}},
		"expiring acceptances": {q: expiringSQL(s.d, "1=1", 6), args: []any{1, domain.KindRisk, []string{"closed"}, "2026-12-02", "2027-01-01"}},
	} {
		text := explainSQLite(t, s, name, c)
		if joined := strings.Join(text, "\n"); byMunicipality.MatchString(joined) || strings.Contains(joined, "SCAN ") {
			t.Errorf("%s walks the municipality's records:\n%s", name, joined)
		}
	}
}

// A re-derivation reads what the affected assets carry, and their overrides, by key: with the
// set joined instead, SQLite scanned every carrying link of the database for each classification.
func TestRederivationReadsByKey(t *testing.T) {
	s := planStore(t)
	scan := regexp.MustCompile(`SCAN (a|c|o)\b`)
	for name, q := range map[string]string{"affected": rederiveAffectedSQL, "carried": rederiveCarriedSQL(s.d), "overrides": rederiveOverridesSQL(s.d)} {
		text := strings.Join(explainSQLite(t, s, name, hotQuery{q: q, args: []any{[]int64{7}}}), "\n")
		if scan.MatchString(text) {
			t.Errorf("re-derivation, %s, scans a table:\n%s", name, text)
		}
	}
}

// A role's holders are found by municipality and role, not among all the municipality's
// assignments (kommun-L: 11 coordinators among 3,005).
func TestRoleHoldersByIndex(t *testing.T) {
	s := planStore(t)
	text := strings.Join(explainSQLite(t, s, "role holders", hotQuery{q: roleHoldersSQL, args: []any{1, domain.RoleCoordinator, false, 0}}), "\n")
	if !strings.Contains(text, "role_assignments_role (municipality_id=? AND role=?") || strings.Contains(text, "TEMP B-TREE") {
		t.Errorf("role holders not read by municipality and role in order:\n%s", text)
	}
	// Likewise a user's unread notifications in a municipality: from the unread ones, in order.
	text = strings.Join(explainSQLite(t, s, "unread notifications", hotQuery{q: unreadInSQL, args: []any{2, 1, 11}}), "\n")
	if !strings.Contains(text, "notifications_unread (user_id=? AND municipality_id=?)") || strings.Contains(text, "TEMP B-TREE") {
		t.Errorf("unread notifications not read from the unread ones in order:\n%s", text)
	}
}

// On PostgreSQL the same statements can be served by an index: with sequential and bitmap
// scans and sorts priced out of reach (enable_seqscan = off: an empty test database would otherwise rightly prefer
// them), no plan reads records or audit_log whole, and the lists need no sort.
func TestHotQueriesUseIndexesOnPostgres(t *testing.T) {
	admin := os.Getenv("LISA_TEST_POSTGRES")
	if admin == "" {
		if os.Getenv("LISA_REQUIRE_POSTGRES") == "1" {
			t.Fatal("LISA_REQUIRE_POSTGRES=1 but LISA_TEST_POSTGRES names no PostgreSQL server")
		}
		t.Skip("no PostgreSQL server: set LISA_TEST_POSTGRES")
	}
	ctx := context.Background()
	adb, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	defer adb.Close()
	name := fmt.Sprintf("lisa_plan_%d", time.Now().UnixNano())
	if _, err := adb.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatal(err)
	}
	defer adb.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	s, err := Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	conn, err := s.r.Connx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Bitmap scans and sorts too: on the empty database a range such as the planner's
	// remind_at <= today is estimated at a few dozen rows, which a scan and a sort would rightly
	// serve; priced out, a sort is still chosen where no index gives the order.
	for _, set := range []string{`SET enable_seqscan = off`, `SET enable_bitmapscan = off`, `SET enable_sort = off`} {
		if _, err := conn.ExecContext(ctx, set); err != nil {
			t.Fatal(err)
		}
	}
	// A prepared statement may switch to its generic plan, made without the parameters'
	// values: the audit trail filtered by action must still seek by the action in every part
	// (its generic plan walked every system entry when the index led with the action alone).
	q, a := auditQuery(AuditFilter{MunicipalityID: 1, Action: "review", Limit: 50}, s.d)
	if _, err := conn.ExecContext(ctx, `PREPARE byaction AS `+s.rebind(q)); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `SET plan_cache_mode = force_generic_plan`); err != nil {
		t.Fatal(err)
	}
	var lits []string
	for _, v := range a {
		if str, ok := v.(string); ok {
			lits = append(lits, "'"+str+"'")
		} else {
			lits = append(lits, fmt.Sprint(v))
		}
	}
	var generic []string
	if err := conn.SelectContext(ctx, &generic, `EXPLAIN EXECUTE byaction(`+strings.Join(lits, ", ")+`)`); err != nil {
		t.Fatal(err)
	}
	if text := strings.Join(generic, "\n"); strings.Count(text, "audit_log_free_kind_action") != 2 || strings.Contains(text, "Filter: ((kind") {
		t.Errorf("the generic plan of the audit trail by action does not seek by kind and action in the system parts:\n%s", text)
	}
	if _, err := conn.ExecContext(ctx, `RESET plan_cache_mode`); err != nil {
		t.Fatal(err)
	}
	seq := regexp.MustCompile(`Seq Scan on (records|audit_log|documents)\b`)
	for name, c := range hotQueries(t, s.d) {
		query, args, err := s.in("EXPLAIN "+c.q, c.args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		if err := conn.SelectContext(ctx, &plan, query, args...); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		text := strings.Join(plan, "\n")
		if seq.MatchString(text) {
			t.Errorf("%s reads a table whole:\n%s", name, text)
		}
		if !c.audit && strings.Contains(text, "Sort  (") {
			t.Errorf("%s sorts instead of reading an index in order:\n%s", name, text)
		}
	}
}

// The SQLite readers stay open once opened: a connection closed after a burst would read the
// schema and compile its statements again on the next (database/sql keeps two by default).
func TestSQLiteReadersStayOpen(t *testing.T) {
	s := planStore(t)
	ctx := context.Background()
	var conns []*sql.Conn
	for range 8 {
		c, err := s.r.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	for _, c := range conns {
		c.Close()
	}
	if st := s.r.Stats(); st.Idle != 8 || st.MaxIdleClosed != 0 {
		t.Errorf("after a burst of 8 readers: %d idle, %d closed as surplus", st.Idle, st.MaxIdleClosed)
	}
}

// A level, score or cell filter is planned with its value known: the numbers are written into
// the statement, not bound (PostgreSQL's generic plan took any score range for a few rows, and
// read and sorted all 30,000 risks of kommun-L for "level high").
func TestLevelFiltersAreWrittenIn(t *testing.T) {
	l := riskList(RiskFilter{ScoreMin: 10, ScoreMax: 15, Likelihood: 3, Consequence: 4, Residual: true, Limit: 101})
	q, args := l.statement(riskSelect, 3, domain.KindRisk, domain.Visibility{All: true})
	for _, want := range []string{"k.score >= 10", "k.score <= 15", "k.residual_likelihood = 3", "k.residual_consequence = 4"} {
		if !strings.Contains(q, want) {
			t.Errorf("%q not in the statement:\n%s", want, q)
		}
	}
	if len(args) != 2 { // the municipality and the kind
		t.Errorf("arguments %v: a level is bound", args)
	}
}
