// Package exchange reads and writes the statement of applicability as spreadsheets (XLSX, CSV)
// for certification auditors and for bulk editing.
package exchange

import (
	"fmt"
	"strings"
	"sync"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/catalog"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/i18n"
	"github.com/lisa-isms/lisa/ui"
)

// MaxRows is the number of data rows an import accepts; callers pass it to ReadXLSX.
const MaxRows = 5000

// column is one column of the exported statement of applicability.
type column struct {
	key   string  // translation key of the header (export.col.*), in every language
	width float64 // XLSX column width in characters
}

// The columns, in file order. Only Tillämplig, Motivering and Status are read back on import;
// the others must be present but are ignored.
const (
	colID = iota
	colTitle
	colTheme
	colApplicable
	colJustification
	colStatus
	colOwner
	colEvidence
	colLastReviewed
	colNextReview
	numColumns
)

// The headers are their own keys, not those of the pages: they are the file format the
// import reads back, and must not change with the wording of a page.
var columns = [numColumns]column{
	colID:            {"export.col.id", 10},
	colTitle:         {"export.col.title", 48},
	colTheme:         {"export.col.theme", 22},
	colApplicable:    {"export.col.applicable", 13},
	colJustification: {"export.col.justification", 60},
	colStatus:        {"export.col.status", 16},
	colOwner:         {"export.col.owner", 26},
	colEvidence:      {"export.col.evidence", 44},
	colLastReviewed:  {"export.col.last_reviewed", 16},
	colNextReview:    {"export.col.next_review", 17},
}

// texts are the translations embedded in the binary (ui/locales), loaded once.
var texts = sync.OnceValues(func() (*i18n.Catalog, error) { return i18n.Load(ui.FS) })

// statusKeyPrefix makes the key of a status's word in exports (export.status.implemented):
// lower case, as the import reads it back.
const statusKeyPrefix = "export.status."

// labels are the words of one export language.
type labels struct {
	c    *i18n.Catalog
	lang string // "sv" or "en"
	en   bool
}

// labelsFor picks English for "en", "en-GB" and the like, Swedish for anything else.
func labelsFor(lang string) (labels, error) {
	c, err := texts()
	if err != nil {
		return labels{}, fmt.Errorf("exchange: load translations: %w", err)
	}
	l := strings.ToLower(strings.TrimSpace(lang))
	if l == "en" || strings.HasPrefix(l, "en-") || strings.HasPrefix(l, "en_") {
		return labels{c: c, lang: "en", en: true}, nil
	}
	return labels{c: c, lang: "sv"}, nil
}

func (l labels) t(key string, args ...any) string { return l.c.T(l.lang, key, args...) }

func (l labels) sheet() string      { return l.t("soa.title") }
func (l labels) aboutSheet() string { return l.t("xlsx.about") }

func (l labels) header(i int) string { return l.t(columns[i].key) }

func (l labels) headers() []string {
	out := make([]string, numColumns)
	for i := range columns {
		out[i] = l.header(i)
	}
	return out
}

func (l labels) statuses() []string {
	out := make([]string, 0, len(domain.ControlStatuses))
	for _, s := range domain.ControlStatuses {
		out = append(out, l.statusLabel(string(s)))
	}
	return out
}

func (l labels) statusLabel(s string) string {
	if l.c.Has(l.lang, statusKeyPrefix+s) {
		return l.t(statusKeyPrefix + s)
	}
	return s
}

func (l labels) yes() string { return l.t("common.yes") }
func (l labels) no() string  { return l.t("common.no") }

func (l labels) bool(b bool) string {
	if b {
		return l.yes()
	}
	return l.no()
}

// themeTitles maps the theme ids of Annex A (which the municipalities' own controls reuse) to
// their titles in Swedish and English.
var themeTitles = sync.OnceValue(func() map[string][2]string {
	out := map[string][2]string{}
	set, err := catalog.Load()
	if err != nil {
		return out
	}
	if iso := set.Catalog(catalog.ISO); iso != nil {
		for _, t := range iso.Themes {
			out[t.ID] = [2]string{t.TitleSV, t.Title}
		}
	}
	return out
})

func (l labels) theme(id string) string {
	t, ok := themeTitles()[id]
	switch {
	case !ok:
		return id
	case l.en:
		return t[1]
	}
	return t[0]
}

// texts returns the text columns of one row; the date columns are left empty and filled
// by the writers in their own way.
func (l labels) texts(r app.SoARow, owners, evidence map[int64]string) []string {
	out := make([]string, numColumns)
	out[colID] = r.ControlID
	out[colTitle] = r.ControlTitleSV
	if l.en || out[colTitle] == "" {
		out[colTitle] = r.ControlTitle
	}
	out[colTheme] = l.theme(r.Theme)
	out[colApplicable] = l.bool(r.Applicable)
	out[colJustification] = r.Justification
	out[colStatus] = l.statusLabel(r.Status)
	if r.OwnerID != nil {
		out[colOwner] = owners[*r.OwnerID]
	}
	if len(r.EvidenceIDs) > 0 {
		titles := make([]string, 0, len(r.EvidenceIDs))
		for _, id := range r.EvidenceIDs {
			if t, ok := evidence[id]; ok && t != "" {
				titles = append(titles, t)
			}
		}
		out[colEvidence] = strings.Join(titles, "; ")
	}
	return out
}

func dateText(d *domain.Date) string {
	if d == nil || d.IsZero() {
		return ""
	}
	return d.String()
}
