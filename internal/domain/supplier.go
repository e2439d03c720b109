package domain

import (
	"strings"
)

// KindSupplier is an external supplier of the municipality (leverantör): a party that
// incidents, assets and (later) procurements name. It is a tracked record, so that its
// follow-up (leverantörsuppföljning) has an owner, a review date, evidence and history.
const KindSupplier Kind = "supplier"

// The supplier statuses: active, or ended (no agreement any more; kept for the history).
const (
	SupplierActive = "active"
	SupplierEnded  = "ended"
)

// SupplierStatuses lists the valid statuses; the first is a new supplier's.
var SupplierStatuses = []string{SupplierActive, SupplierEnded}

func init() {
	RegisterKind(KindSpec{Kind: KindSupplier, Table: "suppliers", Section: "suppliers", Statuses: SupplierStatuses,
		Closed: []string{SupplierEnded}, Label: "kind.supplier", Nav: "nav.suppliers", NavOrder: 50, APIName: "Supplier", StatusLabels: "supplierstatus.",
		ExportColumns: []ExportColumn{
			{Column: "org_number", Header: "field.org_number", Type: ExportText},
			{Column: "contact", Header: "field.contact", Type: ExportText},
		}})
}

// Supplier is a supplier: the Record core (its title is the supplier's name) and its own
// fields.
type Supplier struct {
	Record
	Name        string `db:"-" json:"name"`
	OrgNumber   string `db:"org_number" json:"org_number"`
	Contact     string `db:"contact" json:"contact"`
	Description string `db:"description" json:"description"`
}

// SupplierInput creates or changes a supplier; nil fields are not given.
type SupplierInput struct {
	Name                 *string `json:"name"`
	Title                *string `json:"title"`
	OrgNumber            *string `json:"org_number"`
	Contact              *string `json:"contact"`
	Description          *string `json:"description"`
	OrgUnitID            *int64  `json:"org_unit_id"`
	OwnerID              *int64  `json:"owner_id"`
	Status               *string `json:"status"`
	ReviewIntervalMonths *int    `json:"review_interval_months"`
	NextReviewAt         *string `json:"next_review_at"`
}

// Core is the input's share of the record core.
func (in SupplierInput) Core() RecordInput {
	title := in.Name
	if title == nil {
		title = in.Title
	}
	return RecordInput{Title: title, OrgUnitID: in.OrgUnitID, OwnerID: in.OwnerID, Status: in.Status,
		ReviewIntervalMonths: in.ReviewIntervalMonths, NextReviewAt: in.NextReviewAt}
}

// ApplySupplier applies in to s (a new supplier when s.ID == 0) and validates it: the core
// through ApplyRecord ("title" reported as "name"), the organisation number by its check
// digit. Returns EInvalid naming every field in error.
func ApplySupplier(s *Supplier, in SupplierInput, today Date) error {
	p := Problems{}
	if s.ID == 0 {
		s.Kind = KindSupplier
	}
	core := Problems{}
	ApplyRecord(core, &s.Record, in.Core(), today)
	for f, k := range core {
		if f == "title" {
			f = "name"
		}
		p.Add(f, k)
	}
	s.Name = s.Title
	if in.OrgNumber != nil {
		v := strings.TrimSpace(*in.OrgNumber)
		if v != "" {
			n, ok := NormalizeOrgNumber(v)
			if !ok {
				p.Add("org_number", "err.org_number")
			}
			v = n
		}
		s.OrgNumber = v
	}
	if in.Contact != nil {
		ValidateLongText(p, "contact", *in.Contact, false, 2000)
		s.Contact = strings.TrimSpace(*in.Contact)
	}
	if in.Description != nil {
		ValidateLongText(p, "description", *in.Description, false, 10000)
		s.Description = strings.TrimSpace(*in.Description)
	}
	return p.Err()
}

// NormalizeOrgNumber reads a Swedish organisation number (or personnummer of a sole trader),
// NNNNNN-NNNN with or without the hyphen (or with the century: 16NNNNNN-NNNN), and returns it
// as NNNNNN-NNNN when its last digit is the Luhn check digit of the nine before it.
func NormalizeOrgNumber(s string) (string, bool) {
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		if r == '-' || r == ' ' {
			return -1
		}
		return 'x'
	}, s)
	if len(digits) == 12 && (strings.HasPrefix(digits, "16") || strings.HasPrefix(digits, "19") || strings.HasPrefix(digits, "20")) {
		digits = digits[2:]
	}
	if len(digits) != 10 || strings.ContainsRune(digits, 'x') {
		return "", false
	}
	sum := 0
	for i, r := range digits[:9] {
		d := int(r - '0')
		if i%2 == 0 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	if (10-sum%10)%10 != int(digits[9]-'0') {
		return "", false
	}
	return digits[:6] + "-" + digits[6:], true
}
