package domain

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Lists page by keyset: a page ends where the next one starts, named by an opaque cursor that
// holds the list it belongs to and the sort key and id of the last row shown.

// FoldTitle is the search and sort form of a title: Unicode lower case, the same on every
// database (stored as records.title_fold).
func FoldTitle(s string) string { return strings.ToLower(s) }

// Page sizes of the lists: the default and the largest a caller may ask for.
const (
	DefaultPageSize = 100
	MaxPageSize     = 1000
)

// Cursor is where the next page of a list starts: after the row with sort key Key and id ID.
type Cursor struct {
	Key string
	ID  int64
}

type cursorJSON struct {
	L string `json:"l"`
	K string `json:"k"`
	I int64  `json:"i"`
}

// EncodeCursor makes the opaque ?after= value of c for list.
func EncodeCursor(list string, c Cursor) string {
	b, _ := json.Marshal(cursorJSON{L: list, K: c.Key, I: c.ID})
	return base64.RawURLEncoding.EncodeToString(b)
}

// ParseCursor reads an ?after= value of list; empty means the first page. A value that is
// not a cursor, or one of another list, is EInvalid naming "after".
func ParseCursor(list, s string) (*Cursor, error) {
	if s == "" {
		return nil, nil
	}
	bad := &Error{Code: EInvalid, Message: "err.invalid", Fields: map[string]string{"after": "err.cursor"}}
	if len(s) > 2000 {
		return nil, bad
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, bad
	}
	var c cursorJSON
	if err := json.Unmarshal(b, &c); err != nil || c.L != list || c.I <= 0 || !utf8.ValidString(c.K) || strings.ContainsRune(c.K, 0) {
		return nil, bad
	}
	return &Cursor{Key: c.K, ID: c.I}, nil
}

// ParseLimit reads a ?limit= value: empty is DefaultPageSize; anything but a whole number
// from 1 to MaxPageSize is EInvalid naming "limit".
func ParseLimit(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return DefaultPageSize, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > MaxPageSize {
		return 0, &Error{Code: EInvalid, Message: "err.invalid", Fields: map[string]string{"limit": "err.limit"}}
	}
	return n, nil
}
