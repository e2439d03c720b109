package domain

import (
	"testing"
	"time"
)

func i64p(n int64) *int64      { return &n }
func slp(v []string) *[]string { return &v }

// Score and level are one rule: likelihood × consequence, banded by the thresholds.
func TestAssessScoresAndLevels(t *testing.T) {
	five, four := DefaultRiskMatrix(5), DefaultRiskMatrix(4)
	for _, tc := range []struct {
		m     RiskMatrix
		l, c  int
		score int
		level RiskLevel
	}{
		{five, 1, 1, 1, RiskLow},
		{five, 2, 2, 4, RiskLow},
		{five, 1, 5, 5, RiskMedium},
		{five, 3, 3, 9, RiskMedium},
		{five, 2, 5, 10, RiskHigh},
		{five, 3, 5, 15, RiskHigh},
		{five, 4, 4, 16, RiskVeryHigh},
		{five, 5, 5, 25, RiskVeryHigh},
		{four, 1, 3, 3, RiskLow},
		{four, 2, 2, 4, RiskMedium},
		{four, 2, 3, 6, RiskMedium},
		{four, 2, 4, 8, RiskHigh},
		{four, 3, 4, 12, RiskVeryHigh},
		{four, 4, 4, 16, RiskVeryHigh},
	} {
		s, lv := tc.m.Assess(tc.l, tc.c)
		if s != tc.score || lv != tc.level {
			t.Errorf("%d×%d on %d×%d: %d %s, want %d %s", tc.l, tc.c, tc.m.Size, tc.m.Size, s, lv, tc.score, tc.level)
		}
	}
	// Three bands of the municipality's own: the levels it has, nothing else.
	own := five
	own.Thresholds = []RiskThreshold{{RiskLow, 1}, {RiskHigh, 8}, {RiskVeryHigh, 20}}
	for score, want := range map[int]RiskLevel{1: RiskLow, 7: RiskLow, 8: RiskHigh, 19: RiskHigh, 20: RiskVeryHigh, 25: RiskVeryHigh} {
		if got := own.Level(score); got != want {
			t.Errorf("own bands, score %d: %s, want %s", score, got, want)
		}
	}
	for level, want := range map[RiskLevel][2]int{RiskLow: {1, 7}, RiskHigh: {8, 19}, RiskVeryHigh: {20, 25}} {
		lo, hi, ok := own.ScoreRange(level)
		if !ok || lo != want[0] || hi != want[1] {
			t.Errorf("range of %s: %d–%d %v, want %v", level, lo, hi, ok, want)
		}
	}
	if _, _, ok := own.ScoreRange(RiskMedium); ok {
		t.Error("a level the matrix lacks has a range")
	}
}

func TestAcceptanceLevelAndTiers(t *testing.T) {
	m := DefaultRiskMatrix(5) // acceptable up to low; coordinator up to medium, management all
	if !m.Acceptable(RiskLow) || m.Acceptable(RiskMedium) || m.Acceptable("") {
		t.Error("acceptance level low: low acceptable, medium not")
	}
	if m.NeedsDecisionFrom() != 5 {
		t.Errorf("decision from score %d, want 5", m.NeedsDecisionFrom())
	}
	for _, tc := range []struct {
		role  Role
		level RiskLevel
		ok    bool
	}{
		{RoleCoordinator, RiskLow, true},
		{RoleCoordinator, RiskMedium, true},
		{RoleCoordinator, RiskHigh, false},
		{RoleManagement, RiskVeryHigh, true},
		{RoleManagement, RiskLow, true},
		{RoleInformationOwner, RiskLow, false}, // no tier of their own by default
		{RoleAuditor, RiskLow, false},
		{RoleManagement, "bogus", false},
	} {
		if got := TierAllows(m.AcceptanceTiers, tc.role, tc.level); got != tc.ok {
			t.Errorf("%s accepting %s: %v, want %v", tc.role, tc.level, got, tc.ok)
		}
	}
	if TierMax(m.AcceptanceTiers, RoleCoordinator) != RiskMedium || TierMax(m.AcceptanceTiers, RoleStaff) != "" {
		t.Error("TierMax")
	}
}

