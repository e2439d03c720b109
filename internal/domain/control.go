package domain

import "strings"

// KindControl is the tracked record of one control's implementation in a municipality: one
// row of its statement of applicability (tillämplighetsförklaring).
const KindControl Kind = "control"

// ControlStatus is how far a control is implemented.
type ControlStatus string

// The implementation statuses (ej påbörjad, delvis, införd, ej tillämplig).
const (
	CtlNotStarted    ControlStatus = "not_started"
	CtlPartial       ControlStatus = "partial"
	CtlImplemented   ControlStatus = "implemented"
	CtlNotApplicable ControlStatus = "not_applicable"
)

// ControlStatuses lists the statuses in display order.
var ControlStatuses = []ControlStatus{CtlNotStarted, CtlPartial, CtlImplemented, CtlNotApplicable}

// ParseControlStatus accepts the API values and the Swedish labels a spreadsheet may carry.
func ParseControlStatus(s string) (ControlStatus, bool) {
	switch NormalizeEnum(s) {
	case "not_started", "ej_paborjad", "ej_paborjat", "saknas":
		return CtlNotStarted, true
	case "partial", "delvis", "delvis_inford":
		return CtlPartial, true
	case "implemented", "inford", "infort":
		return CtlImplemented, true
	case "not_applicable", "ej_tillamplig", "ej_tillampligt":
		return CtlNotApplicable, true
	}
	return "", false
}

// UnitStatus is a control's status in one org unit (införd in the school administration,
// delvis in social services).
type UnitStatus struct {
	OrgUnitID int64         `db:"org_unit_id" json:"org_unit_id"`
	Status    ControlStatus `db:"status" json:"status"`
	Comment   string        `db:"comment" json:"comment"` // why the unit differs from the municipality
}

// ControlImpl is one row of a municipality's statement of applicability: the Record core
// (owner, unit, status, review dates) plus applicability, justification, per-unit statuses
// and links to the records that are its evidence (governing documents; later risks, plans…).
type ControlImpl struct {
	Record
	CatalogID     string       `db:"catalog_id" json:"catalog_id"`
	ControlID     string       `db:"control_id" json:"control_id"`
	Applicable    bool         `db:"applicable" json:"applicable"`
	Justification string       `db:"justification" json:"justification"`
	UnitStatuses  []UnitStatus `db:"-" json:"unit_statuses"`
	EvidenceIDs   []int64      `db:"-" json:"evidence_record_ids"`
	PerUnit       bool         `db:"per_unit" json:"-"` // some org unit has a status of its own
	// BaseStatus is the municipality's own status, which the units without one of their own
	// follow; Status is the overall status derived from every unit (OverallStatus). "" (rows
	// from before the rule): the same as Status.
	BaseStatus string `db:"base_status" json:"base_status"`
}

// Base is the status the units that follow the municipality have.
func (c ControlImpl) Base() ControlStatus {
	if c.BaseStatus == "" {
		return ControlStatus(c.Status)
	}
	return ControlStatus(c.BaseStatus)
}

// OverallStatus is the rule a row's status follows from its units: every org unit of units
// has its own status (own) or follows the municipality's base status; implemented when every
// unit has implemented, not started when none has started, partial otherwise. Without units
// known (nil), the units with their own status and the municipality's base count.
func OverallStatus(units []int64, base ControlStatus, own []UnitStatus) ControlStatus {
	byUnit := make(map[int64]ControlStatus, len(own))
	for _, u := range own {
		byUnit[u.OrgUnitID] = u.Status
	}
	all := make([]UnitStatus, 0, len(units)+1)
	for _, id := range units {
		st, ok := byUnit[id]
		if !ok {
			st = base
		}
		all = append(all, UnitStatus{Status: st})
	}
	if units == nil {
		all = append(append(all, own...), UnitStatus{Status: base})
	}
	if len(all) == 0 {
		return base
	}
	return Summarize(all)
}

// SoAInput changes one statement-of-applicability row; nil fields keep their value.
type SoAInput struct {
	Applicable           *bool              `json:"applicable"`
	Justification        *string            `json:"justification"`
	Status               *string            `json:"status"`
	OwnerID              *int64             `json:"owner_id"`
	OrgUnitID            *int64             `json:"org_unit_id"`
	ReviewIntervalMonths *int               `json:"review_interval_months"`
	LastReviewedAt       *string            `json:"last_reviewed_at"`
	NextReviewAt         *string            `json:"next_review_at"`
	UnitStatuses         *[]UnitStatusInput `json:"unit_statuses"`
	EvidenceIDs          *[]int64           `json:"evidence_record_ids"`
}

