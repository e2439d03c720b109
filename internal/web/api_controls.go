package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/domain"
)

// The API of the control catalogs, the statement of applicability and the gap analysis.

func (s *Server) apiCatalogs(c *gin.Context) (int, any, error) {
	cs, err := s.app.Catalogs(s.caller(c))
	return http.StatusOK, cs, err
}

func (s *Server) apiCatalogControls(c *gin.Context) (int, any, error) {
	_, ctls, err := s.app.CatalogControls(s.caller(c), c.Param("cat"))
	return http.StatusOK, ctls, err
}

func (s *Server) apiSoA(c *gin.Context) (int, any, error) {
	mid, err := idParam(c, "mid")
	if err != nil {
		return 0, nil, err
	}
	rows, err := s.app.SoA(c.Request.Context(), s.caller(c), mid)
	return http.StatusOK, rows, err
}

func (s *Server) apiUpdateSoA(c *gin.Context) (int, any, error) {
	mid, err := idParam(c, "mid")
	if err != nil {
		return 0, nil, err
	}
	var in domain.SoAInput
	if err := decodeJSON(c, &in); err != nil {
		return 0, nil, err
	}
	row, err := s.app.UpdateSoA(c.Request.Context(), s.caller(c), mid, c.Param("ctl"), in)
	return http.StatusOK, row, err
}

func (s *Server) apiGap(c *gin.Context) (int, any, error) {
	mid, err := idParam(c, "mid")
	if err != nil {
		return 0, nil, err
	}
	g, err := s.app.Gap(c.Request.Context(), s.caller(c), mid)
	return http.StatusOK, g, err
}

func (s *Server) apiOwnControls(c *gin.Context) (int, any, error) {
	mid, err := idParam(c, "mid")
	if err != nil {
		return 0, nil, err
	}
	cs, err := s.app.CustomControls(c.Request.Context(), s.caller(c), mid)
	return http.StatusOK, cs, err
}

func (s *Server) apiCreateOwnControl(c *gin.Context) (int, any, error) {
	mid, err := idParam(c, "mid")
	if err != nil {
		return 0, nil, err
	}
	var in app.CustomControlInput
	if err := decodeJSON(c, &in); err != nil {
		return 0, nil, err
	}
	cc, err := s.app.CreateCustomControl(c.Request.Context(), s.caller(c), mid, in)
	return http.StatusCreated, cc, err
}
