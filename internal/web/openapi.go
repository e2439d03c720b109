package web

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/domain"
)

// openAPIBase is the OpenAPI 3 description of /api/v1 without the shared record routes;
// openAPIRecords describes those routes once, with {section}, {param} and {Name} standing for
// a kind's registration. A test keeps the assembled description in step with the router.
//
//go:embed openapi.json
var openAPIBase []byte

//go:embed openapi_records.json
var openAPIRecords []byte

// buildOpenAPI assembles the description: the base document plus the shared record routes of
// every registered kind.
func buildOpenAPI() ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(openAPIBase, &doc); err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	paths, _ := doc["paths"].(map[string]any)
	comps, _ := doc["components"].(map[string]any)
	params, _ := comps["parameters"].(map[string]any)
	if paths == nil || params == nil {
		return nil, fmt.Errorf("openapi.json: no paths or parameters")
	}
	for _, k := range domain.KindSpecs() {
		text := strings.NewReplacer("{section}", k.Section, "{{param}}", "{"+k.Param+"}", "{param}", k.Param, "{Name}", k.APIName).Replace(string(openAPIRecords))
		var tpl struct {
			Paths map[string]any `json:"paths"`
		}
		if err := json.Unmarshal([]byte(text), &tpl); err != nil {
			return nil, fmt.Errorf("openapi_records.json: %w", err)
		}
		for p, ops := range tpl.Paths {
			if _, dup := paths[p]; dup {
				return nil, fmt.Errorf("openapi: %s of kind %s is described twice", p, k.Kind)
			}
			paths[p] = ops
		}
		if _, ok := params[k.Param]; !ok {
			params[k.Param] = map[string]any{"name": k.Param, "in": "path", "required": true,
				"description": "Names one record of kind " + string(k.Kind) + ".", "schema": map[string]any{"type": "string"}}
		}
	}
	// The kind of a record or a due item is one of the registered kinds.
	kinds := []any{}
	for _, k := range domain.Kinds() {
		kinds = append(kinds, string(k))
	}
	schemas, _ := comps["schemas"].(map[string]any)
	for _, name := range []string{"Record", "DueItem"} {
		props, _ := schemas[name].(map[string]any)["properties"].(map[string]any)
		kind, ok := props["kind"].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("openapi.json: %s has no kind", name)
		}
		kind["enum"] = kinds
		delete(kind, "description")
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (s *Server) apiOpenAPI(c *gin.Context) (int, any, error) {
	return http.StatusOK, json.RawMessage(s.openAPI), nil
}
