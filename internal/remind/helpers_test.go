package remind_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	_ "github.com/mattn/go-sqlite3"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/remind"
	"github.com/lisa-isms/lisa/internal/store"
	"github.com/lisa-isms/lisa/internal/storetest"
)

// ---- an SMTP server in the test process ----

// message is one mail the test server accepted, decoded.
type message struct {
	From     string   // envelope
	To       []string // envelope
	User     string   // authenticated as ("" without AUTH)
	TLS      bool
	Header   mail.Header
	Subject  string // decoded
	Body     string // decoded, LF line ends
	Raw      []byte
	received time.Time
}

// smtpServer records every message it accepts.
type smtpServer struct {
	t        *testing.T
	srv      *smtp.Server
	Port     int
	mu       sync.Mutex
	msgs     []message
	users    map[string]string // username -> password; nil: no AUTH
	failRcpt string            // refuse this recipient (permanent error)
}

// startSMTP serves on 127.0.0.1:port (0: any free port).
func startSMTP(t *testing.T, port int, tlsConf *tls.Config, users map[string]string) *smtpServer {
	t.Helper()
	s := &smtpServer{t: t, users: users}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		_, isTLS := c.TLSConnectionState()
		return &smtpSession{s: s, tls: isTLS, conn: c}, nil
	}))
	s.srv.Domain = "localhost"
	s.srv.TLSConfig = tlsConf
	s.srv.AllowInsecureAuth = tlsConf == nil
	s.srv.ReadTimeout = 10 * time.Second
	s.srv.WriteTimeout = 10 * time.Second
	s.srv.ErrorLog = log.New(io.Discard, "", 0)
	var l net.Listener
	var err error
	for range 50 { // a port just freed may take a moment to be free again
		if l, err = net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port))); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	s.Port = l.Addr().(*net.TCPAddr).Port
	go s.srv.Serve(l)
	t.Cleanup(func() { s.srv.Close() })
	return s
}

// freePort returns a loopback port with nothing listening on it.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return p
}

func (s *smtpServer) messages() []message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]message(nil), s.msgs...)
}

// to returns the messages to address, in order.
func (s *smtpServer) to(addr string) []message {
	var out []message
	for _, m := range s.messages() {
		for _, r := range m.To {
			if r == addr {
				out = append(out, m)
			}
		}
	}
	return out
}

type smtpSession struct {
	s    *smtpServer
	tls  bool
	conn *smtp.Conn
	user string
	from string
	to   []string
}

func (ss *smtpSession) AuthMechanisms() []string {
	if ss.s.users == nil {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *smtpSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if want, ok := ss.s.users[username]; !ok || want != password {
			return errors.New("invalid username or password")
		}
		ss.user = username
		return nil
	}), nil
}

func (ss *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.users != nil && ss.user == "" {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if to == ss.s.failRcpt {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *smtpSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := message{From: ss.from, To: ss.to, User: ss.user, Raw: raw, received: time.Now()}
	_, m.TLS = ss.conn.TLSConnectionState()
	if pm, err := mail.ReadMessage(bytes.NewReader(raw)); err == nil {
		m.Header = pm.Header
		m.Subject, _ = new(mime.WordDecoder).DecodeHeader(pm.Header.Get("Subject"))
		body := io.Reader(pm.Body)
		if strings.EqualFold(pm.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			body = quotedprintable.NewReader(pm.Body)
		}
		b, _ := io.ReadAll(body)
		m.Body = strings.ReplaceAll(string(b), "\r\n", "\n")
	}
	ss.s.mu.Lock()
	ss.s.msgs = append(ss.s.msgs, m)
	ss.s.mu.Unlock()
	return nil
}

func (ss *smtpSession) Reset()        { ss.from, ss.to = "", nil }
func (ss *smtpSession) Logout() error { return nil }

// ---- a Lisa database with a clock ----

type env struct {
	t     *testing.T
	ctx   context.Context
	path  string
	mu    sync.Mutex
	clock time.Time
	s     *store.Store
	mun   int64
	unit  int64
	admin int64
}

const baseURL = "https://lisa.ankeby.se"

var sys = store.Actor{Name: "test", IP: "local"}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background(), path: storetest.DSN(t),
		clock: time.Date(2025, time.May, 10, 6, 0, 0, 0, time.UTC)} // Saturday 10 May, 08:00 in Sweden
	e.s = e.open()
	m := domain.Municipality{Name: "Ankeby kommun"}
	if err := e.s.CreateMunicipality(e.ctx, sys, &m); err != nil {
		t.Fatal(err)
	}
	e.mun = m.ID
	u := domain.OrgUnit{MunicipalityID: e.mun, Name: "Socialförvaltningen", Kind: domain.UnitForvaltning}
	if err := e.s.SaveOrgUnit(e.ctx, sys, &u); err != nil {
		t.Fatal(err)
	}
	e.unit = u.ID
	e.admin = e.person("writer", "", "")
	return e
}

