package web

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/demo"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// The load benchmark of kommun-L (issue #7): real HTTP on loopback, 32 concurrent clients per
// endpoint, every role logged in, and in the same run two references — a bare gin handler
// answering JSON of the size of a document's answer (the framework's limit) and each list's
// store query alone (the storage limit). It prints per endpoint requests per second,
// p50/p95/p99 and the ratios. Build the dataset once, then run:
//
//	go run ./cmd/lisa demo --size large --db /tmp/kl/l.db   # Ctrl-C once it listens
//	LISA_LOAD_DB=/tmp/kl/l.db go test -run '^$' -bench KommunL -benchtime 1x -timeout 30m ./internal/web
//
// (LISA_LOAD_DB=postgres://… for PostgreSQL; LISA_LOAD_SECONDS sets the time per endpoint,
// default 3; LISA_LOAD_ONLY=text drives only the endpoints whose names contain it, e.g. to
// profile one with -cpuprofile, and only the SQL-alone references they compare with.) No figure fails the benchmark: it measures. CPU/request is
// this process's CPU time (the server and the 32 clients together) per request: on 2 cores,
// 32 clients queue, so p50 is about 16 × CPU/request whatever the code does. The detail pages
// and a few lists are driven by one client alone as well: what one user waits.
// LISA_LOAD_HEAPPROFILE=file writes a heap profile at the end, while the server still runs.

const loadClients = 32

type loadResult struct {
	name          string
	n             int
	errs          int
	rps           float64
	p50, p95, p99 time.Duration
	cpu           time.Duration // CPU time of this process (server and clients) per request
}

// cpuTime is the CPU time this process has used (user and system).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// drive runs do from loadClients goroutines for d and measures each call.
func drive(name string, d time.Duration, do func(i int) error) loadResult {
	return driveClients(name, loadClients, d, do)
}

// driveClients runs do from clients goroutines for d and measures each call.
func driveClients(name string, clients int, d time.Duration, do func(i int) error) loadResult {
	deadline := time.Now().Add(d)
	return driveWhile(name, clients, func() bool { return time.Now().Before(deadline) }, do)
}

// driveWhile runs do from clients goroutines as long as going reports true.
func driveWhile(name string, clients int, going func() bool, do func(i int) error) loadResult {
	var mu sync.Mutex
	var lat []time.Duration
	errs := 0
	var wg sync.WaitGroup
	start, cpu0 := time.Now(), cpuTime()
	for w := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			bad := 0
			for i := w; going(); i += clients {
				t0 := time.Now()
				if err := do(i); err != nil {
					bad++
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat, errs = append(lat, mine...), errs+bad
			mu.Unlock()
		}()
	}
	wg.Wait()
	el, cpu := time.Since(start), cpuTime()-cpu0
	slices.Sort(lat)
	q := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(float64(len(lat))*p))]
	}
	r := loadResult{name: name, n: len(lat), errs: errs, rps: float64(len(lat)) / el.Seconds(), p50: q(0.50), p95: q(0.95), p99: q(0.99)}
	if len(lat) > 0 {
		r.cpu = cpu / time.Duration(len(lat))
	}
	return r
}

type loadClient struct {
	c    *http.Client
	base string
	csrf string
}

func (lc *loadClient) do(method, path string, body any) error {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, lc.base+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", lc.csrf)
	}
	res, err := lc.c.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if _, err := io.Copy(io.Discard, res.Body); err != nil {
		return err
	}
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d", method, path, res.StatusCode)
	}
	return nil
}

