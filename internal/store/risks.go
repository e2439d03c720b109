package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/jmoiron/sqlx"

	"github.com/lisa-isms/lisa/internal/audit"
	"github.com/lisa-isms/lisa/internal/domain"
)

// Risk analysis (issue 9): the municipality's risk matrix, the own rows of the kinds
// risk_analysis, risk and risk_action (written through saveRecord like every kind), and the
// acceptances of residual risk. Every read takes the municipality.

// The audit actions of the risk kinds beyond create, update and delete.
const (
	ActionRiskAccept     = "risk_accept"     // a residual risk accepted: after is the snapshot
	ActionAcceptanceVoid = "acceptance_void" // an acceptance voided by a material change
	ActionRiskRescore    = "risk_rescore"    // a risk's values moved by a matrix change
	ActionMatrixUpdate   = "matrix_update"   // the risk matrix got a new version
)

// KindRiskMatrix is the audit kind of the matrix (not a tracked record).
const KindRiskMatrix = "risk_matrix"

// NotifyAcceptanceVoid prefixes the kind of the notification that tells a decision-maker that
// their acceptance no longer holds; the reason follows (acceptance_void_residual_raised).
const NotifyAcceptanceVoid = "acceptance_void_"

// ---- The matrix ----

type matrixRow struct {
	MunicipalityID    int64        `db:"municipality_id"`
	Size              int          `db:"size"`
	LikelihoodLabels  string       `db:"likelihood_labels"`
	ConsequenceLabels string       `db:"consequence_labels"`
	Thresholds        string       `db:"thresholds"`
	AcceptanceLevel   string       `db:"acceptance_level"`
	AcceptanceTiers   string       `db:"acceptance_tiers"`
	Version           int          `db:"version"`
	UpdatedAt         sql.NullTime `db:"updated_at"`
}

// GetRiskMatrix returns mun's risk matrix; a municipality that has not set one has the
// default 5×5 matrix, version 1.
func (s *Store) GetRiskMatrix(ctx context.Context, mun int64) (domain.RiskMatrix, error) {
	var row matrixRow
	err := s.db(ctx).GetContext(ctx, &row, s.rebind(`SELECT * FROM risk_matrices WHERE municipality_id = ?`), mun)
	if errors.Is(err, sql.ErrNoRows) {
		m := domain.DefaultRiskMatrix(5)
		m.MunicipalityID = mun
		return m, nil
	}
	if err != nil {
		return domain.RiskMatrix{}, fmt.Errorf("get risk matrix: %w", err)
	}
	m := domain.RiskMatrix{MunicipalityID: mun, Size: row.Size, AcceptanceLevel: domain.RiskLevel(row.AcceptanceLevel), Version: row.Version}
	if row.UpdatedAt.Valid {
		t := row.UpdatedAt.Time
		m.UpdatedAt = &t
	}
	for _, f := range []struct {
		text string
		v    any
	}{{row.LikelihoodLabels, &m.LikelihoodLabels}, {row.ConsequenceLabels, &m.ConsequenceLabels}, {row.Thresholds, &m.Thresholds}, {row.AcceptanceTiers, &m.AcceptanceTiers}} {
		if err := json.Unmarshal([]byte(f.text), f.v); err != nil {
			return m, fmt.Errorf("decode risk matrix: %w", err)
		}
	}
	return m, nil
}

// RiskMatrixUse returns the highest likelihood and consequence mun's risks use, before or
// after treatment.
func (s *Store) RiskMatrixUse(ctx context.Context, mun int64) (domain.MatrixUse, error) {
	var u struct {
		L sql.NullInt64 `db:"l"`
		C sql.NullInt64 `db:"c"`
	}
	err := s.db(ctx).GetContext(ctx, &u, s.rebind(`SELECT MAX(CASE WHEN k.likelihood > k.residual_likelihood THEN k.likelihood ELSE k.residual_likelihood END) AS l,
		MAX(CASE WHEN k.consequence > k.residual_consequence THEN k.consequence ELSE k.residual_consequence END) AS c
		FROM risks k JOIN records r ON r.id = k.record_id WHERE r.municipality_id = ? AND r.kind = ?`), mun, domain.KindRisk)
	if err != nil {
		return domain.MatrixUse{}, fmt.Errorf("risk matrix use: %w", err)
	}
	return domain.MatrixUse{MaxLikelihood: int(u.L.Int64), MaxConsequence: int(u.C.Int64)}, nil
}

// MatrixChange is what a change of the matrix does (or, in a dry run, would do).
type MatrixChange struct {
	Matrix            domain.RiskMatrix `json:"matrix"`
	Changed           bool              `json:"changed"`            // a new version
	RisksChanged      int               `json:"risks_changed"`      // risks whose values the mapping moves
	AcceptancesVoided int               `json:"acceptances_voided"` // acceptances the new version voids
	DryRun            bool              `json:"dry_run"`
}

// errRollback ends a dry run's transaction.
var errRollback = errors.New("dry run: roll back")

// UpdateRiskMatrix changes mun's matrix in one transaction: mutate gets the current matrix and
// what the risks use of it, and returns the new matrix (nil mapping: values stay) or refuses.
// When it changed, the matrix is stored as the next version, the mapping moves the risks'
// values (each moved risk gets an audit entry), every valid acceptance is voided (its maker
// notified: a new matrix is a material change), and the matrix change is audited. A dry run
// does all of it and rolls back, reporting what it would do. Returns whatever mutate returns.
func (s *Store) UpdateRiskMatrix(ctx context.Context, a Actor, mun int64, dryRun bool,
	mutate func(cur domain.RiskMatrix, use domain.MatrixUse) (domain.RiskMatrix, *domain.ScaleMapping, bool, error)) (MatrixChange, error) {
	var out MatrixChange
	err := s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		out = MatrixChange{DryRun: dryRun}
		cur, err := s.GetRiskMatrix(ctx, mun)
		if err != nil {
			return err
		}
		use, err := s.RiskMatrixUse(ctx, mun)
		if err != nil {
			return err
		}
		next, mp, changed, err := mutate(cur, use)
		if err != nil {
			return err
		}
		out.Matrix = cur
		if !changed && mp == nil {
			return nil
		}
		next.Version, next.MunicipalityID = cur.Version+1, mun
		now := s.now()
		next.UpdatedAt = &now
		out.Matrix, out.Changed = next, true
		enc := func(v any) string { b, _ := json.Marshal(v); return string(b) }
		_, err = tx.ExecContext(ctx, tx.Rebind(`INSERT INTO risk_matrices (municipality_id, size, likelihood_labels, consequence_labels, thresholds, acceptance_level, acceptance_tiers, version, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (municipality_id) DO UPDATE SET size = excluded.size, likelihood_labels = excluded.likelihood_labels,
			consequence_labels = excluded.consequence_labels, thresholds = excluded.thresholds, acceptance_level = excluded.acceptance_level,
			acceptance_tiers = excluded.acceptance_tiers, version = excluded.version, updated_at = excluded.updated_at`),
			mun, next.Size, enc(next.LikelihoodLabels), enc(next.ConsequenceLabels), enc(next.Thresholds), next.AcceptanceLevel, enc(next.AcceptanceTiers), next.Version, now)
		if err != nil {
			return fmt.Errorf("save risk matrix: %w", err)
		}
		if mp != nil {
			if out.RisksChanged, err = s.rescoreRisks(ctx, tx, a, mun, *mp, next.Version); err != nil {
				return err
			}
		}
		if out.AcceptancesVoided, err = s.voidAcceptancesOf(ctx, tx, a, mun, domain.VoidMatrixChanged); err != nil {
			return err
		}
		after := map[string]any{"size": next.Size, "likelihood_labels": next.LikelihoodLabels, "consequence_labels": next.ConsequenceLabels,
			"thresholds": next.Thresholds, "acceptance_level": next.AcceptanceLevel, "acceptance_tiers": next.AcceptanceTiers, "version": next.Version,
			"risks_changed": out.RisksChanged, "acceptances_voided": out.AcceptancesVoided}
		if mp != nil {
			after["mapping_likelihood"], after["mapping_consequence"] = mp.Likelihood, mp.Consequence
		}
		if err := s.appendAudit(ctx, tx, a, Change{MunicipalityID: &mun, Kind: KindRiskMatrix, Action: ActionMatrixUpdate, Before: cur, After: after}); err != nil {
			return err
		}
		if dryRun {
			return errRollback
		}
		return nil
	})
	if errors.Is(err, errRollback) {
		err = nil
	}
	return out, err
}