func TestApplyRiskMatrix(t *testing.T) {
	base := DefaultRiskMatrix(5)
	for _, tc := range []struct {
		name    string
		in      RiskMatrixInput
		field   string // "" for valid
		changed bool
	}{
		{"nothing", RiskMatrixInput{}, "", false},
		{"same labels", RiskMatrixInput{LikelihoodLabels: slp(base.LikelihoodLabels)}, "", false},
		{"new labels", RiskMatrixInput{LikelihoodLabels: slp([]string{"1", "2", "3", "4", "Nästan säkert"})}, "", true},
		{"size 4 takes its defaults", RiskMatrixInput{Size: ip(4)}, "", true},
		{"size 6", RiskMatrixInput{Size: ip(6)}, "size", false},
		{"too few labels", RiskMatrixInput{ConsequenceLabels: slp([]string{"a", "b"})}, "consequence_labels", false},
		{"empty label", RiskMatrixInput{ConsequenceLabels: slp([]string{"a", "b", " ", "d", "e"})}, "consequence_labels", false},
		{"thresholds not from 1", RiskMatrixInput{Thresholds: &[]RiskThreshold{{RiskLow, 2}, {RiskHigh, 10}}}, "thresholds", false},
		{"thresholds falling", RiskMatrixInput{Thresholds: &[]RiskThreshold{{RiskLow, 1}, {RiskHigh, 10}, {RiskMedium, 12}}}, "thresholds", false},
		{"threshold beyond the matrix", RiskMatrixInput{Thresholds: &[]RiskThreshold{{RiskLow, 1}, {RiskHigh, 26}}}, "thresholds", false},
		{"one band", RiskMatrixInput{Thresholds: &[]RiskThreshold{{RiskLow, 1}}}, "thresholds", false},
		{"acceptance level not a band", RiskMatrixInput{Thresholds: &[]RiskThreshold{{RiskLow, 1}, {RiskHigh, 10}}, AcceptanceLevel: sp("medium")}, "acceptance_level", false},
		{"acceptance level medium", RiskMatrixInput{AcceptanceLevel: sp("medium")}, "", true},
		{"tier of the auditor", RiskMatrixInput{AcceptanceTiers: &[]AcceptanceTier{{RoleAuditor, RiskLow}}}, "acceptance_tiers", false},
		{"two tiers of one role", RiskMatrixInput{AcceptanceTiers: &[]AcceptanceTier{{RoleManagement, RiskLow}, {RoleManagement, RiskHigh}}}, "acceptance_tiers", false},
		{"owners accept low", RiskMatrixInput{AcceptanceTiers: &[]AcceptanceTier{{RoleInformationOwner, RiskLow}, {RoleManagement, RiskVeryHigh}}}, "", true},
	} {
		m := base
		changed, err := ApplyRiskMatrix(&m, tc.in)
		if tc.field == "" {
			if err != nil || changed != tc.changed {
				t.Errorf("%s: changed %v, %v; want changed %v", tc.name, changed, err, tc.changed)
			}
			continue
		}
		if e := AsError(err); err == nil || e.Fields[tc.field] == "" {
			t.Errorf("%s: %v, want a problem with %s", tc.name, err, tc.field)
		}
	}
	m := base
	if _, err := ApplyRiskMatrix(&m, RiskMatrixInput{Size: ip(4)}); err != nil || len(m.LikelihoodLabels) != 4 || m.Thresholds[3].MinScore != 12 {
		t.Errorf("4×4: %+v %v", m, err)
	}
}

