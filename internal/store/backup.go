package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
)

// This file holds backups and restores. Copying an SQLite file (and its WAL) while the server
// writes gives a torn or stale copy: a backup is SQLite's own consistent copy (VACUUM INTO,
// read from a snapshot while writers go on) or, on PostgreSQL, pg_dump. A restore replaces a
// database only with a copy that passes integrity_check and whose audit trail verifies.

// pgRestoreHelp says how a PostgreSQL database is restored.
const pgRestoreHelp = `restore a PostgreSQL backup with pg_restore, every Lisa instance stopped: ` +
	`pg_restore --clean --if-exists --no-owner --dbname 'postgres://…' FILE ` +
	`(or into a new empty database: createdb lisa_restored && pg_restore --no-owner --dbname 'postgres://…/lisa_restored' FILE)`

// Backup writes a consistent copy of the database dsn to the new file to, while other
// processes may go on writing; it never overwrites an existing file. An SQLite database is
// copied with VACUUM INTO from a read-only connection (the copy is compact, in
// rollback-journal mode, readable on its own); a PostgreSQL database is dumped with pg_dump
// in its custom format (pg_restore reads it), which must be on PATH.
func Backup(ctx context.Context, dsn, to string) error {
	if to == "" || strings.Contains(to, "://") {
		return fmt.Errorf("backup: %q is not a file path", to)
	}
	if _, err := os.Lstat(to); err == nil {
		return fmt.Errorf("backup: %s exists: a backup never overwrites a file", to)
	}
	switch {
	case strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://"):
		return backupPostgres(ctx, dsn, to)
	case strings.Contains(dsn, "://"):
		return fmt.Errorf("database %q is neither a file path nor a postgres:// URL", Redact(dsn))
	}
	return backupSQLite(ctx, dsn, to)
}

func backupSQLite(ctx context.Context, path, to string) error {
	db, err := openSQLiteReadOnly(ctx, path)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer db.Close()
	tmp, err := tempBeside(to, ".backup-")
	if err != nil {
		return err
	}
	defer removeSQLite(tmp) // a no-op once installed
	// VACUUM INTO reads one snapshot (WAL readers never wait for writers) and writes it to
	// the empty file tmp.
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		return fmt.Errorf("backup %s: %w", path, err)
	}
	if err := syncFile(tmp); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return install(tmp, to, false)
}

func backupPostgres(ctx context.Context, dsn, to string) error {
	bin, err := exec.LookPath("pg_dump")
	if err != nil {
		return fmt.Errorf("backup: pg_dump is not on PATH; install PostgreSQL's client programs (of the server's major version or newer), "+
			"or back up with pg_dump yourself: pg_dump --format=custom --file=%s 'postgres://…'", to)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return fmt.Errorf("database URL %q: %w", Redact(dsn), err)
	}
	env := os.Environ()
	if pw, ok := u.User.Password(); ok { // in the environment, not on a command line others can read
		env = append(env, "PGPASSWORD="+pw)
		u.User = url.User(u.User.Username())
	}
	tmp, err := tempBeside(to, ".backup-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	cmd := exec.CommandContext(ctx, bin, "--format=custom", "--file="+tmp, "--dbname="+u.String())
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("backup: pg_dump: %w: %s", err, strings.TrimSpace(string(out)))
	}
	if err := syncFile(tmp); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return install(tmp, to, false)
}

