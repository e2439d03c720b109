// Package i18n translates Lisa's user-visible strings. Translations are flat "key = text"
// files per language (ui/locales/sv.txt, en.txt); Swedish is the default and the reference.
package i18n

import (
	"bufio"
	"fmt"
	"io/fs"
	"strings"
)

// Languages are the supported languages, the default first.
var Languages = []string{"sv", "en"}

// Default is the language used when none is chosen.
const Default = "sv"

// Catalog holds every translation.
type Catalog struct {
	msgs map[string]map[string]string
}

// Load reads locales/<lang>.txt for each language from fsys.
func Load(fsys fs.FS) (*Catalog, error) {
	c := &Catalog{msgs: map[string]map[string]string{}}
	for _, lang := range Languages {
		f, err := fsys.Open("locales/" + lang + ".txt")
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", lang, err)
		}
		m := map[string]string{}
		sc := bufio.NewScanner(f)
		n := 0
		for sc.Scan() {
			n++
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				f.Close()
				return nil, fmt.Errorf("load %s line %d: no '='", lang, n)
			}
			m[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("load %s: %w", lang, err)
		}
		c.msgs[lang] = m
	}
	return c, nil
}

// Supported returns lang if it is supported, else the default.
func Supported(lang string) string {
	for _, l := range Languages {
		if l == lang {
			return l
		}
	}
	return Default
}

// T translates key into lang, formatting args into it; a missing key falls back to Swedish,
// then to the key itself (which a test catches). A nil catalog (one that failed to load)
// answers every key with the key itself: it never panics.
func (c *Catalog) T(lang, key string, args ...any) string {
	if c == nil {
		return key
	}
	s, ok := c.msgs[lang][key]
	if !ok {
		s, ok = c.msgs[Default][key]
	}
	if !ok {
		s = key
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Has reports whether key exists in lang.
func (c *Catalog) Has(lang, key string) bool {
	if c == nil {
		return false
	}
	_, ok := c.msgs[lang][key]
	return ok
}

// Keys returns the keys of lang.
func (c *Catalog) Keys(lang string) []string {
	if c == nil {
		return nil
	}
	out := make([]string, 0, len(c.msgs[lang]))
	for k := range c.msgs[lang] {
		out = append(out, k)
	}
	return out
}

// Translator is a Catalog bound to one language, for templates and handlers.
type Translator struct {
	c    *Catalog
	Lang string
}

// For binds c to lang.
func (c *Catalog) For(lang string) Translator { return Translator{c: c, Lang: Supported(lang)} }

// Has reports whether key exists in the translator's language.
func (t Translator) Has(key string) bool { return t.c.Has(t.Lang, key) }

// T translates key.
func (t Translator) T(key string, args ...any) string { return t.c.T(t.Lang, key, args...) }
