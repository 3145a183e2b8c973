package text

import (
	"slices"
	"testing"
)

func TestCP1252(t *testing.T) {
	for in, want := range map[string]string{
		"1\u202f200,00\u00a0€":  "1\u00a0200,00\u00a0€",
		"À l’attention — œuvre": "À l’attention — œuvre",
		"Zürich ✓ 東京":           "Zürich ? ??",
		"L441\u201110":          "L441-10",
	} {
		if got := CP1252(in); got != want {
			t.Errorf("CP1252(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAddressLines(t *testing.T) {
	for in, want := range map[string][]string{
		"14 avenue Jean Jaurès, 69007 Lyon":       {"14 avenue Jean Jaurès", "69007 Lyon"},
		"Bât. B\n 3  rue Neuve \r\n75011 Paris\n": {"Bât. B", "3 rue Neuve", "75011 Paris"},
		"  ": nil,
	} {
		if got := AddressLines(in); !slices.Equal(got, want) {
			t.Errorf("AddressLines(%q) = %q, want %q", in, got, want)
		}
	}
}
