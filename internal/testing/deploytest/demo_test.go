package deploytest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
	"github.com/relance/relance/internal/testing/testutil/demotest"
)

// The demo and the polling helper are shared with the browser tests.
type demo struct{ *demotest.Demo }

func startDemo(t *testing.T) *demo { return &demo{demotest.Start(t)} }

func waitFor(t *testing.T, what string, limit time.Duration, cond func() (bool, error)) {
	t.Helper()
	demotest.WaitFor(t, what, limit, cond)
}

func (d *demo) metrics(t *testing.T) []byte {
	t.Helper()
	resp, err := http.Get("http://" + d.Addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: %d %v", resp.StatusCode, err)
	}
	return b
}

// overdue is the exact overdue balance per currency, from the store: what
// relance_outstanding_amount's overdue buckets add up to.
func (d *demo) overdue(t *testing.T, loc *time.Location) map[string]decimal.Decimal {
	t.Helper()
	invs, err := d.Store.Invoices(context.Background(), store.InvoiceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	out := map[string]decimal.Decimal{}
	for _, inv := range invs {
		switch inv.State {
		case domain.StatePaid, domain.StateCancelled, domain.StateWrittenOff:
			continue
		}
		if inv.Kind != "invoice" || !inv.Balance.IsPositive() || inv.DueDate.IsZero() || !inv.DueDate.Before(today) {
			continue
		}
		out[inv.Currency] = out[inv.Currency].Add(inv.Balance)
	}
	return out
}

// TestDemo runs the demo once and checks its /metrics with promtool, with a
// real Prometheus scraping it, and against the Grafana dashboard.
func TestDemo(t *testing.T) {
	promtool := tool(t, "promtool")
	prometheus := tool(t, "prometheus")
	d := startDemo(t)
	body := d.metrics(t)
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}

	t.Run("promtool check metrics", func(t *testing.T) {
		cmd := exec.Command(promtool, "check", "metrics")
		cmd.Stdin = bytes.NewReader(body)
		out, err := cmd.CombinedOutput()
		if err != nil || len(bytes.TrimSpace(out)) > 0 {
			t.Fatalf("promtool check metrics: %v\n%s", err, out)
		}
	})

	t.Run("every store metric is exported", func(t *testing.T) {
		for _, name := range []string{"relance_build_info", "relance_invoices", "relance_outstanding_amount",
			"relance_dso_seconds", "relance_payment_delay_invoices", "relance_drafts", "relance_drafts_oldest_held_age_seconds",
			"relance_flags_open", "relance_promises", "relance_reminders_sent_total", "relance_replies_total",
			"relance_messages_ingested_total", "relance_imap_connected", "relance_imap_reconnects_total",
			"relance_last_sync_timestamp_seconds", "relance_smtp_sent_total", "relance_smtp_failures_total",
			"relance_clients", "relance_overdue_by_segment_amount", "relance_scrape_success", "relance_scrape_duration_seconds"} {
			if _, ok := families[name]; !ok {
				t.Errorf("%s missing from /metrics", name)
			}
		}
		if f := families["relance_scrape_success"]; f != nil && f.GetMetric()[0].GetGauge().GetValue() != 1 {
			t.Error("relance_scrape_success is not 1")
		}
	})

	t.Run("dashboard names only exported metrics", func(t *testing.T) {
		// A metric without data is absent rather than NaN; it may be
		// missing only while its companion count says there is no data.
		absentWithoutData := map[string]string{"relance_payment_delay_average_seconds": "relance_payment_delay_invoices"}
		for _, name := range dashboardMetrics(t) {
			if _, ok := families[name]; ok {
				continue
			}
			if count := families[absentWithoutData[name]]; count != nil && count.GetMetric()[0].GetGauge().GetValue() == 0 {
				continue
			}
			t.Errorf("the dashboard queries %s, which /metrics does not export", name)
		}
	})

	t.Run("alert rules name only exported metrics", func(t *testing.T) {
		b, err := os.ReadFile(filepath.Join(deployDir(t), "prometheus", "alerts.yml"))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range metricNames(string(b)) {
			if _, ok := families[name]; !ok {
				t.Errorf("alerts.yml uses %s, which /metrics does not export", name)
			}
		}
	})

	t.Run("prometheus scrapes the overdue totals", func(t *testing.T) {
		paris, err := time.LoadLocation("Europe/Paris") // the demo's time zone
		if err != nil {
			t.Fatal(err)
		}
		api := startPrometheus(t, prometheus, d.Addr)
		const q = `sum by (currency) (relance_outstanding_amount{job="relance", bucket!="current"})`
		var got map[string]float64
		var want map[string]decimal.Decimal
		waitFor(t, "Prometheus to return the store's overdue totals", 90*time.Second, func() (bool, error) {
			want = d.overdue(t, paris)
			got, err = queryByCurrency(api, q)
			if err != nil {
				return false, err
			}
			if len(got) != len(want) || len(want) == 0 {
				return false, fmt.Errorf("got %v, want %v", got, want)
			}
			for cur, w := range want {
				wf, _ := w.Float64()
				if math.Abs(got[cur]-wf) > 1e-9*math.Max(1, math.Abs(wf)) {
					return false, fmt.Errorf("%s: got %v, want %s", cur, got[cur], w)
				}
			}
			return true, nil
		})
		t.Logf("overdue per currency: %v", want)
	})
}

