// Package auth owns credentials: the password policy, password hashing (bcrypt), random
// session ids, CSRF and API tokens, and the throttle on repeated failed logins per account and
// per IP address.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"sync"
	"sync/atomic"

	"golang.org/x/crypto/bcrypt"
)

// MaxPasswordBytes is bcrypt's input limit; longer passwords are refused, not truncated.
const MaxPasswordBytes = 72

// Hasher hashes and checks passwords. Cost is bcrypt's work factor (tests use the minimum).
type Hasher struct{ Cost int }

// Hash returns the bcrypt hash of password.
func (h Hasher) Hash(password string) (string, error) {
	if len(password) > MaxPasswordBytes {
		return "", errors.New("hash password: longer than 72 bytes")
	}
	cost := h.Cost
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	b, err := bcrypt.GenerateFromPassword([]byte(password), cost)
	return string(b), err
}

// dummyHash is compared against when the user does not exist, so both failures take as long.
// It is made at first use, not at start-up: a bcrypt hash at the default cost takes a good
// part of a second, which every command (even `lisa help`) would otherwise pay.
var dummyHash = sync.OnceValue(func() []byte {
	dummyHashesMade.Add(1)
	h, err := bcrypt.GenerateFromPassword([]byte("lisa-no-such-user"), bcrypt.DefaultCost)
	if err != nil {
		panic("make the dummy bcrypt hash: " + err.Error())
	}
	return h
})

// dummyHashesMade counts the calls of dummyHash's function (a test asserts it is lazy).
var dummyHashesMade atomic.Int32

// WarmUp makes the dummy hash now, so that the first login of an unknown user does not take
// longer than later ones (which would tell that the user does not exist). A server should
// call it in the background at start (go auth.WarmUp()); it is cheap once done.
func WarmUp() { dummyHash() }

// Check reports whether password matches hash. An empty hash (unknown user, or an account
// without a local password) is checked against a dummy so timing does not tell them apart.
func Check(hash, password string) bool {
	if hash == "" {
		_ = bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
}

// NewToken returns 32 random bytes, URL-safe base64: session ids, CSRF and API tokens.
func NewToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// Equal compares two secrets in constant time.
func Equal(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
