package demo

import (
	"context"
	"fmt"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/domain"
)

// seedSuppliers gives each demo municipality its suppliers (the register issue 10 starts).
func seedSuppliers(ctx context.Context, caller func(string) (app.Caller, error), a *app.App, ex, gr int64) error {
	for _, s := range []struct {
		who                         string
		mun                         int64
		name, org, contact, details string
	}{
		{"samordnare", ex, "Omsorgssystem AB", "556036-0793", "Support: 010-123 45 00, support@omsorgssystem.example (dygnet runt)", "Verksamhetssystemet för socialtjänsten, drift och support."},
		{"samordnare", ex, "Processautomation AB", "559012-3450", "Jour: 010-555 12 12", "SCADA för vattenverket och styrsystemet för fjärrvärmen; har fjärråtkomst."},
		{"samordnare", ex, "Skoldata AB", "556677-8899", "kundtjanst@skoldata.example", "Elevadministration och elevhälsans journalsystem."},
		{"samordnare2", gr, "Grannkommunens IT-partner AB", "559012-3450", "servicedesk@itpartner.example", "Drift av kommunens skolsystem."},
	} {
		c, err := caller(s.who)
		if err != nil {
			return err
		}
		in := domain.SupplierInput{Name: &s.name, OrgNumber: &s.org, Contact: &s.contact, Description: &s.details}
		if _, err := a.CreateSupplier(ctx, c, s.mun, in); err != nil {
			return fmt.Errorf("seed supplier %q: %w", s.name, err)
		}
	}
	return nil
}
