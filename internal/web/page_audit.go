package web

// The audit trail page: filters chosen from translated lists, every code translated, each
// entry linked to its record, and its change shown field by field with labels and local times.

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/audit"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/i18n"
)

type auditPage struct {
	Base
	Head       audit.Anchor // the municipality chain's newest entry, to note down as an anchor
	Rows       []tableRow
	Form       formState // the filters as given, and what is wrong with them
	Kinds      []option
	Actions    []option
	NextBefore int64
	CSVQuery   string
}

// auditChange is one field of an entry's change.
type auditChange struct {
	Field, Before, After string
}

// auditSystemKinds are the kinds of entries that are not records: the municipality, its
// units and own controls, accounts and sessions.
var auditSystemKinds = []string{"municipality", "org_unit", "custom_control", "user", "session"}

// auditKindLabel translates an entry's kind.
func auditKindLabel(tr i18n.Translator, kind string) string {
	if _, ok := domain.SpecOf(domain.Kind(kind)); ok {
		return tr.T("kind." + kind)
	}
	if tr.Has("auditkind." + kind) {
		return tr.T("auditkind." + kind)
	}
	return kind
}

// auditOptions are the filters' choices in tr's language: every kind and every action,
// translated, by label (made once per language in New).
func (s *Server) auditOptions(tr i18n.Translator) auditChoices {
	var kinds, actions []option
	for _, k := range domain.Kinds() {
		kinds = append(kinds, option{string(k), auditKindLabel(tr, string(k))})
	}
	for _, k := range auditSystemKinds {
		kinds = append(kinds, option{k, auditKindLabel(tr, k)})
	}
	for _, key := range s.i18n.Keys(tr.Lang) {
		if code, ok := strings.CutPrefix(key, "action."); ok {
			actions = append(actions, option{code, tr.T(key)})
		}
	}
	byLabel := func(a, b option) int { return strings.Compare(a.Label, b.Label) }
	slices.SortFunc(kinds, byLabel)
	slices.SortFunc(actions, byLabel)
	return auditChoices{Kinds: kinds, Actions: actions}
}

// auditChoices are the audit filters' options in one language.
type auditChoices struct{ Kinds, Actions []option }

func (s *Server) auditList(c *gin.Context) {
	mid, err := idParam(c, "mid")
	if err != nil {
		s.fail(c, err)
		return
	}
	tr := s.i18n.For(lang(c))
	pg := auditPage{Form: newForm()}
	for _, k := range []string{"kind", "action", "actor", "from", "to", "record_id"} {
		pg.Form.Values[k] = c.Query(k)
	}
	pg.Kinds, pg.Actions = s.auditChoices[tr.Lang].Kinds, s.auditChoices[tr.Lang].Actions
	status := http.StatusOK
	f, ferr := auditFilter(c, mid)
	if ferr == nil {
		es, err := s.app.AuditLog(c.Request.Context(), s.caller(c), f)
		if err != nil {
			s.fail(c, err)
			return
		}
		for _, e := range es {
			pg.Rows = append(pg.Rows, auditRow(tr, mid, e))
		}
		if len(es) == f.Limit && len(es) > 0 {
			pg.NextBefore = es[len(es)-1].ID
		}
	} else {
		// Bad filters are shown on the page, with what was typed kept: not an error page.
		if e := domain.AsError(ferr); e.Code != domain.EInvalid {
			s.fail(c, ferr)
			return
		}
		if err := s.app.CanReadAudit(s.caller(c), mid); err != nil {
			s.fail(c, err)
			return
		}
		c.Set(keyFormError, true)
		pg.Form.setErr(tr, ferr)
		pg.Form.Order = orderFields(pg.Form.Order, []string{"kind", "action", "actor", "from", "to", "record_id", "before", "limit", "q"})
		status = statusOf(domain.EInvalid)
	}
	if pg.Head, err = s.app.AuditHead(c.Request.Context(), s.caller(c), mid); err != nil {
		s.fail(c, err)
		return
	}
	q := c.Request.URL.Query()
	q.Del("before")
	q.Del("limit")
	pg.CSVQuery = q.Encode()
	pg.Base = s.base(c, tr.T("audit.title"))
	s.render(c, status, "audit", pg)
}

