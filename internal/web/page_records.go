package web

import (
	"encoding/csv"
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/audit"
	"github.com/lisa-isms/lisa/internal/authz"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// Pages shared by every record kind: the inline review, comment and evidence forms, the
// dashboard, the review list and the audit trail.

// recordRights says which actions the page offers on a record.
type recordRights struct {
	Edit, Delete, Review, Comment, Adopt, History bool
}

func (s *Server) rights(c *gin.Context, mid int64, kind domain.Kind, r domain.Record) recordRights {
	cl := s.caller(c)
	t := authz.TargetOf(r)
	obj := authz.ObjectOf(kind)
	return recordRights{
		Edit:    s.app.Can(cl, mid, obj, authz.Update, t),
		Delete:  s.app.Can(cl, mid, obj, authz.Delete, t),
		Review:  s.app.Can(cl, mid, obj, authz.Review, t),
		Comment: s.app.Can(cl, mid, obj, authz.Comment, t),
		Adopt:   s.app.Can(cl, mid, obj, authz.Adopt, t),
		History: s.app.Can(cl, mid, authz.ObjReview, authz.Read, t),
	}
}

// recordParts is what every record page shows below its own fields: the review form and
// reviews, evidence files, comments and history (templates "recordreview" and "recordparts").
type recordParts struct {
	URL        string // the record page, e.g. /m/1/documents/5; the inline forms post below it
	Rec        domain.Record
	Can        recordRights
	Reviews    []domain.Review
	Comments   []domain.Comment
	Evidence   []domain.Evidence
	History    []audit.Entry
	Form       formState // the input and errors of the inline form that failed
	FormName   string    // review, comment, evidence, or a kind's own (adopt)
	MaxUpload  string
	TodayValue string
}

// loadRecordParts loads the shared parts of a record page of any kind.
func (s *Server) loadRecordParts(c *gin.Context, mid int64, kind domain.Kind, r domain.Record, formName string, f formState) (recordParts, error) {
	ctx, cl := c.Request.Context(), s.caller(c)
	rp := recordParts{URL: recordPageURL(c, kind), Rec: r, Can: s.rights(c, mid, kind, r), Form: f, FormName: formName,
		MaxUpload: "25 MB", TodayValue: s.app.Today().String()}
	parts, err := s.app.RecordParts(ctx, cl, r)
	if err != nil {
		return rp, err
	}
	rp.Reviews, rp.Comments, rp.Evidence, rp.History = parts.Reviews, parts.Comments, parts.Evidence, parts.History
	return rp, err
}

// userName is the display name of a member of mun, or "".
func (s *Server) userName(c *gin.Context, mid int64, id *int64) string {
	if id == nil {
		return ""
	}
	names, err := s.app.MemberNames(c.Request.Context(), s.caller(c), mid, []int64{*id})
	if err != nil {
		return ""
	}
	return names[*id]
}

// inlineFail re-renders the record page of kind with the errors of its inline form named
// form, or shows the error page (formFail decides).
func (s *Server) inlineFail(c *gin.Context, kind domain.Kind, mid, id int64, form string, err error) {
	if f, status, ok := s.formFail(c, err, nil); ok {
		recordPage(kind)(s, c, status, mid, id, form, f)
	}
}

// actionsPart is the treatment actions section of a record page that actions hang on (a
// risk, an incident: domain.KindSpec.ActionParent): the actions with their owners and due
// states, and the form that adds one (template "recordactions").
type actionsPart struct {
	ShowActions  bool // the caller reads actions (staff, who read their own reports only, do not)
	MunID        int64
	ActionCSRF   string
	ActionsURL   string // the record page; the form posts to ActionsURL/actions
	Actions      []domain.RiskAction
	ActionOwners map[int64]string
	CanAddAction bool
	ActionForm   formState
	Today        domain.Date
}

// loadActions builds the actions section of record r's page; f carries the add form's input
// and errors after a failed post.
func (s *Server) loadActions(c *gin.Context, r domain.Record, canAdd bool, f formState) (actionsPart, error) {
	ctx, cl := c.Request.Context(), s.caller(c)
	p := actionsPart{MunID: r.MunicipalityID, ActionCSRF: c.GetString(keyCSRF), ActionsURL: r.Path(), CanAddAction: canAdd, ActionForm: f, Today: s.app.Today(),
		ShowActions: canAdd || s.app.CanSome(cl, r.MunicipalityID, authz.ObjRisk, authz.Read)}
	if !p.ShowActions {
		return p, nil
	}
	var err error
	if p.Actions, err = s.app.Actions(ctx, cl, r.MunicipalityID, r.ID); err != nil {
		return p, err
	}
	var people []int64
	for _, a := range p.Actions {
		if a.OwnerID != nil {
			people = append(people, *a.OwnerID)
		}
	}
	p.ActionOwners, err = s.app.MemberNames(ctx, cl, r.MunicipalityID, people)
	return p, err
}

// actionCreate is POST {record page}/actions: a treatment action on a record of kind.
func (s *Server) actionCreate(kind domain.Kind) gin.HandlerFunc {
	return s.recordForm(kind, "action", "#actions", "flash.action_created", func(c *gin.Context, mid, id int64) error {
		if err := c.Request.ParseForm(); err != nil {
			return err
		}
		in, p := parseActionForm(c.Request.PostForm)
		if err := p.Err(); err != nil {
			return err
		}
		_, err := s.app.CreateRiskAction(c.Request.Context(), s.caller(c), mid, id, in)
		return err
	})
}

// recordForm is an inline form posted under a record page of kind: do makes the change;
// success redirects to the page (at anchor) with a flash, a validation error re-renders the
// page with the form's errors (form names which form).
func (s *Server) recordForm(kind domain.Kind, form, anchor, flash string, do func(c *gin.Context, mid, id int64) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		mid, id, err := s.recordRef(c, kind)
		if err != nil {
			s.fail(c, err)
			return
		}
		if err := do(c, mid, id); err != nil {
			s.inlineFail(c, kind, mid, id, form, err)
			return
		}
		s.redirect(c, recordPageURL(c, kind)+anchor, flash)
	}
}

