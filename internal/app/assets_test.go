package app_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

func (f *fixture) asset(c app.Caller, in domain.AssetInput) domain.Asset {
	f.t.Helper()
	a, err := f.app.CreateAsset(f.ctx, c, f.munA, in)
	if err != nil {
		f.t.Fatalf("create asset %v: %v", *in.Name, err)
	}
	return a
}

func (f *fixture) classify(c app.Caller, id int64, lc, li, la, lt int) domain.Asset {
	f.t.Helper()
	a, err := f.app.ClassifyAsset(f.ctx, c, f.munA, id, domain.ClassificationInput{
		Confidentiality: &lc, Integrity: &li, Availability: &la, Traceability: &lt, Rationale: sp("bedömt i workshop")})
	if err != nil {
		f.t.Fatalf("classify %d: %v", id, err)
	}
	return a
}

func levelsOf(l domain.Levels) [4]int {
	var out [4]int
	for i, a := range domain.Aspects {
		out[i] = -1
		if v := l.Get(a); v != nil {
			out[i] = *v
		}
	}
	return out
}

func TestAssetInheritanceFollowsTheCarriedSets(t *testing.T) {
	f := newFixture(t)
	journal := f.asset(f.owner, domain.AssetInput{Name: sp("Journaler i hemtjänsten"), Kind: sp("information"), OrgUnitID: &f.unitSoc, PersonalData: bp(true), SpecialCategories: bp(true)})
	schema := f.asset(f.owner, domain.AssetInput{Name: sp("Schema hemtjänst"), Kind: sp("information"), OrgUnitID: &f.unitSoc})
	f.classify(f.owner, journal.ID, 3, 3, 2, 3)
	f.classify(f.owner, schema.ID, 1, 2, 3, 1)
	treserva := f.asset(f.coord, domain.AssetInput{Name: sp("Verksamhetssystem omsorg"), Kind: sp("system"), OrgUnitID: &f.unitIT, Carries: &[]int64{journal.ID, schema.ID}})
	if got := levelsOf(treserva.Effective); got != [4]int{3, 3, 3, 3} {
		t.Fatalf("system's levels = %v, want the highest of each aspect [3 3 3 3]", got)
	}
	platform := f.asset(f.coord, domain.AssetInput{Name: sp("Driftplattform"), Kind: sp("system"), OrgUnitID: &f.unitIT, Carries: &[]int64{treserva.ID}})
	if got := levelsOf(platform.Effective); got != [4]int{3, 3, 3, 3} {
		t.Fatalf("hosting system's levels = %v, want those of the system it hosts", got)
	}

	// Raising one set's level raises both systems, in the same write.
	f.classify(f.owner, schema.ID, 1, 2, 4, 1)
	for _, id := range []int64{treserva.ID, platform.ID} {
		got, err := f.app.Asset(f.ctx, f.coord, f.munA, id)
		if err != nil {
			t.Fatal(err)
		}
		if levelsOf(got.Effective) != [4]int{3, 3, 4, 3} || !got.SeparateAnalysis {
			t.Errorf("asset %d after the set's availability became 4: %v (separate analysis %v)", id, levelsOf(got.Effective), got.SeparateAnalysis)
		}
	}

	// An override with a reason wins over the inherited level, and travels up.
	if _, err := f.app.SetLevelOverrides(f.ctx, f.coord, f.munA, treserva.ID, []app.OverrideInput{{Aspect: "availability", Level: ip(2)}}); domain.ErrorCode(err) != domain.EInvalid {
		t.Errorf("override without reason: %v, want invalid", err)
	}
	if _, err := f.app.SetLevelOverrides(f.ctx, f.coord, f.munA, treserva.ID, []app.OverrideInput{{Aspect: "availability", Level: ip(2), Reason: "reservrutin på papper finns"}}); err != nil {
		t.Fatal(err)
	}
	got, _ := f.app.Asset(f.ctx, f.coord, f.munA, platform.ID)
	if levelsOf(got.Effective) != [4]int{3, 3, 2, 3} {
		t.Errorf("platform after override below it = %v", levelsOf(got.Effective))
	}

	// Removing a set from the system drops its levels.
	if _, err := f.app.UpdateAsset(f.ctx, f.coord, f.munA, treserva.ID, domain.AssetInput{Carries: &[]int64{schema.ID}}); err != nil {
		t.Fatal(err)
	}
	got, _ = f.app.Asset(f.ctx, f.coord, f.munA, treserva.ID)
	if levelsOf(got.Effective) != [4]int{1, 2, 2, 1} {
		t.Errorf("system carrying only the schedule = %v, want [1 2 2 1]", levelsOf(got.Effective))
	}
	// Deleting the set leaves the system with nothing inherited.
	if err := f.app.DeleteAsset(f.ctx, f.owner, f.munA, schema.ID); err != nil {
		t.Fatal(err)
	}
	got, _ = f.app.Asset(f.ctx, f.coord, f.munA, treserva.ID)
	if levelsOf(got.Effective) != [4]int{-1, -1, 2, -1} || len(got.Carries) != 0 {
		t.Errorf("system after its set was deleted = %v carries %v", levelsOf(got.Effective), got.Carries)
	}
}

