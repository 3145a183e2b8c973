package web

import (
	"strings"
)

// Evidence words for the owner a line the daemon recorded in its own
// terms: what the self-check did not find ("missing: due_date"), and the
// signs of a returned mail, which are headers and MIME types. The stored
// line is a contract (flags --json); only what the page shows changes. A
// line written by a client or in words already is shown as it is.
func (l *locale) Evidence(s string) string {
	switch {
	case strings.HasPrefix(s, "missing: "):
		var names []string
		for _, f := range strings.Split(strings.TrimPrefix(s, "missing: "), ",") {
			if f = strings.TrimSpace(f); f != "" {
				names = append(names, l.Label("field", f))
			}
		}
		return l.T("evidence.missing", strings.Join(names, ", "))
	case strings.HasPrefix(s, "Content-Type: multipart/report"):
		return l.T("evidence.bounce.report")
	case strings.HasPrefix(s, "part message/") && strings.Contains(s, "delivery-status"):
		return l.T("evidence.bounce.status")
	case strings.HasPrefix(s, "From: "):
		return l.T("evidence.bounce.daemon", strings.TrimPrefix(s, "From: "))
	case strings.HasPrefix(s, "Subject: "):
		return l.T("evidence.bounce.subject", strings.TrimPrefix(s, "Subject: "))
	case strings.HasPrefix(s, "original message returned by "):
		return l.T("evidence.bounce.returned", strings.TrimPrefix(s, "original message returned by "))
	}
	return s
}
