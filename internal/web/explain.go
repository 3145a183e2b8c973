package web

import "github.com/relance/relance/internal/render"

// Evidence shows a line of a flag's evidence in the page's language
// (render.Evidence: a returned mail and a self-check in words, not headers
// and field names).
func (l *locale) Evidence(s string) string {
	return render.Evidence(l.msgLang, s, func(c string) string { return l.Label("class", c) })
}
