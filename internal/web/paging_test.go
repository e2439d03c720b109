package web

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/domain"
)

// The document list pages by keyset: ?limit= documents by title, the next page's URL in a
// Link header (RFC 8288), every document exactly once over the pages; bad limits and cursors
// are 400 naming the parameter.
func TestDocumentListPages(t *testing.T) {
	env := newTestServer(t)
	soc := env.unit("Exempelkommun/Socialförvaltningen")
	for i := range 23 {
		env.newDoc("samordnare", env.ex, soc, fmt.Sprintf("Rutin %02d för sidvisning", i))
	}
	coord := env.login("samordnare")
	base := fmt.Sprintf("/api/v1/municipalities/%d/documents", env.ex)
	var all []domain.Document
	tDecode(t, coord.get(base+"?limit=1000"), http.StatusOK, &all)
	seen := map[int64]bool{}
	next, pages := base+"?limit=7&q=sidvisning", 0
	link := regexp.MustCompile(`^<([^>]+)>; rel="next"$`)
	for next != "" && pages < 10 {
		res := coord.get(next)
		var page []domain.Document
		tDecode(t, res, http.StatusOK, &page)
		pages++
		if len(page) > 7 {
			t.Fatalf("page %d has %d documents", pages, len(page))
		}
		for _, d := range page {
			if seen[d.ID] {
				t.Errorf("%q on two pages", d.Title)
			}
			seen[d.ID] = true
		}
		next = ""
		if m := link.FindStringSubmatch(res.Header().Get("Link")); m != nil {
			next = m[1]
			if !strings.Contains(next, "q=sidvisning") || !strings.Contains(next, "limit=7") {
				t.Errorf("the next page drops the filter: %s", next)
			}
		}
	}
	if pages != 4 || len(seen) != 23 {
		t.Errorf("%d pages, %d documents; want 4 pages of 23", pages, len(seen))
	}
	if len(all) < 23 {
		t.Errorf("?limit=1000 gave %d", len(all))
	}
	// Bad input.
	other := domain.EncodeCursor("audit", domain.Cursor{Key: "x", ID: 1})
	for _, q := range []string{"limit=0", "limit=-1", "limit=1000000000", "limit=tio", "after=garbage", "after=" + other, "after=" + url.QueryEscape("eyJsIjoiZG9jdW1lbnRzIn0")} {
		res := coord.get(base + "?" + q)
		field := strings.SplitN(q, "=", 2)[0]
		if res.Code != http.StatusBadRequest || tDecodeError(t, res).Error.Fields[field] == "" {
			t.Errorf("?%s: %d %s", q, res.Code, res.Body)
		}
	}
	// The page: a next link, and the next page continues.
	body := coord.get(fmt.Sprintf("/m/%d/documents?limit=10&q=sidvisning", env.ex)).Body.String()
	m := regexp.MustCompile(`<a href="([^"]+)" rel="next">`).FindStringSubmatch(body)
	if m == nil || strings.Count(body, "sidvisning</a>") != 10 {
		t.Fatalf("first page: next link %v, %d documents", m, strings.Count(body, "sidvisning</a>"))
	}
	body = coord.get(strings.ReplaceAll(m[1], "&amp;", "&")).Body.String()
	if !strings.Contains(body, "Rutin 10 för sidvisning") || strings.Contains(body, "Rutin 09 för sidvisning") {
		t.Errorf("second page does not continue after the first")
	}
}

// The SoA row page does not list the whole document register as evidence choices: the
// linked documents and the hits of a search, a page of them.
func TestEvidencePickerSearches(t *testing.T) {
	env := newTestServer(t)
	soc := env.unit("Exempelkommun/Socialförvaltningen")
	for i := range 40 {
		env.newDoc("samordnare", env.ex, soc, fmt.Sprintf("Bevisdokument %02d", i))
	}
	coord := env.login("samordnare")
	row := fmt.Sprintf("/m/%d/soa/5.24", env.ex)
	body := coord.get(row).Body.String()
	linked := strings.Count(body, `name="evidence_record_ids"`) // the row's own evidence, always offered
	if linked > 3 {
		t.Errorf("without a search the row page offers %d documents", linked)
	}
	body = coord.get(row + "?evidence_q=bevisdokument").Body.String()
	if n := strings.Count(body, `name="evidence_record_ids"`); n != linked+evidencePickerSize || !strings.Contains(body, "Fler dokument matchar") {
		t.Errorf("a search offers %d documents (want %d and a note that there are more)", n, linked+evidencePickerSize)
	}
	body = coord.get(row + "?evidence_q=" + url.QueryEscape("Bevisdokument 07")).Body.String()
	if n := strings.Count(body, `name="evidence_record_ids"`); n != linked+1 || !strings.Contains(body, "Bevisdokument 07") {
		t.Errorf("a precise search offers %d documents", n)
	}
}