// open opens a Store on the database: another one is another server.
func (e *env) open() *store.Store {
	e.t.Helper()
	s, err := store.Open(e.ctx, e.path)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { s.Close() })
	s.Now = e.now
	return s
}

func (e *env) now() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.clock
}

func (e *env) advance(d time.Duration) {
	e.mu.Lock()
	e.clock = e.clock.Add(d)
	e.mu.Unlock()
}

func (e *env) person(username, name, email string) int64 {
	e.t.Helper()
	if name == "" {
		name = username
	}
	u := domain.User{Username: username, Name: name, Email: email}
	if err := e.s.CreateUser(e.ctx, sys, &u); err != nil {
		e.t.Fatal(err)
	}
	return u.ID
}

func (e *env) grant(user int64, role domain.Role) {
	e.t.Helper()
	if err := e.s.GrantRole(e.ctx, sys, domain.RoleAssignment{UserID: user, MunicipalityID: e.mun, Role: role}); err != nil {
		e.t.Fatal(err)
	}
}

// record creates a governing document owned by owner and due on next.
func (e *env) record(title string, owner int64, next string) int64 {
	e.t.Helper()
	d := domain.Document{Record: domain.Record{MunicipalityID: e.mun}}
	typ := "policy"
	in := domain.DocumentInput{Type: &typ, Title: &title, OrgUnitID: &e.unit, NextReviewAt: &next}
	if owner != 0 {
		in.OwnerID = &owner
	}
	if _, err := domain.ApplyDocument(&d, in, e.s.Today()); err != nil {
		e.t.Fatal(err)
	}
	if err := e.s.CreateDocument(e.ctx, store.Actor{ID: &e.admin, Name: "writer", IP: "local"}, &d, ""); err != nil {
		e.t.Fatal(err)
	}
	return d.ID
}

// scheduler is a Scheduler on s (nil: the env's store) sending to port.
func (e *env) scheduler(s *store.Store, port int) *remind.Scheduler {
	if s == nil {
		s = e.s
	}
	return &remind.Scheduler{
		Store:  s,
		Mailer: &remind.SMTPMailer{Host: "127.0.0.1", Port: port, From: "Lisa <lisa@ankeby.se>", Timeout: 5 * time.Second},
		Clock:  e.now,
		Config: remind.Config{BaseURL: baseURL},
		Logger: slog.New(slog.DiscardHandler),
	}
}

func (e *env) runOnce(sch *remind.Scheduler) {
	e.t.Helper()
	if err := sch.RunOnce(e.ctx); err != nil {
		e.t.Fatalf("RunOnce: %v", err)
	}
}

// outbox is every outbox row as the administrator sees it, oldest first.
func (e *env) outbox() []store.OutboxMail {
	e.t.Helper()
	l, err := e.s.ListOutbox(e.ctx, "", 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	for i, j := 0, len(l)-1; i < j; i, j = i+1, j-1 {
		l[i], l[j] = l[j], l[i]
	}
	return l
}