// Restore replaces the SQLite database at to with the backup from: it copies from to a new
// file in to's directory, checks the copy (opened read-only: PRAGMA integrity_check and the
// audit trail's hash chains) and only then renames it over to, so that to is either the old
// database or the checked copy, never a part. An existing to is replaced only when force is
// set; the server must be stopped first (Restore does not find out whether it runs).
// It returns the number of audit entries verified. PostgreSQL is restored with pg_restore.
func Restore(ctx context.Context, from, to string, force bool) (int, error) {
	if strings.HasPrefix(to, "postgres://") || strings.HasPrefix(to, "postgresql://") {
		return 0, errors.New("lisa restore writes SQLite files; " + pgRestoreHelp)
	}
	if to == "" || strings.Contains(to, "://") || strings.ContainsAny(to, "?#") {
		return 0, fmt.Errorf("restore: %q is not a file path", to)
	}
	src, err := os.Stat(from)
	if err != nil {
		return 0, fmt.Errorf("restore: %w", err)
	}
	if !src.Mode().IsRegular() {
		return 0, fmt.Errorf("restore: %s is not a file", from)
	}
	if wal, err := os.Stat(from + "-wal"); err == nil && wal.Size() > 0 {
		return 0, fmt.Errorf("restore: %s has a write-ahead log beside it (%s-wal): it is a database in use, not a backup; make one with lisa backup", from, from)
	}
	old, err := os.Stat(to)
	exists := err == nil
	switch {
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return 0, fmt.Errorf("restore: %w", err)
	case exists && !old.Mode().IsRegular():
		return 0, fmt.Errorf("restore: %s is not a file", to)
	case exists && os.SameFile(src, old):
		return 0, fmt.Errorf("restore: %s and %s are the same file", from, to)
	case exists && !force:
		return 0, fmt.Errorf("restore: %s exists; stop the server and add --force to replace it", to)
	}
	tmp, err := tempBeside(to, ".restore-")
	if err != nil {
		return 0, err
	}
	defer removeSQLite(tmp) // a no-op once installed
	if err := copyFile(from, tmp); err != nil {
		return 0, fmt.Errorf("restore: %w", err)
	}
	n, err := checkCopy(ctx, tmp)
	if err != nil {
		return n, fmt.Errorf("restore: refusing %s, nothing was replaced: %w", from, err)
	}
	keepOwner(tmp, to, old)
	// A write-ahead log or journal of the database being replaced would be played onto the
	// restored one at its next opening and corrupt it.
	for _, side := range []string{"-wal", "-shm", "-journal"} {
		if err := os.Remove(to + side); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return n, fmt.Errorf("restore: remove the old %s%s: %w", to, side, err)
		}
	}
	return n, install(tmp, to, exists)
}

// checkCopy opens the SQLite file path read-only and checks it: PRAGMA integrity_check must
// answer ok, and the audit trail must verify. It returns the audit entries verified.
func checkCopy(ctx context.Context, path string) (int, error) {
	s, err := OpenReadOnly(ctx, path)
	if err != nil {
		return 0, err
	}
	defer s.Close()
	if err := s.IntegrityCheck(ctx); err != nil {
		return 0, err
	}
	n, err := s.VerifyAudit(ctx)
	if err != nil {
		return n, fmt.Errorf("audit trail: %w", err)
	}
	return n, nil
}

// IntegrityCheck runs SQLite's PRAGMA integrity_check (nil on PostgreSQL, which checks its
// pages itself): an error lists what is wrong.
func (s *Store) IntegrityCheck(ctx context.Context) error {
	if s.d.name != "sqlite" {
		return nil
	}
	var msgs []string
	if err := s.r.SelectContext(ctx, &msgs, `PRAGMA integrity_check(20)`); err != nil {
		return fmt.Errorf("integrity_check: %w", err)
	}
	if len(msgs) == 1 && msgs[0] == "ok" {
		return nil
	}
	return fmt.Errorf("integrity_check: %s", strings.Join(msgs, "; "))
}

// tempBeside makes a new empty file in the directory of path (so that renaming it to path is
// atomic) and returns its name.
func tempBeside(path, tag string) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+tag+"*")
	if err != nil {
		return "", fmt.Errorf("create a file beside %s: %w", path, err)
	}
	name := f.Name()
	if err := f.Close(); err != nil {
		os.Remove(name)
		return "", err
	}
	return name, nil
}

// removeSQLite removes an SQLite file and what SQLite may keep beside it.
func removeSQLite(path string) []error {
	var errs []error
	for _, side := range []string{"", "-wal", "-shm", "-journal"} {
		if err := os.Remove(path + side); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errs
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copy %s: %w", from, err)
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// install moves the finished file tmp to path and makes the rename durable. Without replace
// it never overwrites: a hard link fails when path exists (a file system without hard links
// falls back to a check and a rename).
func install(tmp, path string, replace bool) error {
	if !replace {
		err := os.Link(tmp, path)
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s exists: not overwritten", path)
		}
		if err == nil {
			os.Remove(tmp)
			return syncDir(filepath.Dir(path))
		}
		if _, err := os.Lstat(path); err == nil {
			return fmt.Errorf("%s exists: not overwritten", path)
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("install %s: %w", path, err)
	}
	return syncDir(filepath.Dir(path))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) { // some file systems cannot
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// keepOwner gives the restored file tmp the mode and owner of the database it replaces (or,
// for a new one, the owner of its directory), so that a restore run as root leaves a file
// the server's user can write. Best effort: only root may give files away.
func keepOwner(tmp, to string, old fs.FileInfo) {
	like := old
	if like == nil {
		like, _ = os.Stat(filepath.Dir(to))
	} else {
		_ = os.Chmod(tmp, old.Mode().Perm())
	}
	if like != nil && os.Geteuid() == 0 {
		chownLike(tmp, like)
	}
}
