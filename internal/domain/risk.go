package domain

import (
	"slices"
	"strings"
	"time"
)

// Risk analysis (issue 9, items 5–7): a municipality's risk matrix, its risk analyses, the
// risks they find, the treatment actions of those risks and the management's acceptance of
// residual risk. Analyses, risks and actions are tracked kinds (the record core); the matrix
// is one versioned row per municipality.

// The risk kinds. All three share the authorization object "risk": who may see a risk may
// see the analysis it came from and the actions that treat it.
const (
	KindRiskAnalysis Kind = "risk_analysis"
	KindRisk         Kind = "risk"
	KindRiskAction   Kind = "risk_action"
)

// RiskAssetKind is the kind of the information assets a risk or an analysis names.
const RiskAssetKind = KindAsset

// RiskLevel is a band of risk scores, from the lowest.
type RiskLevel string

// The risk levels, ordered.
const (
	RiskLow      RiskLevel = "low"
	RiskMedium   RiskLevel = "medium"
	RiskHigh     RiskLevel = "high"
	RiskVeryHigh RiskLevel = "very_high"
)

// RiskLevels lists the levels from the lowest.
var RiskLevels = []RiskLevel{RiskLow, RiskMedium, RiskHigh, RiskVeryHigh}

// Rank is the level's place from the lowest (0), -1 for an unknown level.
func (l RiskLevel) Rank() int { return slices.Index(RiskLevels, l) }

// RiskThreshold starts a level: scores from MinScore up (to the next threshold) have Level.
type RiskThreshold struct {
	Level    RiskLevel `json:"level"`
	MinScore int       `json:"min_score"`
}

// AcceptanceTier says up to which residual level holders of Role may accept a risk: the
// municipality's delegation rule (e.g. the coordinator up to medium, management above).
type AcceptanceTier struct {
	Role     Role      `json:"role"`
	MaxLevel RiskLevel `json:"max_level"`
}

// RiskMatrix is a municipality's scale of likelihood × consequence. It is versioned: every
// change that is stored makes a new version, and every risk records the version it was
// scored on.
type RiskMatrix struct {
	MunicipalityID    int64            `json:"-"`
	Size              int              `json:"size"`
	LikelihoodLabels  []string         `json:"likelihood_labels"`
	ConsequenceLabels []string         `json:"consequence_labels"`
	Thresholds        []RiskThreshold  `json:"thresholds"`
	AcceptanceLevel   RiskLevel        `json:"acceptance_level"`
	AcceptanceTiers   []AcceptanceTier `json:"acceptance_tiers"`
	Version           int              `json:"version"`
	UpdatedAt         *time.Time       `json:"updated_at"`
}

// Clone is a copy of m that shares nothing with it.
func (m RiskMatrix) Clone() RiskMatrix {
	m.LikelihoodLabels, m.ConsequenceLabels = slices.Clone(m.LikelihoodLabels), slices.Clone(m.ConsequenceLabels)
	m.Thresholds, m.AcceptanceTiers = slices.Clone(m.Thresholds), slices.Clone(m.AcceptanceTiers)
	if m.UpdatedAt != nil {
		t := *m.UpdatedAt
		m.UpdatedAt = &t
	}
	return m
}

// The matrix sizes a municipality may choose.
var RiskMatrixSizes = []int{4, 5}

// DefaultRiskMatrix is the matrix of a municipality that has not set its own: size 4 or 5
// with Swedish labels (MSB's metodstöd words them so), four levels, risks up to low
// acceptable without a decision, the coordinator accepting up to medium and management above.
func DefaultRiskMatrix(size int) RiskMatrix {
	m := RiskMatrix{Size: 5, Version: 1, AcceptanceLevel: RiskLow,
		LikelihoodLabels:  []string{"Mycket låg", "Låg", "Medel", "Hög", "Mycket hög"},
		ConsequenceLabels: []string{"Försumbar", "Begränsad", "Måttlig", "Allvarlig", "Mycket allvarlig"},
		Thresholds:        []RiskThreshold{{RiskLow, 1}, {RiskMedium, 5}, {RiskHigh, 10}, {RiskVeryHigh, 16}},
		AcceptanceTiers:   []AcceptanceTier{{RoleCoordinator, RiskMedium}, {RoleManagement, RiskVeryHigh}},
	}
	if size == 4 {
		m.Size = 4
		m.LikelihoodLabels = []string{"Låg", "Medel", "Hög", "Mycket hög"}
		m.ConsequenceLabels = []string{"Begränsad", "Måttlig", "Allvarlig", "Mycket allvarlig"}
		m.Thresholds = []RiskThreshold{{RiskLow, 1}, {RiskMedium, 4}, {RiskHigh, 7}, {RiskVeryHigh, 12}}
	}
	return m
}

// Score is likelihood × consequence.
func Score(likelihood, consequence int) int { return likelihood * consequence }

