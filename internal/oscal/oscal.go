// Package oscal exports the control catalogs and a municipality's statement of applicability in
// NIST OSCAL 1.0.6 JSON.
package oscal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/google/uuid"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/catalog"
	"github.com/lisa-isms/lisa/internal/domain"
)

// Version is the OSCAL version the documents conform to.
const Version = "1.0.6"

// NS is the namespace of Lisa's own props and parts (Swedish titles and texts, applicability,
// Lisa's status words).
const NS = "https://lisa.example/ns/oscal"

// namespace is the fixed root of every UUID Lisa derives (version 5, so exports are stable).
var namespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte(NS))

func stableUUID(parts ...string) string {
	return uuid.NewSHA1(namespace, []byte(strings.Join(parts, "\x00"))).String()
}

// CatalogHref is where the OSCAL form of a shipped catalog is served; a statement of
// applicability names its catalog by it, and catalog mappings link to controls through it.
func CatalogHref(catalogID string) string {
	return "/api/v1/catalogs/" + url.PathEscape(catalogID) + "/oscal.json"
}

// The prefixes that turn control ids into OSCAL tokens, which must start with a letter:
// Annex A's 5.1 is a-5.1, MSB's area 3 is msb-3, the NIS2 measure 21.2.a is art-21.2.a.
var prefixes = map[string]string{
	catalog.ISO:  "a-",
	catalog.MSB:  "msb-",
	catalog.NIS2: "art-",
}

// ControlID returns the OSCAL id (a token: a letter or _, then letters, digits, . - _) of a
// control of catalog catalogID. The municipalities' own controls keep their ids, which start
// with a letter already.
func ControlID(catalogID, controlID string) string {
	return token(prefixes[catalogID] + controlID)
}

// token makes s an OSCAL token, replacing what the schema's pattern does not allow by _.
func token(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case unicode.IsLetter(r) || r == '_':
		case i > 0 && (unicode.IsNumber(r) || r == '.' || r == '-'):
		case i == 0 && (unicode.IsNumber(r) || r == '.' || r == '-'):
			b.WriteString("c-")
		default:
			r = '_'
		}
		b.WriteRune(r)
	}
	if b.Len() == 0 {
		return "_"
	}
	return b.String()
}

// The parts of the OSCAL models Lisa writes (field order follows the schemas).

type metadata struct {
	Title        string  `json:"title"`
	LastModified string  `json:"last-modified"`
	Version      string  `json:"version"`
	OSCALVersion string  `json:"oscal-version"`
	Props        []prop  `json:"props,omitempty"`
	Roles        []role  `json:"roles,omitempty"`
	Parties      []party `json:"parties,omitempty"`
}

type role struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

type responsibleRole struct {
	RoleID     string   `json:"role-id"`
	PartyUUIDs []string `json:"party-uuids,omitempty"`
}

type party struct {
	UUID  string `json:"uuid"`
	Type  string `json:"type"`
	Name  string `json:"name,omitempty"`
	Props []prop `json:"props,omitempty"`
}

type prop struct {
	Name  string `json:"name"`
	NS    string `json:"ns,omitempty"`
	Class string `json:"class,omitempty"`
	Value string `json:"value"`
}

type link struct {
	Href string `json:"href"`
	Rel  string `json:"rel,omitempty"`
	Text string `json:"text,omitempty"`
}

type part struct {
	ID    string `json:"id,omitempty"`
	Name  string `json:"name"`
	NS    string `json:"ns,omitempty"`
	Class string `json:"class,omitempty"`
	Prose string `json:"prose,omitempty"`
}

type control struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Props []prop `json:"props,omitempty"`
	Links []link `json:"links,omitempty"`
	Parts []part `json:"parts,omitempty"`
}

type group struct {
	ID       string    `json:"id,omitempty"`
	Title    string    `json:"title"`
	Props    []prop    `json:"props,omitempty"`
	Controls []control `json:"controls,omitempty"`
}