// The review list pages by next review date: the page shows 100 with a next link, the API
// a Link header, and every record comes once over the pages.
func TestReviewListPages(t *testing.T) {
	env := newTestServer(t)
	soc := env.unit("Exempelkommun/Socialförvaltningen")
	for i := range 130 {
		env.newDoc("samordnare", env.ex, soc, fmt.Sprintf("Granskas %03d", i))
	}
	coord := env.login("samordnare")
	api := fmt.Sprintf("/api/v1/municipalities/%d/reviews?due=all&limit=50", env.ex)
	seen, pages := map[string]bool{}, 0
	link := regexp.MustCompile(`^<([^>]+)>; rel="next"$`)
	for next := api; next != "" && pages < 20; pages++ {
		res := coord.get(next)
		var items []domain.DueItem
		tDecode(t, res, http.StatusOK, &items)
		for _, it := range items {
			key := fmt.Sprint(it.Kind, it.ID)
			if seen[key] {
				t.Errorf("%s on two pages", it.Title)
			}
			seen[key] = true
		}
		next = ""
		if m := link.FindStringSubmatch(res.Header().Get("Link")); m != nil {
			next = m[1]
		}
	}
	var all []domain.DueItem
	tDecode(t, coord.get(fmt.Sprintf("/api/v1/municipalities/%d/reviews?due=all&limit=1000", env.ex)), http.StatusOK, &all)
	if len(seen) != len(all) || pages < 3 {
		t.Errorf("%d records over %d pages, %d in one", len(seen), pages, len(all))
	}
	body := coord.get(fmt.Sprintf("/m/%d/reviews?due=all", env.ex)).Body.String()
	if n := strings.Count(body, "<tr class=\"due-"); n != domain.DefaultPageSize || !strings.Contains(body, `rel="next"`) {
		t.Errorf("the page shows %d rows (want %d and a next link)", n, domain.DefaultPageSize)
	}
	if res := coord.get(fmt.Sprintf("/api/v1/municipalities/%d/reviews?after=nonsense", env.ex)); res.Code != http.StatusBadRequest {
		t.Errorf("a bad cursor: %d", res.Code)
	}
	// Without ?limit the API answers a page of the size every list has, with a next link;
	// above the cap it refuses, naming the parameter, as every list does.
	res := coord.get(fmt.Sprintf("/api/v1/municipalities/%d/reviews?due=all", env.ex))
	var first []domain.DueItem
	tDecode(t, res, http.StatusOK, &first)
	if len(first) != domain.DefaultPageSize || res.Header().Get("Link") == "" {
		t.Errorf("the default page holds %d items (Link %q), want %d and a next link", len(first), res.Header().Get("Link"), domain.DefaultPageSize)
	}
	res = coord.get(fmt.Sprintf("/api/v1/municipalities/%d/reviews?limit=%d", env.ex, domain.MaxPageSize+1))
	if e := tDecodeError(t, res); res.Code != http.StatusBadRequest || e.Error.Fields["limit"] == "" {
		t.Errorf("limit above the cap: %d %+v", res.Code, e)
	}
}

