package web

import (
	"encoding/base64"
	"fmt"
	"maps"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// The information assets in the route × role table. The targets are demo assets: the
// information set "Journaler i hemtjänsten" and the system "Verksamhetssystem för
// socialtjänsten" in Socialförvaltningen (agare's unit), and Grannkommun's two assets.

func init() {
	tKindSetup = append(tKindSetup, setupAssetTargets)
	readers := want{x404, x2xx, x2xx, x2xx, x2xx, x404, x401}
	writers := want{x404, x2xx, x2xx, x403, x403, x404, x401}
	pageReaders := asPage(readers, false)
	pageWriters := asPage(writers, false)
	postWriters := asPage(writers, true)
	otherAPI := want{x404, x404, x404, x404, x404, x404, x401}
	otherPage, otherPost := asPage(otherAPI, false), asPage(otherAPI, true)
	listers := want{x403, x2xx, x2xx, x2xx, x2xx, x403, x401}
	creators := want{x403, x2xx, x2xx, x403, x403, x403, x401}
	configurers := want{x403, x2xx, x403, x403, x403, x403, x401}
	otherMunDeny := want{x403, x404, x404, x404, x404, x404, x401}
	levels := func(x *rctx) ([]byte, string) {
		return x.json(map[string]any{"confidentiality": 3, "integrity": 3, "availability": 3, "traceability": 3, "rationale": fmt.Sprintf("Omklassad %d", x.seq)})
	}
	importCSV := func(x *rctx) []byte {
		unit := "Socialförvaltningen"
		if x.other {
			unit = "Bildningsförvaltningen"
		}
		return []byte(fmt.Sprintf("Namn;Typ av tillgång;Organisationsenhet\nImporterad mängd %d;Informationsmängd;%s\n", x.seq, unit))
	}
	modelForm := func(x *rctx) ([]byte, string) {
		kv := []string{"name", "KLASSA", "label_0", "Ingen", "label_1", "Låg", "label_2", "Måttlig", "label_3", "Hög", "label_4", "Mycket hög"}
		for _, r := range domain.DefaultRequirementRules() {
			kv = append(kv, "keep", fmt.Sprintf("%s|%d|%s", r.Aspect, r.MinLevel, r.ControlID))
		}
		return x.form(kv...)
	}
	tKindRoutes[domain.KindAsset] = kindRouteCase{
		key:      func(x *rctx) string { return tItoa(x.ext[assetKey(x, "set")]) },
		evidence: func(x *rctx) int64 { return x.ext[assetKey(x, "ev")] },
		freshEvidence: func(x *rctx) {
			ev, err := x.env.app.AddEvidence(x.env.ctx, x.env.caller(x.coordUser()), x.mun, domain.KindAsset, x.ext[assetKey(x, "set")], "bevis.pdf", tPDF)
			if err != nil {
				x.t.Fatal(err)
			}
			x.ext = maps.Clone(x.ext)
			x.ext[assetKey(x, "ev")] = ev.ID
		},
		read: readers, review: writers, update: writers, history: readers,
		comment: want{x404, x2xx, x2xx, x2xx, x2xx, x404, x401},
		other:   otherAPI, list: listers, otherList: otherMunDeny,
		routes: map[string]routeCase{
			"GET /api/v1/municipalities/:mid/assets": {own: listers, other: otherMunDeny},
			"POST /api/v1/municipalities/:mid/assets": {own: creators, other: otherMunDeny, body: func(x *rctx) ([]byte, string) {
				return x.json(map[string]any{"name": fmt.Sprintf("Tillgång %d", x.seq), "kind": "information", "org_unit_id": x.unit})
			}},
			"GET /api/v1/municipalities/:mid/assets/:id": {own: readers, other: otherAPI},
			"PUT /api/v1/municipalities/:mid/assets/:id": {own: writers, other: otherAPI, body: func(x *rctx) ([]byte, string) {
				return x.json(map[string]any{"description": fmt.Sprintf("Beskrivning %d", x.seq)})
			}},
			"DELETE /api/v1/municipalities/:mid/assets/:id":              {own: writers, other: otherAPI, setup: freshAsset},
			"PUT /api/v1/municipalities/:mid/assets/:id/classification":  {own: writers, other: otherAPI, body: levels},
			"GET /api/v1/municipalities/:mid/assets/:id/classifications": {own: readers, other: otherAPI},
			"GET /api/v1/municipalities/:mid/assets/:id/level-overrides": {own: readers, other: otherAPI, setup: targetSystem},
			"PUT /api/v1/municipalities/:mid/assets/:id/level-overrides": {own: writers, other: otherAPI, setup: targetSystem, body: func(x *rctx) ([]byte, string) { return x.json([]any{}) }},
			"GET /api/v1/municipalities/:mid/asset-model":                {own: listers, other: otherMunDeny},
			"PUT /api/v1/municipalities/:mid/asset-model":                {own: configurers, other: otherMunDeny, body: func(x *rctx) ([]byte, string) { return x.json(map[string]any{"name": "KLASSA"}) }},
			"GET /api/v1/municipalities/:mid/assets.csv":                 {own: listers, other: otherMunDeny},
			"GET /api/v1/municipalities/:mid/assets.xlsx":                {own: listers, other: otherMunDeny},
			"POST /api/v1/municipalities/:mid/assets.csv":                {own: creators, other: otherMunDeny, query: dryRun, body: func(x *rctx) ([]byte, string) { return importCSV(x), "text/csv" }},
			"POST /api/v1/municipalities/:mid/assets.xlsx":               {own: creators, other: otherMunDeny, query: dryRun, body: func(x *rctx) ([]byte, string) { return importCSV(x), "text/csv" }},
			"GET /m/:mid/assets":              {own: asPage(listers, false), other: asPage(otherMunDeny, false)},
			"GET /m/:mid/assets/new":          {own: asPage(creators, false), other: asPage(otherMunDeny, false)},
			"GET /m/:mid/assets/:id":          {own: pageReaders, other: otherPage},
			"GET /m/:mid/assets/:id/edit":     {own: pageWriters, other: otherPage},
			"GET /m/:mid/assets/:id/classify": {own: pageWriters, other: otherPage},
			"GET /m/:mid/assets/:id/delete":   {own: pageWriters, other: otherPage, setup: freshAsset},
			"GET /m/:mid/asset-model":         {own: asPage(listers, false), other: asPage(otherMunDeny, false)},
			"GET /m/:mid/asset-import":        {own: asPage(creators, false), other: asPage(otherMunDeny, false)},
			"POST /m/:mid/assets": {own: asPage(creators, true), other: asPage(otherMunDeny, true), body: func(x *rctx) ([]byte, string) {
				return x.form("name", fmt.Sprintf("Sidans tillgång %d", x.seq), "kind", "information", "org_unit_id", tItoa(x.unit))
			}},
			"POST /m/:mid/assets/:id": {own: postWriters, other: otherPost, body: func(x *rctx) ([]byte, string) {
				return x.form("description", fmt.Sprintf("Sidans beskrivning %d", x.seq))
			}},
			"POST /m/:mid/assets/:id/carries":   {own: postWriters, other: otherPost, setup: targetSystem, body: func(x *rctx) ([]byte, string) { return x.form("remove", "0") }},
			"POST /m/:mid/assets/:id/overrides": {own: postWriters, other: otherPost, setup: targetSystem, body: func(x *rctx) ([]byte, string) { return x.form() }},
			"POST /m/:mid/assets/:id/classify": {own: postWriters, other: otherPost, body: func(x *rctx) ([]byte, string) {
				return x.form("confidentiality", "3", "integrity", "3", "availability", "3", "traceability", "3", "rationale", "Sidans klassning")
			}},
			"POST /m/:mid/assets/:id/delete": {own: postWriters, other: otherPost, setup: freshAsset, body: func(x *rctx) ([]byte, string) { return x.form() }},
			"POST /m/:mid/asset-model":       {own: asPage(configurers, true), other: asPage(otherMunDeny, true), body: modelForm},
			"POST /m/:mid/asset-import": {own: asPage(creators, false), other: asPage(otherMunDeny, false), body: func(x *rctx) ([]byte, string) {
				fields := map[string]string{}
				if x.client.csrf != "" {
					fields["csrf_token"] = x.client.csrf
				}
				return tMultipart(fields, "tillgangar.csv", importCSV(x))
			}},
			"POST /m/:mid/asset-import/apply": {own: asPage(creators, false), other: asPage(otherMunDeny, false), body: func(x *rctx) ([]byte, string) {
				return x.form("data", base64.StdEncoding.EncodeToString(importCSV(x)))
			}},
		},
	}
}

func dryRun(*rctx) string { return "?dry_run=1" }

// assetKey names a target of the table in the context's municipality.
func assetKey(x *rctx, what string) string { return fmt.Sprint("asset/", what, "/", x.other) }

// targetSystem makes the system the target (the routes of a system's levels and carrying).
func targetSystem(x *rctx) {
	x.ext = maps.Clone(x.ext)
	x.ext[assetKey(x, "set")] = x.ext[assetKey(x, "system")]
}

// freshAsset makes a new information set the target (for the requests that delete it).
func freshAsset(x *rctx) {
	kind := "information"
	name := fmt.Sprintf("Tillfällig tillgång %d", x.seq)
	a, err := x.env.app.CreateAsset(x.env.ctx, x.env.caller(x.coordUser()), x.mun, domain.AssetInput{Name: &name, Kind: &kind, OrgUnitID: &x.unit})
	if err != nil {
		x.t.Fatal(err)
	}
	x.ext = maps.Clone(x.ext)
	x.ext[assetKey(x, "set")] = a.ID
}

// setupAssetTargets finds the demo assets the table uses and gives each set an evidence file.
func setupAssetTargets(e *testEnv) {
	for _, other := range []bool{false, true} {
		mun, who, set, system := e.ex, "samordnare", "Journaler i hemtjänsten", "Verksamhetssystem för socialtjänsten"
		if other {
			mun, who, set, system = e.gr, "samordnare2", "Elevregister i Grannkommun", "Skolsystem i Grannkommun"
		}
		for what, name := range map[string]string{"set": set, "system": system} {
			as, err := e.app.Assets(e.ctx, e.caller(who), mun, store.AssetFilter{Query: name, Limit: 1})
			if err != nil || len(as) != 1 {
				e.t.Fatalf("demo asset %q: %v %v", name, as, err)
			}
			e.extra[fmt.Sprint("asset/", what, "/", other)] = as[0].ID
		}
		ev, err := e.app.AddEvidence(e.ctx, e.caller(who), mun, domain.KindAsset, e.extra[fmt.Sprint("asset/set/", other)], "bevis.pdf", tPDF)
		if err != nil {
			e.t.Fatal(err)
		}
		e.extra[fmt.Sprint("asset/ev/", other)] = ev.ID
	}
}