func TestAssetCarryingRefusesCyclesAndStrangers(t *testing.T) {
	f := newFixture(t)
	set := f.asset(f.coord, domain.AssetInput{Name: sp("Elevregister"), Kind: sp("information"), OrgUnitID: &f.unitKS})
	a := f.asset(f.coord, domain.AssetInput{Name: sp("System A"), Kind: sp("system"), OrgUnitID: &f.unitIT, Carries: &[]int64{set.ID}})
	b := f.asset(f.coord, domain.AssetInput{Name: sp("System B"), Kind: sp("system"), OrgUnitID: &f.unitIT, Carries: &[]int64{a.ID}})
	c := f.asset(f.coord, domain.AssetInput{Name: sp("System C"), Kind: sp("ics"), OrgUnitID: &f.unitIT, Carries: &[]int64{b.ID}})
	for name, tc := range map[string]struct {
		id      int64
		carries []int64
		want    string
	}{
		"itself":                   {a.ID, []int64{a.ID}, "err.carry_cycle"},
		"a cycle of three":         {a.ID, []int64{set.ID, c.ID}, "err.carry_cycle"},
		"a cycle of two":           {a.ID, []int64{b.ID}, "err.carry_cycle"},
		"a set carries":            {set.ID, []int64{a.ID}, "err.information_carries"},
		"an unknown id":            {a.ID, []int64{999999}, "err.unknown_asset"},
		"a document, not an asset": {a.ID, []int64{f.doc(f.coord, domain.DocumentInput{Type: sp("rutin"), Title: sp("Rutin"), OrgUnitID: &f.unitKS}).ID}, "err.unknown_asset"},
	} {
		_, err := f.app.UpdateAsset(f.ctx, f.coord, f.munA, tc.id, domain.AssetInput{Carries: &tc.carries})
		if e := domain.AsError(err); e == nil || e.Code != domain.EInvalid || e.Fields["carries"] != tc.want {
			t.Errorf("%s: %v, want carries=%s", name, err, tc.want)
		}
	}
	got, _ := f.app.Asset(f.ctx, f.coord, f.munA, a.ID)
	if !slices.Equal(got.Carries, []int64{set.ID}) {
		t.Errorf("refused changes changed the carrying: %v", got.Carries)
	}
	// Another municipality's asset is not found, and cannot be carried.
	other, err := f.app.CreateAsset(f.ctx, f.coordB, f.munB, domain.AssetInput{Name: sp("Borgbys system"), Kind: sp("system"), OrgUnitID: &f.unitB})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.app.Asset(f.ctx, f.coord, f.munA, other.ID); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("other municipality's asset: %v, want not found", err)
	}
	if _, err := f.app.UpdateAsset(f.ctx, f.coord, f.munA, a.ID, domain.AssetInput{Carries: &[]int64{other.ID}}); domain.AsError(err).Fields["carries"] != "err.unknown_asset" {
		t.Errorf("carrying another municipality's asset: %v", err)
	}
}

