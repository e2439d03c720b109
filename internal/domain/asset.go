package domain

import (
	"encoding/json"
	"strings"
)

func init() {
	RegisterKind(KindSpec{Kind: KindAsset, Table: "assets", Section: "assets",
		Statuses: AssetStatuses, Closed: []string{AssetRetired}, Label: "kind.asset", Nav: "nav.assets", NavOrder: 30, APIName: "Asset", StatusLabels: "assetstatus.",
		ExportColumns: []ExportColumn{
			{Column: "asset_kind", Header: "field.asset_kind", Type: ExportEnum, Labels: "assetkind."},
			{Column: "activity_area", Header: "field.activity_area", Type: ExportEnum, Labels: "area."},
			{Column: "personal_data", Header: "field.personal_data", Type: ExportBool},
			{Column: "special_categories", Header: "field.special_categories", Type: ExportBool},
			{Column: "supplier", Header: "field.supplier", Type: ExportText},
			{Column: "eff_c", Header: "aspect.confidentiality", Type: ExportText},
			{Column: "eff_i", Header: "aspect.integrity", Type: ExportText},
			{Column: "eff_a", Header: "aspect.availability", Type: ExportText},
			{Column: "eff_t", Header: "aspect.traceability", Type: ExportText},
			{Column: "critical_infrastructure", Header: "field.critical_infrastructure", Type: ExportBool},
		}})
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// KindAsset is an information asset (informationstillgång): an information set, a system or
// service that carries information sets, or an industrial control system.
const KindAsset Kind = "asset"

// AssetKind is what an asset is.
type AssetKind string

// The kinds of asset.
const (
	AssetInformation AssetKind = "information" // informationsmängd
	AssetSystem      AssetKind = "system"      // system eller tjänst
	AssetICS         AssetKind = "ics"         // industriellt informations- och styrsystem
)

// AssetKinds lists the kinds of asset in display order.
var AssetKinds = []AssetKind{AssetInformation, AssetSystem, AssetICS}

// Carrier reports whether assets of kind k carry information sets (systems and control
// systems do; an information set is carried).
func (k AssetKind) Carrier() bool { return k == AssetSystem || k == AssetICS }

// The asset statuses: planned (not yet in use), active, retired (avvecklad: no more
// classifications or reviews).
const (
	AssetPlanned = "planned"
	AssetActive  = "active"
	AssetRetired = "retired"
)

// AssetStatuses lists the valid statuses; the first is a new asset's.
var AssetStatuses = []string{AssetActive, AssetPlanned, AssetRetired}

// ActivityArea is the municipal activity an asset serves (verksamhetsområde).
type ActivityArea string

// The activity areas.
var ActivityAreas = []ActivityArea{"vard_omsorg", "skola", "socialtjanst", "va", "fjarrvarme", "elforsorjning", "fastigheter", "kommunledning", "it", "annat"}

// Asset is an information asset: the Record core (its title is the asset's name) plus its
// own fields, its classification (information sets) and the levels that follow from it.
type Asset struct {
	Record
	Name              string       `db:"-" json:"name"` // the record's title
	AssetKind         AssetKind    `db:"asset_kind" json:"kind"`
	Description       string       `db:"description" json:"description"`
	SystemOwnerID     *int64       `db:"system_owner_id" json:"system_owner_id"`
	ActivityArea      ActivityArea `db:"activity_area" json:"activity_area"`
	PersonalData      bool         `db:"personal_data" json:"personal_data"`
	SpecialCategories bool         `db:"special_categories" json:"special_categories"`
	Supplier          string       `db:"supplier" json:"supplier"`
	// Industrial control systems only.
	CriticalInfrastructure bool   `db:"critical_infrastructure" json:"critical_infrastructure"`
	NetworkZone            string `db:"network_zone" json:"network_zone"`
	VendorRemoteAccess     bool   `db:"vendor_remote_access" json:"vendor_remote_access"`
	// Carries are the assets a system carries (information sets, and systems it hosts).
	Carries []int64 `db:"-" json:"carries"`
	// ReclassifyReason, when set, says why the asset must be classified again (a risk
	// analysis of it, a procurement), since ReclassifyAt.
	ReclassifyReason string `db:"reclassify_reason" json:"reclassify_reason"`
	ReclassifyAt     *Date  `db:"reclassify_at" json:"reclassify_at"`
	// Classification is the current classification of an information set (nil: none yet).
	Classification *Classification `db:"-" json:"classification"`
	// Effective are the levels after inheritance (nil aspects: unknown); stored, re-derived
	// whenever a carried information set's levels or the carrying change.
	Effective Levels `db:"-" json:"effective_levels"`
	// Requirements are the controls the effective levels imply, with their SoA status.
	Requirements []Requirement `db:"-" json:"requirements"`
	// SeparateAnalysis: some effective level is the highest of the scale, for which the
	// requirement model gives no standard controls.
	SeparateAnalysis bool `db:"-" json:"separate_analysis"`
	EffC             *int `db:"eff_c" json:"-"`
	EffI             *int `db:"eff_i" json:"-"`
	EffA             *int `db:"eff_a" json:"-"`
	EffT             *int `db:"eff_t" json:"-"`
}

// Aspect is one of the four aspects of information security a classification judges.
type Aspect string

// The aspects (konfidentialitet, riktighet, tillgänglighet, spårbarhet).
const (
	Confidentiality Aspect = "confidentiality"
	Integrity       Aspect = "integrity"
	Availability    Aspect = "availability"
	Traceability    Aspect = "traceability"
)

// Aspects lists the aspects in KLASSA's order.
var Aspects = []Aspect{Confidentiality, Integrity, Availability, Traceability}

// MaxLevel is the highest level of the classification scale 0–4.
const MaxLevel = 4

// Levels holds one level per aspect (nil: not known).
type Levels struct {
	Confidentiality *int `json:"confidentiality"`
	Integrity       *int `json:"integrity"`
	Availability    *int `json:"availability"`
	Traceability    *int `json:"traceability"`
}

// Get returns the level of aspect a.
func (l Levels) Get(a Aspect) *int {
	switch a {
	case Confidentiality:
		return l.Confidentiality
	case Integrity:
		return l.Integrity
	case Availability:
		return l.Availability
	case Traceability:
		return l.Traceability
	}
	return nil
}

// Set sets the level of aspect a.
func (l *Levels) Set(a Aspect, v *int) {
	switch a {
	case Confidentiality:
		l.Confidentiality = v
	case Integrity:
		l.Integrity = v
	case Availability:
		l.Availability = v
	case Traceability:
		l.Traceability = v
	}
}

// Max is the highest known level (-1 when none is known).
func (l Levels) Max() int {
	m := -1
	for _, a := range Aspects {
		if v := l.Get(a); v != nil && *v > m {
			m = *v
		}
	}
	return m
}

// SyncEffective moves the stored effective levels into Effective (after a read) and sets
// Name from the title.
func (a *Asset) SyncEffective() {
	a.Name = a.Title
	a.Effective = Levels{Confidentiality: a.EffC, Integrity: a.EffI, Availability: a.EffA, Traceability: a.EffT}
	if a.Carries == nil {
		a.Carries = []int64{}
	}
	if a.Requirements == nil {
		a.Requirements = []Requirement{}
	}
}

// Classification is one classification of an information set: its four levels on the
// municipality's model (name and version kept, since levels of different versions do not
// compare), who took part, the rationale or the guided answers, and when.
type Classification struct {
	ID              int64  `db:"id" json:"-"`
	RecordID        int64  `db:"record_id" json:"-"`
	Confidentiality int    `db:"level_c" json:"confidentiality"`
	Integrity       int    `db:"level_i" json:"integrity"`
	Availability    int    `db:"level_a" json:"availability"`
	Traceability    int    `db:"level_t" json:"traceability"`
	Model           string `db:"model" json:"model"`
	ModelVersion    int    `db:"model_version" json:"model_version"`
	ClassifiedAt    Date   `db:"classified_at" json:"classified_at"`
	ClassifiedBy    int64  `db:"classified_by" json:"classified_by"`
	Participants    string `db:"participants" json:"participants"`
	// Method is "direct" (levels set with a rationale) or "guided" (answers proposed them).
	Method    string `db:"method" json:"method"`
	Rationale string `db:"rationale" json:"rationale"`
	// Answers are the guided answers (JSON of GuidedAnswers), "" for a direct classification.
	Answers string `db:"answers" json:"-"`
	// Overrides says, per aspect, why a level differs from the one the answers proposed.
	Overrides string `db:"overrides" json:"-"`
}

// Levels returns the classification's levels.
func (c Classification) Levels() Levels {
	ci, ii, ai, ti := c.Confidentiality, c.Integrity, c.Availability, c.Traceability
	return Levels{Confidentiality: &ci, Integrity: &ii, Availability: &ai, Traceability: &ti}
}

// ClassificationModel is a municipality's classification model: its name, the names of the
// levels 0–4, and a version that grows with every change.
type ClassificationModel struct {
	Name    string   `json:"name"`
	Version int      `json:"version"`
	Labels  []string `json:"labels"` // five names, level 0 first
}

// DefaultClassificationModel is KLASSA's scale, which a municipality gets until it sets its own.
func DefaultClassificationModel() ClassificationModel {
	return ClassificationModel{Name: "KLASSA", Version: 1, Labels: []string{"Ingen", "Låg", "Måttlig", "Hög", "Mycket hög"}}
}

// ValidateClassificationModel checks a model's name and labels.
func ValidateClassificationModel(m ClassificationModel) error {
	p := Problems{}
	ValidateText(p, "name", m.Name, true, 100)
	if len(m.Labels) != MaxLevel+1 {
		p.Add("labels", "err.labels_count")
	}
	for _, l := range m.Labels {
		if strings.TrimSpace(l) == "" || len(l) > 60 {
			p.Add("labels", "err.labels_count")
		}
		ValidateText(p, "labels", l, true, 60)
	}
	return p.Err()
}

// GuidedAnswers are an owner's answers to the guided questions: for each, how bad the
// consequence would be, on the scale 0 (none) to 4 (very serious).
type GuidedAnswers struct {
	Leak        *int `json:"confidentiality"`   // the information reaches someone it must not
	Wrong       *int `json:"integrity"`         // the information is wrong or incomplete
	DownHour    *int `json:"availability_hour"` // unavailable for an hour
	DownDay     *int `json:"availability_day"`  // … for a day
	DownWeek    *int `json:"availability_week"` // … for a week
	Untraceable *int `json:"traceability"`      // who did what cannot be traced
}

// Propose turns guided answers into the levels they suggest: the consequence of a leak, of
// wrong information and of lost traceability give their aspect's level; for availability an
// outage that hurts within an hour weighs most: the level is the highest of the hour's
// consequence, the day's less one and the week's less two (a week's outage every system
// survives badly says less than an hour's). Answers missing or outside 0–4 are reported in p.
func (g GuidedAnswers) Propose(p Problems) Levels {
	get := func(field string, v *int) int {
		if v == nil {
			p.Add("answers."+field, "err.required")
			return 0
		}
		if *v < 0 || *v > MaxLevel {
			p.Add("answers."+field, "err.level")
			return 0
		}
		return *v
	}
	c, i, t := get("confidentiality", g.Leak), get("integrity", g.Wrong), get("traceability", g.Untraceable)
	h, d, w := get("availability_hour", g.DownHour), get("availability_day", g.DownDay), get("availability_week", g.DownWeek)
	a := max(h, d-1, w-2, 0)
	return Levels{Confidentiality: &c, Integrity: &i, Availability: &a, Traceability: &t}
}

// ClassificationInput is a classification as an owner sends it: the four levels with a
// rationale (direct), or the guided answers, with levels that differ from the proposal only
// with a reason per aspect (overrides).
type ClassificationInput struct {
	Confidentiality *int              `json:"confidentiality"`
	Integrity       *int              `json:"integrity"`
	Availability    *int              `json:"availability"`
	Traceability    *int              `json:"traceability"`
	Rationale       *string           `json:"rationale"`
	Answers         *GuidedAnswers    `json:"answers"`
	Overrides       map[Aspect]string `json:"override_reasons"`
	Participants    *string           `json:"participants"`
	ClassifiedAt    *string           `json:"classified_at"`
}

// Levels returns the input's levels.
func (in ClassificationInput) Levels() Levels {
	return Levels{Confidentiality: in.Confidentiality, Integrity: in.Integrity, Availability: in.Availability, Traceability: in.Traceability}
}

// ApplyClassification validates in and makes the classification of an information set on
// model m on day today. Direct: every level 0–4 and a rationale. Guided: every answer 0–4; a
// level not given takes the proposed one, a level given that differs from the proposal needs
// a reason for that aspect (override_reasons.{aspect}). Returns EInvalid naming each field.
func ApplyClassification(in ClassificationInput, m ClassificationModel, today Date) (Classification, error) {
	p := Problems{}
	cl := Classification{Model: m.Name, ModelVersion: m.Version, ClassifiedAt: today, Method: "direct"}
	levels := in.Levels()
	overrides := map[Aspect]string{}
	if in.Answers != nil {
		cl.Method = "guided"
		proposed := in.Answers.Propose(p)
		for _, a := range Aspects {
			given := levels.Get(a)
			if given == nil {
				levels.Set(a, proposed.Get(a))
				continue
			}
			if *given != *proposed.Get(a) {
				reason := strings.TrimSpace(in.Overrides[a])
				if reason == "" {
					p.Add("override_reasons."+string(a), "err.override_reason")
				}
				ValidateLongText(p, "override_reasons."+string(a), reason, false, 2000)
				overrides[a] = reason
			}
		}
		cl.Answers = jsonText(in.Answers)
		if len(overrides) > 0 {
			cl.Overrides = jsonText(overrides)
		}
	}
	for _, a := range Aspects {
		v := levels.Get(a)
		switch {
		case v == nil:
			p.Add(string(a), "err.required")
		case *v < 0 || *v > MaxLevel:
			p.Add(string(a), "err.level")
		}
	}
	if in.Rationale != nil {
		ValidateLongText(p, "rationale", *in.Rationale, false, 10000)
		cl.Rationale = strings.TrimSpace(*in.Rationale)
	}
	if cl.Method == "direct" && cl.Rationale == "" && p["rationale"] == "" {
		p.Add("rationale", "err.rationale_required")
	}
	if in.Participants != nil {
		ValidateLongText(p, "participants", *in.Participants, false, 2000)
		cl.Participants = strings.TrimSpace(*in.Participants)
	}
	if in.ClassifiedAt != nil && strings.TrimSpace(*in.ClassifiedAt) != "" {
		if d := optionalDate(p, "classified_at", *in.ClassifiedAt); d != nil {
			if d.After(today) {
				p.Add("classified_at", "err.date_future")
			}
			cl.ClassifiedAt = *d
		}
	}
	if err := p.Err(); err != nil {
		return cl, err
	}
	cl.Confidentiality, cl.Integrity = *levels.Confidentiality, *levels.Integrity
	cl.Availability, cl.Traceability = *levels.Availability, *levels.Traceability
	return cl, nil
}

// LevelOverride is a level of a system that its owner set instead of the inherited one,
// with the reason.
type LevelOverride struct {
	Aspect Aspect `db:"aspect" json:"aspect"`
	Level  int    `db:"level" json:"level"`
	Reason string `db:"reason" json:"reason"`
}

// Inherit is the high-water mark rule: per aspect, the highest level among the carried
// information sets' levels, unless the system's owner overrode that aspect.
func Inherit(carried []Levels, overrides []LevelOverride) Levels {
	var out Levels
	for _, l := range carried {
		for _, a := range Aspects {
			if v := l.Get(a); v != nil && (out.Get(a) == nil || *v > *out.Get(a)) {
				n := *v
				out.Set(a, &n)
			}
		}
	}
	for _, o := range overrides {
		n := o.Level
		out.Set(o.Aspect, &n)
	}
	return out
}

// RequirementRule says that an asset with aspect at or above MinLevel needs control ControlID.
type RequirementRule struct {
	Aspect    Aspect `db:"aspect" json:"aspect"`
	MinLevel  int    `db:"min_level" json:"level"`
	ControlID string `db:"control_id" json:"control_id"`
}

// DefaultRequirementRules is the requirement model a municipality gets until it sets its
// own: ISO/IEC 27001:2022 Annex A controls that KLASSA-style requirements point to.
func DefaultRequirementRules() []RequirementRule {
	return []RequirementRule{
		{Confidentiality, 2, "5.12"}, // classification of information
		{Confidentiality, 2, "5.15"}, // access control
		{Confidentiality, 3, "8.5"},  // secure (multi-factor) authentication
		{Confidentiality, 3, "8.24"}, // cryptography: encryption of stored data
		{Confidentiality, 3, "5.14"}, // protected information transfer
		{Integrity, 2, "8.32"},       // change management
		{Integrity, 3, "8.28"},       // secure coding / validated input
		{Availability, 2, "8.13"},    // backup
		{Availability, 3, "5.30"},    // ICT readiness for business continuity (continuity plan)
		{Availability, 3, "8.14"},    // redundancy
		{Traceability, 2, "8.15"},    // logging
		{Traceability, 3, "8.17"},    // clock synchronisation
		{Traceability, 3, "8.16"},    // monitoring
	}
}

// ValidateRequirementRules checks a requirement model: known aspects, levels 1–3 (level 4
// needs its own analysis) and control ids known to exists (the caller's check).
func ValidateRequirementRules(rules []RequirementRule, exists func(string) bool) error {
	p := Problems{}
	if len(rules) > 1000 {
		p.Add("rules", "err.too_many_ids")
	}
	for _, r := range rules {
		if !oneOf(r.Aspect, Aspects) {
			p.Add("rules", "err.aspect")
		}
		if r.MinLevel < 1 || r.MinLevel >= MaxLevel {
			p.Add("rules", "err.rule_level")
		}
		if !exists(r.ControlID) {
			p.Add("rules", "err.unknown_control")
		}
	}
	return p.Err()
}

// Requirement is one control an asset's levels imply, with where the municipality's SoA
// stands on it: met when the control is implemented (or justified as not applicable).
type Requirement struct {
	ControlID string `json:"control_id"`
	Aspect    Aspect `json:"aspect"`
	Level     int    `json:"level"`
	SoAStatus string `json:"soa_status"` // "" when the SoA has no such row
	Met       bool   `json:"met"`
}

// Requirements applies the rules to levels: each control once, under the first rule (in the
// model's order: by aspect, then level) that asks for it; soa maps control ids to their SoA
// statuses.
func Requirements(levels Levels, rules []RequirementRule, soa map[string]string) []Requirement {
	out := []Requirement{}
	seen := map[string]bool{}
	for _, r := range rules {
		v := levels.Get(r.Aspect)
		if v == nil || *v < r.MinLevel || seen[r.ControlID] {
			continue
		}
		seen[r.ControlID] = true
		st := soa[r.ControlID]
		out = append(out, Requirement{ControlID: r.ControlID, Aspect: r.Aspect, Level: r.MinLevel, SoAStatus: st,
			Met: st == string(CtlImplemented) || st == string(CtlNotApplicable)})
	}
	return out
}

// AssetInput is what a user sends to create or change an asset. A nil field is "not given".
type AssetInput struct {
	Name                   *string  `json:"name" form:"name"`
	Title                  *string  `json:"title"` // the core's name for it, accepted too
	Kind                   *string  `json:"kind" form:"kind"`
	Description            *string  `json:"description" form:"description"`
	OrgUnitID              *int64   `json:"org_unit_id" form:"org_unit_id"`
	OwnerID                *int64   `json:"owner_id" form:"owner_id"`
	SystemOwnerID          *int64   `json:"system_owner_id" form:"system_owner_id"`
	Status                 *string  `json:"status" form:"status"`
	ActivityArea           *string  `json:"activity_area" form:"activity_area"`
	PersonalData           *bool    `json:"personal_data" form:"personal_data"`
	SpecialCategories      *bool    `json:"special_categories" form:"special_categories"`
	Supplier               *string  `json:"supplier" form:"supplier"`
	CriticalInfrastructure *bool    `json:"critical_infrastructure" form:"critical_infrastructure"`
	NetworkZone            *string  `json:"network_zone" form:"network_zone"`
	VendorRemoteAccess     *bool    `json:"vendor_remote_access" form:"vendor_remote_access"`
	Carries                *[]int64 `json:"carries" form:"carries"`
	ReviewIntervalMonths   *int     `json:"review_interval_months" form:"review_interval_months"`
	LastReviewedAt         *string  `json:"last_reviewed_at" form:"last_reviewed_at"`
	NextReviewAt           *string  `json:"next_review_at" form:"next_review_at"`
}

// Core is the input's share of the record core.
func (in AssetInput) Core() RecordInput {
	title := in.Name
	if title == nil {
		title = in.Title
	}
	return RecordInput{Title: title, OrgUnitID: in.OrgUnitID, OwnerID: in.OwnerID, Status: in.Status,
		ReviewIntervalMonths: in.ReviewIntervalMonths, LastReviewedAt: in.LastReviewedAt, NextReviewAt: in.NextReviewAt}
}

// ApplyAsset applies in to a (a new asset when a.ID == 0) and validates the result: the core
// through ApplyRecord ("title" problems are reported as "name"), the asset's own fields here.
// What only the database knows (units, people, the carried assets and cycles) the caller
// checks. Returns EInvalid naming every field in error.
func ApplyAsset(a *Asset, in AssetInput, today Date) error {
	p := Problems{}
	if a.ID == 0 {
		a.Kind = KindAsset
		a.ActivityArea = "annat"
		if in.Kind == nil {
			p.Add("kind", "err.asset_kind")
		}
	}
	core := Problems{}
	ApplyRecord(core, &a.Record, in.Core(), today)
	for f, k := range core {
		if f == "title" {
			f = "name"
		}
		p.Add(f, k)
	}
	a.Name = a.Title
	if in.Kind != nil {
		k := AssetKind(NormalizeEnum(*in.Kind))
		if !oneOf(k, AssetKinds) {
			p.Add("kind", "err.asset_kind")
		} else if a.ID != 0 && k != a.AssetKind && (a.AssetKind == AssetInformation || k == AssetInformation) {
			p.Add("kind", "err.kind_fixed") // an information set's classification and a system's carrying do not convert
		}
		a.AssetKind = k
	}
	if in.Description != nil {
		ValidateLongText(p, "description", *in.Description, false, 10000)
		a.Description = strings.TrimSpace(*in.Description)
	}
	if in.SystemOwnerID != nil {
		if *in.SystemOwnerID <= 0 {
			a.SystemOwnerID = nil
		} else {
			v := *in.SystemOwnerID
			a.SystemOwnerID = &v
		}
	}
	if in.ActivityArea != nil {
		v := ActivityArea(NormalizeEnum(*in.ActivityArea))
		if v == "" {
			v = "annat"
		}
		if !oneOf(v, ActivityAreas) {
			p.Add("activity_area", "err.enum")
		}
		a.ActivityArea = v
	}
	if in.PersonalData != nil {
		a.PersonalData = *in.PersonalData
	}
	if in.SpecialCategories != nil {
		a.SpecialCategories = *in.SpecialCategories
	}
	if a.SpecialCategories && !a.PersonalData {
		p.Add("special_categories", "err.special_needs_personal")
	}
	if in.Supplier != nil {
		ValidateText(p, "supplier", *in.Supplier, false, 200)
		a.Supplier = strings.TrimSpace(*in.Supplier)
	}
	if in.CriticalInfrastructure != nil {
		a.CriticalInfrastructure = *in.CriticalInfrastructure
	}
	if in.NetworkZone != nil {
		ValidateText(p, "network_zone", *in.NetworkZone, false, 100)
		a.NetworkZone = strings.TrimSpace(*in.NetworkZone)
	}
	if in.VendorRemoteAccess != nil {
		a.VendorRemoteAccess = *in.VendorRemoteAccess
	}
	if a.AssetKind != AssetICS {
		a.CriticalInfrastructure, a.NetworkZone, a.VendorRemoteAccess = false, "", false
	}
	if in.Carries != nil {
		ValidateIDs(p, "carries", *in.Carries)
		a.Carries = uniqueIDs(*in.Carries)
	}
	if a.Carries == nil {
		a.Carries = []int64{}
	}
	if !a.AssetKind.Carrier() && len(a.Carries) > 0 {
		p.Add("carries", "err.information_carries")
	}
	if a.ID != 0 && containsID(a.Carries, a.ID) {
		p.Add("carries", "err.carry_cycle")
	}
	return p.Err()
}

func containsID(ids []int64, id int64) bool {
	for _, v := range ids {
		if v == id {
			return true
		}
	}
	return false
}