func (s *Server) pageReview(kind domain.Kind) gin.HandlerFunc {
	return s.recordForm(kind, "review", "", "flash.reviewed", func(c *gin.Context, mid, id int64) error {
		at, next, comment := c.PostForm("reviewed_at"), c.PostForm("next_review_at"), c.PostForm("comment")
		_, err := s.app.MarkReviewed(c.Request.Context(), s.caller(c), mid, kind, id, app.ReviewInput{ReviewedAt: &at, NextReviewAt: &next, Comment: &comment})
		return err
	})
}

func (s *Server) pageComment(kind domain.Kind) gin.HandlerFunc {
	return s.recordForm(kind, "comment", "#comments", "flash.commented", func(c *gin.Context, mid, id int64) error {
		_, err := s.app.AddComment(c.Request.Context(), s.caller(c), mid, kind, id, c.PostForm("body"))
		return err
	})
}

func (s *Server) pageAddEvidence(kind domain.Kind) gin.HandlerFunc {
	return s.recordForm(kind, "evidence", "#evidence", "flash.evidence_added", func(c *gin.Context, mid, id int64) error {
		name, data, err := readUpload(c)
		if err == nil {
			_, err = s.app.AddEvidence(c.Request.Context(), s.caller(c), mid, kind, id, name, data)
		}
		return err
	})
}

func (s *Server) pageDeleteEvidence(kind domain.Kind) gin.HandlerFunc {
	return s.recordForm(kind, "evidence", "#evidence", "flash.evidence_deleted", func(c *gin.Context, mid, id int64) error {
		eid, err := idParam(c, "eid")
		if err != nil {
			return err
		}
		return s.app.DeleteEvidence(c.Request.Context(), s.caller(c), mid, kind, id, eid)
	})
}

