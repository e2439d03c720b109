// Package ui embeds the web interface: html/template files, static assets (CSS) and the
// translation files (Swedish first, English second).
package ui

import "embed"

// FS holds templates/, static/ and locales/.
//
//go:embed templates static locales
var FS embed.FS
