package app_test

import (
	"strings"
	"testing"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

func TestCalendarFeedService(t *testing.T) {
	f := newFixture(t)
	// Olle owns two open documents and a retired one; Ingrid owns one.
	mine := f.doc(f.coord, domain.DocumentInput{Type: sp("policy"), Title: sp("Olles policy"), OrgUnitID: &f.unitSoc, OwnerID: &f.ownerID, NextReviewAt: sp("2025-06-01")})
	f.doc(f.coord, domain.DocumentInput{Type: sp("rutin"), Title: sp("Olles rutin"), OrgUnitID: &f.unitSoc, OwnerID: &f.ownerID, NextReviewAt: sp("2025-05-01")})
	retired := f.doc(f.coord, domain.DocumentInput{Type: sp("rutin"), Title: sp("Olles gamla"), OrgUnitID: &f.unitSoc, OwnerID: &f.ownerID, NextReviewAt: sp("2025-05-20")})
	if _, err := f.app.UpdateDocument(f.ctx, f.coord, f.munA, retired.ID, domain.DocumentInput{Status: sp("retired")}); err != nil {
		t.Fatalf("retire: %v", err)
	}
	f.doc(f.coord, domain.DocumentInput{Type: sp("policy"), Title: sp("Ingrids"), OrgUnitID: &f.unitIT, OwnerID: &f.owner2ID, NextReviewAt: sp("2025-06-01")})

	if _, err := f.app.CreateCalendarToken(f.ctx, app.Caller{}); domain.ErrorCode(err) != domain.EUnauthorized {
		t.Errorf("anonymous token: %v", err)
	}
	tok, err := f.app.CreateCalendarToken(f.ctx, f.owner)
	if err != nil {
		t.Fatal(err)
	}
	u, items, err := f.app.CalendarFeed(f.ctx, tok)
	if err != nil || u.ID != f.ownerID {
		t.Fatalf("feed: %+v, %v", u, err)
	}
	var titles []string
	for _, it := range items {
		titles = append(titles, it.Title)
	}
	if strings.Join(titles, ",") != "Olles rutin,Olles policy" || items[1].ID != mine.ID {
		t.Errorf("feed items %v", titles)
	}
	for _, bad := range []string{"", "short", strings.Repeat("A", 200), "AAAAAAAAAAAAAAAAAAAA/../x", "AAAAAAAAAAAAAAAAAAAAAAAAAA"} {
		if _, _, err := f.app.CalendarFeed(f.ctx, bad); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("token %q: %v", bad, err)
		}
	}
	// A new token ends the old one; revoking ends the feed.
	tok2, err := f.app.CreateCalendarToken(f.ctx, f.owner)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.app.CalendarFeed(f.ctx, tok); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("old token: %v", err)
	}
	if err := f.app.RevokeCalendarToken(f.ctx, f.owner); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.app.CalendarFeed(f.ctx, tok2); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("revoked token: %v", err)
	}
	if err := f.app.RevokeCalendarToken(f.ctx, app.Caller{}); domain.ErrorCode(err) != domain.EUnauthorized {
		t.Errorf("anonymous revoke: %v", err)
	}
	var actions []string
	for _, r := range f.auditRows("user") {
		if r.RecordID == f.ownerID && strings.HasPrefix(r.Action, "calendar_token") {
			actions = append(actions, r.Action)
			if strings.Contains(r.After, tok) || strings.Contains(r.After, tok2) {
				t.Error("the token is in the audit trail")
			}
		}
	}
	if strings.Join(actions, ",") != "calendar_token_create,calendar_token_create,calendar_token_revoke" {
		t.Errorf("audit %v", actions)
	}
}

func TestNotificationsAndOutboxServices(t *testing.T) {
	f := newFixture(t)
	db := f.db()
	if _, err := db.ExecContext(f.ctx, `UPDATE users SET email = username || '@ankeby.se'`); err != nil {
		t.Fatal(err)
	}
	f.doc(f.coord, domain.DocumentInput{Type: sp("policy"), Title: sp("Olles policy"), OrgUnitID: &f.unitSoc, OwnerID: &f.ownerID, NextReviewAt: sp("2025-05-12")})
	n, err := f.store.PlanReminders(f.ctx, f.today(), []int{30, 7}, func(u domain.User, items []domain.DueItem) (string, string) {
		return "Lisa", "text"
	})
	if err != nil || n != 1 {
		t.Fatalf("plan: %d, %v", n, err)
	}

	if _, _, err := f.app.Notifications(f.ctx, app.Caller{}, 0); domain.ErrorCode(err) != domain.EUnauthorized {
		t.Errorf("anonymous: %v", err)
	}
	ns, unread, err := f.app.Notifications(f.ctx, f.owner, 0)
	if err != nil || len(ns) != 1 || unread != 1 || ns[0].Kind != store.NotifyReviewDue || *ns[0].RecordID == 0 {
		t.Fatalf("notifications %+v, %d, %v", ns, unread, err)
	}
	if err := f.app.ReadNotification(f.ctx, f.owner2, ns[0].ID); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("someone else's: %v", err)
	}
	if err := f.app.ReadNotification(f.ctx, f.owner, ns[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, unread, _ := f.app.Notifications(f.ctx, f.owner, 0); unread != 0 {
		t.Errorf("unread after reading: %d", unread)
	}
	if others, _, _ := f.app.Notifications(f.ctx, f.owner2, 0); len(others) != 0 {
		t.Errorf("another user sees %d notifications", len(others))
	}

	for _, c := range []app.Caller{f.coord, f.owner, f.mgmt, f.auditor} {
		if _, err := f.app.Outbox(f.ctx, c, "", 0); domain.ErrorCode(err) != domain.EForbidden {
			t.Errorf("%s reads the outbox: %v", c.P.User.Username, err)
		}
	}
	if _, err := f.app.Outbox(f.ctx, app.Caller{}, "", 0); domain.ErrorCode(err) != domain.EUnauthorized {
		t.Errorf("anonymous outbox: %v", err)
	}
	list, err := f.app.Outbox(f.ctx, f.admin, "pending", 0)
	if err != nil || len(list) != 1 || list[0].ToAddress != "olle@ankeby.se" || list[0].Body != "" {
		t.Errorf("outbox %+v, %v", list, err)
	}
	if _, err := f.app.Outbox(f.ctx, f.admin, "queued", 0); domain.ErrorCode(err) != domain.EInvalid {
		t.Errorf("bad status: %v", err)
	}
}
