// Package web serves the review page, /metrics, /healthz and /readyz. It
// reads the store and never writes to it except through store use cases.
package web

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/store"
)

//go:embed assets/*
var assets embed.FS

// Options wires the handler.
type Options struct {
	Store    *store.Store
	Gatherer prometheus.Gatherer
	// Ready reports nil once the daemon can serve (store open, first sync done).
	Ready    func(context.Context) error
	Now      func() time.Time
	Location *time.Location
	Logger   *slog.Logger
}

// Handler is the HTTP surface of relance.
type Handler struct {
	opt  Options
	mux  *http.ServeMux
	page *template.Template
}

// New builds the handler.
func New(opt Options) (*Handler, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Location == nil {
		opt.Location = time.UTC
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	page, err := template.New("index.html").Funcs(template.FuncMap{
		"date": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.Format("02/01/2006")
		},
		"datetime": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.In(opt.Location).Format("02/01/2006 15:04")
		},
		"money": formatMoney,
		"join":  strings.Join,
	}).ParseFS(assets, "assets/index.html")
	if err != nil {
		return nil, err
	}
	h := &Handler{opt: opt, mux: http.NewServeMux(), page: page}
	h.mux.HandleFunc("GET /healthz", h.healthz)
	h.mux.HandleFunc("GET /readyz", h.readyz)
	if opt.Gatherer != nil {
		h.mux.Handle("GET /metrics", promhttp.HandlerFor(opt.Gatherer, promhttp.HandlerOpts{ErrorLog: slogErrorLog{opt.Logger}}))
	}
	h.mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(mustSub(assets, "assets"))))
	h.mux.HandleFunc("GET /{$}", h.index)
	return h, nil
}

// ServeHTTP adds the security headers to every response.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Referrer-Policy", "no-referrer")
	h.mux.ServeHTTP(w, r)
}

func (h *Handler) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

func (h *Handler) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if h.opt.Ready != nil {
		if err := h.opt.Ready(r.Context()); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("not ready: " + err.Error() + "\n"))
			return
		}
	}
	_, _ = w.Write([]byte("ready\n"))
}

type total struct {
	Currency string
	Amount   decimal.Decimal
}

type indexData struct {
	Now           time.Time
	Overdue       []total
	Invoices      []store.Invoice
	Drafts        []store.Draft
	Flags         []store.Flag
	DaysLate      map[int64]int
	HeldCount     int
	OpenFlagCount int
}

func (h *Handler) index(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	invs, err := h.opt.Store.Invoices(ctx, store.InvoiceFilter{Search: r.URL.Query().Get("q")})
	if err != nil {
		h.fail(w, err)
		return
	}
	drafts, err := h.opt.Store.Drafts(ctx, store.DraftHeld, store.DraftApproved)
	if err != nil {
		h.fail(w, err)
		return
	}
	flags, err := h.opt.Store.Flags(ctx, store.FlagOpen, store.FlagAcknowledged)
	if err != nil {
		h.fail(w, err)
		return
	}
	now := h.opt.Now().In(h.opt.Location)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	d := indexData{Now: now, Invoices: invs, Drafts: drafts, Flags: flags, DaysLate: map[int64]int{}, HeldCount: len(drafts), OpenFlagCount: len(flags)}
	sums := map[string]decimal.Decimal{}
	for _, inv := range invs {
		if inv.DueDate.IsZero() {
			continue
		}
		days := int(today.Sub(inv.DueDate).Hours() / 24)
		d.DaysLate[inv.ID] = days
		if days > 0 && inv.Kind == "invoice" && inv.Balance.IsPositive() &&
			inv.State != store.StatePaid && inv.State != store.StateCancelled && inv.State != store.StateWrittenOff {
			sums[inv.Currency] = sums[inv.Currency].Add(inv.Balance)
		}
	}
	for cur, amt := range sums {
		d.Overdue = append(d.Overdue, total{cur, amt})
	}
	sort.Slice(d.Overdue, func(i, j int) bool { return d.Overdue[i].Currency < d.Overdue[j].Currency })
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := h.page.Execute(w, d); err != nil {
		h.opt.Logger.Error("web: render index", slog.Any("err", err))
	}
}

func (h *Handler) fail(w http.ResponseWriter, err error) {
	h.opt.Logger.Error("web: request failed", slog.Any("err", err))
	http.Error(w, "internal error", http.StatusInternalServerError)
}

// formatMoney prints an amount the French way for EUR, with its code otherwise.
func formatMoney(amount decimal.Decimal, currency string) string {
	s := amount.StringFixed(2)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString("\u202f")
		}
		b.WriteRune(r)
	}
	out := b.String() + "," + frac
	if neg {
		out = "-" + out
	}
	switch currency {
	case "EUR":
		return out + "\u00a0€"
	case "GBP":
		return "£" + out
	case "USD":
		return "$" + out
	}
	return out + "\u00a0" + currency
}

type slogErrorLog struct{ l *slog.Logger }

func (s slogErrorLog) Println(v ...any) {
	s.l.Error("metrics: " + fmt.Sprint(v...))
}