type catalogDoc struct {
	Catalog struct {
		UUID     string   `json:"uuid"`
		Metadata metadata `json:"metadata"`
		Groups   []group  `json:"groups,omitempty"`
	} `json:"catalog"`
}

// propValue makes s a valid prop value (no leading, trailing or repeated whitespace, no line
// breaks), or "" when nothing is left.
func propValue(s string) string { return strings.Join(strings.Fields(s), " ") }

// addProp appends a prop unless its value is empty (the schema allows no empty values).
func addProp(props []prop, p prop) []prop {
	if p.Value = propValue(p.Value); p.Value == "" {
		return props
	}
	return append(props, p)
}

func timestamp(t time.Time) string { return t.UTC().Truncate(time.Second).Format(time.RFC3339) }

// Catalog returns cat as an OSCAL catalog: one group per theme, one control per control, with
// the English title and statement, the Swedish ones in Lisa's namespace, and links to the
// controls of the other catalogs of set mapped to it (set may be nil). now is the
// last-modified time; the UUID depends on the catalog id only.
func Catalog(cat *catalog.Catalog, set *catalog.Set, now time.Time) ([]byte, error) {
	if cat == nil {
		return nil, fmt.Errorf("oscal: no catalog")
	}
	var doc catalogDoc
	c := &doc.Catalog
	c.UUID = stableUUID("catalog", cat.ID)
	c.Metadata = metadata{Title: cat.Name, LastModified: timestamp(now), Version: cat.Version, OSCALVersion: Version}
	if c.Metadata.Version == "" {
		c.Metadata.Version = "1"
	}
	c.Metadata.Props = addProp(nil, prop{Name: "title", NS: NS, Class: "sv", Value: cat.NameSV})
	c.Metadata.Props = addProp(c.Metadata.Props, prop{Name: "catalog-id", NS: NS, Value: cat.ID})

	groups := map[string]int{}
	for _, ctl := range cat.Controls {
		gi, ok := groups[ctl.Theme]
		if !ok {
			th := cat.Theme(ctl.Theme)
			g := group{ID: token(th.ID), Title: th.Title}
			if g.Title == "" {
				g.Title = th.ID
			}
			g.Props = addProp(nil, prop{Name: "title", NS: NS, Class: "sv", Value: th.TitleSV})
			gi = len(c.Groups)
			groups[ctl.Theme] = gi
			c.Groups = append(c.Groups, g)
		}
		c.Groups[gi].Controls = append(c.Groups[gi].Controls, oscalControl(cat, set, ctl))
	}
	return marshal(doc)
}

func oscalControl(cat *catalog.Catalog, set *catalog.Set, ctl catalog.Control) control {
	id := ControlID(cat.ID, ctl.ID)
	out := control{ID: id, Title: ctl.Title}
	if out.Title == "" {
		out.Title = ctl.TitleSV
	}
	out.Props = addProp(nil, prop{Name: "label", Value: ctl.ID})
	out.Props = addProp(out.Props, prop{Name: "title", NS: NS, Class: "sv", Value: ctl.TitleSV})
	if ctl.Description != "" {
		out.Parts = append(out.Parts, part{ID: id + "_smt", Name: "statement", Prose: ctl.Description})
	}
	if ctl.DescriptionSV != "" {
		out.Parts = append(out.Parts, part{ID: id + "_smt.sv", Name: "statement", NS: NS, Class: "sv", Prose: ctl.DescriptionSV})
	}
	if set != nil {
		for _, r := range set.Mapped(catalog.Ref{Catalog: cat.ID, Control: ctl.ID}) {
			text := r.Catalog + " " + r.Control
			if m := set.Control(r); m != nil && m.Title != "" {
				text += " " + m.Title
			}
			out.Links = append(out.Links, link{Href: CatalogHref(r.Catalog) + "#" + ControlID(r.Catalog, r.Control), Rel: "related", Text: text})
		}
	}
	return out
}

// The component-definition model.

type componentDoc struct {
	ComponentDefinition struct {
		UUID       string      `json:"uuid"`
		Metadata   metadata    `json:"metadata"`
		Components []component `json:"components,omitempty"`
		BackMatter *backMatter `json:"back-matter,omitempty"`
	} `json:"component-definition"`
}

