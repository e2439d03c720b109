package auth

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCheckPassword(t *testing.T) {
	tests := []struct {
		username, password, want string
	}{
		// What the old rule (10 bytes or more) let through.
		{"olle", "aaaaaaaaaa", PasswordShort},
		{"olle", "1234567890", PasswordShort},
		{"olle", "Password12", PasswordShort},
		{"olle", "          ", PasswordShort},
		{"samordnare", "samordnare", PasswordShort},
		{"lisa", "lisa-demo", PasswordShort},

		// Length counts characters, not bytes: 11 å's are 22 bytes and still too short.
		{"olle", strings.Repeat("å", 11), PasswordShort},
		{"olle", "åäöåäöåäöåä", PasswordShort},
		{"olle", "", PasswordShort},
		// bcrypt's limit is 72 bytes: 72 is fine, 73 is refused rather than cut off.
		{"olle", strings.Repeat("ab", 36), ""},
		{"olle", strings.Repeat("ab", 36) + "c", PasswordLong},
		{"olle", strings.Repeat("åäö", 12) + "x", PasswordLong}, // 37 characters, 73 bytes
		{"olle", strings.Repeat("å", 40), PasswordLong},         // too long before repeated

		// Whitespace only, one repeated character.
		{"olle", strings.Repeat(" ", 12), PasswordBlank},
		{"olle", " \t \t \n \u00a0 \u3000 \t  ", PasswordBlank},
		{"olle", strings.Repeat("a", 12), PasswordRepeated},
		{"olle", strings.Repeat("1", 20), PasswordRepeated},
		{"olle", strings.Repeat("å", 12), PasswordRepeated},
		{"olle", strings.Repeat("!", 72), PasswordRepeated},

		// The username, whatever the case; contained only from 4 characters on.
		{"samordnare", "Samordnare12", PasswordUsername},
		{"samordnare", "SAMORDNARE", PasswordShort},
		{"administrator", "ADMINISTRATOR", PasswordUsername},
		{"administrator", "administrator", PasswordUsername},
		{"olle", "mitt namn är OLLE ok", PasswordUsername},
		{"Anna.Berg", "hej anna.berg, hej", PasswordUsername},
		{"ab", "ab-ab-ab-ab-ab-ab", ""},                    // a 2-character username may occur in it
		{"abcdefghijkl", "ABCDEFGHIJKL", PasswordUsername}, // but never be it
		{"", "korrekt häst batteri häftklammer", ""},

		// The most common passwords, whatever the case, and with digits before or after.
		{"olle", "qwertyuiop12", PasswordCommon},
		{"olle", "QwertyUIOP12", PasswordCommon},
		{"olle", "1qaz2wsx3edc", PasswordCommon},
		{"olle", "password1234", PasswordCommon},
		{"olle", "Password1234", PasswordCommon},
		{"olle", "1234password", PasswordCommon},
		{"olle", "123456789012", PasswordCommon},
		{"olle", "  leavemealone  ", PasswordCommon},
		{"olle", "football1990", PasswordCommon},
		{"olle", "iloveyou2025", PasswordCommon},
		{"olle", "19monkey1234", PasswordCommon},
		{"olle", "2024love1234", PasswordCommon}, // love1234 is in the list
		{"olle", "1990love7531", ""},             // "love" is, but is too short to count with digits around it
		{"olle", "198711223344", PasswordCommon}, // 11223344 is in the list
		{"olle", "198773920481", ""},             // a random number that starts with a year is not common
		{"olle", "12345abcdefg", ""},

		// Good ones: passphrases, random-looking strings, non-ASCII.
		{"olle", "korrekt häst batteri häftklammer", ""},
		{"olle", "Korrekt Häst Batteri Häftklammer", ""},
		{"olle", "x7#Qm2!vLp9@", ""},
		{"olle", "åäöåäöåäöåäö", ""},
		{"olle", "ett långt lösenord", ""},
		{"samordnare", "rätt-lösenord-123", ""},
		{"olle", "password1234 är inte mitt lösenord", ""},
		{"olle", strings.Repeat("a", 11) + "b", ""}, // not one repeated character (weak, but no rule says so)
	}
	for _, tt := range tests {
		if got := CheckPassword(tt.username, tt.password); got != tt.want {
			t.Errorf("CheckPassword(%q, %q) = %q, want %q (%d characters, %d bytes)",
				tt.username, tt.password, got, tt.want, utf8.RuneCountInString(tt.password), len(tt.password))
		}
	}
}

// The embedded list is a real one of 10,000 entries, most common first, and every entry is
// found by the check once it is long enough to get there.
func TestCommonPasswordsList(t *testing.T) {
	list := commonPasswords()
	if len(list) != 10000 {
		t.Errorf("%d common passwords, want 10000", len(list))
	}
	if !strings.HasPrefix(commonPasswordsFile, "#") {
		t.Error("common-passwords.txt does not start with the comment naming its source")
	}
	for _, pw := range []string{"123456", "password", "qwerty", "iloveyou", "trustno1", "1qaz2wsx3edc"} {
		if _, ok := list[pw]; !ok {
			t.Errorf("%q is not in the list", pw)
		}
	}
	if len(commonPasswordsFile) > 100_000 {
		t.Errorf("common-passwords.txt is %d bytes", len(commonPasswordsFile))
	}
	long := 0
	for pw := range list {
		if strings.HasPrefix(pw, "#") || strings.TrimSpace(pw) != pw || pw != strings.ToLower(pw) {
			t.Errorf("entry %q: comment, surrounding space or upper case", pw)
		}
		if utf8.RuneCountInString(pw) >= MinPasswordChars && len(pw) <= MaxPasswordBytes && !oneRepeatedRune(pw) {
			long++
			if got := CheckPassword("olle", strings.ToUpper(pw)); got != PasswordCommon {
				t.Errorf("CheckPassword(%q) = %q, want %q", strings.ToUpper(pw), got, PasswordCommon)
			}
		}
	}
	if long < 50 {
		t.Errorf("only %d entries of 12 characters or more", long)
	}
}

func FuzzCheckPassword(f *testing.F) {
	for _, s := range []string{"korrekt häst batteri häftklammer", "password1234", strings.Repeat("å", 12), "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6\xf5\xf4"} {
		f.Add("olle", s)
	}
	f.Fuzz(func(t *testing.T, username, password string) {
		key := CheckPassword(username, password)
		switch key {
		case "":
			if utf8.RuneCountInString(password) < MinPasswordChars || len(password) > MaxPasswordBytes {
				t.Fatalf("%q accepted", password)
			}
			if username != "" && strings.EqualFold(strings.TrimSpace(password), strings.TrimSpace(username)) {
				t.Fatalf("%q accepted for user %q", password, username)
			}
		case PasswordShort, PasswordLong, PasswordBlank, PasswordRepeated, PasswordUsername, PasswordCommon:
		default:
			t.Fatalf("unknown key %q", key)
		}
	})
}
