package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/lisa-isms/lisa/internal/authz"
	"github.com/lisa-isms/lisa/internal/domain"
	"github.com/lisa-isms/lisa/internal/store"
)

// The supplier register's API and pages (issue 10).

func init() {
	registerKindWeb(domain.KindSupplier, kindWeb{page: (*Server).renderSupplier, routes: (*Server).supplierRoutes})
}

func (s *Server) supplierRoutes(api, pages *gin.RouterGroup) {
	api.GET("/municipalities/:mid/suppliers", apiList(s, supplierFilter, (*Server).supplierPage))
	api.POST("/municipalities/:mid/suppliers", apiCreate(s, s.app.CreateSupplier))
	api.GET("/municipalities/:mid/suppliers/:id", apiRead(s, http.StatusOK, s.app.Supplier))
	api.PUT("/municipalities/:mid/suppliers/:id", apiWrite(s, http.StatusOK, s.app.UpdateSupplier))
	pages.GET("/m/:mid/suppliers", s.supplierList)
	pages.GET("/m/:mid/suppliers/new", supplierForm.newHandler(s))
	pages.POST("/m/:mid/suppliers", supplierForm.createHandler(s))
	pages.GET("/m/:mid/suppliers/:id", func(c *gin.Context) {
		mid, id, err := recordIDs(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		s.renderSupplier(c, http.StatusOK, mid, id, "", newForm())
	})
	pages.GET("/m/:mid/suppliers/:id/edit", supplierForm.editHandler(s))
	pages.POST("/m/:mid/suppliers/:id", supplierForm.updateHandler(s))
}

var supplierFields = []string{"name", "org_number", "contact", "description", "org_unit_id", "owner_id", "status", "review_interval_months", "next_review_at"}

// supplierForm is the supplier's create and edit form.
var supplierForm = kindForm[domain.SupplierInput]{
	kind: domain.KindSupplier, fields: supplierFields, parse: parseSupplierForm,
	load: func(s *Server, c *gin.Context, mid, id int64) (domain.Record, formState, error) {
		sup, err := s.app.Supplier(c.Request.Context(), s.caller(c), mid, id)
		f := newForm()
		v := f.Values
		v["name"], v["org_number"], v["contact"], v["description"], v["status"] = sup.Title, sup.OrgNumber, sup.Contact, sup.Description, sup.Status
		v["org_unit_id"], v["review_interval_months"] = itoa(sup.OrgUnitID), strconv.Itoa(sup.ReviewIntervalMonths)
		if sup.OwnerID != nil {
			v["owner_id"] = itoa(*sup.OwnerID)
		}
		if sup.NextReviewAt != nil {
			v["next_review_at"] = sup.NextReviewAt.String()
		}
		return sup.Record, f, err
	},
	create: func(s *Server, c *gin.Context, mid int64, in domain.SupplierInput) (int64, error) {
		sup, err := s.app.CreateSupplier(c.Request.Context(), s.caller(c), mid, in)
		return sup.ID, err
	},
	update: func(s *Server, c *gin.Context, mid, id int64, in domain.SupplierInput) error {
		_, err := s.app.UpdateSupplier(c.Request.Context(), s.caller(c), mid, id, in)
		return err
	},
	render: (*Server).renderSupplierForm, created: "flash.supplier_created", saved: "flash.supplier_saved",
}

// parseSupplierForm reads a posted supplier form. Fuzzed in tests.
func parseSupplierForm(v url.Values, isNew bool) (domain.SupplierInput, domain.Problems) {
	p := domain.Problems{}
	var in domain.SupplierInput
	in.Name, in.OrgNumber, in.Contact = formString(v, "name"), formString(v, "org_number"), formString(v, "contact")
	in.Description, in.Status, in.NextReviewAt = formString(v, "description"), formString(v, "status"), formString(v, "next_review_at")
	in.OrgUnitID = formID(v, "org_unit_id", p)
	if in.OrgUnitID != nil && *in.OrgUnitID == 0 && isNew {
		in.OrgUnitID = nil // the municipality's top unit
	}
	if _, ok := v["owner_id"]; ok {
		in.OwnerID = formID(v, "owner_id", p)
	}
	in.ReviewIntervalMonths = formInterval(v, p)
	return in, p
}

func supplierFilter(c *gin.Context) (store.SupplierFilter, error) {
	p := domain.Problems{}
	f := store.SupplierFilter{Query: strings.TrimSpace(c.Query("q")), Status: c.Query("status")}
	if f.Status != "" && !oneOf(f.Status, domain.SupplierStatuses) {
		p.Add("status", "err.enum")
	}
	if len(f.Query) > 200 {
		p.Add("q", "err.too_long")
	}
	f.Limit, f.After = pageQuery(c, "suppliers", p)
	return f, p.Err()
}

func (s *Server) supplierPage(c *gin.Context, mid int64, f store.SupplierFilter) ([]domain.Supplier, string, error) {
	return fetchPage(c, "suppliers", f.Limit, func(n int) ([]domain.Supplier, error) {
		f.Limit = n
		return s.app.Suppliers(c.Request.Context(), s.caller(c), mid, f)
	}, domain.Supplier.TitleCursor)
}

type supplierListPage struct {
	Base
	Rows      []tableRow // name (linked), organisation number, contact, status, next review
	Filter    store.SupplierFilter
	CanCreate bool
	NextURL   string
	Paged     bool
}

func (s *Server) supplierList(c *gin.Context) {
	mid, err := idParam(c, "mid")
	if err != nil {
		s.fail(c, err)
		return
	}
	f, err := supplierFilter(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	list, next, err := s.supplierPage(c, mid, f)
	if err != nil {
		s.fail(c, err)
		return
	}
	tr := s.i18n.For(lang(c))
	rows := make([]tableRow, len(list))
	for i, x := range list {
		rows[i] = tableRow{Cells: []cell{{Text: x.Title, Href: x.Path()}, {Text: x.OrgNumber}, {Text: x.Contact},
			{Text: tr.T("supplierstatus." + x.Status)}, {Text: dateText(x.NextReviewAt)}}}
	}
	s.render(c, http.StatusOK, "suppliers", supplierListPage{Base: s.base(c, tr.T("supplier.list_title")), Rows: rows, Filter: f,
		CanCreate: s.app.CanSome(s.caller(c), mid, authz.ObjSupplier, authz.Create), NextURL: next, Paged: paged(c, next)})
}

type supplierFormPage struct {
	Base
	IsNew          bool
	Action         string
	Form           formState
	Units          []domain.OrgUnit
	Owners         ownerPicker
	CanAssignOwner bool
}

func (s *Server) renderSupplierForm(c *gin.Context, status int, mid int64, isNew bool, action string, f formState) {
	cl := s.caller(c)
	units, err := s.app.OrgUnits(c.Request.Context(), cl, mid)
	if err != nil {
		s.fail(c, err)
		return
	}
	pg := supplierFormPage{IsNew: isNew, Action: action, Form: f, Units: units, CanAssignOwner: s.app.CanSome(cl, mid, authz.ObjSupplier, authz.AssignOwner)}
	if pg.CanAssignOwner {
		if pg.Owners, err = s.formOwners(c, mid, f, formPage(action, isNew)); err != nil {
			s.fail(c, err)
			return
		}
	}
	if f.Values["status"] == "" {
		f.Values["status"] = domain.SupplierActive
	}
	title := "supplier.edit_title"
	if isNew {
		title = "supplier.new_title"
	}
	pg.Base = s.base(c, s.i18n.T(lang(c), title))
	s.render(c, status, "supplier_form", pg)
}

type supplierShowPage struct {
	Base
	recordParts
	Supplier  domain.Supplier
	UnitName  string
	OwnerName string
}

func (s *Server) renderSupplier(c *gin.Context, status int, mid, id int64, formName string, f formState) {
	ctx, cl := c.Request.Context(), s.caller(c)
	sup, err := s.app.Supplier(ctx, cl, mid, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	pg := supplierShowPage{Supplier: sup}
	if pg.recordParts, err = s.loadRecordParts(c, mid, domain.KindSupplier, sup.Record, formName, f); err != nil {
		s.fail(c, err)
		return
	}
	units, err := s.app.OrgUnits(ctx, cl, mid)
	if err != nil {
		s.fail(c, err)
		return
	}
	pg.UnitName = unitNames(units)[sup.OrgUnitID]
	pg.OwnerName = s.userName(c, mid, sup.OwnerID)
	pg.Base = s.base(c, sup.Title)
	s.render(c, status, "supplier", pg)
}
