package app

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/config"
	"github.com/relance/relance/internal/render"
)

// The BUSINESS_* settings are what reminders and the formal notice print
// about the business: name (else FROM's display name), postal address,
// phone, SIREN, IBAN and BIC; SIGNATURE_NAME is the person who signs.
func TestBusinessSettings(t *testing.T) {
	cfg := &config.Config{From: "Atelier Moreau <factures@moreau.example>",
		BusinessName: "Moreau & Fils SARL", BusinessAddress: "12 rue des Tanneurs\n69001 Lyon", BusinessPhone: "04 78 00 00 00",
		BusinessSIREN: "123 456 789", BusinessIBAN: "FR76 3000 6000 0112 3456 7890 189", BusinessBIC: "AGRIFRPP",
		SignatureName: "Paul Moreau"}
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	d := render.Data{Language: "fr", Stage: render.StageFormalNotice, Business: Business(cfg), ClientName: "Boulangerie Dupont",
		B2B: true, Currency: "EUR", Today: day(2026, 12, 7),
		Invoices: []render.InvoiceLine{{Number: "F-1", IssueDate: day(2026, 9, 1), DueDate: day(2026, 10, 1),
			Amount: decimal.NewFromInt(1200), Balance: decimal.NewFromInt(1200), Currency: "EUR", DaysLate: 67}}}
	r, err := render.Render(d)
	if err != nil {
		t.Fatal(err)
	}
	for setting, want := range map[string]string{
		"BUSINESS_NAME": "Moreau & Fils SARL", "BUSINESS_ADDRESS": "12 rue des Tanneurs", "BUSINESS_PHONE": "04 78 00 00 00",
		"BUSINESS_SIREN": "123 456 789", "BUSINESS_IBAN": "FR76 3000 6000 0112 3456 7890 189", "BUSINESS_BIC": "AGRIFRPP",
		// The signature names a person, then the business.
		"SIGNATURE_NAME": "Paul Moreau\nMoreau & Fils SARL",
	} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("RELANCE_%s: %q not in the formal notice:\n%s", setting, want, r.Text)
		}
	}
	if b := Business(&config.Config{From: "Atelier Moreau <factures@moreau.example>"}); b.Name != "Atelier Moreau" {
		t.Errorf("without BUSINESS_NAME the name is %q, want FROM's display name", b.Name)
	}
}

// BUSINESS_VAT (with the name) is part of how relance tells our invoices
// from our suppliers' (invoice.TestOwnership shows the rule).
func TestBusinessVATTellsOurInvoices(t *testing.T) {
	id := identity(&config.Config{BusinessName: "Menuiserie Roux SARL", BusinessVAT: "FR40303265045", BusinessSIREN: "303 265 045"})
	if id.VAT != "FR40303265045" || len(id.Names) != 1 || id.Names[0] != "Menuiserie Roux SARL" || id.SIREN != "303 265 045" {
		t.Errorf("identity = %+v", id)
	}
	if id := identity(&config.Config{}); id.VAT != "" || len(id.Names) != 0 {
		t.Errorf("empty identity = %+v", id)
	}
}

// POLICY_FILE replaces the built-in policy; TIMEZONE is the business's
// zone unless the policy file names one.
func TestPolicyFileAndTimezone(t *testing.T) {
	write := func(s string) string {
		p := filepath.Join(t.TempDir(), "policy.json")
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	created := time.Date(2026, 1, 13, 15, 0, 0, 0, time.UTC) // Tuesday
	cases := []struct {
		name, zone, file string
		wantZone         string
		wantHold         time.Time
		wantGap          int
	}{
		{"built-in", "Europe/Paris", "", "Europe/Paris", time.Date(2026, 1, 14, 8, 0, 0, 0, time.UTC), 5},
		{"TIMEZONE", "America/New_York", "", "America/New_York", time.Date(2026, 1, 14, 14, 0, 0, 0, time.UTC), 5},
		{"policy file", "America/New_York", write(`{"review_time": "11:00", "min_gap_business_days": 9}`), "America/New_York",
			time.Date(2026, 1, 14, 16, 0, 0, 0, time.UTC), 9},
		{"the file's zone wins", "America/New_York", write(`{"time_zone": "Asia/Tokyo"}`), "Asia/Tokyo",
			time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC), 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := LoadPolicy(&config.Config{Timezone: c.zone, PolicyFile: c.file})
			if err != nil {
				t.Fatal(err)
			}
			if p.Location.String() != c.wantZone || !p.HoldUntil(created).Equal(c.wantHold) || p.MinGap != c.wantGap {
				t.Errorf("zone %s, hold until %s, gap %d; want %s, %s, %d", p.Location, p.HoldUntil(created).UTC(), p.MinGap,
					c.wantZone, c.wantHold, c.wantGap)
			}
		})
	}
	if _, err := LoadPolicy(&config.Config{Timezone: "Europe/Paris", PolicyFile: write(`{"min_gap_business_days": -1}`)}); err == nil {
		t.Error("an invalid policy file was accepted")
	}
}

// PASS_INTERVAL paces the passes that prepare and re-check drafts
// (default 5 minutes), once the first sync is done.
func TestPassIntervalPacesPasses(t *testing.T) {
	for _, c := range []struct {
		interval time.Duration
		want     int32
	}{{0, 6}, {2 * time.Minute, 15}, {10 * time.Minute, 3}} {
		synctest.Test(t, func(t *testing.T) {
			var passes atomic.Int32
			a := &App{cfg: &config.Config{PassInterval: c.interval}, log: slog.New(slog.DiscardHandler),
				passes: make(chan struct{}, 1)}
			a.synced.mark()
			ctx, cancel := context.WithCancel(t.Context())
			done := make(chan struct{})
			go func() { a.schedule(ctx, func(context.Context) error { passes.Add(1); return nil }); close(done) }()
			time.Sleep(30*time.Minute + time.Second)
			synctest.Wait()
			if n := passes.Load(); n != c.want {
				t.Errorf("PASS_INTERVAL=%s: %d passes in 30 minutes, want %d", c.interval, n, c.want)
			}
			cancel()
			<-done
		})
	}
}
