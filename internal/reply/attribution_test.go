package reply

import (
	"regexp"
	"testing"
)

// attributionExpression is the expression attributionVerbAt replaces.
var attributionExpression = regexp.MustCompile(`(wrote|a écrit|a ecrit|schrieb|ha scritto|escreveu|escribió|escribio|schreef|skrev|kirjoitti|napisał|написал|написала|írta|yazdı|έγραψε)([^:]{0,160}|[^:]{0,160}<[^>]{0,200}>\s*)\s*:\s*$`)

func TestAttributionVerbMatchesExpression(t *testing.T) {
	for _, s := range []string{
		"le 14 oct. 2025 à 09:12, jean dupont <jean@x.fr> a écrit :",
		"on tue, oct 14, 2025 at 9:12 am jane <mailto:jane@x.com> wrote:",
		"on tue, 14 oct 2025, jane wrote:",
		"am 14.10.2025 schrieb hans müller <h@m.de>:",
		"my accountant wrote: please pay",
		"she wrote to me about it:",
		"wrote",
		"x wrote: y wrote:",
		"le 3 mars, x a ecrit:   ",
		"2025 wrote " + string(make([]byte, 0)) + "a very long name that goes on and on and on and on and on and on and on and on and on and on and on and on and on and on and on and on and on:",
	} {
		want := -1
		if loc := attributionExpression.FindStringIndex(s); loc != nil {
			want = loc[0]
		}
		if got := attributionVerbAt(s); got != want {
			t.Errorf("%q: attributionVerbAt %d, expression %d", s, got, want)
		}
	}
}
