package domain

import "time"

// Kind names a kind of tracked record. Every kind shares the Record core: owner, org unit,
// status, review interval and dates, reviews, evidence, comments and audit trail.
type Kind string

// The record kinds. New kinds (asset, risk, incident, plan, ...) add a constant, a table for
// their own fields and their pages; the review logic stays here.
const (
	KindDocument Kind = "document"
)

// Kinds lists every record kind.
var Kinds = []Kind{KindDocument, KindControl}

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
	Title                string    `db:"title" json:"title"`
	OrgUnitID            int64     `db:"org_unit_id" json:"org_unit_id"`
	OwnerID              *int64    `db:"owner_id" json:"owner_id"`
	Status               string    `db:"status" json:"status"`
	ReviewIntervalMonths int       `db:"review_interval_months" json:"review_interval_months"`
	LastReviewedAt       *Date     `db:"last_reviewed_at" json:"last_reviewed_at"`
	NextReviewAt         *Date     `db:"next_review_at" json:"next_review_at"`
	CreatedAt            time.Time `db:"created_at" json:"created_at"`
	UpdatedAt            time.Time `db:"updated_at" json:"updated_at"`
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
	case DueFilterAll:
		return nil, nil
	}
	return nil, &soon
}

// DueItem is one row of the review list across kinds.
type DueItem struct {
	Kind           Kind   `db:"kind" json:"kind"`
	ID             int64  `db:"id" json:"id"`
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

// EvidenceTypes are the sniffed content types accepted as evidence: documents and images.
var EvidenceTypes = map[string]bool{
	"application/pdf": true,
	"text/plain":      true,
	"text/csv":        true,
	"image/png":       true,
	"image/jpeg":      true,
	"image/gif":       true,
	"image/webp":      true,
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   true,
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         true,
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": true,
	"application/vnd.oasis.opendocument.text":                                   true,
	"application/vnd.oasis.opendocument.spreadsheet":                            true,
	"application/vnd.oasis.opendocument.presentation":                           true,
	"application/msword":       true,
	"application/vnd.ms-excel": true,
	"application/rtf":          true,
	"text/rtf":                 true,
}

// Visibility is the set of rows of one municipality a person may act on, as decided by
// package authz: all rows, rows in some org units, and/or adopted governing documents.
type Visibility struct {
	All     bool
	UnitIDs []int64
	Adopted bool
	OwnerID int64 // rows owned by this user (0: none)
}

// None reports whether nothing is visible.
func (v Visibility) None() bool { return !v.All && len(v.UnitIDs) == 0 && !v.Adopted && v.OwnerID == 0 }

// Allows reports whether a row in org unit unit with status status is visible.
func (v Visibility) Allows(unit int64, status string) bool {
	if v.All || (v.Adopted && status == string(DocAdopted)) {
		return true
	}
	for _, u := range v.UnitIDs {
		if u == unit {
			return true
		}
	}
	return false
}

// ClosedStatuses are statuses in which a record needs no more reviews (any kind).
var ClosedStatuses = []string{string(DocRetired)}