// A smaller matrix that would leave scores beyond it is refused unless mapped.
func TestCheckMatrixChange(t *testing.T) {
	five, four := DefaultRiskMatrix(5), DefaultRiskMatrix(4)
	for _, tc := range []struct {
		name string
		to   RiskMatrix
		use  MatrixUse
		mp   *ScaleMapping
		code Code // "" for allowed
	}{
		{"no risks", four, MatrixUse{}, nil, ""},
		{"risks within 4", four, MatrixUse{4, 3}, nil, ""},
		{"a likelihood of 5", four, MatrixUse{5, 2}, nil, EConflict},
		{"a consequence of 5", four, MatrixUse{2, 5}, nil, EConflict},
		{"mapped", four, MatrixUse{5, 5}, &ScaleMapping{[]int{1, 2, 3, 4, 4}, []int{1, 1, 2, 3, 4}}, ""},
		{"mapping too short", four, MatrixUse{5, 5}, &ScaleMapping{[]int{1, 2, 3, 4}, []int{1, 2, 3, 4, 4}}, EInvalid},
		{"mapping beyond the scale", four, MatrixUse{5, 5}, &ScaleMapping{[]int{1, 2, 3, 4, 5}, []int{1, 2, 3, 4, 4}}, EInvalid},
		{"mapping falling", four, MatrixUse{5, 5}, &ScaleMapping{[]int{1, 3, 2, 4, 4}, []int{1, 2, 3, 4, 4}}, EInvalid},
		{"one axis unmapped on a smaller scale", four, MatrixUse{5, 5}, &ScaleMapping{Likelihood: []int{1, 2, 3, 4, 4}}, EInvalid},
		{"growing needs no mapping", five, MatrixUse{4, 4}, nil, ""},
	} {
		old := five
		if tc.name == "growing needs no mapping" {
			old = four
		}
		err := CheckMatrixChange(old, tc.to, tc.use, tc.mp)
		if got := ErrorCode(err); got != tc.code {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.code)
		}
		if tc.code == EConflict && AsError(err).Fields["size"] != "err.matrix_orphans" {
			t.Errorf("%s: refusal does not name size: %v", tc.name, err)
		}
	}
	if MapValue([]int{1, 2, 3, 4, 4}, 5) != 4 || MapValue(nil, 3) != 3 {
		t.Error("MapValue")
	}
}