type component struct {
	UUID                   string                  `json:"uuid"`
	Type                   string                  `json:"type"`
	Title                  string                  `json:"title"`
	Description            string                  `json:"description"`
	Props                  []prop                  `json:"props,omitempty"`
	ResponsibleRoles       []responsibleRole       `json:"responsible-roles,omitempty"`
	ControlImplementations []controlImplementation `json:"control-implementations,omitempty"`
}

type controlImplementation struct {
	UUID                    string                   `json:"uuid"`
	Source                  string                   `json:"source"`
	Description             string                   `json:"description"`
	ImplementedRequirements []implementedRequirement `json:"implemented-requirements"`
}

type implementedRequirement struct {
	UUID        string `json:"uuid"`
	ControlID   string `json:"control-id"`
	Description string `json:"description"`
	Props       []prop `json:"props,omitempty"`
	Remarks     string `json:"remarks,omitempty"`
}

type backMatter struct {
	Resources []resource `json:"resources"`
}

type resource struct {
	UUID        string `json:"uuid"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	Props       []prop `json:"props,omitempty"`
}

// ImplementationStatus maps Lisa's control statuses to OSCAL's implementation states: a
// control not started is planned (it is in the statement of applicability, so it will be).
func ImplementationStatus(status string, applicable bool) string {
	if !applicable {
		return "not-applicable"
	}
	switch domain.ControlStatus(status) {
	case domain.CtlImplemented:
		return "implemented"
	case domain.CtlPartial:
		return "partial"
	case domain.CtlNotApplicable:
		return "not-applicable"
	}
	return "planned"
}

var statusSV = map[string]string{
	string(domain.CtlNotStarted):    "ej påbörjad",
	string(domain.CtlPartial):       "delvis",
	string(domain.CtlImplemented):   "införd",
	string(domain.CtlNotApplicable): "ej tillämplig",
}

// SoA returns mun's statement of applicability as an OSCAL component definition: one
// component (the municipality's management system, of type "policy") with one control
// implementation per catalog. The rows of cat (Annex A) name it by CatalogHref; the
// municipality's own controls, which have no OSCAL catalog, name a resource in the back matter.
// Each row is an implemented requirement with the OSCAL implementation status, Lisa's own
// status and applicability, the review dates, and the justification as remarks. now is the
// last-modified time; the UUIDs depend on the municipality and control ids only.
func SoA(mun domain.Municipality, rows []app.SoARow, cat *catalog.Catalog, now time.Time) ([]byte, error) {
	if cat == nil {
		return nil, fmt.Errorf("oscal: no catalog")
	}
	munKey := strconv.FormatInt(mun.ID, 10)
	var doc componentDoc
	cd := &doc.ComponentDefinition
	cd.UUID = stableUUID("soa", munKey)
	cd.Metadata = metadata{
		Title:        "Tillämplighetsförklaring – " + mun.Name,
		LastModified: timestamp(now),
		Version:      timestamp(latest(rows, now)),
		OSCALVersion: Version,
	}
	org := party{UUID: stableUUID("municipality", munKey), Type: "organization", Name: mun.Name}
	org.Props = addProp(nil, prop{Name: "org-number", NS: NS, Value: mun.OrgNumber})
	cd.Metadata.Parties = []party{org}
	cd.Metadata.Roles = []role{{ID: "maintainer", Title: "Maintainer"}}

	comp := component{
		UUID:  stableUUID("soa", munKey, "component"),
		Type:  "policy",
		Title: "Ledningssystem för informationssäkerhet – " + mun.Name,
		Description: "Tillämplighetsförklaringen för " + mun.Name + ": vilka säkerhetsåtgärder som är tillämpliga, " +
			"varför, och hur långt de är införda. Statement of applicability of " + mun.Name + ".",
	}
	comp.ResponsibleRoles = []responsibleRole{{RoleID: "maintainer", PartyUUIDs: []string{org.UUID}}}

	impls := map[string]int{}
	for _, r := range rows {
		catID := r.CatalogID
		if catID == "" {
			catID = cat.ID
		}
		ci, ok := impls[catID]
		if !ok {
			impl := controlImplementation{UUID: stableUUID("soa", munKey, "implementation", catID)}
			if catID == cat.ID {
				impl.Source = CatalogHref(cat.ID)
				impl.Description = "Tillämplighetsförklaring mot " + cat.NameSV + ". Statement of applicability against " + cat.Name + "."
			} else {
				res := resource{UUID: stableUUID("soa", munKey, "catalog", catID), Title: catalogTitle(catID, mun)}
				res.Props = addProp(nil, prop{Name: "catalog-id", NS: NS, Value: catID})
				if cd.BackMatter == nil {
					cd.BackMatter = &backMatter{}
				}
				cd.BackMatter.Resources = append(cd.BackMatter.Resources, res)
				impl.Source = "#" + res.UUID
				impl.Description = res.Title + "."
			}
			ci = len(comp.ControlImplementations)
			impls[catID] = ci
			comp.ControlImplementations = append(comp.ControlImplementations, impl)
		}
		impl := &comp.ControlImplementations[ci]
		impl.ImplementedRequirements = append(impl.ImplementedRequirements, requirement(munKey, catID, r))
	}
	if len(comp.ControlImplementations) > 0 {
		cd.Components = []component{comp}
	}
	return marshal(doc)
}

func catalogTitle(catID string, mun domain.Municipality) string {
	if catID == app.CustomCatalog {
		return mun.Name + ": egna säkerhetsåtgärder"
	}
	return "Katalog " + catID
}

func requirement(munKey, catID string, r app.SoARow) implementedRequirement {
	title := r.ControlTitleSV
	if title == "" {
		title = r.ControlTitle
	}
	applicable := "ja"
	if !r.Applicable {
		applicable = "nej"
	}
	status := statusSV[r.Status]
	if status == "" {
		status = r.Status
	}
	ir := implementedRequirement{
		UUID:        stableUUID("soa", munKey, "requirement", catID, r.ControlID),
		ControlID:   ControlID(catID, r.ControlID),
		Description: strings.TrimSpace(r.ControlID + " " + title + ". Tillämplig: " + applicable + ". Status: " + status + "."),
		Remarks:     strings.TrimSpace(r.Justification),
	}
	ir.Props = addProp(nil, prop{Name: "implementation-status", Value: ImplementationStatus(r.Status, r.Applicable)})
	ir.Props = addProp(ir.Props, prop{Name: "label", Value: r.ControlID})
	ir.Props = addProp(ir.Props, prop{Name: "applicable", NS: NS, Value: strconv.FormatBool(r.Applicable)})
	ir.Props = addProp(ir.Props, prop{Name: "status", NS: NS, Value: r.Status})
	for _, u := range r.UnitStatuses {
		ir.Props = addProp(ir.Props, prop{Name: "unit-status", NS: NS, Class: "org-unit-" + strconv.FormatInt(u.OrgUnitID, 10), Value: string(u.Status)})
	}
	if r.LastReviewedAt != nil && !r.LastReviewedAt.IsZero() {
		ir.Props = addProp(ir.Props, prop{Name: "last-reviewed", NS: NS, Value: r.LastReviewedAt.String()})
	}
	if r.NextReviewAt != nil && !r.NextReviewAt.IsZero() {
		ir.Props = addProp(ir.Props, prop{Name: "next-review", NS: NS, Value: r.NextReviewAt.String()})
	}
	return ir
}

// latest is the time of the newest change to the statement, now when there is none.
func latest(rows []app.SoARow, now time.Time) time.Time {
	var t time.Time
	for _, r := range rows {
		if r.UpdatedAt.After(t) {
			t = r.UpdatedAt
		}
	}
	if t.IsZero() {
		return now
	}
	return t
}

func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("oscal: encode: %w", err)
	}
	return buf.Bytes(), nil
}