func TestAssetPermissions(t *testing.T) {
	f := newFixture(t)
	soc := f.asset(f.owner, domain.AssetInput{Name: sp("Barnavårdsakter"), Kind: sp("information"), OrgUnitID: &f.unitSoc})
	if soc.OwnerID == nil || *soc.OwnerID != f.ownerID {
		t.Errorf("owner defaults to the creator: %v", soc.OwnerID)
	}
	if _, err := f.app.CreateAsset(f.ctx, f.owner, f.munA, domain.AssetInput{Name: sp("IT:s"), Kind: sp("system"), OrgUnitID: &f.unitIT}); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("owner creating in another unit: %v, want forbidden", err)
	}
	for name, c := range map[string]app.Caller{"other unit's owner": f.owner2, "staff": f.staff} {
		if _, err := f.app.Asset(f.ctx, c, f.munA, soc.ID); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("%s reads the asset: %v, want not found", name, err)
		}
	}
	if _, err := f.app.Assets(f.ctx, f.staff, f.munA, store.AssetFilter{}); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("staff list assets: %v, want forbidden", err)
	}
	for name, c := range map[string]app.Caller{"management": f.mgmt, "auditor": f.auditor} {
		if _, err := f.app.Asset(f.ctx, c, f.munA, soc.ID); err != nil {
			t.Errorf("%s reads: %v", name, err)
		}
		lc := 2
		_, err := f.app.ClassifyAsset(f.ctx, c, f.munA, soc.ID, domain.ClassificationInput{Confidentiality: &lc, Integrity: &lc, Availability: &lc, Traceability: &lc, Rationale: sp("x")})
		if domain.ErrorCode(err) != domain.EForbidden {
			t.Errorf("%s classifies: %v, want forbidden", name, err)
		}
	}
}

func TestClassificationRules(t *testing.T) {
	f := newFixture(t)
	set := f.asset(f.owner, domain.AssetInput{Name: sp("Ekonomiskt bistånd"), Kind: sp("information"), OrgUnitID: &f.unitSoc, PersonalData: bp(true)})
	five, two := 5, 2
	for name, tc := range map[string]struct {
		in    domain.ClassificationInput
		field string
	}{
		"level above the scale": {domain.ClassificationInput{Confidentiality: &five, Integrity: &two, Availability: &two, Traceability: &two, Rationale: sp("x")}, "confidentiality"},
		"no rationale":          {domain.ClassificationInput{Confidentiality: &two, Integrity: &two, Availability: &two, Traceability: &two}, "rationale"},
		"a level missing":       {domain.ClassificationInput{Confidentiality: &two, Integrity: &two, Availability: &two, Rationale: sp("x")}, "traceability"},
		"guided, level differs without a reason": {domain.ClassificationInput{Answers: &domain.GuidedAnswers{Leak: ip(3), Wrong: ip(2), DownHour: ip(0), DownDay: ip(1), DownWeek: ip(3), Untraceable: ip(2)},
			Confidentiality: &two}, "override_reasons.confidentiality"},
	} {
		_, err := f.app.ClassifyAsset(f.ctx, f.owner, f.munA, set.ID, tc.in)
		if e := domain.AsError(err); e == nil || e.Code != domain.EInvalid || e.Fields[tc.field] == "" {
			t.Errorf("%s: %v, want invalid naming %s", name, err, tc.field)
		}
	}
	if got, _ := f.app.Classifications(f.ctx, f.owner, f.munA, set.ID); len(got) != 0 {
		t.Fatalf("refused classifications were stored: %v", got)
	}
	// Guided: the answers propose, the owner keeps the proposal except where a reason is given.
	a, err := f.app.ClassifyAsset(f.ctx, f.owner, f.munA, set.ID, domain.ClassificationInput{
		Answers:         &domain.GuidedAnswers{Leak: ip(3), Wrong: ip(2), DownHour: ip(0), DownDay: ip(1), DownWeek: ip(3), Untraceable: ip(2)},
		Confidentiality: ip(4), Overrides: map[domain.Aspect]string{domain.Confidentiality: "skyddade personuppgifter förekommer"}, Participants: sp("Olle, handläggare")})
	if err != nil {
		t.Fatal(err)
	}
	if levelsOf(a.Effective) != [4]int{4, 2, 1, 2} || a.Classification.Method != "guided" || a.Classification.Model != "KLASSA" || a.Classification.ModelVersion != 1 {
		t.Errorf("guided classification = %v %+v", levelsOf(a.Effective), a.Classification)
	}
	if a.LastReviewedAt == nil || *a.LastReviewedAt != f.today() || a.NextReviewAt == nil || *a.NextReviewAt != f.today().AddMonths(12) {
		t.Errorf("classification dates: last %v next %v", a.LastReviewedAt, a.NextReviewAt)
	}
	// A system is not classified: it inherits.
	sys := f.asset(f.coord, domain.AssetInput{Name: sp("Procapita"), Kind: sp("system"), OrgUnitID: &f.unitSoc})
	if _, err := f.app.ClassifyAsset(f.ctx, f.coord, f.munA, sys.ID, domain.ClassificationInput{Confidentiality: &two, Integrity: &two, Availability: &two, Traceability: &two, Rationale: sp("x")}); domain.ErrorCode(err) != domain.EConflict {
		t.Errorf("classifying a system: %v, want conflict", err)
	}
	// A new model version is carried by later classifications; earlier ones keep theirs.
	if _, err := f.app.SaveAssetModel(f.ctx, f.owner, f.munA, app.AssetModelInput{Name: sp("Egen")}); domain.ErrorCode(err) != domain.EForbidden {
		t.Errorf("owner changes the model: %v", err)
	}
	if _, err := f.app.SaveAssetModel(f.ctx, f.coord, f.munA, app.AssetModelInput{Labels: &[]string{"a", "b"}}); domain.AsError(err).Fields["labels"] == "" {
		t.Errorf("two labels: %v", err)
	}
	m, err := f.app.SaveAssetModel(f.ctx, f.coord, f.munA, app.AssetModelInput{Labels: &[]string{"Försumbar", "Låg", "Medel", "Hög", "Kritisk"}})
	if err != nil || m.Model.Version != 2 {
		t.Fatalf("save model: %+v %v", m.Model, err)
	}
	f.classify(f.owner, set.ID, 2, 2, 2, 2)
	cls, _ := f.app.Classifications(f.ctx, f.owner, f.munA, set.ID)
	if len(cls) != 2 || cls[0].ModelVersion != 2 || cls[1].ModelVersion != 1 {
		t.Errorf("classification history: %+v", cls)
	}
}