func TestApplyRisk(t *testing.T) {
	today := NewDate(2026, 12, 2)
	m := DefaultRiskMatrix(5)
	m.Version = 3
	unit := int64(4)
	newRisk := func(in RiskInput) (Risk, Problems) {
		if in.Title == nil {
			in.Title = sp("Obehörig åtkomst till journaler")
		}
		if in.OrgUnitID == nil {
			in.OrgUnitID = &unit
		}
		r := Risk{Record: Record{MunicipalityID: 1}}
		err := ApplyRisk(&r, in, m, today)
		if err == nil {
			return r, nil
		}
		return r, AsError(err).Fields
	}
	r, p := newRisk(RiskInput{Likelihood: ip(4), Consequence: ip(5)})
	if p != nil || r.Score != 20 || r.Level != RiskVeryHigh || r.ResidualScore != 20 || r.ResidualLevel != RiskVeryHigh ||
		r.Treatment != TreatReduce || r.Status != "open" || r.MatrixVersion != 3 || r.Kind != KindRisk {
		t.Errorf("new risk: %+v %v", r, p)
	}
	for _, tc := range []struct {
		name  string
		in    RiskInput
		field string
		key   string
	}{
		{"no likelihood", RiskInput{Consequence: ip(2)}, "likelihood", "err.required"},
		{"likelihood 0", RiskInput{Likelihood: ip(0), Consequence: ip(2)}, "likelihood", "err.risk_scale"},
		{"consequence 6", RiskInput{Likelihood: ip(2), Consequence: ip(6)}, "consequence", "err.risk_scale"},
		{"residual 6", RiskInput{Likelihood: ip(2), Consequence: ip(2), ResidualLikelihood: ip(6)}, "residual_likelihood", "err.risk_scale"},
		{"residual above without reason", RiskInput{Likelihood: ip(2), Consequence: ip(2), ResidualLikelihood: ip(3)}, "residual_reason", "err.residual_reason_required"},
		{"bad treatment", RiskInput{Likelihood: ip(2), Consequence: ip(2), Treatment: sp("ignore")}, "treatment", "err.enum"},
		{"empty control id", RiskInput{Likelihood: ip(2), Consequence: ip(2), ControlIDs: slp([]string{"5.1", ""})}, "control_ids", "err.unknown_control"},
		{"no title", RiskInput{Title: sp(" "), Likelihood: ip(2), Consequence: ip(2)}, "title", "err.required"},
	} {
		_, p := newRisk(tc.in)
		if p[tc.field] != tc.key {
			t.Errorf("%s: %s = %q, want %q (%v)", tc.name, tc.field, p[tc.field], tc.key, p)
		}
	}
	// A residual above the inherent score is accepted with a reason.
	r, p = newRisk(RiskInput{Likelihood: ip(2), Consequence: ip(2), ResidualLikelihood: ip(3), ResidualReason: sp("Ny leverantör utan avtal")})
	if p != nil || r.ResidualScore != 6 || r.ResidualLevel != RiskMedium {
		t.Errorf("residual with reason: %+v %v", r, p)
	}
	// Treatment lowers the residual score; controls are kept once each, in order.
	r, p = newRisk(RiskInput{Likelihood: ip(4), Consequence: ip(4), Treatment: sp("Reduce"), ResidualLikelihood: ip(2), ResidualConsequence: ip(3),
		ControlIDs: slp([]string{"8.5", "5.15", "8.5"}), AssetIDs: &[]int64{3, 3, 0, 9}})
	if p != nil || r.ResidualScore != 6 || r.Level != RiskVeryHigh || r.ResidualLevel != RiskMedium || len(r.ControlIDs) != 2 || r.ControlIDs[1] != "5.15" || len(r.AssetIDs) != 2 {
		t.Errorf("treated risk: %+v %v", r, p)
	}
	// An update that does not touch the scores keeps the matrix version it was scored on.
	r.ID = 10
	m.Version = 4
	if err := ApplyRisk(&r, RiskInput{Threat: sp("Nätfiske")}, m, today); err != nil || r.MatrixVersion != 3 {
		t.Errorf("update: version %d, %v", r.MatrixVersion, err)
	}
	if err := ApplyRisk(&r, RiskInput{ResidualConsequence: ip(2)}, m, today); err != nil || r.MatrixVersion != 4 || r.ResidualScore != 4 {
		t.Errorf("rescored: version %d score %d, %v", r.MatrixVersion, r.ResidualScore, err)
	}
}

func TestApplyRiskAnalysisObjects(t *testing.T) {
	today := NewDate(2026, 12, 2)
	unit := int64(2)
	for _, tc := range []struct {
		name  string
		in    RiskAnalysisInput
		field string
	}{
		{"municipality", RiskAnalysisInput{ObjectType: sp("municipality")}, ""},
		{"no object", RiskAnalysisInput{}, "object_type"},
		{"unknown object", RiskAnalysisInput{ObjectType: sp("building")}, "object_type"},
		{"asset without asset", RiskAnalysisInput{ObjectType: sp("asset")}, "asset_id"},
		{"asset", RiskAnalysisInput{ObjectType: sp("asset"), AssetID: i64p(7), Process: sp("bort")}, ""},
		{"process without process", RiskAnalysisInput{ObjectType: sp("process"), Process: sp(" ")}, "process"},
		{"bad date", RiskAnalysisInput{ObjectType: sp("org_unit"), AnalysedAt: sp("2026-13-01")}, "analysed_at"},
	} {
		tc.in.Title, tc.in.OrgUnitID = sp("Riskanalys"), &unit
		a := RiskAnalysis{}
		err := ApplyRiskAnalysis(&a, tc.in, today)
		switch {
		case tc.field == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.field != "" && AsError(err).Fields[tc.field] == "":
			t.Errorf("%s: %v, want a problem with %s", tc.name, err, tc.field)
		}
		if tc.name == "asset" && (a.Process != "" || a.AssetID == nil || a.Status != "planned") {
			t.Errorf("asset analysis: %+v", a)
		}
	}
}

