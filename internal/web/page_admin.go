package web

import "github.com/gin-gonic/gin"

// Administration pages: TODO(helper) — placeholders so the router compiles.

func (s *Server) adminHome(c *gin.Context)              {}
func (s *Server) adminCreateMunicipality(c *gin.Context) {}
func (s *Server) adminMunicipality(c *gin.Context)       {}
func (s *Server) adminSaveOrgUnit(c *gin.Context)        {}
func (s *Server) adminDeleteOrgUnit(c *gin.Context)      {}
func (s *Server) adminUsers(c *gin.Context)              {}
func (s *Server) adminCreateUser(c *gin.Context)         {}
func (s *Server) adminUser(c *gin.Context)               {}
func (s *Server) adminUpdateUser(c *gin.Context)         {}
func (s *Server) adminGrantRole(c *gin.Context)          {}
func (s *Server) adminRevokeRole(c *gin.Context)         {}