// auditRow is an entry as the page's table prints it: number, time (local), actor, kind,
// the record (linked when it has a page), action, and the changed fields behind a disclosure.
func auditRow(tr i18n.Translator, mid int64, e audit.Entry) tableRow {
	action := e.Action
	if tr.Has("action." + e.Action) {
		action = tr.T("action." + e.Action)
	}
	record := cell{}
	if e.RecordID != nil {
		record.Text = strconv.FormatInt(*e.RecordID, 10)
		if _, ok := domain.SpecOf(domain.Kind(e.Kind)); ok && e.Action != audit.ActionDelete {
			record.Href, record.Hidden = fmt.Sprintf("/m/%d/records/%d", mid, *e.RecordID), tr.T("audit.open_record")
		}
	}
	changes := cell{}
	if ch := auditChanges(tr, e.Before, e.After); len(ch) > 0 {
		d := &cellDetail{Summary: tr.T("audit.show_change"), Head: []string{tr.T("audit.field"), tr.T("audit.before"), tr.T("audit.after")}}
		for _, c := range ch {
			d.Rows = append(d.Rows, []string{c.Field, c.Before, c.After})
		}
		changes.Detail = d
	}
	return tableRow{Cells: []cell{{Text: strconv.FormatInt(e.ID, 10)}, {Text: localTime(e.At)}, {Text: e.Actor},
		{Text: auditKindLabel(tr, e.Kind)}, record, {Text: action}, changes}}
}

// auditHidden are the fields of a record's snapshot a reader of the trail does not need.
var auditHidden = map[string]bool{"id": true, "municipality_id": true, "kind": true, "created_at": true, "updated_at": true,
	"title_fold": true, "remind_at": true, "record_id": true, "requirements": true, "separate_analysis": true}

// auditEnums are the translation prefixes of a field's coded values.
var auditEnums = map[string][]string{"status": {"docstatus.", "ctlstatus.", "assetstatus."}, "type": {"doctype."}, "adopted_by": {"adopter."},
	"scope": {"scope."}, "role": {"role."}, "theme": {"theme."}, "activity_area": {"area."},
	"aspect": {"aspect."}, "method": {"classify.method_"}}

// auditChanges lists the fields of a change: for an update those that differ, for a creation
// or a removal every field with a value; labels and coded values translated, times local.
// What is not a JSON object is one unnamed row.
func auditChanges(tr i18n.Translator, before, after string) []auditChange {
	var b, a map[string]any
	errB := json.Unmarshal([]byte(before), &b)
	errA := json.Unmarshal([]byte(after), &a)
	if before != "" && errB != nil || after != "" && errA != nil {
		return []auditChange{{Before: before, After: after}}
	}
	keys := map[string]bool{}
	for k := range b {
		keys[k] = true
	}
	for k := range a {
		keys[k] = true
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		if !auditHidden[k] {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	var out []auditChange
	for _, k := range names {
		bv, av := auditValue(tr, k, b[k]), auditValue(tr, k, a[k])
		if bv == av {
			continue
		}
		label := k
		if tr.Has("field." + k) {
			label = tr.T("field." + k)
		}
		out = append(out, auditChange{Field: label, Before: bv, After: av})
	}
	return out
}

// auditValue prints one value of field: coded values translated, yes and no, times in
// Swedish local time, lists of objects one per line.
func auditValue(tr i18n.Translator, field string, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		for _, prefix := range auditEnums[field] {
			if tr.Has(prefix + x) {
				return tr.T(prefix + x)
			}
		}
		if t, err := time.Parse(time.RFC3339Nano, x); err == nil {
			return t.In(stockholm).Format("2006-01-02 15:04")
		}
		return x
	case bool:
		if x {
			return tr.T("common.yes")
		}
		return tr.T("common.no")
	case float64:
		return fmt.Sprint(x)
	case map[string]any: // a nested object: its fields by name, "Konfidentialitet: 3, Riktighet: 2"
		kv := make([]string, 0, len(x))
		for _, k := range slices.Sorted(maps.Keys(x)) {
			if auditHidden[k] || x[k] == nil || x[k] == "" {
				continue
			}
			label := k
			if tr.Has("field." + k) {
				label = tr.T("field." + k)
			} else if tr.Has("aspect." + k) {
				label = tr.T("aspect." + k)
			}
			kv = append(kv, label+": "+auditValue(tr, k, x[k]))
		}
		return strings.Join(kv, ", ")
	case []any:
		parts := make([]string, 0, len(x))
		for _, item := range x {
			if m, ok := item.(map[string]any); ok {
				var kv []string
				for _, k := range slices.Sorted(maps.Keys(m)) {
					kv = append(kv, auditValue(tr, k, m[k]))
				}
				parts = append(parts, strings.Join(kv, " "))
				continue
			}
			parts = append(parts, auditValue(tr, field, item))
		}
		return strings.Join(parts, "; ")
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// localTime is an audit timestamp in Swedish local time.
func localTime(at string) string {
	if t, err := time.Parse(time.RFC3339Nano, at); err == nil {
		return t.In(stockholm).Format("2006-01-02 15:04:05")
	}
	return at
}
