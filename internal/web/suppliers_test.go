package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/lisa-isms/lisa/internal/domain"
)

// The supplier register: the organisation number's check digit is verified and is the
// supplier's identity in the municipality; staff read the register (to name a supplier when
// they report), only the coordinator changes it.
func TestSupplierRegister(t *testing.T) {
	env := newTestServer(t)
	coord := env.login("samordnare")
	api := fmt.Sprintf("/api/v1/municipalities/%d/suppliers", env.ex)
	res := coord.postJSON(api, map[string]any{"name": "Felnummer AB", "org_number": "556036-0794", "contact": "x"})
	if e := tDecodeError(t, res); res.Code != http.StatusBadRequest || e.Error.Fields["org_number"] != "Organisationsnumret stämmer inte: ange tio siffror med rätt kontrollsiffra." {
		t.Errorf("wrong check digit: %d %v", res.Code, e.Error.Fields)
	}
	res = coord.postJSON(api, map[string]any{"name": "Dubblett AB", "org_number": "5560360793"})
	if e := tDecodeError(t, res); res.Code != http.StatusConflict || e.Error.Fields["org_number"] == "" {
		t.Errorf("an organisation number another supplier has: %d %v", res.Code, e.Error.Fields)
	}
	var created struct {
		ID        int64  `json:"id"`
		Name      string `json:"name"`
		OrgNumber string `json:"org_number"`
		OrgUnitID int64  `json:"org_unit_id"`
	}
	tDecode(t, coord.postJSON(api, map[string]any{"name": "Ny leverantör AB", "org_number": "556123 4567", "contact": "Anna, 070-000 00 00"}), http.StatusCreated, &created)
	if created.OrgNumber != "556123-4567" || created.Name != "Ny leverantör AB" || created.OrgUnitID != env.unit("Exempelkommun/Kommunstyrelsen") {
		t.Errorf("created %+v (want the number normalised, the top unit)", created)
	}
	var list []struct {
		Name string `json:"name"`
	}
	tDecode(t, env.login("medarbetare").get(api), http.StatusOK, &list)
	var names []string
	for _, s := range list {
		names = append(names, s.Name)
	}
	if !slices.Contains(names, "Omsorgssystem AB") || !slices.Contains(names, "Ny leverantör AB") || slices.Contains(names, "Grannkommunens IT-partner AB") {
		t.Errorf("staff read %v", names)
	}
	// The form speaks Swedish and keeps the input.
	res = coord.postForm(fmt.Sprintf("/m/%d/suppliers", env.ex), url.Values{"name": {"Formulär AB"}, "org_number": {"123"}, "contact": {"kvar"}})
	if body := res.Body.String(); res.Code != http.StatusBadRequest || !strings.Contains(body, "rätt kontrollsiffra") || !strings.Contains(body, "kvar") || !strings.Contains(body, "<title>Fel:") {
		t.Errorf("form with a bad number: %d", res.Code)
	}
}

func FuzzParseSupplierForm(f *testing.F) {
	f.Add("name=Leverant%C3%B6r+AB&org_number=556036-0793&contact=x&status=active&org_unit_id=1&review_interval_months=12")
	f.Add("name=&org_number=55603607&owner_id=x&review_interval_months=-1")
	f.Add("")
	f.Fuzz(func(t *testing.T, query string) {
		v, _ := url.ParseQuery(query)
		for _, isNew := range []bool{true, false} {
			in, p := parseSupplierForm(v, isNew)
			for field, key := range p {
				if !slices.Contains(supplierFields, field) {
					t.Errorf("problem names %q", field)
				}
				tTranslated(t, key)
			}
			if len(p) > 0 {
				continue
			}
			unit := int64(1)
			if in.OrgUnitID == nil {
				in.OrgUnitID = &unit
			}
			s := domain.Supplier{}
			if err := domain.ApplySupplier(&s, in, tFuzzToday); err != nil {
				for field, key := range domain.AsError(err).Fields {
					if !slices.Contains(supplierFields, field) {
						t.Errorf("domain problem names %q", field)
					}
					tTranslated(t, key)
				}
				continue
			}
			if s.OrgNumber != "" {
				if n, ok := domain.NormalizeOrgNumber(s.OrgNumber); !ok || n != s.OrgNumber {
					t.Errorf("accepted organisation number %q", s.OrgNumber)
				}
			}
		}
	})
}
