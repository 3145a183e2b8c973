package web

import (
	"reflect"
	"testing"
)

func TestHighlight(t *testing.T) {
	cases := []struct {
		name     string
		text     string
		evidence []string
		want     []segment
	}{
		{"none", "Bonjour", nil, []segment{{Text: "Bonjour"}}},
		{"one", "Bonjour. Je conteste la facture. Merci", []string{"Je conteste la facture."},
			[]segment{{Text: "Bonjour. "}, {Text: "Je conteste la facture.", Mark: true}, {Text: " Merci"}}},
		{"case", "JE CONTESTE tout", []string{"je conteste"},
			[]segment{{Text: "JE CONTESTE", Mark: true}, {Text: " tout"}}},
		{"overlap", "abcdef", []string{"abcd", "cdef"}, []segment{{Text: "abcdef", Mark: true}}},
		{"twice", "non non", []string{"non"}, []segment{{Text: "non", Mark: true}, {Text: " "}, {Text: "non", Mark: true}}},
		{"absent", "Bonjour", []string{"au revoir"}, []segment{{Text: "Bonjour"}}},
		{"markup stays text", "<b>x</b> refuse", []string{"<b>x</b>"}, []segment{{Text: "<b>x</b>", Mark: true}, {Text: " refuse"}}},
	}
	for _, c := range cases {
		if got := highlight(c.text, c.evidence); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
}