// startPrometheus runs the real server on a free loopback port, scraping
// target every second, until the test ends; it returns its base URL.
func startPrometheus(t *testing.T, bin, target string) string {
	t.Helper()
	dir := t.TempDir()
	cfg := fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: relance
    scrape_interval: 1s
    scrape_timeout: 1s
    static_configs:
      - targets: [%q]
`, target)
	cfgPath := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // Prometheus takes the port over; nothing else asks for it meanwhile
	var logs bytes.Buffer
	cmd := exec.Command(bin, "--config.file="+cfgPath, "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr, "--log.level=warn")
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("prometheus output:\n%s", logs.String())
		}
	})
	base := "http://" + addr
	waitFor(t, "Prometheus to be ready", 60*time.Second, func() (bool, error) {
		select {
		case err := <-done:
			t.Fatalf("prometheus exited: %v\n%s", err, logs.String())
		default:
		}
		resp, err := http.Get(base + "/-/ready")
		if err != nil {
			return false, err
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK, fmt.Errorf("status %d", resp.StatusCode)
	})
	return base
}

func queryByCurrency(base, q string) (map[string]float64, error) {
	resp, err := http.Get(base + "/api/v1/query?query=" + url.QueryEscape(q))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var r struct {
		Status string `json:"status"`
		Data   struct {
			Result model.Vector `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return nil, fmt.Errorf("decode query answer: %w", err)
	}
	if r.Status != "success" {
		return nil, fmt.Errorf("query status %s", r.Status)
	}
	out := map[string]float64{}
	for _, s := range r.Data.Result {
		out[string(s.Metric["currency"])] = float64(s.Value)
	}
	return out, nil
}

var metricName = regexp.MustCompile(`\b(?:relance|process|go)_[a-z0-9_]+\b`)

// metricNames lists the relance, process and Go metric names a text uses.
func metricNames(text string) []string {
	seen := map[string]bool{}
	for _, m := range metricName.FindAllString(text, -1) {
		seen[m] = true
	}
	out := make([]string, 0, len(seen))
	for m := range seen {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}

// dashboardMetrics lists the metric names in every query of the dashboard.
func dashboardMetrics(t *testing.T) []string {
	t.Helper()
	dash := loadDashboard(t)
	var exprs []string
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			exprs = append(exprs, tg.Expr)
		}
	}
	for _, v := range dash.Templating.List {
		if q, ok := v.Query.(map[string]any); ok {
			if s, ok := q["query"].(string); ok {
				exprs = append(exprs, s)
			}
		}
	}
	names := metricNames(strings.Join(exprs, "\n"))
	if len(names) == 0 {
		t.Fatal("the dashboard queries no metric")
	}
	return names
}
