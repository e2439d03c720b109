package web

import (
	_ "embed"
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"
)

// openAPI is the OpenAPI 3 description of /api/v1; a test keeps it in step with the router.
//
//go:embed openapi.json
var openAPI []byte

func (s *Server) apiOpenAPI(c *gin.Context) (int, any, error) {
	return http.StatusOK, json.RawMessage(openAPI), nil
}