func TestAssetRequirementsFollowTheSoA(t *testing.T) {
	f := newFixture(t)
	if err := f.app.EnsureStatements(f.ctx); err != nil {
		t.Fatal(err)
	}
	set := f.asset(f.owner, domain.AssetInput{Name: sp("Personakter"), Kind: sp("information"), OrgUnitID: &f.unitSoc})
	a := f.classify(f.owner, set.ID, 3, 1, 1, 1)
	var ids []string
	for _, r := range a.Requirements {
		ids = append(ids, r.ControlID)
		if r.Met || r.SoAStatus != "not_started" {
			t.Errorf("requirement %+v met before the SoA says so", r)
		}
	}
	if !slices.Contains(ids, "8.24") || !slices.Contains(ids, "8.5") || slices.Contains(ids, "8.13") {
		t.Errorf("confidentiality 3 implies %v, want encryption 8.24 and MFA 8.5, not backup 8.13", ids)
	}
	if _, err := f.app.UpdateSoA(f.ctx, f.coord, f.munA, "8.24", domain.SoAInput{Status: sp("implemented")}); err != nil {
		t.Fatal(err)
	}
	got, _ := f.app.Asset(f.ctx, f.owner, f.munA, set.ID)
	for _, r := range got.Requirements {
		if r.ControlID == "8.24" && (!r.Met || r.SoAStatus != "implemented") {
			t.Errorf("8.24 after the SoA row became implemented: %+v", r)
		}
	}
	// The municipality's own rules replace the defaults; unknown controls are refused.
	if _, err := f.app.SaveAssetModel(f.ctx, f.coord, f.munA, app.AssetModelInput{Rules: &[]domain.RequirementRule{{Aspect: "confidentiality", MinLevel: 2, ControlID: "99.9"}}}); domain.AsError(err).Fields["rules"] != "err.unknown_control" {
		t.Errorf("unknown control in rules: %v", err)
	}
	if _, err := f.app.SaveAssetModel(f.ctx, f.coord, f.munA, app.AssetModelInput{Rules: &[]domain.RequirementRule{{Aspect: "integrity", MinLevel: 1, ControlID: "8.15"}}}); err != nil {
		t.Fatal(err)
	}
	got, _ = f.app.Asset(f.ctx, f.owner, f.munA, set.ID)
	if len(got.Requirements) != 1 || got.Requirements[0].ControlID != "8.15" {
		t.Errorf("requirements under the municipality's rules: %+v", got.Requirements)
	}
}

