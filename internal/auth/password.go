package auth

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// MinPasswordChars is the shortest password accepted for new accounts and resets, counted in
// Unicode characters (NIST SP 800-63B asks for at least 8, and 15 where it is the only factor).
const MinPasswordChars = 12

// minUsernameInPassword is the shortest username that a password may not contain; a shorter
// one ("li") is only refused as the whole password.
const minUsernameInPassword = 4

// The message keys CheckPassword returns, one per rule (ui/locales has each in sv and en).
const (
	PasswordShort    = "err.password_short"    // fewer than MinPasswordChars characters
	PasswordLong     = "err.password_long"     // more than MaxPasswordBytes bytes
	PasswordBlank    = "err.password_blank"    // only whitespace
	PasswordRepeated = "err.password_repeated" // one character repeated
	PasswordUsername = "err.password_username" // is, or contains, the username
	PasswordCommon   = "err.password_common"   // among the most common passwords
)

// CheckPassword is the password policy for a new password, after NIST SP 800-63B: length,
// not the username, not one of the most common passwords, and no composition rules. It returns
// "" when password is acceptable for the account username, else the message key of the first
// rule it breaks. Comparisons ignore case.
func CheckPassword(username, password string) (problemKey string) {
	switch {
	case utf8.RuneCountInString(password) < MinPasswordChars:
		return PasswordShort
	case len(password) > MaxPasswordBytes: // bcrypt would silently ignore the rest
		return PasswordLong
	case strings.TrimFunc(password, unicode.IsSpace) == "":
		return PasswordBlank
	case oneRepeatedRune(password):
		return PasswordRepeated
	case containsUsername(username, password):
		return PasswordUsername
	case isCommon(password):
		return PasswordCommon
	}
	return ""
}

func oneRepeatedRune(s string) bool {
	_, size := utf8.DecodeRuneInString(s) // bytes, so that invalid UTF-8 is compared as it is
	return len(s)%size == 0 && s == strings.Repeat(s[:size], len(s)/size)
}

func containsUsername(username, password string) bool {
	u := strings.TrimSpace(username)
	if u == "" {
		return false
	}
	if strings.EqualFold(strings.TrimSpace(password), u) {
		return true
	}
	return utf8.RuneCountInString(u) >= minUsernameInPassword &&
		strings.Contains(strings.ToLower(password), strings.ToLower(u))
}

// minCommonCore is the shortest common password that, with digits added before or after it,
// still counts as common: "password" in "password1234" does, "love" in "1990love7531" and
// "1990" in a random number that starts with that year do not.
const minCommonCore = 6

// isCommon reports whether password, ignoring case and surrounding whitespace, is one of the
// common passwords, or one of at least minCommonCore characters with digits added before or
// after it ("password1234", "2024football", "123456789012"): the most guessed way of
// lengthening a common password.
func isCommon(password string) bool {
	list := commonPasswords()
	p := strings.ToLower(strings.TrimSpace(password))
	if _, ok := list[p]; ok {
		return true
	}
	lead := len(p) - len(strings.TrimLeft(p, "0123456789"))
	trail := len(p) - len(strings.TrimRight(p, "0123456789"))
	for i := 0; i <= lead; i++ {
		for j := len(p); j >= len(p)-trail && j-i >= minCommonCore; j-- {
			if _, ok := list[p[i:j]]; ok {
				return true
			}
		}
	}
	return false
}

// commonPasswordsFile is the 10,000 most common passwords, one a line, lower case; its first
// lines (starting with #) name its source and licence.
//
//go:embed common-passwords.txt
var commonPasswordsFile string

// commonPasswords is the list as a set, built at first use so that commands that never check
// a password do not pay for it.
var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	set := make(map[string]struct{}, 10000)
	for line := range strings.Lines(commonPasswordsFile) {
		line = strings.TrimRight(line, "\r\n")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		set[strings.ToLower(line)] = struct{}{}
	}
	return set
})
