package web

// The API of the information assets' own routes (the shared record routes are in api_records.go).

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/app"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// assetFilter reads the asset register's query parameters; every bad one is named.
func assetFilter(c *gin.Context) (store.AssetFilter, error) {
	p := domain.Problems{}
	f := store.AssetFilter{Query: strings.TrimSpace(c.Query("q"))}
	if v := c.Query("kind"); v != "" {
		f.Kind = domain.AssetKind(v)
		if !oneOf(f.Kind, domain.AssetKinds) {
			p.Add("kind", "err.asset_kind")
		}
	}
	if v := c.Query("status"); v != "" {
		f.Status = v
		if !oneOf(v, domain.AssetStatuses) {
			p.Add("status", "err.enum")
		}
	}
	if v := c.Query("activity_area"); v != "" {
		f.Area = domain.ActivityArea(v)
		if !oneOf(f.Area, domain.ActivityAreas) {
			p.Add("activity_area", "err.enum")
		}
	}
	if v := c.Query("aspect"); v != "" {
		f.Aspect = domain.Aspect(v)
		if !oneOf(f.Aspect, domain.Aspects) {
			p.Add("aspect", "err.enum")
		}
	}
	if v := c.Query("min_level"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > domain.MaxLevel {
			p.Add("min_level", "err.level")
		}
		f.MinLevel = &n
	}
	if f.Aspect != "" && f.MinLevel == nil {
		p.Add("min_level", "err.required") // an aspect alone filters nothing
	}
	f.OrgUnitID = queryID(c, "org_unit_id", p)
	f.OwnerID = queryID(c, "owner_id", p)
	f.Unclassified = c.Query("unclassified") == "1"
	f.Reclassify = c.Query("reclassify") == "1"
	f.PersonalData = c.Query("personal_data") == "1"
	if len(f.Query) > 200 {
		p.Add("q", "err.too_long")
	}
	f.Limit, f.After = pageQuery(c, "assets", p)
	return f, p.Err()
}

// assetPage reads one page of the register and the URL of the next ("" on the last).
func (s *Server) assetPage(c *gin.Context, mid int64, f store.AssetFilter) ([]domain.Asset, string, error) {
	return fetchPage(c, "assets", f.Limit, func(n int) ([]domain.Asset, error) {
		f.Limit = n
		return s.app.Assets(c.Request.Context(), s.caller(c), mid, f)
	}, domain.Asset.TitleCursor)
}

func (s *Server) apiDeleteAsset(c *gin.Context) (int, any, error) {
	mid, id, err := recordIDs(c)
	if err != nil {
		return 0, nil, err
	}
	if err := s.app.DeleteAsset(c.Request.Context(), s.caller(c), mid, id); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

func (s *Server) apiAssetModel(c *gin.Context) (int, any, error) {
	mid, err := idParam(c, "mid")
	if err != nil {
		return 0, nil, err
	}
	m, err := s.app.GetAssetModel(c.Request.Context(), s.caller(c), mid)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, m, nil
}

func (s *Server) apiSaveAssetModel(c *gin.Context) (int, any, error) {
	mid, err := idParam(c, "mid")
	if err != nil {
		return 0, nil, err
	}
	var in app.AssetModelInput
	if err := decodeJSON(c, &in); err != nil {
		return 0, nil, err
	}
	m, err := s.app.SaveAssetModel(c.Request.Context(), s.caller(c), mid, in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, m, nil
}