// Level is the level of a score on m: the band of the highest threshold at or below it
// (the lowest band for anything below the first threshold).
func (m RiskMatrix) Level(score int) RiskLevel {
	if len(m.Thresholds) == 0 {
		return ""
	}
	level := m.Thresholds[0].Level
	for _, t := range m.Thresholds {
		if score >= t.MinScore {
			level = t.Level
		}
	}
	return level
}

// Assess is the one rule of scoring: a risk's score (likelihood × consequence) and its level
// on the matrix.
func (m RiskMatrix) Assess(likelihood, consequence int) (int, RiskLevel) {
	s := Score(likelihood, consequence)
	return s, m.Level(s)
}

// ScoreRange is the scores of level on m, inclusive; ok is false when m has no such band.
func (m RiskMatrix) ScoreRange(level RiskLevel) (lo, hi int, ok bool) {
	for i, t := range m.Thresholds {
		if t.Level != level {
			continue
		}
		hi = m.Size * m.Size
		if i+1 < len(m.Thresholds) {
			hi = m.Thresholds[i+1].MinScore - 1
		}
		return t.MinScore, hi, true
	}
	return 0, 0, false
}

// Levels are the levels m uses, from the lowest.
func (m RiskMatrix) Levels() []RiskLevel {
	out := make([]RiskLevel, len(m.Thresholds))
	for i, t := range m.Thresholds {
		out[i] = t.Level
	}
	return out
}

// Acceptable reports whether a residual level needs no acceptance decision on m (at or below
// the acceptance level).
func (m RiskMatrix) Acceptable(level RiskLevel) bool {
	return level.Rank() >= 0 && level.Rank() <= m.AcceptanceLevel.Rank()
}

// NeedsDecisionFrom is the lowest score that needs an acceptance decision (above the
// acceptance level); above every score when none does.
func (m RiskMatrix) NeedsDecisionFrom() int {
	_, hi, ok := m.ScoreRange(m.AcceptanceLevel)
	if !ok {
		return 1
	}
	return hi + 1
}

// TierAllows reports whether the tiers let a holder of role accept a residual risk of level:
// the role has a tier whose highest level is at or above it.
func TierAllows(tiers []AcceptanceTier, role Role, level RiskLevel) bool {
	if level.Rank() < 0 {
		return false
	}
	for _, t := range tiers {
		if t.Role == role && level.Rank() <= t.MaxLevel.Rank() {
			return true
		}
	}
	return false
}

// TierMax is the highest level role may accept under tiers ("" for none).
func TierMax(tiers []AcceptanceTier, role Role) RiskLevel {
	var best RiskLevel
	for _, t := range tiers {
		if t.Role == role && t.MaxLevel.Rank() > best.Rank() {
			best = t.MaxLevel
		}
	}
	return best
}

// AcceptingRoles are the roles a tier may name: those who answer for risks.
var AcceptingRoles = []Role{RoleCoordinator, RoleInformationOwner, RoleManagement}

// RiskMatrixInput changes a matrix; nil fields keep their value. Mapping moves the scores of
// existing risks when the scale changes (see CheckMatrixChange).
type RiskMatrixInput struct {
	Size              *int              `json:"size"`
	LikelihoodLabels  *[]string         `json:"likelihood_labels"`
	ConsequenceLabels *[]string         `json:"consequence_labels"`
	Thresholds        *[]RiskThreshold  `json:"thresholds"`
	AcceptanceLevel   *string           `json:"acceptance_level"`
	AcceptanceTiers   *[]AcceptanceTier `json:"acceptance_tiers"`
	Mapping           *ScaleMapping     `json:"mapping"`
}

// ScaleMapping says where each value of the old scale goes on the new one: Likelihood[i] is
// the new likelihood of the old likelihood i+1, likewise Consequence.
type ScaleMapping struct {
	Likelihood  []int `json:"likelihood"`
	Consequence []int `json:"consequence"`
}

// MapValue is where old value v goes under the mapping of one axis (v itself when the axis
// is not mapped).
func MapValue(axis []int, v int) int {
	if v >= 1 && v <= len(axis) {
		return axis[v-1]
	}
	return v
}

