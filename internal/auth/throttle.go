package auth

import (
	"sync"
	"time"
)

// Throttle slows down password guessing without letting anyone lock anyone out.
//
//   - Per account and source address: after Free failures each further one doubles the wait
//     before the next attempt (Base, 2×Base, … up to Max) — a growing delay, not a lock.
//   - Per account from addresses it never logged in from: the same, after AccountFree
//     failures, so that guesses spread over many addresses slow down too; an address the
//     account has logged in from before (the real user's) is exempt, so a stranger's guesses
//     do not keep the user out.
//   - Per source address across accounts (spraying): at most PerIP failures in Window —
//     again except for accounts that have logged in from that address (a municipality's
//     staff behind one NAT address are not kept out by each other's typos).
//
// Check also tells when to write an audit entry for refused attempts: one per burst, with
// the number of attempts, not one row per attempt.
type Throttle struct {
	mu          sync.Mutex
	Now         func() time.Time
	Free        int           // failures per account and address before delays start
	AccountFree int           // failures per account from unknown addresses before delays start
	Base, Max   time.Duration // the first delay, and the longest
	PerIP       int           // failures per address in Window, across accounts
	Window      time.Duration

	pairs    map[string]*failures // account \x00 address
	accounts map[string]*failures
	ips      map[string][]time.Time
	known    map[string]time.Time // account \x00 address → last successful login
	bursts   map[string]*burst    // account \x00 address → refused attempts not yet audited
	pruned   time.Time            // when init last dropped stale entries
}

type failures struct {
	n    int
	last time.Time
	// inflight are attempts let through whose outcome is not known yet: counted, so that
	// guesses sent all at once do not each pass before the first failure is recorded.
	inflight []time.Time
}

// inflightFor is how long an attempt counts as in flight at most (its check takes far less).
const inflightFor = 30 * time.Second

type burst struct {
	pending  int       // refused attempts not yet in the audit trail
	reported time.Time // when the last audit entry of the burst was asked for
}

// maxEntries is the size past which each map drops what no longer matters.
const maxEntries = 100_000

// NewThrottle allows 3 failures per account and address, then waits 1 s, 2 s, 4 s … up to
// 15 minutes; 10 from unknown addresses per account; 20 per address in 15 minutes.
func NewThrottle() *Throttle {
	return &Throttle{Now: time.Now, Free: 3, AccountFree: 10, Base: time.Second, Max: 15 * time.Minute, PerIP: 20, Window: 15 * time.Minute}
}

func (t *Throttle) init() {
	if t.pairs == nil {
		t.pairs, t.accounts, t.ips, t.bursts, t.known = map[string]*failures{}, map[string]*failures{}, map[string][]time.Time{}, map[string]*burst{}, map[string]time.Time{}
	}
	// Bounded without giving anyone a clean slate: past maxEntries, what no longer delays
	// anyone is dropped (a flood of usernames cannot wipe an active delay) — at most once a
	// minute, so that a map full of live entries is not walked on every attempt.
	now := t.Now()
	if now.Sub(t.pruned) < time.Minute {
		return
	}
	t.pruned = now
	for _, m := range []map[string]*failures{t.pairs, t.accounts} {
		if len(m) > maxEntries {
			for k, f := range m {
				if t.wait(f, 0, now) == 0 {
					delete(m, k)
				}
			}
		}
	}
	if len(t.ips) > maxEntries {
		for ip := range t.ips {
			t.recent(ip, now)
		}
	}
	if len(t.bursts) > maxEntries {
		for k, b := range t.bursts {
			if now.Sub(b.reported) >= t.Window {
				delete(t.bursts, k)
			}
		}
	}
	if len(t.known) > maxEntries {
		for k, at := range t.known {
			if now.Sub(at) > 90*24*time.Hour {
				delete(t.known, k)
			}
		}
	}
}

// wait is how long after its last failure f blocks, with free failures allowed.
func (t *Throttle) wait(f *failures, free int, now time.Time) time.Duration {
	if f == nil || f.n <= free {
		return 0
	}
	d := t.Max
	if k := f.n - free - 1; k < 30 {
		d = min(t.Base<<k, t.Max)
	}
	return max(0, f.last.Add(d).Sub(now))
}

