package app_test

import (
	"strings"
	"testing"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// riskAsset stores an information set of mun (A or B) in unit, as its coordinator.
func (f *fixture) riskAsset(mun, unit int64, title string) int64 {
	f.t.Helper()
	c := f.coord
	if mun == f.munB {
		c = f.coordB
	}
	kind := "information"
	a, err := f.app.CreateAsset(f.ctx, c, mun, domain.AssetInput{Name: &title, Kind: &kind, OrgUnitID: &unit})
	if err != nil {
		f.t.Fatal(err)
	}
	return a.ID
}

func (f *fixture) risk(c app.Caller, in domain.RiskInput) domain.Risk {
	f.t.Helper()
	r, err := f.app.CreateRisk(f.ctx, c, f.munA, in)
	if err != nil {
		f.t.Fatalf("create risk %q: %v", deref(in.Title), err)
	}
	return r
}

func TestRiskPermissions(t *testing.T) {
	f := newFixture(t)
	r := f.risk(f.owner, domain.RiskInput{Title: sp("Obehörig åtkomst till journaler"), OrgUnitID: &f.unitSoc, Likelihood: ip(4), Consequence: ip(4)})
	if r.OwnerID == nil || *r.OwnerID != f.ownerID || r.Level != domain.RiskVeryHigh || r.MatrixVersion != 1 {
		t.Errorf("created risk %+v", r)
	}
	// An information owner writes only in their own units and sees nothing of others'.
	_, err := f.app.CreateRisk(f.ctx, f.owner, f.munA, domain.RiskInput{Title: sp("IT-risk"), OrgUnitID: &f.unitIT, Likelihood: ip(2), Consequence: ip(2)})
	if e := wantCode(t, err, domain.EForbidden); e.Fields["org_unit_id"] == "" {
		t.Errorf("refusal does not name the unit: %v", e)
	}
	_, _, err = f.app.Risk(f.ctx, f.owner2, f.munA, r.ID)
	wantCode(t, err, domain.ENotFound)
	_, err = f.app.UpdateRisk(f.ctx, f.owner2, f.munA, r.ID, domain.RiskInput{Threat: sp("x")})
	wantCode(t, err, domain.ENotFound)
	if rs, _, err := f.app.Risks(f.ctx, f.owner2, f.munA, app.RiskQuery{}); err != nil || len(rs) != 0 {
		t.Errorf("IT owner's register: %v %v", rs, err)
	}
	// Management and auditors read but do not change; staff see nothing; another
	// municipality's coordinator finds nothing.
	for name, c := range map[string]app.Caller{"management": f.mgmt, "auditor": f.auditor} {
		if _, _, err := f.app.Risk(f.ctx, c, f.munA, r.ID); err != nil {
			t.Errorf("%s reads: %v", name, err)
		}
		_, err := f.app.UpdateRisk(f.ctx, c, f.munA, r.ID, domain.RiskInput{Likelihood: ip(99)})
		wantCode(t, err, domain.EForbidden) // refused before the input is looked at
	}
	if _, err := f.app.AddComment(f.ctx, f.auditor, f.munA, domain.KindRisk, r.ID, "Saknar åtgärdsplan."); err != nil {
		t.Errorf("auditor comments: %v", err)
	}
	_, _, err = f.app.Risks(f.ctx, f.staff, f.munA, app.RiskQuery{})
	wantCode(t, err, domain.EForbidden)
	_, _, err = f.app.Risk(f.ctx, f.coordB, f.munA, r.ID)
	wantCode(t, err, domain.ENotFound)
	_, _, err = f.app.Risk(f.ctx, f.coordB, f.munB, r.ID)
	wantCode(t, err, domain.ENotFound)
	// Deleting is the coordinator's.
	wantCode(t, f.app.DeleteRisk(f.ctx, f.owner, f.munA, r.ID), domain.EForbidden)
	if err := f.app.DeleteRisk(f.ctx, f.coord, f.munA, r.ID); err != nil {
		t.Fatal(err)
	}
	_, _, err = f.app.Risk(f.ctx, f.coord, f.munA, r.ID)
	wantCode(t, err, domain.ENotFound)
}

// Bad input is refused naming the field, and nothing is stored.
func TestRiskValidation(t *testing.T) {
	f := newFixture(t)
	mine := f.riskAsset(f.munA, f.unitSoc, "Journalsystemet")
	theirs := f.riskAsset(f.munB, f.unitB, "Borgbys system")
	docAsAsset := f.doc(f.coord, domain.DocumentInput{Type: sp("rutin"), Title: sp("Rutin"), OrgUnitID: &f.unitSoc}).ID
	anB, err := f.app.CreateRiskAnalysis(f.ctx, f.coordB, f.munB, domain.RiskAnalysisInput{Title: sp("Borgbys analys"), OrgUnitID: &f.unitB, ObjectType: sp("municipality")})
	if err != nil {
		t.Fatal(err)
	}
	base := func() domain.RiskInput {
		return domain.RiskInput{Title: sp("Nätfiske"), OrgUnitID: &f.unitSoc, Likelihood: ip(3), Consequence: ip(3)}
	}
	records := f.auditCount()
	for _, tc := range []struct {
		name  string
		edit  func(*domain.RiskInput)
		field string
		key   string
	}{
		{"likelihood outside the matrix", func(in *domain.RiskInput) { in.Likelihood = ip(6) }, "likelihood", "err.risk_scale"},
		{"residual above without reason", func(in *domain.RiskInput) { in.ResidualConsequence = ip(4) }, "residual_reason", "err.residual_reason_required"},
		{"unknown control", func(in *domain.RiskInput) { in.ControlIDs = &[]string{"8.5", "99.99"} }, "control_ids", "err.unknown_control"},
		{"asset of another municipality", func(in *domain.RiskInput) { in.AssetIDs = &[]int64{mine, theirs} }, "asset_ids", "err.unknown_asset"},
		{"a document is no asset", func(in *domain.RiskInput) { in.AssetIDs = &[]int64{docAsAsset} }, "asset_ids", "err.unknown_asset"},
		{"analysis of another municipality", func(in *domain.RiskInput) { in.AnalysisID = &anB.ID }, "analysis_id", "err.unknown_analysis"},
		{"bad treatment", func(in *domain.RiskInput) { in.Treatment = sp("ignorera") }, "treatment", "err.enum"},
	} {
		in := base()
		tc.edit(&in)
		_, err := f.app.CreateRisk(f.ctx, f.coord, f.munA, in)
		if e := wantCode(t, err, domain.EInvalid); e.Fields[tc.field] != tc.key {
			t.Errorf("%s: fields %v, want %s: %s", tc.name, e.Fields, tc.field, tc.key)
		}
	}
	if f.auditCount() != records {
		t.Error("a refused risk was stored")
	}
	in := base()
	in.AssetIDs, in.ControlIDs = &[]int64{mine}, &[]string{"8.5", "5.15"}
	r := f.risk(f.coord, in)
	if len(r.Controls) != 2 || r.Controls[0].ControlID != "8.5" || r.Controls[0].Status != domain.CtlNotStarted || len(r.AssetIDs) != 1 {
		t.Errorf("links %+v %+v", r.Controls, r.AssetIDs)
	}
	// A risk of an analysis is in the analysis's unit unless given.
	an, err := f.app.CreateRiskAnalysis(f.ctx, f.owner2, f.munA, domain.RiskAnalysisInput{Title: sp("IT-enhetens riskanalys"), OrgUnitID: &f.unitIT, ObjectType: sp("org_unit")})
	if err != nil {
		t.Fatal(err)
	}
	r = f.risk(f.owner2, domain.RiskInput{Title: sp("Utpressningsvirus"), AnalysisID: &an.ID, Likelihood: ip(3), Consequence: ip(5)})
	if r.OrgUnitID != f.unitIT || r.AnalysisID == nil || *r.AnalysisID != an.ID {
		t.Errorf("risk of an analysis: %+v", r)
	}
	// An analysis of an asset names an asset of the municipality.
	_, err = f.app.CreateRiskAnalysis(f.ctx, f.coord, f.munA, domain.RiskAnalysisInput{Title: sp("Journalsystemet"), OrgUnitID: &f.unitSoc, ObjectType: sp("asset"), AssetID: &theirs})
	if e := wantCode(t, err, domain.EInvalid); e.Fields["asset_id"] != "err.unknown_asset" {
		t.Errorf("analysis of another's asset: %v", e.Fields)
	}
	if _, err := f.app.CreateRiskAnalysis(f.ctx, f.coord, f.munA, domain.RiskAnalysisInput{Title: sp("Journalsystemet"), OrgUnitID: &f.unitSoc, ObjectType: sp("asset"), AssetID: &mine}); err != nil {
		t.Errorf("analysis of an asset: %v", err)
	}
}

// Who may accept follows the residual level and the tiers; the decision records who, when,
// why, until when and a snapshot in the audit trail.
func TestAcceptanceByTier(t *testing.T) {
	f := newFixture(t)
	high := f.risk(f.owner, domain.RiskInput{Title: sp("Obehörig åtkomst"), OrgUnitID: &f.unitSoc, Likelihood: ip(4), Consequence: ip(4),
		ResidualLikelihood: ip(3), ResidualConsequence: ip(4), ControlIDs: &[]string{"8.5"}})
	medium := f.risk(f.owner, domain.RiskInput{Title: sp("Felskickad e-post"), OrgUnitID: &f.unitSoc, Likelihood: ip(3), Consequence: ip(3)})
	if high.ResidualLevel != domain.RiskHigh || medium.ResidualLevel != domain.RiskMedium {
		t.Fatalf("levels %s %s", high.ResidualLevel, medium.ResidualLevel)
	}
	good := domain.AcceptanceInput{Justification: sp("Kvarvarande risk godtas till dess att nytt system upphandlats."), ValidUntil: sp("2026-05-01")}
	for name, c := range map[string]app.Caller{"coordinator": f.coord, "owner": f.owner, "auditor": f.auditor, "staff": f.staff} {
		_, err := f.app.AcceptRisk(f.ctx, c, f.munA, high.ID, good)
		want := domain.EForbidden
		if name == "staff" {
			want = domain.ENotFound
		}
		wantCode(t, err, want)
	}
	_, err := f.app.AcceptRisk(f.ctx, f.mgmt, f.munA, high.ID, domain.AcceptanceInput{ValidUntil: sp("2024-01-01")})
	if e := wantCode(t, err, domain.EInvalid); e.Fields["justification"] == "" || e.Fields["valid_until"] != "err.valid_until_range" {
		t.Errorf("bad decision: %v", e.Fields)
	}
	r, err := f.app.AcceptRisk(f.ctx, f.mgmt, f.munA, high.ID, good)
	if err != nil {
		t.Fatal(err)
	}
	a := r.Acceptance
	if a == nil || !a.Valid || a.AcceptedBy == nil || *a.AcceptedBy != f.mgmt.P.User.ID || a.Role != domain.RoleManagement || a.ValidUntil.String() != "2026-05-01" ||
		r.NextReviewAt.String() != "2026-05-01" || a.ResidualLevel != domain.RiskHigh {
		t.Errorf("acceptance %+v, next review %v", a, r.NextReviewAt)
	}
	rows := f.auditRows("risk")
	last := rows[len(rows)-1]
	if last.Action != store.ActionRiskAccept || !strings.Contains(last.After, `"control_id":"8.5"`) || !strings.Contains(last.After, `"soa_status":"not_started"`) ||
		!strings.Contains(last.After, `"matrix_version":1`) || !strings.Contains(last.After, `"residual_score":12`) {
		t.Errorf("audit entry %s %s", last.Action, last.After)
	}
	// Up to medium the coordinator decides.
	if r, err := f.app.AcceptRisk(f.ctx, f.coord, f.munA, medium.ID, good); err != nil || r.Acceptance.Role != domain.RoleCoordinator {
		t.Errorf("coordinator accepting medium: %v", err)
	}
	// The municipality may delegate low risks to owners.
	if _, err := f.app.UpdateRiskMatrix(f.ctx, f.coord, f.munA, domain.RiskMatrixInput{AcceptanceTiers: &[]domain.AcceptanceTier{
		{Role: domain.RoleInformationOwner, MaxLevel: domain.RiskMedium}, {Role: domain.RoleManagement, MaxLevel: domain.RiskVeryHigh}}}, false); err != nil {
		t.Fatal(err)
	}
	if _, err := f.app.AcceptRisk(f.ctx, f.owner, f.munA, medium.ID, good); err != nil {
		t.Errorf("owner within a tier: %v", err)
	}
	_, err = f.app.AcceptRisk(f.ctx, f.coord, f.munA, medium.ID, good)
	wantCode(t, err, domain.EForbidden) // the coordinator's tier is gone
}

// A downgraded control in the statement of applicability voids the acceptance and tells the
// decision-maker; the dashboard's decisions list it again.
func TestAcceptanceVoidedBySoADowngrade(t *testing.T) {
	f := newFixture(t)
	if _, err := f.app.UpdateSoA(f.ctx, f.coord, f.munA, "8.5", domain.SoAInput{Status: sp("implemented")}); err != nil {
		t.Fatal(err)
	}
	r := f.risk(f.coord, domain.RiskInput{Title: sp("Kontokapning"), OrgUnitID: &f.unitSoc, Likelihood: ip(4), Consequence: ip(5),
		ResidualLikelihood: ip(2), ResidualConsequence: ip(5), ControlIDs: &[]string{"8.5"}})
	d, err := f.app.RiskDecisions(f.ctx, f.mgmt, f.munA, 10)
	if err != nil || len(d.Waiting) != 1 || d.Waiting[0].ID != r.ID || d.Tier != domain.RiskVeryHigh {
		t.Fatalf("decisions before: %+v %v", d, err)
	}
	if d, _ := f.app.RiskDecisions(f.ctx, f.auditor, f.munA, 10); d.Tier != "" || len(d.Waiting) != 0 {
		t.Errorf("auditor's decisions %+v", d)
	}
	if _, err := f.app.AcceptRisk(f.ctx, f.mgmt, f.munA, r.ID, domain.AcceptanceInput{Justification: sp("Godtas"), ValidUntil: sp(f.today().AddDays(20).String())}); err != nil {
		t.Fatal(err)
	}
	d, _ = f.app.RiskDecisions(f.ctx, f.mgmt, f.munA, 10)
	if len(d.Waiting) != 0 || len(d.Expiring) != 1 {
		t.Errorf("decisions after acceptance: %+v", d)
	}
	// Improving another control changes nothing; lowering the linked one voids it.
	if _, err := f.app.UpdateSoA(f.ctx, f.coord, f.munA, "5.15", domain.SoAInput{Status: sp("partial")}); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := f.app.Risk(f.ctx, f.coord, f.munA, r.ID); !got.Acceptance.Valid {
		t.Fatalf("unrelated control voided the acceptance")
	}
	if _, err := f.app.UpdateSoA(f.ctx, f.coord, f.munA, "8.5", domain.SoAInput{Status: sp("partial")}); err != nil {
		t.Fatal(err)
	}
	got, _, _ := f.app.Risk(f.ctx, f.coord, f.munA, r.ID)
	if got.Acceptance.Valid || got.Acceptance.VoidReason != domain.VoidControlDowngraded {
		t.Errorf("after downgrade: %+v", got.Acceptance)
	}
	notes, _, err := f.app.Notifications(f.ctx, f.mgmt, 10)
	if err != nil || len(notes) != 1 || notes[0].Kind != store.NotifyAcceptanceVoid+domain.VoidControlDowngraded {
		t.Errorf("notifications %+v %v", notes, err)
	}
	if d, _ := f.app.RiskDecisions(f.ctx, f.mgmt, f.munA, 10); len(d.Waiting) != 1 {
		t.Errorf("voided acceptance not waiting again: %+v", d)
	}
	// A dry run of an SoA change voids nothing.
	if _, err := f.app.AcceptRisk(f.ctx, f.mgmt, f.munA, r.ID, domain.AcceptanceInput{Justification: sp("Godtas"), ValidUntil: sp("2026-01-01")}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.app.UpdateSoARows(f.ctx, f.coord, f.munA, []string{"8.5"}, []domain.SoAInput{{Status: sp("not_started")}}, true); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := f.app.Risk(f.ctx, f.coord, f.munA, r.ID); !got.Acceptance.Valid {
		t.Errorf("a dry run voided the acceptance")
	}
	// Past its valid-until date the acceptance no longer holds.
	f.advance(24 * 400 * 3600e9)
	if got, _, _ := f.app.Risk(f.ctx, f.coord, f.munA, r.ID); got.Acceptance.Valid {
		t.Errorf("an expired acceptance is valid")
	}
	// The scheduler's pass ends it: the risk is open again, due today, and the decision-maker
	// told; a second pass finds nothing more.
	if _, err := f.app.UpdateRisk(f.ctx, f.coord, f.munA, r.ID, domain.RiskInput{Status: sp("treated")}); err != nil {
		t.Fatal(err)
	}
	if n, err := f.store.ExpireAcceptances(f.ctx, f.today(), 100); err != nil || n != 1 {
		t.Fatalf("expire: %d %v", n, err)
	}
	got, _, _ = f.app.Risk(f.ctx, f.coord, f.munA, r.ID)
	if got.Status != "open" || got.NextReviewAt == nil || *got.NextReviewAt != f.today() || got.Acceptance.VoidReason != domain.VoidExpired {
		t.Errorf("after expiry: status %s, next review %v, acceptance %+v", got.Status, got.NextReviewAt, got.Acceptance)
	}
	if notes, _, _ := f.app.Notifications(f.ctx, f.mgmt, 10); len(notes) == 0 || notes[0].Kind != store.NotifyAcceptanceVoid+domain.VoidExpired {
		t.Errorf("the decision-maker was not told: %+v", notes)
	}
	if d, _ := f.app.RiskDecisions(f.ctx, f.mgmt, f.munA, 10); len(d.Waiting) != 1 {
		t.Errorf("the reopened risk is not waiting for a decision: %+v", d)
	}
	if n, err := f.store.ExpireAcceptances(f.ctx, f.today(), 100); err != nil || n != 0 {
		t.Errorf("second pass: %d %v", n, err)
	}
}

func TestRiskMatrixChanges(t *testing.T) {
	f := newFixture(t)
	_, err := f.app.UpdateRiskMatrix(f.ctx, f.owner, f.munA, domain.RiskMatrixInput{Size: ip(4)}, false)
	wantCode(t, err, domain.EForbidden)
	if m, err := f.app.RiskMatrix(f.ctx, f.auditor, f.munA); err != nil || m.Size != 5 || m.Version != 1 {
		t.Errorf("default matrix %+v %v", m, err)
	}
	_, err = f.app.RiskMatrix(f.ctx, f.staff, f.munA)
	wantCode(t, err, domain.EForbidden)
	f.risk(f.coord, domain.RiskInput{Title: sp("Brand"), OrgUnitID: &f.unitKS, Likelihood: ip(2), Consequence: ip(5)})
	// Shrinking to 4×4 leaves the consequence 5 without meaning: refused unless mapped.
	_, err = f.app.UpdateRiskMatrix(f.ctx, f.coord, f.munA, domain.RiskMatrixInput{Size: ip(4)}, false)
	if e := wantCode(t, err, domain.EConflict); e.Fields["size"] != "err.matrix_orphans" {
		t.Errorf("orphans: %v", e.Fields)
	}
	in := domain.RiskMatrixInput{Size: ip(4), Mapping: &domain.ScaleMapping{Likelihood: []int{1, 2, 3, 4, 4}, Consequence: []int{1, 2, 3, 4, 4}}}
	ch, err := f.app.UpdateRiskMatrix(f.ctx, f.coord, f.munA, in, true)
	if err != nil || ch.RisksChanged != 1 || !ch.DryRun {
		t.Errorf("preview %+v %v", ch, err)
	}
	if m, _ := f.app.RiskMatrix(f.ctx, f.coord, f.munA); m.Size != 5 {
		t.Error("the preview changed the matrix")
	}
	if ch, err = f.app.UpdateRiskMatrix(f.ctx, f.coord, f.munA, in, false); err != nil || ch.Matrix.Version != 2 || ch.Matrix.Size != 4 {
		t.Fatalf("change %+v %v", ch, err)
	}
	rs, m, _ := f.app.Risks(f.ctx, f.coord, f.munA, app.RiskQuery{})
	if len(rs) != 1 || rs[0].Consequence != 4 || rs[0].Score != 8 || rs[0].Level != domain.RiskHigh || rs[0].MatrixVersion != 2 || m.Version != 2 {
		t.Errorf("after the change: %+v", rs)
	}
	// The same matrix again is no new version.
	if ch, err := f.app.UpdateRiskMatrix(f.ctx, f.coord, f.munA, domain.RiskMatrixInput{Size: ip(4)}, false); err != nil || ch.Changed || ch.Matrix.Version != 2 {
		t.Errorf("unchanged %+v %v", ch, err)
	}
	_, err = f.app.UpdateRiskMatrix(f.ctx, f.coord, f.munA, domain.RiskMatrixInput{AcceptanceLevel: sp("extreme")}, false)
	wantCode(t, err, domain.EInvalid)
	// Register filters by level on the current matrix.
	if rs, _, err := f.app.Risks(f.ctx, f.coord, f.munA, app.RiskQuery{Level: domain.RiskHigh}); err != nil || len(rs) != 1 {
		t.Errorf("high: %v %v", rs, err)
	}
	if rs, _, _ := f.app.Risks(f.ctx, f.coord, f.munA, app.RiskQuery{Level: domain.RiskLow}); len(rs) != 0 {
		t.Errorf("low: %v", rs)
	}
	_, _, err = f.app.Risks(f.ctx, f.coord, f.munA, app.RiskQuery{Level: "extreme"})
	wantCode(t, err, domain.EInvalid)
}

// Treatment actions are tracked records: on the due list until done.
func TestRiskActions(t *testing.T) {
	f := newFixture(t)
	r := f.risk(f.owner, domain.RiskInput{Title: sp("Obehörig åtkomst"), OrgUnitID: &f.unitSoc, Likelihood: ip(4), Consequence: ip(4)})
	_, err := f.app.CreateRiskAction(f.ctx, f.auditor, f.munA, r.ID, domain.RiskActionInput{Title: sp("Inför MFA"), DueAt: sp("2025-06-01")})
	wantCode(t, err, domain.EForbidden)
	_, err = f.app.CreateRiskAction(f.ctx, f.owner2, f.munA, r.ID, domain.RiskActionInput{Title: sp("Inför MFA"), DueAt: sp("2025-06-01")})
	wantCode(t, err, domain.ENotFound)
	_, err = f.app.CreateRiskAction(f.ctx, f.owner, f.munA, r.ID, domain.RiskActionInput{Title: sp("Inför MFA")})
	if e := wantCode(t, err, domain.EInvalid); e.Fields["due_at"] != "err.required" {
		t.Errorf("no due date: %v", e.Fields)
	}
	ac, err := f.app.CreateRiskAction(f.ctx, f.owner, f.munA, r.ID, domain.RiskActionInput{Title: sp("Inför MFA"), DueAt: sp("2025-06-01")})
	if err != nil || ac.OrgUnitID != f.unitSoc || ac.OwnerID == nil || *ac.OwnerID != f.ownerID || ac.RiskID != r.ID {
		t.Fatalf("action %+v %v", ac, err)
	}
	if list, err := f.app.RiskActions(f.ctx, f.mgmt, f.munA, r.ID); err != nil || len(list) != 1 {
		t.Errorf("actions %v %v", list, err)
	}
	onDueList := func() bool {
		items, err := f.app.Dues(f.ctx, f.owner, f.munA, domain.DueFilterSoon90, true, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			if it.ID == ac.ID {
				return true
			}
		}
		return false
	}
	if !onDueList() {
		t.Error("the action is not on its owner's due list")
	}
	if _, err := f.app.UpdateRiskAction(f.ctx, f.owner, f.munA, ac.ID, domain.RiskActionInput{Status: sp("done")}); err != nil {
		t.Fatal(err)
	}
	if onDueList() {
		t.Error("a done action is still due")
	}
	_, err = f.app.UpdateRiskAction(f.ctx, f.mgmt, f.munA, ac.ID, domain.RiskActionInput{Status: sp("planned")})
	wantCode(t, err, domain.EForbidden)
}

func TestHeatMap(t *testing.T) {
	f := newFixture(t)
	f.risk(f.owner, domain.RiskInput{Title: sp("A"), OrgUnitID: &f.unitSoc, Likelihood: ip(4), Consequence: ip(4), ResidualLikelihood: ip(2), ResidualConsequence: ip(2)})
	f.risk(f.owner, domain.RiskInput{Title: sp("B"), OrgUnitID: &f.unitSoc, Likelihood: ip(4), Consequence: ip(4)})
	f.risk(f.owner2, domain.RiskInput{Title: sp("C"), OrgUnitID: &f.unitIT, Likelihood: ip(1), Consequence: ip(1)})
	cell := func(h app.HeatMap, l, c int) int {
		for _, x := range h.Cells {
			if x.Likelihood == l && x.Consequence == c {
				return x.Count
			}
		}
		return -1
	}
	h, err := f.app.RiskHeatMap(f.ctx, f.coord, f.munA, false, 0)
	if err != nil || h.Total != 3 || cell(h, 4, 4) != 2 || cell(h, 1, 1) != 1 || len(h.Cells) != 25 {
		t.Errorf("before: %+v %v", h, err)
	}
	h, _ = f.app.RiskHeatMap(f.ctx, f.coord, f.munA, true, 0)
	if cell(h, 4, 4) != 1 || cell(h, 2, 2) != 1 {
		t.Errorf("after: %+v", h)
	}
	h, _ = f.app.RiskHeatMap(f.ctx, f.coord, f.munA, false, f.unitIT)
	if h.Total != 1 {
		t.Errorf("per unit: %+v", h)
	}
	if h, _ := f.app.RiskHeatMap(f.ctx, f.owner, f.munA, false, 0); h.Total != 2 {
		t.Errorf("the owner's map counts others' risks: %d", h.Total)
	}
	_, err = f.app.RiskHeatMap(f.ctx, f.coord, f.munA, false, f.unitB)
	wantCode(t, err, domain.EInvalid)
}
