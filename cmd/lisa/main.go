// Command lisa is the one binary of Lisa: the web server, the demo, migrations and the
// administrator's command-line tools. It only parses configuration and wires packages.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"text/tabwriter"
	"time"
	_ "time/tzdata" // Europe/Stockholm on machines without zoneinfo

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/audit"
	"github.com/lisa-isms/lisa/internal/auth"
	"github.com/lisa-isms/lisa/internal/demo"
	"github.com/lisa-isms/lisa/internal/i18n"
	"github.com/lisa-isms/lisa/internal/remind"
	"github.com/lisa-isms/lisa/internal/store"
	"github.com/lisa-isms/lisa/internal/web"
	"github.com/lisa-isms/lisa/ui"
)

const usage = `Lisa – informationssäkerhet för kommuner (ISMS)

Usage:
  lisa demo   [--addr ADDR] [--db PATH] [--size small|large] [--municipalities N] [--seed N]
                                          start with demo data (creates or reuses PATH);
                                          large adds kommun-L for performance work,
                                          --municipalities 290 the riket set (N small ones)
  lisa serve  [--addr ADDR] [--db DB]     start the server
  lisa migrate [--db DB]                  create or upgrade the database
  lisa user create --username U --name N [--admin] [--db PATH]   (password read from LISA_PASSWORD or stdin)
  lisa token create --user U [--name LABEL] [--db PATH]          print a new API token
  lisa audit verify [--db PATH]           check the audit trail's hash chain (opens the database read-only)
  lisa backup --to FILE [--db DB]         a consistent copy while the server runs (SQLite: VACUUM INTO;
                                          PostgreSQL: pg_dump --format=custom); never overwrites FILE
  lisa restore --from FILE --db PATH [--force]
                                          replace an SQLite database with a checked backup (stop the server first)

DB is an SQLite file (default lisa.db) or a PostgreSQL URL: postgres://user:pass@host:5432/lisa.
Environment: LISA_ADDR, LISA_DB, LISA_SECURE_COOKIES=1 (behind a TLS proxy),
LISA_TRUSTED_PROXIES=10.0.0.1,10.1.0.0/16 (whose X-Forwarded-For to believe), LISA_LOG=json|text,
LISA_SHUTDOWN_GRACE=20s (how long a stopping server waits for open requests),
LISA_MEMORY_LIMIT=128MiB (soft limit of the server's Go memory; off: none; GOMEMLIMIT stands if set).
Review reminders by email (off unless LISA_SMTP_HOST is set): LISA_SMTP_HOST, LISA_SMTP_PORT (587),
LISA_SMTP_USER, LISA_SMTP_PASSWORD, LISA_SMTP_FROM, LISA_SMTP_STARTTLS (1; 0 = off),
LISA_BASE_URL (links in mails, e.g. https://lisa.kommun.se), LISA_REMINDER_DAYS (30,7).
`

// config is every setting, parsed once from flags and LISA_* variables.
type config struct {
	Addr           string
	DB             string
	SecureCookies  bool
	TrustedProxies string
	LogFormat      string
	DemoSize       string // demo: "small" or "large"
	DemoSeed       uint64
	DemoRiket      int // demo: how many generated small municipalities (the riket set); 0 none
	SessionIdle    time.Duration
	SessionMax     time.Duration
	ShutdownGrace  time.Duration // how long a stopping server waits for open requests
	MemoryLimit    string        // the Go runtime's soft memory limit (app.ParseMemoryLimit); "" leaves GOMEMLIMIT's
}

func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// envDuration is the duration in environment variable key (e.g. 30m), or def.
func envDuration(key string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(key)); err == nil {
		return d
	}
	return def
}