func BenchmarkKommunL(b *testing.B) {
	dsn := os.Getenv("LISA_LOAD_DB")
	if dsn == "" {
		b.Skip("LISA_LOAD_DB names no kommun-L database (see the comment above BenchmarkKommunL)")
	}
	per := 3 * time.Second
	if v := os.Getenv("LISA_LOAD_SECONDS"); v != "" {
		if d, err := time.ParseDuration(v + "s"); err == nil {
			per = d
		}
	}
	// As `lisa serve` does: the C side's malloc arenas capped, the Go runtime's soft memory
	// limit (here it covers the 32 clients too).
	app.LimitMallocArenas()
	if os.Getenv("GOMEMLIMIT") == "" {
		if err := app.ApplyMemoryLimit(cmp.Or(os.Getenv("LISA_MEMORY_LIMIT"), app.DefaultMemoryLimit)); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	s, err := store.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	a, err := app.New(s)
	if err != nil {
		b.Fatal(err)
	}
	if ok, err := demo.HasLarge(ctx, a); err != nil || !ok {
		b.Fatalf("%s holds no kommun-L data (%v): build it with `lisa demo --size large --db …`", store.Redact(dsn), err)
	}
	srv, err := New(a, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	login := func(user string) *loadClient {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, Transport: &http.Transport{MaxIdleConnsPerHost: loadClients * 2}, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		body, _ := json.Marshal(map[string]string{"username": user, "password": demo.Password})
		res, err := c.Post(hs.URL+"/api/v1/login", "application/json", bytes.NewReader(body))
		if err != nil || res.StatusCode != http.StatusOK {
			b.Fatalf("login %s: %v %v", user, res, err)
		}
		var out struct {
			CSRF string `json:"csrf_token"`
		}
		_ = json.NewDecoder(res.Body).Decode(&out)
		res.Body.Close()
		return &loadClient{c: c, base: hs.URL, csrf: out.CSRF}
	}
	coord, auditor, owner, staff, mgmt := login("samordnare"), login("revisor"), login("agare"), login("medarbetare"), login("ledning")
	coordCaller, err := a.CallerByUsername(ctx, "samordnare")
	if err != nil {
		b.Fatal(err)
	}
	var mun int64
	ms, _ := a.Municipalities(ctx, coordCaller)
	for _, m := range ms {
		if m.Name == demo.LargeName {
			mun = m.ID
		}
	}
	docs, err := a.Documents(ctx, coordCaller, mun, store.DocumentFilter{Limit: 1000})
	if err != nil || len(docs) == 0 {
		b.Fatal(err)
	}
	docIDs := make([]int64, len(docs))
	for i, d := range docs {
		docIDs[i] = d.ID
	}
	m := fmt.Sprintf("/m/%d", mun)
	api := fmt.Sprintf("/api/v1/municipalities/%d", mun)
	doc := func(i int) int64 { return docIDs[i%len(docIDs)] }
	var setIDs, sysIDs []int64
	for kind, ids := range map[domain.AssetKind]*[]int64{domain.AssetInformation: &setIDs, domain.AssetSystem: &sysIDs} {
		// Active ones: a retired asset is read like any, but refuses a classification (409).
		assets, err := a.Assets(ctx, coordCaller, mun, store.AssetFilter{Kind: kind, Status: domain.AssetActive, Limit: 1000})
		if err != nil || len(assets) == 0 {
			b.Fatalf("no assets of kind %s in kommun-L (rebuild it): %v", kind, err)
		}
		for _, as := range assets {
			*ids = append(*ids, as.ID)
		}
	}
	// Risks: the first 1,000 of the register for the reads; for the writes, disjoint sets of
	// open risks that the writes leave valid (residual values at most the inherent ones;
	// accepted risks, which management may accept whatever their level).
	rk, err := loadRisks(ctx, a, coordCaller, mun)
	if err != nil {
		b.Fatal(err)
	}
	riskOf := func(ids []int64) func(int) int64 { return func(i int) int64 { return ids[i%len(ids)] } }
	ik, err := loadIncidents(ctx, a, coordCaller, mun)
	if err != nil {
		b.Fatal(err)
	}
	incident, breach, plan := riskOf(ik.read), riskOf(ik.breaches), riskOf(ik.plans)
	staffUnit := docs[0].OrgUnitID
	discovered := s.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	risk, putRisk, acceptRisk := riskOf(rk.read), riskOf(rk.put), riskOf(rk.accept)
	validUntil := s.Today().AddMonths(6).String()
	set := func(i int) int64 { return setIDs[i%len(setIDs)] }
	system := func(i int) int64 { return sysIDs[i%len(sysIDs)] }
	sqlAloneAssets := func(f store.AssetFilter) func(int) error {
		return func(int) error { _, err := s.ListAssets(ctx, mun, domain.Visibility{All: true}, f); return err }
	}

	// The references. The bare handler answers JSON of the size of one document's answer.
	sample, _ := json.Marshal(docs[0])
	bare := gin.New()
	bare.GET("/x", func(c *gin.Context) { c.Data(http.StatusOK, "application/json", sample) })
	bs := httptest.NewServer(bare)
	defer bs.Close()
	bareClient := &loadClient{c: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: loadClients * 2}}, base: bs.URL}
	ref := drive("bare gin, JSON of a document's size", per, func(int) error { return bareClient.do("GET", "/x", nil) })
	all := domain.Visibility{All: true}
	three := 3
	sqlAloneRisks := func(f store.RiskFilter) func(int) error {
		return func(int) error { _, err := s.ListRisks(ctx, mun, all, f); return err }
	}
	// The store's queries alone, each run when an endpoint driven compares with it.
	type sqlRef struct {
		key, name string
		run       func(i int) error
	}
	sqlRefs := []sqlRef{
		{"document", "SQL alone: one document", func(i int) error { _, err := s.GetDocument(ctx, mun, doc(i)); return err }},
		{"documents", "SQL alone: documents, first 100", func(int) error {
			_, err := s.ListDocuments(ctx, mun, all, store.DocumentFilter{Limit: 101})
			return err
		}},
		{"reviews", "SQL alone: overdue reviews, first 100", func(int) error {
			from, to := domain.DueFilterOverdue.Bounds(s.Today())
			_, err := s.Dues(ctx, store.DueQuery{MunicipalityID: mun, Visible: all, From: from, To: to, Limit: 101})
			return err
		}},
		{"assets", "SQL alone: assets, first 100", sqlAloneAssets(store.AssetFilter{Limit: 101})},
		{"assets level 3", "SQL alone: systems with a level ≥ 3, first 100", sqlAloneAssets(store.AssetFilter{Kind: domain.AssetSystem, MinLevel: &three, Limit: 101})},
		{"asset", "SQL alone: one asset", func(i int) error { _, err := s.GetAsset(ctx, mun, system(i)); return err }},
		{"risks", "SQL alone: risks, first 100", sqlAloneRisks(store.RiskFilter{Limit: 101})},
		{"risks high", "SQL alone: risks of level high, first 100", sqlAloneRisks(store.RiskFilter{ScoreMin: rk.highMin, ScoreMax: rk.highMax, Limit: 101})},
		{"risks unit", "SQL alone: risks of one unit, first 100", sqlAloneRisks(store.RiskFilter{OrgUnitID: rk.unit, Limit: 101})},
		{"risk", "SQL alone: one risk", func(i int) error { _, err := s.GetRisk(ctx, mun, risk(i)); return err }},
		{"heat", "SQL alone: heat map counts, after treatment", func(int) error { _, err := s.RiskHeat(ctx, mun, all, true, 0); return err }},
		{"incidents", "SQL alone: incidents, first 100", func(int) error {
			_, err := s.ListIncidents(ctx, mun, all, store.IncidentFilter{Limit: 101})
			return err
		}},
		{"incident", "SQL alone: one incident", func(i int) error { _, err := s.GetIncident(ctx, mun, incident(i)); return err }},
		{"clocks", "SQL alone: open clocks, first 10 (the dashboard's panel)", func(int) error { _, err := s.OpenClocks(ctx, mun, all, 10); return err }},
		{"stats month", "SQL alone: incident statistics by month", func(int) error { _, err := s.IncidentStats(ctx, mun, all, "month", 12); return err }},
		{"stats category", "SQL alone: incident statistics by category", func(int) error {
			_, err := s.IncidentStats(ctx, mun, all, "category", 12)
			return err
		}},
		{"analyses", "SQL alone: risk analyses, first 100", func(int) error {
			_, err := s.ListRiskAnalyses(ctx, mun, all, store.RiskAnalysisFilter{Limit: 101})
			return err
		}},
	}

	type ep struct {
		name, sql string
		run       func(i int) error
	}
	get := func(c *loadClient, path string) func(int) error {
		return func(int) error { return c.do("GET", path, nil) }
	}
	eps := []ep{
		{"GET document (JSON), coordinator", "document", func(i int) error { return coord.do("GET", fmt.Sprintf("%s/documents/%d", api, doc(i)), nil) }},
		{"GET document page, coordinator", "", func(i int) error { return coord.do("GET", fmt.Sprintf("%s/documents/%d", m, doc(i)), nil) }},
		{"GET documents (JSON, first 100)", "documents", get(coord, api+"/documents")},
		{"GET documents page", "", get(coord, m+"/documents")},
		{"GET documents page, information owner", "", get(owner, m+"/documents")},
		{"GET documents page, staff (adopted)", "", get(staff, m+"/documents")},
		{"GET dashboard", "", get(coord, m)},
		{"GET overdue reviews (JSON)", "reviews", get(coord, api+"/reviews?due=overdue")},
		{"GET review list page", "", get(coord, m+"/reviews?due=overdue")},
		{"GET SoA page", "", get(coord, m+"/soa")},
		{"GET SoA row page 5.24", "", get(coord, m+"/soa/5.24")},
		{"GET gap analysis", "", get(coord, m+"/gap")},
		{"GET calendar", "", get(coord, m+"/calendar")},
		{"GET audit trail page, auditor", "", get(auditor, m+"/audit")},
		{"GET audit, kind=document", "", get(auditor, api+"/audit?kind=document")},
		{"GET audit, action=review", "", get(auditor, api+"/audit?action=review")},
		{"GET audit, actor=storstad-0500", "", get(auditor, api+"/audit?actor=storstad-0500")},
		{"GET audit, actor without entries", "", get(auditor, api+"/audit?actor=nobody")},
		{"GET audit, one day", "", get(auditor, api+"/audit?from=2026-01-15&to=2026-01-15")},
		{"GET assets (JSON, first 100)", "assets", get(coord, api+"/assets")},
		{"GET assets (JSON), systems level ≥ 3", "assets level 3", get(coord, api+"/assets?kind=system&min_level=3")},
		{"GET asset (JSON), a system", "asset", func(i int) error { return coord.do("GET", fmt.Sprintf("%s/assets/%d", api, system(i)), nil) }},
		{"GET asset register page", "", get(coord, m+"/assets")},
		{"GET asset register, confidentiality ≥ 3", "", get(coord, m+"/assets?aspect=confidentiality&min_level=3")},
		{"GET asset register, information owner", "", get(owner, m+"/assets")},
		{"GET asset page, a system", "", func(i int) error { return coord.do("GET", fmt.Sprintf("%s/assets/%d", m, system(i)), nil) }},
		{"GET asset page, a set", "", func(i int) error { return coord.do("GET", fmt.Sprintf("%s/assets/%d", m, set(i)), nil) }},
		{"GET risks (JSON, first 100)", "risks", get(coord, api+"/risks")},
		{"GET risks (JSON), level high", "risks high", get(coord, api+"/risks?level=high")},
		{"GET risks (JSON), one unit", "risks unit", get(coord, fmt.Sprintf("%s/risks?org_unit_id=%d", api, rk.unit))},
		{"GET risk (JSON)", "risk", func(i int) error { return coord.do("GET", fmt.Sprintf("%s/risks/%d", api, risk(i)), nil) }},
		{"GET risk register page", "", get(coord, m+"/risks")},
		{"GET risk register, level high", "", get(coord, m+"/risks?level=high")},
		{"GET risk register, one unit", "", get(coord, fmt.Sprintf("%s/risks?org_unit_id=%d", m, rk.unit))},
		{"GET risk register, information owner", "", get(owner, m+"/risks")},
		{"GET risk page", "", func(i int) error { return coord.do("GET", fmt.Sprintf("%s/risks/%d", m, risk(i)), nil) }},
		{"GET heat map page (before and after treatment)", "", get(coord, m+"/heatmap")},
		{"GET heat map page, one unit", "", get(coord, fmt.Sprintf("%s/heatmap?org_unit_id=%d", m, rk.unit))},
		{"GET heat map (JSON), before treatment", "heat", get(coord, api+"/heatmap?residual=0")},
		{"GET heat map (JSON), after treatment", "heat", get(coord, api+"/heatmap?residual=1")},
		{"GET heat map (JSON), information owner", "", get(owner, api+"/heatmap?residual=1")},
		{"GET risk analyses (JSON, first 100)", "analyses", get(coord, api+"/risk-analyses")},
		{"GET risk analyses page", "", get(coord, m+"/risk-analyses")},
		{"GET dashboard, ledning (risk decisions waiting, acceptances running out)", "", get(mgmt, m)},
		{"GET incident register page", "", get(coord, m+"/incidents")},
		{"GET incident register, status=reported", "", get(coord, m+"/incidents?status=reported")},
		{"GET incident register, clock=open", "", get(coord, m+"/incidents?clock=open")},
		{"GET incident register, clock=overdue", "", get(coord, m+"/incidents?clock=overdue")},
		{"GET incident register, one unit", "", get(coord, fmt.Sprintf("%s/incidents?unit=%d", m, ik.unit))},
		{"GET incident register, staff (own reports)", "", get(staff, m+"/incidents")},
		{"GET incidents (JSON, first 100)", "incidents", get(coord, api+"/incidents")},
		{"GET incidents (JSON), staff (own reports)", "", get(staff, api+"/incidents")},
		{"GET incident page", "", func(i int) error { return coord.do("GET", fmt.Sprintf("%s/incidents/%d", m, incident(i)), nil) }},
		{"GET incident (JSON)", "incident", func(i int) error { return coord.do("GET", fmt.Sprintf("%s/incidents/%d", api, incident(i)), nil) }},
		{"GET dashboard with incident clocks, coordinator", "clocks", get(coord, m)},
		{"GET incident statistics (JSON), by month", "stats month", get(coord, api+"/incident-statistics?by=month")},
		{"GET incident statistics (JSON), by category", "stats category", get(coord, api+"/incident-statistics?by=category")},
		{"GET incident report pack gdpr_imy.json, an open breach", "", func(i int) error {
			return coord.do("GET", fmt.Sprintf("%s/incidents/%d/reports/gdpr_imy.json", api, breach(i)), nil)
		}},
		{"POST incident report as staff (API)", "", func(i int) error {
			return staff.do("POST", api+"/incidents", map[string]any{"title": fmt.Sprintf("Lasttest %d", i), "description": "Borttappad telefon",
				"discovered_at": discovered, "org_unit_id": staffUnit, "personal_data": i%3 == 0})
		}},
		{"GET continuity plan PDF (API)", "", func(i int) error {
			return coord.do("GET", fmt.Sprintf("%s/continuity-plans/%d.pdf", api, plan(i)), nil)
		}},
		{"GET continuity plans PDF of the unit with the most plans", "", get(coord, fmt.Sprintf("%s/continuity-plans.pdf?unit=%d", m, ik.planUnit))},
		{"PUT a risk's residual values (API)", "", func(i int) error {
			return coord.do("PUT", fmt.Sprintf("%s/risks/%d", api, putRisk(i)), map[string]int{"residual_likelihood": 1 + i%2, "residual_consequence": 1 + (i/2)%2})
		}},
		{"POST acceptance of a risk as ledning (API)", "", func(i int) error {
			return mgmt.do("POST", fmt.Sprintf("%s/risks/%d/acceptance", api, acceptRisk(i)), map[string]string{"justification": "Lasttest", "valid_until": validUntil})
		}},
		{"PUT classification of a set (API)", "", func(i int) error {
			l := 1 + i%3
			return coord.do("PUT", fmt.Sprintf("%s/assets/%d/classification", api, set(i)), map[string]any{"confidentiality": l, "integrity": l,
				"availability": l, "traceability": l, "rationale": "Lasttest"})
		}},
		{"POST comment (API)", "", func(i int) error {
			return coord.do("POST", fmt.Sprintf("%s/documents/%d/comments", api, doc(i)), map[string]string{"body": "Lasttest"})
		}},
		{"POST mark reviewed (API)", "", func(i int) error {
			return coord.do("POST", fmt.Sprintf("%s/documents/%d/review", api, doc(i)), map[string]string{})
		}},
		{"POST new document (API)", "", func(i int) error {
			return coord.do("POST", api+"/documents", map[string]any{"title": fmt.Sprintf("Lasttest %d", i), "type": "rutin", "org_unit_id": docs[i%len(docs)].OrgUnitID})
		}},
		{"PUT document title (API)", "", func(i int) error {
			return coord.do("PUT", fmt.Sprintf("%s/documents/%d", api, doc(i)), map[string]string{"description": fmt.Sprintf("Lasttest %d", i)})
		}},
	}
	// The pages also driven by one client alone: what one user waits, without 31 others queued
	// ahead on two cores.
	alone := []string{"GET document page, coordinator", "GET documents page", "GET dashboard", "GET SoA row page 5.24", "GET asset page, a system",
		"GET risk register page", "GET risk page", "GET incident register page", "GET incident page"}
	var out strings.Builder
	fmt.Fprintf(&out, "\nkommun-L on %s, %d clients, %v per endpoint\n\n", s.Dialect(), loadClients, per)
	fmt.Fprintf(&out, "| endpoint | req/s | p50 | p95 | p99 | CPU/request | req/s vs bare gin | p50 vs SQL alone | CPU vs SQL alone | errors |\n|---|---|---|---|---|---|---|---|---|---|\n")
	sqlAlone := map[string]loadResult{}
	row := func(r loadResult, sql string) {
		vsSQL, cpuVsSQL := "", ""
		if ref, ok := sqlAlone[sql]; ok && ref.p50 > 0 && ref.cpu > 0 {
			vsSQL, cpuVsSQL = fmt.Sprintf("%.1f×", float64(r.p50)/float64(ref.p50)), fmt.Sprintf("%.1f×", float64(r.cpu)/float64(ref.cpu))
		}
		fmt.Fprintf(&out, "| %s | %.0f | %v | %v | %v | %v | %.1f %% | %s | %s | %d |\n", r.name, r.rps, r.p50.Round(10*time.Microsecond),
			r.p95.Round(10*time.Microsecond), r.p99.Round(10*time.Microsecond), r.cpu.Round(10*time.Microsecond), 100*r.rps/ref.rps, vsSQL, cpuVsSQL, r.errs)
	}
	row(ref, "")
	only := os.Getenv("LISA_LOAD_ONLY") // parts of the endpoints' names (a|b: either), to profile one
	driven := func(name string) bool {
		if only == "" {
			return true
		}
		for _, part := range strings.Split(only, "|") {
			if part != "" && strings.Contains(name, part) {
				return true
			}
		}
		return false
	}
	for _, r := range sqlRefs {
		if slices.ContainsFunc(eps, func(e ep) bool { return e.sql == r.key && driven(e.name) }) {
			sqlAlone[r.key] = drive(r.name, per, r.run)
			row(sqlAlone[r.key], "")
		}
	}
	for _, e := range eps {
		if driven(e.name) {
			row(drive(e.name, per, e.run), e.sql)
			if slices.Contains(alone, e.name) {
				row(driveClients(e.name+", one client alone", 1, per, e.run), "")
			}
		}
	}
	// The server's memory after serving every line above; the planner's part below begins with
	// the benchmark's own reset of every record's reminders through the bulk loader (whose
	// page cache of up to 512 MB glibc keeps once used), which no server does.
	fmt.Fprintf(&out, "\nmemory of the benchmark process (server and clients) after the requests: %s\n", procMemory())
	if only == "" || driven("reminder planner") {
		plannerUnderLoad(b, ctx, s, &out, func(i int) error {
			return coord.do("PUT", fmt.Sprintf("%s/documents/%d", api, doc(i)), map[string]string{"description": fmt.Sprintf("Lasttest %d", i)})
		}, row)
	}
	fmt.Fprintf(&out, "\nmemory of the benchmark process at the end (after the reset and the planner's first pass): %s\n", procMemory())
	fmt.Print(out.String())
}

