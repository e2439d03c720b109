package demo

import (
	"context"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/auth"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
	"github.com/lisa-isms/lisa/internal/storetest"
)

func TestSeedBuildsTheDemoAndIsDetected(t *testing.T) {
	ctx := context.Background()
	s, err := store.Open(ctx, storetest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	a, err := app.New(s)
	if err != nil {
		t.Fatal(err)
	}
	a.Hasher = auth.Hasher{Cost: bcrypt.MinCost}
	if ok, err := Seeded(ctx, a); err != nil || ok {
		t.Fatalf("empty database reported seeded=%v err=%v", ok, err)
	}
	if err := Seed(ctx, a); err != nil {
		t.Fatal(err)
	}
	if ok, err := Seeded(ctx, a); err != nil || !ok {
		t.Fatalf("seeded database reported seeded=%v err=%v", ok, err)
	}

	ms, err := s.ListMunicipalities(ctx, true, nil)
	if err != nil || len(ms) != 2 {
		t.Fatalf("municipalities: %v %v", ms, err)
	}
	byName := map[string]int64{}
	for _, m := range ms {
		byName[m.Name] = m.ID
	}
	units, err := s.ListOrgUnits(ctx, byName["Exempelkommun"])
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[domain.OrgUnitKind]int{}
	for _, u := range units {
		kinds[u.Kind]++
	}
	if kinds[domain.UnitKommunstyrelse] != 1 || kinds[domain.UnitNamnd] < 3 || kinds[domain.UnitForvaltning] < 3 || kinds[domain.UnitBolag] < 2 {
		t.Errorf("Exempelkommun's organisation: %v", kinds)
	}

	// Every printed login works with the demo password, and delad is coordinator in both.
	for _, l := range Logins {
		u, err := s.GetUserByUsername(ctx, l.Username)
		if err != nil || !auth.Check(u.PasswordHash, Password) {
			t.Errorf("login %s: %v", l.Username, err)
		}
	}
	d, _ := s.GetUserByUsername(ctx, "delad")
	as, _ := s.Assignments(ctx, d.ID)
	if len(as) != 2 || as[0].Role != domain.RoleCoordinator || as[1].Role != domain.RoleCoordinator || as[0].MunicipalityID == as[1].MunicipalityID {
		t.Errorf("delad's roles: %+v", as)
	}

	// The demo has something overdue to show.
	due, err := s.Dues(ctx, store.DueQuery{MunicipalityID: byName["Exempelkommun"], Visible: domain.Visibility{All: true}, To: ptr(a.Today().AddDays(-1))})
	if err != nil || len(due) == 0 {
		t.Errorf("overdue in demo: %d %v", len(due), err)
	}
}

func ptr[T any](v T) *T { return &v }
