package policy

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/relance/relance/internal/domain"
)

// FuzzParseBytes checks that no policy file, however broken, makes Parse or
// a Decide on its result panic.
func FuzzParseBytes(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("..", "..", "config", "policy.example.json")); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"ladders": {"x": {"stages": [{"name": "a", "kind": "message", "offset_days": -60}]}}, "default_ladder": "x"}`))
	f.Add([]byte(`{"send_window": {"days": ["fri"], "start": "00:00", "end": "00:01"}, "holidays": "none", "min_gap_business_days": 0}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseBytes(data)
		if err != nil {
			return
		}
		now := time.Date(2026, 1, 13, 10, 0, 0, 0, time.UTC)
		c := client(inv("a", day(2025, 12, 1), 0), inv("b", day(2026, 1, 20), 1))
		c.LastContact = now.Add(-72 * time.Hour)
		d := Decide(now, c, p)
		_, _ = ShouldSend(now.Add(48*time.Hour), DraftState{InvoiceIDs: []int64{tid("a")}, CreatedAt: now, Status: domain.DraftApproved}, c, p, domain.ModeAuto)
		if d.Action == ActionDraft && d.NotBefore.Before(d.HoldUntil) {
			t.Fatalf("draft before its hold: %+v", d)
		}
	})
}
