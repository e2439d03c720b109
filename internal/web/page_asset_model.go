package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/authz"
	"github.com/lisa-isms/lisa/internal/domain"
)

// The municipality's classification model (its name and the names of the levels 0–4) and
// requirement model (aspect ≥ level → control), which everyone who reads assets may see and
// the coordinator changes.

// newRuleRows is how many empty rows the requirement form offers for new rules.
const newRuleRows = 3

type assetModelPage struct {
	Base
	Model        app.AssetModel
	Form         formState
	CanConfigure bool
	NewRows      []int
	Labels       levelLabels
}

func (s *Server) assetModelPage(c *gin.Context) {
	mid, err := idParam(c, "mid")
	if err != nil {
		s.fail(c, err)
		return
	}
	s.renderAssetModel(c, http.StatusOK, mid, newForm())
}

func (s *Server) renderAssetModel(c *gin.Context, status int, mid int64, f formState) {
	cl := s.caller(c)
	m, err := s.app.GetAssetModel(c.Request.Context(), cl, mid)
	if err != nil {
		s.fail(c, err)
		return
	}
	if !f.HasErrors() {
		f.Values["name"] = m.Model.Name
		for i, l := range m.Model.Labels {
			f.Values["label_"+strconv.Itoa(i)] = l
		}
	}
	rows := make([]int, newRuleRows)
	for i := range rows {
		rows[i] = i
	}
	s.render(c, status, "asset_model", assetModelPage{Base: s.base(c, s.i18n.T(lang(c), "amodel.title")), Model: m, Form: f,
		CanConfigure: s.app.Can(cl, mid, authz.ObjAsset, authz.Configure, nil), NewRows: rows, Labels: m.Model.Labels})
}

// parseAssetModelForm reads the model form: the name, the five labels, the kept rules
// (keep=aspect|level|control) and the new rows. Fuzzed in tests.
func parseAssetModelForm(v url.Values) (app.AssetModelInput, domain.Problems) {
	p := domain.Problems{}
	name := v.Get("name")
	labels := make([]string, domain.MaxLevel+1)
	for i := range labels {
		labels[i] = v.Get("label_" + strconv.Itoa(i))
	}
	rules := []domain.RequirementRule{}
	add := func(aspect, level, control string) {
		n, err := strconv.Atoi(strings.TrimSpace(level))
		if err != nil {
			p.Add("rules", "err.rule_level")
			return
		}
		rules = append(rules, domain.RequirementRule{Aspect: domain.Aspect(aspect), MinLevel: n, ControlID: strings.TrimSpace(control)})
	}
	for _, k := range v["keep"] {
		parts := strings.SplitN(k, "|", 3)
		if len(parts) != 3 {
			p.Add("rules", "err.aspect")
			continue
		}
		add(parts[0], parts[1], parts[2])
	}
	for i := range newRuleRows {
		n := strconv.Itoa(i)
		if ctl := strings.TrimSpace(v.Get("new_control_" + n)); ctl != "" {
			add(v.Get("new_aspect_"+n), v.Get("new_level_"+n), ctl)
		}
	}
	return app.AssetModelInput{Name: &name, Labels: &labels, Rules: &rules}, p
}

func (s *Server) assetModelSave(c *gin.Context) {
	mid, err := idParam(c, "mid")
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := c.Request.ParseForm(); err != nil {
		s.fail(c, err)
		return
	}
	in, p := parseAssetModelForm(c.Request.PostForm)
	if err = p.Err(); err == nil {
		_, err = s.app.SaveAssetModel(c.Request.Context(), s.caller(c), mid, in)
	}
	if err != nil {
		if f, status, ok := s.formFail(c, err, []string{"name", "labels", "rules"}); ok {
			s.renderAssetModel(c, status, mid, f)
		}
		return
	}
	s.redirect(c, "/m/"+itoa(mid)+"/asset-model", "flash.asset_model_saved")
}
