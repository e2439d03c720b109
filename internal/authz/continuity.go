package authz

// ObjContinuity is the object of continuity plans and their exercises (issue 10).
const ObjContinuity Object = "continuity"
