package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/audit"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// LargeName is the municipality of the kommun-L dataset.
const LargeName = "Storstad"

// LargeSize is the size of kommun-L (about twice Stockholm's ISMS): org units, people,
// governing documents, audit entries, information assets and risks.
type LargeSize struct {
	Units, Users, Documents, AuditEntries, Assets, Risks int
	Plans                                                int // continuity plans (issue 10)
	Suppliers, Incidents                                 int // suppliers and incidents (issue 10)
}

// KommunL is the dataset the performance issue measures against.
var KommunL = LargeSize{Units: 80, Users: 3000, Documents: 100_000, AuditEntries: 2_000_000, Assets: 10_000, Risks: 30_000, Plans: 1_000,
	Suppliers: 200, Incidents: 100_000}

// HasLarge reports whether the large municipality is there already.
func HasLarge(ctx context.Context, a *app.App) (bool, error) {
	return a.HasUser(ctx, "storstad-0001")
}

// SeedLarge adds the kommun-L municipality to a database holding the demo data, from seed,
// deterministically but for dates (which follow today, so that 40 % of the documents are
// overdue whenever it is built): size.Units org units with the statement of applicability and
// every unit's status on every control, size.Users people with roles (coordinators,
// information owners of one to three units, management, auditors, staff), size.Documents
// governing documents with versions, reviews, comments and evidence, size.Assets information
// assets (seedLargeAssets), size.Risks risks in their analyses with treatment actions and
// acceptances (seedLargeRisks), size.Plans continuity plans (seedLargePlans), size.Suppliers
// suppliers and size.Incidents incidents with their timelines, reports and clocks
// (seedLargeIncidents), and size.AuditEntries audit entries on a valid chain, hashed
// by package audit, with the risks' entries among them at their times. The demo's own
// accounts get roles there too. Progress goes to progress.
func SeedLarge(ctx context.Context, a *app.App, s *store.Store, size LargeSize, seed uint64, progress io.Writer) error {
	start := time.Now()
	say := func(format string, args ...any) {
		fmt.Fprintf(progress, "\rkommun-L: %-60s %5.1f s", fmt.Sprintf(format, args...), time.Since(start).Seconds())
	}
	defer fmt.Fprintln(progress)
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	spec := munSpec{Name: LargeName, OrgNumber: "212000-0142", Prefix: "storstad", Size: size, DemoAccounts: true}
	if err := seedMunicipality(ctx, a, s, spec, rng, say); err != nil {
		return err
	}
	say("klart: %d dokument, %d tillgångar, %d risker, %d incidenter, %d personer, %d loggposter", size.Documents, size.Assets, size.Risks, size.Incidents, size.Users, size.AuditEntries)
	return nil
}

// munSpec is one generated municipality.
type munSpec struct {
	Name, OrgNumber string
	Prefix          string // of its people's usernames and addresses: storstad-0001, person0001@storstad.se
	Size            LargeSize
	DemoAccounts    bool // the demo's own accounts get roles there
}

