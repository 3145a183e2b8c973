package text

import (
	"slices"
	"testing"
)

func TestNumberTokens(t *testing.T) {
	got := NumberTokens("Re: F-2026-0142, FAC-10387. n°2026/017 (INV_9) hello 2026")
	want := []string{"F20260142", "FAC10387", "2026017", "INV9", "2026"}
	if !slices.Equal(got, want) {
		t.Errorf("numberTokens = %q, want %q", got, want)
	}
}

func TestNormalizeNumber(t *testing.T) {
	tests := []struct{ in, want string }{
		{"F-2026-0142", "F20260142"},
		{"f 2026/0142", "F20260142"},
		{"F2026.0142", "F20260142"},
		{"n°FA_2025-0311", "NFA20250311"},
		// Only ASCII letters count: a stored key does not depend on
		// Unicode case tables.
		{"Fé-ı-12", "F12"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := NormalizeNumber(tc.in); got != tc.want {
			t.Errorf("NormalizeNumber(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNumberTokenSpans(t *testing.T) {
	s := "Facture F-2026-0142. et 17 mars"
	got := NumberTokenSpans(s)
	want := []NumberToken{{"FACTURE", 0, 7}, {"F20260142", 8, 19}, {"ET", 21, 23}, {"17", 24, 26}, {"MARS", 27, 31}}
	if !slices.Equal(got, want) {
		t.Fatalf("NumberTokenSpans = %+v, want %+v", got, want)
	}
	if s[got[1].Start:got[1].End] != "F-2026-0142" {
		t.Errorf("span of F-2026-0142 is %q", s[got[1].Start:got[1].End])
	}
}

func TestWrittenNumbers(t *testing.T) {
	got := WrittenNumbers("Re: f-2026-0142, F-2026-0142. n°2026/017 (INV.12) ab1 12 2026/ hello")
	want := []string{"F-2026-0142", "2026/017", "INV.12", "AB1", "2026"}
	if !slices.Equal(got, want) {
		t.Errorf("WrittenNumbers = %q, want %q", got, want)
	}
	many := ""
	for i := 0; i < 300; i++ {
		many += " A" + string(rune('0'+i%10)) + string(rune('a'+i/10%26)) + string(rune('a'+i/260))
	}
	if n := len(WrittenNumbers(many)); n != 200 {
		t.Errorf("WrittenNumbers kept %d words, want at most 200", n)
	}
}
