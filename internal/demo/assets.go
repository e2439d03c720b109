package demo

import (
	"context"
	"fmt"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/domain"
)

// demoAsset is one information asset of the demo, with its levels (information sets) and
// what it carries (systems), by name.
type demoAsset struct {
	who, unit, name, kind, area string
	personal, special           bool
	supplier                    string
	levels                      []int    // K R T S; nil: not classified
	guided                      bool     // classified through the guided questions
	carries                     []string // names of assets it carries
	ics                         *demoICS
	reclassify                  string // a mark for re-classification, with this reason
}

type demoICS struct {
	critical bool
	zone     string
	remote   bool
}

// seedAssets gives Exempelkommun a realistic register: information sets of social services,
// school and the water company, the systems that carry them, two industrial control systems,
// classifications (one through the guided questions, one set still unclassified and one
// marked for re-classification); and Grannkommun one set and its system.
func seedAssets(ctx context.Context, a *app.App, caller func(string) (app.Caller, error), ex, gr int64, units map[string]int64) error {
	soc, bou, kl, ev := "Exempelkommun/Socialförvaltningen", "Exempelkommun/Barn- och utbildningsförvaltningen",
		"Exempelkommun/Kommunledningsförvaltningen", "Exempelkommun/Exempelkommun Energi och Vatten AB"
	assets := []demoAsset{
		{who: "agare", unit: soc, name: "Journaler i hemtjänsten", kind: "information", area: "vard_omsorg", personal: true, special: true, levels: []int{3, 3, 3, 3}},
		{who: "agare", unit: soc, name: "Utredningar om barn och unga", kind: "information", area: "socialtjanst", personal: true, special: true, levels: []int{4, 3, 2, 3}},
		{who: "agare", unit: soc, name: "Beslut om ekonomiskt bistånd", kind: "information", area: "socialtjanst", personal: true, levels: []int{3, 3, 2, 2}},
		{who: "agare", unit: soc, name: "Genomförandeplaner i äldreomsorgen", kind: "information", area: "vard_omsorg", personal: true, special: true, guided: true, levels: []int{3, 2, 1, 2}},
		{who: "samordnare", unit: bou, name: "Elevregister", kind: "information", area: "skola", personal: true, levels: []int{2, 3, 2, 2}},
		{who: "samordnare", unit: bou, name: "Betyg och omdömen", kind: "information", area: "skola", personal: true, levels: []int{2, 3, 2, 3}},
		{who: "samordnare", unit: bou, name: "Elevhälsans journaler", kind: "information", area: "skola", personal: true, special: true, levels: []int{3, 3, 2, 3}},
		{who: "samordnare", unit: bou, name: "Schema och närvaro", kind: "information", area: "skola", personal: true, levels: []int{1, 2, 3, 1}},
		{who: "samordnare", unit: ev, name: "Driftdata från vattenverket", kind: "information", area: "va", levels: []int{1, 4, 4, 2}},
		{who: "samordnare", unit: ev, name: "Mätvärden från fjärrvärmenätet", kind: "information", area: "fjarrvarme", levels: []int{1, 3, 3, 2}},
		{who: "samordnare", unit: ev, name: "Kundregister för VA och fjärrvärme", kind: "information", area: "va", personal: true, levels: []int{2, 2, 2, 2}},
		{who: "samordnare", unit: kl, name: "Personalakter", kind: "information", area: "kommunledning", personal: true, special: true,
			reclassify: "Nytt HR-system upphandlas 2027: klassa om innan kraven ställs."},
		{who: "agare", unit: soc, name: "Verksamhetssystem för socialtjänsten", kind: "system", area: "socialtjanst", supplier: "Omsorgssystem AB",
			carries: []string{"Journaler i hemtjänsten", "Utredningar om barn och unga", "Beslut om ekonomiskt bistånd", "Genomförandeplaner i äldreomsorgen"}},
		{who: "samordnare", unit: bou, name: "Elevadministrativt system", kind: "system", area: "skola", supplier: "Skoldata AB",
			carries: []string{"Elevregister", "Betyg och omdömen", "Schema och närvaro"}},
		{who: "samordnare", unit: bou, name: "Journalsystem för elevhälsan", kind: "system", area: "skola", supplier: "Skoldata AB", carries: []string{"Elevhälsans journaler"}},
		{who: "samordnare", unit: ev, name: "Kundsystem för VA och fjärrvärme", kind: "system", area: "va", supplier: "Energisystem Norden AB", carries: []string{"Kundregister för VA och fjärrvärme"}},
		{who: "samordnare", unit: kl, name: "Driftplattform i kommunens datacenter", kind: "system", area: "it",
			carries: []string{"Elevadministrativt system", "Journalsystem för elevhälsan", "Kundsystem för VA och fjärrvärme"}},
		{who: "samordnare", unit: ev, name: "SCADA för vattenverket", kind: "ics", area: "va", supplier: "Processautomation AB",
			carries: []string{"Driftdata från vattenverket"}, ics: &demoICS{critical: true, zone: "OT-zon vatten", remote: true}},
		{who: "samordnare", unit: ev, name: "Styrsystem för fjärrvärmeverket", kind: "ics", area: "fjarrvarme", supplier: "Processautomation AB",
			carries: []string{"Mätvärden från fjärrvärmenätet"}, ics: &demoICS{critical: true, zone: "OT-zon fjärrvärme"}},
	}
	if err := seedAssetList(ctx, a, caller, ex, units, assets); err != nil {
		return err
	}
	return seedAssetList(ctx, a, caller, gr, units, []demoAsset{
		{who: "samordnare2", unit: "Grannkommun/Bildningsförvaltningen", name: "Elevregister i Grannkommun", kind: "information", area: "skola", personal: true, levels: []int{2, 3, 2, 2}},
		{who: "samordnare2", unit: "Grannkommun/Bildningsförvaltningen", name: "Skolsystem i Grannkommun", kind: "system", area: "skola", carries: []string{"Elevregister i Grannkommun"}},
	})
}