func parseConfig(name string, args []string, defDB string, extra func(*flag.FlagSet)) (config, *flag.FlagSet, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	c := config{}
	fs.StringVar(&c.Addr, "addr", env("LISA_ADDR", "127.0.0.1:8080"), "listen address")
	fs.StringVar(&c.DB, "db", env("LISA_DB", defDB), "database: an SQLite file path, or a postgres:// URL")
	fs.BoolVar(&c.SecureCookies, "secure-cookies", env("LISA_SECURE_COOKIES", "") == "1", "mark cookies Secure (behind a TLS proxy)")
	fs.StringVar(&c.LogFormat, "log", env("LISA_LOG", "text"), "log format: text or json")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", env("LISA_TRUSTED_PROXIES", ""), "comma-separated addresses/CIDRs of reverse proxies whose X-Forwarded-For is trusted")
	fs.DurationVar(&c.SessionIdle, "session-idle", envDuration("LISA_SESSION_IDLE", app.DefaultSessionIdle), "a session ends after this long unused (0: only at --session-max)")
	fs.DurationVar(&c.SessionMax, "session-max", envDuration("LISA_SESSION_MAX", 12*time.Hour), "a session ends this long after login, however it is used")
	fs.DurationVar(&c.ShutdownGrace, "shutdown-grace", envDuration("LISA_SHUTDOWN_GRACE", 20*time.Second), "on SIGTERM, how long to wait for open requests before cutting them (keep it below the orchestrator's stop timeout)")
	// GOMEMLIMIT, the Go runtime's own setting, stands when LISA_MEMORY_LIMIT does not say otherwise.
	defLimit := app.DefaultMemoryLimit
	if os.Getenv("GOMEMLIMIT") != "" {
		defLimit = ""
	}
	fs.StringVar(&c.MemoryLimit, "memory-limit", env("LISA_MEMORY_LIMIT", defLimit), "soft limit of the server's Go memory, e.g. 128MiB or 1GiB (off: none); SQLite's caches come on top")
	if extra != nil {
		extra(fs)
	}
	err := fs.Parse(args)
	if err == nil && (c.SessionMax <= 0 || c.SessionIdle < 0) {
		err = errors.New("--session-max must be positive and --session-idle not negative")
	}
	if err == nil && c.ShutdownGrace <= 0 {
		err = errors.New("--shutdown-grace must be positive")
	}
	if err == nil && c.MemoryLimit != "" {
		if _, perr := app.ParseMemoryLimit(c.MemoryLimit); perr != nil {
			err = fmt.Errorf("--memory-limit (LISA_MEMORY_LIMIT): %w", perr)
		}
	}
	return c, fs, err
}

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "lisa:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		c, _, err := parseConfig("serve", rest, "lisa.db", nil)
		if err != nil {
			return err
		}
		return serve(ctx, c, stdout, false)
	case "demo":
		var size string
		var seed uint64
		var muns int
		c, _, err := parseConfig("demo", rest, "lisa-demo.db", func(fs *flag.FlagSet) {
			fs.IntVar(&muns, "municipalities", 0, "also the riket set: this many small generated municipalities (290: the whole country)")
			fs.StringVar(&size, "size", "small", "small: Exempelkommun and Grannkommun; large: also kommun-L (Storstad: 100,000 documents, 10,000 assets, 30,000 risks, 3,000 people, 2,000,000 audit entries)")
			fs.Uint64Var(&seed, "seed", 1, "seed of the large dataset")
		})
		if err != nil {
			return err
		}
		if size != "small" && size != "large" {
			return fmt.Errorf("--size must be small or large, not %q", size)
		}
		if muns < 0 || muns > 999 {
			return fmt.Errorf("--municipalities must be between 0 and 999, not %d", muns)
		}
		c.DemoSize, c.DemoSeed, c.DemoRiket = size, seed, muns
		return serve(ctx, c, stdout, true)
	case "migrate":
		c, _, err := parseConfig("migrate", rest, "lisa.db", nil)
		if err != nil {
			return err
		}
		s, err := store.Open(ctx, c.DB)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, "migrated", store.Redact(c.DB))
		return s.Close()
	case "user":
		return userCmd(ctx, rest, stdin, stdout)
	case "token":
		return tokenCmd(ctx, rest, stdout)
	case "audit":
		return auditCmd(ctx, rest, stdout)
	case "backup":
		return backupCmd(ctx, rest, stdout)
	case "restore":
		return restoreCmd(ctx, rest, stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

func newLogger(c config, w io.Writer) *slog.Logger {
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

func serve(ctx context.Context, c config, stdout io.Writer, withDemo bool) error {
	log := newLogger(c, stdout)
	app.LimitMallocArenas()
	if c.MemoryLimit != "" {
		if err := app.ApplyMemoryLimit(c.MemoryLimit); err != nil {
			return err
		}
	}
	// The dummy hash a login of an unknown user is checked against, made now rather than at
	// the first such login (which would take longer than the others and tell them apart).
	go auth.WarmUp()
	s, err := openStore(ctx, c.DB)
	if err != nil {
		return err
	}
	defer s.Close()
	a, err := app.New(s)
	if err != nil {
		return err
	}
	a.SessionTTL, a.SessionIdle = c.SessionMax, c.SessionIdle
	if s.ReadOnly() {
		log.Warn("the database is read-only: pages can be read, but every change, logging in included, answers 503 until it can be written again",
			"db", store.Redact(c.DB))
	} else if err := a.EnsureStatements(ctx); err != nil {
		// Every municipality has a statement-of-applicability row for each shipped control,
		// including controls added to the catalogs since it was set up.
		return fmt.Errorf("statements of applicability: %w", err)
	}
	if withDemo {
		seeded, err := demo.Seeded(ctx, a)
		if err != nil {
			return err
		}
		if !seeded {
			if err := demo.Seed(ctx, a); err != nil {
				return fmt.Errorf("load demo data: %w", err)
			}
		}
		if c.DemoSize == "large" {
			has, err := demo.HasLarge(ctx, a)
			if err != nil {
				return err
			}
			if !has {
				if err := demo.SeedLarge(ctx, a, s, demo.KommunL, c.DemoSeed, stdout); err != nil {
					return fmt.Errorf("load kommun-L: %w", err)
				}
			}
		}
		if c.DemoRiket > 0 {
			has, err := demo.HasRiket(ctx, a)
			if err != nil {
				return err
			}
			if !has {
				if err := demo.SeedRiket(ctx, a, s, c.DemoRiket, c.DemoSeed, stdout); err != nil {
					return fmt.Errorf("load the riket set: %w", err)
				}
			}
		}
	}
	var proxies []string
	for _, p := range strings.Split(c.TrustedProxies, ",") {
		if p = strings.TrimSpace(p); p != "" {
			proxies = append(proxies, p)
		}
	}
	h, err := web.New(a, web.Options{SecureCookies: c.SecureCookies, TrustedProxies: proxies, Logger: log})
	if err != nil {
		return err
	}
	rcfg, mailer, err := remind.FromEnv(os.Getenv)
	if err != nil {
		return err
	}
	texts, err := i18n.Load(ui.FS) // the words of the reminder mails
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 5 * time.Minute, WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute}
	var conns atomic.Int64 // open connections, for the log when the shutdown grace passes
	srv.ConnState = func(_ net.Conn, st http.ConnState) {
		switch st {
		case http.StateNew:
			conns.Add(1)
		case http.StateClosed, http.StateHijacked:
			conns.Add(-1)
		}
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if withDemo {
		demo.PrintLogins(stdout, "http://"+ln.Addr().String())
	}
	log.Info("listening", "addr", ln.Addr().String(), "db", store.Redact(c.DB), "database", s.Dialect())
	// Reminders always come as in-app notifications; by email too when SMTP is configured.
	sch := &remind.Scheduler{Store: s, Clock: func() time.Time { return s.Now() }, Config: rcfg, Logger: log.With("component", "remind"), Texts: texts}
	switch {
	case s.ReadOnly():
		log.Warn("reminders off: the database is read-only")
	case mailer != nil:
		sch.Mailer = mailer
		log.Info("email reminders on", "smtp", mailer.Host, "days", rcfg.Thresholds)
	default:
		log.Info("email reminders off (LISA_SMTP_HOST not set); in-app notifications on")
	}
	remindDone := make(chan struct{})
	if s.ReadOnly() { // planning reminders writes
		close(remindDone)
	} else {
		go func() { defer close(remindDone); sch.Run(ctx) }()
	}
	defer func() { stop(); <-remindDone }()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	stop() // ends the reminder scheduler too
	// No new connections from now on; open requests have the grace to finish. Past it they
	// are cut and the server still exits 0: stopping was asked for, and it stopped.
	log.Info("shutting down", "grace", c.ShutdownGrace.String(), "connections", conns.Load())
	sctx, cancel := context.WithTimeout(context.Background(), c.ShutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		if !errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("shut down: %w", err)
		}
		log.Warn("shutdown grace passed: cut the connections still open", "grace", c.ShutdownGrace.String(), "connections", conns.Load())
		_ = srv.Close()
	}
	<-remindDone
	log.Info("shut down")
	return nil
}

// openStore opens the server's database (tests open it read-only where chmod cannot).
var openStore = store.Open

func openApp(ctx context.Context, db string) (*app.App, func(), error) {
	s, err := store.Open(ctx, db)
	if err != nil {
		return nil, nil, err
	}
	a, err := app.New(s)
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	return a, func() { s.Close() }, nil
}

func tokenCmd(ctx context.Context, args []string, stdout io.Writer) error {
	const usage = `usage: lisa token create --user USERNAME [--name LABEL] [--days N] [--db PATH]
       lisa token list --user USERNAME [--db PATH]
       lisa token revoke --user USERNAME --id ID [--db PATH]`
	if len(args) == 0 || (args[0] != "create" && args[0] != "list" && args[0] != "revoke") {
		return errors.New(usage)
	}
	var user, name string
	var days int
	var id int64
	c, _, err := parseConfig("token "+args[0], args[1:], "lisa.db", func(fs *flag.FlagSet) {
		fs.StringVar(&user, "user", "", "username the token acts as")
		if args[0] == "create" {
			fs.StringVar(&name, "name", "api", "label for the token")
			fs.IntVar(&days, "days", 365, "days until the token expires (at most 3650)")
		}
		if args[0] == "revoke" {
			fs.Int64Var(&id, "id", 0, "id of the token (lisa token list)")
		}
	})
	if err != nil {
		return err
	}
	if user == "" {
		return errors.New("--user is required")
	}
	if args[0] == "revoke" && id <= 0 {
		return errors.New("--id is required")
	}
	a, done, err := openApp(ctx, c.DB)
	if err != nil {
		return err
	}
	defer done()
	switch args[0] {
	case "list":
		ts, err := a.APITokensOf(ctx, user)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tNAME\tCREATED\tLAST USED\tEXPIRES")
		for _, t := range ts {
			used := "never"
			if t.LastUsedAt != nil {
				used = t.LastUsedAt.UTC().Format(time.RFC3339)
			}
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.CreatedAt.UTC().Format(time.RFC3339), used, t.ExpiresAt.UTC().Format(time.RFC3339))
		}
		return w.Flush()
	case "revoke":
		if err := a.RevokeAPITokenOf(ctx, user, id); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "token %d revoked\n", id)
		return nil
	}
	tok, err := a.CreateAPIToken(ctx, user, name, days)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, tok.Token)
	return nil
}

