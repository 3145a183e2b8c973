package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/store"
)

// The overview shows the ECB rate table's age, highlighted once a
// half-year began after it was checked, in French and English; nothing
// when the table is not used (contract rate).
func TestOverviewShowsRateTableAge(t *testing.T) {
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cases := []struct {
		name, policy string
		now          time.Time
		lang         string
		want         []string
		stale        bool
	}{
		{"up to date", `{}`, time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC), "fr",
			[]string{`id="ecb-rates"`, "table vérifiée le 1 nov. 2026 (il y a 36 jours)"}, false},
		{"out of date", `{}`, time.Date(2027, 1, 5, 10, 0, 0, 0, time.UTC), "en",
			[]string{`id="ecb-rates"`, "table checked on 1 Nov 2026 (65 days ago), before the half-year that began on 1 Jan 2027"}, true},
		{"contract rate", `{"penalties": {"contract_rate": "12"}}`, time.Date(2027, 1, 5, 10, 0, 0, 0, time.UTC), "en", nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pol, err := policy.ParseBytes([]byte(c.policy))
			if err != nil {
				t.Fatal(err)
			}
			h, err := New(Options{Store: st, Now: func() time.Time { return c.now }, Location: pol.Location,
				RateTable: func(now time.Time) policy.RateTableStatus {
					return pol.Penalties.RateTableStatus(policy.DateIn(now, pol.Location))
				}})
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(h)
			defer srv.Close()
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/", nil)
			req.Header.Set("Accept-Language", c.lang)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			body := string(b)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %s", resp.Status)
			}
			if c.want == nil && strings.Contains(body, `id="ecb-rates"`) {
				t.Error("rate table shown although a contract rate replaces it")
			}
			for _, w := range c.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			if got := strings.Contains(body, `class="muted rates attention"`); got != c.stale {
				t.Errorf("highlighted = %v, want %v", got, c.stale)
			}
		})
	}
}
