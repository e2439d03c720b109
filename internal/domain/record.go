package domain

import (
	"path"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Kind names a kind of tracked record. Every kind shares the Record core: owner, org unit,
// status, review interval and dates, reviews, evidence, comments and audit trail.
type Kind string

// KindDocument is a governing document. Every kind is declared once in the registry (kind.go).
const KindDocument Kind = "document"

// Review interval bounds in months.
const (
	MinReviewMonths     = 1
	MaxReviewMonths     = 120
	DefaultReviewMonths = 12
	DueSoonDays         = 30
)

// Record is the core every tracked ISMS record shares.
type Record struct {
	ID                   int64     `db:"id" json:"id"`
	MunicipalityID       int64     `db:"municipality_id" json:"municipality_id"`
	Kind                 Kind      `db:"kind" json:"kind"`
	Ref                  string    `db:"ref" json:"-"` // the URL key of kinds addressed by ref
	Title                string    `db:"title" json:"title"`
	OrgUnitID            int64     `db:"org_unit_id" json:"org_unit_id"`
	OwnerID              *int64    `db:"owner_id" json:"owner_id"`
	Status               string    `db:"status" json:"status"`
	ReviewIntervalMonths int       `db:"review_interval_months" json:"review_interval_months"`
	LastReviewedAt       *Date     `db:"last_reviewed_at" json:"last_reviewed_at"`
	NextReviewAt         *Date     `db:"next_review_at" json:"next_review_at"`
	CreatedAt            time.Time `db:"created_at" json:"created_at"`
	UpdatedAt            time.Time `db:"updated_at" json:"updated_at"`
	// CreatedBy is who created the record (an incident's reporter); nil for records made by
	// the system, by bulk loads and before it was kept.
	CreatedBy *int64 `db:"created_by" json:"-"`
}

// DueState says where a record stands against its review date.
type DueState string

// The due states.
const (
	DueOverdue DueState = "overdue"
	DueSoon    DueState = "soon"
	DueLater   DueState = "ok"
	DueNone    DueState = "none"
)

// Due returns the record's due state on day today.
func (r Record) Due(today Date) DueState { return DueStateOf(r.NextReviewAt, today) }

// TitleCursor is where r stands in a list in title order (the registers' order).
func (r Record) TitleCursor() Cursor { return Cursor{Key: FoldTitle(r.Title), ID: r.ID} }

// DueStateOf classifies a next-review date against today.
func DueStateOf(next *Date, today Date) DueState {
	switch {
	case next == nil:
		return DueNone
	case next.Before(today):
		return DueOverdue
	case !next.After(today.AddDays(DueSoonDays)):
		return DueSoon
	}
	return DueLater
}

// NextReview returns the next review date after a review on day from.
func NextReview(from Date, intervalMonths int) Date { return from.AddMonths(intervalMonths) }

// DueFilter selects records by review date: overdue, due within DueSoonDays or 90 days, or
// all with a date.
type DueFilter string

// The due filters of the review list.
const (
	DueFilterOverdue DueFilter = "overdue"
	DueFilterSoon    DueFilter = "soon"
	DueFilterSoon90  DueFilter = "soon90"
	DueFilterAll     DueFilter = "all"
	// DueFilterUpTo90 is overdue and within 90 days together: the review calendar's widest
	// view (not a ?due= value).
	DueFilterUpTo90 DueFilter = "upto90"
)

// ParseDueFilter validates the ?due= parameter; empty means overdue and soon together ("attention").
func ParseDueFilter(s string) (DueFilter, error) {
	switch DueFilter(s) {
	case DueFilterOverdue, DueFilterSoon, DueFilterSoon90, DueFilterAll:
		return DueFilter(s), nil
	case "":
		return "", nil
	}
	return "", &Error{Code: EInvalid, Message: "err.invalid", Fields: map[string]string{"due": "err.enum"}}
}

// Bounds returns the inclusive upper bound and optional lower bound of next_review_at for f.
// An empty filter means "needs attention": overdue or due within DueSoonDays.
func (f DueFilter) Bounds(today Date) (from *Date, to *Date) {
	soon := today.AddDays(DueSoonDays)
	yesterday := today.AddDays(-1)
	switch f {
	case DueFilterOverdue:
		return nil, &yesterday
	case DueFilterSoon:
		return &today, &soon
	case DueFilterSoon90:
		later := today.AddDays(90)
		return &today, &later
	case DueFilterUpTo90:
		later := today.AddDays(90)
		return nil, &later
	case DueFilterAll:
		return nil, nil
	}
	return nil, &soon
}

// DueItem is one row of the review list across kinds.
type DueItem struct {
	Kind           Kind   `db:"kind" json:"kind"`
	ID             int64  `db:"id" json:"id"`
	Ref            string `db:"ref" json:"-"`
	MunicipalityID int64  `db:"municipality_id" json:"municipality_id"`
	Title          string `db:"title" json:"title"`
	OwnerID        *int64 `db:"owner_id" json:"owner_id"`
	OwnerName      string `db:"owner_name" json:"owner_name,omitempty"`
	OrgUnitID      int64  `db:"org_unit_id" json:"org_unit_id"`
	OrgUnitName    string `db:"org_unit_name" json:"org_unit_name,omitempty"`
	Status         string `db:"status" json:"status"`
	NextReviewAt   *Date  `db:"next_review_at" json:"next_review_at"`
}

// Review is one "mark as reviewed" of a record.
type Review struct {
	ID           int64     `db:"id" json:"id"`
	RecordID     int64     `db:"record_id" json:"record_id"`
	ReviewedBy   int64     `db:"reviewed_by" json:"reviewed_by"`
	ReviewerName string    `db:"reviewer_name" json:"reviewer_name"`
	ReviewedAt   Date      `db:"reviewed_at" json:"reviewed_at"`
	NextReviewAt Date      `db:"next_review_at" json:"next_review_at"`
	Comment      string    `db:"comment" json:"comment"`
	CreatedAt    time.Time `db:"created_at" json:"created_at"`
}

// Comment is a remark on a record (auditors may write nothing else).
type Comment struct {
	ID         int64     `db:"id" json:"id"`
	RecordID   int64     `db:"record_id" json:"record_id"`
	AuthorID   int64     `db:"author_id" json:"author_id"`
	AuthorName string    `db:"author_name" json:"author_name"`
	Body       string    `db:"body" json:"body"`
	CreatedAt  time.Time `db:"created_at" json:"created_at"`
}

// Evidence is a file attached to a record. Data is loaded only when downloading.
type Evidence struct {
	ID           int64     `db:"id" json:"id"`
	RecordID     int64     `db:"record_id" json:"record_id"`
	Filename     string    `db:"filename" json:"filename"`
	ContentType  string    `db:"content_type" json:"content_type"`
	Size         int64     `db:"size" json:"size"`
	SHA256       string    `db:"sha256" json:"sha256"`
	UploadedBy   int64     `db:"uploaded_by" json:"uploaded_by"`
	UploaderName string    `db:"uploader_name" json:"uploader_name"`
	CreatedAt    time.Time `db:"created_at" json:"created_at"`
	Data         []byte    `db:"data" json:"-"`
}

// MaxEvidenceBytes is the largest evidence file accepted.
const MaxEvidenceBytes = 25 << 20

// EvidenceTypes are the sniffed content types accepted as evidence, documents and images,
// each with the file name extensions that type may carry (the first is the one given to a
// file whose name says otherwise).
var EvidenceTypes = map[string][]string{
	"application/pdf": {".pdf"},
	"text/plain":      {".txt", ".text", ".log", ".md"},
	"text/csv":        {".csv"},
	"image/png":       {".png"},
	"image/jpeg":      {".jpg", ".jpeg", ".jpe"},
	"image/gif":       {".gif"},
	"image/webp":      {".webp"},
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   {".docx"},
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         {".xlsx"},
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": {".pptx"},
	"application/vnd.oasis.opendocument.text":                                   {".odt"},
	"application/vnd.oasis.opendocument.spreadsheet":                            {".ods"},
	"application/vnd.oasis.opendocument.presentation":                           {".odp"},
	"application/msword":       {".doc"},
	"application/vnd.ms-excel": {".xls"},
	"application/rtf":          {".rtf"},
	"text/rtf":                 {".rtf"},
}

// EvidenceFilename is the name an evidence file of content type ctype is stored and
// downloaded under: the base name of name without path, control or format characters
// (a right-to-left override makes "a\u202egnp.exe" look like "aexe.png"), and with an
// extension that matches ctype — "Rutin.hta" that is a PDF becomes "Rutin.pdf" and
// "a.pdf.exe" becomes "a.pdf", since the downloader's system opens a file by its extension.
func EvidenceFilename(name, ctype string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '"' || r == '/' {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "." || name == ".." || name == "/" {
		name = ""
	}
	exts, ok := EvidenceTypes[ctype]
	if !ok || len(exts) == 0 {
		return name
	}
	ext := strings.ToLower(path.Ext(name))
	if slices.Contains(exts, ext) {
		return name
	}
	stem := strings.TrimRight(strings.TrimSuffix(name, path.Ext(name)), ". ")
	if slices.Contains(exts, strings.ToLower(path.Ext(stem))) {
		return stem
	}
	if stem == "" {
		stem = "fil"
	}
	return stem + exts[0]
}

// Visibility is the set of rows of one municipality a person may act on, as decided by
// package authz: all rows, rows in some org units, published rows (adopted governing
// documents: the kinds' Published statuses) and/or rows the person owns.
type Visibility struct {
	All       bool
	UnitIDs   []int64
	Published bool
	OwnerID   int64 // rows owned by this user (0: none)
	CreatorID int64 // rows this user created (0: none): the incidents a member of staff reported
}

// None reports whether nothing is visible.
func (v Visibility) None() bool {
	return !v.All && len(v.UnitIDs) == 0 && !v.Published && v.OwnerID == 0 && v.CreatorID == 0
}

// Allows reports whether a row of kind in org unit unit with status status is visible
// (ownership and authorship are checked by the caller, who knows the owner and the creator).
func (v Visibility) Allows(kind Kind, unit int64, status string) bool {
	if v.All || (v.Published && IsPublished(kind, status)) {
		return true
	}
	for _, u := range v.UnitIDs {
		if u == unit {
			return true
		}
	}
	return false
}

// RecordInput changes the core fields every kind shares; a nil field is "not given": on
// create it takes its default, on update it keeps its value. A kind's input hands its core
// fields over with a Core method.
type RecordInput struct {
	Title                *string
	OrgUnitID            *int64
	OwnerID              *int64
	Status               *string
	ReviewIntervalMonths *int
	LastReviewedAt       *string
	NextReviewAt         *string
}

// ApplyRecord applies the core fields of in to r (a new record when r.ID == 0; r.Kind is set)
// and adds what is wrong with them to p: the one place where owner, org unit, status, review
// interval and review dates are validated, for every kind. The next review follows from the
// last review (or today) and the interval unless given explicitly, and is recomputed when the
// interval or the last review changes. The unit and owner ids are checked against the
// database by the caller.
func ApplyRecord(p Problems, r *Record, in RecordInput, today Date) {
	spec, _ := SpecOf(r.Kind)
	isNew := r.ID == 0
	if isNew {
		if r.ReviewIntervalMonths == 0 {
			r.ReviewIntervalMonths = DefaultReviewMonths
		}
		if r.Status == "" && len(spec.Statuses) > 0 {
			r.Status = spec.Statuses[0]
		}
		if in.Title == nil && r.Title == "" {
			p.Add("title", "err.required")
		}
		if in.OrgUnitID == nil && r.OrgUnitID == 0 {
			p.Add("org_unit_id", "err.required")
		}
	}
	if in.Title != nil {
		ValidateText(p, "title", *in.Title, true, 200)
		r.Title = strings.TrimSpace(*in.Title)
	}
	if in.OrgUnitID != nil {
		if *in.OrgUnitID <= 0 {
			p.Add("org_unit_id", "err.required")
		}
		r.OrgUnitID = *in.OrgUnitID
	}
	if in.OwnerID != nil {
		if *in.OwnerID <= 0 {
			r.OwnerID = nil
		} else {
			v := *in.OwnerID
			r.OwnerID = &v
		}
	}
	if in.Status != nil {
		if st, ok := spec.ParseStatus(*in.Status); ok {
			r.Status = st
		} else {
			p.Add("status", "err.enum")
		}
	}
	intervalChanged := false
	if in.ReviewIntervalMonths != nil {
		n := *in.ReviewIntervalMonths
		if n < MinReviewMonths || n > MaxReviewMonths {
			p.Add("review_interval_months", "err.review_interval")
		}
		intervalChanged = n != r.ReviewIntervalMonths
		r.ReviewIntervalMonths = n
	}
	if in.LastReviewedAt != nil {
		r.LastReviewedAt = optionalDate(p, "last_reviewed_at", *in.LastReviewedAt)
		if r.LastReviewedAt != nil && r.LastReviewedAt.After(today) {
			p.Add("last_reviewed_at", "err.date_future")
		}
	}
	// A next review given empty for a new record is "not given": it follows from the interval.
	next := in.NextReviewAt
	if isNew && next != nil && strings.TrimSpace(*next) == "" {
		next = nil
	}
	if next != nil {
		r.NextReviewAt = optionalDate(p, "next_review_at", *next)
	}
	if next == nil && p["review_interval_months"] == "" && (isNew || intervalChanged || in.LastReviewedAt != nil) {
		base := today
		if r.LastReviewedAt != nil {
			base = *r.LastReviewedAt
		}
		n := NextReview(base, r.ReviewIntervalMonths)
		r.NextReviewAt = &n
	}
}

// ApplyReview records a "mark as reviewed" on r: reviewed on rv.ReviewedAt, next review one
// interval later unless next is given. It sets rv.NextReviewAt.
func ApplyReview(r *Record, rv *Review, next *Date) {
	n := NextReview(rv.ReviewedAt, r.ReviewIntervalMonths)
	if next != nil {
		n = *next
	}
	at := rv.ReviewedAt
	r.LastReviewedAt, r.NextReviewAt = &at, &n
	rv.NextReviewAt = n
}