// rescoreRisks moves mun's risks' values by the mapping onto matrix version; each risk whose
// values move is audited. It returns how many moved.
func (s *Store) rescoreRisks(ctx context.Context, tx *sqlx.Tx, a Actor, mun int64, mp domain.ScaleMapping, version int) (int, error) {
	var rows []struct {
		ID  int64 `db:"record_id"`
		L   int   `db:"likelihood"`
		C   int   `db:"consequence"`
		RL  int   `db:"residual_likelihood"`
		RC  int   `db:"residual_consequence"`
		Ver int   `db:"matrix_version"`
	}
	err := tx.SelectContext(ctx, &rows, tx.Rebind(`SELECT k.record_id, k.likelihood, k.consequence, k.residual_likelihood, k.residual_consequence, k.matrix_version
		FROM risks k JOIN records r ON r.id = k.record_id WHERE r.municipality_id = ? AND r.kind = ? ORDER BY k.record_id`), mun, domain.KindRisk)
	if err != nil {
		return 0, fmt.Errorf("list risks to rescore: %w", err)
	}
	st := &preparedTx{tx: tx}
	defer st.close()
	moved := 0
	for _, r := range rows {
		l, c := domain.MapValue(mp.Likelihood, r.L), domain.MapValue(mp.Consequence, r.C)
		rl, rc := domain.MapValue(mp.Likelihood, r.RL), domain.MapValue(mp.Consequence, r.RC)
		if l == r.L && c == r.C && rl == r.RL && rc == r.RC {
			continue
		}
		moved++
		if _, err := st.ExecContext(ctx, tx.Rebind(`UPDATE risks SET likelihood = ?, consequence = ?, score = ?, residual_likelihood = ?, residual_consequence = ?,
			residual_score = ?, matrix_version = ? WHERE record_id = ?`), l, c, l*c, rl, rc, rl*rc, version, r.ID); err != nil {
			return 0, fmt.Errorf("rescore risk: %w", err)
		}
		id := r.ID
		before := map[string]int{"likelihood": r.L, "consequence": r.C, "residual_likelihood": r.RL, "residual_consequence": r.RC, "matrix_version": r.Ver}
		after := map[string]int{"likelihood": l, "consequence": c, "residual_likelihood": rl, "residual_consequence": rc, "matrix_version": version}
		if err := s.appendAudit(ctx, tx, a, Change{MunicipalityID: &mun, Kind: string(domain.KindRisk), RecordID: &id, Action: ActionRiskRescore, Before: before, After: after}); err != nil {
			return 0, err
		}
	}
	return moved, nil
}

// ---- Risk analyses ----

const analysisSelect = `SELECT ` + recordColumns + `, k.object_type, k.asset_id, k.process, k.method, k.participants, k.analysed_at, k.description
	FROM records r JOIN risk_analyses k ON k.record_id = r.id`

// RiskAnalysisFilter narrows the list of analyses and names its page.
type RiskAnalysisFilter struct {
	OrgUnitID int64
	Status    string
	Query     string
	After     *domain.Cursor
	Limit     int
}

// ListRiskAnalyses returns one page of mun's risk analyses that v lets through, by title.
func (s *Store) ListRiskAnalyses(ctx context.Context, mun int64, v domain.Visibility, f RiskAnalysisFilter) ([]domain.RiskAnalysis, error) {
	var l RecordList
	if f.OrgUnitID != 0 {
		l.Where("r.org_unit_id = ?", f.OrgUnitID)
	}
	if f.Status != "" {
		l.Where("r.status = ?", f.Status)
	}
	l.Query, l.After, l.Limit = f.Query, f.After, f.Limit
	q, args := l.statement(analysisSelect, mun, domain.KindRiskAnalysis, v)
	query, a, err := s.in(q, args...)
	if err != nil {
		return nil, err
	}
	out := rowsFor[domain.RiskAnalysis](l.Limit)
	if err := s.db(ctx).SelectContext(ctx, &out, query, a...); err != nil {
		return nil, fmt.Errorf("list risk analyses: %w", err)
	}
	return out, nil
}

// GetRiskAnalysis returns one risk analysis of mun. Returns ENotFound.
func (s *Store) GetRiskAnalysis(ctx context.Context, mun, id int64) (domain.RiskAnalysis, error) {
	var an domain.RiskAnalysis
	err := s.db(ctx).GetContext(ctx, &an, s.rebind(analysisSelect+` WHERE r.municipality_id = ? AND r.kind = ? AND r.id = ?`), mun, domain.KindRiskAnalysis, id)
	return an, notFound(err, "get risk analysis")
}

