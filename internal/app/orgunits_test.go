package app_test

import (
	"testing"

	"github.com/lisa-isms/lisa/internal/app"
)

// The unit list is shared by its readers, yet a new or renamed unit is listed at once, and
// one reader changing its copy changes nobody else's.
func TestOrgUnitsSharedButCurrent(t *testing.T) {
	f := newFixture(t)
	first, err := f.app.OrgUnits(f.ctx, f.coord, f.munA)
	if err != nil || len(first) == 0 {
		t.Fatal(first, err)
	}
	first[0].Name = "Ändrad av en läsare"
	again, err := f.app.OrgUnits(f.ctx, f.coord, f.munA)
	if err != nil || again[0].Name == "Ändrad av en läsare" {
		t.Fatalf("a reader's change reached the next reader: %v %v", again[0].Name, err)
	}
	u, err := f.app.SaveOrgUnit(f.ctx, f.admin, f.munA, 0, app.OrgUnitInput{Name: "Nämndkansliet", Kind: "enhet"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.app.SaveOrgUnit(f.ctx, f.admin, f.munA, u.ID, app.OrgUnitInput{Name: "Kommunkansliet", Kind: "enhet"}); err != nil {
		t.Fatal(err)
	}
	after, err := f.app.OrgUnits(f.ctx, f.coord, f.munA)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, x := range after {
		names[x.Name] = true
	}
	if len(after) != len(first)+1 || !names["Kommunkansliet"] || names["Nämndkansliet"] {
		t.Errorf("after creating and renaming a unit: %d units (was %d), %v", len(after), len(first), names)
	}
}