func userCmd(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: lisa user create --username U --name N [--admin] [--db PATH]")
	}
	var in app.UserInput
	c, _, err := parseConfig("user create", args[1:], "lisa.db", func(fs *flag.FlagSet) {
		fs.StringVar(&in.Username, "username", "", "login name")
		fs.StringVar(&in.Name, "name", "", "full name")
		fs.StringVar(&in.Email, "email", "", "email address")
		fs.BoolVar(&in.IsAdmin, "admin", false, "make the user an administrator")
	})
	if err != nil {
		return err
	}
	in.Password = os.Getenv("LISA_PASSWORD")
	if in.Password == "" {
		b, err := io.ReadAll(io.LimitReader(stdin, 1024))
		if err != nil {
			return err
		}
		in.Password = string(trimNewline(b))
	}
	a, done, err := openApp(ctx, c.DB)
	if err != nil {
		return err
	}
	defer done()
	u, err := a.CreateUserCLI(ctx, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created user %s (id %d)\n", u.Username, u.ID)
	return nil
}

func trimNewline(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

func auditCmd(ctx context.Context, args []string, stdout io.Writer) error {
	const usage = "usage: lisa audit verify [--db PATH] [--municipality ID] [--anchor CHAIN/SEQ:HASH (repeatable)]"
	if len(args) == 0 || args[0] != "verify" {
		return errors.New(usage)
	}
	var anchors []audit.Anchor
	var only int64 = -1
	c, _, err := parseConfig("audit verify", args[1:], "lisa.db", func(fs *flag.FlagSet) {
		fs.Int64Var(&only, "municipality", -1, "verify only this municipality's chain (0: the system chain of logins and accounts)")
		fs.Func("anchor", "a chain's CHAIN/SEQ:HASH noted earlier (repeatable); it must still be there, unchanged", func(v string) error {
			a, err := audit.ParseAnchor(v)
			if err == nil {
				anchors = append(anchors, a)
			}
			return err
		})
	})
	if err != nil {
		return err
	}
	// Read-only, no migrations: an auditor may check a copy they may only read, and verifying
	// never creates, upgrades or repairs (the append-only triggers) what it checks.
	s, err := store.OpenReadOnly(ctx, c.DB)
	if err != nil {
		return err
	}
	defer s.Close()
	var chain *int64
	if only >= 0 {
		chain = &only
	}
	names := map[int64]string{0: "system events: logins, accounts"}
	if ms, err := s.ListMunicipalities(ctx, true, nil); err == nil {
		for _, m := range ms {
			names[m.ID] = m.Name
		}
	}
	reports, err := s.VerifyChains(ctx, chain, anchors...)
	n := 0
	for _, r := range reports {
		n += r.Count
	}
	var be *audit.BrokenError
	if errors.As(err, &be) {
		return fmt.Errorf("%w (%d entries before it verified)", be, n)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "audit trail intact: %d entries verified on %d chains\n", n, len(reports))
	for _, r := range reports {
		if r.Legacy {
			fmt.Fprintf(stdout, "legacy chain (entries before the chains were split): %d entries, head %s\n", r.Count, r.Head)
			continue
		}
		head := "empty"
		if r.Head.ID > 0 {
			head = "head " + r.Head.String()
		}
		fmt.Fprintf(stdout, "chain %d (%s): %d entries, %s\n", r.Chain, names[r.Chain], r.Count, head)
	}
	for _, a := range anchors {
		fmt.Fprintf(stdout, "anchor %s found unchanged\n", a)
	}
	fmt.Fprintln(stdout, "note each head (CHAIN/SEQ:HASH) down: --anchor later detects entries cut off since")
	return nil
}

func backupCmd(ctx context.Context, args []string, stdout io.Writer) error {
	var to string
	c, _, err := parseConfig("backup", args, "lisa.db", func(fs *flag.FlagSet) {
		fs.StringVar(&to, "to", "", "the new file to write the backup to (an existing file is never overwritten)")
	})
	if err != nil {
		return err
	}
	if to == "" {
		return errors.New("usage: lisa backup --to FILE [--db DB]")
	}
	start := time.Now()
	if err := store.Backup(ctx, c.DB, to); err != nil {
		return err
	}
	var size int64
	if fi, err := os.Stat(to); err == nil {
		size = fi.Size()
	}
	fmt.Fprintf(stdout, "backup of %s written to %s (%d bytes in %s)\n", store.Redact(c.DB), to, size, time.Since(start).Round(time.Millisecond))
	return nil
}

func restoreCmd(ctx context.Context, args []string, stdout io.Writer) error {
	const usage = "usage: lisa restore --from FILE --db PATH [--force]   (stop the server first)"
	var from string
	var force bool
	c, fs, err := parseConfig("restore", args, "", func(fs *flag.FlagSet) {
		fs.StringVar(&from, "from", "", "the backup to restore (made by lisa backup)")
		fs.BoolVar(&force, "force", false, "replace the database at --db if there is one")
	})
	if err != nil {
		return err
	}
	named := false // the database to replace is named on the command line, not taken from LISA_DB
	fs.Visit(func(f *flag.Flag) { named = named || f.Name == "db" })
	if from == "" || !named {
		return errors.New(usage)
	}
	n, err := store.Restore(ctx, from, c.DB, force)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s to %s: integrity_check ok, audit trail intact (%d entries verified); start the server again\n", from, c.DB, n)
	return nil
}
