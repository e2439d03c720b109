package remind_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/lisa-isms/lisa/internal/remind"
)

// selfSigned makes a certificate for 127.0.0.1 and the pool that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test smtp"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

func TestSMTPMailerMessage(t *testing.T) {
	srv := startSMTP(t, 0, nil, nil)
	m := &remind.SMTPMailer{Host: "127.0.0.1", Port: srv.Port, From: "Lisa i Ankeby <lisa@ankeby.se>"}
	subject := "Lisa: 2 poster att granska – åäö\r\nBcc: evil@example.com"
	body := "Hej Åsa!\n\nEn rad som är längre än sjuttiosex tecken, så att quoted-printable måste bryta den mjukt någonstans.\n.\nSlut."
	if err := m.Send(context.Background(), "Åsa Öberg <asa@ankeby.se>", subject, body); err != nil {
		t.Fatal(err)
	}
	msgs := srv.messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	got := msgs[0]
	if got.From != "lisa@ankeby.se" || len(got.To) != 1 || got.To[0] != "asa@ankeby.se" || got.User != "" || got.TLS {
		t.Errorf("envelope %+v", got)
	}
	if got.Subject != "Lisa: 2 poster att granska – åäö Bcc: evil@example.com" || got.Header.Get("Bcc") != "" {
		t.Errorf("subject %q, Bcc %q", got.Subject, got.Header.Get("Bcc"))
	}
	if got.Body != body+"\n" { // the message ends with a line break
		t.Errorf("body %q, want %q", got.Body, body+"\n")
	}
	for _, h := range []string{"Date", "Message-ID", "MIME-Version"} {
		if got.Header.Get(h) == "" {
			t.Errorf("no %s header", h)
		}
	}
	for _, line := range strings.Split(string(got.Raw), "\r\n") {
		if len(line) > 78 && !strings.HasPrefix(line, "Subject:") {
			t.Errorf("line of %d octets: %q", len(line), line)
		}
	}
	if err := m.Send(context.Background(), "inte en adress", "x", "y"); err == nil {
		t.Error("bad recipient accepted")
	}
}

func TestSMTPMailerAuthAndStartTLS(t *testing.T) {
	cert, pool := selfSigned(t)
	users := map[string]string{"lisa": "rätt-lösen"}
	srv := startSMTP(t, 0, &tls.Config{Certificates: []tls.Certificate{cert}}, users)
	m := &remind.SMTPMailer{Host: "127.0.0.1", Port: srv.Port, From: "lisa@ankeby.se", Username: "lisa", Password: "rätt-lösen", StartTLS: true}

	// The server's certificate is checked: a self-signed one is refused by default.
	err := m.Send(context.Background(), "a@ankeby.se", "x", "y")
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("untrusted certificate: %v", err)
	}
	m.TLSConfig = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
	if err := m.Send(context.Background(), "a@ankeby.se", "Hej", "Hej"); err != nil {
		t.Fatalf("with TLS and auth: %v", err)
	}
	if msgs := srv.messages(); len(msgs) != 1 || !msgs[0].TLS || msgs[0].User != "lisa" {
		t.Errorf("messages %+v", msgs)
	}
	m.Password = "fel"
	if err := m.Send(context.Background(), "a@ankeby.se", "x", "y"); err == nil || strings.Contains(err.Error(), "fel") {
		t.Errorf("wrong password: %v", err)
	}

	// Without TLS, net/smtp sends no password to anyone but localhost; and STARTTLS asked for
	// but not offered is an error, not a silent fallback to plain text.
	plain := startSMTP(t, 0, nil, nil)
	m2 := &remind.SMTPMailer{Host: "127.0.0.1", Port: plain.Port, From: "lisa@ankeby.se", StartTLS: true}
	if err := m2.Send(context.Background(), "a@ankeby.se", "x", "y"); err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("no STARTTLS offered: %v", err)
	}
}

func TestSMTPMailerTimeouts(t *testing.T) {
	// A server that accepts and then says nothing.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	m := &remind.SMTPMailer{Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port, From: "lisa@ankeby.se", Timeout: 100 * time.Millisecond}
	start := time.Now()
	if err := m.Send(context.Background(), "a@ankeby.se", "x", "y"); err == nil {
		t.Error("a silent server accepted the mail")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("gave up after %v", d)
	}
	m.Timeout = time.Minute
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start = time.Now()
	if err := m.Send(ctx, "a@ankeby.se", "x", "y"); err == nil {
		t.Error("a silent server accepted the mail")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("ctx ignored: gave up after %v", d)
	}
}