// ApplyRiskMatrix applies in to m and validates the result: size 4 or 5, one non-empty label
// per step on each axis, thresholds that start at 1 and rise with the levels, an acceptance
// level and tiers among the matrix's levels. A new size without new labels takes the default
// labels of that size; without new thresholds, the default thresholds. It reports whether
// anything changed (the caller then stores a new version). Returns EInvalid naming each field.
func ApplyRiskMatrix(m *RiskMatrix, in RiskMatrixInput) (changed bool, err error) {
	p := Problems{}
	before := *m
	if in.Size != nil {
		if !slices.Contains(RiskMatrixSizes, *in.Size) {
			p.Add("size", "err.matrix_size")
		} else if *in.Size != m.Size {
			d := DefaultRiskMatrix(*in.Size)
			m.Size = *in.Size
			if in.LikelihoodLabels == nil {
				m.LikelihoodLabels = d.LikelihoodLabels
			}
			if in.ConsequenceLabels == nil {
				m.ConsequenceLabels = d.ConsequenceLabels
			}
			if in.Thresholds == nil {
				m.Thresholds = d.Thresholds
			}
		}
	}
	labels := func(field string, in *[]string, out *[]string) {
		if in == nil {
			return
		}
		ls := make([]string, len(*in))
		for i, l := range *in {
			ValidateText(p, field, l, true, 60)
			ls[i] = strings.TrimSpace(l)
		}
		*out = ls
	}
	labels("likelihood_labels", in.LikelihoodLabels, &m.LikelihoodLabels)
	labels("consequence_labels", in.ConsequenceLabels, &m.ConsequenceLabels)
	if p["size"] == "" {
		if len(m.LikelihoodLabels) != m.Size {
			p.Add("likelihood_labels", "err.matrix_labels")
		}
		if len(m.ConsequenceLabels) != m.Size {
			p.Add("consequence_labels", "err.matrix_labels")
		}
	}
	if in.Thresholds != nil {
		m.Thresholds = slices.Clone(*in.Thresholds)
	}
	if !validThresholds(m.Thresholds, m.Size) {
		p.Add("thresholds", "err.matrix_thresholds")
	}
	if in.AcceptanceLevel != nil {
		m.AcceptanceLevel = RiskLevel(NormalizeEnum(*in.AcceptanceLevel))
	}
	if !slices.Contains(m.Levels(), m.AcceptanceLevel) && p["thresholds"] == "" {
		p.Add("acceptance_level", "err.matrix_level")
	}
	if in.AcceptanceTiers != nil {
		m.AcceptanceTiers = slices.Clone(*in.AcceptanceTiers)
	}
	seen := map[Role]bool{}
	for _, t := range m.AcceptanceTiers {
		if !slices.Contains(AcceptingRoles, t.Role) || seen[t.Role] || (!slices.Contains(m.Levels(), t.MaxLevel) && p["thresholds"] == "") {
			p.Add("acceptance_tiers", "err.matrix_tiers")
			break
		}
		seen[t.Role] = true
	}
	if err := p.Err(); err != nil {
		return false, err
	}
	changed = m.Size != before.Size || !slices.Equal(m.LikelihoodLabels, before.LikelihoodLabels) ||
		!slices.Equal(m.ConsequenceLabels, before.ConsequenceLabels) || !slices.Equal(m.Thresholds, before.Thresholds) ||
		m.AcceptanceLevel != before.AcceptanceLevel || !slices.Equal(m.AcceptanceTiers, before.AcceptanceTiers)
	return changed, nil
}

// validThresholds: at least two bands, the first from score 1, levels in rising order and
// scores strictly rising, the last within the matrix.
func validThresholds(ts []RiskThreshold, size int) bool {
	if len(ts) < 2 || ts[0].MinScore != 1 {
		return false
	}
	for i, t := range ts {
		if t.Level.Rank() < 0 || t.MinScore > size*size {
			return false
		}
		if i > 0 && (t.Level.Rank() <= ts[i-1].Level.Rank() || t.MinScore <= ts[i-1].MinScore) {
			return false
		}
	}
	return true
}

// MatrixUse is what the risks of a municipality use of its matrix: the highest values on each
// axis (inherent and residual alike).
type MatrixUse struct {
	MaxLikelihood, MaxConsequence int
}

// CheckMatrixChange decides whether the matrix may change from old to m while risks use
// use of it. A smaller scale that would leave a risk with a value beyond it is refused
// (EConflict naming size: err.matrix_orphans) unless a mapping says where every old value
// goes; a mapping must have one value per step of the old scale, each on the new one, never
// falling. Returns EInvalid naming mapping.
func CheckMatrixChange(old, m RiskMatrix, use MatrixUse, mp *ScaleMapping) error {
	if mp == nil {
		if use.MaxLikelihood > m.Size || use.MaxConsequence > m.Size {
			return &Error{Code: EConflict, Message: "err.matrix_orphans", Fields: map[string]string{"size": "err.matrix_orphans"}}
		}
		return nil
	}
	axisOK := func(axis []int) bool {
		if axis == nil {
			return old.Size <= m.Size
		}
		if len(axis) != old.Size {
			return false
		}
		for i, v := range axis {
			if v < 1 || v > m.Size || (i > 0 && v < axis[i-1]) {
				return false
			}
		}
		return true
	}
	if !axisOK(mp.Likelihood) || !axisOK(mp.Consequence) {
		return &Error{Code: EInvalid, Message: "err.invalid", Fields: map[string]string{"mapping": "err.matrix_mapping"}}
	}
	return nil
}

// RiskTreatment is how a risk is dealt with.
type RiskTreatment string

// The treatments (reducera, undvika, överföra, acceptera).
const (
	TreatReduce   RiskTreatment = "reduce"
	TreatAvoid    RiskTreatment = "avoid"
	TreatTransfer RiskTreatment = "transfer"
	TreatAccept   RiskTreatment = "accept"
)

