//go:build tools

// Package tools keeps sigs.k8s.io/gateway-api required, so `go mod tidy` leaves it pinned;
// scripts/build.sh only reads the CRD YAML from its module directory.
package tools

import _ "sigs.k8s.io/gateway-api/apis/v1"
