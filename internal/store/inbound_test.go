package store

import (
	"context"
	"testing"
	"time"
)

// A message about an invoice, from whatever address, is a message from its
// client: its time becomes the client's last inbound (never moved back).
func TestInvoiceClientHeardFrom(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		s := openTest(t)
		ctx := context.Background()
		id := addInvoice(t, s, "FA-2025-0319", "compta@client19.fr", "1000.00")
		addInvoice(t, s, "FA-2025-0320", "compta@client20.fr", "500.00")
		later := t0.Add(72 * time.Hour)
		for _, at := range []time.Time{later, t0.Add(24 * time.Hour)} {
			if err := s.Update(ctx, at, func(tx *Tx) error { return tx.InvoiceClientHeardFrom(id, at) }); err != nil {
				t.Fatal(err)
			}
		}
		cs, err := s.ChasingClients(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 2 {
			t.Fatalf("%d chasing clients, want 2", len(cs))
		}
		for _, c := range cs {
			want := time.Time{}
			if c.Email == "compta@client19.fr" {
				want = later
			}
			if !c.LastInbound.Equal(want) {
				t.Errorf("%s: last inbound %s, want %s", c.Email, c.LastInbound, want)
			}
		}
	})
}
