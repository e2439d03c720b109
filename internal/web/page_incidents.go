package web

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/authz"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/i18n"
	"github.com/lisa-isms/lisa/internal/pdfdoc"
	"github.com/lisa-isms/lisa/internal/store"
)

// The incident register's API and pages (issue 10): the report form anyone with a role uses
// (short, phone-sized, no JavaScript), the register, an incident's page with its clocks,
// reports and timeline, and the report packs.

func init() {
	registerKindWeb(domain.KindIncident, kindWeb{page: (*Server).renderIncident, routes: (*Server).incidentRoutes})
}

func (s *Server) incidentRoutes(api, pages *gin.RouterGroup) {
	m := "/municipalities/:mid/"
	api.GET(m+"incidents", apiList(s, incidentFilter, (*Server).incidentPage))
	api.POST(m+"incidents", apiCreate(s, s.app.ReportIncident))
	api.GET(m+"incidents/:id", apiRead(s, http.StatusOK, s.app.Incident))
	api.PUT(m+"incidents/:id", apiWrite(s, http.StatusOK, s.app.UpdateIncident))
	api.POST(m+"incidents/:id/reports", apiWrite(s, http.StatusCreated, s.app.RecordIncidentReport))
	api.POST(m+"incidents/:id/timeline", apiWrite(s, http.StatusCreated, s.app.AddIncidentNote))
	api.GET(m+"incidents/:id/reports/:pack", s.apiReportPack)
	api.GET(m+"incident-statistics", s.api(s.apiIncidentStats))
	pages.GET("/m/:mid/incidents", s.incidentList)
	pages.GET("/m/:mid/incidents/new", s.incidentNew)
	pages.GET("/m/:mid/incidents/statistics", s.incidentStats)
	pages.POST("/m/:mid/incidents", s.incidentCreate)
	pages.GET("/m/:mid/incidents/:id", func(c *gin.Context) {
		mid, id, err := recordIDs(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		s.renderIncident(c, http.StatusOK, mid, id, "", newForm())
	})
	pages.POST("/m/:mid/incidents/:id/reports", s.incidentReportPost)
	pages.POST("/m/:mid/incidents/:id/timeline", s.incidentNotePost)
	pages.POST("/m/:mid/incidents/:id/actions", s.actionCreate(domain.KindIncident))
	pages.GET("/m/:mid/incidents/:id/reports/:pack", s.incidentPackPage)
	s.incidentEditRoutes(pages)
	s.recipientRoutes(api, pages)
}

func incidentFilter(c *gin.Context) (store.IncidentFilter, error) {
	p := domain.Problems{}
	f := store.IncidentFilter{Query: strings.TrimSpace(c.Query("q")), Status: c.Query("status"), Severity: c.Query("severity"),
		Category: c.Query("category"), Clock: c.Query("clock")}
	if f.Status != "" && !oneOf(f.Status, domain.IncidentStatuses) {
		p.Add("status", "err.enum")
	}
	if f.Severity != "" && !oneOf(f.Severity, domain.IncidentSeverities) {
		p.Add("severity", "err.enum")
	}
	if f.Category != "" && !oneOf(f.Category, domain.IncidentCategories) {
		p.Add("category", "err.enum")
	}
	if f.Clock != "" && !oneOf(f.Clock, store.IncidentClockFilters) {
		p.Add("clock", "err.enum")
	}
	if len(f.Query) > 200 {
		p.Add("q", "err.too_long")
	}
	q := url.Values(c.Request.URL.Query())
	if id := formID(q, "unit", p); id != nil {
		f.UnitID = *id
	}
	if id := formID(q, "supplier", p); id != nil {
		f.SupplierID = *id
	}
	if id := formID(q, "asset", p); id != nil {
		f.LinkedID = *id
	}
	f.Limit, f.After = pageQuery(c, "incidents", p)
	return f, p.Err()
}

func (s *Server) incidentPage(c *gin.Context, mid int64, f store.IncidentFilter) ([]domain.Incident, string, error) {
	return fetchPage(c, "incidents", f.Limit, func(n int) ([]domain.Incident, error) {
		f.Limit = n
		return s.app.Incidents(c.Request.Context(), s.caller(c), mid, f)
	}, func(x domain.Incident) domain.Cursor { return domain.Cursor{ID: x.ID} }) // newest first
}

func (s *Server) apiIncidentStats(c *gin.Context) (int, any, error) {
	mid, err := idParam(c, "mid")
	if err != nil {
		return 0, nil, err
	}
	by := c.DefaultQuery("by", "month")
	list, err := s.app.IncidentStats(c.Request.Context(), s.caller(c), mid, by)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, list, nil
}

// ---- Report packs ----

// ReportPack is the pre-filled summary of one report: the recipient's fields, from the
// incident's data, for the coordinator to copy under time pressure.
type ReportPack struct {
	Kind       domain.ClockKind       `json:"kind"`
	Recipient  string                 `json:"recipient"`
	Channel    string                 `json:"channel"`
	DueAt      *time.Time             `json:"due_at"`
	State      string                 `json:"state"`
	Controller string                 `json:"controller"`
	OrgNumber  string                 `json:"org_number"`
	Contact    string                 `json:"contact_person"`
	Incident   domain.Incident        `json:"incident"`
	Report     *domain.IncidentReport `json:"report"`
}

func (s *Server) reportPack(c *gin.Context) (ReportPack, string, error) {
	mid, id, err := recordIDs(c)
	if err != nil {
		return ReportPack{}, "", err
	}
	name := c.Param("pack")
	format := ""
	for _, ext := range []string{".json", ".pdf", ".html"} {
		if strings.HasSuffix(name, ext) {
			name, format = strings.TrimSuffix(name, ext), ext[1:]
		}
	}
	ctx, cl := c.Request.Context(), s.caller(c)
	inc, err := s.app.Incident(ctx, cl, mid, id)
	if err != nil {
		return ReportPack{}, "", err
	}
	kind := domain.ClockKind(name)
	if format == "" || !oneOf(kind, domain.ReportKinds) {
		return ReportPack{}, "", domain.NotFound()
	}
	if !s.app.Can(cl, mid, authz.ObjIncident, authz.Update, authz.TargetOf(inc.Record)) {
		return ReportPack{}, "", domain.Forbidden() // a pack is the handler's working paper
	}
	if !inc.CallsFor(kind) {
		return ReportPack{}, "", domain.NotFound()
	}
	pack := ReportPack{Kind: kind, Incident: inc, Report: inc.Report(kind)}
	if clock, ok := inc.Clock(kind); ok {
		pack.DueAt, pack.State = clock.DueAt, string(clock.State)
	}
	rs, err := s.app.Recipients(ctx, cl, mid)
	if err != nil {
		return ReportPack{}, "", err
	}
	pack.Recipient, pack.Channel = rs[kind].Recipient, rs[kind].Channel
	mun, err := s.app.Municipality(ctx, cl, mid)
	if err != nil {
		return ReportPack{}, "", err
	}
	pack.Controller, pack.OrgNumber = mun.Name, mun.OrgNumber
	if inc.OwnerID != nil {
		pack.Contact = s.userName(c, mid, inc.OwnerID)
	}
	return pack, format, nil
}

// apiReportPack is the API's GET …/incidents/{id}/reports/{kind}.json and {kind}.pdf.
func (s *Server) apiReportPack(c *gin.Context) {
	s.sendReportPack(c, "json", "pdf")
}

// incidentPackPage is the page's …/reports/{kind}.html, .json and .pdf.
func (s *Server) incidentPackPage(c *gin.Context) {
	s.sendReportPack(c, "html", "json", "pdf")
}

func (s *Server) sendReportPack(c *gin.Context, formats ...string) {
	pack, format, err := s.reportPack(c)
	if err == nil && !oneOf(format, formats) {
		err = domain.NotFound()
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	tr := s.i18n.For(lang(c))
	title := tr.T("clock." + string(pack.Kind))
	switch format {
	case "json":
		c.JSON(http.StatusOK, pack)
	case "html":
		s.render(c, http.StatusOK, "incident_pack", incidentPackPage{Base: s.base(c, title), Pack: pack, Rows: pack.rows(tr)})
	case "pdf":
		s.sendPDF(c, "incident-"+itoa(pack.Incident.ID)+"-"+string(pack.Kind)+".pdf", func(w io.Writer) error {
			d := newPDF(tr, title, pack.Incident.Title, s.app.Now())
			d.Note(tr.T("pack.lead"))
			d.KeyValues(pack.rows(tr))
			_, err := d.WriteTo(w)
			return err
		})
	}
}

// rows are the pack's fields, in the recipient's order: who reports and to whom, what
// happened and when, then what the recipient asks for — for IMY the personal data, the
// consequences and the measures, and whether the data subjects were informed (GDPR art.
// 33.3); for the cybersäkerhetslag's reports the assessment, the impact and the measures,
// with the root cause in the final and progress reports; for Säkerhetspolisen the assessment
// and the measures. The HTML page and the PDF show the same rows.
func (p ReportPack) rows(tr i18n.Translator) []pdfdoc.KV {
	i := p.Incident
	dash := func(s string) string {
		if strings.TrimSpace(s) == "" {
			return "–"
		}
		return s
	}
	when := func(t *time.Time) string {
		if t == nil {
			return "–"
		}
		return momentText(*t)
	}
	count := func(n *int64) string {
		if n == nil {
			return "–"
		}
		return strconv.FormatInt(*n, 10)
	}
	ended := tr.T("pack.ongoing")
	if i.EndedAt != nil {
		ended = momentText(*i.EndedAt)
	}
	rows := []pdfdoc.KV{
		{Key: tr.T("incident.recipient"), Value: dash(p.Recipient)},
		{Key: tr.T("incident.channel"), Value: dash(p.Channel)},
		{Key: tr.T("incident.due_at"), Value: when(p.DueAt)},
		{Key: tr.T("pack.controller"), Value: dash(p.Controller)},
		{Key: tr.T("pack.org_number"), Value: dash(p.OrgNumber)},
		{Key: tr.T("pack.contact"), Value: dash(p.Contact)},
		{Key: tr.T("pack.what"), Value: i.Title + ": " + i.Description},
		{Key: tr.T("pack.started"), Value: when(i.StartedAt)},
		{Key: tr.T("field.discovered_at"), Value: momentText(i.DiscoveredAt)},
		{Key: tr.T("pack.ended"), Value: ended},
	}
	if i.SupplierAwareAt != nil {
		rows = append(rows, pdfdoc.KV{Key: tr.T("field.supplier_aware_at"), Value: momentText(*i.SupplierAwareAt)})
	}
	enum := func(prefix, v string) string {
		if v == "" {
			return "–"
		}
		return tr.T(prefix + v)
	}
	var aspects []string
	for _, a := range i.Aspects {
		aspects = append(aspects, tr.T("aspect."+string(a)))
	}
	assessment := []pdfdoc.KV{
		{Key: tr.T("field.category"), Value: enum("inccat.", i.Category)},
		{Key: tr.T("field.severity"), Value: enum("incsev.", i.Severity)},
		{Key: tr.T("field.aspects"), Value: dash(strings.Join(aspects, ", "))},
		{Key: tr.T("pack.consequences"), Value: dash(i.Consequences)},
		{Key: tr.T("pack.measures_taken"), Value: dash(i.MeasuresTaken)},
		{Key: tr.T("pack.measures_planned"), Value: dash(i.MeasuresPlanned)},
	}
	switch p.Kind {
	case domain.ClockGDPR:
		informed := enum("informed.", i.SubjectsInformed)
		if i.SubjectsInformedAt != nil {
			informed += " " + momentText(*i.SubjectsInformedAt)
		}
		if i.SubjectsNotInformedWhy != "" {
			informed += " — " + i.SubjectsNotInformedWhy
		}
		rows = append(rows,
			pdfdoc.KV{Key: tr.T("field.aware_at"), Value: when(i.AwareAt)},
			pdfdoc.KV{Key: tr.T("pack.subject_categories"), Value: dash(i.DataSubjectCategories)},
			pdfdoc.KV{Key: tr.T("pack.subjects_approx"), Value: count(i.DataSubjectsApprox)},
			pdfdoc.KV{Key: tr.T("pack.data_categories"), Value: dash(i.PersonalDataCategories)},
			pdfdoc.KV{Key: tr.T("pack.records_approx"), Value: count(i.RecordsApprox)},
			pdfdoc.KV{Key: tr.T("pack.consequences"), Value: dash(i.Consequences)},
			pdfdoc.KV{Key: tr.T("pack.measures_taken"), Value: dash(i.MeasuresTaken)},
			pdfdoc.KV{Key: tr.T("pack.measures_planned"), Value: dash(i.MeasuresPlanned)},
			pdfdoc.KV{Key: tr.T("pack.subjects_informed"), Value: informed})
	case domain.ReportSAPO:
		rows = append(rows, assessment...)
	default: // the cybersäkerhetslag's reports
		rows = append(rows, pdfdoc.KV{Key: tr.T("field.significant_at"), Value: when(i.SignificantAt)})
		rows = append(rows, assessment...)
		if p.Kind == domain.ClockNIS2Final || p.Kind == domain.ClockNIS2Progress {
			rows = append(rows,
				pdfdoc.KV{Key: tr.T("field.root_cause"), Value: dash(i.RootCause)},
				pdfdoc.KV{Key: tr.T("field.lessons_learned"), Value: dash(i.LessonsLearned)})
		}
	}
	if r := p.Report; r != nil {
		sent := momentText(r.SentAt)
		if r.Reference != "" {
			sent += ", " + tr.T("incident.reference") + " " + r.Reference
		}
		rows = append(rows, pdfdoc.KV{Key: tr.T("pack.sent"), Value: sent})
	}
	return rows
}

type incidentPackPage struct {
	Base
	Pack ReportPack
	Rows []pdfdoc.KV
}

// ---- Pages ----

// incidentRows are the register's rows in the request's language: title (linked),
// discovery, unit, severity, status, and the legal clocks that run or ran (as badges).
func (s *Server) incidentRows(c *gin.Context, list []domain.Incident, units map[int64]string) []tableRow {
	tr := s.i18n.For(lang(c))
	rows := make([]tableRow, len(list))
	for i, x := range list {
		severity := "–"
		if x.Severity != "" {
			severity = tr.T("incsev." + x.Severity)
		}
		var clocks cell
		for _, k := range x.Clocks {
			if k.DueAt != nil {
				clocks.Badges = append(clocks.Badges, badge{Class: "clock-" + string(k.State), Text: tr.T("clock."+string(k.Kind)) + ": " + tr.T("clockstate."+string(k.State))})
			}
		}
		rows[i] = tableRow{Cells: []cell{{Text: x.Title, Href: x.Path()}, {Text: momentText(x.DiscoveredAt)}, {Text: units[x.OrgUnitID]},
			{Text: severity}, {Text: tr.T("incstatus." + x.Status)}, clocks}}
	}
	return rows
}

type incidentListPage struct {
	Base
	Rows          []tableRow
	Filter        store.IncidentFilter
	Units         []domain.OrgUnit
	UnitNames     map[int64]string
	Statuses      []string
	Severities    []string
	Categories    []string
	Clocks        []string
	CanReport     bool
	CanConfigure  bool
	NextURL       string
	Paged         bool
	Suppliers     []option
	SupplierValue string // the chosen supplier's option value
	UnitValue     string // the chosen unit's
}

func (s *Server) incidentList(c *gin.Context) {
	mid, err := idParam(c, "mid")
	if err != nil {
		s.fail(c, err)
		return
	}
	f, err := incidentFilter(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	f.Bare = true // the register's columns
	list, next, err := s.incidentPage(c, mid, f)
	if err != nil {
		s.fail(c, err)
		return
	}
	units, err := s.app.OrgUnits(c.Request.Context(), s.caller(c), mid)
	if err != nil {
		s.fail(c, err)
		return
	}
	var sups []option
	supValue, chosen := "", []int64(nil)
	if f.SupplierID != 0 {
		supValue, chosen = itoa(f.SupplierID), []int64{f.SupplierID}
	}
	choices, err := s.app.RiskChoices(c.Request.Context(), s.caller(c), mid, domain.KindSupplier, "", chosen, 500)
	if err != nil {
		s.fail(c, err)
		return
	}
	for _, x := range choices {
		sups = append(sups, option{itoa(x.ID), x.Title})
	}
	unitMap, unitValue := unitNames(units), ""
	if f.UnitID != 0 {
		unitValue = itoa(f.UnitID)
	}
	s.render(c, http.StatusOK, "incidents", incidentListPage{Suppliers: sups, SupplierValue: supValue, UnitValue: unitValue, Base: s.base(c, s.i18n.T(lang(c), "incident.list_title")),
		Rows: s.incidentRows(c, list, unitMap), Filter: f,
		Units: units, UnitNames: unitMap, Statuses: domain.IncidentStatuses, Severities: domain.IncidentSeverities,
		Categories: domain.IncidentCategories, Clocks: store.IncidentClockFilters,
		CanReport: s.app.CanSome(s.caller(c), mid, authz.ObjIncident, authz.Create), CanConfigure: s.app.Can(s.caller(c), mid, authz.ObjIncident, authz.Configure, nil), NextURL: next, Paged: paged(c, next)})
}

type incidentFormPage struct {
	Base
	Action    string
	Form      formState
	Units     []domain.OrgUnit
	Systems   []option
	Suppliers []option
}

func (s *Server) incidentNew(c *gin.Context) {
	mid, ok := s.creator(c, domain.KindIncident)
	if !ok {
		return
	}
	f := newForm()
	f.Values["discovered_at"] = time.Now().In(domain.Sweden).Format("2006-01-02T15:04")
	s.renderIncidentForm(c, http.StatusOK, mid, f)
}

func (s *Server) renderIncidentForm(c *gin.Context, status int, mid int64, f formState) {
	ctx, cl := c.Request.Context(), s.caller(c)
	units, err := s.app.OrgUnits(ctx, cl, mid)
	if err != nil {
		s.fail(c, err)
		return
	}
	pg := incidentFormPage{Action: "/m/" + itoa(mid) + "/incidents", Form: f, Units: units}
	systems, err := s.app.ReportableSystems(ctx, cl, mid)
	if err != nil {
		s.fail(c, err)
		return
	}
	for _, x := range systems {
		pg.Systems = append(pg.Systems, option{itoa(x.ID), x.Title})
	}
	sups, err := s.app.Suppliers(ctx, cl, mid, store.SupplierFilter{Status: domain.SupplierActive, Limit: 500})
	if err != nil && domain.ErrorCode(err) != domain.EForbidden {
		s.fail(c, err)
		return
	}
	for _, x := range sups {
		pg.Suppliers = append(pg.Suppliers, option{itoa(x.ID), x.Title})
	}
	pg.Base = s.base(c, s.i18n.T(lang(c), "incident.new_title"))
	s.render(c, status, "incident_form", pg)
}

// parseIncidentForm reads the posted report form. Fuzzed in tests.
func parseIncidentForm(v url.Values) (domain.IncidentInput, domain.Problems) {
	p := domain.Problems{}
	var in domain.IncidentInput
	in.Title, in.Description, in.DiscoveredAt = formString(v, "title"), formString(v, "description"), formString(v, "discovered_at")
	in.OrgUnitID = formID(v, "org_unit_id", p)
	pd := v.Get("personal_data") == "yes" || v.Get("personal_data") == "on"
	in.PersonalData = &pd
	if ids := formIDs(v, "asset_ids", p); len(ids) > 0 {
		in.AssetIDs = &ids
	}
	if _, ok := v["supplier_id"]; ok {
		in.SupplierID = formID(v, "supplier_id", p)
	}
	return in, p
}

func (s *Server) incidentCreate(c *gin.Context) {
	mid, ok := s.creator(c, domain.KindIncident)
	if !ok {
		return
	}
	if err := c.Request.ParseForm(); err != nil {
		s.fail(c, &domain.Error{Code: domain.EInvalid, Message: "err.invalid", Err: err})
		return
	}
	in, p := parseIncidentForm(c.Request.PostForm)
	var inc domain.Incident
	err := p.Err()
	if err == nil {
		inc, err = s.app.ReportIncident(c.Request.Context(), s.caller(c), mid, in)
	}
	if err != nil {
		if f, status, ok := s.formFail(c, err, []string{"title", "description", "discovered_at", "org_unit_id", "personal_data", "asset_ids", "supplier_id"}); ok {
			s.renderIncidentForm(c, status, mid, f)
		}
		return
	}
	s.redirect(c, inc.Path(), "flash.incident_reported")
}

type incidentShowPage struct {
	Base
	recordParts
	actionsPart
	Incident      domain.Incident
	UnitName      string
	OwnerName     string
	ReporterName  string
	SupplierName  string
	AssetNames    map[int64]string
	RiskNames     map[int64]string // the linked risks the caller reads
	CanHandle     bool
	CanCreateRisk bool
	Report        formState
	Note          formState
	ReportKinds   []domain.ClockKind
	Events        []incidentEventView
}

// eventWords is a timeline event in the reader's language: a note's own words, or the
// event's key with its arguments (keys translated, moments in Swedish time, words as
// written).
func eventWords(tr i18n.Translator, ev domain.IncidentEvent) string {
	if ev.Key == "" {
		return ev.Text
	}
	var args []domain.EventArg
	if err := json.Unmarshal([]byte(ev.Args), &args); err != nil && ev.Args != "" {
		var words []string // an entry written before the arguments had kinds
		_ = json.Unmarshal([]byte(ev.Args), &words)
		for _, w := range words {
			if t, err := time.Parse(time.RFC3339, w); err == nil {
				args = append(args, domain.ArgAt(t))
			} else if tr.Has(w) {
				args = append(args, domain.ArgKey(w))
			} else {
				args = append(args, domain.ArgText(w))
			}
		}
	}
	a := make([]any, len(args))
	for i, x := range args {
		switch {
		case x.Key != "":
			a[i] = tr.T(x.Key)
		case len(x.Keys) > 0:
			ws := make([]string, len(x.Keys))
			for j, k := range x.Keys {
				ws[j] = tr.T(k)
			}
			a[i] = strings.Join(ws, ", ")
		case x.At != nil:
			a[i] = momentText(*x.At)
		case x.Text != "":
			a[i] = x.Text
		default:
			a[i] = "–"
		}
	}
	return tr.T(ev.Key, a...)
}

type incidentEventView struct {
	domain.IncidentEvent
	Words string
}

func (s *Server) renderIncident(c *gin.Context, status int, mid, id int64, formName string, f formState) {
	ctx, cl := c.Request.Context(), s.caller(c)
	inc, err := s.app.Incident(ctx, cl, mid, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	pg := incidentShowPage{Incident: inc, Report: newForm(), Note: newForm()}
	actionForm := newForm()
	switch formName {
	case "report":
		pg.Report, formName, f = f, "", newForm()
	case "note":
		pg.Note, formName, f = f, "", newForm()
	case "action":
		actionForm, formName, f = f, "", newForm()
	}
	if pg.recordParts, err = s.loadRecordParts(c, mid, domain.KindIncident, inc.Record, formName, f); err != nil {
		s.fail(c, err)
		return
	}
	units, err := s.app.OrgUnits(ctx, cl, mid)
	if err != nil {
		s.fail(c, err)
		return
	}
	pg.UnitName = unitNames(units)[inc.OrgUnitID]
	pg.OwnerName = s.userName(c, mid, inc.OwnerID)
	pg.ReporterName = s.userName(c, mid, inc.ReportedBy)
	if pg.AssetNames, err = s.app.IncidentAssetNames(ctx, cl, mid, inc); err != nil {
		s.fail(c, err)
		return
	}
	if inc.SupplierID != nil {
		if sup, err := s.app.Supplier(ctx, cl, mid, *inc.SupplierID); err == nil {
			pg.SupplierName = sup.Title
		}
	}
	pg.CanHandle = s.app.Can(cl, mid, authz.ObjIncident, authz.Update, authz.TargetOf(inc.Record))
	pg.CanCreateRisk = s.app.CanSome(cl, mid, authz.ObjRisk, authz.Create)
	if pg.RiskNames, err = s.app.RiskTitles(ctx, cl, mid, domain.KindRisk, inc.RiskIDs); err != nil {
		s.fail(c, err)
		return
	}
	if pg.actionsPart, err = s.loadActions(c, inc.Record, pg.CanHandle, actionForm); err != nil {
		s.fail(c, err)
		return
	}
	for _, k := range domain.ReportKinds {
		if inc.CallsFor(k) && inc.Report(k) == nil {
			pg.ReportKinds = append(pg.ReportKinds, k)
		}
	}
	tr := s.i18n.For(lang(c))
	for _, ev := range inc.Timeline {
		pg.Events = append(pg.Events, incidentEventView{IncidentEvent: ev, Words: eventWords(tr, ev)})
	}
	pg.Base = s.base(c, inc.Title)
	s.render(c, status, "incident", pg)
}

func (s *Server) incidentReportPost(c *gin.Context) {
	s.incidentSubForm(c, "report", []string{"kind", "sent_at", "recipient", "channel", "reference", "late_reason"}, func(mid, id int64, v url.Values) error {
		in := domain.ReportInput{Kind: v.Get("kind"), SentAt: v.Get("sent_at"), Recipient: v.Get("recipient"), Channel: v.Get("channel"),
			Reference: v.Get("reference"), LateReason: v.Get("late_reason")}
		_, err := s.app.RecordIncidentReport(c.Request.Context(), s.caller(c), mid, id, in)
		return err
	}, "flash.report_recorded")
}

func (s *Server) incidentNotePost(c *gin.Context) {
	s.incidentSubForm(c, "note", []string{"at", "text"}, func(mid, id int64, v url.Values) error {
		_, err := s.app.AddIncidentNote(c.Request.Context(), s.caller(c), mid, id, domain.NoteInput{At: v.Get("at"), Text: v.Get("text")})
		return err
	}, "flash.note_added")
}

func (s *Server) incidentSubForm(c *gin.Context, name string, fields []string, do func(mid, id int64, v url.Values) error, flash string) {
	mid, id, err := recordIDs(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := c.Request.ParseForm(); err != nil {
		s.fail(c, &domain.Error{Code: domain.EInvalid, Message: "err.invalid", Err: err})
		return
	}
	if err := do(mid, id, c.Request.PostForm); err != nil {
		if f, status, ok := s.formFail(c, err, fields); ok {
			s.renderIncident(c, status, mid, id, name, f)
		}
		return
	}
	s.redirect(c, domain.RecordPath(mid, domain.KindIncident, id, ""), flash)
}
