package text

import "testing"

func TestCatalogue(t *testing.T) {
	c := Catalogue{
		"fr": {"hello": "Bonjour %s", "only.fr": "seulement", "plain": "100 %"},
		"en": {"hello": "Hello %s"},
	}
	tests := []struct {
		lang, id string
		args     []any
		want     string
	}{
		{"fr", "hello", []any{"Anne"}, "Bonjour Anne"},
		{"en", "hello", []any{"Anne"}, "Hello Anne"},
		// Missing in English: the French sentence rather than a blank.
		{"en", "only.fr", nil, "seulement"},
		// A language the catalogue lacks reads the fallback.
		{"de", "hello", []any{"Anne"}, "Bonjour Anne"},
		// An unknown id shows itself.
		{"en", "missing.id", nil, "missing.id"},
		// Without arguments the sentence is not a format: "%" stays.
		{"fr", "plain", nil, "100 %"},
	}
	for _, tc := range tests {
		if got := c.T(tc.lang, tc.id, tc.args...); got != tc.want {
			t.Errorf("T(%s, %s) = %q, want %q", tc.lang, tc.id, got, tc.want)
		}
	}
	if _, ok := c.Message("en", "missing.id"); ok {
		t.Error("Message found an id no language has")
	}
	if s, ok := c.Message("en", "only.fr"); !ok || s != "seulement" {
		t.Errorf("Message(en, only.fr) = %q, %v", s, ok)
	}
}
