package domain

import (
	"strings"
	"time"
)

// DocType is the type of a governing document (styrande dokument).
type DocType string

// The governing document types, from the most to the least binding.
const (
	DocPolicy      DocType = "policy"
	DocRiktlinje   DocType = "riktlinje"
	DocRutin       DocType = "rutin"
	DocInstruktion DocType = "instruktion"
)

// DocTypes lists the valid types in display order.
var DocTypes = []DocType{DocPolicy, DocRiktlinje, DocRutin, DocInstruktion}

// DocStatus is a governing document's status.
type DocStatus string

// The governing document statuses.
const (
	DocDraft   DocStatus = "draft"
	DocAdopted DocStatus = "adopted"
	DocRetired DocStatus = "retired"
)

// DocStatuses lists the valid statuses.
var DocStatuses = []DocStatus{DocDraft, DocAdopted, DocRetired}

// Adopter is the body or officer that adopted a governing document.
type Adopter string

// The bodies that adopt governing documents in a municipality.
const (
	AdoptKommunfullmaktige Adopter = "kommunfullmaktige"
	AdoptKommunstyrelse    Adopter = "kommunstyrelse"
	AdoptNamnd             Adopter = "namnd"
	AdoptKommundirektor    Adopter = "kommundirektor"
	AdoptForvaltningschef  Adopter = "forvaltningschef"
	AdoptBolagsstyrelse    Adopter = "bolagsstyrelse"
	AdoptOther             Adopter = "other"
)

// Adopters lists the valid adopting bodies.
var Adopters = []Adopter{AdoptKommunfullmaktige, AdoptKommunstyrelse, AdoptNamnd, AdoptKommundirektor, AdoptForvaltningschef, AdoptBolagsstyrelse, AdoptOther}

// DocScope says which part of the municipality a governing document covers.
type DocScope string

// The scopes: the whole municipality with or without the municipal companies, or named units.
const (
	ScopeWholeInclCompanies DocScope = "whole_incl_companies"
	ScopeWholeExclCompanies DocScope = "whole_excl_companies"
	ScopeUnits              DocScope = "units"
)

// DocScopes lists the valid scopes.
var DocScopes = []DocScope{ScopeWholeInclCompanies, ScopeWholeExclCompanies, ScopeUnits}

// Document is a governing document: the Record core plus its own fields.
type Document struct {
	Record
	Type               DocType  `db:"doc_type" json:"type"`
	Version            string   `db:"version" json:"version"`
	Description        string   `db:"description" json:"description"`
	AdoptedBy          *Adopter `db:"adopted_by" json:"adopted_by"`
	AdoptedAt          *Date    `db:"adopted_at" json:"adopted_at"`
	RevisionInProgress bool     `db:"revision_in_progress" json:"revision_in_progress"`
	Scope              DocScope `db:"scope" json:"scope"`
	ScopeUnitIDs       []int64  `db:"-" json:"scope_unit_ids"`
}

// DocVersion is one entry in a document's version history.
type DocVersion struct {
	ID          int64     `db:"id" json:"id"`
	RecordID    int64     `db:"record_id" json:"-"`
	Version     string    `db:"version" json:"version"`
	Status      string    `db:"status" json:"status"`
	AdoptedBy   *Adopter  `db:"adopted_by" json:"adopted_by"`
	AdoptedAt   *Date     `db:"adopted_at" json:"adopted_at"`
	Note        string    `db:"note" json:"note"`
	CreatedBy   int64     `db:"created_by" json:"created_by"`
	CreatorName string    `db:"creator_name" json:"creator_name"`
	CreatedAt   time.Time `db:"created_at" json:"created_at"`
}

// DocumentInput is what a user sends to create or change a governing document. A nil field
// is "not given": on create it takes its default, on update it keeps its value.
type DocumentInput struct {
	Type                 *string  `json:"type" form:"type"`
	Title                *string  `json:"title" form:"title"`
	Description          *string  `json:"description" form:"description"`
	Version              *string  `json:"version" form:"version"`
	VersionNote          *string  `json:"version_note" form:"version_note"`
	OrgUnitID            *int64   `json:"org_unit_id" form:"org_unit_id"`
	OwnerID              *int64   `json:"owner_id" form:"owner_id"`
	Status               *string  `json:"status" form:"status"`
	ReviewIntervalMonths *int     `json:"review_interval_months" form:"review_interval_months"`
	LastReviewedAt       *string  `json:"last_reviewed_at" form:"last_reviewed_at"`
	NextReviewAt         *string  `json:"next_review_at" form:"next_review_at"`
	AdoptedBy            *string  `json:"adopted_by" form:"adopted_by"`
	AdoptedAt            *string  `json:"adopted_at" form:"adopted_at"`
	RevisionInProgress   *bool    `json:"revision_in_progress" form:"revision_in_progress"`
	Scope                *string  `json:"scope" form:"scope"`
	ScopeUnitIDs         *[]int64 `json:"scope_unit_ids" form:"scope_unit_ids"`
}

