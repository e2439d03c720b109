package domain

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// KindSpec declares one kind of tracked record, once: every generic place (the shared record
// routes and pages, links in pages, mails and the calendar feed, reminders, the due list,
// navigation, the authorization object, the OpenAPI description of the shared routes and the
// route × role test) reads it. A kind registers its spec from its own file (RegisterKind in an
// init function); it does not edit the generic code.
type KindSpec struct {
	Kind Kind
	// Table is the kind's own table, keyed by record_id ("" when the kind has no own fields).
	Table string
	// Section is the path segment of the kind's pages and API: /m/{mun}/{Section}/{key}.
	Section string
	// Param is the route parameter that names one record ("id" unless ByRef).
	Param string
	// ByRef: one record is addressed by records.ref (a statement-of-applicability row by its
	// control id) instead of its id.
	ByRef bool
	// Statuses lists the valid statuses; Closed those in which a record needs no more reviews;
	// Published those readable under the "published" scope (staff read adopted documents).
	Statuses  []string
	Closed    []string
	Published []string
	// Parse reads a status as users type it (default: NormalizeEnum, then one of Statuses).
	Parse func(string) (string, bool)
	// StatusLabels is the translation key prefix of the statuses' names ("docstatus.").
	StatusLabels string
	// ExportColumns are the kind's own columns in its spreadsheet export, after the core's.
	ExportColumns []ExportColumn
	// Object is the authorization object of policies/policy.csv (default: the kind's name).
	Object string
	// Label is the translation key of the kind's name ("kind.document"); Nav the key of its
	// entry in the navigation ("" when it has none).
	Label string
	Nav   string
	// NavOrder places the kind's menu entry: lower first (documents 10, the SoA 20, assets 30).
	NavOrder int
	// ActionParent: treatment actions (kind risk_action) may hang on this kind's records (a
	// risk, an incident, an exercise): their findings are followed up as tracked actions.
	ActionParent bool
	// APIName names the kind in the OpenAPI operation ids of its shared routes
	// ("markDocumentReviewed"; default: the kind with a capital letter).
	APIName string
}

// ExportColumn is one column of a kind's own table in its export: the column, the translation
// key of its header, and how its values read.
type ExportColumn struct {
	Column string     // in the kind's Table
	Header string     // translation key of the header ("field.version")
	Type   ExportType // how the value is written
	Labels string     // ExportEnum: translation key prefix of the values' names ("doctype.")
}

// ExportType says how an export column's value is written.
type ExportType string

// The export column types.
const (
	ExportText ExportType = "text" // as stored
	ExportDate ExportType = "date" // YYYY-MM-DD
	ExportEnum ExportType = "enum" // the value's name in the reader's language
	ExportBool ExportType = "bool" // yes or no in the reader's language
)

var identifier = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

var (
	kindsMu sync.RWMutex
	kinds   = map[Kind]KindSpec{}
	order   []Kind
)

// RegisterKind adds a kind to the registry; a second registration of one kind, or a spec
// without a section, panics (a programming error, found at start-up).
func RegisterKind(s KindSpec) {
	kindsMu.Lock()
	defer kindsMu.Unlock()
	if s.Kind == "" || s.Section == "" || len(s.Statuses) == 0 {
		panic(fmt.Sprintf("kind %q: kind, section and statuses are required", s.Kind))
	}
	if s.Table != "" && !identifier.MatchString(s.Table) {
		panic(fmt.Sprintf("kind %q: table %q is not an identifier", s.Kind, s.Table))
	}
	for _, c := range s.ExportColumns {
		if s.Table == "" || !identifier.MatchString(c.Column) || c.Header == "" || (c.Type == ExportEnum) != (c.Labels != "") {
			panic(fmt.Sprintf("kind %q: bad export column %+v", s.Kind, c))
		}
	}
	if _, dup := kinds[s.Kind]; dup {
		panic(fmt.Sprintf("kind %q registered twice", s.Kind))
	}
	for _, o := range kinds {
		if o.Section == s.Section {
			panic(fmt.Sprintf("kinds %q and %q share the section %q", o.Kind, s.Kind, s.Section))
		}
	}
	if s.Param == "" {
		s.Param = "id"
	}
	if s.Object == "" {
		s.Object = string(s.Kind)
	}
	if s.Label == "" {
		s.Label = "kind." + string(s.Kind)
	}
	if s.APIName == "" {
		s.APIName = strings.ToUpper(string(s.Kind[:1])) + string(s.Kind[1:])
	}
	kinds[s.Kind] = s
	order = append(order, s.Kind)
}

