package auth

import (
	"encoding/base64"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

var fast = Hasher{Cost: bcrypt.MinCost}

func TestHashAndCheck(t *testing.T) {
	h, err := fast.Hash("korrekt häst batteri")
	if err != nil {
		t.Fatal(err)
	}
	if h == "korrekt häst batteri" || !strings.HasPrefix(h, "$2") {
		t.Fatalf("hash %q is not a bcrypt hash", h)
	}
	if cost, err := bcrypt.Cost([]byte(h)); err != nil || cost != bcrypt.MinCost {
		t.Errorf("cost = %d, %v", cost, err)
	}
	if !Check(h, "korrekt häst batteri") {
		t.Error("right password refused")
	}
	for _, wrong := range []string{"", "korrekt häst batteri ", "Korrekt häst batteri", "korrekt"} {
		if Check(h, wrong) {
			t.Errorf("wrong password %q accepted", wrong)
		}
	}
	// Salted: the same password hashes differently each time.
	h2, _ := fast.Hash("korrekt häst batteri")
	if h2 == h {
		t.Error("two hashes of one password are equal")
	}
	// A garbage hash never matches.
	if Check("not-a-hash", "korrekt häst batteri") {
		t.Error("garbage hash matched")
	}
}

// dummyHashesAtStart is how many dummy hashes initialising the package (its variables and
// init functions, before TestMain) made: none, so `lisa help` does not wait for bcrypt.
var dummyHashesAtStart int32

func TestMain(m *testing.M) {
	dummyHashesAtStart = dummyHashesMade.Load()
	os.Exit(m.Run())
}

func TestCheckEmptyHash(t *testing.T) {
	if dummyHashesAtStart != 0 {
		t.Errorf("the package made %d dummy hashes at initialisation, want 0", dummyHashesAtStart)
	}
	for _, pw := range []string{"", "x", "lisa-no-such-user"} {
		if Check("", pw) {
			t.Errorf("Check(\"\", %q) = true", pw)
		}
	}
	// Made once, at the first check without a hash, at the cost real hashes have, so an
	// unknown user takes as long as a wrong password.
	if n := dummyHashesMade.Load(); n != 1 {
		t.Errorf("%d dummy hashes made, want 1", n)
	}
	WarmUp()
	if n := dummyHashesMade.Load(); n != 1 {
		t.Errorf("%d dummy hashes made after WarmUp, want 1", n)
	}
	if cost, err := bcrypt.Cost(dummyHash()); err != nil || cost != bcrypt.DefaultCost {
		t.Errorf("dummy hash cost = %d, %v; want %d", cost, err, bcrypt.DefaultCost)
	}
}

func TestHashLength(t *testing.T) {
	if _, err := fast.Hash(strings.Repeat("a", MaxPasswordBytes)); err != nil {
		t.Errorf("72 bytes refused: %v", err)
	}
	if _, err := fast.Hash(strings.Repeat("a", MaxPasswordBytes+1)); err == nil {
		t.Error("73 bytes accepted (bcrypt would silently truncate)")
	}
	// 72 bytes of å is 144 bytes: refused, the limit is in bytes.
	if _, err := fast.Hash(strings.Repeat("å", 37)); err == nil {
		t.Error("74-byte password accepted")
	}
}

func TestDefaultCost(t *testing.T) {
	if testing.Short() {
		t.Skip("bcrypt default cost is slow")
	}
	h, err := Hasher{}.Hash("password123")
	if err != nil {
		t.Fatal(err)
	}
	if cost, _ := bcrypt.Cost([]byte(h)); cost != bcrypt.DefaultCost {
		t.Errorf("zero Cost gave cost %d, want default %d", cost, bcrypt.DefaultCost)
	}
}

func TestNewToken(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		tok := NewToken()
		b, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil || len(b) != 32 {
			t.Fatalf("token %q: %d bytes, %v", tok, len(b), err)
		}
		if seen[tok] {
			t.Fatalf("token repeated: %q", tok)
		}
		seen[tok] = true
	}
}

func TestEqual(t *testing.T) {
	if !Equal("abc", "abc") || Equal("abc", "abd") || Equal("abc", "ab") || Equal("", "") || Equal("", "x") {
		t.Error("Equal wrong")
	}
}

// clock is a settable time for the throttle.
type clock struct{ t time.Time }

func (c *clock) now() time.Time                  { return c.t }
func (c *clock) advance(d time.Duration)         { c.t = c.t.Add(d) }
func newThrottle(c *clock) *Throttle             { th := NewThrottle(); th.Now = c.now; return th }
func blocked(th *Throttle, acct, ip string) bool { b, _ := th.Blocked(acct, ip); return b }

