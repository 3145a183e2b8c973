package perf

import (
	"context"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/outbox"
	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/store"
)

// BuildLedger fills st with n invoices spread over n/5 clients (at least
// one), all still being chased: open ones at every stage of the ladder,
// promises, payment claims, disputes, holds and plans, a few open flags,
// and contacts. Dates are relative to now.
func BuildLedger(ctx context.Context, st *store.Store, n int, now time.Time) error {
	states := []domain.State{domain.StateOpen, domain.StateOpen, domain.StateOpen, domain.StateOpen, domain.StateOpen,
		domain.StatePromised, domain.StatePaidClaimed, domain.StateDisputed, domain.StateOnHold, domain.StatePlan}
	nClients := max(1, n/5)
	const batch = 5000
	for start := 0; start < n; start += batch {
		err := st.Update(ctx, now, func(tx *store.Tx) error {
			for i := start; i < min(start+batch, n); i++ {
				c, err := tx.EnsureClient(fmt.Sprintf("ap%d@client%d.test", i%nClients, i%nClients), fmt.Sprintf("Client %d", i%nClients), "fr")
				if err != nil {
					return err
				}
				issue := now.AddDate(0, 0, -(i%120)-5)
				id, _, err := tx.UpsertInvoice(store.NewInvoice{Number: fmt.Sprintf("F-%07d", i), ClientID: c.ID,
					Amount: decimal.New(int64(10000+(i*7919)%900000), -2), Currency: "EUR",
					IssueDate: issue, DueDate: issue.AddDate(0, 0, 30), Language: "fr"})
				if err != nil {
					return err
				}
				state := states[i%len(states)]
				if state != domain.StateOpen {
					if err := tx.SetInvoiceState(id, state); err != nil {
						return err
					}
				}
				switch {
				case state == domain.StatePromised:
					if err := tx.SetPromise(id, now.AddDate(0, 0, i%20-10)); err != nil {
						return err
					}
				case state == domain.StateDisputed && i%3 == 0:
					if _, err := tx.OpenFlag(store.Flag{Kind: domain.FlagDispute, InvoiceID: id, ClientID: c.ID}); err != nil {
						return err
					}
				case state == domain.StateOpen && i%4 != 0:
					if err := tx.StageDone([]int64{id}, i%4); err != nil {
						return err
					}
				}
				if i%13 == 0 {
					if err := tx.ClientHeardFrom(c.Email, now.AddDate(0, 0, -(i%9)), time.Time{}); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("perf: build ledger: %w", err)
		}
	}
	return nil
}

// PassResult times one policy pass.
type PassResult struct {
	Clients, Invoices int
	Load, Decide      time.Duration
	Actions           map[policy.Action]int
}

// PolicyPass is the decision half of the outbox pass: every client still
// being chased loaded from the store, then policy.Decide for each.
func PolicyPass(ctx context.Context, st *store.Store, p policy.Policy, now time.Time) (PassResult, error) {
	start := time.Now()
	clients, err := st.ChasingClients(ctx)
	if err != nil {
		return PassResult{}, err
	}
	res := PassResult{Clients: len(clients), Load: time.Since(start), Actions: map[policy.Action]int{}}
	start = time.Now()
	for _, c := range clients {
		s := outbox.ClientState(c)
		res.Invoices += len(s.Invoices)
		res.Actions[policy.Decide(now, s, p).Action]++
	}
	res.Decide = time.Since(start)
	return res, nil
}

// DefaultPolicy is the built-in ladder in Europe/Paris.
func DefaultPolicy() (policy.Policy, error) {
	p, err := policy.DefaultConfig().WithDefaults().Compile()
	if err != nil {
		return policy.Policy{}, fmt.Errorf("perf: policy: %w", err)
	}
	return p, nil
}