func TestApplyRiskActionDueDateIsTheReviewDate(t *testing.T) {
	today := NewDate(2026, 12, 2)
	unit := int64(2)
	a := RiskAction{RiskID: 5}
	if err := ApplyRiskAction(&a, RiskActionInput{Title: sp("Inför MFA"), OrgUnitID: &unit}, today); AsError(err).Fields["due_at"] != "err.required" {
		t.Errorf("no due date: %v", err)
	}
	a = RiskAction{RiskID: 5}
	if err := ApplyRiskAction(&a, RiskActionInput{Title: sp("Inför MFA"), OrgUnitID: &unit, DueAt: sp("2027-02-01")}, today); err != nil ||
		a.NextReviewAt == nil || a.NextReviewAt.String() != "2027-02-01" || a.DueAt != a.NextReviewAt || a.Status != "planned" {
		t.Errorf("action: %+v %v", a, err)
	}
	if err := ApplyRiskAction(&a, RiskActionInput{DueAt: sp("1 feb")}, today); AsError(err).Fields["due_at"] != "err.date" {
		t.Errorf("bad due date: %v", err)
	}
	a.ID = 1
	if err := ApplyRiskAction(&a, RiskActionInput{Status: sp("done")}, today); err != nil || !IsClosed(KindRiskAction, a.Status) {
		t.Errorf("done: %+v %v", a, err)
	}
}

