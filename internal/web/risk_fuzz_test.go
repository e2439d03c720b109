package web

import (
	"net/url"
	"slices"
	"testing"

	"github.com/lisa-isms/lisa/internal/domain"
)

// Fuzz targets of the risk forms (issue 9): whatever is posted, the parsers name only the
// form's fields in a problem, with a translated message, and what they accept the domain rules
// judge without panicking: a risk on the matrix, or a field error.

func FuzzParseRiskForm(f *testing.F) {
	for _, s := range []string{
		"title=Kontokapning&org_unit_id=6&likelihood=4&consequence=5&treatment=reduce&review_interval_months=12&form_has_assets=1&asset_ids=3",
		"title=R&org_unit_id=6&likelihood=2&consequence=2&residual_likelihood=&residual_consequence=&residual_reason=",
		"title=R&likelihood=6&consequence=0&residual_likelihood=9&residual_consequence=-1",
		"likelihood=1e3&consequence=x&review_interval_months=&analysis_id=-1&owner_id=abc",
		"control_ids=5.15,+8.5;%0A8.5&control_ids=A.1",
		"control_ids=" + url.QueryEscape(string(make([]byte, 300))),
		"form_has_assets=1&asset_ids=x&asset_ids=99999999999999999999",
		"title=%00%07&threat=a%0Ab&vulnerability=%FF&treatment=Acceptera",
		"title=a&title=b&likelihood=3&likelihood=4",
		"%zz=1&title=%", ";;;&&&==", "",
	} {
		f.Add(s, true)
		f.Add(s, false)
	}
	fields := append(slices.Clone(riskFields), "asset_ids")
	f.Fuzz(func(t *testing.T, query string, isNew bool) {
		v, _ := url.ParseQuery(query)
		in, p := parseRiskForm(v, isNew)
		for field, key := range p {
			if !slices.Contains(fields, field) {
				t.Errorf("problem names %q, not a form field", field)
			}
			tTranslated(t, key)
		}
		if len(p) > 0 {
			return
		}
		r := domain.Risk{Record: domain.Record{MunicipalityID: 1}}
		if !isNew {
			r.ID, r.Kind, r.Title, r.OrgUnitID, r.Status, r.ReviewIntervalMonths = 5, domain.KindRisk, "Risk", 3, "open", 12
			r.Likelihood, r.Consequence, r.ResidualLikelihood, r.ResidualConsequence, r.Treatment = 2, 2, 2, 2, domain.TreatReduce
		}
		m := domain.DefaultRiskMatrix(5)
		if err := domain.ApplyRisk(&r, in, m, domain.NewDate(2026, 12, 2)); err != nil {
			for field, key := range domain.AsError(err).Fields {
				if !slices.Contains(fields, field) && field != "last_reviewed_at" {
					t.Errorf("rule names %q, not a form field", field)
				}
				tTranslated(t, key)
			}
			return
		}
		if r.Likelihood < 1 || r.Likelihood > m.Size || r.ResidualConsequence < 1 || r.ResidualConsequence > m.Size || r.Score != r.Likelihood*r.Consequence {
			t.Errorf("accepted a risk off the matrix: %+v", r)
		}
		if r.ResidualScore > r.Score && r.ResidualReason == "" {
			t.Errorf("accepted a higher residual risk without a reason: %+v", r)
		}
	})
}

func FuzzParseMatrixForm(f *testing.F) {
	for _, s := range []string{
		"size=5&labels_size=5&likelihood_label_1=a&likelihood_label_2=b&likelihood_label_3=c&likelihood_label_4=d&likelihood_label_5=e&form_has_thresholds=1&threshold_low=1&threshold_high=10&acceptance_level=low",
		"size=4&labels_size=5&form_has_mapping=1&map_likelihood_1=1&map_likelihood_5=4&map_consequence_5=x",
		"size=9&form_has_tiers=1&tier_coordinator=medium&tier_management=extreme&tier_auditor=low",
		"size=&threshold_low=-1&form_has_thresholds=1&threshold_medium=1e9",
		"%zz=1", "", "size=4&labels_size=4&consequence_label_1=%00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, query string) {
		v, _ := url.ParseQuery(query)
		cur := domain.DefaultRiskMatrix(5)
		in, p := parseMatrixForm(v, cur)
		for field, key := range p {
			if !slices.Contains(matrixFields, field) {
				t.Errorf("problem names %q, not a form field", field)
			}
			tTranslated(t, key)
		}
		if len(p) > 0 {
			return
		}
		next := cur
		if _, err := domain.ApplyRiskMatrix(&next, in); err != nil {
			for field, key := range domain.AsError(err).Fields {
				if !slices.Contains(matrixFields, field) {
					t.Errorf("rule names %q, not a form field", field)
				}
				tTranslated(t, key)
			}
			return
		}
		if len(next.LikelihoodLabels) != next.Size || next.Level(next.Size*next.Size) == "" {
			t.Errorf("accepted a broken matrix: %+v", next)
		}
		if err := domain.CheckMatrixChange(cur, next, domain.MatrixUse{MaxLikelihood: 5, MaxConsequence: 5}, in.Mapping); err != nil {
			for _, key := range domain.AsError(err).Fields {
				tTranslated(t, key)
			}
		}
	})
}

func FuzzParseAnalysisForm(f *testing.F) {
	for _, s := range []string{
		"title=Riskanalys&org_unit_id=6&object_type=process&process=Utbetalning&method=MSB&analysed_at=2026-11-01&review_interval_months=12",
		"title=A&object_type=asset&asset_id=&org_unit_id=",
		"object_type=building&asset_id=-3&analysed_at=2026-02-30&owner_id=x",
		"%zz=1", "",
	} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, query string, isNew bool) {
		v, _ := url.ParseQuery(query)
		in, p := parseAnalysisForm(v, isNew)
		for field, key := range p {
			if !slices.Contains(analysisFields, field) {
				t.Errorf("problem names %q, not a form field", field)
			}
			tTranslated(t, key)
		}
		if len(p) > 0 {
			return
		}
		a := domain.RiskAnalysis{}
		if err := domain.ApplyRiskAnalysis(&a, in, domain.NewDate(2026, 12, 2)); err != nil {
			for _, key := range domain.AsError(err).Fields {
				tTranslated(t, key)
			}
			return
		}
		if a.ObjectType == domain.ObjectAsset && a.AssetID == nil || a.ObjectType == domain.ObjectProcess && a.Process == "" {
			t.Errorf("accepted an analysis without its object: %+v", a)
		}
	})
}
