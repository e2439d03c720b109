package web

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// decodeJSON reads a JSON request body into v. It answers EInvalid naming the field for type
// errors, ETooLarge for bodies over the limit, and refuses other content types.
func decodeJSON(c *gin.Context, v any) error {
	if mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type")); mt != "application/json" {
		return &domain.Error{Code: domain.EInvalid, Message: "err.content_type"}
	}
	return decodeJSONBody(c.Request.Body, v)
}

// decodeJSONBody is the JSON decoder every API body goes through (fuzzed in tests).
func decodeJSONBody(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		var te *json.UnmarshalTypeError
		var pe *time.ParseError
		switch {
		case errors.As(err, &mbe):
			return &domain.Error{Code: domain.ETooLarge, Message: "err.too_large", Err: err}
		case errors.As(err, &te) && te.Field != "":
			return &domain.Error{Code: domain.EInvalid, Message: "err.invalid", Fields: map[string]string{te.Field: "err.type"}, Err: err}
		case errors.As(err, &pe):
			return &domain.Error{Code: domain.EInvalid, Message: "err.invalid", Err: err}
		case errors.Is(err, io.EOF):
			return &domain.Error{Code: domain.EInvalid, Message: "err.empty_body", Err: err}
		}
		return &domain.Error{Code: domain.EInvalid, Message: "err.json", Err: err}
	}
	if dec.More() {
		return &domain.Error{Code: domain.EInvalid, Message: "err.json"}
	}
	return nil
}

// apiHandler is an API handler: it returns the status and body, or an error for fail.
type apiHandler func(c *gin.Context) (int, any, error)

// api adapts an apiHandler to gin: errors go through fail, a nil body is an empty response.
func (s *Server) api(h apiHandler) gin.HandlerFunc {
	return func(c *gin.Context) {
		status, v, err := h(c)
		switch {
		case err != nil:
			s.fail(c, err)
		case v == nil:
			c.Status(status)
		default:
			c.JSON(status, v)
		}
	}
}

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

// documentFilter reads the document list's query parameters.
func documentFilter(c *gin.Context) (store.DocumentFilter, error) {
	p := domain.Problems{}
	f := store.DocumentFilter{Query: strings.TrimSpace(c.Query("q"))}
	if v := c.Query("type"); v != "" {
		f.Type = domain.DocType(v)
		if !oneOf(f.Type, domain.DocTypes) {
			p.Add("type", "err.enum")
		}
	}
	if v := c.Query("status"); v != "" {
		f.Status = domain.DocStatus(v)
		if !oneOf(f.Status, domain.DocStatuses) {
			p.Add("status", "err.enum")
		}
	}
	if v := c.Query("org_unit_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			p.Add("org_unit_id", "err.type")
		}
		f.OrgUnitID = n
	}
	if len(f.Query) > 200 {
		p.Add("q", "err.too_long")
	}
	return f, p.Err()
}

func oneOf[T comparable](v T, all []T) bool {
	for _, a := range all {
		if a == v {
			return true
		}
	}
	return false
}

func (s *Server) apiDocuments(c *gin.Context) (int, any, error) {
	mid, err := idParam(c, "mid")
	if err != nil {
		return 0, nil, err
	}
	f, err := documentFilter(c)
	if err != nil {
		return 0, nil, err
	}
	ds, err := s.app.Documents(c.Request.Context(), s.caller(c), mid, f)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, ds, nil
}

func (s *Server) apiCreateDocument(c *gin.Context) (int, any, error) {
	mid, err := idParam(c, "mid")
	if err != nil {
		return 0, nil, err
	}
	var in domain.DocumentInput
	if err := decodeJSON(c, &in); err != nil {
		return 0, nil, err
	}
	d, err := s.app.CreateDocument(c.Request.Context(), s.caller(c), mid, newDocumentInput(in))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, d, nil
}

// newDocumentInput treats an empty next_review_at on create as not given, so the date is
// computed from the interval as on the form (a new document always gets a review date).
func newDocumentInput(in domain.DocumentInput) domain.DocumentInput {
	if in.NextReviewAt != nil && strings.TrimSpace(*in.NextReviewAt) == "" {
		in.NextReviewAt = nil
	}
	return in
}

// recordIDs parses :mid and :id.
func recordIDs(c *gin.Context) (int64, int64, error) {
	mid, err1 := idParam(c, "mid")
	id, err2 := idParam(c, "id")
	if err1 != nil || err2 != nil {
		return 0, 0, domain.NotFound()
	}
	return mid, id, nil
}