// UnregisterKind removes a kind (for tests that register one of their own).
func UnregisterKind(k Kind) {
	kindsMu.Lock()
	defer kindsMu.Unlock()
	delete(kinds, k)
	order = slices.DeleteFunc(order, func(o Kind) bool { return o == k })
}

// SpecOf returns the spec of kind k.
func SpecOf(k Kind) (KindSpec, bool) {
	kindsMu.RLock()
	defer kindsMu.RUnlock()
	s, ok := kinds[k]
	return s, ok
}

// KindSpecs returns every registered kind in registration order.
func KindSpecs() []KindSpec {
	kindsMu.RLock()
	defer kindsMu.RUnlock()
	out := make([]KindSpec, 0, len(order))
	for _, k := range order {
		out = append(out, kinds[k])
	}
	return out
}

// Kinds lists every registered kind.
func Kinds() []Kind {
	kindsMu.RLock()
	defer kindsMu.RUnlock()
	return slices.Clone(order)
}

// IsClosed reports whether status is closed for kind k: such a record needs no more reviews.
func IsClosed(k Kind, status string) bool {
	s, _ := SpecOf(k)
	return slices.Contains(s.Closed, status)
}

// IsPublished reports whether a record of kind k in status is readable under the published scope.
func IsPublished(k Kind, status string) bool {
	s, _ := SpecOf(k)
	return slices.Contains(s.Published, status)
}

// ParseStatus reads a status of the kind; ok is false when it is not one of its statuses.
func (s KindSpec) ParseStatus(v string) (string, bool) {
	if s.Parse != nil {
		st, ok := s.Parse(v)
		return st, ok && slices.Contains(s.Statuses, st)
	}
	st := NormalizeEnum(v)
	return st, slices.Contains(s.Statuses, st)
}

// Key is how URLs name record id with ref of kind k: its ref for kinds addressed by ref,
// else its id.
func (s KindSpec) Key(id int64, ref string) string {
	if s.ByRef {
		return ref
	}
	return strconv.FormatInt(id, 10)
}

// RecordPath is the path of a record's page, /m/{mun}/{section}/{key}: the one link builder of
// pages, mails, notifications and the calendar feed. An unregistered kind has no page ("").
func RecordPath(mun int64, k Kind, id int64, ref string) string {
	s, ok := SpecOf(k)
	if !ok {
		return ""
	}
	return "/m/" + strconv.FormatInt(mun, 10) + "/" + s.Section + "/" + s.Key(id, ref)
}

// Path is the page of the record.
func (r Record) Path() string { return RecordPath(r.MunicipalityID, r.Kind, r.ID, r.Ref) }

// Path is the page of the record the due item names.
func (d DueItem) Path() string { return RecordPath(d.MunicipalityID, d.Kind, d.ID, d.Ref) }

func stringsOf[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// The two kinds of the foundation and the controls issue. Later kinds register from their
// own files.
func init() {
	RegisterKind(KindSpec{Kind: KindDocument, Table: "documents", Section: "documents",
		Statuses: stringsOf(DocStatuses), Closed: []string{string(DocRetired)}, Published: []string{string(DocAdopted)},
		Label: "kind.document", Nav: "nav.documents", NavOrder: 10, APIName: "Document", StatusLabels: "docstatus.",
		ExportColumns: []ExportColumn{
			{Column: "doc_type", Header: "field.type", Type: ExportEnum, Labels: "doctype."},
			{Column: "version", Header: "field.version", Type: ExportText},
			{Column: "adopted_by", Header: "field.adopted_by", Type: ExportEnum, Labels: "adopter."},
			{Column: "adopted_at", Header: "field.adopted_at", Type: ExportDate},
			{Column: "revision_in_progress", Header: "field.revision_in_progress", Type: ExportBool},
			{Column: "scope", Header: "field.scope", Type: ExportEnum, Labels: "scope."},
		}})
	RegisterKind(KindSpec{Kind: KindControl, Table: "control_impls", Section: "soa", Param: "ctl", ByRef: true,
		Statuses: stringsOf(ControlStatuses), Parse: func(v string) (string, bool) { st, ok := ParseControlStatus(v); return string(st), ok }, Label: "kind.control", Nav: "nav.soa", NavOrder: 20, APIName: "SoARow", StatusLabels: "ctlstatus.",
		ExportColumns: []ExportColumn{
			{Column: "control_id", Header: "export.col.id", Type: ExportText},
			{Column: "applicable", Header: "export.col.applicable", Type: ExportBool},
			{Column: "justification", Header: "export.col.justification", Type: ExportText},
		}})
}