// SaveRiskAnalysis creates (an.ID == 0) a risk analysis, or changes analysis id of mun:
// mutate gets the current analysis inside the transaction, checks and applies the change;
// after (when not nil) runs after the write in the same transaction. Returns ENotFound and
// whatever mutate and after return.
func (s *Store) SaveRiskAnalysis(ctx context.Context, a Actor, mun, id int64, mutate func(ctx context.Context, an *domain.RiskAnalysis) error,
	after func(ctx context.Context, an domain.RiskAnalysis) error) (domain.RiskAnalysis, error) {
	var an domain.RiskAnalysis
	err := s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		var before *domain.RiskAnalysis
		an = domain.RiskAnalysis{Record: domain.Record{MunicipalityID: mun}}
		if id != 0 {
			cur, err := s.GetRiskAnalysis(ctx, mun, id)
			if err != nil {
				return err
			}
			an, before = cur, &cur
		}
		if err := mutate(ctx, &an); err != nil {
			return err
		}
		action, beforeAny := audit.ActionCreate, any(nil)
		if before != nil {
			action, beforeAny = audit.ActionUpdate, before
		}
		err := s.saveRecord(ctx, a, &an.Record, action, beforeAny, &an, func(ctx context.Context, tx *sqlx.Tx) error {
			q := `INSERT INTO risk_analyses (object_type, asset_id, process, method, participants, analysed_at, description, record_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
			if before != nil {
				q = `UPDATE risk_analyses SET object_type = ?, asset_id = ?, process = ?, method = ?, participants = ?, analysed_at = ?, description = ? WHERE record_id = ?`
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(q), an.ObjectType, an.AssetID, an.Process, an.Method, an.Participants, an.AnalysedAt, an.Description, an.ID); err != nil {
				return fmt.Errorf("save risk analysis: %w", err)
			}
			return nil
		})
		if err != nil || after == nil {
			return err
		}
		return after(ctx, an)
	})
	return an, err
}

// ---- Risks ----

const riskColumns = recordColumns + `, k.analysis_id, k.threat, k.vulnerability, k.likelihood, k.consequence, k.score, k.treatment, k.treatment_plan,
	k.residual_likelihood, k.residual_consequence, k.residual_score, k.residual_reason, k.matrix_version`

const riskSelect = `SELECT ` + riskColumns + ` FROM records r JOIN risks k ON k.record_id = r.id`

// RiskFilter narrows the risk register and names its page. Scores are inclusive bounds (0:
// none); a cell (Likelihood and Consequence) is of the residual values when Residual.
type RiskFilter struct {
	OrgUnitID   int64
	Status      string
	Treatment   domain.RiskTreatment
	OwnerID     int64
	AnalysisID  int64
	ScoreMin    int
	ScoreMax    int
	ResidualMin int
	ResidualMax int
	Likelihood  int
	Consequence int
	Residual    bool
	Open        bool // leave out closed risks (the heat map's cells)
	Query       string
	After       *domain.Cursor
	Limit       int
	// Bare reads what a row of the register page shows: the risk and its latest acceptance,
	// not its assets and controls.
	Bare bool
}

// riskList is the register's conditions of f.
func riskList(f RiskFilter) RecordList {
	var l RecordList
	if f.OrgUnitID != 0 {
		l.Where("r.org_unit_id = ?", f.OrgUnitID)
	}
	if f.Status != "" {
		l.Where("r.status = ?", f.Status)
	}
	if f.Open {
		l.Where("r.status NOT IN (?)", spec(domain.KindRisk).Closed)
	}
	if f.Treatment != "" {
		l.Where("k.treatment = ?", f.Treatment)
	}
	if f.OwnerID != 0 {
		l.Where("r.owner_id = ?", f.OwnerID)
	}
	if f.AnalysisID != 0 {
		l.Where("k.analysis_id = ?", f.AnalysisID)
	}
	if f.ScoreMin > 0 {
		l.WhereLevel("k.score >= %d", f.ScoreMin)
	}
	if f.ScoreMax > 0 {
		l.WhereLevel("k.score <= %d", f.ScoreMax)
	}
	if f.ResidualMin > 0 {
		l.WhereLevel("k.residual_score >= %d", f.ResidualMin)
	}
	if f.ResidualMax > 0 {
		l.WhereLevel("k.residual_score <= %d", f.ResidualMax)
	}
	lc, cc := "k.likelihood", "k.consequence"
	if f.Residual {
		lc, cc = "k.residual_likelihood", "k.residual_consequence"
	}
	if f.Likelihood > 0 {
		l.WhereLevel(lc+" = %d", f.Likelihood)
	}
	if f.Consequence > 0 {
		l.WhereLevel(cc+" = %d", f.Consequence)
	}
	l.Query, l.After, l.Limit = f.Query, f.After, f.Limit
	return l
}

func spec(k domain.Kind) domain.KindSpec {
	s, _ := domain.SpecOf(k)
	return s
}

// ListRisks returns one page of mun's risk register that v lets through, by title, each with
// its assets, controls (with their SoA statuses) and latest acceptance: four statements
// whatever the page's length.
func (s *Store) ListRisks(ctx context.Context, mun int64, v domain.Visibility, f RiskFilter) ([]domain.Risk, error) {
	l := riskList(f)
	q, args := l.statement(riskSelect, mun, domain.KindRisk, v)
	query, a, err := s.in(q, args...)
	if err != nil {
		return nil, err
	}
	out := rowsFor[domain.Risk](f.Limit)
	if err := s.db(ctx).SelectContext(ctx, &out, query, a...); err != nil {
		return nil, fmt.Errorf("list risks: %w", err)
	}
	if f.Bare {
		return out, s.riskAcceptances(ctx, mun, out)
	}
	return out, s.riskDetails(ctx, mun, out)
}

// GetRisk returns one risk of mun with its assets, controls and latest acceptance. Returns
// ENotFound.
func (s *Store) GetRisk(ctx context.Context, mun, id int64) (domain.Risk, error) {
	var r domain.Risk
	if err := s.db(ctx).GetContext(ctx, &r, s.rebind(riskSelect+` WHERE r.municipality_id = ? AND r.kind = ? AND r.id = ?`), mun, domain.KindRisk, id); err != nil {
		return r, notFound(err, "get risk")
	}
	rs := []domain.Risk{r}
	err := s.riskDetails(ctx, mun, rs)
	return rs[0], err
}

// riskAssetsSQL and riskControlsSQL select the links of a page of risks (arguments: the
// municipality and the risks' ids), from the links' own index by risk, the records by key.
func riskAssetsSQL(d *dialect) string {
	return `SELECT ra.risk_id, ra.asset_id FROM risk_assets ra JOIN records r` + d.byKey + ` ON r.id = ra.risk_id
		WHERE r.municipality_id = ? AND ra.risk_id IN (?) ORDER BY ra.risk_id, ra.asset_id`
}

func riskControlsSQL(d *dialect) string {
	return `SELECT rc.risk_id, c.id, c.ref, c.title, c.status FROM risk_controls rc JOIN records c` + d.byKey + ` ON c.id = rc.control_record_id
		WHERE c.municipality_id = ? AND rc.risk_id IN (?) ORDER BY rc.risk_id, c.ref`
}

// riskDetails fills the assets, controls and latest acceptance of risks, a statement each.
func (s *Store) riskDetails(ctx context.Context, mun int64, risks []domain.Risk) error {
	pos := make(map[int64]int, len(risks))
	ids := make([]int64, len(risks))
	for i := range risks {
		risks[i].AssetIDs, risks[i].ControlIDs, risks[i].Controls = []int64{}, []string{}, []domain.RiskControl{}
		pos[risks[i].ID], ids[i] = i, risks[i].ID
	}
	if len(risks) == 0 {
		return nil
	}
	var assets []struct {
		RiskID  int64 `db:"risk_id"`
		AssetID int64 `db:"asset_id"`
	}
	q, a, err := s.in(riskAssetsSQL(s.d), mun, ids)
	if err != nil {
		return err
	}
	if err := s.db(ctx).SelectContext(ctx, &assets, q, a...); err != nil {
		return fmt.Errorf("list risk assets: %w", err)
	}
	for _, x := range assets {
		r := &risks[pos[x.RiskID]]
		r.AssetIDs = append(r.AssetIDs, x.AssetID)
	}
	var ctls []struct {
		RiskID   int64  `db:"risk_id"`
		RecordID int64  `db:"id"`
		Ref      string `db:"ref"`
		Title    string `db:"title"`
		Status   string `db:"status"`
	}
	q, a, err = s.in(riskControlsSQL(s.d), mun, ids)
	if err != nil {
		return err
	}
	if err := s.db(ctx).SelectContext(ctx, &ctls, q, a...); err != nil {
		return fmt.Errorf("list risk controls: %w", err)
	}
	for _, x := range ctls {
		r := &risks[pos[x.RiskID]]
		r.ControlIDs = append(r.ControlIDs, x.Ref)
		r.Controls = append(r.Controls, domain.RiskControl{ControlID: x.Ref, Title: x.Title, Status: domain.ControlStatus(x.Status), RecordID: x.RecordID})
	}
	return s.riskAcceptances(ctx, mun, risks)
}

// riskAcceptances fills the latest acceptance of each of risks that has one.
func (s *Store) riskAcceptances(ctx context.Context, mun int64, risks []domain.Risk) error {
	if len(risks) == 0 {
		return nil
	}
	pos := make(map[int64]int, len(risks))
	ids := make([]int64, len(risks))
	for i := range risks {
		pos[risks[i].ID], ids[i] = i, risks[i].ID
	}
	accs, err := s.latestAcceptances(ctx, mun, ids)
	if err != nil {
		return err
	}
	for i := range accs {
		risks[pos[accs[i].RiskID]].Acceptance = &accs[i]
	}
	return nil
}

const acceptanceColumns = `a.id, a.risk_id, a.accepted_by, a.accepted_by_name, a.role, a.accepted_at, a.justification, a.valid_until,
	a.residual_score, a.residual_level, a.matrix_version, a.voided_at, a.void_reason`

// latestAcceptances returns the latest acceptance of each of risks that has one, with the
// controls as accepted (one statement).
func (s *Store) latestAcceptances(ctx context.Context, mun int64, risks []int64) ([]domain.RiskAcceptance, error) {
	return s.acceptances(ctx, latestAcceptanceCond, mun, risks)
}

// latestAcceptanceCond selects the latest acceptance of each of a list of risks (arguments:
// the municipality and the risks' ids).
const latestAcceptanceCond = `r.municipality_id = ? AND a.risk_id IN (?) AND a.id = (SELECT MAX(b.id) FROM risk_acceptances b WHERE b.risk_id = a.risk_id)`

// acceptancesSQL selects the acceptances that cond selects with their controls, from the
// acceptances (the risks' records by key).
func acceptancesSQL(d *dialect, cond string) string {
	return `SELECT ` + acceptanceColumns + `, ac.control_record_id, ac.control_ref, ac.status FROM risk_acceptances a JOIN records r` + d.byKey + ` ON r.id = a.risk_id
		LEFT JOIN risk_acceptance_controls ac ON ac.acceptance_id = a.id WHERE ` + cond + ` ORDER BY a.id DESC, ac.control_ref`
}

// acceptances returns the acceptances that cond (on risk_acceptances a and records r, the
// risk) selects, newest first, each with its controls as accepted: one statement, the
// controls joined.
func (s *Store) acceptances(ctx context.Context, cond string, args ...any) ([]domain.RiskAcceptance, error) {
	q, a, err := s.in(acceptancesSQL(s.d, cond), args...)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		domain.RiskAcceptance
		ControlRecordID sql.NullInt64  `db:"control_record_id"`
		ControlRef      sql.NullString `db:"control_ref"`
		Status          sql.NullString `db:"status"`
	}
	if err := s.db(ctx).SelectContext(ctx, &rows, q, a...); err != nil {
		return nil, fmt.Errorf("list acceptances: %w", err)
	}
	out := []domain.RiskAcceptance{}
	for _, r := range rows {
		if len(out) == 0 || out[len(out)-1].ID != r.ID {
			acc := r.RiskAcceptance
			acc.Controls = []domain.AcceptedControl{}
			out = append(out, acc)
		}
		if r.ControlRef.Valid {
			last := &out[len(out)-1]
			last.Controls = append(last.Controls, domain.AcceptedControl{ControlID: r.ControlRef.String, RecordID: r.ControlRecordID.Int64, Status: domain.ControlStatus(r.Status.String)})
		}
	}
	return out, nil
}

// acceptedControls fills the controls of acceptances as they stood when accepted.
func (s *Store) acceptedControls(ctx context.Context, accs []domain.RiskAcceptance) error {
	pos := make(map[int64]int, len(accs))
	ids := make([]int64, len(accs))
	for i := range accs {
		accs[i].Controls = []domain.AcceptedControl{}
		pos[accs[i].ID], ids[i] = i, accs[i].ID
	}
	var rows []struct {
		AcceptanceID int64 `db:"acceptance_id"`
		domain.AcceptedControl
	}
	q, a, err := s.in(`SELECT acceptance_id, control_record_id, control_ref, status FROM risk_acceptance_controls WHERE acceptance_id IN (?) ORDER BY acceptance_id, control_ref`, ids)
	if err != nil {
		return err
	}
	if err := s.db(ctx).SelectContext(ctx, &rows, q, a...); err != nil {
		return fmt.Errorf("list accepted controls: %w", err)
	}
	for _, r := range rows {
		acc := &accs[pos[r.AcceptanceID]]
		acc.Controls = append(acc.Controls, r.AcceptedControl)
	}
	return nil
}

// ListAcceptances returns every acceptance of risk id of mun, newest first (the decisions'
// history on the risk's page; at most 100).
func (s *Store) ListAcceptances(ctx context.Context, mun, id int64) ([]domain.RiskAcceptance, error) {
	out, err := s.acceptances(ctx, `r.municipality_id = ? AND a.risk_id = ? AND a.id IN (SELECT b.id FROM risk_acceptances b WHERE b.risk_id = ? ORDER BY b.id DESC LIMIT 100)`, mun, id, id)
	return out, err
}

// SaveRisk creates (id == 0) a risk of mun, or changes risk id: mutate gets the current risk
// inside the transaction (a new one with MunicipalityID set) and applies the change; its
// Controls (resolved by the caller, with their record ids and statuses) and AssetIDs are
// written as its links. A change that voids the risk's acceptance (domain.VoidReason) voids
// it and notifies its maker, in the same transaction. Returns ENotFound and whatever mutate
// returns.
func (s *Store) SaveRisk(ctx context.Context, a Actor, mun, id int64, mutate func(ctx context.Context, r *domain.Risk) error) (domain.Risk, error) {
	var r domain.Risk
	err := s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		var before *domain.Risk
		r = domain.Risk{Record: domain.Record{MunicipalityID: mun}, AssetIDs: []int64{}, ControlIDs: []string{}, Controls: []domain.RiskControl{}}
		if id != 0 {
			cur, err := s.GetRisk(ctx, mun, id)
			if err != nil {
				return err
			}
			r, before = cur, &cur
			r.AssetIDs, r.ControlIDs = append([]int64{}, cur.AssetIDs...), append([]string{}, cur.ControlIDs...)
			r.Controls = append([]domain.RiskControl{}, cur.Controls...)
		}
		if err := mutate(ctx, &r); err != nil {
			return err
		}
		// The audit entry keeps the risk without its acceptance (audited on its own).
		auditView := func(r domain.Risk) domain.Risk { r.Acceptance = nil; return r }
		action, beforeAny := audit.ActionCreate, any(nil)
		if before != nil {
			action, beforeAny = audit.ActionUpdate, auditView(*before)
		}
		var afterAny any = &r // a new risk has no acceptance; its id is known once saved
		if r.Acceptance != nil {
			v := auditView(r)
			afterAny = &v
		}
		err := s.saveRecord(ctx, a, &r.Record, action, beforeAny, afterAny, func(ctx context.Context, tx *sqlx.Tx) error {
			q := `INSERT INTO risks (analysis_id, threat, vulnerability, likelihood, consequence, score, treatment, treatment_plan, residual_likelihood,
				residual_consequence, residual_score, residual_reason, matrix_version, record_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
			if before != nil {
				q = `UPDATE risks SET analysis_id = ?, threat = ?, vulnerability = ?, likelihood = ?, consequence = ?, score = ?, treatment = ?, treatment_plan = ?,
					residual_likelihood = ?, residual_consequence = ?, residual_score = ?, residual_reason = ?, matrix_version = ? WHERE record_id = ?`
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(q), r.AnalysisID, r.Threat, r.Vulnerability, r.Likelihood, r.Consequence, r.Score, r.Treatment, r.TreatmentPlan,
				r.ResidualLikelihood, r.ResidualConsequence, r.ResidualScore, r.ResidualReason, r.MatrixVersion, r.ID); err != nil {
				return fmt.Errorf("save risk: %w", err)
			}
			return s.saveRiskLinks(ctx, tx, r)
		})
		if err != nil || before == nil || r.Acceptance == nil || r.Acceptance.VoidedAt != nil {
			return err
		}
		m, err := s.GetRiskMatrix(ctx, mun)
		if err != nil {
			return err
		}
		state := domain.RiskState{ResidualScore: r.ResidualScore, MatrixVersion: m.Version, Controls: map[string]domain.ControlStatus{}}
		for _, c := range r.Controls {
			state.Controls[c.ControlID] = c.Status
		}
		if reason := domain.VoidReason(*r.Acceptance, state); reason != "" {
			return s.voidAcceptance(ctx, tx, a, mun, r.ID, r.Title, r.Acceptance, reason)
		}
		return nil
	})
	return r, err
}

