package domain

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParseDateStrict(t *testing.T) {
	good := []struct {
		in   string
		want Date
	}{
		{"2024-01-31", NewDate(2024, time.January, 31)},
		{"2024-02-29", NewDate(2024, time.February, 29)}, // leap year
		{"1900-01-01", NewDate(1900, time.January, 1)},
		{"2999-12-31", NewDate(2999, time.December, 31)},
	}
	for _, tc := range good {
		got, err := ParseDate(tc.in)
		if err != nil {
			t.Errorf("ParseDate(%q) error %v, want %v", tc.in, err, tc.want)
			continue
		}
		if got != tc.want || got.String() != tc.in {
			t.Errorf("ParseDate(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
	bad := []string{
		"",
		"2024-1-31",   // month not zero-padded
		"2024-01-1",   // day not zero-padded
		"24-01-31",    // two-digit year
		"2024/01/31",  // wrong separator
		"2024-13-01",  // month out of range
		"2023-02-29",  // not a leap year
		"2024-04-31",  // April has 30 days
		"2024-00-10",  // month zero
		" 2024-01-31", // surrounding space
		"2024-01-31 ",
		"2024-01-31T00:00:00Z", // a timestamp is not a date
		"1899-12-31",           // year below range
		"3000-01-01",           // year above range
		"0000-01-01",
		"abcd-ef-gh",
	}
	for _, s := range bad {
		if d, err := ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) = %v, want error", s, d)
		}
	}
}

func TestAddMonthsClamps(t *testing.T) {
	tests := []struct {
		from Date
		n    int
		want Date
	}{
		{NewDate(2024, time.January, 31), 1, NewDate(2024, time.February, 29)}, // leap year
		{NewDate(2023, time.January, 31), 1, NewDate(2023, time.February, 28)},
		{NewDate(2024, time.March, 31), 1, NewDate(2024, time.April, 30)},
		{NewDate(2024, time.January, 15), 1, NewDate(2024, time.February, 15)},
		{NewDate(2024, time.February, 29), 12, NewDate(2025, time.February, 28)},
		{NewDate(2024, time.February, 29), 48, NewDate(2028, time.February, 29)},
		{NewDate(2024, time.November, 30), 3, NewDate(2025, time.February, 28)}, // across a year end
		{NewDate(2024, time.December, 31), 1, NewDate(2025, time.January, 31)},
		{NewDate(2024, time.March, 31), -1, NewDate(2024, time.February, 29)},
		{NewDate(2024, time.May, 31), 0, NewDate(2024, time.May, 31)},
		{NewDate(2024, time.August, 31), 120, NewDate(2034, time.August, 31)},
	}
	for _, tc := range tests {
		if got := tc.from.AddMonths(tc.n); got != tc.want {
			t.Errorf("%v.AddMonths(%d) = %v, want %v", tc.from, tc.n, got, tc.want)
		}
	}
}

func TestDateCompareAndDays(t *testing.T) {
	a := NewDate(2024, time.December, 31)
	b := a.AddDays(1)
	if b != NewDate(2025, time.January, 1) {
		t.Fatalf("AddDays(1) = %v, want 2025-01-01", b)
	}
	if !a.Before(b) || a.After(b) || !b.After(a) || b.Before(a) {
		t.Errorf("Before/After wrong for %v and %v", a, b)
	}
	if a.Before(a) || a.After(a) {
		t.Errorf("a date is neither before nor after itself")
	}
	if (Date{}).IsZero() != true || a.IsZero() {
		t.Errorf("IsZero wrong")
	}
	// DateOf takes the calendar date in the time's own location.
	loc := time.FixedZone("CEST", 2*3600)
	if got := DateOf(time.Date(2024, 6, 1, 1, 0, 0, 0, loc)); got != NewDate(2024, time.June, 1) {
		t.Errorf("DateOf = %v, want 2024-06-01", got)
	}
}

func TestDateJSON(t *testing.T) {
	type doc struct {
		At   Date  `json:"at"`
		Next *Date `json:"next"`
	}
	d := NewDate(2025, time.March, 9)
	b, err := json.Marshal(doc{At: d})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"at":"2025-03-09","next":null}` {
		t.Errorf("Marshal = %s", b)
	}
	var back doc
	if err := json.Unmarshal([]byte(`{"at":"2025-03-09","next":"2026-03-09"}`), &back); err != nil {
		t.Fatal(err)
	}
	if back.At != d || back.Next == nil || *back.Next != NewDate(2026, time.March, 9) {
		t.Errorf("Unmarshal = %+v", back)
	}
	for _, in := range []string{`{"at":"2025-3-9"}`, `{"at":20250309}`, `{"at":"2025-02-30"}`, `{"at":""}`, `{"at":"2025-03-09T00:00:00Z"}`} {
		var x doc
		if err := json.Unmarshal([]byte(in), &x); err == nil {
			t.Errorf("Unmarshal(%s) succeeded with %v, want error", in, x.At)
		}
	}
}

func TestDateScanValue(t *testing.T) {
	d := NewDate(2024, time.July, 4)
	v, err := d.Value()
	if err != nil || v != "2024-07-04" {
		t.Fatalf("Value = %v, %v", v, err)
	}
	var s Date
	for _, src := range []any{"2024-07-04", []byte("2024-07-04"), time.Date(2024, 7, 4, 23, 59, 0, 0, time.UTC)} {
		s = Date{}
		if err := s.Scan(src); err != nil || s != d {
			t.Errorf("Scan(%T) = %v, %v; want %v", src, s, err, d)
		}
	}
	if err := s.Scan(int64(5)); err == nil {
		t.Errorf("Scan(int64) succeeded")
	}
	if err := s.Scan("07/04/2024"); err == nil {
		t.Errorf("Scan of a malformed text succeeded")
	}
}

func TestDueStateOf(t *testing.T) {
	today := NewDate(2025, time.May, 10)
	at := func(days int) *Date { d := today.AddDays(days); return &d }
	tests := []struct {
		name string
		next *Date
		want DueState
	}{
		{"no date", nil, DueNone},
		{"long ago", at(-400), DueOverdue},
		{"yesterday", at(-1), DueOverdue},
		{"today", at(0), DueSoon},
		{"tomorrow", at(1), DueSoon},
		{"last soon day", at(DueSoonDays), DueSoon},
		{"first later day", at(DueSoonDays + 1), DueLater},
		{"next year", at(365), DueLater},
	}
	for _, tc := range tests {
		if got := DueStateOf(tc.next, today); got != tc.want {
			t.Errorf("%s: DueStateOf = %q, want %q", tc.name, got, tc.want)
		}
		r := Record{NextReviewAt: tc.next}
		if got := r.Due(today); got != tc.want {
			t.Errorf("%s: Record.Due = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestDueFilterBounds(t *testing.T) {
	today := NewDate(2025, time.May, 10)
	ptr := func(d Date) *Date { return &d }
	tests := []struct {
		f        DueFilter
		from, to *Date
	}{
		{DueFilterOverdue, nil, ptr(NewDate(2025, time.May, 9))},
		{DueFilterSoon, ptr(today), ptr(NewDate(2025, time.June, 9))},
		{DueFilterAll, nil, nil},
		{"", nil, ptr(NewDate(2025, time.June, 9))},
	}
	same := func(a, b *Date) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }
	for _, tc := range tests {
		from, to := tc.f.Bounds(today)
		if !same(from, tc.from) || !same(to, tc.to) {
			t.Errorf("Bounds(%q) = %v..%v, want %v..%v", tc.f, from, to, tc.from, tc.to)
		}
	}
	// The bounds agree with DueStateOf on every day around today.
	for days := -40; days <= 40; days++ {
		d := today.AddDays(days)
		state := DueStateOf(&d, today)
		in := func(f DueFilter) bool {
			from, to := f.Bounds(today)
			return (from == nil || !d.Before(*from)) && (to == nil || !d.After(*to))
		}
		if in(DueFilterOverdue) != (state == DueOverdue) {
			t.Errorf("day %+d: overdue filter %v, state %q", days, in(DueFilterOverdue), state)
		}
		if in(DueFilterSoon) != (state == DueSoon) {
			t.Errorf("day %+d: soon filter %v, state %q", days, in(DueFilterSoon), state)
		}
		if in("") != (state == DueOverdue || state == DueSoon) {
			t.Errorf("day %+d: attention filter %v, state %q", days, in(""), state)
		}
	}
}

func TestParseDueFilter(t *testing.T) {
	for _, s := range []string{"overdue", "soon", "all", ""} {
		if f, err := ParseDueFilter(s); err != nil || string(f) != s {
			t.Errorf("ParseDueFilter(%q) = %q, %v", s, f, err)
		}
	}
	for _, s := range []string{"Overdue", "later", "none", " soon"} {
		_, err := ParseDueFilter(s)
		if ErrorCode(err) != EInvalid || AsError(err).Fields["due"] != "err.enum" {
			t.Errorf("ParseDueFilter(%q) err = %v, want EInvalid on due", s, err)
		}
	}
}
