package web

// The API of the administration: municipalities, org units, members, accounts and roles.

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/domain"
)

func (s *Server) apiMunicipalities(c *gin.Context) (int, any, error) {
	ms, err := s.app.Municipalities(c.Request.Context(), s.caller(c))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ms, nil
}

func (s *Server) apiCreateMunicipality(c *gin.Context) (int, any, error) {
	var in app.MunicipalityInput
	if err := decodeJSON(c, &in); err != nil {
		return 0, nil, err
	}
	m, err := s.app.CreateMunicipality(c.Request.Context(), s.caller(c), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, m, nil
}

func (s *Server) apiMunicipality(c *gin.Context) (int, any, error) {
	mid, err := idParam(c, "mid")
	if err != nil {
		return 0, nil, err
	}
	m, err := s.app.Municipality(c.Request.Context(), s.caller(c), mid)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, m, nil
}

func (s *Server) apiOrgUnits(c *gin.Context) (int, any, error) {
	mid, err := idParam(c, "mid")
	if err != nil {
		return 0, nil, err
	}
	us, err := s.app.OrgUnits(c.Request.Context(), s.caller(c), mid)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, us, nil
}

func (s *Server) apiSaveOrgUnit(c *gin.Context) (int, any, error) {
	mid, err := idParam(c, "mid")
	if err != nil {
		return 0, nil, err
	}
	var uid int64
	if c.Param("uid") != "" {
		if uid, err = idParam(c, "uid"); err != nil {
			return 0, nil, err
		}
	}
	var in app.OrgUnitInput
	if err := decodeJSON(c, &in); err != nil {
		return 0, nil, err
	}
	u, err := s.app.SaveOrgUnit(c.Request.Context(), s.caller(c), mid, uid, in)
	if err != nil {
		return 0, nil, err
	}
	status := http.StatusOK
	if uid == 0 {
		status = http.StatusCreated
	}
	return status, u, nil
}

func (s *Server) apiDeleteOrgUnit(c *gin.Context) (int, any, error) {
	mid, err1 := idParam(c, "mid")
	uid, err2 := idParam(c, "uid")
	if err := errors.Join(err1, err2); err != nil {
		return 0, nil, domain.NotFound()
	}
	if err := s.app.DeleteOrgUnit(c.Request.Context(), s.caller(c), mid, uid); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

func (s *Server) apiMembers(c *gin.Context) (int, any, error) {
	mid, err := idParam(c, "mid")
	if err != nil {
		return 0, nil, err
	}
	us, err := s.app.Members(c.Request.Context(), s.caller(c), mid)
	if err != nil {
		return 0, nil, err
	}
	out := make([]gin.H, 0, len(us))
	for _, u := range us {
		out = append(out, gin.H{"id": u.ID, "username": u.Username, "name": u.Name})
	}
	return http.StatusOK, out, nil
}

func (s *Server) apiUsers(c *gin.Context) (int, any, error) {
	us, err := s.app.Users(c.Request.Context(), s.caller(c))
	if err != nil {
		return 0, nil, err
	}
	out := make([]gin.H, 0, len(us))
	for _, u := range us {
		out = append(out, userJSON(u))
	}
	return http.StatusOK, out, nil
}

func (s *Server) apiCreateUser(c *gin.Context) (int, any, error) {
	var in app.UserInput
	if err := decodeJSON(c, &in); err != nil {
		return 0, nil, err
	}
	u, err := s.app.CreateUser(c.Request.Context(), s.caller(c), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, userJSON(u), nil
}

func (s *Server) apiUser(c *gin.Context) (int, any, error) {
	uid, err := idParam(c, "uid")
	if err != nil {
		return 0, nil, err
	}
	u, roles, err := s.app.UserDetail(c.Request.Context(), s.caller(c), uid)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"user": userJSON(u), "roles": roles}, nil
}

func (s *Server) apiUpdateUser(c *gin.Context) (int, any, error) {
	uid, err := idParam(c, "uid")
	if err != nil {
		return 0, nil, err
	}
	var in app.UserUpdate // partial: only the fields sent change
	if err := decodeJSON(c, &in); err != nil {
		return 0, nil, err
	}
	u, err := s.app.UpdateUser(c.Request.Context(), s.caller(c), uid, in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, userJSON(u), nil
}

func (s *Server) apiGrantRole(c *gin.Context) (int, any, error) {
	uid, err := idParam(c, "uid")
	if err != nil {
		return 0, nil, err
	}
	var in app.RoleInput
	if err := decodeJSON(c, &in); err != nil {
		return 0, nil, err
	}
	if err := s.app.GrantRole(c.Request.Context(), s.caller(c), uid, in); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

func (s *Server) apiRevokeRole(c *gin.Context) (int, any, error) {
	uid, err := idParam(c, "uid")
	if err != nil {
		return 0, nil, err
	}
	mid, err := strconv.ParseInt(c.Query("municipality_id"), 10, 64)
	if err != nil {
		return 0, nil, &domain.Error{Code: domain.EInvalid, Message: "err.invalid", Fields: map[string]string{"municipality_id": "err.type"}}
	}
	if err := s.app.RevokeRole(c.Request.Context(), s.caller(c), uid, mid, c.Query("role")); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}