// A risk analysis of an information asset marks it for re-classification with the
// analysis's name; classifying it again clears the mark; saving the analysis again without
// change does not mark it twice.
func TestRiskAnalysisMarksTheAssetForReclassification(t *testing.T) {
	f := newFixture(t)
	set := f.asset(f.owner, domain.AssetInput{Name: sp("Journaler"), Kind: sp("information"), OrgUnitID: &f.unitSoc})
	f.classify(f.owner, set.ID, 2, 2, 2, 2)
	an, err := f.app.CreateRiskAnalysis(f.ctx, f.owner, f.munA, domain.RiskAnalysisInput{Title: sp("Journalsystemets risker"), OrgUnitID: &f.unitSoc,
		ObjectType: sp("asset"), AssetID: &set.ID, AnalysedAt: sp("2025-05-09")})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := f.app.Asset(f.ctx, f.owner, f.munA, set.ID)
	if got.ReclassifyReason != "Riskanalys ”Journalsystemets risker” 2025-05-09" || got.ReclassifyAt == nil {
		t.Fatalf("after the analysis: reason %q at %v", got.ReclassifyReason, got.ReclassifyAt)
	}
	list, err := f.app.Assets(f.ctx, f.coord, f.munA, store.AssetFilter{Reclassify: true})
	if err != nil || len(list) != 1 || list[0].ID != set.ID {
		t.Errorf("the register's re-classification filter: %v %v", list, err)
	}
	f.classify(f.owner, set.ID, 3, 2, 2, 2)
	if got, _ = f.app.Asset(f.ctx, f.owner, f.munA, set.ID); got.ReclassifyReason != "" {
		t.Errorf("classifying did not clear the mark: %q", got.ReclassifyReason)
	}
	if _, err := f.app.UpdateRiskAnalysis(f.ctx, f.owner, f.munA, an.ID, domain.RiskAnalysisInput{Method: sp("Workshop")}); err != nil {
		t.Fatal(err)
	}
	if got, _ = f.app.Asset(f.ctx, f.owner, f.munA, set.ID); got.ReclassifyReason == "" {
		t.Error("an analysis changed after the re-classification does not mark the asset again")
	}
	n := len(f.auditRows(string(domain.KindAsset)))
	if _, err := f.app.UpdateRiskAnalysis(f.ctx, f.owner, f.munA, an.ID, domain.RiskAnalysisInput{Method: sp("Workshop med IT")}); err != nil {
		t.Fatal(err)
	}
	if m := len(f.auditRows(string(domain.KindAsset))); m != n {
		t.Errorf("saving the analysis again marked the asset again (%d → %d asset audit entries)", n, m)
	}
}

