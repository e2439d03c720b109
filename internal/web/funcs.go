package web

import (
	"fmt"

	"github.com/lisa-isms/lisa/internal/domain"
)

// option is one <option> of a select.
type option struct{ Value, Label string }

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// kindPaths maps a record kind to the path segment of its pages.
var kindPaths = map[domain.Kind]string{domain.KindDocument: "documents"}

func init() {
	f := templateFuncs
	f["dict"] = func(kv ...any) (map[string]any, error) {
		if len(kv)%2 != 0 {
			return nil, fmt.Errorf("dict: odd number of arguments")
		}
		m := map[string]any{}
		for i := 0; i < len(kv); i += 2 {
			k, ok := kv[i].(string)
			if !ok {
				return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
			}
			m[k] = kv[i+1]
		}
		return m, nil
	}
	f["list"] = func(vs ...string) []string { return vs }
	f["doctypes"] = func() []string { return strs(domain.DocTypes) }
	f["docstatuses"] = func() []string { return strs(domain.DocStatuses) }
	f["adopters"] = func() []string { return strs(domain.Adopters) }
	f["scopes"] = func() []string { return strs(domain.DocScopes) }
	f["orgkinds"] = func() []string { return strs(domain.OrgUnitKinds) }
	f["roles"] = func() []string { return strs(domain.MunicipalRoles) }
	f["enumopts"] = func(b Base, prefix string, vs []string) []option {
		out := make([]option, len(vs))
		for i, v := range vs {
			out[i] = option{v, b.T(prefix + "." + v)}
		}
		return out
	}
	f["unitopts"] = func(us []domain.OrgUnit) []option {
		out := make([]option, len(us))
		for i, u := range us {
			out[i] = option{itoa(u.ID), u.Name}
		}
		return out
	}
	f["useropts"] = func(us []domain.User) []option {
		out := make([]option, len(us))
		for i, u := range us {
			out[i] = option{itoa(u.ID), u.Name + " (" + u.Username + ")"}
		}
		return out
	}
	f["dueState"] = func(d *domain.Date, today domain.Date) string { return string(domain.DueStateOf(d, today)) }
	f["kindPath"] = func(k domain.Kind) string { return kindPaths[k] }
	f["derefs"] = func(a *domain.Adopter) string {
		if a == nil {
			return ""
		}
		return string(*a)
	}
	f["formWith"] = func(kv ...string) formState {
		fs := newForm()
		for i := 0; i+1 < len(kv); i += 2 {
			fs.Values[kv[i]] = kv[i+1]
		}
		return fs
	}
	f["adoptForm"] = func(d domain.Document, today string) formState {
		fs := formFromDocument(d)
		if fs.Values["adopted_at"] == "" {
			fs.Values["adopted_at"] = today
		}
		return fs
	}
}
