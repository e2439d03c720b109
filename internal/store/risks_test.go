package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/lisa-isms/lisa/internal/audit"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// riskEnv is a municipality with a unit, two SoA rows, an asset and a decision-maker.
type riskEnv struct {
	*env
	mun, unit, other, otherUnit int64
	ctl                         map[string]domain.RiskControl
	asset, boss                 int64
}

func newRiskEnv(t *testing.T) *riskEnv {
	e := &riskEnv{env: newEnv(t)}
	e.mun = e.municipality("Ankeby")
	e.unit = e.env.unit(e.mun, "Socialnämnden", nil)
	e.other = e.municipality("Borgby")
	e.otherUnit = e.env.unit(e.other, "KS", nil)
	for _, m := range []int64{e.mun, e.other} {
		if _, err := e.s.EnsureSoA(e.ctx, actor, m, []store.SoASeed{{CatalogID: "iso", ControlID: "8.5", Title: "Säker autentisering"},
			{CatalogID: "iso", ControlID: "5.15", Title: "Åtkomststyrning"}}); err != nil {
			t.Fatal(err)
		}
	}
	var err error
	if e.ctl, err = e.s.ControlsByRef(e.ctx, e.mun, []string{"8.5", "5.15", "9.9"}); err != nil || len(e.ctl) != 2 {
		t.Fatalf("controls %v %v", e.ctl, err)
	}
	e.asset = e.record(e.mun, e.unit, domain.RiskAssetKind, "Journalsystemet")
	e.boss = e.user("maja")
	return e
}

// record stores a bare record of any kind through the core's save path.
func (e *riskEnv) record(mun, unit int64, kind domain.Kind, title string) int64 {
	e.t.Helper()
	r := domain.Record{MunicipalityID: mun, Kind: kind, Title: title, OrgUnitID: unit, Status: "open", ReviewIntervalMonths: 12}
	if err := e.s.SaveRecord(e.ctx, actor, &r, audit.ActionCreate, nil, nil, nil); err != nil {
		e.t.Fatal(err)
	}
	return r.ID
}

// risk stores a risk with values l×c, residual rl×rc and the given controls.
func (e *riskEnv) risk(title string, l, c, rl, rc int, ctls ...string) domain.Risk {
	e.t.Helper()
	r, err := e.s.SaveRisk(e.ctx, actor, e.mun, 0, func(_ context.Context, r *domain.Risk) error {
		in := domain.RiskInput{Title: &title, OrgUnitID: &e.unit, Likelihood: &l, Consequence: &c, ResidualLikelihood: &rl, ResidualConsequence: &rc,
			AssetIDs: &[]int64{e.asset}, ResidualReason: ptr("skäl")}
		if err := domain.ApplyRisk(r, in, domain.DefaultRiskMatrix(5), domain.DateOf(now)); err != nil {
			return err
		}
		for _, id := range ctls {
			r.Controls = append(r.Controls, e.ctl[id])
		}
		return nil
	})
	if err != nil {
		e.t.Fatalf("save risk: %v", err)
	}
	return r
}

func (e *riskEnv) accept(id int64, until string) domain.Risk {
	e.t.Helper()
	r, err := e.s.AcceptRisk(e.ctx, actor, e.mun, id, func(_ context.Context, r domain.Risk, m domain.RiskMatrix) (domain.RiskAcceptance, error) {
		d, _ := domain.ParseDate(until)
		return domain.RiskAcceptance{AcceptedBy: &e.boss, AcceptedByName: "Maja", Role: domain.RoleManagement, Justification: "Godtagbart", ValidUntil: d}, nil
	})
	if err != nil {
		e.t.Fatalf("accept: %v", err)
	}
	return r
}

