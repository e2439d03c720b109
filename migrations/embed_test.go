package migrations

import (
	"io/fs"
	"slices"
	"strings"
	"testing"
)

// The SQLite and PostgreSQL migrations keep the same version numbers and names, so a
// deployment moves between the databases without renumbering, and each has both directions.
func TestDialectMigrationsInStep(t *testing.T) {
	names := func(f fs.FS) []string {
		es, err := fs.ReadDir(f, ".")
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range es {
			out = append(out, e.Name())
			b, err := fs.ReadFile(f, e.Name())
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(b), "-- +goose Up") || !strings.Contains(string(b), "-- +goose Down") {
				t.Errorf("%s lacks an Up or a Down section", e.Name())
			}
		}
		return out
	}
	sq, pg := names(SQLite), names(Postgres)
	if len(sq) < 4 || !slices.Equal(sq, pg) {
		t.Errorf("migrations differ:\n sqlite   %v\n postgres %v", sq, pg)
	}
}