// What the review found, kept fixed: an analysis cannot name (or mark) an asset the caller
// cannot read; an import does not reveal names of assets the importer cannot read; an older
// classification does not replace a newer one; a system's levels in an import must be its
// inherited ones.
func TestAssetReviewFindings(t *testing.T) {
	f := newFixture(t)
	it := f.asset(f.owner2, domain.AssetInput{Name: sp("Lönesystem"), Kind: sp("information"), OrgUnitID: &f.unitIT})
	_, err := f.app.CreateRiskAnalysis(f.ctx, f.owner, f.munA, domain.RiskAnalysisInput{Title: sp("Nyfiken"), OrgUnitID: &f.unitSoc,
		ObjectType: sp("asset"), AssetID: &it.ID})
	if e := domain.AsError(err); e == nil || e.Fields["asset_id"] != "err.unknown_asset" {
		t.Errorf("an analysis of another unit's asset: %v", err)
	}
	if got, _ := f.app.Asset(f.ctx, f.owner2, f.munA, it.ID); got.ReclassifyReason != "" {
		t.Errorf("another unit's asset was marked: %q", got.ReclassifyReason)
	}
	res, err := f.app.ImportAssets(f.ctx, f.owner, f.munA, []app.AssetImportRow{{Line: 2, Name: "Lönesystem",
		Input: domain.AssetInput{Name: sp("Lönesystem"), Kind: sp("system"), OrgUnitID: &f.unitSoc}}}, true)
	if err != nil || len(res) != 1 || res[0].Action != "create" {
		t.Errorf("import of a name another unit uses: %+v %v (want a new asset, nothing revealed)", res, err)
	}

	f.classify(f.owner2, it.ID, 2, 2, 2, 2)
	two := 3
	_, err = f.app.ClassifyAsset(f.ctx, f.owner2, f.munA, it.ID, domain.ClassificationInput{Confidentiality: &two, Integrity: &two, Availability: &two,
		Traceability: &two, Rationale: sp("gammal"), ClassifiedAt: sp(f.today().AddDays(-30).String())})
	if e := domain.AsError(err); e == nil || e.Fields["classified_at"] != "err.classified_before" {
		t.Errorf("a classification dated before the current one: %v", err)
	}

	sys := f.asset(f.owner2, domain.AssetInput{Name: sp("Lönesystemets server"), Kind: sp("system"), OrgUnitID: &f.unitIT, Carries: &[]int64{it.ID}})
	four, twoL := 4, 2
	_, err = f.app.ImportAssets(f.ctx, f.owner2, f.munA, []app.AssetImportRow{{Line: 2, Name: sys.Title, Input: domain.AssetInput{Name: &sys.Title},
		Levels: domain.Levels{Confidentiality: &four}}}, true)
	if err == nil || !strings.Contains(fmt.Sprint(rowsOf(err)), "err.levels_inherited") {
		t.Errorf("import of other levels for a system: %v", err)
	}
	if _, err := f.app.ImportAssets(f.ctx, f.owner2, f.munA, []app.AssetImportRow{{Line: 2, Name: sys.Title, Input: domain.AssetInput{Name: &sys.Title},
		Levels: domain.Levels{Confidentiality: &twoL}}}, true); err != nil {
		t.Errorf("import of a system's own inherited levels (an export read back): %v", err)
	}
}

func rowsOf(err error) []app.RowError {
	var re *app.RowsError
	if errors.As(err, &re) {
		return re.Rows
	}
	return nil
}

// An information owner sees, of what a system of their unit carries, only the sets they may
// read, and changing the system does not drop the others.
func TestCarriedAssetsTheCallerCannotRead(t *testing.T) {
	f := newFixture(t)
	hidden := f.asset(f.owner2, domain.AssetInput{Name: sp("IT:s driftloggar"), Kind: sp("information"), OrgUnitID: &f.unitIT})
	mine := f.asset(f.owner, domain.AssetInput{Name: sp("Journaler"), Kind: sp("information"), OrgUnitID: &f.unitSoc})
	sys := f.asset(f.coord, domain.AssetInput{Name: sp("Socialtjänstens system"), Kind: sp("system"), OrgUnitID: &f.unitSoc, Carries: &[]int64{hidden.ID, mine.ID}})
	got, err := f.app.Asset(f.ctx, f.owner, f.munA, sys.ID)
	if err != nil || !slices.Equal(got.Carries, []int64{mine.ID}) {
		t.Fatalf("the owner sees carries %v, %v (want only %d)", got.Carries, err, mine.ID)
	}
	if _, err := f.app.UpdateAsset(f.ctx, f.owner, f.munA, sys.ID, domain.AssetInput{Carries: &got.Carries}); err != nil {
		t.Fatal(err)
	}
	all, _ := f.app.Asset(f.ctx, f.coord, f.munA, sys.ID)
	if !slices.Contains(all.Carries, hidden.ID) {
		t.Errorf("the owner's PUT of what they saw dropped the set they cannot see: %v", all.Carries)
	}
	if _, err := f.app.UpdateAsset(f.ctx, f.owner, f.munA, sys.ID, domain.AssetInput{Carries: &[]int64{}}); err != nil {
		t.Fatal(err)
	}
	if all, _ = f.app.Asset(f.ctx, f.coord, f.munA, sys.ID); !slices.Equal(all.Carries, []int64{hidden.ID}) {
		t.Errorf("after the owner removed their set: %v, want only the hidden one", all.Carries)
	}
}