// loadRisks are the risks of kommun-L the benchmark drives: read (the first 1,000 of the
// register), put (open reduced risks without an acceptance whose inherent values are at
// least 2, so that residual values of 1–2 are never above them), accept (other open risks,
// accepted), the unit with the most risks among those, and the scores of level high.
type loadRiskSet struct {
	read, put, accept []int64
	unit              int64
	highMin, highMax  int
}

func loadRisks(ctx context.Context, a *app.App, c app.Caller, mun int64) (loadRiskSet, error) {
	var out loadRiskSet
	rs, m, err := a.Risks(ctx, c, mun, app.RiskQuery{RiskFilter: store.RiskFilter{Limit: 5000}})
	if err != nil {
		return out, err
	}
	perUnit := map[int64]int{}
	for i, r := range rs {
		if i < 1000 {
			out.read = append(out.read, r.ID)
		}
		perUnit[r.OrgUnitID]++
		if perUnit[r.OrgUnitID] > perUnit[out.unit] {
			out.unit = r.OrgUnitID
		}
		switch open := r.Status != "closed"; {
		case open && r.Treatment == domain.TreatReduce && r.Acceptance == nil && r.Likelihood >= 2 && r.Consequence >= 2 && len(out.put) < 500:
			out.put = append(out.put, r.ID)
		case open && r.Treatment == domain.TreatAccept && len(out.accept) < 500:
			out.accept = append(out.accept, r.ID)
		}
	}
	if len(out.read) == 0 || len(out.put) == 0 || len(out.accept) == 0 {
		return out, fmt.Errorf("kommun-L has %d risks, %d to re-score and %d to accept: rebuild it with `lisa demo --size large`", len(out.read), len(out.put), len(out.accept))
	}
	out.highMin, out.highMax, _ = m.ScoreRange(domain.RiskHigh)
	return out, nil
}

