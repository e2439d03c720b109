package web

import (
	"io/fs"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/ui"
)

// routes registers every route. Every registered record kind gets the shared record routes
// (review, comments, evidence, history) from kindRoutes; a kind's own list and form routes
// are registered here.
func (s *Server) routes() {
	e := s.engine
	e.Use(s.logRequests, s.recoverPanics, s.saneURL)
	e.NoRoute(func(c *gin.Context) { s.fail(c, domain.NotFound()) })
	e.NoMethod(func(c *gin.Context) {
		c.AbortWithStatusJSON(http.StatusMethodNotAllowed, apiError{Error: apiErrorBody{Code: "method_not_allowed", Message: "method not allowed"}})
	})

	e.GET("/healthz", func(c *gin.Context) { c.String(http.StatusOK, "ok") })
	// The personal calendar feed: no session, no CSRF — the secret token in the path is the
	// credential, since calendar programs send no cookies.
	e.GET("/calendar/:file", s.calendarFeed)
	static, _ := fs.Sub(ui.FS, "static")
	e.StaticFS("/static", http.FS(filesOnly{static}))

	// The JSON API.
	api := e.Group("/api/v1", limitBody, s.authenticate, s.checkCSRF)
	api.GET("/openapi.json", s.api(s.apiOpenAPI))
	api.POST("/login", s.api(s.apiLogin))
	authed := api.Group("", s.requireUser)
	authed.POST("/logout", s.api(s.apiLogout))
	authed.GET("/me", s.api(s.apiMe))
	authed.POST("/me/calendar-token", s.api(s.apiCreateCalendarToken))
	authed.DELETE("/me/calendar-token", s.api(s.apiRevokeCalendarToken))
	authed.GET("/me/tokens", s.api(s.apiMyTokens))
	authed.POST("/me/tokens", s.api(s.apiCreateMyToken))
	authed.DELETE("/me/tokens/:tid", s.api(s.apiRevokeMyToken))
	authed.POST("/me/password", s.api(s.apiChangePassword))
	authed.GET("/me/notifications", s.api(s.apiNotifications))
	authed.POST("/me/notifications/:nid/read", s.api(s.apiReadNotification))
	authed.GET("/admin/outbox", s.api(s.apiOutbox))
	authed.GET("/municipalities", s.api(s.apiMunicipalities))
	authed.POST("/municipalities", s.api(s.apiCreateMunicipality))
	authed.GET("/municipalities/:mid", s.api(s.apiMunicipality))
	authed.GET("/municipalities/:mid/org-units", s.api(s.apiOrgUnits))
	authed.POST("/municipalities/:mid/org-units", s.api(s.apiSaveOrgUnit))
	authed.PUT("/municipalities/:mid/org-units/:uid", s.api(s.apiSaveOrgUnit))
	authed.DELETE("/municipalities/:mid/org-units/:uid", s.api(s.apiDeleteOrgUnit))
	authed.GET("/municipalities/:mid/members", s.api(s.apiMembers))
	authed.GET("/municipalities/:mid/reviews", s.api(s.apiDues))
	authed.GET("/municipalities/:mid/audit", s.api(s.apiAudit))
	authed.GET("/municipalities/:mid/audit.csv", s.auditCSV)
	authed.GET("/users", s.api(s.apiUsers))
	authed.POST("/users", s.api(s.apiCreateUser))
	authed.GET("/users/:uid", s.api(s.apiUser))
	authed.PUT("/users/:uid", s.api(s.apiUpdateUser))
	authed.POST("/users/:uid/roles", s.api(s.apiGrantRole))
	authed.DELETE("/users/:uid/roles", s.api(s.apiRevokeRole))
	authed.GET("/users/:uid/tokens", s.api(s.apiUserTokens))
	authed.DELETE("/users/:uid/tokens/:tid", s.api(s.apiRevokeUserToken))

	// The web pages.
	pages := e.Group("", limitBody, s.authenticate, s.checkCSRF)
	pages.GET("/login", s.loginPage)
	pages.POST("/login", s.loginSubmit)
	pages.POST("/lang", s.setLanguage)
	user := pages.Group("", s.requireUser)
	user.POST("/logout", s.logout)
	user.GET("/", s.home)
	user.GET("/m/:mid", s.dashboard)
	user.GET("/m/:mid/menu", s.menuPage)
	user.GET("/m/:mid/notifications", s.notificationsPage)
	user.GET("/m/:mid/records/:id", s.recordRedirect)
	user.GET("/m/:mid/calendar", s.calendarPage)
	user.GET("/profile", s.profile)
	user.POST("/profile/password", s.profilePassword)
	user.POST("/profile/tokens", s.profileCreateToken)
	user.POST("/profile/tokens/:tid/delete", s.profileRevokeToken)
	user.POST("/calendar-token", s.calendarTokenCreate)
	user.POST("/calendar-token/delete", s.calendarTokenRevoke)
	user.POST("/notifications/:nid/read", s.notificationRead)
	user.GET("/m/:mid/reviews", s.reviewList)
	user.GET("/m/:mid/audit", s.auditList)
	user.GET("/m/:mid/audit.csv", s.auditCSV)
	user.GET("/admin", s.adminHome)
	user.POST("/admin/municipalities", s.adminCreateMunicipality)
	user.GET("/admin/municipalities/:mid", s.adminMunicipality)
	user.POST("/admin/municipalities/:mid/org-units", s.adminSaveOrgUnit)
	user.POST("/admin/municipalities/:mid/org-units/:uid", s.adminSaveOrgUnit)
	user.POST("/admin/municipalities/:mid/org-units/:uid/delete", s.adminDeleteOrgUnit)
	user.GET("/admin/users", s.adminUsers)
	user.POST("/admin/users", s.adminCreateUser)
	user.GET("/admin/users/:uid", s.adminUser)
	user.POST("/admin/users/:uid", s.adminUpdateUser)
	user.POST("/admin/users/:uid/roles", s.adminGrantRole)
	user.POST("/admin/users/:uid/roles/delete", s.adminRevokeRole)
	user.POST("/admin/users/:uid/tokens/:tid/delete", s.adminRevokeToken)

	// Every registered kind's own routes and the shared record routes.
	s.kindRoutes(authed, user)
}