func (s *Server) apiDocument(c *gin.Context) (int, any, error) {
	mid, id, err := recordIDs(c)
	if err != nil {
		return 0, nil, err
	}
	d, err := s.app.Document(c.Request.Context(), s.caller(c), mid, id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, d, nil
}

func (s *Server) apiUpdateDocument(c *gin.Context) (int, any, error) {
	mid, id, err := recordIDs(c)
	if err != nil {
		return 0, nil, err
	}
	var in domain.DocumentInput
	if err := decodeJSON(c, &in); err != nil {
		return 0, nil, err
	}
	d, err := s.app.UpdateDocument(c.Request.Context(), s.caller(c), mid, id, in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, d, nil
}

func (s *Server) apiDeleteDocument(c *gin.Context) (int, any, error) {
	mid, id, err := recordIDs(c)
	if err != nil {
		return 0, nil, err
	}
	if err := s.app.DeleteDocument(c.Request.Context(), s.caller(c), mid, id); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

func (s *Server) apiDocumentVersions(c *gin.Context) (int, any, error) {
	mid, id, err := recordIDs(c)
	if err != nil {
		return 0, nil, err
	}
	vs, err := s.app.DocumentVersions(c.Request.Context(), s.caller(c), mid, id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, vs, nil
}

func (s *Server) apiReview(kind domain.Kind) apiHandler {
	return func(c *gin.Context) (int, any, error) {
		mid, id, err := s.recordRef(c, kind)
		if err != nil {
			return 0, nil, err
		}
		var in app.ReviewInput
		if c.Request.ContentLength != 0 {
			if err := decodeJSON(c, &in); err != nil {
				return 0, nil, err
			}
		}
		r, err := s.app.MarkReviewed(c.Request.Context(), s.caller(c), mid, kind, id, in)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, r, nil
	}
}

func (s *Server) apiReviews(kind domain.Kind) apiHandler {
	return func(c *gin.Context) (int, any, error) {
		mid, id, err := s.recordRef(c, kind)
		if err != nil {
			return 0, nil, err
		}
		rs, err := s.app.Reviews(c.Request.Context(), s.caller(c), mid, kind, id)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, rs, nil
	}
}

func (s *Server) apiComments(kind domain.Kind) apiHandler {
	return func(c *gin.Context) (int, any, error) {
		mid, id, err := s.recordRef(c, kind)
		if err != nil {
			return 0, nil, err
		}
		cs, err := s.app.Comments(c.Request.Context(), s.caller(c), mid, kind, id)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, cs, nil
	}
}

func (s *Server) apiAddComment(kind domain.Kind) apiHandler {
	return func(c *gin.Context) (int, any, error) {
		mid, id, err := s.recordRef(c, kind)
		if err != nil {
			return 0, nil, err
		}
		var in struct {
			Body string `json:"body"`
		}
		if err := decodeJSON(c, &in); err != nil {
			return 0, nil, err
		}
		cm, err := s.app.AddComment(c.Request.Context(), s.caller(c), mid, kind, id, in.Body)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusCreated, cm, nil
	}
}

func (s *Server) apiEvidenceList(kind domain.Kind) apiHandler {
	return func(c *gin.Context) (int, any, error) {
		mid, id, err := s.recordRef(c, kind)
		if err != nil {
			return 0, nil, err
		}
		es, err := s.app.EvidenceList(c.Request.Context(), s.caller(c), mid, kind, id)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, es, nil
	}
}

// readUpload reads the multipart field "file", refusing more than the evidence limit.
func readUpload(c *gin.Context) (string, []byte, error) {
	fh, err := c.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return "", nil, &domain.Error{Code: domain.ETooLarge, Message: "err.too_large", Fields: map[string]string{"file": "err.file_too_large"}}
		}
		return "", nil, &domain.Error{Code: domain.EInvalid, Message: "err.invalid", Fields: map[string]string{"file": "err.required"}}
	}
	if fh.Size > domain.MaxEvidenceBytes {
		return "", nil, &domain.Error{Code: domain.ETooLarge, Message: "err.too_large", Fields: map[string]string{"file": "err.file_too_large"}}
	}
	f, err := fh.Open()
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, domain.MaxEvidenceBytes+1))
	if err != nil {
		return "", nil, err
	}
	return fh.Filename, data, nil
}

func (s *Server) apiAddEvidence(kind domain.Kind) apiHandler {
	return func(c *gin.Context) (int, any, error) {
		mid, id, err := s.recordRef(c, kind)
		if err != nil {
			return 0, nil, err
		}
		name, data, err := readUpload(c)
		if err != nil {
			return 0, nil, err
		}
		e, err := s.app.AddEvidence(c.Request.Context(), s.caller(c), mid, kind, id, name, data)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusCreated, e, nil
	}
}