// loadIncidentSet are the incidents and plans of kommun-L the benchmark drives: read (the
// first 1,000 of the register, the newest), breaches (open personal data breaches whose 72
// hours run or ran out: their report packs), the unit with the most of those incidents, plans
// (the first 1,000 plans' ids) and the unit with the most plans.
type loadIncidentSet struct {
	read, breaches, plans []int64
	unit, planUnit        int64
}

func loadIncidents(ctx context.Context, a *app.App, c app.Caller, mun int64) (loadIncidentSet, error) {
	var out loadIncidentSet
	incs, err := a.Incidents(ctx, c, mun, store.IncidentFilter{Limit: 1000})
	if err != nil {
		return out, err
	}
	perUnit := map[int64]int{}
	for _, inc := range incs {
		out.read = append(out.read, inc.ID)
		if perUnit[inc.OrgUnitID]++; perUnit[inc.OrgUnitID] > perUnit[out.unit] {
			out.unit = inc.OrgUnitID
		}
	}
	open, err := a.Incidents(ctx, c, mun, store.IncidentFilter{Clock: "open", Limit: 1000})
	if err != nil {
		return out, err
	}
	for _, inc := range open {
		if cl, ok := inc.Clock(domain.ClockGDPR); ok && inc.Report(domain.ClockGDPR) == nil && cl.State != domain.ClockNotRequired {
			out.breaches = append(out.breaches, inc.ID)
		}
	}
	plans, err := a.Plans(ctx, c, mun, store.PlanFilter{Limit: 1000})
	if err != nil {
		return out, err
	}
	perUnit = map[int64]int{}
	for _, p := range plans {
		out.plans = append(out.plans, p.ID)
		if perUnit[p.OrgUnitID]++; perUnit[p.OrgUnitID] > perUnit[out.planUnit] {
			out.planUnit = p.OrgUnitID
		}
	}
	if len(out.read) == 0 || len(out.breaches) == 0 || len(out.plans) == 0 {
		return out, fmt.Errorf("kommun-L has %d incidents, %d open breaches and %d plans: rebuild it with `lisa demo --size large`", len(out.read), len(out.breaches), len(out.plans))
	}
	return out, nil
}

