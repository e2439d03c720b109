// Package migrations embeds Lisa's SQL schema migrations, run by goose at start-up: one set
// per database (sqlite/, postgres/) with the same version numbers, so a deployment moves
// between them without renumbering. A test keeps the two sets in step.
package migrations

import (
	"embed"
	"io/fs"
)

//go:embed sqlite/*.sql postgres/*.sql
var files embed.FS

// SQLite holds the numbered migrations for the embedded database.
var SQLite = sub("sqlite")

// Postgres holds the numbered migrations for PostgreSQL.
var Postgres = sub("postgres")

func sub(dir string) fs.FS {
	f, err := fs.Sub(files, dir)
	if err != nil {
		panic(err)
	}
	return f
}
