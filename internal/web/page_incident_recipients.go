package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/authz"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// Who receives each kind of report, and how (issue 10): configuration, not code — the
// national CSIRT function has moved between agencies and may move again. The coordinator
// sets it on a page and through the API; the report packs and the report form use it.

func (s *Server) recipientRoutes(api, pages *gin.RouterGroup) {
	api.GET("/municipalities/:mid/incident-recipients", s.api(func(c *gin.Context) (int, any, error) {
		mid, err := idParam(c, "mid")
		if err != nil {
			return 0, nil, err
		}
		list, err := s.recipientList(c, mid)
		return http.StatusOK, list, err
	}))
	api.PUT("/municipalities/:mid/incident-recipients", s.api(func(c *gin.Context) (int, any, error) {
		mid, err := idParam(c, "mid")
		if err != nil {
			return 0, nil, err
		}
		var in []store.Recipient
		if err := decodeJSON(c, &in); err != nil {
			return 0, nil, err
		}
		if len(in) > len(domain.ReportKinds) {
			return 0, nil, &domain.Error{Code: domain.EInvalid, Message: "err.invalid", Fields: map[string]string{"kind": "err.enum"}}
		}
		if err := s.app.SetRecipients(c.Request.Context(), s.caller(c), mid, in); err != nil {
			return 0, nil, err
		}
		list, err := s.recipientList(c, mid)
		return http.StatusOK, list, err
	}))
	pages.GET("/m/:mid/incidents/recipients", func(c *gin.Context) {
		mid, err := idParam(c, "mid")
		if err != nil {
			s.fail(c, err)
			return
		}
		s.renderRecipients(c, http.StatusOK, mid, nil)
	})
	pages.POST("/m/:mid/incidents/recipients", s.recipientsPost)
}

// recipientList is mun's recipients in the order of the report kinds.
func (s *Server) recipientList(c *gin.Context, mid int64) ([]store.Recipient, error) {
	rs, err := s.app.Recipients(c.Request.Context(), s.caller(c), mid)
	if err != nil {
		return nil, err
	}
	out := make([]store.Recipient, 0, len(domain.ReportKinds))
	for _, k := range domain.ReportKinds {
		r := rs[k]
		r.Kind = string(k)
		out = append(out, r)
	}
	return out, nil
}

type recipientsPage struct {
	Base
	Kinds []domain.ClockKind
	Form  formState
}

// renderRecipients shows the form, filled from the stored recipients or, after a failed
// post, with what was sent (f).
func (s *Server) renderRecipients(c *gin.Context, status int, mid int64, f *formState) {
	if !s.recipientsConfigurer(c, mid) {
		return
	}
	pg := recipientsPage{Kinds: domain.ReportKinds}
	if f != nil {
		pg.Form = *f
	} else {
		list, err := s.recipientList(c, mid)
		if err != nil {
			s.fail(c, err)
			return
		}
		pg.Form = newForm()
		for _, r := range list {
			pg.Form.Values["recipient_"+r.Kind], pg.Form.Values["channel_"+r.Kind] = r.Recipient, r.Channel
		}
	}
	pg.Base = s.base(c, s.i18n.T(lang(c), "recipients.title"))
	s.render(c, status, "incident_recipients", pg)
}

func (s *Server) recipientsPost(c *gin.Context) {
	mid, err := idParam(c, "mid")
	if err != nil {
		s.fail(c, err)
		return
	}
	if !s.recipientsConfigurer(c, mid) {
		return
	}
	if err := c.Request.ParseForm(); err != nil {
		s.fail(c, err)
		return
	}
	var in []store.Recipient
	var fields []string
	for _, k := range domain.ReportKinds {
		in = append(in, store.Recipient{Kind: string(k), Recipient: c.PostForm("recipient_" + string(k)), Channel: c.PostForm("channel_" + string(k))})
		fields = append(fields, "recipient_"+string(k), "channel_"+string(k))
	}
	if err := s.app.SetRecipients(c.Request.Context(), s.caller(c), mid, in); err != nil {
		if f, status, ok := s.formFail(c, err, fields); ok {
			s.renderRecipients(c, status, mid, &f)
		}
		return
	}
	s.redirect(c, "/m/"+itoa(mid)+"/incidents/recipients", "flash.recipients_saved")
}

// recipientsConfigurer answers (and reports false) unless the caller may set mid's
// recipients: another municipality is not found, anyone but the coordinator forbidden.
func (s *Server) recipientsConfigurer(c *gin.Context, mid int64) bool {
	cl := s.caller(c)
	_, err := s.app.Municipality(c.Request.Context(), cl, mid)
	if err == nil && !s.app.Can(cl, mid, authz.ObjIncident, authz.Configure, nil) {
		err = domain.Forbidden()
	}
	if err != nil {
		s.fail(c, err)
		return false
	}
	return true
}