// RiskTreatments lists the treatments.
var RiskTreatments = []RiskTreatment{TreatReduce, TreatAvoid, TreatTransfer, TreatAccept}

// The statuses of the risk kinds. A risk is open until treated, and closed when it no longer
// applies; an analysis is archived when superseded; an action is done or cancelled.
var (
	RiskStatuses         = []string{"open", "in_treatment", "treated", "closed"}
	RiskAnalysisStatuses = []string{"planned", "ongoing", "completed", "archived"}
	RiskActionStatuses   = []string{"planned", "in_progress", "done", "cancelled"}
)

// AnalysisObject is what a risk analysis is of.
type AnalysisObject string

// The objects of an analysis: the whole municipality, its org unit, an asset or a process.
const (
	ObjectMunicipality AnalysisObject = "municipality"
	ObjectOrgUnit      AnalysisObject = "org_unit"
	ObjectAsset        AnalysisObject = "asset"
	ObjectProcess      AnalysisObject = "process"
)

// AnalysisObjects lists the objects.
var AnalysisObjects = []AnalysisObject{ObjectMunicipality, ObjectOrgUnit, ObjectAsset, ObjectProcess}

// RiskAnalysis is one risk analysis: its object, method, participants and date; its risks
// name it (Risk.AnalysisID).
type RiskAnalysis struct {
	Record
	ObjectType   AnalysisObject `db:"object_type" json:"object_type"`
	AssetID      *int64         `db:"asset_id" json:"asset_id"`
	Process      string         `db:"process" json:"process"`
	Method       string         `db:"method" json:"method"`
	Participants string         `db:"participants" json:"participants"`
	AnalysedAt   *Date          `db:"analysed_at" json:"analysed_at"`
	Description  string         `db:"description" json:"description"`
}

// RiskAnalysisInput creates or changes a risk analysis; nil fields are not given.
type RiskAnalysisInput struct {
	Title                *string `json:"title"`
	ObjectType           *string `json:"object_type"`
	AssetID              *int64  `json:"asset_id"`
	Process              *string `json:"process"`
	Method               *string `json:"method"`
	Participants         *string `json:"participants"`
	AnalysedAt           *string `json:"analysed_at"`
	Description          *string `json:"description"`
	OrgUnitID            *int64  `json:"org_unit_id"`
	OwnerID              *int64  `json:"owner_id"`
	Status               *string `json:"status"`
	ReviewIntervalMonths *int    `json:"review_interval_months"`
	LastReviewedAt       *string `json:"last_reviewed_at"`
	NextReviewAt         *string `json:"next_review_at"`
}

// Core is the input's share of the record core.
func (in RiskAnalysisInput) Core() RecordInput {
	return RecordInput{Title: in.Title, OrgUnitID: in.OrgUnitID, OwnerID: in.OwnerID, Status: in.Status,
		ReviewIntervalMonths: in.ReviewIntervalMonths, LastReviewedAt: in.LastReviewedAt, NextReviewAt: in.NextReviewAt}
}

// ApplyRiskAnalysis applies in to an (a new one when a.ID == 0) and validates it: an object
// of the list; an asset analysis names its asset, a process analysis its process (the other
// object fields are cleared). The asset, unit and owner are checked against the database by
// the caller. Returns EInvalid naming each field.
func ApplyRiskAnalysis(a *RiskAnalysis, in RiskAnalysisInput, today Date) error {
	p := Problems{}
	if a.ID == 0 {
		a.Kind = KindRiskAnalysis
		if in.ObjectType == nil {
			p.Add("object_type", "err.required")
		}
	}
	ApplyRecord(p, &a.Record, in.Core(), today)
	if in.ObjectType != nil {
		a.ObjectType = AnalysisObject(NormalizeEnum(*in.ObjectType))
		if !oneOf(a.ObjectType, AnalysisObjects) {
			p.Add("object_type", "err.enum")
		}
	}
	if in.AssetID != nil {
		a.AssetID = nil
		if *in.AssetID > 0 {
			v := *in.AssetID
			a.AssetID = &v
		}
	}
	text := func(field string, in *string, out *string, max int, long bool) {
		if in == nil {
			return
		}
		if long {
			ValidateLongText(p, field, *in, false, max)
		} else {
			ValidateText(p, field, *in, false, max)
		}
		*out = strings.TrimSpace(*in)
	}
	text("process", in.Process, &a.Process, 200, false)
	text("method", in.Method, &a.Method, 200, false)
	text("participants", in.Participants, &a.Participants, 2000, true)
	text("description", in.Description, &a.Description, 10000, true)
	if in.AnalysedAt != nil {
		a.AnalysedAt = optionalDate(p, "analysed_at", *in.AnalysedAt)
	}
	switch a.ObjectType {
	case ObjectAsset:
		a.Process = ""
		if a.AssetID == nil {
			p.Add("asset_id", "err.required")
		}
	case ObjectProcess:
		a.AssetID = nil
		if a.Process == "" {
			p.Add("process", "err.required")
		}
	default:
		a.AssetID, a.Process = nil, ""
	}
	return p.Err()
}

