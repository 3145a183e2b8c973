package policy

import (
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
)

// benchClients builds n clients holding perClient invoices each, with due
// dates, stages and states spread deterministically.
func benchClients(n, perClient int, today Date, loc *time.Location) []ClientState {
	states := []domain.State{domain.StateOpen, domain.StateOpen, domain.StateOpen, domain.StateOpen, domain.StatePromised, domain.StatePaidClaimed,
		domain.StateDisputed, domain.StatePaid, domain.StateOnHold, domain.StatePlan}
	out := make([]ClientState, n)
	k := 0
	for i := range out {
		c := ClientState{Client: Client{ID: int64(i + 1), Emails: []string{fmt.Sprintf("ap%d@client%d.example", i, i)}}}
		if i%7 == 0 {
			c.LastContact = today.AddDays(-(i % 9)).At(loc, 10, 0)
		}
		if i%11 == 0 {
			c.LastInbound = today.AddDays(-(i % 4)).At(loc, 15, 0)
		}
		for j := 0; j < perClient; j++ {
			k++
			inv := InvoiceState{
				ID: int64(k), Number: fmt.Sprintf("F-%d", k),
				Amount: decimal.NewFromInt(int64(100 + k%5000)), Balance: decimal.NewFromInt(int64(100 + k%5000)),
				Currency: "EUR", DueDate: today.AddDays(-(k % 90) + 10), State: states[k%len(states)],
				LastStageSent: k % 4, PromiseDate: today.AddDays(k%5 - 2), StateSince: today.AddDays(-(k % 10)).At(loc, 9, 0),
			}
			c.Invoices = append(c.Invoices, inv)
		}
		out[i] = c
	}
	return out
}

// BenchmarkDecide measures one pass over 20,000 clients holding 100,000
// invoices (the target is under one second per pass).
func BenchmarkDecide(b *testing.B) {
	p := defaultPolicy(b)
	now := time.Date(2026, 1, 13, 10, 0, 0, 0, p.Location)
	clients := benchClients(20000, 5, DateIn(now, p.Location), p.Location)
	b.ReportAllocs()
	b.ResetTimer()
	actions := map[Action]int{}
	for b.Loop() {
		for _, c := range clients {
			d := Decide(now, c, p)
			actions[d.Action]++
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(clients)), "ns/client")
	if actions[ActionDraft] == 0 || actions[ActionNone] == 0 {
		b.Fatalf("degenerate data: %v", actions)
	}
}
