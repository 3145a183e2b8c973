package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func validEnv(t *testing.T) {
	t.Helper()
	for k, v := range map[string]string{
		"RELANCE_IMAP_ADDR": "imap.example.fr:993", "RELANCE_IMAP_USERNAME": "factures@example.fr",
		"RELANCE_IMAP_PASSWORD": "pw", "RELANCE_SMTP_ADDR": "smtp.example.fr:587", "RELANCE_FROM": "factures@example.fr",
		"RELANCE_POLICY_FILE": "", "RELANCE_TIMEZONE": "Europe/Paris",
	} {
		t.Setenv(k, v)
	}
}

// check-config reads the policy file too, and shows the ECB rate table's
// age: up to date, out of date once a half-year began after
// penalties.ecb_rates_checked_on (with a warning), unused with a contract
// rate; an invalid policy file makes the configuration invalid.
func TestCheckConfigShowsRateTable(t *testing.T) {
	cases := []struct {
		name, policy string
		now          time.Time
		code         int
		out, warn    string
	}{
		{"built-in table", "", time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC), ExitOK,
			"ECB rate table (penalties.ecb_rates): checked on 2026-11-01 (36 days ago), up to date", ""},
		{"a new half-year", `{"penalties": {"ecb_rates_checked_on": "2026-11-01"}}`, time.Date(2027, 1, 5, 10, 0, 0, 0, time.UTC), ExitOK,
			"ECB rate table (penalties.ecb_rates): OUT OF DATE: last checked on 2026-11-01 (65 days ago)", "warning: the ECB rate table is out of date"},
		{"contract rate", `{"penalties": {"contract_rate": "12"}}`, time.Date(2027, 1, 5, 10, 0, 0, 0, time.UTC), ExitOK,
			"ECB rate table (penalties.ecb_rates): not used", ""},
		{"invalid policy", `{"min_gap_business_days": -1}`, time.Date(2027, 1, 5, 10, 0, 0, 0, time.UTC), ExitError,
			"", "min_gap_business_days"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			validEnv(t)
			if c.policy != "" {
				p := filepath.Join(t.TempDir(), "policy.json")
				if err := os.WriteFile(p, []byte(c.policy), 0o600); err != nil {
					t.Fatal(err)
				}
				t.Setenv("RELANCE_POLICY_FILE", p)
			}
			var out, errb bytes.Buffer
			code := Main(context.Background(), []string{"check-config"}, &Env{Stdout: &out, Stderr: &errb, Now: func() time.Time { return c.now }})
			if code != c.code {
				t.Fatalf("exit %d, want %d:\n%s%s", code, c.code, out.String(), errb.String())
			}
			if !strings.Contains(out.String(), c.out) {
				t.Errorf("stdout lacks %q:\n%s", c.out, out.String())
			}
			if (c.warn == "") == strings.Contains(errb.String(), "warning: the ECB") && c.code == ExitOK {
				t.Errorf("stderr warning: want %q:\n%s", c.warn, errb.String())
			}
			if c.warn != "" && !strings.Contains(errb.String(), c.warn) {
				t.Errorf("stderr lacks %q:\n%s", c.warn, errb.String())
			}
		})
	}
}