// UnitStatusInput is one org unit's own status and why.
type UnitStatusInput struct {
	OrgUnitID int64  `json:"org_unit_id"`
	Status    string `json:"status"`
	Comment   string `json:"comment"`
}

// Core is the input's share of the record core (an SoA row's title is its control's).
func (in SoAInput) Core() RecordInput {
	return RecordInput{OrgUnitID: in.OrgUnitID, OwnerID: in.OwnerID, Status: in.Status,
		ReviewIntervalMonths: in.ReviewIntervalMonths, LastReviewedAt: in.LastReviewedAt, NextReviewAt: in.NextReviewAt}
}

// Summarize is the municipality-level status of per-unit statuses: införd when införd
// everywhere, ej påbörjad when nowhere started, delvis otherwise.
func Summarize(us []UnitStatus) ControlStatus {
	impl, none := 0, 0
	for _, u := range us {
		switch u.Status {
		case CtlImplemented:
			impl++
		case CtlNotStarted:
			none++
		}
	}
	switch {
	case impl == len(us):
		return CtlImplemented
	case none == len(us):
		return CtlNotStarted
	}
	return CtlPartial
}

// ApplySoA applies in to c and validates the result: a control that is not applicable needs a
// justification and has status not_applicable; the status given is the municipality's base
// status, and the row's status the overall one over units (the municipality's org units; see
// OverallStatus). The unit and owner ids are checked by the caller.
func ApplySoA(c *ControlImpl, in SoAInput, today Date, units []int64) error {
	p := Problems{}
	c.Kind = KindControl
	base := c.Base()
	ApplyRecord(p, &c.Record, in.Core(), today)
	if in.Status != nil && p["status"] == "" {
		base = ControlStatus(c.Status)
	}
	if in.Status != nil && p["status"] == "" && in.Applicable == nil {
		c.Applicable = c.Status != string(CtlNotApplicable)
	}
	if in.Applicable != nil {
		c.Applicable = *in.Applicable
	}
	if in.Justification != nil {
		ValidateLongText(p, "justification", *in.Justification, false, 2000)
		c.Justification = strings.TrimSpace(*in.Justification)
	}
	if in.UnitStatuses != nil && len(*in.UnitStatuses) > MaxIDs {
		p.Add("unit_statuses", "err.too_many_ids")
	} else if in.UnitStatuses != nil {
		c.UnitStatuses = []UnitStatus{}
		seen := map[int64]bool{}
		for _, u := range *in.UnitStatuses {
			st, ok := ParseControlStatus(u.Status)
			if !ok || st == CtlNotApplicable {
				p.Add("unit_statuses", "err.unit_status")
				continue
			}
			if u.OrgUnitID <= 0 || seen[u.OrgUnitID] {
				p.Add("unit_statuses", "err.unit_status_unit")
				continue
			}
			seen[u.OrgUnitID] = true
			ValidateLongText(p, "unit_statuses", u.Comment, false, 500)
			c.UnitStatuses = append(c.UnitStatuses, UnitStatus{OrgUnitID: u.OrgUnitID, Status: st, Comment: strings.TrimSpace(u.Comment)})
		}
	}
	if in.EvidenceIDs != nil {
		ValidateIDs(p, "evidence_record_ids", *in.EvidenceIDs)
		c.EvidenceIDs = uniqueIDs(*in.EvidenceIDs)
	}
	switch {
	case !c.Applicable:
		base = CtlNotApplicable
		c.UnitStatuses = []UnitStatus{}
		if c.Justification == "" {
			p.Add("justification", "err.justification_required")
		}
	case base == CtlNotApplicable || base == "":
		base = CtlNotStarted
	}
	c.BaseStatus = string(base)
	c.Status = string(base)
	if c.Applicable && len(c.UnitStatuses) > 0 {
		c.Status = string(OverallStatus(units, base, c.UnitStatuses))
	}
	c.PerUnit = len(c.UnitStatuses) > 0
	return p.Err()
}