// saveRiskLinks writes the assets and controls of r.
func (s *Store) saveRiskLinks(ctx context.Context, tx *sqlx.Tx, r domain.Risk) error {
	for _, q := range []string{`DELETE FROM risk_assets WHERE risk_id = ?`, `DELETE FROM risk_controls WHERE risk_id = ?`} {
		if _, err := tx.ExecContext(ctx, tx.Rebind(q), r.ID); err != nil {
			return fmt.Errorf("clear risk links: %w", err)
		}
	}
	for _, id := range r.AssetIDs {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO risk_assets (risk_id, asset_id) VALUES (?, ?)`), r.ID, id); err != nil {
			return fmt.Errorf("insert risk asset: %w", err)
		}
	}
	for _, c := range r.Controls {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO risk_controls (risk_id, control_record_id) VALUES (?, ?)`), r.ID, c.RecordID); err != nil {
			return fmt.Errorf("insert risk control: %w", err)
		}
	}
	return nil
}

// DeleteRisk removes a risk with its treatment actions (each its own record), reviews,
// comments, evidence and acceptances; the audit entries keep what they were. check is called
// inside the transaction with the risk. Returns ENotFound and whatever check returns.
func (s *Store) DeleteRisk(ctx context.Context, a Actor, mun, id int64, check func(context.Context, domain.Risk) error) error {
	return s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		r, err := s.GetRisk(ctx, mun, id)
		if err != nil {
			return err
		}
		if err := check(ctx, r); err != nil {
			return err
		}
		actions, err := s.ListRiskActions(ctx, mun, domain.Visibility{All: true}, id)
		if err != nil {
			return err
		}
		for _, ac := range actions {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM records WHERE municipality_id = ? AND id = ?`), mun, ac.ID); err != nil {
				return fmt.Errorf("delete risk action: %w", err)
			}
			aid := ac.ID
			if err := s.appendAudit(ctx, tx, a, Change{MunicipalityID: &mun, Kind: string(domain.KindRiskAction), RecordID: &aid, Action: audit.ActionDelete, Before: ac}); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM records WHERE municipality_id = ? AND id = ?`), mun, id); err != nil {
			return fmt.Errorf("delete risk: %w", err)
		}
		return s.appendAudit(ctx, tx, a, Change{MunicipalityID: &mun, Kind: string(domain.KindRisk), RecordID: &id, Action: audit.ActionDelete, Before: r})
	})
}

