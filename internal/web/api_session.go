package web

// The API of the session: logging in and out, who one is.

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/domain"
)

func (s *Server) apiLogin(c *gin.Context) (int, any, error) {
	var in struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return 0, nil, err
	}
	res, err := s.app.Login(c.Request.Context(), c.ClientIP(), in.Username, in.Password)
	if err != nil {
		return 0, nil, err
	}
	s.startSession(c, res)
	return http.StatusOK, gin.H{"csrf_token": res.CSRFToken, "user": userJSON(res.User)}, nil
}

// startSession sets the session cookie of a new login (replacing any earlier one).
// The session the request came with, if any, ends: a login always yields a new session id.
func (s *Server) startSession(c *gin.Context, res app.LoginResult) {
	if old, err := c.Cookie(sessionCookie); err == nil && old != "" {
		_ = s.app.EndSession(c.Request.Context(), old)
	}
	s.setCookie(c, sessionCookie, res.Token, int(time.Until(res.Expires).Seconds()), http.SameSiteLaxMode)
}

func (s *Server) apiLogout(c *gin.Context) (int, any, error) {
	if err := s.app.Logout(c.Request.Context(), s.caller(c), c.GetString(keySession)); err != nil {
		return 0, nil, err
	}
	s.setCookie(c, sessionCookie, "", -1, http.SameSiteLaxMode)
	return http.StatusNoContent, nil, nil
}

func userJSON(u domain.User) gin.H {
	return gin.H{"id": u.ID, "username": u.Username, "name": u.Name, "email": u.Email, "is_admin": u.IsAdmin}
}

func (s *Server) apiMe(c *gin.Context) (int, any, error) {
	p := principal(c)
	roles := make([]domain.RoleAssignment, 0, len(p.Assignments))
	roles = append(roles, p.Assignments...)
	return http.StatusOK, gin.H{"user": userJSON(p.User), "roles": roles}, nil
}