// A material change voids an acceptance; anything else leaves it standing.
func TestVoidReason(t *testing.T) {
	acc := RiskAcceptance{ResidualScore: 6, MatrixVersion: 2, Controls: []AcceptedControl{{ControlID: "8.5", Status: CtlImplemented}, {ControlID: "5.15", Status: CtlPartial}}}
	same := func() RiskState {
		return RiskState{ResidualScore: 6, MatrixVersion: 2, Controls: map[string]ControlStatus{"8.5": CtlImplemented, "5.15": CtlPartial}}
	}
	for _, tc := range []struct {
		name   string
		change func(*RiskState)
		want   string
	}{
		{"unchanged", func(*RiskState) {}, ""},
		{"lower residual", func(s *RiskState) { s.ResidualScore = 4 }, ""},
		{"control improved", func(s *RiskState) { s.Controls["5.15"] = CtlImplemented }, ""},
		{"control added", func(s *RiskState) { s.Controls["8.7"] = CtlNotStarted }, ""},
		{"higher residual", func(s *RiskState) { s.ResidualScore = 8 }, VoidResidualRaised},
		{"new matrix", func(s *RiskState) { s.MatrixVersion = 3 }, VoidMatrixChanged},
		{"control removed", func(s *RiskState) { delete(s.Controls, "8.5") }, VoidControlRemoved},
		{"control downgraded", func(s *RiskState) { s.Controls["8.5"] = CtlPartial }, VoidControlDowngraded},
		{"control no longer applicable", func(s *RiskState) { s.Controls["5.15"] = CtlNotApplicable }, VoidControlDowngraded},
	} {
		s := same()
		tc.change(&s)
		if got := VoidReason(acc, s); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	today := NewDate(2026, 12, 2)
	acc.ValidUntil = today
	if !acc.ValidOn(today) || acc.ValidOn(today.AddDays(1)) || !acc.Expired(today.AddDays(1)) {
		t.Error("valid through its last day, expired after")
	}
	now := time.Now()
	acc.VoidedAt = &now
	if acc.ValidOn(today) || acc.Expired(today.AddDays(1)) {
		t.Error("a voided acceptance is neither valid nor expired")
	}
}

func TestApplyAcceptance(t *testing.T) {
	today := NewDate(2026, 12, 2)
	for _, tc := range []struct {
		in    AcceptanceInput
		field string
	}{
		{AcceptanceInput{Justification: sp("Kostnaden för åtgärden står inte i proportion."), ValidUntil: sp("2027-12-01")}, ""},
		{AcceptanceInput{ValidUntil: sp("2027-12-01")}, "justification"},
		{AcceptanceInput{Justification: sp("  "), ValidUntil: sp("2027-12-01")}, "justification"},
		{AcceptanceInput{Justification: sp("Ja")}, "valid_until"},
		{AcceptanceInput{Justification: sp("Ja"), ValidUntil: sp("2026-12-02")}, "valid_until"},
		{AcceptanceInput{Justification: sp("Ja"), ValidUntil: sp("2030-12-03")}, "valid_until"},
		{AcceptanceInput{Justification: sp("Ja"), ValidUntil: sp("snart")}, "valid_until"},
	} {
		_, until, err := ApplyAcceptance(tc.in, today)
		switch {
		case tc.field == "" && (err != nil || until.String() != "2027-12-01"):
			t.Errorf("%+v: %v %v", tc.in, until, err)
		case tc.field != "" && AsError(err).Fields[tc.field] == "":
			t.Errorf("%+v: %v, want a problem with %s", tc.in, err, tc.field)
		}
	}
}

func TestNeedsDecision(t *testing.T) {
	today := NewDate(2026, 12, 2)
	m := DefaultRiskMatrix(5)
	low := Risk{Record: Record{Status: "open"}, Treatment: TreatReduce, ResidualScore: 3}
	high := Risk{Record: Record{Status: "open"}, Treatment: TreatReduce, ResidualScore: 12}
	acceptLow := Risk{Record: Record{Status: "open"}, Treatment: TreatAccept, ResidualScore: 3}
	closed := Risk{Record: Record{Status: "closed"}, Treatment: TreatAccept, ResidualScore: 20}
	accepted := high
	accepted.Acceptance = &RiskAcceptance{ValidUntil: today.AddDays(10)}
	expired := high
	expired.Acceptance = &RiskAcceptance{ValidUntil: today.AddDays(-1)}
	for name, tc := range map[string]struct {
		r    Risk
		want bool
	}{"low": {low, false}, "high": {high, true}, "accept low": {acceptLow, true}, "closed": {closed, false},
		"accepted": {accepted, false}, "expired": {expired, true}} {
		if got := tc.r.NeedsDecision(m, today); got != tc.want {
			t.Errorf("%s: %v, want %v", name, got, tc.want)
		}
	}
}

func TestHeatMapLaysOutEveryCell(t *testing.T) {
	m := DefaultRiskMatrix(4)
	cells := HeatMap(m, map[[2]int]int{{4, 1}: 2, {1, 4}: 1})
	if len(cells) != 16 || cells[0].Likelihood != 4 || cells[0].Consequence != 1 || cells[0].Count != 2 || cells[15].Likelihood != 1 || cells[15].Consequence != 4 || cells[15].Count != 1 {
		t.Fatalf("cells %+v", cells)
	}
	if cells[3].Score != 16 || cells[3].Level != RiskVeryHigh {
		t.Errorf("top right %+v", cells[3])
	}
}

// A matrix's clone shares nothing with it: readers of the shared matrix each get one.
func TestRiskMatrixClone(t *testing.T) {
	m := DefaultRiskMatrix(5)
	now := time.Now()
	m.UpdatedAt = &now
	c := m.Clone()
	c.LikelihoodLabels[0], c.ConsequenceLabels[0] = "x", "y"
	c.Thresholds[0].MinScore, c.AcceptanceTiers[0].MaxLevel = 99, "z"
	*c.UpdatedAt = now.Add(time.Hour)
	if m.LikelihoodLabels[0] == "x" || m.ConsequenceLabels[0] == "y" || m.Thresholds[0].MinScore == 99 || m.AcceptanceTiers[0].MaxLevel == "z" || !m.UpdatedAt.Equal(now) {
		t.Errorf("the clone shares with the matrix: %+v", m)
	}
}