// The review calendar pages: calendarPageSize reviews in date order, overdue ones first, and a
// link to the next page, which goes on where the first stopped; never every review at once.
func TestCalendarPages(t *testing.T) {
	env := newTestServer(t)
	soc := env.unit("Exempelkommun/Socialförvaltningen")
	typ := "rutin"
	for i := range calendarPageSize + 10 {
		title := fmt.Sprintf("Kalenderpost %03d", i)
		next := env.app.Today().AddDays(i%120 - 30).String() // from 30 days overdue to 89 days out
		if _, err := env.app.CreateDocument(env.ctx, env.caller("samordnare"), env.ex, domain.DocumentInput{Type: &typ, Title: &title, OrgUnitID: &soc, NextReviewAt: &next}); err != nil {
			t.Fatal(err)
		}
	}
	coord := env.login("samordnare")
	seen := map[string]int{}
	path := fmt.Sprintf("/m/%d/calendar?by=unit", env.ex)
	pages := 0
	for path != "" && pages < 5 {
		res := coord.get(path)
		if res.Code != http.StatusOK {
			t.Fatalf("%s: %d", path, res.Code)
		}
		body := res.Body.String()
		if n := strings.Count(body, "Kalenderpost "); n > calendarPageSize {
			t.Errorf("page %d shows %d reviews, more than %d", pages, n, calendarPageSize)
		}
		for _, m := range regexp.MustCompile(`Kalenderpost \d{3}`).FindAllString(body, -1) {
			seen[m]++
		}
		pages++
		path = ""
		if m := regexp.MustCompile(`<a href="([^"]+)" rel="next">`).FindStringSubmatch(body); m != nil {
			path = html.UnescapeString(m[1])
		}
	}
	if pages < 2 || len(seen) != calendarPageSize+10 {
		t.Errorf("%d pages showed %d of %d reviews", pages, len(seen), calendarPageSize+10)
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%s shown %d times", k, n)
		}
	}
	if res := coord.get(fmt.Sprintf("/m/%d/calendar?after=nonsense", env.ex)); res.Code != http.StatusBadRequest {
		t.Errorf("a bad cursor: %d", res.Code)
	}
}

// The dashboard lists the first page of what needs attention and counts all of it.
func TestDashboardCountsBeyondItsList(t *testing.T) {
	env := newTestServer(t)
	soc := env.unit("Exempelkommun/Socialförvaltningen")
	past, typ := env.app.Today().AddDays(-5).String(), "rutin"
	for i := range dashboardRows + 15 {
		title := fmt.Sprintf("Försenad %03d", i)
		if _, err := env.app.CreateDocument(env.ctx, env.caller("samordnare"), env.ex, domain.DocumentInput{Type: &typ, Title: &title, OrgUnitID: &soc, NextReviewAt: &past}); err != nil {
			t.Fatal(err)
		}
	}
	overdue, err := env.app.DueCount(env.ctx, env.caller("samordnare"), env.ex, domain.DueFilterOverdue, false)
	if err != nil || overdue < dashboardRows+15 {
		t.Fatalf("overdue count %d, %v", overdue, err)
	}
	body := env.login("samordnare").get(fmt.Sprintf("/m/%d", env.ex)).Body.String()
	if !strings.Contains(body, fmt.Sprintf("<strong>%d</strong>", overdue)) {
		t.Errorf("the dashboard does not show the %d overdue", overdue)
	}
	attention := body[strings.Index(body, `id="h-attention"`):]
	attention = attention[:strings.Index(attention, "</section>")]
	if n := strings.Count(attention, "<tr class=\"due-"); n != dashboardRows {
		t.Errorf("the dashboard lists %d records needing attention (want the first %d)", n, dashboardRows)
	}
}

// The owner pickers offer those who keep records (coordinators, information owners,
// management) and the present owner, not every member: a large municipality's staff are
// thousands.
func TestOwnerPickerOffersOwnersNotStaff(t *testing.T) {
	env := newTestServer(t)
	coord := env.login("samordnare")
	row := fmt.Sprintf("/m/%d/soa/5.24", env.ex)
	body := coord.get(row).Body.String()
	if !strings.Contains(body, "Omar Ägare") || !strings.Contains(body, "Lena Ledning") || strings.Contains(body, "Maja Medarbetare") {
		t.Errorf("the owner picker: information owner %v, management %v, staff %v",
			strings.Contains(body, "Omar Ägare"), strings.Contains(body, "Lena Ledning"), strings.Contains(body, "Maja Medarbetare"))
	}
	staff := env.users["medarbetare"]
	if _, err := env.app.UpdateSoA(env.ctx, env.caller("samordnare"), env.ex, "5.24", domain.SoAInput{OwnerID: &staff}); err != nil {
		t.Fatal(err)
	}
	if body := coord.get(row).Body.String(); !strings.Contains(body, "Maja Medarbetare") {
		t.Error("the present owner, a member of staff, is not offered")
	}
}

