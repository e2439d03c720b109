package remind

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"strconv"
	"strings"
	"time"
)

// Mailer sends one plain-text mail.
type Mailer interface {
	Send(ctx context.Context, to, subject, body string) error
}

// DefaultSMTPTimeout bounds connecting to the mail server, and (doubled) one whole delivery.
const DefaultSMTPTimeout = 30 * time.Second

// SMTPMailer sends through an SMTP relay with net/smtp: STARTTLS when asked (the server's
// certificate is verified against Host), PLAIN authentication when Username is set (net/smtp
// sends it only over TLS or to localhost). The password is never logged: the mailer logs as
// its host, port and user only.
type SMTPMailer struct {
	Host     string
	Port     int
	Username string
	Password string
	From     string // "lisa@kommun.se" or "Lisa <lisa@kommun.se>"
	StartTLS bool

	// Timeout bounds the dial and, doubled, one delivery (0: DefaultSMTPTimeout).
	Timeout time.Duration
	// TLSConfig replaces tls.Config{ServerName: Host} for STARTTLS (tests: a private CA).
	TLSConfig *tls.Config
	// HeloName is the name given in EHLO ("localhost" when empty).
	HeloName string
}

// String names the mailer without its password.
func (m *SMTPMailer) String() string {
	return fmt.Sprintf("smtp://%s@%s", m.Username, net.JoinHostPort(m.Host, strconv.Itoa(m.Port)))
}

// LogValue keeps the password out of structured logs.
func (m *SMTPMailer) LogValue() slog.Value {
	return slog.GroupValue(slog.String("host", m.Host), slog.Int("port", m.Port), slog.String("user", m.Username),
		slog.Bool("starttls", m.StartTLS))
}

// Send delivers one mail. It gives up when ctx ends or the timeout passes.
func (m *SMTPMailer) Send(ctx context.Context, to, subject, body string) error {
	from, err := mail.ParseAddress(m.From)
	if err != nil {
		return fmt.Errorf("smtp: bad sender address %q: %w", m.From, err)
	}
	rcpt, err := mail.ParseAddress(to)
	if err != nil {
		return fmt.Errorf("smtp: bad recipient address %q: %w", to, err)
	}
	msg, err := buildMessage(from, rcpt, subject, body, time.Now())
	if err != nil {
		return err
	}
	timeout := m.Timeout
	if timeout <= 0 {
		timeout = DefaultSMTPTimeout
	}
	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(m.Host, strconv.Itoa(m.Port)))
	if err != nil {
		return fmt.Errorf("smtp: connect: %w", err)
	}
	deadline := time.Now().Add(2 * timeout)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	_ = conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	c, err := smtp.NewClient(conn, m.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("smtp: greeting: %w", err)
	}
	defer c.Close()
	helo := m.HeloName
	if helo == "" {
		helo = "localhost"
	}
	if err := c.Hello(helo); err != nil {
		return fmt.Errorf("smtp: EHLO: %w", err)
	}
	if m.StartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return errors.New("smtp: the server does not offer STARTTLS")
		}
		cfg := m.TLSConfig
		if cfg == nil {
			cfg = &tls.Config{ServerName: m.Host, MinVersion: tls.VersionTLS12}
		}
		if err := c.StartTLS(cfg); err != nil {
			return fmt.Errorf("smtp: STARTTLS: %w", err)
		}
	}
	if m.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", m.Username, m.Password, m.Host)); err != nil {
			return fmt.Errorf("smtp: authenticate as %s: %w", m.Username, err)
		}
	}
	if err := c.Mail(from.Address); err != nil {
		return fmt.Errorf("smtp: MAIL FROM: %w", err)
	}
	if err := c.Rcpt(rcpt.Address); err != nil {
		return fmt.Errorf("smtp: RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("smtp: DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("smtp: write message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtp: end of message: %w", err)
	}
	_ = c.Quit() // the message was accepted at the end of DATA; a failed QUIT does not undo that
	return nil
}

// buildMessage renders an RFC 5322 message: UTF-8 plain text, quoted-printable, CRLF lines,
// the subject encoded per RFC 2047, marked as automatically generated (RFC 3834) so that
// out-of-office replies stay away.
func buildMessage(from, to *mail.Address, subject, body string, now time.Time) ([]byte, error) {
	subject = strings.Join(strings.Fields(subject), " ") // no CR/LF: no header injection
	var b bytes.Buffer
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", from.String())
	header("To", to.String())
	header("Subject", mime.QEncoding.Encode("utf-8", subject))
	header("Date", now.Format(time.RFC1123Z))
	domain := "lisa.invalid"
	if at := strings.LastIndexByte(from.Address, '@'); at >= 0 {
		domain = from.Address[at+1:]
	}
	header("Message-ID", "<"+strings.ToLower(rand.Text())+"@"+domain+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	body = strings.ReplaceAll(body, "\r\n", "\n")
	if !strings.HasSuffix(body, "\n") {
		body += "\n"
	}
	if _, err := qp.Write([]byte(body)); err != nil {
		return nil, fmt.Errorf("encode message: %w", err)
	}
	if err := qp.Close(); err != nil {
		return nil, fmt.Errorf("encode message: %w", err)
	}
	return b.Bytes(), nil
}
