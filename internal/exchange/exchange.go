// Package exchange reads and writes the statement of applicability as spreadsheets (XLSX, CSV)
// for certification auditors and for bulk editing.
package exchange

import (
	"strings"
	"sync"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/catalog"
	"github.com/lisa-isms/lisa/internal/domain"
)

// MaxRows is the number of data rows an import accepts; callers pass it to ReadXLSX.
const MaxRows = 5000

// column is one column of the exported statement of applicability.
type column struct {
	key    string
	sv, en string  // header in each language
	width  float64 // XLSX column width in characters
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

var columns = [numColumns]column{
	colID:            {"id", "Id", "Id", 10},
	colTitle:         {"title", "Titel", "Title", 48},
	colTheme:         {"theme", "Tema", "Theme", 22},
	colApplicable:    {"applicable", "Tillämplig", "Applicable", 13},
	colJustification: {"justification", "Motivering", "Justification", 60},
	colStatus:        {"status", "Status", "Status", 16},
	colOwner:         {"owner", "Ägare", "Owner", 26},
	colEvidence:      {"evidence", "Bevis", "Evidence", 44},
	colLastReviewed:  {"last_reviewed", "Senast granskad", "Last reviewed", 16},
	colNextReview:    {"next_review", "Nästa granskning", "Next review", 17},
}

// labels holds the words of one export language.
type labels struct {
	en                bool
	sheet, aboutSheet string
	yes, no           string
	status            map[string]string
}

var (
	svLabels = labels{
		sheet: "Tillämplighetsförklaring", aboutSheet: "Om", yes: "Ja", no: "Nej",
		status: map[string]string{
			string(domain.CtlNotStarted):    "ej påbörjad",
			string(domain.CtlPartial):       "delvis",
			string(domain.CtlImplemented):   "införd",
			string(domain.CtlNotApplicable): "ej tillämplig",
		},
	}
	enLabels = labels{
		en: true, sheet: "Statement of applicability", aboutSheet: "About", yes: "Yes", no: "No",
		status: map[string]string{
			string(domain.CtlNotStarted):    "not started",
			string(domain.CtlPartial):       "partial",
			string(domain.CtlImplemented):   "implemented",
			string(domain.CtlNotApplicable): "not applicable",
		},
	}
)

// labelsFor picks English for "en", "en-GB" and the like, Swedish for anything else.
func labelsFor(lang string) labels {
	l := strings.ToLower(strings.TrimSpace(lang))
	if l == "en" || strings.HasPrefix(l, "en-") || strings.HasPrefix(l, "en_") {
		return enLabels
	}
	return svLabels
}

func (l labels) header(i int) string {
	if l.en {
		return columns[i].en
	}
	return columns[i].sv
}

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
		out = append(out, l.status[string(s)])
	}
	return out
}

func (l labels) statusLabel(s string) string {
	if v, ok := l.status[s]; ok {
		return v
	}
	return s
}

func (l labels) bool(b bool) string {
	if b {
		return l.yes
	}
	return l.no
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
