package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Times are printed in the business's time zone with their offset: the
// draft held until 09:00 UTC on 2 December reads 10:00 +01:00 in Paris;
// RELANCE_TIMEZONE changes the zone and the policy file's time_zone wins
// over it, as for the daemon.
func TestCLITimesInTheBusinessZone(t *testing.T) {
	db, id, flag := reviewLedger(t)
	ids := strconv.FormatInt(id, 10)
	for _, tc := range []struct {
		name, envZone, fileZone string
		clock, iso              string
	}{
		{"default Paris", "", "", "2026-12-02 10:00 +01:00", "2026-12-02T10:00:00+01:00"},
		{"RELANCE_TIMEZONE", "America/New_York", "", "2026-12-02 04:00 -05:00", "2026-12-02T04:00:00-05:00"},
		{"policy file wins", "America/New_York", "Asia/Tokyo", "2026-12-02 18:00 +09:00", "2026-12-02T18:00:00+09:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("RELANCE_TIMEZONE", tc.envZone)
			t.Setenv("RELANCE_POLICY_FILE", "")
			if tc.fileZone != "" {
				p := filepath.Join(t.TempDir(), "policy.json")
				if err := os.WriteFile(p, []byte(`{"time_zone": "`+tc.fileZone+`"}`), 0o600); err != nil {
					t.Fatal(err)
				}
				t.Setenv("RELANCE_POLICY_FILE", p)
			}
			out, errOut, code := runCLI(t, "drafts", "list", "--db", db)
			if code != ExitOK || !strings.Contains(out, tc.clock) {
				t.Errorf("drafts list: exit %d, want %q in:\n%s%s", code, tc.clock, out, errOut)
			}
			out, _, _ = runCLI(t, "drafts", "show", ids, "--db", db)
			if !strings.Contains(out, "Held until: "+tc.clock) {
				t.Errorf("drafts show: want %q in:\n%s", "Held until: "+tc.clock, out)
			}
			out, _, _ = runCLI(t, "drafts", "show", ids, "--json", "--db", db)
			var d struct {
				HoldUntil string `json:"hold_until"`
				CreatedAt string `json:"created_at"`
			}
			if err := json.Unmarshal([]byte(out), &d); err != nil || d.HoldUntil != tc.iso {
				t.Errorf("drafts show --json: hold_until %q (%v), want %q", d.HoldUntil, err, tc.iso)
			}
			if at, err := time.Parse(time.RFC3339, d.HoldUntil); err != nil || !at.Equal(payNow.Add(24*time.Hour)) {
				t.Errorf("hold_until %q is not the same instant: %v", d.HoldUntil, err)
			}
			out, _, _ = runCLI(t, "flags", "show", strconv.FormatInt(flag, 10), "--db", db)
			offset := tc.clock[len(tc.clock)-6:]
			if !strings.Contains(out, "Raised: 2026-12-01 ") || !strings.Contains(out, offset) {
				t.Errorf("flags show: want the raise time with %s:\n%s", offset, out)
			}
			out, _, _ = runCLI(t, "invoices", "show", "F-2026-014", "--db", db)
			for _, line := range strings.Split(out, "\n")[1:] {
				if strings.TrimSpace(line) != "" && !strings.Contains(line, offset) {
					t.Errorf("timeline line without the offset %s: %q", offset, line)
				}
			}
		})
	}
}