// seedMunicipality adds one generated municipality (see SeedLarge), reporting through say.
func seedMunicipality(ctx context.Context, a *app.App, s *store.Store, spec munSpec, rng *rand.Rand, say func(string, ...any)) error {
	size := spec.Size
	admin, err := a.CallerByUsername(ctx, "admin")
	if err != nil {
		return fmt.Errorf("the demo data must be loaded first: %w", err)
	}

	// The org tree and the statement of applicability, through the services.
	say("kommunen och %d enheter", size.Units)
	m, err := a.CreateMunicipality(ctx, admin, app.MunicipalityInput{Name: spec.Name, OrgNumber: spec.OrgNumber})
	if err != nil {
		return err
	}
	ks, err := a.SaveOrgUnit(ctx, admin, m.ID, 0, app.OrgUnitInput{Name: "Kommunstyrelsen", Kind: string(domain.UnitKommunstyrelse)})
	if err != nil {
		return err
	}
	units := []int64{ks.ID}
	var parent int64 = ks.ID
	for i := 1; i < size.Units; i++ {
		in := app.OrgUnitInput{Name: fmt.Sprintf("Nämnd %02d", i/5+1), Kind: string(domain.UnitNamnd), ParentID: &ks.ID}
		switch {
		case i%5 == 0:
		case i%17 == 0:
			in = app.OrgUnitInput{Name: fmt.Sprintf("%s Bolag %02d AB", spec.Name, i), Kind: string(domain.UnitBolag), ParentID: &ks.ID}
		default:
			in = app.OrgUnitInput{Name: fmt.Sprintf("Förvaltning %02d", i), Kind: string(domain.UnitForvaltning), ParentID: &parent}
		}
		if i%5 == 0 && in.Kind == string(domain.UnitNamnd) {
			in.Name = fmt.Sprintf("Nämnd %02d", i/5)
		}
		u, err := a.SaveOrgUnit(ctx, admin, m.ID, 0, in)
		if err != nil {
			return err
		}
		if in.Kind == string(domain.UnitNamnd) {
			parent = u.ID
		}
		units = append(units, u.ID)
	}
	hash, err := a.Hasher.Hash(Password)
	if err != nil {
		return err
	}
	mun := m.ID
	now := s.Now().UTC().Truncate(time.Microsecond)
	today := s.Today()
	pick := func(n int) int { return rng.IntN(n) }

	return s.Load(ctx, func(l *store.Loader) error {
		// People and their roles.
		say("%d personer med roller", size.Users)
		firstUser, err := l.NextID("users", size.Users)
		if err != nil {
			return err
		}
		firstRole, err := l.NextID("role_assignments", size.Users+5)
		if err != nil {
			return err
		}
		var users, roles, roleUnits [][]any
		owners := map[int64][]int64{} // unit -> its information owners
		var ownerIDs, staffIDs []int64
		people := riskPeople{usernames: map[int64]string{}, names: map[int64]string{}}
		roleOf := func(i int) domain.Role { // per 3,000 people: 10 coordinators, 400 owners, 50 in management, 20 auditors
			switch n := size.Users; {
			case i < max(1, n/300):
				return domain.RoleCoordinator
			case i < max(2, n*410/3000):
				return domain.RoleInformationOwner
			case i < max(3, n*460/3000):
				return domain.RoleManagement
			case i < max(4, n*480/3000):
				return domain.RoleAuditor
			}
			return domain.RoleStaff
		}
		for i := 0; i < size.Users; i++ {
			id := firstUser + int64(i)
			username, name := fmt.Sprintf("%s-%04d", spec.Prefix, i+1), fmt.Sprintf("%s %s", firstNames[pick(len(firstNames))], lastNames[pick(len(lastNames))])
			users = append(users, []any{id, username, name, fmt.Sprintf("person%04d@%s.se", i+1, spec.Prefix), hash, false, false, now})
			people.usernames[id], people.names[id] = username, name
			role := roleOf(i)
			switch role {
			case domain.RoleCoordinator:
				people.coordinators = append(people.coordinators, id)
			case domain.RoleManagement:
				people.management = append(people.management, id)
			}
			rid := firstRole + int64(i)
			roles = append(roles, []any{rid, id, mun, string(role)})
			if role == domain.RoleInformationOwner {
				ownerIDs = append(ownerIDs, id)
				seen := map[int64]bool{}
				for range 1 + pick(3) {
					u := units[pick(len(units))]
					if !seen[u] {
						seen[u] = true
						roleUnits = append(roleUnits, []any{rid, u})
						owners[u] = append(owners[u], id)
					}
				}
			} else if role == domain.RoleStaff {
				staffIDs = append(staffIDs, id)
			}
		}
		// The demo's own accounts see Storstad too.
		demoRoles := map[string]domain.Role{"samordnare": domain.RoleCoordinator, "agare": domain.RoleInformationOwner,
			"ledning": domain.RoleManagement, "revisor": domain.RoleAuditor, "medarbetare": domain.RoleStaff}
		n := int64(size.Users)
		var demoStaff int64
		for _, name := range []string{"samordnare", "agare", "ledning", "revisor", "medarbetare"} {
			if !spec.DemoAccounts {
				break
			}
			c, err := a.CallerByUsername(ctx, name)
			if err != nil {
				return err
			}
			rid := firstRole + n
			n++
			roles = append(roles, []any{rid, c.P.User.ID, mun, string(demoRoles[name])})
			people.usernames[c.P.User.ID], people.names[c.P.User.ID] = c.P.User.Username, c.P.User.Name
			switch demoRoles[name] { // the demo's coordinator and management decide on some of the risks too
			case domain.RoleCoordinator:
				people.coordinators = append(people.coordinators, c.P.User.ID)
			case domain.RoleManagement:
				people.management = append(people.management, c.P.User.ID)
			}
			if name == "medarbetare" {
				demoStaff = c.P.User.ID
			}
			if name == "agare" {
				roleUnits = append(roleUnits, []any{rid, units[1]})
				owners[units[1]] = append(owners[units[1]], c.P.User.ID)
			}
		}
		if err := l.Insert("users", []string{"id", "username", "name", "email", "password_hash", "is_admin", "disabled", "created_at"}, users); err != nil {
			return err
		}
		if err := l.Insert("role_assignments", []string{"id", "user_id", "municipality_id", "role"}, roles); err != nil {
			return err
		}
		if err := l.Insert("role_assignment_units", []string{"assignment_id", "org_unit_id"}, roleUnits); err != nil {
			return err
		}

		// The statement of applicability: every unit's status on every control.
		say("tillämplighetsförklaringen i alla enheter")
		var ctlIDs []int64
		if err := l.Select(&ctlIDs, `SELECT record_id FROM control_impls WHERE municipality_id = ? ORDER BY record_id`, mun); err != nil {
			return err
		}
		statuses := []domain.ControlStatus{domain.CtlImplemented, domain.CtlPartial, domain.CtlNotStarted}
		var unitStatus [][]any
		for _, rec := range ctlIDs {
			var us []domain.UnitStatus
			for _, u := range units {
				st := statuses[pick(3)]
				us = append(us, domain.UnitStatus{OrgUnitID: u, Status: st})
				unitStatus = append(unitStatus, []any{rec, u, string(st)})
			}
			if err := l.Exec(`UPDATE records SET status = ? WHERE id = ?`, string(domain.Summarize(us)), rec); err != nil {
				return err
			}
		}
		if err := l.Insert("control_unit_status", []string{"record_id", "org_unit_id", "status"}, unitStatus); err != nil {
			return err
		}

		// Governing documents with their versions, reviews, comments and evidence.
		firstDoc, err := l.NextID("records", size.Documents)
		if err != nil {
			return err
		}
		reviewID, _ := l.NextID("reviews", size.Documents)
		commentID, _ := l.NextID("comments", size.Documents)
		evidenceID, _ := l.NextID("evidence", size.Documents)
		versionID, _ := l.NextID("document_versions", size.Documents)
		pdf := []byte("%PDF-1.4\n% Lisa kommun-L\n%%EOF\n")
		sum := sha256.Sum256(pdf)
		pdfSum := hex.EncodeToString(sum[:])
		const chunk = 5000
		for from := 0; from < size.Documents; from += chunk {
			say("styrande dokument %d/%d", from, size.Documents)
			var recs, docs, versions, reviews, comments, evidence [][]any
			for i := from; i < min(from+chunk, size.Documents); i++ {
				id := firstDoc + int64(i)
				unit := units[pick(len(units))]
				var owner any
				if os := owners[unit]; len(os) > 0 {
					owner = os[pick(len(os))]
				} else if len(ownerIDs) > 0 && pick(4) == 0 {
					owner = ownerIDs[pick(len(ownerIDs))]
				}
				typ := domain.DocTypes[pick(len(domain.DocTypes))]
				status := domain.DocAdopted
				switch r := pick(10); {
				case r < 3:
					status = domain.DocDraft
				case r == 3:
					status = domain.DocRetired
				}
				// 40 % overdue: next review up to two years ago; the rest up to a year ahead.
				var next domain.Date
				if pick(10) < 4 {
					next = today.AddDays(-1 - pick(730))
				} else {
					next = today.AddDays(pick(366))
				}
				last := next.AddMonths(-12)
				title := fmt.Sprintf("%s för %s %06d", docWords[pick(len(docWords))], topics[pick(len(topics))], i+1)
				var adoptedBy, adoptedAt any
				if status != domain.DocDraft {
					adoptedBy, adoptedAt = string(domain.Adopters[pick(len(domain.Adopters))]), last
				}
				recs = append(recs, []any{id, mun, string(domain.KindDocument), "", title, strings.ToLower(title), unit, owner, string(status), 12, last, next, now, now})
				docs = append(docs, []any{id, string(typ), fmt.Sprintf("%d.%d", 1+pick(4), pick(10)), "", adoptedBy, adoptedAt, pick(20) == 0, string(domain.ScopeWholeExclCompanies)})
				versions = append(versions, []any{versionID + int64(i), id, "1.0", string(status), adoptedBy, adoptedAt, "", owner, now})
				if pick(10) < 6 {
					reviews = append(reviews, []any{reviewID + int64(i), id, ownerOr(owner, ownerIDs, pick), last, next, "Genomgången utan ändringar.", now})
				}
				if pick(10) < 3 {
					comments = append(comments, []any{commentID + int64(i), id, ownerOr(owner, ownerIDs, pick), "Behöver ses över inför nästa revision.", now})
				}
				if pick(10) == 0 {
					evidence = append(evidence, []any{evidenceID + int64(i), id, "protokoll.pdf", "application/pdf", len(pdf), pdfSum, pdf, ownerOr(owner, ownerIDs, pick), now})
				}
			}
			for _, t := range []struct {
				table string
				cols  []string
				rows  [][]any
			}{
				{"records", []string{"id", "municipality_id", "kind", "ref", "title", "title_fold", "org_unit_id", "owner_id", "status", "review_interval_months", "last_reviewed_at", "next_review_at", "created_at", "updated_at"}, recs},
				{"documents", []string{"record_id", "doc_type", "version", "description", "adopted_by", "adopted_at", "revision_in_progress", "scope"}, docs},
				{"document_versions", []string{"id", "record_id", "version", "status", "adopted_by", "adopted_at", "note", "created_by", "created_at"}, versions},
				{"reviews", []string{"id", "record_id", "reviewed_by", "reviewed_at", "next_review_at", "comment", "created_at"}, reviews},
				{"comments", []string{"id", "record_id", "author_id", "body", "created_at"}, comments},
				{"evidence", []string{"id", "record_id", "filename", "content_type", "size", "sha256", "data", "uploaded_by", "created_at"}, evidence},
			} {
				if err := l.Insert(t.table, t.cols, t.rows); err != nil {
					return err
				}
			}
		}

		if err := seedLargeAssets(l, mun, size.Assets, units, owners, ownerIDs, pick, today, now, say); err != nil {
			return err
		}
		riskTrail, err := seedLargeRisks(l, mun, size.Risks, units, owners, ownerIDs, people, pick, today, now, say)
		if err != nil {
			return err
		}
		if err := seedLargePlans(l, mun, size.Plans, units, owners, ownerIDs, pick, today, now, say); err != nil { // issue 10
			return err
		}
		suppliers, err := seedLargeSuppliers(l, mun, size.Suppliers, units[0], ownerIDs, pick, today, now, say)
		if err != nil {
			return err
		}
		reporters := largeIncidentPeople{staff: staffIDs, owners: ownerIDs, coordinators: people.coordinators, management: people.management,
			demoStaff: demoStaff, names: people.names}
		if err := seedLargeIncidents(l, mun, size.Incidents, units, suppliers, reporters, pick, now, say); err != nil {
			return err
		}

		// Two years of audit trail, oldest first, on one valid chain; the entries of the risks'
		// changes go in at their times.
		actors := append(append([]int64{}, ownerIDs...), staffIDs...)
		step := 2 * 365 * 24 * time.Hour / time.Duration(max(1, size.AuditEntries))
		at := now.Add(-2 * 365 * 24 * time.Hour)
		const auditChunk = 20_000
		if size.AuditEntries >= auditChunk { // the trail's indexes are built once at the end
			if err := l.DeferIndexes("audit_log"); err != nil {
				return err
			}
		}
		for from := 0; from < size.AuditEntries; from += auditChunk {
			say("händelselogg %d/%d", from, size.AuditEntries)
			entries := make([]audit.Entry, 0, auditChunk)
			for i := from; i < min(from+auditChunk, size.AuditEntries); i++ {
				at = at.Add(step)
				for len(riskTrail) > 0 && !riskTrail[0].at.After(at) {
					entries, riskTrail = append(entries, riskTrail[0].e), riskTrail[1:]
				}
				actor := actors[pick(len(actors))]
				e := audit.Entry{At: at.Format(time.RFC3339Nano), ActorID: &actor, Actor: fmt.Sprintf("%s-%04d", spec.Prefix, actor-firstUser+1),
					MunicipalityID: &mun, IP: fmt.Sprintf("10.%d.%d.%d", pick(256), pick(256), 1+pick(254))}
				doc := firstDoc + int64(pick(size.Documents))
				switch r := pick(20); {
				case r < 8:
					e.Kind, e.Action, e.MunicipalityID = "session", audit.ActionLogin, nil
				case r == 8:
					e.Kind, e.Action, e.MunicipalityID = "session", audit.ActionLoginFailed, nil
				case r < 13:
					e.Kind, e.Action, e.RecordID = string(domain.KindDocument), audit.ActionUpdate, &doc
					e.Before, e.After = `{"version":"1.0"}`, `{"version":"1.1"}`
				case r < 16:
					e.Kind, e.Action, e.RecordID = string(domain.KindDocument), audit.ActionReview, &doc
					e.After = `{"comment":"Genomgången"}`
				case r < 18:
					e.Kind, e.Action, e.RecordID = string(domain.KindDocument), audit.ActionComment, &doc
					e.After = `{"body":"Synpunkt"}`
				case r == 18:
					e.Kind, e.Action, e.RecordID = string(domain.KindDocument), audit.ActionEvidence, &doc
					e.After = `{"filename":"protokoll.pdf"}`
				default:
					e.Kind, e.Action, e.RecordID = string(domain.KindDocument), audit.ActionCreate, &doc
					e.After = `{"status":"draft"}`
				}
				entries = append(entries, e)
			}
			if err := l.Audit(entries); err != nil {
				return err
			}
		}
		rest := make([]audit.Entry, len(riskTrail))
		for i, t := range riskTrail {
			rest[i] = t.e
		}
		return l.Audit(rest)
	})
}