// ControlsByRef returns those of refs that are rows of mun's statement of applicability, with
// their titles and statuses, by ref.
func (s *Store) ControlsByRef(ctx context.Context, mun int64, refs []string) (map[string]domain.RiskControl, error) {
	out := map[string]domain.RiskControl{}
	if len(refs) == 0 {
		return out, nil
	}
	var rows []struct {
		ID     int64  `db:"id"`
		Ref    string `db:"ref"`
		Title  string `db:"title"`
		Status string `db:"status"`
	}
	q, a, err := s.in(`SELECT r.id, r.ref, r.title, r.status FROM records r WHERE r.municipality_id = ? AND r.kind = ? AND r.ref IN (?)`, mun, domain.KindControl, refs)
	if err != nil {
		return nil, err
	}
	if err := s.db(ctx).SelectContext(ctx, &rows, q, a...); err != nil {
		return nil, fmt.Errorf("controls by ref: %w", err)
	}
	for _, r := range rows {
		out[r.Ref] = domain.RiskControl{ControlID: r.Ref, Title: r.Title, Status: domain.ControlStatus(r.Status), RecordID: r.ID}
	}
	return out, nil
}

// RiskCell counts the open risks in one cell of the matrix.
type RiskCell struct {
	Likelihood  int `db:"l"`
	Consequence int `db:"c"`
	N           int `db:"n"`
}

// RiskHeat counts mun's open risks that v lets through (of org unit unit, 0 for all) by
// likelihood and consequence, before treatment or (residual) after: one statement.
func (s *Store) RiskHeat(ctx context.Context, mun int64, v domain.Visibility, residual bool, unit int64) ([]RiskCell, error) {
	lc, cc := "k.likelihood", "k.consequence"
	if residual {
		lc, cc = "k.residual_likelihood", "k.residual_consequence"
	}
	args := []any{mun, domain.KindRisk, spec(domain.KindRisk).Closed}
	// One unit's risks, or those of the units an information owner sees, are sought by unit
	// (records_kind) rather than walked among all of the municipality's (records_title_vis,
	// which SQLite prefers for covering the status): kommun-L's largest unit 3.8 → 1.4 ms.
	records := "records r"
	if unit != 0 || !v.All && len(v.UnitIDs) > 0 && !v.Published && v.OwnerID == 0 {
		records += s.d.useIndex("records_kind")
	}
	q := `SELECT ` + lc + ` AS l, ` + cc + ` AS c, COUNT(*) AS n FROM ` + records + ` JOIN risks k ON k.record_id = r.id
		WHERE r.municipality_id = ? AND r.kind = ? AND r.status NOT IN (?)`
	if unit != 0 {
		q += ` AND r.org_unit_id = ?`
		args = append(args, unit)
	}
	q += ` AND ` + visibilitySQL(v, &args) + ` GROUP BY ` + lc + `, ` + cc
	query, a, err := s.in(q, args...)
	if err != nil {
		return nil, err
	}
	out := []RiskCell{}
	if err := s.db(ctx).SelectContext(ctx, &out, query, a...); err != nil {
		return nil, fmt.Errorf("risk heat map: %w", err)
	}
	return out, nil
}