// plannerUnderLoad measures the reminder planner on kommun-L as on the first start of a
// database nobody was ever reminded from (every record looked at, the reminders and
// notifications gone), with writes driven from 32 clients while it runs; then the cost of a
// steady-state pass.
func plannerUnderLoad(b *testing.B, ctx context.Context, s *store.Store, out *strings.Builder, write func(int) error, row func(loadResult, string)) {
	err := s.Load(ctx, func(l *store.Loader) error {
		for _, q := range []string{`DELETE FROM notifications`, `DELETE FROM reminders`, `DELETE FROM scheduler_state`, `UPDATE records SET remind_at = '1970-01-01'`} {
			if err := l.Exec(q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	fmt.Fprintf(out, "\nmemory after the reset, before the planner's first pass: %s\n", procMemory())
	ts := []int{30, 7}
	done := make(chan struct{})
	var first time.Duration
	var planErr error
	go func() {
		defer close(done)
		t0 := time.Now()
		_, planErr = s.PlanReminders(ctx, s.Today(), ts, nil)
		first = time.Since(t0)
	}()
	r := driveWhile("PUT document while the planner's first pass runs", loadClients, func() bool {
		select {
		case <-done:
			return false
		default:
			return true
		}
	}, write)
	if planErr != nil {
		b.Fatal(planErr)
	}
	row(r, "")
	var steady []time.Duration
	for range 20 {
		t0 := time.Now()
		if _, err := s.PlanReminders(ctx, s.Today(), ts, nil); err != nil {
			b.Fatal(err)
		}
		steady = append(steady, time.Since(t0))
	}
	slices.Sort(steady)
	fmt.Fprintf(out, "\nreminder planner: first pass over every record %v (batches of %d records); steady-state pass p50 %v, max %v\n",
		first.Round(time.Millisecond), store.DefaultPlanBatch, steady[len(steady)/2].Round(time.Microsecond), steady[len(steady)-1].Round(time.Microsecond))
}

// procMemory is this process's resident set size now and at its peak (Linux).
func procMemory() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	var parts []string
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") || strings.HasPrefix(line, "VmHWM:") || strings.HasPrefix(line, "RssAnon:") || strings.HasPrefix(line, "RssFile:") || strings.HasPrefix(line, "RssShmem:") {
			parts = append(parts, strings.Join(strings.Fields(line), " "))
		}
	}
	// Where it is: the Go heap's live objects after a collection, and all the Go runtime has
	// mapped (heap with its collection slack, stacks, metadata; released pages included); the
	// rest of the resident set is C's: SQLite's page caches and prepared statements.
	runtime.GC()
	if f := os.Getenv("LISA_LOAD_HEAPPROFILE"); f != "" { // what the live heap holds, for go tool pprof
		if w, err := os.Create(f); err == nil {
			_ = pprof.WriteHeapProfile(w)
			w.Close()
		}
	}
	ms := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(ms)
	parts = append(parts, fmt.Sprintf("Go heap live %d MB, Go runtime mapped %d MB of which released %d MB",
		ms[0].Value.Uint64()>>20, ms[1].Value.Uint64()>>20, ms[2].Value.Uint64()>>20))
	return strings.Join(parts, ", ")
}
