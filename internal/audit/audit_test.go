package audit

import (
	"errors"
	"strings"
	"testing"
)

func i64(n int64) *int64 { return &n }

// chain builds n linked entries as the store appends them.
func chain(n int) []Entry {
	out := make([]Entry, 0, n)
	prev := Genesis
	for i := 1; i <= n; i++ {
		e := Entry{
			ID: int64(i), At: "2025-05-10T08:00:0" + string(rune('0'+i%10)) + ".123456Z",
			ActorID: i64(7), Actor: "anna", MunicipalityID: i64(1), Kind: "document", RecordID: i64(int64(100 + i)),
			Action: ActionUpdate, Before: `{"title":"a"}`, After: `{"title":"b"}`, IP: "192.0.2.1", PrevHash: prev,
		}
		if i%3 == 0 { // some entries without actor, municipality and record
			e.ActorID, e.MunicipalityID, e.RecordID, e.Action = nil, nil, nil, ActionLoginFailed
		}
		e.Hash = ComputeHash(e)
		prev = e.Hash
		out = append(out, e)
	}
	return out
}

// verify runs the entries through a verifier; it returns the count and the break, if any.
func verify(es []Entry) (int, *BrokenError, error) {
	v := NewVerifier()
	for _, e := range es {
		if err := v.Next(e); err != nil {
			var b *BrokenError
			if errors.As(err, &b) {
				return v.Count, b, err
			}
			return v.Count, nil, err
		}
	}
	return v.Count, nil, nil
}

func TestChainVerifies(t *testing.T) {
	es := chain(10)
	n, b, err := verify(es)
	if err != nil || b != nil || n != 10 {
		t.Fatalf("verify = %d, %v", n, err)
	}
	if es[0].PrevHash != Genesis {
		t.Errorf("first entry does not link to genesis")
	}
	if len(es[0].Hash) != 64 || strings.Trim(es[0].Hash, "0123456789abcdef") != "" {
		t.Errorf("hash %q is not hex SHA-256", es[0].Hash)
	}
	// The empty chain verifies.
	if n, _, err := verify(nil); err != nil || n != 0 {
		t.Errorf("empty chain: %d, %v", n, err)
	}
}

func TestComputeHashDeterministic(t *testing.T) {
	e := chain(1)[0]
	if again := chain(1)[0]; ComputeHash(e) != ComputeHash(again) || ComputeHash(e) != e.Hash {
		t.Fatal("hash is not deterministic")
	}
	// The stored hash itself is not an input.
	f := e
	f.Hash = "something else"
	if ComputeHash(f) != ComputeHash(e) {
		t.Error("hash depends on the Hash field")
	}
	// The id is hashed, as documented, so a row's hash is bound to its place in the chain.
	moved := e
	moved.ID = e.ID + 1
	if ComputeHash(moved) == ComputeHash(e) {
		t.Error("hash does not cover the id")
	}
	// A nil pointer and a pointer to zero are different facts and must hash differently.
	g := e
	g.RecordID = i64(0)
	h := e
	h.RecordID = nil
	if ComputeHash(g) == ComputeHash(h) {
		t.Error("nil and 0 record id hash the same")
	}
	// Field boundaries are unambiguous: moving a character between two fields changes the hash.
	a, b := e, e
	a.Actor, a.IP = "ab", "c"
	b.Actor, b.IP = "a", "bc"
	if ComputeHash(a) == ComputeHash(b) {
		t.Error("shifting text between fields keeps the hash")
	}
}

// Every field but the hash itself is covered: changing any one breaks the chain at that entry.
func TestChangingAnyFieldBreaksAtThatEntry(t *testing.T) {
	edits := map[string]func(*Entry){
		"ID":             func(e *Entry) { e.ID = 99 },
		"At":             func(e *Entry) { e.At = "2025-05-10T09:00:00Z" },
		"ActorID":        func(e *Entry) { e.ActorID = i64(8) },
		"ActorID nil":    func(e *Entry) { e.ActorID = nil },
		"Actor":          func(e *Entry) { e.Actor = "mallory" },
		"MunicipalityID": func(e *Entry) { e.MunicipalityID = i64(2) },
		"Kind":           func(e *Entry) { e.Kind = "user" },
		"RecordID":       func(e *Entry) { e.RecordID = i64(1) },
		"Action":         func(e *Entry) { e.Action = ActionDelete },
		"Before":         func(e *Entry) { e.Before = `{"title":"x"}` },
		"After":          func(e *Entry) { e.After = "" },
		"IP":             func(e *Entry) { e.IP = "198.51.100.1" },
		"PrevHash":       func(e *Entry) { e.PrevHash = Genesis },
		"Hash":           func(e *Entry) { e.Hash = strings.Repeat("a", 64) },
	}
	for name, edit := range edits {
		t.Run(name, func(t *testing.T) {
			es := chain(6)
			edit(&es[3]) // entry id 4
			n, b, err := verify(es)
			if b == nil {
				t.Fatalf("verify = %d, %v; want a BrokenError", n, err)
			}
			if b.ID != 4 {
				t.Errorf("broken at %d, want 4 (%v)", b.ID, err)
			}
			if n != 3 {
				t.Errorf("count = %d, want the 3 good entries before", n)
			}
			if !strings.Contains(err.Error(), "entry 4") {
				t.Errorf("message %q does not name entry 4", err)
			}
		})
	}
}