// evidenceDownload serves an evidence file as an attachment, never inline.
func (s *Server) evidenceDownload(kind domain.Kind) gin.HandlerFunc {
	return func(c *gin.Context) {
		mid, id, err := s.recordRef(c, kind)
		if err != nil {
			s.fail(c, err)
			return
		}
		eid, err := idParam(c, "eid")
		if err != nil {
			s.fail(c, err)
			return
		}
		e, err := s.app.EvidenceFile(c.Request.Context(), s.caller(c), mid, kind, id, eid)
		if err != nil {
			s.fail(c, err)
			return
		}
		c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": e.Filename}))
		c.Header("X-Content-Type-Options", "nosniff")
		c.Header("Content-Security-Policy", "sandbox")
		c.Data(http.StatusOK, e.ContentType, e.Data)
	}
}

func (s *Server) apiDeleteEvidence(kind domain.Kind) apiHandler {
	return func(c *gin.Context) (int, any, error) {
		mid, id, err := s.recordRef(c, kind)
		if err != nil {
			return 0, nil, err
		}
		eid, err := idParam(c, "eid")
		if err != nil {
			return 0, nil, err
		}
		if err := s.app.DeleteEvidence(c.Request.Context(), s.caller(c), mid, kind, id, eid); err != nil {
			return 0, nil, err
		}
		return http.StatusNoContent, nil, nil
	}
}

func (s *Server) apiHistory(kind domain.Kind) apiHandler {
	return func(c *gin.Context) (int, any, error) {
		mid, id, err := s.recordRef(c, kind)
		if err != nil {
			return 0, nil, err
		}
		es, err := s.app.History(c.Request.Context(), s.caller(c), mid, kind, id)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, es, nil
	}
}

// dueParams reads ?due= and ?mine=.
func dueParams(c *gin.Context) (domain.DueFilter, bool, error) {
	due, err := domain.ParseDueFilter(c.Query("due"))
	if err != nil {
		return "", false, err
	}
	mine := false
	switch c.Query("mine") {
	case "", "0", "false":
	case "1", "true":
		mine = true
	default:
		return "", false, &domain.Error{Code: domain.EInvalid, Message: "err.invalid", Fields: map[string]string{"mine": "err.enum"}}
	}
	return due, mine, nil
}

func (s *Server) apiDues(c *gin.Context) (int, any, error) {
	mid, err := idParam(c, "mid")
	if err != nil {
		return 0, nil, err
	}
	due, mine, err := dueParams(c)
	if err != nil {
		return 0, nil, err
	}
	if due == "" {
		due = domain.DueFilterAll
	}
	limit := 1000
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			return 0, nil, &domain.Error{Code: domain.EInvalid, Message: "err.invalid", Fields: map[string]string{"limit": "err.limit_dues"}}
		}
		limit = n
	}
	items, err := s.app.Dues(c.Request.Context(), s.caller(c), mid, due, mine, limit)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, items, nil
}

// auditFilter reads the audit trail's query parameters.
func auditFilter(c *gin.Context, mid int64) (store.AuditFilter, error) {
	p := domain.Problems{}
	f := store.AuditFilter{MunicipalityID: mid, Kind: c.Query("kind"), Action: c.Query("action"), Actor: c.Query("actor"), Limit: 100}
	for _, d := range []struct {
		name string
		dst  *string
	}{{"from", &f.From}, {"to", &f.To}} {
		if v := c.Query(d.name); v != "" {
			if _, err := domain.ParseDate(v); err != nil {
				p.Add(d.name, "err.date")
			}
			*d.dst = v
		}
	}
	if v := c.Query("record_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			p.Add("record_id", "err.type")
		}
		f.RecordID = n
	}
	if v := c.Query("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			p.Add("before", "err.type")
		}
		f.BeforeID = n
	}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			p.Add("limit", "err.limit")
		}
		f.Limit = n
	}
	for _, t := range []string{f.Kind, f.Action, f.Actor} {
		if len(t) > 100 {
			p.Add("q", "err.too_long")
		}
	}
	return f, p.Err()
}

func (s *Server) apiAudit(c *gin.Context) (int, any, error) {
	mid, err := idParam(c, "mid")
	if err != nil {
		return 0, nil, err
	}
	f, err := auditFilter(c, mid)
	if err != nil {
		return 0, nil, err
	}
	es, err := s.app.AuditLog(c.Request.Context(), s.caller(c), f)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, es, nil
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
	var in app.UserInput
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
