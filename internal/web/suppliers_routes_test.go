package web

import (
	"fmt"
	"maps"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// The supplier register in the route × role table: the target is the demo's "Omsorgssystem
// AB" (Exempelkommun) or Grannkommun's supplier. Everyone with a role reads it; the
// coordinator keeps it.

func init() {
	tKindSetup = append(tKindSetup, setupSupplierTargets)
	readers := want{x404, x2xx, x2xx, x2xx, x2xx, x2xx, x401}
	writers := want{x404, x2xx, x403, x403, x403, x403, x401}
	commenters := want{x404, x2xx, x2xx, x2xx, x2xx, x403, x401}
	otherAPI := want{x404, x404, x404, x404, x404, x404, x401}
	listers := want{x403, x2xx, x2xx, x2xx, x2xx, x2xx, x401}
	creators := want{x403, x2xx, x403, x403, x403, x403, x401}
	otherMunDeny := want{x403, x404, x404, x404, x404, x404, x401}
	key := func(x *rctx) string { return tItoa(x.ext[fmt.Sprint("supplier/", x.other)]) }
	tKindRoutes[domain.KindSupplier] = kindRouteCase{
		key:      key,
		evidence: func(x *rctx) int64 { return x.ext[fmt.Sprint("supplier/ev/", x.other)] },
		freshEvidence: func(x *rctx) {
			id := x.ext[fmt.Sprint("supplier/", x.other)]
			ev, err := x.env.app.AddEvidence(x.env.ctx, x.env.caller(x.coordUser()), x.mun, domain.KindSupplier, id, "avtal.pdf", tPDF)
			if err != nil {
				x.t.Fatal(err)
			}
			x.ext = maps.Clone(x.ext)
			x.ext[fmt.Sprint("supplier/ev/", x.other)] = ev.ID
		},
		read: readers, review: writers, update: writers, comment: commenters,
		history: want{x404, x2xx, x403, x2xx, x2xx, x403, x401}, // the history is the review list's right: owners have it in their units
		other:   otherAPI, list: listers, otherList: otherMunDeny,
		routes: map[string]routeCase{
			"GET /api/v1/municipalities/:mid/suppliers": {own: listers, other: otherMunDeny},
			"POST /api/v1/municipalities/:mid/suppliers": {own: creators, other: otherMunDeny, body: func(x *rctx) ([]byte, string) {
				return x.json(map[string]any{"name": fmt.Sprintf("Leverantör %d", x.seq), "org_number": "", "contact": "info@example.se"})
			}},
			"GET /api/v1/municipalities/:mid/suppliers/:id": {own: readers, other: otherAPI},
			"PUT /api/v1/municipalities/:mid/suppliers/:id": {own: writers, other: otherAPI, body: func(x *rctx) ([]byte, string) {
				return x.json(map[string]any{"contact": fmt.Sprintf("Kontakt %d", x.seq)})
			}},
			"GET /m/:mid/suppliers":          {own: asPage(listers, false), other: asPage(otherMunDeny, false)},
			"GET /m/:mid/suppliers/new":      {own: asPage(creators, false), other: asPage(otherMunDeny, false)},
			"GET /m/:mid/suppliers/:id":      {own: asPage(readers, false), other: asPage(otherAPI, false)},
			"GET /m/:mid/suppliers/:id/edit": {own: asPage(writers, false), other: asPage(otherAPI, false)},
			"POST /m/:mid/suppliers": {own: asPage(creators, true), other: asPage(otherMunDeny, true), body: func(x *rctx) ([]byte, string) {
				return x.form("name", fmt.Sprintf("Sidans leverantör %d", x.seq), "org_number", "")
			}},
			"POST /m/:mid/suppliers/:id": {own: asPage(writers, true), other: asPage(otherAPI, true), body: func(x *rctx) ([]byte, string) {
				return x.form("contact", fmt.Sprintf("Sidans kontakt %d", x.seq))
			}},
		},
	}
}

func setupSupplierTargets(e *testEnv) {
	for _, other := range []bool{false, true} {
		mun, who, name := e.ex, "samordnare", "Omsorgssystem AB"
		if other {
			mun, who, name = e.gr, "samordnare2", "Grannkommunens IT-partner AB"
		}
		list, err := e.app.Suppliers(e.ctx, e.caller(who), mun, store.SupplierFilter{Query: name, Limit: 1})
		if err != nil || len(list) != 1 {
			e.t.Fatalf("demo supplier %q: %v %v", name, list, err)
		}
		e.extra[fmt.Sprint("supplier/", other)] = list[0].ID
		ev, err := e.app.AddEvidence(e.ctx, e.caller(who), mun, domain.KindSupplier, list[0].ID, "avtal.pdf", tPDF)
		if err != nil {
			e.t.Fatal(err)
		}
		e.extra[fmt.Sprint("supplier/ev/", other)] = ev.ID
	}
}
