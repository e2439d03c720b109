package web

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The menu comes from the kind registry: an entry for each kind whose records the person may
// read (and the kind's extra entries), then the review list and the audit trail by role.
func TestNavigationFollowsTheRegistryAndTheRoles(t *testing.T) {
	env := newTestServer(t)
	nav := regexp.MustCompile(`<a href="(/m/\d+/[a-z?=]+)">`)
	base := fmt.Sprintf("/m/%d/", env.ex)
	for user, want := range map[string][]string{
		"samordnare":  {"documents", "soa", "gap", "assets", "risks", "incidents", "suppliers", "reviews?due=overdue", "calendar", "menu"}, // risk-analyses is not matched by nav
		"revisor":     {"documents", "soa", "gap", "assets", "risks", "incidents", "suppliers", "reviews?due=overdue", "calendar", "audit", "menu"},
		"medarbetare": {"documents", "incidents", "suppliers", "menu"}, // staff report incidents and see their own
		"admin":       {"menu"},
	} {
		res := env.login(user).get(base[:len(base)-1])
		if res.Code != http.StatusOK {
			t.Fatalf("%s's dashboard: %d", user, res.Code)
		}
		body := res.Body.String()
		header := body[:regexp.MustCompile(`</nav>`).FindStringIndex(body)[0]]
		got := []string{}
		for _, m := range nav.FindAllStringSubmatch(header, -1) {
			got = append(got, m[1][len(base):])
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s's menu %q, want %q", user, got, want)
		}
	}
}

// The review lists link each record to its own page through the one link builder: a
// statement-of-applicability row by its control id.
func TestReviewListLinksEachKindToItsPage(t *testing.T) {
	env := newTestServer(t)
	body := env.login("samordnare").get(fmt.Sprintf("/m/%d/reviews?due=all", env.ex)).Body.String()
	for _, want := range []string{fmt.Sprintf(`href="/m/%d/soa/5.24"`, env.ex), fmt.Sprintf(`href="/m/%d/documents/%d"`, env.ex, env.doc(tDocSocDraft))} {
		if !strings.Contains(body, want) {
			t.Errorf("the review list lacks %s", want)
		}
	}
	soa := env.login("samordnare").get(fmt.Sprintf("/m/%d/soa", env.ex)).Body.String()
	if want := fmt.Sprintf(`href="/m/%d/soa/5.24"`, env.ex); !strings.Contains(soa, want) {
		t.Errorf("the statement of applicability lacks %s", want)
	}
	if strings.Contains(body, "/records/") {
		t.Error("the review list still links through /records/")
	}
}

// The whole menu is a page too (on a phone the header shows its first entries and "Mer").
func TestMenuPageListsEveryEntry(t *testing.T) {
	env := newTestServer(t)
	body := env.login("revisor").get(fmt.Sprintf("/m/%d/menu", env.ex)).Body.String()
	main := body[strings.Index(body, "<main"):]
	for _, want := range []string{"/documents", "/soa", "/assets", "/risks", "/suppliers", "/reviews?due=overdue", "/calendar", "/audit", "/profile"} {
		if !strings.Contains(main, want+`"`) {
			t.Errorf("the menu page lacks %s", want)
		}
	}
}
