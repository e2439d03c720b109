package app

import (
	"sync"
	"time"

	"github.com/lisa-isms/lisa/internal/authz"
	"github.com/lisa-isms/lisa/internal/store"
)

// PrincipalTTL is how long a session's person and roles are kept in memory before they are
// read again. Within this instance every change that matters (logout, a role granted or
// revoked, an account changed, disabled or its password reset, an org unit removed) drops
// the entries at once; another instance of a shared deployment sees such a change within
// PrincipalTTL.
const PrincipalTTL = 10 * time.Second

// principalCache keeps the principals of live sessions, so that a request does not read the
// session, the person and their role assignments from SQL each time (four statements).
type principalCache struct {
	mu  sync.Mutex
	m   map[string]cachedSession // by the session token's hash
	gen uint64                   // counts invalidations: a load that raced one is not kept
}

type cachedSession struct {
	p     *authz.Principal // shared, read only
	csrf  string
	until time.Time // the earlier of the session's end and the entry's TTL
}

func (pc *principalCache) get(token string, now time.Time) (cachedSession, bool) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	e, ok := pc.m[store.HashToken(token)]
	if !ok || !now.Before(e.until) {
		return cachedSession{}, false
	}
	return e, true
}

// generation is taken before a load; put keeps the loaded entry only if nothing was
// invalidated meanwhile (it might hold roles from before the change).
func (pc *principalCache) generation() uint64 {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	return pc.gen
}

func (pc *principalCache) put(token string, gen uint64, e cachedSession) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if gen != pc.gen {
		return
	}
	if pc.m == nil || len(pc.m) > 100_000 { // bounded: start afresh rather than grow
		pc.m = map[string]cachedSession{}
	}
	pc.m[store.HashToken(token)] = e
}

// forget drops a session.
func (pc *principalCache) forget(token string) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	pc.gen++
	delete(pc.m, store.HashToken(token))
}

// forgetUser drops every session of user.
func (pc *principalCache) forgetUser(user int64) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	pc.gen++
	for k, e := range pc.m {
		if e.p.User.ID == user {
			delete(pc.m, k)
		}
	}
}

// forgetAll drops every session (an org unit gone changes role assignments of many).
func (pc *principalCache) forgetAll() {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	pc.gen++
	pc.m = nil
}