// ---- Acceptance ----

// AcceptRisk records a decision to accept risk id of mun: decide gets the risk and the matrix
// inside the transaction, checks who may decide and returns the acceptance (without its
// controls, which are the risk's as they stand). Earlier acceptances still standing are
// superseded; the risk's next review becomes the acceptance's valid-until date, so that the
// core's reminders bring the decision up again before it runs out (one reminder mechanism for
// every kind); the audit entry's after is the snapshot of the risk as accepted. Returns
// ENotFound and whatever decide returns.
func (s *Store) AcceptRisk(ctx context.Context, a Actor, mun, id int64, decide func(ctx context.Context, r domain.Risk, m domain.RiskMatrix) (domain.RiskAcceptance, error)) (domain.Risk, error) {
	var r domain.Risk
	err := s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		var err error
		if r, err = s.GetRisk(ctx, mun, id); err != nil {
			return err
		}
		m, err := s.GetRiskMatrix(ctx, mun)
		if err != nil {
			return err
		}
		r.Rate(m)
		acc, err := decide(ctx, r, m)
		if err != nil {
			return err
		}
		acc.RiskID, acc.AcceptedAt, acc.MatrixVersion, acc.ResidualScore = id, s.now(), m.Version, r.ResidualScore
		acc.ResidualLevel = m.Level(r.ResidualScore)
		acc.Controls = []domain.AcceptedControl{}
		for _, c := range r.Controls {
			acc.Controls = append(acc.Controls, domain.AcceptedControl{ControlID: c.ControlID, RecordID: c.RecordID, Status: c.Status})
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE risk_acceptances SET voided_at = ?, void_reason = ? WHERE risk_id = ? AND voided_at IS NULL`),
			acc.AcceptedAt, domain.VoidSuperseded, id); err != nil {
			return fmt.Errorf("supersede acceptances: %w", err)
		}
		err = tx.GetContext(ctx, &acc.ID, tx.Rebind(`INSERT INTO risk_acceptances (risk_id, accepted_by, accepted_by_name, role, accepted_at, justification, valid_until,
			residual_score, residual_level, matrix_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			id, acc.AcceptedBy, acc.AcceptedByName, acc.Role, acc.AcceptedAt, acc.Justification, acc.ValidUntil, acc.ResidualScore, acc.ResidualLevel, acc.MatrixVersion)
		if err != nil {
			return fmt.Errorf("insert acceptance: %w", err)
		}
		for _, c := range acc.Controls {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO risk_acceptance_controls (acceptance_id, control_record_id, control_ref, status) VALUES (?, ?, ?, ?)`),
				acc.ID, c.RecordID, c.ControlID, c.Status); err != nil {
				return fmt.Errorf("insert accepted control: %w", err)
			}
		}
		acc.Valid = true
		before := map[string]any{"next_review_at": r.NextReviewAt}
		if r.Acceptance != nil {
			before["acceptance_id"] = r.Acceptance.ID
		}
		until := acc.ValidUntil
		r.NextReviewAt, r.Acceptance = &until, &acc
		// The snapshot of the risk as accepted, flat (the audit page lists it field by field).
		snapshot := map[string]any{
			"acceptance_id": acc.ID, "accepted_by": acc.AcceptedBy, "accepted_by_name": acc.AcceptedByName, "role": acc.Role,
			"justification": acc.Justification, "valid_until": acc.ValidUntil,
			"title": r.Title, "likelihood": r.Likelihood, "consequence": r.Consequence, "score": r.Score, "level": r.Level,
			"treatment": r.Treatment, "residual_likelihood": r.ResidualLikelihood, "residual_consequence": r.ResidualConsequence,
			"residual_score": r.ResidualScore, "residual_level": r.ResidualLevel, "controls": acc.Controls, "matrix_version": m.Version,
			"next_review_at": r.NextReviewAt,
		}
		return s.saveRecord(ctx, a, &r.Record, ActionRiskAccept, before, snapshot, nil)
	})
	return r, err
}

// voidAcceptance voids acc of risk id (title for the message) for reason, tells its maker in
// the app, and audits it.
func (s *Store) voidAcceptance(ctx context.Context, tx *sqlx.Tx, a Actor, mun, id int64, title string, acc *domain.RiskAcceptance, reason string) error {
	now := s.now()
	if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE risk_acceptances SET voided_at = ?, void_reason = ? WHERE id = ? AND voided_at IS NULL`), now, reason, acc.ID); err != nil {
		return fmt.Errorf("void acceptance: %w", err)
	}
	acc.VoidedAt, acc.VoidReason, acc.Valid = &now, reason, false
	if acc.AcceptedBy != nil {
		if err := s.insertNotification(ctx, tx, *acc.AcceptedBy, mun, &id, NotifyAcceptanceVoid+reason, []string{title}, nil, now); err != nil {
			return err
		}
	}
	return s.appendAudit(ctx, tx, a, Change{MunicipalityID: &mun, Kind: string(domain.KindRisk), RecordID: &id, Action: ActionAcceptanceVoid,
		After: map[string]any{"acceptance_id": acc.ID, "reason": reason, "accepted_by": acc.AcceptedBy}})
}

