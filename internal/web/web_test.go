package web

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/store"
)

var now = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

func newTestServer(t *testing.T, ready func(context.Context) error) (*httptest.Server, *store.Store) {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	h, err := New(Options{Store: st, Ready: ready, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, st
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestHealthAndReadiness(t *testing.T) {
	var ready error = errors.New("first mailbox sync not finished")
	srv, _ := newTestServer(t, func(context.Context) error { return ready })
	if resp, _ := get(t, srv.URL+"/healthz"); resp.StatusCode != 200 {
		t.Fatalf("/healthz = %d", resp.StatusCode)
	}
	resp, body := get(t, srv.URL+"/readyz")
	if resp.StatusCode != 503 || !strings.Contains(body, "sync") {
		t.Fatalf("/readyz before sync = %d %q", resp.StatusCode, body)
	}
	ready = nil
	if resp, _ := get(t, srv.URL+"/readyz"); resp.StatusCode != 200 {
		t.Fatalf("/readyz after sync = %d", resp.StatusCode)
	}
}

func TestSecurityHeaders(t *testing.T) {
	srv, _ := newTestServer(t, nil)
	resp, _ := get(t, srv.URL+"/")
	for h, want := range map[string]string{
		"Content-Security-Policy": "frame-ancestors 'none'",
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "DENY",
	} {
		if !strings.Contains(resp.Header.Get(h), want) {
			t.Errorf("%s = %q, want it to contain %q", h, resp.Header.Get(h), want)
		}
	}
	if strings.Contains(resp.Header.Get("Content-Security-Policy"), "unsafe-inline") {
		t.Error("CSP allows inline script or style")
	}
}

// Mail content (client names, evidence quoted from replies) is data: it is
// escaped wherever the page shows it.
func TestMailContentIsEscaped(t *testing.T) {
	srv, st := newTestServer(t, nil)
	payload := `<script>alert(1)</script><img src=x onerror=alert(2)>`
	err := st.Update(context.Background(), now, func(tx *store.Tx) error {
		c, err := tx.EnsureClient("evil@example.com", "Evil "+payload, "fr")
		if err != nil {
			return err
		}
		id, _, err := tx.UpsertInvoice(store.NewInvoice{Number: "F-1" + payload, ClientID: c.ID, Amount: decimal.NewFromInt(100),
			Currency: "EUR", DueDate: now.AddDate(0, 0, -10)})
		if err != nil {
			return err
		}
		_, err = tx.OpenFlag(store.Flag{Kind: "dispute", InvoiceID: id, ClientID: c.ID, Evidence: []string{"quote " + payload}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	resp, body := get(t, srv.URL+"/")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
		t.Fatalf("payload rendered unescaped:\n%s", body)
	}
	if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Fatalf("payload not shown escaped")
	}
	if !strings.Contains(body, "100,00") {
		t.Errorf("overdue total not shown")
	}
}

func TestFormatMoney(t *testing.T) {
	cases := []struct {
		amount, cur, want string
	}{
		{"1234.5", "EUR", "1\u202f234,50\u00a0€"},
		{"0", "EUR", "0,00\u00a0€"},
		{"1234567.891", "GBP", "£1\u202f234\u202f567,89"},
		{"-12", "USD", "$-12,00"},
		{"99", "CHF", "99,00\u00a0CHF"},
	}
	for _, c := range cases {
		if got := formatMoney(decimal.RequireFromString(c.amount), c.cur); got != c.want {
			t.Errorf("formatMoney(%s %s) = %q, want %q", c.amount, c.cur, got, c.want)
		}
	}
}