// RiskControl is a control of the statement of applicability linked to a risk, with its
// status there.
type RiskControl struct {
	ControlID string        `json:"control_id"`
	Title     string        `json:"title"`
	Status    ControlStatus `json:"soa_status"`
	RecordID  int64         `json:"-"`
}

// Risk is one risk: a scenario (threat exploiting a vulnerability), the assets it affects,
// its score before and after treatment, the treatment, the controls that treat it and the
// acceptance of what remains.
type Risk struct {
	Record
	AnalysisID          *int64          `db:"analysis_id" json:"analysis_id"`
	Threat              string          `db:"threat" json:"threat"`
	Vulnerability       string          `db:"vulnerability" json:"vulnerability"`
	AssetIDs            []int64         `db:"-" json:"asset_ids"`
	Likelihood          int             `db:"likelihood" json:"likelihood"`
	Consequence         int             `db:"consequence" json:"consequence"`
	Score               int             `db:"score" json:"score"`
	Level               RiskLevel       `db:"-" json:"level"`
	Treatment           RiskTreatment   `db:"treatment" json:"treatment"`
	TreatmentPlan       string          `db:"treatment_plan" json:"treatment_plan"`
	ResidualLikelihood  int             `db:"residual_likelihood" json:"residual_likelihood"`
	ResidualConsequence int             `db:"residual_consequence" json:"residual_consequence"`
	ResidualScore       int             `db:"residual_score" json:"residual_score"`
	ResidualLevel       RiskLevel       `db:"-" json:"residual_level"`
	ResidualReason      string          `db:"residual_reason" json:"residual_reason"`
	ControlIDs          []string        `db:"-" json:"control_ids"`
	Controls            []RiskControl   `db:"-" json:"controls"`
	MatrixVersion       int             `db:"matrix_version" json:"matrix_version"`
	Acceptance          *RiskAcceptance `db:"-" json:"acceptance"`
}

// Rate sets the risk's levels from its scores on m (levels are not stored: a change of the
// thresholds re-rates every risk at once).
func (r *Risk) Rate(m RiskMatrix) {
	r.Level, r.ResidualLevel = m.Level(r.Score), m.Level(r.ResidualScore)
}

// NeedsDecision reports whether the risk waits for an acceptance decision on m today: it is
// not closed, and its treatment is to accept or its residual level is above the acceptance
// level, and it has no valid acceptance.
func (r Risk) NeedsDecision(m RiskMatrix, today Date) bool {
	if IsClosed(KindRisk, r.Status) || r.Acceptance != nil && r.Acceptance.ValidOn(today) {
		return false
	}
	return r.Treatment == TreatAccept || !m.Acceptable(m.Level(r.ResidualScore))
}

// RiskInput creates or changes a risk; nil fields are not given.
type RiskInput struct {
	AnalysisID           *int64    `json:"analysis_id"`
	Title                *string   `json:"title"`
	Threat               *string   `json:"threat"`
	Vulnerability        *string   `json:"vulnerability"`
	AssetIDs             *[]int64  `json:"asset_ids"`
	OrgUnitID            *int64    `json:"org_unit_id"`
	OwnerID              *int64    `json:"owner_id"`
	Status               *string   `json:"status"`
	ReviewIntervalMonths *int      `json:"review_interval_months"`
	LastReviewedAt       *string   `json:"last_reviewed_at"`
	NextReviewAt         *string   `json:"next_review_at"`
	Likelihood           *int      `json:"likelihood"`
	Consequence          *int      `json:"consequence"`
	Treatment            *string   `json:"treatment"`
	TreatmentPlan        *string   `json:"treatment_plan"`
	ResidualLikelihood   *int      `json:"residual_likelihood"`
	ResidualConsequence  *int      `json:"residual_consequence"`
	ResidualReason       *string   `json:"residual_reason"`
	ControlIDs           *[]string `json:"control_ids"`
}

// Core is the input's share of the record core.
func (in RiskInput) Core() RecordInput {
	return RecordInput{Title: in.Title, OrgUnitID: in.OrgUnitID, OwnerID: in.OwnerID, Status: in.Status,
		ReviewIntervalMonths: in.ReviewIntervalMonths, LastReviewedAt: in.LastReviewedAt, NextReviewAt: in.NextReviewAt}
}