// apiRecordRoutes adds the tracked-record core's API routes under a record of kind.
func (s *Server) apiRecordRoutes(g *gin.RouterGroup, kind domain.Kind) {
	g.POST("/review", s.api(s.apiReview(kind)))
	g.GET("/reviews", s.api(s.apiReviews(kind)))
	g.GET("/comments", s.api(s.apiComments(kind)))
	g.POST("/comments", s.api(s.apiAddComment(kind)))
	g.GET("/evidence", s.api(s.apiEvidenceList(kind)))
	g.POST("/evidence", s.api(s.apiAddEvidence(kind)))
	g.GET("/evidence/:eid", s.evidenceDownload(kind))
	g.DELETE("/evidence/:eid", s.api(s.apiDeleteEvidence(kind)))
	g.GET("/history", s.api(s.apiHistory(kind)))
}

// pageRecordRoutes adds the tracked-record core's form routes under a record page of kind.
func (s *Server) pageRecordRoutes(g *gin.RouterGroup, kind domain.Kind) {
	g.POST("/review", s.pageReview(kind))
	g.POST("/comments", s.pageComment(kind))
	g.POST("/evidence", s.pageAddEvidence(kind))
	g.GET("/evidence/:eid", s.evidenceDownload(kind))
	g.GET("/evidence/:eid/delete", s.evidenceDeleteConfirm(kind))
	g.POST("/evidence/:eid/delete", s.pageDeleteEvidence(kind))
}
