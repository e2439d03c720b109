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

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }
func newThrottle(c *clock) *Throttle     { th := NewThrottle(); th.Now = c.now; return th }
func waitOf(th *Throttle, acct, ip string) time.Duration {
	w, _ := th.Check(acct, ip)
	return w
}

// Per account and address: a few free failures, then a delay that doubles with each further
// failure up to Max — never a lock that outlasts the delay.
func TestThrottleGrowingDelay(t *testing.T) {
	c := &clock{time.Date(2025, 5, 10, 8, 0, 0, 0, time.UTC)}
	th := newThrottle(c)
	th.Succeed("anna", "198.51.100.7") // where Anna logs in from
	for i := 1; i <= 3; i++ {
		th.Fail("anna", "192.0.2.1")
		if w := waitOf(th, "anna", "192.0.2.1"); w != 0 {
			t.Fatalf("a wait of %v after %d failures", w, i)
		}
	}
	for i, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second} {
		th.Fail("anna", "192.0.2.1")
		if w := waitOf(th, "anna", "192.0.2.1"); w != want {
			t.Fatalf("after failure %d: wait %v, want %v", 4+i, w, want)
		}
		c.advance(want) // the next try comes when allowed
		if w := waitOf(th, "anna", "192.0.2.1"); w != 0 {
			t.Fatalf("still waiting %v when the delay has passed", w)
		}
	}
	for range 40 {
		th.Fail("anna", "192.0.2.1")
	}
	if w := waitOf(th, "anna", "192.0.2.1"); w != 15*time.Minute {
		t.Errorf("the longest wait is %v, want 15m", w)
	}
	// The same account from the address it logs in from is not held up by a stranger;
	// from an address it never used, it is (the guesses may move on).
	if w := waitOf(th, "anna", "198.51.100.7"); w != 0 {
		t.Errorf("the account's own address waits %v after 3+44 failures from another", w)
	}
	if w := waitOf(th, "anna", "198.51.100.8"); w == 0 {
		t.Error("a new address is not held back after 47 failures")
	}
}

// A stranger guessing a user's password from many addresses cannot keep the user out: the
// account-wide delay does not apply to an address the account has logged in from.
func TestThrottleCannotLockTheRealUserOut(t *testing.T) {
	c := &clock{time.Date(2025, 5, 10, 8, 0, 0, 0, time.UTC)}
	th := newThrottle(c)
	th.Succeed("anna", "192.0.2.10") // Anna's usual address
	for i := range 30 {
		th.Fail("anna", fmt.Sprintf("203.0.113.%d", i)) // one guess per address
	}
	if w := waitOf(th, "anna", "203.0.113.200"); w == 0 {
		t.Error("guesses spread over 30 addresses are not slowed down")
	}
	if w := waitOf(th, "anna", "192.0.2.10"); w != 0 {
		t.Errorf("the real user waits %v at her usual address", w)
	}
	// Success clears the account's delays.
	th.Succeed("anna", "192.0.2.10")
	if w := waitOf(th, "anna", "203.0.113.200"); w != 0 {
		t.Errorf("waits %v after a success", w)
	}
}

func TestThrottlePerIP(t *testing.T) {
	c := &clock{time.Date(2025, 5, 10, 8, 0, 0, 0, time.UTC)}
	th := newThrottle(c)
	ip := "203.0.113.9"
	for i := range 19 {
		th.Fail(fmt.Sprintf("user%d", i), ip) // one each: no account delay
	}
	if w := waitOf(th, "someone", ip); w != 0 {
		t.Fatalf("waits %v after 19 failures from one address", w)
	}
	th.Fail("user19", ip)
	if w := waitOf(th, "someone", ip); w != 15*time.Minute {
		t.Fatalf("waits %v after 20 failures from one address, want 15m", w)
	}
	if w := waitOf(th, "someone", "203.0.113.10"); w != 0 {
		t.Error("another address waits")
	}
	th.Succeed("kollega", ip) // logged in from there before the others' failures
	if w := waitOf(th, "kollega", ip); w != 0 {
		t.Errorf("an account that uses the address waits %v", w)
	}
	c.advance(15 * time.Minute)
	if w := waitOf(th, "someone", ip); w != 0 {
		t.Error("address still held back after the window")
	}
}

// Refused attempts are audited once per burst with their number: the first, then those
// since at most every Window, then the rest when the burst ends.
func TestThrottleAuditsBursts(t *testing.T) {
	c := &clock{time.Date(2025, 5, 10, 8, 0, 0, 0, time.UTC)}
	th := newThrottle(c)
	for range 4 {
		th.Fail("anna", "192.0.2.1")
	}
	entries, total := 0, 0
	for range 1000 { // a script hammering while it must wait
		w, n := th.Check("anna", "192.0.2.1")
		if w == 0 {
			t.Fatal("not held back")
		}
		if n > 0 {
			entries++
			total += n
		}
		c.advance(time.Millisecond)
	}
	if entries != 1 || total != 1 {
		t.Errorf("%d audit entries for %d attempts within a second, want 1 (the first)", entries, total)
	}
	c.advance(2 * time.Second) // the delay passes: the burst ends and its count is reported
	if w, n := th.Check("anna", "192.0.2.1"); w != 0 || n != 999 {
		t.Errorf("end of burst: wait %v, %d attempts reported, want 999", w, n)
	}
	th.Done("anna", "192.0.2.1") // (that attempt went nowhere)
	if _, n := th.Check("anna", "192.0.2.1"); n != 0 {
		t.Errorf("reported twice: %d", n)
	}
}

func TestThrottleConcurrent(t *testing.T) {
	th := NewThrottle()
	done := make(chan bool)
	for g := range 8 {
		go func() {
			for i := range 50 {
				th.Fail(fmt.Sprintf("u%d", i%3), fmt.Sprintf("ip%d", g))
				th.Check("u1", "ip1")
				th.Succeed("u2", "ip2")
			}
			done <- true
		}()
	}
	for range 8 {
		<-done
	}
	if waitOf(th, "u0", "ip0") == 0 {
		t.Error("u0 not held back after many failures")
	}
}

// Guesses sent all at once cannot all pass before the first failure is recorded: beyond the
// free attempts, one at a time is in flight.
func TestThrottleCountsAttemptsInFlight(t *testing.T) {
	c := &clock{time.Date(2025, 5, 10, 8, 0, 0, 0, time.UTC)}
	th := newThrottle(c)
	passed := 0
	for range 20 { // twenty requests arrive together; none has failed yet
		if w, _ := th.Check("anna", "203.0.113.5"); w == 0 {
			passed++
		}
	}
	if passed != th.Free {
		t.Errorf("%d of 20 simultaneous attempts passed, want %d", passed, th.Free)
	}
	for range passed {
		th.Fail("anna", "203.0.113.5")
	}
	c.advance(time.Hour)
	passed = 0
	for range 20 {
		if w, _ := th.Check("anna", "203.0.113.5"); w == 0 {
			passed++
		}
	}
	if passed != 1 {
		t.Errorf("after 3 failures, %d simultaneous attempts passed, want 1", passed)
	}
}