// Rewriting an entry and recomputing its hash still breaks the chain at the next entry.
func TestRehashedEntryBreaksAtNext(t *testing.T) {
	es := chain(6)
	es[2].Actor = "mallory"
	es[2].Hash = ComputeHash(es[2])
	_, b, err := verify(es)
	if b == nil || b.ID != 4 {
		t.Fatalf("err = %v, want break at 4", err)
	}
}

func TestRemovingMiddleEntry(t *testing.T) {
	es := chain(6)
	es = append(es[:2:2], es[3:]...) // drop id 3
	_, b, err := verify(es)
	if b == nil || b.ID != 3 {
		t.Fatalf("err = %v, want break naming the missing entry 3", err)
	}
	if !strings.Contains(b.Reason, "missing") {
		t.Errorf("reason %q", b.Reason)
	}
}

func TestRemovingFirstEntry(t *testing.T) {
	_, b, err := verify(chain(4)[1:])
	if b == nil || b.ID != 1 {
		t.Fatalf("err = %v, want break at 1", err)
	}
}

func TestRemovingAndRenumbering(t *testing.T) {
	// Removing entry 3 and renumbering the rest (so ids are dense) still breaks at 3.
	es := chain(6)
	es = append(es[:2:2], es[3:]...)
	for i := range es {
		es[i].ID = int64(i + 1)
	}
	_, b, err := verify(es)
	if b == nil || b.ID != 3 {
		t.Fatalf("err = %v, want break at 3", err)
	}
}

func TestReordering(t *testing.T) {
	t.Run("rows swapped", func(t *testing.T) {
		es := chain(6)
		es[2], es[3] = es[3], es[2] // order 1 2 4 3 5 6
		_, b, err := verify(es)
		if b == nil || b.ID != 3 {
			t.Fatalf("err = %v, want break at 3", err)
		}
	})
	t.Run("ids swapped too", func(t *testing.T) {
		es := chain(6)
		es[2], es[3] = es[3], es[2]
		es[2].ID, es[3].ID = 3, 4 // the contents of 4 now sit at id 3
		_, b, err := verify(es)
		if b == nil || b.ID != 3 {
			t.Fatalf("err = %v, want break at 3", err)
		}
	})
	t.Run("duplicate id", func(t *testing.T) {
		es := chain(4)
		es = append(es[:3:3], es[2], es[3]) // 1 2 3 3 4
		_, b, err := verify(es)
		if b == nil || b.ID != 4 {
			t.Fatalf("err = %v, want break at 4", err)
		}
	})
}

func TestSnapshot(t *testing.T) {
	if Snapshot(nil) != "" {
		t.Errorf("Snapshot(nil) = %q", Snapshot(nil))
	}
	if got := Snapshot(map[string]any{"b": 1, "a": "x"}); got != `{"a":"x","b":1}` {
		t.Errorf("Snapshot(map) = %q", got)
	}
	// A value JSON cannot encode still gives a stable string rather than failing.
	if got := Snapshot(make(chan int)); got == "" {
		t.Errorf("Snapshot(chan) is empty")
	}
}

// An anchor catches what the chain alone cannot: a chain rewritten from the start (every hash
// recomputed) and a chain whose newest entries were cut off.
func TestAnchor(t *testing.T) {
	es := chain(5)
	a := Anchor{ID: 3, Hash: es[2].Hash}
	parsed, err := ParseAnchor(a.String())
	if err != nil || parsed != a {
		t.Fatalf("round trip %v %v", parsed, err)
	}

	// Rewritten: entry 2 changed and everything after re-hashed, so the chain is consistent.
	re := chain(5)
	re[1].Actor = "någon annan"
	prev := re[0].Hash
	for i := 1; i < len(re); i++ {
		re[i].PrevHash = prev
		re[i].Hash = ComputeHash(re[i])
		prev = re[i].Hash
	}
	if _, be, _ := verify(re); be != nil {
		t.Fatalf("rewritten chain should look intact alone: %v", be)
	}
	v := NewVerifier()
	v.Anchor = &a
	var got error
	for _, e := range re {
		if got = v.Next(e); got != nil {
			break
		}
	}
	if be, ok := got.(*BrokenError); !ok || be.ID != 3 {
		t.Errorf("rewritten chain with anchor: %v", got)
	}

	// Cut off after entry 2.
	v = NewVerifier()
	v.Anchor = &a
	for _, e := range es[:2] {
		if err := v.Next(e); err != nil {
			t.Fatal(err)
		}
	}
	if err := v.Finish(); err == nil {
		t.Error("truncated chain passed with anchor")
	}
	if h := v.Head(); h.ID != 2 || h.Hash != es[1].Hash {
		t.Errorf("head %v", h)
	}
	for _, bad := range []string{"", "3", "x:abc", "3:short", "-1:" + es[0].Hash} {
		if _, err := ParseAnchor(bad); err == nil {
			t.Errorf("ParseAnchor(%q) accepted", bad)
		}
	}
}
