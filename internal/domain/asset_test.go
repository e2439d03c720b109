package domain

import (
	"testing"
)

func lv(vs ...int) Levels {
	var l Levels
	for i, v := range vs {
		if v >= 0 {
			n := v
			l.Set(Aspects[i], &n)
		}
	}
	return l
}

func levelsString(l Levels) [4]int {
	var out [4]int
	for i, a := range Aspects {
		out[i] = -1
		if v := l.Get(a); v != nil {
			out[i] = *v
		}
	}
	return out
}

func TestProposeWeighsAnHoursOutageMost(t *testing.T) {
	ip := func(n int) *int { return &n }
	for _, tc := range []struct {
		hour, day, week int
		want            int
	}{
		{0, 0, 0, 0},
		{3, 0, 0, 3}, // an hour already hurts seriously
		{0, 4, 4, 3}, // a day very seriously: 4 − 1
		{0, 1, 4, 2}, // only a week very seriously: 4 − 2
		{1, 1, 1, 1}, // limited at every length
		{0, 0, 2, 0}, // a week's noticeable trouble is no requirement
		{4, 4, 4, 4},
	} {
		p := Problems{}
		got := GuidedAnswers{Leak: ip(1), Wrong: ip(2), DownHour: &tc.hour, DownDay: &tc.day, DownWeek: &tc.week, Untraceable: ip(3)}.Propose(p)
		if len(p) > 0 || *got.Availability != tc.want || *got.Confidentiality != 1 || *got.Integrity != 2 || *got.Traceability != 3 {
			t.Errorf("hour %d day %d week %d: %v %v, want availability %d", tc.hour, tc.day, tc.week, levelsString(got), p, tc.want)
		}
	}
	p := Problems{}
	GuidedAnswers{Leak: ip(5), DownHour: ip(-1)}.Propose(p)
	for _, f := range []string{"answers.confidentiality", "answers.availability_hour", "answers.integrity", "answers.traceability"} {
		if p[f] == "" {
			t.Errorf("bad or missing answer %s not reported: %v", f, p)
		}
	}
}

func TestInheritIsTheHighWaterMark(t *testing.T) {
	for name, tc := range map[string]struct {
		carried   []Levels
		overrides []LevelOverride
		want      [4]int
	}{
		"nothing carried":                   {nil, nil, [4]int{-1, -1, -1, -1}},
		"one set":                           {[]Levels{lv(1, 2, 3, 0)}, nil, [4]int{1, 2, 3, 0}},
		"highest per aspect":                {[]Levels{lv(1, 4, 0, 2), lv(3, 1, 2, 2)}, nil, [4]int{3, 4, 2, 2}},
		"an unclassified set adds no level": {[]Levels{lv(-1, -1, -1, -1), lv(2, -1, 1, -1)}, nil, [4]int{2, -1, 1, -1}},
		"override lowers one aspect":        {[]Levels{lv(3, 3, 3, 3)}, []LevelOverride{{Availability, 1, "reservrutin"}}, [4]int{3, 3, 1, 3}},
		"override without carrying":         {nil, []LevelOverride{{Confidentiality, 2, "x"}}, [4]int{2, -1, -1, -1}},
	} {
		if got := levelsString(Inherit(tc.carried, tc.overrides)); got != tc.want {
			t.Errorf("%s: %v, want %v", name, got, tc.want)
		}
	}
}

func TestRequirementsFromLevels(t *testing.T) {
	rules := []RequirementRule{{Confidentiality, 2, "5.15"}, {Confidentiality, 3, "8.24"}, {Availability, 3, "8.13"}, {Availability, 2, "8.13"}}
	soa := map[string]string{"5.15": "implemented", "8.13": "not_applicable", "8.24": "partial"}
	got := Requirements(lv(3, 0, 2, 0), rules, soa)
	if len(got) != 3 {
		t.Fatalf("requirements %+v, want 5.15, 8.24 and 8.13 once", got)
	}
	want := map[string]bool{"5.15": true, "8.24": false, "8.13": true}
	for _, r := range got {
		if r.Met != want[r.ControlID] {
			t.Errorf("%s met = %v (status %s)", r.ControlID, r.Met, r.SoAStatus)
		}
	}
	if got := Requirements(lv(1, 1, 1, 1), rules, soa); len(got) != 0 {
		t.Errorf("level 1 implies %+v", got)
	}
	if got := Requirements(lv(3, -1, -1, -1), rules, map[string]string{}); got[0].SoAStatus != "" || got[0].Met {
		t.Errorf("a control without a SoA row: %+v", got[0])
	}
}

func TestApplyAssetRules(t *testing.T) {
	s := func(v string) *string { return &v }
	b := func(v bool) *bool { return &v }
	unit := int64(3)
	today := Date{}
	for name, tc := range map[string]struct {
		in    AssetInput
		field string
	}{
		"no kind":              {AssetInput{Name: s("X"), OrgUnitID: &unit}, "kind"},
		"unknown kind":         {AssetInput{Name: s("X"), Kind: s("server"), OrgUnitID: &unit}, "kind"},
		"no name":              {AssetInput{Kind: s("system"), OrgUnitID: &unit}, "name"},
		"unknown area":         {AssetInput{Name: s("X"), Kind: s("system"), OrgUnitID: &unit, ActivityArea: s("rymden")}, "activity_area"},
		"special w/o personal": {AssetInput{Name: s("X"), Kind: s("information"), OrgUnitID: &unit, SpecialCategories: b(true)}, "special_categories"},
		"a set carries":        {AssetInput{Name: s("X"), Kind: s("information"), OrgUnitID: &unit, Carries: &[]int64{4}}, "carries"},
		"bidi in the name":     {AssetInput{Name: s("a\u202egnp"), Kind: s("system"), OrgUnitID: &unit}, "name"},
	} {
		a := Asset{}
		err := ApplyAsset(&a, tc.in, today)
		if e := AsError(err); e == nil || e.Fields[tc.field] == "" {
			t.Errorf("%s: %v, want a problem with %s", name, err, tc.field)
		}
	}
	a := Asset{}
	if err := ApplyAsset(&a, AssetInput{Name: s(" SCADA "), Kind: s("ICS"), OrgUnitID: &unit, CriticalInfrastructure: b(true), NetworkZone: s("OT")}, today); err != nil {
		t.Fatal(err)
	}
	if a.Title != "SCADA" || a.AssetKind != AssetICS || !a.CriticalInfrastructure || a.ActivityArea != "annat" || a.Status != AssetActive {
		t.Errorf("new control system = %+v", a)
	}
	a.ID = 9
	if err := ApplyAsset(&a, AssetInput{Kind: s("system")}, today); err != nil || a.CriticalInfrastructure || a.NetworkZone != "" {
		t.Errorf("a control system made a system keeps control-system fields: %+v %v", a, err)
	}
	if err := ApplyAsset(&a, AssetInput{Kind: s("information")}, today); AsError(err).Fields["kind"] != "err.kind_fixed" {
		t.Errorf("a system made an information set: %v", err)
	}
	a.AssetKind = AssetSystem // a refused change leaves a half-applied value; the store rolls it back
	if err := ApplyAsset(&a, AssetInput{Carries: &[]int64{9}}, today); AsError(err).Fields["carries"] != "err.carry_cycle" {
		t.Errorf("a system carrying itself: %v", err)
	}
}
