package authz

import (
	"testing"

	"github.com/lisa-isms/lisa/internal/domain"
)

// Who may do what with risks (issue 9): information owners only in their own units,
// the coordinator everything, management reads and accepts, auditors read and comment, staff
// and the administrator nothing.
func TestRiskPolicy(t *testing.T) {
	a := newAuthz(t)
	riskA := &Target{Kind: domain.KindRisk, OrgUnitID: unitA, Status: "open"}
	riskB := &Target{Kind: domain.KindRisk, OrgUnitID: unitB, Status: "open"}
	io := holder(domain.RoleInformationOwner, unitA)
	coord, mgmt, aud, staff := holder(domain.RoleCoordinator), holder(domain.RoleManagement), holder(domain.RoleAuditor), holder(domain.RoleStaff)
	for _, r := range []struct {
		who  string
		p    *Principal
		obj  Object
		act  Action
		t    *Target
		want bool
	}{
		{"coordinator", coord, ObjRisk, Update, riskB, true},
		{"coordinator", coord, ObjRisk, Delete, riskB, true},
		{"coordinator", coord, ObjRiskMatrix, Write, nil, true},
		{"information owner", io, ObjRisk, Read, riskA, true},
		{"information owner", io, ObjRisk, Read, riskB, false},
		{"information owner", io, ObjRisk, Create, riskA, true},
		{"information owner", io, ObjRisk, Update, riskB, false},
		{"information owner", io, ObjRisk, Delete, riskA, false},
		{"information owner", io, ObjRiskMatrix, Read, nil, true},
		{"information owner", io, ObjRiskMatrix, Write, nil, false},
		{"management", mgmt, ObjRisk, Read, riskB, true},
		{"management", mgmt, ObjRisk, Update, riskB, false},
		{"management", mgmt, ObjRisk, Accept, riskB, true},
		{"auditor", aud, ObjRisk, Read, riskB, true},
		{"auditor", aud, ObjRisk, Comment, riskB, true},
		{"auditor", aud, ObjRisk, Update, riskB, false},
		{"auditor", aud, ObjRisk, Accept, riskB, false},
		{"staff", staff, ObjRisk, Read, riskA, false},
		{"staff", staff, ObjRiskMatrix, Read, nil, false},
		{"admin", admin(), ObjRisk, Read, riskA, false},
		{"admin", admin(), ObjRiskMatrix, Read, nil, false},
	} {
		if got := a.Can(r.p, mun, r.obj, r.act, r.t); got != r.want {
			t.Errorf("%s %s %s on %+v = %v, want %v", r.who, r.act, r.obj, r.t, got, r.want)
		}
	}
}

// Acceptance is decided by the role and the municipality's tiers together.
func TestCanAcceptFollowsTheTiers(t *testing.T) {
	a := newAuthz(t)
	riskA := &Target{Kind: domain.KindRisk, OrgUnitID: unitA, Status: "open"}
	def := domain.DefaultRiskMatrix(5).AcceptanceTiers // coordinator ≤ medium, management all
	owners := []domain.AcceptanceTier{{Role: domain.RoleInformationOwner, MaxLevel: domain.RiskLow}}
	both := &Principal{User: domain.User{ID: 3}, Assignments: []domain.RoleAssignment{
		{MunicipalityID: mun, Role: domain.RoleCoordinator}, {MunicipalityID: mun, Role: domain.RoleManagement}}}
	for _, tc := range []struct {
		who   string
		p     *Principal
		tiers []domain.AcceptanceTier
		level domain.RiskLevel
		ok    bool
		role  domain.Role
	}{
		{"coordinator, medium", holder(domain.RoleCoordinator), def, domain.RiskMedium, true, domain.RoleCoordinator},
		{"coordinator, high", holder(domain.RoleCoordinator), def, domain.RiskHigh, false, ""},
		{"management, very high", holder(domain.RoleManagement), def, domain.RiskVeryHigh, true, domain.RoleManagement},
		{"auditor", holder(domain.RoleAuditor), def, domain.RiskLow, false, ""},
		{"owner without a tier", holder(domain.RoleInformationOwner, unitA), def, domain.RiskLow, false, ""},
		{"owner with a tier, own unit", holder(domain.RoleInformationOwner, unitA), owners, domain.RiskLow, true, domain.RoleInformationOwner},
		{"owner with a tier, other unit", holder(domain.RoleInformationOwner, unitB), owners, domain.RiskLow, false, ""},
		{"owner with a tier, above it", holder(domain.RoleInformationOwner, unitA), owners, domain.RiskMedium, false, ""},
		{"coordinator and management", both, def, domain.RiskLow, true, domain.RoleManagement},
		{"staff", holder(domain.RoleStaff), def, domain.RiskLow, false, ""},
		{"admin", admin(), def, domain.RiskLow, false, ""},
	} {
		role, ok := a.CanAccept(tc.p, mun, riskA, tc.tiers, tc.level)
		if ok != tc.ok || role != tc.role {
			t.Errorf("%s: %q %v, want %q %v", tc.who, role, ok, tc.role, tc.ok)
		}
	}
	if got := a.AcceptTier(holder(domain.RoleCoordinator), mun, def); got != domain.RiskMedium {
		t.Errorf("coordinator's tier %q", got)
	}
	if got := a.AcceptTier(holder(domain.RoleAuditor), mun, def); got != "" {
		t.Errorf("auditor's tier %q", got)
	}
	if _, ok := a.CanAccept(holder(domain.RoleManagement), other, riskA, def, domain.RiskLow); ok {
		t.Error("a role of one municipality accepts in another")
	}
}