// dashboardPage is what waits for the user in a municipality, by what their roles let them
// do: decisions (those who adopt), their own reviews (owners), overdue per unit and the
// statement's progress (those who follow up everything), and no figure that leads to a page
// they may not open.
type dashboardPage struct {
	Base
	NoRole            bool // an administrator without a role here: the content is not theirs to see
	Notifications     []store.Notification
	MoreNotifications bool
	Mine              []tableRow
	Attention         []tableRow
	CanReviews        bool // the review list opens for them: the figures link to it
	Overdue           int
	Soon              int
	Decisions         []domain.Document // drafts waiting for a decision, for those who adopt
	MoreDecisions     bool
	Units             []store.UnitCount // overdue per org unit, for those who follow up all
	SoA               *app.GapCounts    // the statement's progress (Annex A), for those who read it
	// Risks (issue 9): the residual risks waiting for the caller's acceptance (within their
	// tier) and the acceptances running out within 30 days, for those who accept risks.
	RiskDecisions *app.Decisions
	// Continuity plans (issue 10): the open plans the caller reads that were never exercised
	// and whose exercise is overdue.
	Plans *planCounts
	// Incidents (issue 10): the legal deadlines running on the incidents the caller reads,
	// the nearest first; ShowClocks for those who handle incidents or when any runs.
	Clocks     []store.OpenClock
	ShowClocks bool
}

type planCounts struct{ Never, Overdue int }

// dueRows are the rows of the review list tables (dashboard, review list, calendar) in the
// request's language: next review with its state, title (linked), kind, unit, owner.
func (s *Server) dueRows(c *gin.Context, items []domain.DueItem) []tableRow {
	tr, today := s.i18n.For(lang(c)), s.app.Today()
	rows := make([]tableRow, len(items))
	for i, it := range items {
		state := string(domain.DueStateOf(it.NextReviewAt, today))
		date := cell{Text: dateText(it.NextReviewAt), Badges: []badge{{Class: state, Text: tr.T("due.state." + state)}}}
		rows[i] = tableRow{Class: "due-" + state, Cells: []cell{date, {Text: it.Title, Href: it.Path()},
			{Text: tr.T(spec(it.Kind).Label)}, {Text: it.OrgUnitName}, ownerCell(it.OwnerName, tr.T)}}
	}
	return rows
}

// dashboardRows is how many records needing attention the dashboard lists (the counts are
// of all of them; the review list pages through them).
const dashboardRows = 10

// dashboard shows the user's own records and everything overdue or due within 30 days
// that they follow up, across every record kind.
func (s *Server) dashboard(c *gin.Context) {
	mid, err := idParam(c, "mid")
	if err != nil {
		s.fail(c, err)
		return
	}
	ctx, cl := c.Request.Context(), s.caller(c)
	if _, err := s.app.Municipality(ctx, cl, mid); err != nil {
		s.fail(c, err)
		return
	}
	var pg dashboardPage
	if !slices.ContainsFunc(cl.P.Assignments, func(a domain.RoleAssignment) bool { return a.MunicipalityID == mid }) {
		pg.NoRole = true
		pg.Base = s.base(c, s.i18n.T(lang(c), "dash.title"))
		s.render(c, http.StatusOK, "dashboard", pg)
		return
	}
	mine, err := s.app.Dues(ctx, cl, mid, domain.DueFilterUpTo90, true, dashboardRows)
	if err != nil {
		s.fail(c, err)
		return
	}
	pg.Mine = s.dueRows(c, mine)
	// What needs attention: the first rows and the counts of all of it, for those who follow
	// up reviews (others would be sent to a page they may not open).
	if pg.CanReviews = s.app.CanSome(cl, mid, authz.ObjReview, authz.Read); pg.CanReviews {
		att, err := s.app.Dues(ctx, cl, mid, domain.DueFilterOverdue, false, dashboardRows)
		if err == nil {
			pg.Attention = s.dueRows(c, att)
			if pg.Overdue, err = s.app.DueCount(ctx, cl, mid, domain.DueFilterOverdue, false); err == nil {
				pg.Soon, err = s.app.DueCount(ctx, cl, mid, domain.DueFilterSoon, false)
			}
		}
		if err == nil && s.app.Can(cl, mid, authz.ObjReview, authz.Read, nil) && s.app.Can(cl, mid, authz.ObjControl, authz.Update, nil) {
			pg.Units, err = s.app.DueCountsByUnit(ctx, cl, mid, domain.DueFilterOverdue, dashboardRows) // the coordinator's view
		}
		if err != nil {
			s.fail(c, err)
			return
		}
	}
	if s.app.CanSome(cl, mid, authz.ObjDocument, authz.Adopt) {
		drafts, err := s.app.Documents(ctx, cl, mid, store.DocumentFilter{Status: domain.DocDraft, Limit: dashboardRows + 1})
		if err != nil && domain.ErrorCode(err) != domain.EForbidden {
			s.fail(c, err)
			return
		}
		if pg.MoreDecisions = len(drafts) > dashboardRows; pg.MoreDecisions {
			drafts = drafts[:dashboardRows]
		}
		pg.Decisions = drafts
	}
	if s.app.CanSome(cl, mid, authz.ObjControl, authz.Read) {
		g, err := s.app.SoAProgress(ctx, cl, mid)
		if err != nil {
			s.fail(c, err)
			return
		}
		pg.SoA = &g
	}
	if s.app.CanSome(cl, mid, authz.ObjRisk, authz.Accept) { // risks (issue 9)
		d, err := s.app.RiskDecisions(ctx, cl, mid, dashboardRows)
		if err != nil {
			s.fail(c, err)
			return
		}
		if d.Tier != "" {
			pg.RiskDecisions = &d
		}
	}
	if s.app.CanSome(cl, mid, authz.ObjContinuity, authz.Read) { // continuity plans (issue 10)
		var pc planCounts
		if pc.Never, pc.Overdue, err = s.app.PlanExerciseCounts(ctx, cl, mid); err != nil {
			s.fail(c, err)
			return
		}
		pg.Plans = &pc
	}
	if s.app.CanSome(cl, mid, authz.ObjIncident, authz.Read) { // incidents (issue 10)
		if pg.Clocks, err = s.app.OpenClocks(ctx, cl, mid, dashboardRows); err != nil {
			s.fail(c, err)
			return
		}
		pg.ShowClocks = len(pg.Clocks) > 0 || s.app.CanSome(cl, mid, authz.ObjIncident, authz.Update)
	}
	pg.Notifications = s.unreadNotifications(c, mid, dashboardNotifications+1)
	if pg.MoreNotifications = len(pg.Notifications) > dashboardNotifications; pg.MoreNotifications {
		pg.Notifications = pg.Notifications[:dashboardNotifications] // the rest on the notifications page
	}
	pg.Base = s.base(c, s.i18n.T(lang(c), "dash.title"))
	s.render(c, http.StatusOK, "dashboard", pg)
}