// ApplyRisk applies in to r (a new risk when r.ID == 0) and validates the result on matrix m:
// likelihood and consequence (before and after treatment) are steps of the matrix, a residual
// score above the inherent one needs a reason, the treatment is one of the list. A new risk
// without residual values has the inherent ones (nothing treated yet). The scores, levels and
// the matrix version follow from the values. The analysis, assets, controls, unit and owner
// are checked against the database by the caller. Returns EInvalid naming each field.
func ApplyRisk(r *Risk, in RiskInput, m RiskMatrix, today Date) error {
	p := Problems{}
	isNew := r.ID == 0
	if isNew {
		r.Kind = KindRisk
		r.Treatment = TreatReduce
		if in.Likelihood == nil {
			p.Add("likelihood", "err.required")
		}
		if in.Consequence == nil {
			p.Add("consequence", "err.required")
		}
	}
	ApplyRecord(p, &r.Record, in.Core(), today)
	if in.AnalysisID != nil {
		r.AnalysisID = nil
		if *in.AnalysisID > 0 {
			v := *in.AnalysisID
			r.AnalysisID = &v
		}
	}
	if in.Threat != nil {
		ValidateLongText(p, "threat", *in.Threat, false, 2000)
		r.Threat = strings.TrimSpace(*in.Threat)
	}
	if in.Vulnerability != nil {
		ValidateLongText(p, "vulnerability", *in.Vulnerability, false, 2000)
		r.Vulnerability = strings.TrimSpace(*in.Vulnerability)
	}
	if in.TreatmentPlan != nil {
		ValidateLongText(p, "treatment_plan", *in.TreatmentPlan, false, 5000)
		r.TreatmentPlan = strings.TrimSpace(*in.TreatmentPlan)
	}
	if in.ResidualReason != nil {
		ValidateLongText(p, "residual_reason", *in.ResidualReason, false, 2000)
		r.ResidualReason = strings.TrimSpace(*in.ResidualReason)
	}
	if in.Treatment != nil {
		t := RiskTreatment(NormalizeEnum(*in.Treatment))
		if !oneOf(t, RiskTreatments) {
			p.Add("treatment", "err.enum")
		}
		r.Treatment = t
	}
	scale := func(field string, in *int, out *int) {
		if in == nil {
			return
		}
		if *in < 1 || *in > m.Size {
			p.Add(field, "err.risk_scale")
		}
		*out = *in
	}
	scale("likelihood", in.Likelihood, &r.Likelihood)
	scale("consequence", in.Consequence, &r.Consequence)
	if isNew && in.ResidualLikelihood == nil {
		r.ResidualLikelihood = r.Likelihood
	}
	if isNew && in.ResidualConsequence == nil {
		r.ResidualConsequence = r.Consequence
	}
	scale("residual_likelihood", in.ResidualLikelihood, &r.ResidualLikelihood)
	scale("residual_consequence", in.ResidualConsequence, &r.ResidualConsequence)
	if in.AssetIDs != nil {
		ValidateIDs(p, "asset_ids", *in.AssetIDs)
		r.AssetIDs = uniqueIDs(*in.AssetIDs)
	}
	if in.ControlIDs != nil {
		if len(*in.ControlIDs) > MaxIDs {
			p.Add("control_ids", "err.too_many_ids")
		}
		r.ControlIDs = []string{}
		for _, id := range *in.ControlIDs {
			id = strings.TrimSpace(id)
			if id == "" || len(id) > 40 {
				p.Add("control_ids", "err.unknown_control")
				continue
			}
			if !slices.Contains(r.ControlIDs, id) {
				r.ControlIDs = append(r.ControlIDs, id)
			}
		}
	}
	rescored := isNew || in.Likelihood != nil || in.Consequence != nil || in.ResidualLikelihood != nil || in.ResidualConsequence != nil
	r.Score = Score(r.Likelihood, r.Consequence)
	r.ResidualScore = Score(r.ResidualLikelihood, r.ResidualConsequence)
	if rescored {
		r.MatrixVersion = m.Version
	}
	if r.ResidualScore > r.Score && r.ResidualReason == "" && p["residual_likelihood"] == "" && p["residual_consequence"] == "" {
		p.Add("residual_reason", "err.residual_reason_required")
	}
	r.Rate(m)
	return p.Err()
}

// RiskAction is a treatment action (åtgärd) of a risk: its owner and due date are the record
// core's (the due date is the core's next review date, so the core's reminders, due lists and
// calendar feed follow it with no mechanism of their own).
type RiskAction struct {
	Record
	RiskID      int64  `db:"risk_id" json:"risk_id"`
	Description string `db:"description" json:"description"`
	DueAt       *Date  `db:"-" json:"due_at"` // = NextReviewAt
}

// RiskActionInput creates or changes a treatment action; nil fields are not given.
type RiskActionInput struct {
	Title       *string `json:"title"`
	Description *string `json:"description"`
	OrgUnitID   *int64  `json:"org_unit_id"`
	OwnerID     *int64  `json:"owner_id"`
	Status      *string `json:"status"`
	DueAt       *string `json:"due_at"`
}

