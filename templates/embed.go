// Package templates holds the reminder templates shipped with relance, one
// directory per language. The files are embedded so the binary is
// self-contained; internal/render parses them. See README.md for the layout
// and the data every template receives.
package templates

import "embed"

// FS holds fr/*.tmpl and en/*.tmpl. It is read-only by construction.
//
//go:embed fr/*.tmpl en/*.tmpl
var FS embed.FS
