package web

import (
	"context"
	"sort"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/receivables"
	"github.com/relance/relance/internal/scorecard"
	"github.com/relance/relance/internal/store"
)

// How the receivables are doing, on the overview: what a firm without
// Prometheus would otherwise never see. The figures come from the pure
// package receivables over the store's invoice history.

// topDebtors and watchList bound the overview's lists: the page says where
// to look, the invoices page holds the rest. watchCandidates bounds the
// scorecards read for the watch list to the largest debtors: each is a read
// of the client's whole history, and the clients worth watching first are
// those who owe the most.
const (
	topDebtors      = 5
	watchList       = 5
	watchCandidates = 20
)

// moneyMaxAge is how long the overview serves the figures it computed:
// they read every invoice and payment, and move with payments, not by the
// second. A change made on the page (a payment, an approval) drops them.
const moneyMaxAge = time.Minute

// moneyCache keeps the last figures of the overview.
type moneyCache struct {
	mu     sync.Mutex
	view   receivablesView
	day    time.Time
	at     time.Time
	writes uint64 // the handler's count of changes when they were computed
	ok     bool
}

// cachedReceivables returns the overview's figures, computed again when the
// business day changed, moneyMaxAge passed, or a change was made on the page.
func (h *Handler) cachedReceivables(ctx context.Context, now, today time.Time, loc *time.Location) (receivablesView, error) {
	writes := h.writes.Load()
	c := &h.money
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ok && c.day.Equal(today) && c.writes == writes && now.Sub(c.at) >= 0 && now.Sub(c.at) < moneyMaxAge {
		return c.view, nil
	}
	v, err := h.receivablesOf(ctx, now, today, loc)
	if err != nil {
		return v, err
	}
	c.view, c.day, c.at, c.writes, c.ok = v, today, now, writes, true
	return v, nil
}

// receivablesView is the overview's "how it is going" section.
type receivablesView struct {
	DSO     []receivables.DSO
	Aging   []receivables.Aging
	Buckets []domain.Bucket
	Trends  []trendView
	Debtors []receivables.Debtor
	Watch   []watchRow
}

// trendView draws one currency's weekly trend as bars whose heights (0–100)
// are computed here, so the page needs no script and no inline style.
type trendView struct {
	Currency string
	Bars     []trendBar
	Max      decimal.Decimal
	First    receivables.Point
	Last     receivables.Point
}

type trendBar struct {
	receivables.Point
	X, Y, Height int
}

// trendBarWidth and trendHeight are the drawing's units (its viewBox).
const (
	trendBarWidth = 20
	trendHeight   = 100
)

func trendViewOf(t receivables.Trend) trendView {
	v := trendView{Currency: t.Currency, Max: t.Max}
	for i, p := range t.Points {
		h := 0
		if t.Max.IsPositive() {
			h = int(p.Overdue.Mul(decimal.NewFromInt(trendHeight)).Div(t.Max).Round(0).IntPart())
		}
		if h == 0 && p.Overdue.IsPositive() {
			h = 1 // a small amount still shows
		}
		v.Bars = append(v.Bars, trendBar{Point: p, X: i * trendBarWidth, Y: trendHeight - h, Height: h})
	}
	if n := len(t.Points); n > 0 {
		v.First, v.Last = t.Points[0], t.Points[n-1]
	}
	return v
}

// watchRow is a client to watch: a late payer (its scorecard segment) that
// owes something now, due or not.
type watchRow struct {
	ClientID  int64
	Name      string
	Payer     scorecard.Payer
	Owed      []store.CurrencyAmount
	MedianLag float64
}

// receivablesOf computes the section on day today (the business's calendar
// date); now is the instant the scorecards are computed at.
func (h *Handler) receivablesOf(ctx context.Context, now, today time.Time, loc *time.Location) (receivablesView, error) {
	invs, err := h.opt.Store.Receivables(ctx, loc)
	if err != nil {
		return receivablesView{}, err
	}
	v := receivablesView{
		DSO:     receivables.ComputeDSO(invs, today, receivables.DSOWindowDays),
		Aging:   receivables.ComputeAging(invs, today),
		Buckets: domain.Buckets,
		Debtors: receivables.TopDebtors(invs, today, topDebtors),
	}
	for _, t := range receivables.ComputeTrend(invs, today, receivables.TrendWeeks) {
		v.Trends = append(v.Trends, trendViewOf(t))
	}
	// Clients to watch: among those who owe something (an invoice not yet
	// due from a late payer is the one to secure), the ones whose scorecard
	// says they pay late by habit (chronic) or now and then (occasional),
	// chronic first, then by how late they usually pay.
	judged := map[int64]bool{} // one scorecard per client, whatever its currencies
	for _, d := range receivables.TopDebtors(invs, today, 0) {
		if len(judged) >= watchCandidates && !judged[d.ClientID] {
			break
		}
		if i := indexOfClient(v.Watch, d.ClientID); i >= 0 {
			v.Watch[i].Owed = append(v.Watch[i].Owed, store.CurrencyAmount{Currency: d.Currency, Amount: d.Outstanding})
			continue
		}
		if judged[d.ClientID] {
			continue
		}
		judged[d.ClientID] = true
		hist, err := h.opt.Store.BehaviourHistory(ctx, d.ClientID)
		if err != nil {
			return receivablesView{}, err
		}
		card := scorecard.Compute(hist.Scorecard(), now.In(loc))
		if p := card.Segment.Payer; p == scorecard.PayerChronic || p == scorecard.PayerOccasional {
			v.Watch = append(v.Watch, watchRow{ClientID: d.ClientID, Name: d.ClientName, Payer: p, MedianLag: card.MedianDaysLate,
				Owed: []store.CurrencyAmount{{Currency: d.Currency, Amount: d.Outstanding}}})
		}
	}
	sort.SliceStable(v.Watch, func(i, j int) bool {
		a, b := v.Watch[i], v.Watch[j]
		if (a.Payer == scorecard.PayerChronic) != (b.Payer == scorecard.PayerChronic) {
			return a.Payer == scorecard.PayerChronic
		}
		return a.MedianLag > b.MedianLag
	})
	if len(v.Watch) > watchList {
		v.Watch = v.Watch[:watchList]
	}
	return v, nil
}

func indexOfClient(rows []watchRow, id int64) int {
	for i, r := range rows {
		if r.ClientID == id {
			return i
		}
	}
	return -1
}
