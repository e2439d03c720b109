// Package catalog holds the control catalogs shipped in the binary as data files (ISO/IEC
// 27001:2022 Annex A, MSB's eleven areas of systematic work, the NIS2 article 21 measures of
// the cybersäkerhetslag) and the mappings between them, loaded once at start-up.
package catalog

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

//go:embed data/*.json
var files embed.FS

// The ids of the shipped catalogs. ISO is the catalog a statement of applicability lists;
// the others are reached through mappings.
const (
	ISO  = "iso27001-2022"
	MSB  = "msb-lis"
	NIS2 = "nis2-art21"
)

// Theme groups controls (organizational, people, physical, technological; area; measure).
type Theme struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	TitleSV string `json:"title_sv"`
}

// Control is one entry of a catalog.
type Control struct {
	ID            string `json:"id"`
	Theme         string `json:"theme"`
	Title         string `json:"title"`
	TitleSV       string `json:"title_sv"`
	Description   string `json:"description"`
	DescriptionSV string `json:"description_sv"`
}

// Catalog is a named, versioned list of controls.
type Catalog struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	NameSV   string    `json:"name_sv"`
	Version  string    `json:"version"`
	Themes   []Theme   `json:"themes"`
	Controls []Control `json:"controls"`
}

// Ref names a control in a catalog ("iso27001-2022:5.24").
type Ref struct{ Catalog, Control string }

func (r Ref) String() string { return r.Catalog + ":" + r.Control }

// Set is every catalog and the mappings between their controls.
type Set struct {
	Catalogs []Catalog
	byID     map[string]*Catalog
	index    map[Ref]*Control
	mapped   map[Ref][]Ref // both directions
}

// Load reads the embedded catalogs and mappings, checking that every mapping names an
// existing control.
func Load() (*Set, error) {
	s := &Set{byID: map[string]*Catalog{}, index: map[Ref]*Control{}, mapped: map[Ref][]Ref{}}
	for _, name := range []string{"iso27001-2022.json", "msb-lis-2015.json", "nis2-art21.json"} {
		var c Catalog
		if err := readJSON("data/"+name, &c); err != nil {
			return nil, err
		}
		s.Catalogs = append(s.Catalogs, c)
	}
	for i := range s.Catalogs {
		c := &s.Catalogs[i]
		s.byID[c.ID] = c
		for j := range c.Controls {
			s.index[Ref{c.ID, c.Controls[j].ID}] = &c.Controls[j]
		}
	}
	var m struct {
		Mappings []struct{ From, To string } `json:"mappings"`
	}
	if err := readJSON("data/mappings.json", &m); err != nil {
		return nil, err
	}
	for _, p := range m.Mappings {
		a, err := s.parseRef(p.From)
		if err != nil {
			return nil, err
		}
		b, err := s.parseRef(p.To)
		if err != nil {
			return nil, err
		}
		s.mapped[a] = append(s.mapped[a], b)
		s.mapped[b] = append(s.mapped[b], a)
	}
	for k := range s.mapped {
		refs := s.mapped[k]
		sort.Slice(refs, func(i, j int) bool { return s.less(refs[i], refs[j]) })
	}
	return s, nil
}

func readJSON(name string, v any) error {
	b, err := fs.ReadFile(files, name)
	if err != nil {
		return fmt.Errorf("read catalog %s: %w", name, err)
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("parse catalog %s: %w", name, err)
	}
	return nil
}

func (s *Set) parseRef(v string) (Ref, error) {
	cat, ctl, ok := strings.Cut(v, ":")
	r := Ref{cat, ctl}
	if _, found := s.index[r]; !ok || !found {
		return r, fmt.Errorf("catalog mapping names unknown control %q", v)
	}
	return r, nil
}

// less orders refs by catalog order, then by position in the catalog.
func (s *Set) less(a, b Ref) bool {
	if a.Catalog != b.Catalog {
		return s.catalogPos(a.Catalog) < s.catalogPos(b.Catalog)
	}
	return s.controlPos(a) < s.controlPos(b)
}

func (s *Set) catalogPos(id string) int {
	for i, c := range s.Catalogs {
		if c.ID == id {
			return i
		}
	}
	return len(s.Catalogs)
}

func (s *Set) controlPos(r Ref) int {
	c := s.byID[r.Catalog]
	for i := range c.Controls {
		if c.Controls[i].ID == r.Control {
			return i
		}
	}
	return len(c.Controls)
}

// Catalog returns the catalog with id, or nil.
func (s *Set) Catalog(id string) *Catalog { return s.byID[id] }

// Control returns one control, or nil.
func (s *Set) Control(r Ref) *Control { return s.index[r] }

// Mapped returns the controls of other catalogs mapped to r, in catalog order.
func (s *Set) Mapped(r Ref) []Ref { return s.mapped[r] }

// MappedIn returns the ids of the controls of catalog cat mapped to r.
func (s *Set) MappedIn(r Ref, cat string) []string {
	var out []string
	for _, m := range s.mapped[r] {
		if m.Catalog == cat {
			out = append(out, m.Control)
		}
	}
	return out
}

// Theme returns a catalog's theme by id, or the zero Theme.
func (c *Catalog) Theme(id string) Theme {
	for _, t := range c.Themes {
		if t.ID == id {
			return t
		}
	}
	return Theme{ID: id, Title: id, TitleSV: id}
}