func TestRiskSaveReadAndTenancy(t *testing.T) {
	e := newRiskEnv(t)
	r := e.risk("Obehörig åtkomst till journaler", 4, 5, 2, 5, "8.5", "5.15")
	got, err := e.s.GetRisk(e.ctx, e.mun, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Score != 20 || got.ResidualScore != 10 || len(got.AssetIDs) != 1 || got.AssetIDs[0] != e.asset ||
		strings.Join(got.ControlIDs, ",") != "5.15,8.5" || got.Controls[1].Status != domain.CtlNotStarted || got.Controls[1].Title != "Säker autentisering" || got.Acceptance != nil {
		t.Errorf("risk as read: %+v", got)
	}
	// Another municipality's id is not found; the schema refuses links across municipalities.
	if _, err := e.s.GetRisk(e.ctx, e.other, r.ID); code(err) != domain.ENotFound {
		t.Errorf("other municipality: %v", err)
	}
	foreign := e.record(e.other, e.otherUnit, domain.RiskAssetKind, "Borgbys system")
	for name, q := range map[string]string{
		"asset of another municipality":    `INSERT INTO risk_assets (risk_id, asset_id) VALUES (?, ?)`,
		"control of another municipality":  `INSERT INTO risk_controls (risk_id, control_record_id) VALUES (?, ?)`,
		"analysis of another municipality": `UPDATE risks SET analysis_id = ? WHERE record_id = ?`,
		"carrying another municipality's":  `INSERT INTO asset_carries (system_id, carried_id) VALUES (?, ?)`,
	} {
		args := []any{r.ID, foreign}
		if strings.HasPrefix(q, "UPDATE") {
			args = []any{foreign, r.ID}
		}
		if _, err := e.raw().Exec(q, args...); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// The register filters and pages.
	e.risk("Nätfiske mot förvaltningen", 3, 3, 3, 3)
	e.risk("Avbrott i e-tjänsten", 2, 2, 1, 2)
	all := domain.Visibility{All: true}
	for name, tc := range map[string]struct {
		f    store.RiskFilter
		want string
	}{
		"all":             {store.RiskFilter{}, "Avbrott i e-tjänsten,Nätfiske mot förvaltningen,Obehörig åtkomst till journaler"},
		"high and above":  {store.RiskFilter{ScoreMin: 10}, "Obehörig åtkomst till journaler"},
		"medium":          {store.RiskFilter{ScoreMin: 5, ScoreMax: 9}, "Nätfiske mot förvaltningen"},
		"residual cell":   {store.RiskFilter{Likelihood: 2, Consequence: 5, Residual: true}, "Obehörig åtkomst till journaler"},
		"inherent cell":   {store.RiskFilter{Likelihood: 2, Consequence: 5}, ""},
		"title":           {store.RiskFilter{Query: "NÄTFISKE"}, "Nätfiske mot förvaltningen"},
		"first page of 2": {store.RiskFilter{Limit: 2}, "Avbrott i e-tjänsten,Nätfiske mot förvaltningen"},
		"after the first": {store.RiskFilter{After: &domain.Cursor{Key: domain.FoldTitle("Avbrott i e-tjänsten"), ID: 1 << 40}}, "Nätfiske mot förvaltningen,Obehörig åtkomst till journaler"},
		"other unit":      {store.RiskFilter{OrgUnitID: e.otherUnit}, ""},
	} {
		rs, err := e.s.ListRisks(e.ctx, e.mun, all, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		var titles []string
		for _, x := range rs {
			titles = append(titles, x.Title)
		}
		if got := strings.Join(titles, ","); got != tc.want {
			t.Errorf("%s: %q, want %q", name, got, tc.want)
		}
	}
	if rs, _ := e.s.ListRisks(e.ctx, e.mun, domain.Visibility{UnitIDs: []int64{e.otherUnit}}, store.RiskFilter{}); len(rs) != 0 {
		t.Errorf("risks outside the visible units: %d", len(rs))
	}
	// The register page's bare rows carry the latest acceptance, not the links.
	e.accept(r.ID, "2027-01-01")
	for _, bare := range []bool{false, true} {
		rs, err := e.s.ListRisks(e.ctx, e.mun, all, store.RiskFilter{Query: "journaler", Bare: bare})
		if err != nil || len(rs) != 1 {
			t.Fatalf("bare %v: %d risks, %v", bare, len(rs), err)
		}
		if rs[0].Acceptance == nil || rs[0].Acceptance.ValidUntil.String() != "2027-01-01" {
			t.Errorf("bare %v: acceptance %+v", bare, rs[0].Acceptance)
		}
		if links := len(rs[0].AssetIDs) + len(rs[0].Controls); bare && links != 0 || !bare && links != 3 {
			t.Errorf("bare %v: %d links read", bare, links)
		}
	}
	cells, err := e.s.RiskHeat(e.ctx, e.mun, all, true, 0)
	if err != nil || len(cells) != 3 {
		t.Fatalf("heat %v %v", cells, err)
	}
	if cells, _ := e.s.RiskHeat(e.ctx, e.other, all, true, 0); len(cells) != 0 {
		t.Errorf("another municipality's heat map has %v", cells)
	}
}

// An acceptance holds until a material change: then it is voided, its maker notified and the
// voiding audited; a new matrix version voids every acceptance.
func TestAcceptanceIsVoidedByMaterialChanges(t *testing.T) {
	e := newRiskEnv(t)
	r := e.risk("Obehörig åtkomst till journaler", 4, 5, 2, 5, "8.5")
	acc := e.accept(r.ID, "2026-05-01")
	if acc.NextReviewAt == nil || acc.NextReviewAt.String() != "2026-05-01" || acc.Acceptance == nil || !acc.Acceptance.Valid {
		t.Fatalf("accepted: %+v", acc)
	}
	got, _ := e.s.GetRisk(e.ctx, e.mun, r.ID)
	if a := got.Acceptance; a == nil || a.VoidedAt != nil || a.ResidualScore != 10 || len(a.Controls) != 1 || a.Controls[0].Status != domain.CtlNotStarted {
		t.Fatalf("stored acceptance: %+v", got.Acceptance)
	}
	var snap string
	if err := e.raw().QueryRow(`SELECT after_json FROM audit_log WHERE action = ? AND record_id = ?`, store.ActionRiskAccept, r.ID).Scan(&snap); err != nil ||
		!strings.Contains(snap, `"residual_score":10`) || !strings.Contains(snap, `"8.5"`) || !strings.Contains(snap, `"matrix_version":1`) {
		t.Errorf("audit snapshot %q %v", snap, err)
	}

	// A lower residual score keeps it; a higher one voids it.
	update := func(in domain.RiskInput) domain.Risk {
		t.Helper()
		out, err := e.s.SaveRisk(e.ctx, actor, e.mun, r.ID, func(_ context.Context, x *domain.Risk) error {
			return domain.ApplyRisk(x, in, domain.DefaultRiskMatrix(5), domain.DateOf(now))
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if out := update(domain.RiskInput{ResidualLikelihood: ptr(1)}); out.Acceptance.VoidedAt != nil {
		t.Errorf("lower residual voided it")
	}
	if out := update(domain.RiskInput{ResidualLikelihood: ptr(3)}); out.Acceptance.VoidedAt == nil || out.Acceptance.VoidReason != domain.VoidResidualRaised {
		t.Errorf("higher residual: %+v", out.Acceptance)
	}
	notes, err := e.s.Notifications(e.ctx, e.boss, 10)
	if err != nil || len(notes) != 1 || notes[0].Kind != store.NotifyAcceptanceVoid+domain.VoidResidualRaised || notes[0].RecordID == nil || *notes[0].RecordID != r.ID {
		t.Errorf("notifications %+v %v", notes, err)
	}

	// A control downgraded in the statement of applicability voids a new acceptance.
	_, err = e.s.UpdateSoA(e.ctx, actor, e.mun, [][2]string{{"iso", "8.5"}}, func(_ context.Context, _ int, c *domain.ControlImpl) error {
		return domain.ApplySoA(c, domain.SoAInput{Status: ptr("implemented")}, domain.DateOf(now), nil)
	}, func() error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	e.accept(r.ID, "2026-05-01")
	if n, err := e.s.ReassessAcceptances(e.ctx, actor, e.mun, []int64{e.ctl["8.5"].RecordID}); err != nil || n != 0 {
		t.Errorf("unchanged control voided %d (%v)", n, err)
	}
	_, err = e.s.UpdateSoA(e.ctx, actor, e.mun, [][2]string{{"iso", "8.5"}}, func(_ context.Context, _ int, c *domain.ControlImpl) error {
		return domain.ApplySoA(c, domain.SoAInput{Status: ptr("partial")}, domain.DateOf(now), nil)
	}, func() error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if n, err := e.s.ReassessAcceptances(e.ctx, actor, e.mun, []int64{e.ctl["8.5"].RecordID}); err != nil || n != 1 {
		t.Errorf("downgraded control voided %d (%v)", n, err)
	}
	got, _ = e.s.GetRisk(e.ctx, e.mun, r.ID)
	if got.Acceptance.VoidReason != domain.VoidControlDowngraded {
		t.Errorf("after downgrade: %+v", got.Acceptance)
	}
	accs, err := e.s.ListAcceptances(e.ctx, e.mun, r.ID)
	if err != nil || len(accs) != 2 || accs[1].VoidReason != domain.VoidResidualRaised {
		t.Errorf("history %+v %v", accs, err)
	}

	// Removing the control voids the next one; so does a new matrix version.
	e.accept(r.ID, "2026-05-01")
	out, err := e.s.SaveRisk(e.ctx, actor, e.mun, r.ID, func(_ context.Context, x *domain.Risk) error { x.Controls = nil; return nil })
	if err != nil || out.Acceptance.VoidReason != domain.VoidControlRemoved {
		t.Errorf("control removed: %+v %v", out.Acceptance, err)
	}
	e.accept(r.ID, "2026-05-01")
	ch, err := e.s.UpdateRiskMatrix(e.ctx, actor, e.mun, false, func(cur domain.RiskMatrix, _ domain.MatrixUse) (domain.RiskMatrix, *domain.ScaleMapping, bool, error) {
		cur.AcceptanceLevel = domain.RiskMedium
		return cur, nil, true, nil
	})
	if err != nil || ch.AcceptancesVoided != 1 || ch.Matrix.Version != 2 {
		t.Errorf("matrix change %+v %v", ch, err)
	}
	got, _ = e.s.GetRisk(e.ctx, e.mun, r.ID)
	if got.Acceptance.VoidReason != domain.VoidMatrixChanged {
		t.Errorf("after matrix change: %+v", got.Acceptance)
	}
}

// A smaller matrix with a mapping moves the risks' values; a dry run tells how many and
// stores nothing.
func TestRiskMatrixMigration(t *testing.T) {
	e := newRiskEnv(t)
	big := e.risk("Brand i serverrummet", 5, 4, 3, 4)
	small := e.risk("Tappad surfplatta", 2, 2, 2, 2)
	use, err := e.s.RiskMatrixUse(e.ctx, e.mun)
	if err != nil || use.MaxLikelihood != 5 || use.MaxConsequence != 4 {
		t.Fatalf("use %+v %v", use, err)
	}
	mp := &domain.ScaleMapping{Likelihood: []int{1, 2, 3, 4, 4}, Consequence: []int{1, 1, 2, 3, 4}}
	change := func(dry bool) store.MatrixChange {
		t.Helper()
		ch, err := e.s.UpdateRiskMatrix(e.ctx, actor, e.mun, dry, func(cur domain.RiskMatrix, use domain.MatrixUse) (domain.RiskMatrix, *domain.ScaleMapping, bool, error) {
			next := cur
			changed, err := domain.ApplyRiskMatrix(&next, domain.RiskMatrixInput{Size: ptr(4)})
			if err != nil {
				return next, nil, false, err
			}
			return next, mp, changed, domain.CheckMatrixChange(cur, next, use, mp)
		})
		if err != nil {
			t.Fatal(err)
		}
		return ch
	}
	if ch := change(true); ch.RisksChanged != 2 || !ch.DryRun || ch.Matrix.Version != 2 {
		t.Errorf("dry run %+v", ch)
	}
	if m, _ := e.s.GetRiskMatrix(e.ctx, e.mun); m.Size != 5 || m.Version != 1 {
		t.Errorf("dry run stored the matrix: %+v", m)
	}
	if r, _ := e.s.GetRisk(e.ctx, e.mun, big.ID); r.Likelihood != 5 {
		t.Errorf("dry run moved the risk: %+v", r)
	}
	if ch := change(false); ch.RisksChanged != 2 {
		t.Errorf("change %+v", ch)
	}
	m, _ := e.s.GetRiskMatrix(e.ctx, e.mun)
	r, _ := e.s.GetRisk(e.ctx, e.mun, big.ID)
	s, _ := e.s.GetRisk(e.ctx, e.mun, small.ID)
	if m.Size != 4 || m.Version != 2 || r.Likelihood != 4 || r.Consequence != 3 || r.Score != 12 || r.ResidualConsequence != 3 || r.MatrixVersion != 2 ||
		s.Likelihood != 2 || s.Consequence != 1 {
		t.Errorf("after migration: matrix %+v, risks %+v %+v", m, r, s)
	}
	if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE action = ?`, store.ActionRiskRescore); n != 2 {
		t.Errorf("%d rescore entries", n)
	}
}

func (e *riskEnv) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.raw().QueryRow(q, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func TestDecisionsAndActions(t *testing.T) {
	e := newRiskEnv(t)
	high := e.risk("Obehörig åtkomst till journaler", 4, 5, 3, 4)
	e.risk("Tappad surfplatta", 1, 2, 1, 2) // low: no decision
	vh := e.risk("Utpressningsvirus", 5, 5, 4, 5)
	all := domain.Visibility{All: true}
	today := domain.DateOf(now)
	q := store.DecisionQuery{MunicipalityID: e.mun, Visible: all, Today: today, FromScore: 5, MaxScore: 25, Limit: 10}
	waiting, err := e.s.RisksAwaitingDecision(e.ctx, q)
	if err != nil || len(waiting) != 2 || waiting[0].ID != vh.ID {
		t.Fatalf("waiting %+v %v", waiting, err)
	}
	q.MaxScore = 12 // a tier up to high on 5×5 ends at 15; up to 12 here
	if w, _ := e.s.RisksAwaitingDecision(e.ctx, q); len(w) != 1 || w[0].ID != high.ID {
		t.Errorf("within the tier: %+v", w)
	}
	e.accept(high.ID, today.AddDays(20).String())
	if w, _ := e.s.RisksAwaitingDecision(e.ctx, q); len(w) != 0 {
		t.Errorf("accepted risk still waiting: %+v", w)
	}
	exp, err := e.s.ExpiringAcceptances(e.ctx, q, today.AddDays(30))
	if err != nil || len(exp) != 1 || exp[0].Title != high.Title {
		t.Errorf("expiring %+v %v", exp, err)
	}
	if exp, _ := e.s.ExpiringAcceptances(e.ctx, q, today.AddDays(10)); len(exp) != 0 {
		t.Errorf("expiring within 10 days: %+v", exp)
	}

	// Actions are records of their own, removed with their risk.
	ac, err := e.s.SaveRiskAction(e.ctx, actor, e.mun, 0, func(_ context.Context, a *domain.RiskAction) error {
		a.RiskID = vh.ID
		return domain.ApplyRiskAction(a, domain.RiskActionInput{Title: ptr("Inför MFA"), OrgUnitID: &e.unit, DueAt: ptr("2025-06-01")}, today)
	})
	if err != nil || ac.DueAt == nil || ac.DueAt.String() != "2025-06-01" {
		t.Fatalf("action %+v %v", ac, err)
	}
	list, err := e.s.ListRiskActions(e.ctx, e.mun, all, vh.ID)
	if err != nil || len(list) != 1 || list[0].Title != "Inför MFA" || list[0].DueAt.String() != "2025-06-01" {
		t.Errorf("actions %+v %v", list, err)
	}
	dues, err := e.s.Dues(e.ctx, store.DueQuery{MunicipalityID: e.mun, Visible: all, Kind: domain.KindRiskAction})
	if err != nil || len(dues) != 1 || dues[0].ID != ac.ID {
		t.Errorf("the action is not on the due list: %+v %v", dues, err)
	}
	if err := e.s.DeleteRisk(e.ctx, actor, e.mun, vh.ID, func(context.Context, domain.Risk) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.GetRiskAction(e.ctx, e.mun, ac.ID); code(err) != domain.ENotFound {
		t.Errorf("action outlived its risk: %v", err)
	}
	if n := e.count(`SELECT COUNT(*) FROM records WHERE id = ?`, ac.ID); n != 0 {
		t.Errorf("the action's record is left")
	}
}

func TestRiskAnalysisSave(t *testing.T) {
	e := newRiskEnv(t)
	today := domain.DateOf(now)
	an, err := e.s.SaveRiskAnalysis(e.ctx, actor, e.mun, 0, func(_ context.Context, a *domain.RiskAnalysis) error {
		return domain.ApplyRiskAnalysis(a, domain.RiskAnalysisInput{Title: ptr("Riskanalys journalsystemet"), OrgUnitID: &e.unit, ObjectType: ptr("asset"),
			AssetID: &e.asset, Method: ptr("MSB metodstöd"), AnalysedAt: ptr("2025-04-01")}, today)
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.s.GetRiskAnalysis(e.ctx, e.mun, an.ID)
	if err != nil || got.AssetID == nil || *got.AssetID != e.asset || got.Method != "MSB metodstöd" || got.AnalysedAt.String() != "2025-04-01" {
		t.Errorf("analysis %+v %v", got, err)
	}
	if _, err := e.s.GetRiskAnalysis(e.ctx, e.other, an.ID); code(err) != domain.ENotFound {
		t.Errorf("other municipality: %v", err)
	}
	list, err := e.s.ListRiskAnalyses(e.ctx, e.mun, domain.Visibility{All: true}, store.RiskAnalysisFilter{})
	if err != nil || len(list) != 1 {
		t.Errorf("list %+v %v", list, err)
	}
	foreign := e.record(e.other, e.otherUnit, domain.RiskAssetKind, "Borgbys system")
	if _, err := e.raw().Exec(`UPDATE risk_analyses SET asset_id = ? WHERE record_id = ?`, foreign, an.ID); err == nil {
		t.Error("an analysis of another municipality's asset was accepted")
	}
}