func ownerOr(owner any, owners []int64, pick func(int) int) int64 {
	if id, ok := owner.(int64); ok {
		return id
	}
	return owners[pick(len(owners))]
}

var (
	firstNames = []string{"Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Eva", "Anders", "Sara", "Per", "Lena", "Mikael", "Emma", "Olof", "Ida", "Nils", "Elin", "Ali", "Fatima", "Jonas"}
	lastNames  = []string{"Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Lindberg", "Holm", "Åberg", "Öberg"}
	docWords   = []string{"Rutin", "Riktlinje", "Instruktion", "Policy", "Anvisning", "Checklista"}
	topics     = []string{"behörighetstilldelning", "säkerhetskopiering", "loggkontroll", "incidenthantering", "informationsklassning", "kontinuitet", "distansarbete", "leverantörsstyrning", "fysisk säkerhet", "e-post", "lösenord", "mobila enheter", "molntjänster", "styrsystem för VA", "skolans lärplattform", "hemtjänstens journaler"}
)

// RiketPrefix starts the usernames of the riket set's municipalities (riket001-0001, …).
const RiketPrefix = "riket"

// HasRiket reports whether the riket set is there already (its first municipality's first
// person).
func HasRiket(ctx context.Context, a *app.App) (bool, error) {
	return a.HasUser(ctx, RiketPrefix+"001-0001")
}

