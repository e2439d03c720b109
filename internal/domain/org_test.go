package domain

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestValidateUsername(t *testing.T) {
	tests := []struct {
		in, want string // want "" = valid
	}{
		{"anna.svensson", ""},
		{"åsa-öberg_2", ""},
		{"a@kommun.se", ""},
		{"ab", ""},
		{strings.Repeat("x", 64), ""},
		{"", "err.required"},
		{"a", "err.username_length"},
		{strings.Repeat("x", 65), "err.username_length"},
		{"anna svensson", "err.username_chars"},
		{"anna\x00", "err.username_chars"},
		{"anna\n", "err.username_chars"},
		{"an\tna", "err.username_chars"},
		{"anna\u200b", "err.username_chars"}, // zero-width space
		{"anna\x7f", "err.username_chars"},   // DEL
		{"\xff\xfe", "err.username_chars"},   // invalid UTF-8
		{"anna/../root", "err.username_chars"},
		{"anna'; --", "err.username_chars"},
	}
	for _, tc := range tests {
		p := Problems{}
		ValidateUsername(p, "username", tc.in)
		if got := p["username"]; got != tc.want {
			t.Errorf("ValidateUsername(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestValidateText(t *testing.T) {
	tests := []struct {
		in       string
		required bool
		want     string
	}{
		{"ok", true, ""},
		{"", false, ""},
		{"  ", true, "err.required"},
		{"a\tb", false, "err.control_chars"},
		{"\x1b[1m", false, "err.control_chars"},
		{"12345", true, ""},
		{"123456", true, "err.too_long"},
		{"ååååå", true, ""}, // counted in characters, not bytes
	}
	for _, tc := range tests {
		p := Problems{}
		ValidateText(p, "f", tc.in, tc.required, 5)
		if p["f"] != tc.want {
			t.Errorf("ValidateText(%q, %v) = %q, want %q", tc.in, tc.required, p["f"], tc.want)
		}
	}
	p := Problems{}
	ValidateLongText(p, "f", "rad 1\r\nrad 2\tx", true, 100)
	if len(p) != 0 {
		t.Errorf("long text with newlines and tabs refused: %v", p)
	}
	ValidateLongText(p, "f", "nul\x00", true, 100)
	if p["f"] != "err.control_chars" {
		t.Errorf("long text with NUL: %v", p)
	}
}

func TestRoleAndKindValid(t *testing.T) {
	for _, r := range MunicipalRoles {
		if !r.Valid() {
			t.Errorf("%q not valid", r)
		}
	}
	for _, r := range []Role{RoleAdmin, "", "Coordinator", "root"} {
		if r.Valid() {
			t.Errorf("%q valid as a municipal role", r)
		}
	}
	if !UnitNamnd.Valid() || OrgUnitKind("department").Valid() {
		t.Errorf("OrgUnitKind.Valid wrong")
	}
}

func TestErrors(t *testing.T) {
	p := Problems{}
	p.Add("b", "err.second")
	p.Add("a", "err.first")
	p.Add("a", "err.ignored") // the first problem per field wins
	err := p.Err()
	if ErrorCode(err) != EInvalid {
		t.Fatalf("code = %q", ErrorCode(err))
	}
	if AsError(err).Fields["a"] != "err.first" {
		t.Errorf("first problem did not win: %v", AsError(err).Fields)
	}
	if got := err.Error(); got != "invalid: err.invalid [a: err.first] [b: err.second]" {
		t.Errorf("Error() = %q", got)
	}
	if (Problems{}).Err() != nil {
		t.Errorf("no problems gave an error")
	}
	if ErrorCode(nil) != "" {
		t.Errorf("ErrorCode(nil) = %q", ErrorCode(nil))
	}
	plain := errors.New("disk full")
	if ErrorCode(plain) != EInternal || AsError(plain).Code != EInternal || !errors.Is(AsError(plain), plain) {
		t.Errorf("plain errors are not internal")
	}
	wrapped := fmt.Errorf("get: %w", NotFound())
	if ErrorCode(wrapped) != ENotFound {
		t.Errorf("wrapped code = %q", ErrorCode(wrapped))
	}
	if Forbidden().Code != EForbidden || Errorf(EConflict, "err.x").Message != "err.x" {
		t.Errorf("constructors wrong")
	}
}

func TestVisibility(t *testing.T) {
	tests := []struct {
		v      Visibility
		kind   Kind
		unit   int64
		status string
		want   bool
	}{
		{Visibility{All: true}, KindDocument, 1, "draft", true},
		{Visibility{UnitIDs: []int64{1, 2}}, KindDocument, 2, "draft", true},
		{Visibility{UnitIDs: []int64{1, 2}}, KindDocument, 3, "adopted", false},
		{Visibility{Published: true}, KindDocument, 3, "adopted", true},
		{Visibility{Published: true}, KindDocument, 3, "draft", false},
		{Visibility{Published: true}, KindDocument, 3, "retired", false},
		{Visibility{Published: true}, KindControl, 3, "implemented", false}, // SoA rows publish nothing
		{Visibility{}, KindDocument, 1, "adopted", false},
	}
	for _, tc := range tests {
		if got := tc.v.Allows(tc.kind, tc.unit, tc.status); got != tc.want {
			t.Errorf("%+v.Allows(%s, %d, %q) = %v", tc.v, tc.kind, tc.unit, tc.status, got)
		}
	}
	if !(Visibility{}).None() || (Visibility{Published: true}).None() || (Visibility{UnitIDs: []int64{1}}).None() {
		t.Errorf("None wrong")
	}
}