// ExpireAcceptances ends the acceptances, in every municipality, whose valid-until passed
// before today: each is voided (reason expired, its maker told in the app) and its risk
// reopened — status open unless it is being treated, due for review today — so that it comes
// back to whoever decides, on the dashboard and in the reminders. One transaction per risk,
// at most limit of them a call (the scheduler calls again on its next pass). It returns how
// many it ended.
func (s *Store) ExpireAcceptances(ctx context.Context, today domain.Date, limit int) (int, error) {
	var due []struct {
		ID  int64 `db:"id"`
		Mun int64 `db:"municipality_id"`
	}
	err := s.db(ctx).SelectContext(ctx, &due, s.rebind(`SELECT a.id, r.municipality_id FROM risk_acceptances a JOIN records r ON r.id = a.risk_id
		WHERE a.voided_at IS NULL AND a.valid_until < ? ORDER BY a.id LIMIT `+strconv.Itoa(max(limit, 1))), today)
	if err != nil {
		return 0, fmt.Errorf("list expired acceptances: %w", err)
	}
	system := Actor{Name: "lisa", IP: "local"}
	n := 0
	for _, d := range due {
		err := s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
			var acc struct {
				domain.RiskAcceptance
				Title string `db:"title"`
			}
			err := tx.GetContext(ctx, &acc, tx.Rebind(`SELECT `+acceptanceColumns+`, r.title FROM risk_acceptances a JOIN records r ON r.id = a.risk_id
				WHERE a.id = ? AND a.voided_at IS NULL`), d.ID)
			if errors.Is(err, sql.ErrNoRows) {
				return nil // voided meanwhile
			}
			if err != nil {
				return fmt.Errorf("get expired acceptance: %w", err)
			}
			if err := s.voidAcceptance(ctx, tx, system, d.Mun, acc.RiskID, acc.Title, &acc.RiskAcceptance, domain.VoidExpired); err != nil {
				return err
			}
			r, err := s.GetRecord(ctx, d.Mun, domain.KindRisk, acc.RiskID)
			if err != nil {
				return err
			}
			before := map[string]any{"status": r.Status, "next_review_at": r.NextReviewAt}
			if r.Status != "in_treatment" {
				r.Status = "open"
			}
			t := today
			r.NextReviewAt = &t
			n++
			return s.saveRecord(ctx, system, &r, audit.ActionUpdate, before, map[string]any{"status": r.Status, "next_review_at": r.NextReviewAt}, nil)
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// standingAcceptances are the acceptances not voided of mun's risks (with the risk's title),
// limited to those linked to one of controls when controls is not nil.
func (s *Store) standingAcceptances(ctx context.Context, tx *sqlx.Tx, mun int64, controls []int64) ([]struct {
	domain.RiskAcceptance
	Title string `db:"title"`
}, error) {
	var out []struct {
		domain.RiskAcceptance
		Title string `db:"title"`
	}
	q := `SELECT ` + acceptanceColumns + `, r.title FROM risk_acceptances a JOIN records r ON r.id = a.risk_id WHERE r.municipality_id = ? AND a.voided_at IS NULL`
	args := []any{mun}
	if controls != nil {
		q += ` AND a.id IN (SELECT ac.acceptance_id FROM risk_acceptance_controls ac WHERE ac.control_record_id IN (?))`
		args = append(args, controls)
	}
	query, a, err := sqlx.In(q+` ORDER BY a.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("expand query: %w", err)
	}
	if err := tx.SelectContext(ctx, &out, tx.Rebind(query), a...); err != nil {
		return nil, fmt.Errorf("list standing acceptances: %w", err)
	}
	return out, nil
}

// voidAcceptancesOf voids every acceptance of mun still standing for reason (a new matrix),
// and returns how many.
func (s *Store) voidAcceptancesOf(ctx context.Context, tx *sqlx.Tx, a Actor, mun int64, reason string) (int, error) {
	accs, err := s.standingAcceptances(ctx, tx, mun, nil)
	if err != nil {
		return 0, err
	}
	for i := range accs {
		if err := s.voidAcceptance(ctx, tx, a, mun, accs[i].RiskID, accs[i].Title, &accs[i].RiskAcceptance, reason); err != nil {
			return 0, err
		}
	}
	return len(accs), nil
}

// ReassessAcceptances voids the standing acceptances of mun that accepted a risk with one of
// the controls (statement-of-applicability records) whose status is now lower than when the
// risk was accepted, notifying their makers; in the transaction of ctx (the SoA change that
// lowered them). It returns how many it voided.
func (s *Store) ReassessAcceptances(ctx context.Context, a Actor, mun int64, controls []int64) (int, error) {
	if len(controls) == 0 {
		return 0, nil
	}
	n := 0
	err := s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		accs, err := s.standingAcceptances(ctx, tx, mun, controls)
		if err != nil || len(accs) == 0 {
			return err
		}
		plain := make([]domain.RiskAcceptance, len(accs))
		for i := range accs {
			plain[i] = accs[i].RiskAcceptance
		}
		if err := s.acceptedControls(ctx, plain); err != nil {
			return err
		}
		var now []struct {
			ID     int64  `db:"id"`
			Status string `db:"status"`
		}
		q, args, err := inTx(tx, `SELECT id, status FROM records WHERE municipality_id = ? AND id IN (?)`, mun, controls)
		if err != nil {
			return err
		}
		if err := tx.SelectContext(ctx, &now, q, args...); err != nil {
			return fmt.Errorf("read control statuses: %w", err)
		}
		status := map[int64]domain.ControlStatus{}
		for _, c := range now {
			status[c.ID] = domain.ControlStatus(c.Status)
		}
		for i := range plain {
			for _, c := range plain[i].Controls {
				st, ok := status[c.RecordID]
				if ok && domain.ControlRank(st) < domain.ControlRank(c.Status) {
					if err := s.voidAcceptance(ctx, tx, a, mun, plain[i].RiskID, accs[i].Title, &plain[i], domain.VoidControlDowngraded); err != nil {
						return err
					}
					n++
					break
				}
			}
		}
		return nil
	})
	return n, err
}

// DecisionQuery selects the risks of the management's dashboard.
type DecisionQuery struct {
	MunicipalityID int64
	Visible        domain.Visibility
	Today          domain.Date
	FromScore      int // residual scores from here need a decision (above the acceptance level)
	MaxScore       int // the caller's tier: residual scores up to here (0: none)
	Limit          int
}

// RisksAwaitingDecision returns open risks of q's municipality whose treatment is to accept or
// whose residual score is at least q.FromScore, within q.MaxScore, with no acceptance that
// stands today, highest residual score first.
func (s *Store) RisksAwaitingDecision(ctx context.Context, q DecisionQuery) ([]domain.Risk, error) {
	out := []domain.Risk{}
	if q.MaxScore <= 0 {
		return out, nil
	}
	args := []any{q.MunicipalityID, domain.KindRisk, spec(domain.KindRisk).Closed, domain.TreatAccept, q.FromScore, q.MaxScore, q.Today}
	stmt := riskSelect + ` WHERE r.municipality_id = ? AND r.kind = ? AND r.status NOT IN (?) AND (k.treatment = ? OR k.residual_score >= ?) AND k.residual_score <= ?
		AND NOT EXISTS (SELECT 1 FROM risk_acceptances a WHERE a.risk_id = r.id AND a.voided_at IS NULL AND a.valid_until >= ?) AND ` + visibilitySQL(q.Visible, &args) +
		` ORDER BY k.residual_score DESC, r.id LIMIT ` + strconv.Itoa(max(q.Limit, 1))
	query, a, err := s.in(stmt, args...)
	if err != nil {
		return nil, err
	}
	if err := s.db(ctx).SelectContext(ctx, &out, query, a...); err != nil {
		return nil, fmt.Errorf("list risks awaiting decision: %w", err)
	}
	return out, nil
}

// ExpiringAcceptance is an acceptance that runs out soon, with its risk's title.
type ExpiringAcceptance struct {
	domain.RiskAcceptance
	Title string `db:"title"`
}

// expiringSQL selects the standing acceptances of a municipality's open risks that run out in
// a range of days (arguments: the municipality, the risk kind, its closed statuses, the first
// and last day, then those of visible), soonest first, through risk_acceptances_open.
func expiringSQL(d *dialect, visible string, limit int) string {
	return `SELECT ` + acceptanceColumns + `, r.title FROM risk_acceptances a JOIN records r` + d.byKey + ` ON r.id = a.risk_id
		WHERE r.municipality_id = ? AND r.kind = ? AND r.status NOT IN (?) AND a.voided_at IS NULL AND a.valid_until >= ? AND a.valid_until <= ? AND ` +
		visible + ` ORDER BY a.valid_until, a.id LIMIT ` + strconv.Itoa(max(limit, 1))
}

// ExpiringAcceptances returns the standing acceptances of q's municipality's open risks that
// run out from q.Today through until, soonest first.
func (s *Store) ExpiringAcceptances(ctx context.Context, q DecisionQuery, until domain.Date) ([]ExpiringAcceptance, error) {
	out := []ExpiringAcceptance{}
	args := []any{q.MunicipalityID, domain.KindRisk, spec(domain.KindRisk).Closed, q.Today, until}
	stmt := expiringSQL(s.d, visibilitySQL(q.Visible, &args), q.Limit)
	query, a, err := s.in(stmt, args...)
	if err != nil {
		return nil, err
	}
	if err := s.db(ctx).SelectContext(ctx, &out, query, a...); err != nil {
		return nil, fmt.Errorf("list expiring acceptances: %w", err)
	}
	return out, nil
}

// ---- Treatment actions ----

const actionSelect = `SELECT ` + recordColumns + `, k.risk_id, k.description FROM records r JOIN risk_actions k ON k.record_id = r.id`

// actionsOfRiskSQL selects the actions of one risk (arguments: the municipality, the action
// kind, the risk, then those of visible) through risk_actions_risk, the records by key.
func actionsOfRiskSQL(d *dialect, visible string) string {
	return `SELECT ` + recordColumns + `, k.risk_id, k.description FROM risk_actions k JOIN records r` + d.byKey + ` ON r.id = k.record_id
		WHERE r.municipality_id = ? AND r.kind = ? AND k.risk_id = ? AND ` + visible + fmt.Sprintf(` ORDER BY r.next_review_at, r.id LIMIT %d`, maxActionsPerRisk)
}

// maxActionsPerRisk bounds the actions listed under one risk.
const maxActionsPerRisk = 500

// ListRiskActions returns the treatment actions of risk id of mun that v lets through, by due
// date (at most maxActionsPerRisk).
func (s *Store) ListRiskActions(ctx context.Context, mun int64, v domain.Visibility, risk int64) ([]domain.RiskAction, error) {
	args := []any{mun, domain.KindRiskAction, risk}
	q := actionsOfRiskSQL(s.d, visibilitySQL(v, &args))
	query, a, err := s.in(q, args...)
	if err != nil {
		return nil, err
	}
	out := []domain.RiskAction{}
	if err := s.db(ctx).SelectContext(ctx, &out, query, a...); err != nil {
		return nil, fmt.Errorf("list risk actions: %w", err)
	}
	for i := range out {
		out[i].DueAt = out[i].NextReviewAt
	}
	return out, nil
}

// GetRiskAction returns one treatment action of mun. Returns ENotFound.
func (s *Store) GetRiskAction(ctx context.Context, mun, id int64) (domain.RiskAction, error) {
	var ac domain.RiskAction
	err := s.db(ctx).GetContext(ctx, &ac, s.rebind(actionSelect+` WHERE r.municipality_id = ? AND r.kind = ? AND r.id = ?`), mun, domain.KindRiskAction, id)
	ac.DueAt = ac.NextReviewAt
	return ac, notFound(err, "get risk action")
}

// SaveRiskAction creates (id == 0) a treatment action of mun, or changes action id: mutate gets
// the current action inside the transaction and applies the change. Returns ENotFound and
// whatever mutate returns.
func (s *Store) SaveRiskAction(ctx context.Context, a Actor, mun, id int64, mutate func(ctx context.Context, ac *domain.RiskAction) error) (domain.RiskAction, error) {
	var ac domain.RiskAction
	err := s.tx(ctx, func(ctx context.Context, tx *sqlx.Tx) error {
		var before *domain.RiskAction
		ac = domain.RiskAction{Record: domain.Record{MunicipalityID: mun}}
		if id != 0 {
			cur, err := s.GetRiskAction(ctx, mun, id)
			if err != nil {
				return err
			}
			ac, before = cur, &cur
		}
		if err := mutate(ctx, &ac); err != nil {
			return err
		}
		action, beforeAny := audit.ActionCreate, any(nil)
		if before != nil {
			action, beforeAny = audit.ActionUpdate, before
		}
		return s.saveRecord(ctx, a, &ac.Record, action, beforeAny, &ac, func(ctx context.Context, tx *sqlx.Tx) error {
			q := `INSERT INTO risk_actions (risk_id, description, record_id) VALUES (?, ?, ?)`
			if before != nil {
				q = `UPDATE risk_actions SET risk_id = ?, description = ? WHERE record_id = ?`
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(q), ac.RiskID, ac.Description, ac.ID); err != nil {
				return fmt.Errorf("save risk action: %w", err)
			}
			return nil
		})
	})
	ac.DueAt = ac.NextReviewAt
	return ac, err
}

// RiskTitles returns the titles of those of ids that are risks or analyses (kind) of mun that
// v lets through.
func (s *Store) RiskTitles(ctx context.Context, mun int64, kind domain.Kind, v domain.Visibility, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	args := []any{mun, kind, ids}
	q := `SELECT r.id, r.title FROM records r WHERE r.municipality_id = ? AND r.kind = ? AND r.id IN (?) AND ` + visibilitySQL(v, &args)
	return s.namesByID(ctx, "risk titles", q, args...)
}

// RecordChoice is a record a picker offers.
type RecordChoice struct {
	ID    int64  `db:"id"`
	Title string `db:"title"`
}

// RecordChoices returns what a form offers to choose among the records of kind in mun that v
// lets through: those of ids (what the form names already, so that saving it never drops a
// link it did not show) and the first limit whose title contains query, by title.
func (s *Store) RecordChoices(ctx context.Context, mun int64, kind domain.Kind, v domain.Visibility, query string, ids []int64, limit int) ([]RecordChoice, error) {
	var l RecordList
	l.Query, l.Limit = query, max(limit, 1)
	q, args := l.statement(`SELECT r.id, r.title FROM records r`, mun, kind, v)
	query2, a, err := s.in(q, args...)
	if err != nil {
		return nil, err
	}
	out := []RecordChoice{}
	if err := s.db(ctx).SelectContext(ctx, &out, query2, a...); err != nil {
		return nil, fmt.Errorf("list record choices: %w", err)
	}
	var missing []int64
	for _, id := range ids {
		if !slices.ContainsFunc(out, func(c RecordChoice) bool { return c.ID == id }) {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 || len(missing) > domain.MaxIDs {
		return out, nil
	}
	var named RecordList
	named.Where("r.id IN (?)", missing)
	q, args = named.statement(`SELECT r.id, r.title FROM records r`, mun, kind, v)
	query2, a, err = s.in(q, args...)
	if err != nil {
		return nil, err
	}
	var extra []RecordChoice
	if err := s.db(ctx).SelectContext(ctx, &extra, query2, a...); err != nil {
		return nil, fmt.Errorf("list record choices: %w", err)
	}
	out = append(extra, out...)
	return out, nil
}