// SeedRiket adds the riket set: n municipalities (the country has 290) with realistic small
// data each, deterministically from seed: 5 to 20 org units with the statement of
// applicability in each, 20 to 200 people with roles, 50 to 600 governing documents, 20 to
// 200 assets, 20 to 300 risks and 1,000 to 6,000 audit entries, the same generator as
// kommun-L's. Progress goes to progress.
func SeedRiket(ctx context.Context, a *app.App, s *store.Store, n int, seed uint64, progress io.Writer) error {
	start := time.Now()
	defer fmt.Fprintln(progress)
	rng := rand.New(rand.NewPCG(seed, seed^0x217e7))
	var docs, people int
	for i := 1; i <= n; i++ {
		size := LargeSize{Units: 5 + rng.IntN(16), Users: 20 + rng.IntN(181), Documents: 50 + rng.IntN(551), AuditEntries: 1000 + rng.IntN(5001), Assets: 20 + rng.IntN(181),
			Risks: 20 + rng.IntN(281)}
		spec := munSpec{Name: fmt.Sprintf("Riket %03d kommun", i), OrgNumber: orgNumber(212000_0000 + int64(i)*10), Prefix: fmt.Sprintf("%s%03d", RiketPrefix, i), Size: size}
		say := func(format string, args ...any) {
			fmt.Fprintf(progress, "\rriket: kommun %3d/%d, %-45s %5.1f s", i, n, fmt.Sprintf(format, args...), time.Since(start).Seconds())
		}
		if err := seedMunicipality(ctx, a, s, spec, rng, say); err != nil {
			return fmt.Errorf("%s: %w", spec.Name, err)
		}
		docs, people = docs+size.Documents, people+size.Users
	}
	fmt.Fprintf(progress, "\rriket: klart: %d kommuner, %d dokument, %d personer %20s %5.1f s", n, docs, people, "", time.Since(start).Seconds())
	return nil
}

// orgNumber formats the first nine digits of base (a ten-digit number whose last digit is
// replaced) as an organisation number NNNNNN-NNNC with its Luhn check digit C.
func orgNumber(base int64) string {
	digits := fmt.Sprintf("%010d", base)[:9]
	sum := 0
	for i, r := range digits {
		d := int(r - '0')
		if i%2 == 0 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return fmt.Sprintf("%s-%s%d", digits[:6], digits[6:], (10-sum%10)%10)
}
