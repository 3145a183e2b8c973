package payment

import "testing"

func TestParseInstalments(t *testing.T) {
	cases := []struct {
		in   string
		n    int
		last string
		bad  bool
	}{
		{"2026-12-15:500,2027-01-15:500", 2, "500", false},
		{"2026-12-15:500,50;2027-01-15:499,50", 2, "499.5", false},
		{"2026-12-15 500,50\n2027-01-15 499,50\n", 2, "499.5", false},
		{"2026-12-15:1 200,00;2027-01-15:300", 2, "300", false},
		{"", 0, "", true},
		{"2026-12-15", 0, "", true},
		{"15/12/2026:500", 0, "", true},
		{"2026-12-15:-5", 0, "", true},
	}
	for _, c := range cases {
		got, err := ParseInstalments(c.in)
		if c.bad {
			if err == nil {
				t.Errorf("%q accepted: %+v", c.in, got)
			}
			continue
		}
		if err != nil || len(got) != c.n || got[len(got)-1].Amount.String() != c.last {
			t.Errorf("%q: %+v, %v", c.in, got, err)
		}
	}
}