func TestThrottlePerAccount(t *testing.T) {
	c := &clock{time.Date(2025, 5, 10, 8, 0, 0, 0, time.UTC)}
	th := newThrottle(c)
	for i := 1; i <= 5; i++ {
		if blocked(th, "anna", "192.0.2.1") {
			t.Fatalf("blocked before failure %d", i)
		}
		// Failures spread over addresses: the account limit holds across them.
		th.Fail("anna", fmt.Sprintf("192.0.2.%d", i))
		c.advance(time.Minute)
	}
	b, wait := th.Blocked("anna", "198.51.100.7")
	if !b {
		t.Fatal("not blocked after 5 failures")
	}
	// The first failure was 5 minutes ago; it leaves the window in 10.
	if wait != 10*time.Minute {
		t.Errorf("wait = %v, want 10m", wait)
	}
	if blocked(th, "bertil", "198.51.100.7") {
		t.Error("another account on a clean address is blocked")
	}
	// After the first failure leaves the window, one more attempt is allowed.
	c.advance(10*time.Minute - time.Second)
	if !blocked(th, "anna", "198.51.100.7") {
		t.Error("unblocked a second early")
	}
	c.advance(time.Second)
	if blocked(th, "anna", "198.51.100.7") {
		t.Error("still blocked when the first failure left the window")
	}
	th.Fail("anna", "198.51.100.7")
	if !blocked(th, "anna", "198.51.100.7") {
		t.Error("not blocked again after a fresh failure within the window")
	}
	// After the whole window, nothing is left.
	c.advance(15 * time.Minute)
	if blocked(th, "anna", "198.51.100.7") {
		t.Error("blocked after the window")
	}
}

func TestThrottlePerIP(t *testing.T) {
	c := &clock{time.Date(2025, 5, 10, 8, 0, 0, 0, time.UTC)}
	th := newThrottle(c)
	ip := "203.0.113.9"
	for i := range 19 {
		th.Fail(fmt.Sprintf("user%d", i), ip) // never 5 on one account
	}
	if blocked(th, "someone", ip) {
		t.Fatal("blocked after 19 failures from one address")
	}
	th.Fail("user19", ip)
	if !blocked(th, "someone", ip) {
		t.Fatal("not blocked after 20 failures from one address")
	}
	if blocked(th, "someone", "203.0.113.10") {
		t.Error("another address is blocked")
	}
	// A success clears the account, not the address.
	th.Succeed("someone")
	if !blocked(th, "someone", ip) {
		t.Error("success on an account cleared the address")
	}
	c.advance(15 * time.Minute)
	if blocked(th, "someone", ip) {
		t.Error("address still blocked after the window")
	}
}

func TestThrottleSucceedResetsAccount(t *testing.T) {
	c := &clock{time.Date(2025, 5, 10, 8, 0, 0, 0, time.UTC)}
	th := newThrottle(c)
	for range 4 {
		th.Fail("anna", "192.0.2.1")
	}
	th.Succeed("anna")
	th.Fail("anna", "192.0.2.1")
	if blocked(th, "anna", "192.0.2.1") {
		t.Error("blocked after 1 failure following a success")
	}
	for range 5 {
		th.Fail("anna", "192.0.2.1")
	}
	if !blocked(th, "anna", "192.0.2.1") {
		t.Fatal("not blocked")
	}
	th.Succeed("anna")
	if blocked(th, "anna", "192.0.2.1") {
		t.Error("still blocked after Succeed")
	}
}

func TestThrottleOldFailuresDoNotCount(t *testing.T) {
	c := &clock{time.Date(2025, 5, 10, 8, 0, 0, 0, time.UTC)}
	th := newThrottle(c)
	// One failure every 4 minutes never reaches 5 within 15 minutes.
	for range 20 {
		th.Fail("anna", "192.0.2.1")
		if blocked(th, "anna", "192.0.2.1") {
			t.Fatalf("blocked at %v with failures 4 minutes apart", c.t)
		}
		c.advance(4 * time.Minute)
	}
}

func TestThrottleConcurrent(t *testing.T) {
	th := NewThrottle()
	done := make(chan bool)
	for g := range 8 {
		go func() {
			for i := range 50 {
				th.Fail(fmt.Sprintf("u%d", i%3), fmt.Sprintf("ip%d", g))
				th.Blocked("u1", "ip1")
				th.Succeed("u2")
			}
			done <- true
		}()
	}
	for range 8 {
		<-done
	}
	if !blocked(th, "u0", "nowhere") {
		t.Error("u0 not blocked after many failures")
	}
}