// expired forgets failures long past (a day after the longest delay).
func (t *Throttle) expired(f *failures, now time.Time) bool {
	return f != nil && len(f.inflight) == 0 && now.Sub(f.last) > t.Max+24*time.Hour
}

// Check reports how long a login for account from ip must wait (0: go ahead), and how many
// refused attempts to record now in the audit trail as one entry (0: none): the first of a
// burst, then those since at most every Window, and the rest when the burst ends.
func (t *Throttle) Check(account, ip string) (wait time.Duration, audit int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.init()
	now := t.Now()
	pair := account + "\x00" + ip
	for key, m := range map[string]map[string]*failures{pair: t.pairs, account: t.accounts} {
		if t.expired(m[key], now) {
			delete(m, key)
		}
	}
	f := t.pairs[pair]
	if f == nil {
		f = &failures{}
		t.pairs[pair] = f
	}
	for len(f.inflight) > 0 && now.Sub(f.inflight[0]) >= inflightFor {
		f.inflight = f.inflight[1:]
	}
	wait = t.wait(f, t.Free, now)
	if len(f.inflight) > 0 && f.n+len(f.inflight) >= t.Free {
		wait = max(wait, t.Base) // the free attempts are in flight: wait for their outcome
	}
	if _, ok := t.known[pair]; !ok { // a known address (an office behind one NAT) is spared both
		wait = max(wait, t.wait(t.accounts[account], t.AccountFree, now))
		if f := t.recent(ip, now); len(f) >= t.PerIP {
			wait = max(wait, f[0].Add(t.Window).Sub(now))
		}
	}
	b := t.bursts[pair]
	switch {
	case wait > 0 && b == nil:
		t.bursts[pair] = &burst{reported: now}
		return wait, 1
	case wait > 0:
		b.pending++
		if now.Sub(b.reported) >= t.Window {
			n := b.pending
			b.pending, b.reported = 0, now
			return wait, n
		}
		return wait, 0
	case b != nil:
		delete(t.bursts, pair)
		audit = b.pending
	}
	f.inflight = append(f.inflight, now) // let through: in flight until Fail or Succeed
	return 0, audit
}

// recent prunes and returns the address's failures within Window.
func (t *Throttle) recent(ip string, now time.Time) []time.Time {
	f := t.ips[ip]
	i := 0
	for i < len(f) && now.Sub(f[i]) >= t.Window {
		i++
	}
	if f = f[i:]; len(f) == 0 {
		delete(t.ips, ip)
		return nil
	}
	t.ips[ip] = f
	return f
}

// Fail records a failed login of account from ip.
func (t *Throttle) Fail(account, ip string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.init()
	now := t.Now()
	pair := account + "\x00" + ip
	bump := func(m map[string]*failures, key string) {
		f := m[key]
		if f == nil {
			f = &failures{}
			m[key] = f
		}
		f.n++
		f.last = now
	}
	bump(t.pairs, pair)
	if f := t.pairs[pair]; len(f.inflight) > 0 {
		f.inflight = f.inflight[1:] // its outcome is known now
	}
	if _, ok := t.known[pair]; !ok {
		bump(t.accounts, account)
	}
	t.ips[ip] = append(t.recent(ip, now), now)
}

// Done ends an attempt let through that neither failed nor succeeded (it stopped for another
// reason): it no longer counts as in flight.
func (t *Throttle) Done(account, ip string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if f := t.pairs[account+"\x00"+ip]; f != nil && len(f.inflight) > 0 {
		f.inflight = f.inflight[1:]
	}
}

// Succeed clears account's failures after it logged in from ip, and remembers ip as one the
// account uses.
func (t *Throttle) Succeed(account, ip string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.init()
	pair := account + "\x00" + ip
	delete(t.pairs, pair)
	delete(t.accounts, account)
	t.known[pair] = t.Now()
}

// Remember marks ip as one account logged in from at at (the addresses remembered from
// before a restart), unless a later login is known already.
func (t *Throttle) Remember(account, ip string, at time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.init()
	pair := account + "\x00" + ip
	if at.After(t.known[pair]) {
		t.known[pair] = at
	}
}
