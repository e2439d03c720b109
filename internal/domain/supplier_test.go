package domain

import "testing"

func TestNormalizeOrgNumber(t *testing.T) {
	for in, want := range map[string]string{
		"556036-0793":   "556036-0793", // check digit 3
		"5560360793":    "556036-0793",
		"16556036-0793": "556036-0793",
		"212000-1355":   "212000-1355",
		"556036-0794":   "", // the wrong check digit
		"55603607":      "",
		"556036-079a":   "",
		"":              "",
	} {
		got, ok := NormalizeOrgNumber(in)
		if ok != (want != "") || got != want {
			t.Errorf("%q: %q %v, want %q", in, got, ok, want)
		}
	}
}

func TestApplySupplier(t *testing.T) {
	s, unit := func(v string) *string { return &v }, int64(2)
	sup := Supplier{}
	if err := ApplySupplier(&sup, SupplierInput{Name: s(" Omsorgssystem AB "), OrgNumber: s("5560360793"), OrgUnitID: &unit}, Date{}); err != nil {
		t.Fatal(err)
	}
	if sup.Title != "Omsorgssystem AB" || sup.OrgNumber != "556036-0793" || sup.Status != SupplierActive {
		t.Errorf("supplier %+v", sup)
	}
	bad := Supplier{}
	err := ApplySupplier(&bad, SupplierInput{OrgNumber: s("556036-0794"), OrgUnitID: &unit}, Date{})
	if e := AsError(err); e == nil || e.Fields["org_number"] != "err.org_number" || e.Fields["name"] != "err.required" {
		t.Errorf("bad supplier: %v", err)
	}
}