type reviewListPage struct {
	Base
	Items   []tableRow
	Due     string
	Mine    bool
	NextURL string // the next page, "" on the last
}

func (s *Server) reviewList(c *gin.Context) {
	mid, err := idParam(c, "mid")
	if err != nil {
		s.fail(c, err)
		return
	}
	due, mine, err := dueParams(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if due == "" {
		due = domain.DueFilterOverdue
	}
	items, next, err := s.duesPage(c, mid, due, mine, domain.DefaultPageSize)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.render(c, http.StatusOK, "reviews", reviewListPage{Base: s.base(c, s.i18n.T(lang(c), "rev.title")), Items: s.dueRows(c, items), Due: string(due), Mine: mine,
		NextURL: next})
}

// auditCSV exports the filtered audit trail (up to 100,000 entries) as CSV for auditors,
// including each entry's hash so the export can be checked against `lisa audit verify`.
func (s *Server) auditCSV(c *gin.Context) {
	mid, err := idParam(c, "mid")
	if err != nil {
		s.fail(c, err)
		return
	}
	f, err := auditFilter(c, mid)
	if err != nil {
		s.fail(c, err)
		return
	}
	f.Limit = 100000
	es, err := s.app.AuditLog(c.Request.Context(), s.caller(c), f)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="lisa-audit-`+itoa(mid)+`.csv"`)
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Status(http.StatusOK)
	w := csv.NewWriter(c.Writer)
	_ = w.Write([]string{"id", "at", "actor", "actor_id", "municipality_id", "kind", "record_id", "action", "before", "after", "ip", "prev_hash", "hash"})
	for _, e := range es {
		_ = w.Write([]string{strconv.FormatInt(e.ID, 10), e.At, csvSafe(e.Actor), optID(e.ActorID), optID(e.MunicipalityID), e.Kind, optID(e.RecordID),
			e.Action, csvSafe(e.Before), csvSafe(e.After), e.IP, e.PrevHash, e.Hash})
	}
	w.Flush()
}

// csvSafe defuses spreadsheet formulas in user-controlled cells.
func csvSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@') {
		return "'" + s
	}
	return s
}

func optID(p *int64) string {
	if p == nil {
		return ""
	}
	return itoa(*p)
}
