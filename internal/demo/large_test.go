package demo

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/auth"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
	"github.com/lisa-isms/lisa/internal/storetest"
)

// The large dataset at a small size: the same generator, a valid audit chain, the demo's
// accounts at work there, and the services working on what it wrote (ids and sequences).
func TestSeedLargeBuildsAValidMunicipality(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.DSN(t)
	s := storetest.OpenDSN(t, dsn)
	a, err := app.New(s)
	if err != nil {
		t.Fatal(err)
	}
	a.Hasher = auth.Hasher{Cost: bcrypt.MinCost}
	if err := Seed(ctx, a); err != nil {
		t.Fatal(err)
	}
	size := LargeSize{Units: 12, Users: 600, Documents: 1000, AuditEntries: 25_000}
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
}
