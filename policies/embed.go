// Package policies embeds the casbin model and the role permissions: which role may do which
// action on which kind of object, and in what scope (all, own_units, published, own_records).
package policies

import _ "embed"

// Model is the casbin model (model.conf).
//
//go:embed model.conf
var Model string

// Policy is the role permission table (policy.csv).
//
//go:embed policy.csv
var Policy string
