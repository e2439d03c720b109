package web

import (
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/i18n"
)

// formState keeps what the user typed and what was wrong with it, so a form with errors
// comes back with the input kept, an error summary at the top linking to each field, and
// the error repeated at the field (the GOV.UK pattern).
type formState struct {
	Values  map[string]string
	Multi   map[string][]int64
	Errors  map[string]string // field -> translated message
	Labels  map[string]string // field -> translated label, for the error summary
	Summary string            // translated top message
	Order   []string          // fields in error, in form order
	// Prefix goes before every field id, for a page with two forms that share field names
	// (the row edit form and the review form both have next_review_at).
	Prefix string
}

func newForm() formState {
	return formState{Values: map[string]string{}, Multi: map[string][]int64{}, Errors: map[string]string{}, Labels: map[string]string{}}
}

// V returns the kept value of a field.
func (f formState) V(name string) string { return f.Values[name] }

// E returns the error of a field, or "".
func (f formState) E(name string) string { return f.Errors[name] }

// Has reports whether id is among the chosen values of a multi-select.
func (f formState) Has(name string, id int64) bool {
	for _, x := range f.Multi[name] {
		if x == id {
			return true
		}
	}
	return false
}

// In reports whether val is among the comma-separated values of a field (ticked checkboxes
// of one name that are not ids: an incident's aspects).
func (f formState) In(name, val string) bool {
	return slices.Contains(strings.Split(f.Values[name], ","), val)
}

// HasErrors reports whether anything is wrong.
func (f formState) HasErrors() bool { return f.Summary != "" || len(f.Errors) > 0 }

// setErr records err's message and field errors, translated.
func (f *formState) setErr(tr i18n.Translator, err error) {
	e := domain.AsError(err)
	if e.Code == domain.EInternal {
		f.Summary = tr.T("err.internal")
		return
	}
	f.Summary = tr.T(e.Message)
	for k, v := range e.Fields {
		msg, specific := fieldMessage(tr, k, v)
		f.Errors[k] = msg
		if !specific && tr.Has("field."+k) { // a generic message needs the field's name beside it
			f.Labels[k] = tr.T("field." + k)
		}
		f.Order = append(f.Order, k)
	}
	sort.Strings(f.Order)
}

// fieldMessage translates why field is wrong: the message made for that field when there is
// one ("err.required.title" = "Ange en titel"), else the general one ("Måste fyllas i").
// specific reports which.
func fieldMessage(tr i18n.Translator, field, key string) (msg string, specific bool) {
	if tr.Has(key + "." + field) {
		return tr.T(key + "." + field), true
	}
	return tr.T(key), false
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// formIDs parses the values of a multi-value id field (checkboxes, or a select whose empty
// option means none); a value that is not a number is a field error.
func formIDs(v url.Values, name string, p domain.Problems) []int64 {
	ids := []int64{}
	for _, s := range v[name] {
		if strings.TrimSpace(s) == "" { // a select's "none" option
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			p.Add(name, "err.type")
			continue
		}
		ids = append(ids, n)
	}
	return ids
}

// The parsers of posted fields shared by the record forms. A field the form does not show is
// nil ("not given"); one it shows is given, even when empty.

// formString returns the field's text.
func formString(v url.Values, name string) *string {
	if _, ok := v[name]; !ok {
		return nil
	}
	s := v.Get(name)
	return &s
}

// formID returns the field's id: 0 for empty (none chosen), a field error when it is not a
// non-negative number.
func formID(v url.Values, name string, p domain.Problems) *int64 {
	if _, ok := v[name]; !ok {
		return nil
	}
	n := int64(0)
	if s := strings.TrimSpace(v.Get(name)); s != "" {
		var err error
		if n, err = strconv.ParseInt(s, 10, 64); err != nil || n < 0 {
			p.Add(name, "err.type")
			return nil
		}
	}
	return &n
}

// formInterval returns the review interval in months; anything but a whole number is the
// interval's field error.
func formInterval(v url.Values, p domain.Problems) *int {
	return formWhole(v, "review_interval_months", "err.review_interval", p)
}

// formWhole returns field as a whole number (nil when the form lacks it); anything else is
// the field's error key.
func formWhole(v url.Values, field, key string, p domain.Problems) *int {
	if _, ok := v[field]; !ok {
		return nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(v.Get(field)))
	if err != nil {
		p.Add(field, key)
		return nil
	}
	return &n
}

// formFail is the one decision after a failed form post: re-render the form with the user's
// input and the errors — for what the user can put right on the form: invalid or too large
// input, a conflict (a name taken, a unit in use), a refusal that names a field — or show the
// error page for anything else (not found, forbidden, internal). order lists the form's fields
// for the error summary (nil: as posted). It reports false when it has shown the error page.
func (s *Server) formFail(c *gin.Context, err error, order []string) (formState, int, bool) {
	e := domain.AsError(err)
	switch {
	case e.Code == domain.EInvalid, e.Code == domain.ETooLarge, e.Code == domain.EConflict:
	case e.Code == domain.EForbidden && len(e.Fields) > 0:
	default:
		s.fail(c, err)
		return formState{}, 0, false
	}
	c.Set(keyFormError, true)
	f := formFromPost(c)
	delete(f.Values, "password") // never sent back
	f.setErr(s.i18n.For(lang(c)), err)
	if order != nil {
		f.Order = orderFields(f.Order, order)
	}
	return f, statusOf(e.Code), true
}

// queryID reads an optional positive id parameter (0 when absent); anything else is a field
// error.
func queryID(c *gin.Context, name string, p domain.Problems) int64 {
	v := strings.TrimSpace(c.Query(name))
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		p.Add(name, "err.type")
		return 0
	}
	return n
}
