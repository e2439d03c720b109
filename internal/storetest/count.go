package storetest

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"sync"
	"sync/atomic"

	"github.com/mattn/go-sqlite3"

	"github.com/lisa-isms/lisa/internal/store"
)

// Statements counts the SQL statements SQLite stores prepare once CountStatements is on:
// a test reads it before and after a request to bound what the request costs (no N+1).
var Statements atomic.Int64

var countOnce sync.Once

// CountStatements makes the SQLite stores t opens count their statements in Statements (a
// wrapper around mattn/go-sqlite3's driver), until t ends.
func CountStatements(t interface{ Cleanup(func()) }) {
	countOnce.Do(func() {
		sql.Register("sqlite3_counting", countingDriver{&sqlite3.SQLiteDriver{}})
	})
	store.SQLiteDriver = "sqlite3_counting"
	t.Cleanup(func() { store.SQLiteDriver = "sqlite3" })
}

type countingDriver struct{ d driver.Driver }

func (c countingDriver) Open(dsn string) (driver.Conn, error) {
	conn, err := c.d.Open(dsn)
	if err != nil {
		return nil, err
	}
	return countingConn{conn}, nil
}

// countingConn lets database/sql prepare every statement (it offers no direct query or exec)
// and counts the preparations.
type countingConn struct{ c driver.Conn }

func (c countingConn) Prepare(q string) (driver.Stmt, error) {
	Statements.Add(1)
	return c.c.Prepare(q)
}

func (c countingConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	Statements.Add(1)
	return c.c.(driver.ConnPrepareContext).PrepareContext(ctx, q)
}

func (c countingConn) Close() error { return c.c.Close() }

// Begin is required by driver.Conn; database/sql calls BeginTx.
func (c countingConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c countingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.c.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (c countingConn) Ping(ctx context.Context) error {
	if p, ok := c.c.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}
