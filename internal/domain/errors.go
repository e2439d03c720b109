// Package domain holds Lisa's types and rules: municipalities, org units, users and roles,
// the tracked-record core shared by every ISMS record kind, governing documents, and the one
// error type. It does no I/O.
package domain

import (
	"errors"
	"fmt"
	"sort"
	"time"
)

// Code classifies an Error; the web layer maps each code to one HTTP status in one place.
type Code string

// The error codes. Every service method documents which of these it returns.
const (
	EInvalid         Code = "invalid"           // bad input: 400
	ENotFound        Code = "not_found"         // missing or not visible to the caller: 404
	EUnauthorized    Code = "unauthorized"      // not logged in / bad credentials: 401
	EForbidden       Code = "forbidden"         // logged in but not allowed: 403
	EConflict        Code = "conflict"          // duplicate or stale: 409
	ETooLarge        Code = "too_large"         // body or file over the limit: 413
	ETooManyRequests Code = "too_many_requests" // throttled: 429
	EUnavailable     Code = "unavailable"       // the database cannot be reached: 503, try again
	EInternal        Code = "internal"          // everything else: 500
)

// Error is Lisa's one error type. Message and Fields hold translation keys (see ui/locales),
// so the same error renders in the user's language in HTML and JSON alike.
type Error struct {
	Code    Code
	Message string            // translation key, e.g. "err.invalid"
	Fields  map[string]string // field name -> translation key of why it is wrong
	Err     error             // wrapped cause, never shown to users
	// RetryAfter, on ETooManyRequests, is when to try again (the Retry-After header).
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	s := string(e.Code) + ": " + e.Message
	if len(e.Fields) > 0 {
		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			s += fmt.Sprintf(" [%s: %s]", k, e.Fields[k])
		}
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an Error with a code and a message key.
func Errorf(code Code, messageKey string) *Error { return &Error{Code: code, Message: messageKey} }

// NotFound is the answer for anything missing or outside the caller's municipality.
func NotFound() *Error { return &Error{Code: ENotFound, Message: "err.not_found"} }

// Forbidden is the answer when the caller may see the thing but not do the action.
func Forbidden() *Error { return &Error{Code: EForbidden, Message: "err.forbidden"} }

// ErrorCode returns the code of err, EInternal for anything that is not an *Error.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EInternal
}

// AsError returns err as *Error, or an internal Error wrapping it.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: EInternal, Message: "err.internal", Err: err}
}

// Problems collects field errors while validating input.
type Problems map[string]string

// Add records why field is wrong (a translation key); the first problem per field wins.
func (p Problems) Add(field, key string) {
	if _, ok := p[field]; !ok {
		p[field] = key
	}
}

// Err returns nil when there are no problems, else an EInvalid Error naming each field.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return &Error{Code: EInvalid, Message: "err.invalid", Fields: map[string]string(p)}
}