// The owner pickers (SoA row page, document form) list the present owner and a page of the
// municipality's owner-role holders, with a search that folds Swedish letters, never every
// candidate of a large municipality.
func TestOwnerPickerSearches(t *testing.T) {
	env := newTestServer(t)
	admin := env.caller("admin")
	ids := map[int]int64{}
	for i := range ownerPickerSize + 10 {
		u, err := env.app.CreateUser(env.ctx, admin, app.UserInput{Username: fmt.Sprintf("agare%02d", i), Name: fmt.Sprintf("Örjan Ägare %02d", i),
			Email: fmt.Sprintf("agare%02d@example.se", i), Password: "ett långt lösenord"})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = u.ID
		if err := env.app.GrantRole(env.ctx, admin, u.ID, app.RoleInput{MunicipalityID: env.ex, Role: "management"}); err != nil {
			t.Fatal(err)
		}
	}
	coord := env.login("samordnare")
	options := regexp.MustCompile(`<select id="f-owner-id" name="owner_id"[^>]*>([\s\S]*?)</select>`)
	owners := func(path string) (names []string, body string) {
		t.Helper()
		res := coord.get(path)
		if res.Code != http.StatusOK {
			t.Fatalf("GET %s: %d", path, res.Code)
		}
		body = res.Body.String()
		m := options.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("GET %s: no owner picker", path)
		}
		for _, o := range regexp.MustCompile(`<option value="\d+"[^>]*>([^<]*)</option>`).FindAllStringSubmatch(m[1], -1) {
			names = append(names, html.UnescapeString(o[1]))
		}
		return names, body
	}
	for _, page := range []string{fmt.Sprintf("/m/%d/soa/5.24", env.ex), fmt.Sprintf("/m/%d/documents/new", env.ex), fmt.Sprintf("/m/%d/documents/%d/edit", env.ex, env.doc(tDocSocDraft))} {
		names, body := owners(page)
		if len(names) > ownerPickerSize+1 || !strings.Contains(body, `name="owner_q"`) || !strings.Contains(body, "fler matchar") {
			t.Errorf("%s: %d owners offered, search form %v", page, len(names), strings.Contains(body, `name="owner_q"`))
		}
		names, _ = owners(page + "?owner_q=" + url.QueryEscape("örjan ägare 07"))
		found := 0
		for _, n := range names {
			if strings.HasPrefix(n, "Örjan Ägare 07") {
				found++
			}
		}
		if found != 1 || len(names) > 2 { // the hit, and the present owner if any
			t.Errorf("%s: a search for örjan ägare 07 offers %q", page, names)
		}
		names, _ = owners(page + "?owner_q=agare55%40example")
		if len(names) == 0 || !strings.HasPrefix(names[len(names)-1], "Örjan Ägare 55") {
			t.Errorf("%s: a search by e-mail offers %q", page, names)
		}
	}
	// The present owner is offered whatever the search.
	row := fmt.Sprintf("/m/%d/soa/5.24", env.ex)
	if res := coord.postForm(row, url.Values{"form_has_units": {"1"}, "form_has_evidence": {"1"}, "applicable": {"yes"}, "status": {"partial"},
		"owner_id": {itoa(ids[42])}, "review_interval_months": {"12"}, "next_review_at": {"2027-06-01"}}); res.Code != http.StatusSeeOther {
		t.Fatalf("save owner: %d %s", res.Code, res.Body)
	}
	names, body := owners(row + "?owner_q=ingen-sådan")
	if len(names) != 1 || !strings.HasPrefix(names[0], "Örjan Ägare 42") || !strings.Contains(body, `selected>Örjan Ägare 42`) {
		t.Errorf("a search with no hits offers %q; want the present owner, selected", names)
	}
}
