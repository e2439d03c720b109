package web

// One's own account: changing one's password and one's API tokens (page and API).

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/domain"
)

type profilePage struct {
	Base
	Tokens       []domain.APIToken
	NewToken     *app.NewToken // just made: its secret, shown this once
	PasswordForm formState
	TokenForm    formState
	Summary      formState
}

var (
	passwordFields = []string{"current_password", "new_password"}
	tokenFields    = []string{"name", "expires_in_days"}
)

func (s *Server) profile(c *gin.Context) { s.renderProfile(c, http.StatusOK, "", newForm(), nil) }

func (s *Server) renderProfile(c *gin.Context, status int, formName string, f formState, made *app.NewToken) {
	cl := s.caller(c)
	tokens, err := s.app.MyTokens(c.Request.Context(), cl)
	if err != nil {
		s.fail(c, err)
		return
	}
	pg := profilePage{Tokens: tokens, NewToken: made, PasswordForm: newForm(), TokenForm: newForm(), Summary: newForm()}
	pg.TokenForm.Values["expires_in_days"] = "365"
	switch formName {
	case "password":
		pg.PasswordForm, pg.Summary = f, f
	case "token":
		pg.TokenForm, pg.Summary = f, f
	}
	pg.Base = s.base(c, s.i18n.T(lang(c), "profile.title"))
	s.render(c, status, "profile", pg)
}

func (s *Server) profilePassword(c *gin.Context) {
	err := s.app.ChangePassword(c.Request.Context(), s.caller(c), c.GetString(keySession), c.PostForm("current_password"), c.PostForm("new_password"))
	if err != nil {
		f, status, ok := s.formFail(c, err, passwordFields)
		if !ok {
			return
		}
		delete(f.Values, "current_password") // passwords are never sent back
		delete(f.Values, "new_password")
		s.renderProfile(c, status, "password", f, nil)
		return
	}
	s.redirect(c, "/profile", "flash.password_changed")
}

func (s *Server) profileCreateToken(c *gin.Context) {
	in := app.TokenInput{Name: c.PostForm("name")}
	p := domain.Problems{}
	in.ExpiresInDays = formWhole(c.Request.PostForm, "expires_in_days", "err.token_days", p)
	var t app.NewToken
	err := p.Err()
	if err == nil {
		t, err = s.app.CreateMyToken(c.Request.Context(), s.caller(c), in)
	}
	if err != nil {
		f, status, ok := s.formFail(c, err, tokenFields)
		if ok {
			s.renderProfile(c, status, "token", f, nil)
		}
		return
	}
	// The secret is shown on this answer only (never in a redirect's URL or a flash).
	s.renderProfile(c, http.StatusCreated, "", newForm(), &t)
}

func (s *Server) profileRevokeToken(c *gin.Context) {
	id, err := idParam(c, "tid")
	if err == nil {
		err = s.app.RevokeMyToken(c.Request.Context(), s.caller(c), id)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.redirect(c, "/profile#tokens", "flash.token_revoked")
}

// The API of one's tokens and password.

func (s *Server) apiMyTokens(c *gin.Context) (int, any, error) {
	ts, err := s.app.MyTokens(c.Request.Context(), s.caller(c))
	return http.StatusOK, ts, err
}

// sessionOnly refuses a call made with an API token: a leaked token must not make tokens
// that outlive it, nor change the password.
func sessionOnly(c *gin.Context) error {
	if c.GetString(keySession) == "" {
		return domain.Forbidden()
	}
	return nil
}

func (s *Server) apiCreateMyToken(c *gin.Context) (int, any, error) {
	if err := sessionOnly(c); err != nil {
		return 0, nil, err
	}
	var in app.TokenInput
	if err := decodeJSON(c, &in); err != nil {
		return 0, nil, err
	}
	t, err := s.app.CreateMyToken(c.Request.Context(), s.caller(c), in)
	return http.StatusCreated, t, err
}

func (s *Server) apiRevokeMyToken(c *gin.Context) (int, any, error) {
	id, err := idParam(c, "tid")
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, s.app.RevokeMyToken(c.Request.Context(), s.caller(c), id)
}

func (s *Server) apiChangePassword(c *gin.Context) (int, any, error) {
	if err := sessionOnly(c); err != nil {
		return 0, nil, err
	}
	var in struct {
		Current string `json:"current_password"`
		New     string `json:"new_password"`
	}
	if err := decodeJSON(c, &in); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, s.app.ChangePassword(c.Request.Context(), s.caller(c), c.GetString(keySession), in.Current, in.New)
}

// The administrator's view of an account's tokens.

func (s *Server) apiUserTokens(c *gin.Context) (int, any, error) {
	uid, err := idParam(c, "uid")
	if err != nil {
		return 0, nil, err
	}
	ts, err := s.app.UserTokens(c.Request.Context(), s.caller(c), uid)
	return http.StatusOK, ts, err
}

func (s *Server) apiRevokeUserToken(c *gin.Context) (int, any, error) {
	uid, err := idParam(c, "uid")
	if err != nil {
		return 0, nil, err
	}
	id, err := idParam(c, "tid")
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, s.app.RevokeUserToken(c.Request.Context(), s.caller(c), uid, id)
}

func (s *Server) adminRevokeToken(c *gin.Context) {
	if !s.adminOnly(c) {
		return
	}
	uid, err := idParam(c, "uid")
	if err != nil {
		s.fail(c, err)
		return
	}
	id, err := idParam(c, "tid")
	if err == nil {
		err = s.app.RevokeUserToken(c.Request.Context(), s.caller(c), uid, id)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	s.redirect(c, adminUserURL(uid)+"#tokens", "flash.token_revoked")
}