// ApplyRiskAction applies in to a (a new action of risk when a.ID == 0): a title and a due date
// are required; the due date is the record's next review. Returns EInvalid naming each field.
func ApplyRiskAction(a *RiskAction, in RiskActionInput, today Date) error {
	p := Problems{}
	if a.ID == 0 {
		a.Kind = KindRiskAction
		if in.DueAt == nil || strings.TrimSpace(*in.DueAt) == "" {
			p.Add("due_at", "err.required")
		}
	}
	core := RecordInput{Title: in.Title, OrgUnitID: in.OrgUnitID, OwnerID: in.OwnerID, Status: in.Status, NextReviewAt: in.DueAt}
	if in.DueAt != nil && strings.TrimSpace(*in.DueAt) == "" {
		core.NextReviewAt = nil // a due date is not cleared (the planner follows it)
	}
	ApplyRecord(p, &a.Record, core, today)
	if p["next_review_at"] != "" {
		p.Add("due_at", p["next_review_at"])
		delete(p, "next_review_at")
	}
	if in.Description != nil {
		ValidateLongText(p, "description", *in.Description, false, 5000)
		a.Description = strings.TrimSpace(*in.Description)
	}
	a.DueAt = a.NextReviewAt
	return p.Err()
}

// RiskAcceptance is a decision to accept a risk's residual risk: who, when, why and until
// when, and what the risk was as accepted (residual score and level, the matrix version and
// the linked controls with their statuses). A later material change voids it (VoidedAt,
// VoidReason); past ValidUntil it is no longer valid.
type RiskAcceptance struct {
	ID             int64             `db:"id" json:"id"`
	RiskID         int64             `db:"risk_id" json:"-"`
	AcceptedBy     *int64            `db:"accepted_by" json:"accepted_by"`
	AcceptedByName string            `db:"accepted_by_name" json:"accepted_by_name"`
	AcceptedAt     time.Time         `db:"accepted_at" json:"accepted_at"`
	Justification  string            `db:"justification" json:"justification"`
	ValidUntil     Date              `db:"valid_until" json:"valid_until"`
	ResidualScore  int               `db:"residual_score" json:"residual_score"`
	ResidualLevel  RiskLevel         `db:"residual_level" json:"residual_level"`
	MatrixVersion  int               `db:"matrix_version" json:"matrix_version"`
	Role           Role              `db:"role" json:"role"`
	Controls       []AcceptedControl `db:"-" json:"controls"`
	VoidedAt       *time.Time        `db:"voided_at" json:"voided_at"`
	VoidReason     string            `db:"void_reason" json:"void_reason"`
	Valid          bool              `db:"-" json:"valid"`
}

// AcceptedControl is a linked control as it stood when a risk was accepted.
type AcceptedControl struct {
	ControlID string        `db:"control_ref" json:"control_id"`
	RecordID  int64         `db:"control_record_id" json:"-"`
	Status    ControlStatus `db:"status" json:"soa_status"`
}

// ValidOn reports whether the acceptance holds on day today: not voided, not past its date.
func (a RiskAcceptance) ValidOn(today Date) bool {
	return a.VoidedAt == nil && !a.ValidUntil.Before(today)
}

// Expired reports whether the acceptance ran out (not voided, but past its date).
func (a RiskAcceptance) Expired(today Date) bool {
	return a.VoidedAt == nil && a.ValidUntil.Before(today)
}

// Why an acceptance was voided.
const (
	VoidResidualRaised    = "residual_raised"    // the residual score went up
	VoidControlRemoved    = "control_removed"    // a linked control was unlinked
	VoidControlDowngraded = "control_downgraded" // a linked control's SoA status fell
	VoidMatrixChanged     = "matrix_changed"     // the matrix got a new version
	VoidSuperseded        = "superseded"         // a newer acceptance replaced it
	VoidExpired           = "expired"            // its valid-until passed: the risk is open again
)

// VoidReasons lists the reasons (for their texts).
var VoidReasons = []string{VoidResidualRaised, VoidControlRemoved, VoidControlDowngraded, VoidMatrixChanged, VoidSuperseded, VoidExpired}

// ControlRank orders SoA statuses by how far a control is in place: implemented above
// partial above not started; not applicable counts as not in place.
func ControlRank(s ControlStatus) int {
	switch s {
	case CtlImplemented:
		return 2
	case CtlPartial:
		return 1
	}
	return 0
}

// RiskState is what a risk is now, as far as its acceptance depends on it.
type RiskState struct {
	ResidualScore int
	Controls      map[string]ControlStatus // linked control id -> SoA status now
	MatrixVersion int                      // the municipality's matrix version now
}

// VoidReason is why acceptance a no longer holds for a risk now in state now ("" when it
// still does, as far as material changes go: ValidOn decides about the date): a higher
// residual score, a linked control unlinked or with a lower SoA status, a new matrix version.
func VoidReason(a RiskAcceptance, now RiskState) string {
	switch {
	case now.ResidualScore > a.ResidualScore:
		return VoidResidualRaised
	case now.MatrixVersion != a.MatrixVersion:
		return VoidMatrixChanged
	}
	for _, c := range a.Controls {
		st, linked := now.Controls[c.ControlID]
		if !linked {
			return VoidControlRemoved
		}
		if ControlRank(st) < ControlRank(c.Status) {
			return VoidControlDowngraded
		}
	}
	return ""
}

