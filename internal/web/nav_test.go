package web

import (
	"fmt"
	"regexp"
	"slices"
	"testing"
)

// The menu comes from the kind registry: an entry for each kind whose records the person may
// read (and the kind's extra entries), then the review list and the audit trail by role.
func TestNavigationFollowsTheRegistryAndTheRoles(t *testing.T) {
	env := newTestServer(t)
	nav := regexp.MustCompile(`<a href="(/m/\d+/[a-z?=]+)">`)
	base := fmt.Sprintf("/m/%d/", env.ex)
	for user, want := range map[string][]string{
		"samordnare":  {"documents", "soa", "gap", "reviews?due=overdue", "calendar"},
		"revisor":     {"documents", "soa", "gap", "reviews?due=overdue", "calendar", "audit"},
		"medarbetare": {"documents"},
		"admin":       {},
	} {
		body := env.login(user).get(base[:len(base)-1]).Body.String()
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