func seedAssetList(ctx context.Context, a *app.App, caller func(string) (app.Caller, error), mun int64, units map[string]int64, assets []demoAsset) error {
	ids := map[string]int64{}
	rationale := "Bedömd i klassningsworkshop med verksamheten och IT."
	for _, d := range assets {
		c, err := caller(d.who)
		if err != nil {
			return err
		}
		unit := units[d.unit]
		in := domain.AssetInput{Name: &d.name, Kind: &d.kind, OrgUnitID: &unit, ActivityArea: &d.area, PersonalData: &d.personal,
			SpecialCategories: &d.special, Supplier: &d.supplier}
		if d.ics != nil {
			in.CriticalInfrastructure, in.NetworkZone, in.VendorRemoteAccess = &d.ics.critical, &d.ics.zone, &d.ics.remote
		}
		carries := []int64{}
		for _, n := range d.carries {
			carries = append(carries, ids[n])
		}
		in.Carries = &carries
		as, err := a.CreateAsset(ctx, c, mun, in)
		if err != nil {
			return fmt.Errorf("seed asset %q: %w", d.name, err)
		}
		ids[d.name] = as.ID
		if d.levels != nil {
			l := d.levels
			ci := domain.ClassificationInput{Confidentiality: &l[0], Integrity: &l[1], Availability: &l[2], Traceability: &l[3],
				Rationale: &rationale, Participants: strp("Verksamhetsföreträdare, systemförvaltare, informationssäkerhetssamordnare")}
			if d.guided {
				ci = domain.ClassificationInput{Answers: &domain.GuidedAnswers{Leak: &l[0], Wrong: &l[1], DownHour: &l[2], DownDay: &l[2], DownWeek: &l[2], Untraceable: &l[3]},
					Participants: strp("Enhetschef, två undersköterskor, systemförvaltare")}
			}
			if _, err := a.ClassifyAsset(ctx, c, mun, as.ID, ci); err != nil {
				return fmt.Errorf("seed classification of %q: %w", d.name, err)
			}
		}
		if d.reclassify != "" {
			if err := a.MarkReclassify(ctx, c, mun, as.ID, d.reclassify); err != nil {
				return fmt.Errorf("seed re-classification of %q: %w", d.name, err)
			}
		}
	}
	return nil
}

func strp(s string) *string { return &s }