// AcceptanceInput is a decision to accept a risk.
type AcceptanceInput struct {
	Justification *string `json:"justification"`
	ValidUntil    *string `json:"valid_until"`
}

// MaxAcceptanceYears is how far ahead an acceptance may run: residual risks are decided anew
// at least this often.
const MaxAcceptanceYears = 3

// ApplyAcceptance validates an acceptance decision made on day today: a justification, and a
// valid-until date after today and at most MaxAcceptanceYears ahead. Returns EInvalid naming
// each field.
func ApplyAcceptance(in AcceptanceInput, today Date) (justification string, validUntil Date, err error) {
	p := Problems{}
	if in.Justification == nil || strings.TrimSpace(*in.Justification) == "" {
		p.Add("justification", "err.accept_justification")
	} else {
		ValidateLongText(p, "justification", *in.Justification, true, 5000)
		justification = strings.TrimSpace(*in.Justification)
	}
	if in.ValidUntil == nil || strings.TrimSpace(*in.ValidUntil) == "" {
		p.Add("valid_until", "err.required")
	} else if d, perr := ParseDate(strings.TrimSpace(*in.ValidUntil)); perr != nil {
		p.Add("valid_until", "err.date")
	} else if !d.After(today) || d.After(today.AddMonths(12*MaxAcceptanceYears)) {
		p.Add("valid_until", "err.valid_until_range")
	} else {
		validUntil = d
	}
	return justification, validUntil, p.Err()
}

// HeatCell is one cell of a heat map: the risks whose (residual, on a map after treatment)
// likelihood and consequence are those of the cell.
type HeatCell struct {
	Likelihood  int       `json:"likelihood"`
	Consequence int       `json:"consequence"`
	Score       int       `json:"score"`
	Level       RiskLevel `json:"level"`
	Count       int       `json:"count"`
}

// HeatMap lays counts (by likelihood and consequence) out on m: every cell of the matrix,
// likelihood from the highest row down, consequence from the left.
func HeatMap(m RiskMatrix, counts map[[2]int]int) []HeatCell {
	out := make([]HeatCell, 0, m.Size*m.Size)
	for l := m.Size; l >= 1; l-- {
		for c := 1; c <= m.Size; c++ {
			s, lv := m.Assess(l, c)
			out = append(out, HeatCell{Likelihood: l, Consequence: c, Score: s, Level: lv, Count: counts[[2]int{l, c}]})
		}
	}
	return out
}

func init() {
	RegisterKind(KindSpec{Kind: KindRiskAnalysis, Table: "risk_analyses", Section: "risk-analyses", Object: "risk",
		Statuses: RiskAnalysisStatuses, Closed: []string{"archived"}, Label: "kind.risk_analysis", APIName: "RiskAnalysis", StatusLabels: "analysisstatus.",
		ExportColumns: []ExportColumn{
			{Column: "object_type", Header: "field.object_type", Type: ExportEnum, Labels: "analysisobject."},
			{Column: "method", Header: "field.method", Type: ExportText},
			{Column: "analysed_at", Header: "field.analysed_at", Type: ExportDate},
		}})
	RegisterKind(KindSpec{Kind: KindRisk, Table: "risks", Section: "risks", Object: "risk",
		Statuses: RiskStatuses, Closed: []string{"closed"}, Label: "kind.risk", Nav: "nav.risks", NavOrder: 40, ActionParent: true, APIName: "Risk", StatusLabels: "riskstatus.",
		ExportColumns: []ExportColumn{
			{Column: "threat", Header: "field.threat", Type: ExportText},
			{Column: "vulnerability", Header: "field.vulnerability", Type: ExportText},
			{Column: "likelihood", Header: "field.likelihood", Type: ExportText},
			{Column: "consequence", Header: "field.consequence", Type: ExportText},
			{Column: "score", Header: "field.score", Type: ExportText},
			{Column: "treatment", Header: "field.treatment", Type: ExportEnum, Labels: "treatment."},
			{Column: "residual_likelihood", Header: "field.residual_likelihood", Type: ExportText},
			{Column: "residual_consequence", Header: "field.residual_consequence", Type: ExportText},
			{Column: "residual_score", Header: "field.residual_score", Type: ExportText},
		}})
	RegisterKind(KindSpec{Kind: KindRiskAction, Table: "risk_actions", Section: "risk-actions", Object: "risk",
		Statuses: RiskActionStatuses, Closed: []string{"done", "cancelled"}, Label: "kind.risk_action", APIName: "RiskAction", StatusLabels: "actionstatus.",
		ExportColumns: []ExportColumn{
			{Column: "description", Header: "field.description", Type: ExportText},
		}})
}