// NormalizeEnum folds a user-typed enum value: lower case, å/ä→a, ö→o, spaces to underscores,
// so "Kommunfullmäktige" and "kommunfullmaktige" are the same adopter.
func NormalizeEnum(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.NewReplacer("å", "a", "ä", "a", "ö", "o", " ", "_", "-", "_").Replace(s)
}

// Core is the input's share of the record core.
func (in DocumentInput) Core() RecordInput {
	return RecordInput{Title: in.Title, OrgUnitID: in.OrgUnitID, OwnerID: in.OwnerID, Status: in.Status,
		ReviewIntervalMonths: in.ReviewIntervalMonths, LastReviewedAt: in.LastReviewedAt, NextReviewAt: in.NextReviewAt}
}

// ApplyDocument applies in to d (a new document when d.ID == 0) and validates the result:
// the core fields through ApplyRecord, the document's own fields here. today is the caller's
// current date, used for defaults. It returns EInvalid naming every field in error; the unit
// and owner ids are checked against the database by the caller.
func ApplyDocument(d *Document, in DocumentInput, today Date) (versionNote string, err error) {
	p := Problems{}
	if d.ID == 0 {
		d.Kind = KindDocument
		d.Status = string(DocDraft)
		d.Scope = ScopeWholeExclCompanies
		d.Version = "1.0"
		if in.Type == nil {
			p.Add("type", "err.required")
		}
	}
	ApplyRecord(p, &d.Record, in.Core(), today)
	if in.Type != nil {
		t := DocType(NormalizeEnum(*in.Type))
		if !oneOf(t, DocTypes) {
			p.Add("type", "err.enum")
		}
		d.Type = t
	}
	if in.Description != nil {
		ValidateLongText(p, "description", *in.Description, false, 10000)
		d.Description = strings.TrimSpace(*in.Description)
	}
	if in.Version != nil {
		ValidateText(p, "version", *in.Version, true, 20)
		d.Version = strings.TrimSpace(*in.Version)
	}
	if in.VersionNote != nil {
		ValidateLongText(p, "version_note", *in.VersionNote, false, 2000)
		versionNote = strings.TrimSpace(*in.VersionNote)
	}
	if in.AdoptedBy != nil {
		if strings.TrimSpace(*in.AdoptedBy) == "" {
			d.AdoptedBy = nil
		} else {
			a := Adopter(NormalizeEnum(*in.AdoptedBy))
			if !oneOf(a, Adopters) {
				p.Add("adopted_by", "err.enum")
			}
			d.AdoptedBy = &a
		}
	}
	if in.AdoptedAt != nil {
		d.AdoptedAt = optionalDate(p, "adopted_at", *in.AdoptedAt)
		if d.AdoptedAt != nil && d.AdoptedAt.After(today) {
			p.Add("adopted_at", "err.date_future")
		}
	}
	if in.RevisionInProgress != nil {
		d.RevisionInProgress = *in.RevisionInProgress
	}
	if in.Scope != nil {
		s := DocScope(NormalizeEnum(*in.Scope))
		if !oneOf(s, DocScopes) {
			p.Add("scope", "err.enum")
		}
		d.Scope = s
	}
	if in.ScopeUnitIDs != nil {
		ValidateIDs(p, "scope_unit_ids", *in.ScopeUnitIDs)
		d.ScopeUnitIDs = uniqueIDs(*in.ScopeUnitIDs)
	}
	if d.Scope == ScopeUnits && len(d.ScopeUnitIDs) == 0 {
		p.Add("scope_unit_ids", "err.scope_units_required")
	}
	if d.Scope != ScopeUnits {
		d.ScopeUnitIDs = nil
	}
	if d.Status == string(DocAdopted) {
		if d.AdoptedBy == nil {
			p.Add("adopted_by", "err.adopted_by_required")
		}
		if d.AdoptedAt == nil && p["adopted_at"] == "" {
			t := today
			d.AdoptedAt = &t
		}
	}
	return versionNote, p.Err()
}

func optionalDate(p Problems, field, s string) *Date {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	d, err := ParseDate(strings.TrimSpace(s))
	if err != nil {
		p.Add(field, "err.date")
		return nil
	}
	return &d
}

// MaxIDs is the longest list of ids one field accepts (org units, evidence links): far more
// than a form offers, far fewer than a database allows in one statement.
const MaxIDs = 500

// ValidateIDs reports field when ids is longer than MaxIDs.
func ValidateIDs(p Problems, field string, ids []int64) {
	if len(ids) > MaxIDs {
		p.Add(field, "err.too_many_ids")
	}
}

func uniqueIDs(ids []int64) []int64 {
	seen := map[int64]bool{}
	out := []int64{}
	for _, id := range ids {
		if id > 0 && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// Deletable reports whether d may be deleted at all: only a draft that was never adopted (made
// by mistake). What a body has decided stays, with its history, versions and evidence; it is
// retired instead.
func (d Document) Deletable() bool {
	return d.Status == string(DocDraft) && d.AdoptedAt == nil && d.AdoptedBy == nil
}
