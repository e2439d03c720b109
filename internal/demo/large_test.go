package demo

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/auth"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
	"github.com/lisa-isms/lisa/internal/storetest"
)

// seededApp is the services on a fresh database holding the small demo data.
func seededApp(t *testing.T) (*app.App, *store.Store) {
	t.Helper()
	s := storetest.Open(t)
	a, err := app.New(s)
	if err != nil {
		t.Fatal(err)
	}
	a.Hasher = auth.Hasher{Cost: bcrypt.MinCost}
	if err := Seed(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	return a, s
}

// The large dataset at a small size: the same generator, a valid audit chain, the demo's
// accounts at work there, and the services working on what it wrote (ids and sequences).
func TestSeedLargeBuildsAValidMunicipality(t *testing.T) {
	ctx := context.Background()
	a, s := seededApp(t)
	size := LargeSize{Units: 12, Users: 600, Documents: 1000, AuditEntries: 25_000, Assets: 2000}
	var progress bytes.Buffer
	if err := SeedLarge(ctx, a, s, size, 7, &progress); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(progress.String(), "klart") {
		t.Errorf("no progress: %q", progress.String())
	}
	if ok, err := HasLarge(ctx, a); err != nil || !ok {
		t.Errorf("HasLarge = %v %v", ok, err)
	}
	n, err := s.VerifyAudit(ctx)
	if err != nil || n < size.AuditEntries {
		t.Fatalf("audit chain: %d entries, %v", n, err)
	}
	coord, err := a.CallerByUsername(ctx, "samordnare")
	if err != nil {
		t.Fatal(err)
	}
	ms, err := a.Municipalities(ctx, coord)
	if err != nil {
		t.Fatal(err)
	}
	var mun int64
	for _, m := range ms {
		if m.Name == LargeName {
			mun = m.ID
		}
	}
	if mun == 0 {
		t.Fatalf("samordnare has no role in %s: %+v", LargeName, ms)
	}
	docs, err := a.Documents(ctx, coord, mun, store.DocumentFilter{})
	if err != nil || len(docs) != size.Documents {
		t.Fatalf("%d documents, %v", len(docs), err)
	}
	overdue, err := a.Dues(ctx, coord, mun, domain.DueFilterOverdue, false, 0)
	if err != nil {
		t.Fatal(err)
	}
	overdue = slices.DeleteFunc(overdue, func(d domain.DueItem) bool { return d.Kind != domain.KindDocument })
	if share := float64(len(overdue)) / float64(size.Documents); share < 0.25 || share > 0.45 {
		t.Errorf("%.0f %% overdue (open documents), want about 40 %% of all", share*100)
	}
	rows, err := a.SoA(ctx, coord, mun)
	if err != nil || len(rows) != 93 || len(rows[0].UnitStatuses) != size.Units {
		t.Fatalf("SoA: %d rows, %v", len(rows), err)
	}
	// The services go on writing after the load: ids and sequences moved past the loaded rows.
	unit := rows[0].OrgUnitID
	title, typ := "Ny rutin efter laddningen", "rutin"
	d, err := a.CreateDocument(ctx, coord, mun, domain.DocumentInput{Type: &typ, Title: &title, OrgUnitID: &unit})
	if err != nil {
		t.Fatalf("create after the load: %v", err)
	}
	if _, err := a.AddComment(ctx, coord, mun, domain.KindDocument, d.ID, "Bra"); err != nil {
		t.Fatalf("comment after the load: %v", err)
	}
	if _, err := s.VerifyAudit(ctx); err != nil {
		t.Errorf("audit chain after more writes: %v", err)
	}

	// Assets: every set classified, the loaded levels are what re-derivation gives, and the
	// shared register is carried by SharedCarriers systems, whose levels follow it.
	assets, err := a.Assets(ctx, coord, mun, store.AssetFilter{Limit: size.Assets + 1})
	if err != nil || len(assets) != size.Assets {
		t.Fatalf("%d assets, %v", len(assets), err)
	}
	var shared domain.Asset
	for _, as := range assets {
		if as.AssetKind == domain.AssetInformation && as.Classification == nil {
			t.Fatalf("set %q is not classified", as.Title)
		}
		if as.Title == sharedSetName {
			shared = as
		}
	}
	carriers, err := s.AssetCarriers(ctx, shared.ID)
	if err != nil || len(carriers) < SharedCarriers {
		t.Fatalf("%d systems carry the shared set, %v", len(carriers), err)
	}
	four := 4
	reason := "Omklassad i testet"
	if _, err := a.ClassifyAsset(ctx, coord, mun, shared.ID, domain.ClassificationInput{Confidentiality: &four, Integrity: &four,
		Availability: &four, Traceability: &four, Rationale: &reason}); err != nil {
		t.Fatal(err)
	}
	for _, id := range carriers[:20] {
		as, err := a.Asset(ctx, coord, mun, id)
		if err != nil || as.Effective.Max() != 4 {
			t.Errorf("carrier %d after the shared set became 4: %v %v", id, as.Effective.Max(), err)
		}
	}
	before := map[int64]domain.Levels{}
	for _, as := range assets {
		before[as.ID] = as.Effective
	}
	sample := assets[len(assets)-50:] // systems and control systems
	for _, as := range sample {
		if !as.AssetKind.Carrier() {
			continue
		}
		if _, err := a.SetLevelOverrides(ctx, coord, mun, as.ID, nil); err != nil { // no overrides: a re-derivation
			t.Fatal(err)
		}
		got, _ := a.Asset(ctx, coord, mun, as.ID)
		if slices.Contains(carriers, as.ID) {
			continue
		}
		if fmt.Sprint(levelsText(got.Effective)) != fmt.Sprint(levelsText(before[as.ID])) {
			t.Errorf("%s: loaded levels %v, re-derived %v", as.Title, levelsText(before[as.ID]), levelsText(got.Effective))
		}
	}
}

func levelsText(l domain.Levels) []string {
	var out []string
	for _, a := range domain.Aspects {
		if v := l.Get(a); v != nil {
			out = append(out, fmt.Sprint(*v))
		} else {
			out = append(out, "-")
		}
	}
	return out
}

// The riket set: many small municipalities from one seed, each a working municipality of its
// own (people who sign in and see theirs only, a statement of applicability, documents), on
// one valid audit chain; built again from the same seed it is the same.
func TestSeedRiketBuildsSmallMunicipalities(t *testing.T) {
	ctx := context.Background()
	build := func() (*app.App, *store.Store) {
		a, s := seededApp(t)
		var progress bytes.Buffer
		if err := SeedRiket(ctx, a, s, 3, 11, &progress); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(progress.String(), "klart: 3 kommuner") {
			t.Errorf("progress: %q", progress.String())
		}
		return a, s
	}
	a, s := build()
	if ok, err := HasRiket(ctx, a); err != nil || !ok {
		t.Fatalf("HasRiket = %v %v", ok, err)
	}
	if _, err := s.VerifyAudit(ctx); err != nil {
		t.Fatalf("audit chain: %v", err)
	}
	var counts []int
	for i := 1; i <= 3; i++ {
		coord, err := a.CallerByUsername(ctx, fmt.Sprintf("riket%03d-0001", i))
		if err != nil {
			t.Fatal(err)
		}
		ms, err := a.Municipalities(ctx, coord)
		if err != nil || len(ms) != 1 || ms[0].Name != fmt.Sprintf("Riket %03d kommun", i) {
			t.Fatalf("coordinator %d sees %+v, %v", i, ms, err)
		}
		docs, err := a.Documents(ctx, coord, ms[0].ID, store.DocumentFilter{Limit: 1000})
		if err != nil || len(docs) < 50 || len(docs) > 600 {
			t.Errorf("municipality %d: %d documents, %v", i, len(docs), err)
		}
		rows, err := a.SoA(ctx, coord, ms[0].ID)
		if err != nil || len(rows) != 93 || len(rows[0].UnitStatuses) < 5 {
			t.Errorf("municipality %d: SoA of %d rows, %v", i, len(rows), err)
		}
		counts = append(counts, len(docs))
	}
	a2, _ := build()
	for i := 1; i <= 3; i++ {
		coord, err := a2.CallerByUsername(ctx, fmt.Sprintf("riket%03d-0001", i))
		if err != nil {
			t.Fatal(err)
		}
		ms, _ := a2.Municipalities(ctx, coord)
		docs, err := a2.Documents(ctx, coord, ms[0].ID, store.DocumentFilter{Limit: 1000})
		if err != nil || len(docs) != counts[i-1] {
			t.Errorf("built again, municipality %d has %d documents, first time %d", i, len(docs), counts[i-1])
		}
	}
	if got := orgNumber(212000_0140); got != "212000-0142" {
		t.Errorf("orgNumber = %s, want 212000-0142 (Luhn)", got)
	}
}
