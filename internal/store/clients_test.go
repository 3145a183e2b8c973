package store

import (
	"context"
	"errors"
	"testing"

	"github.com/relance/relance/internal/domain"
)

func TestSetClientKind(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		ctx := context.Background()
		s := openTest(t)
		addInvoice(t, s, "F-1", "Compta@Dupont.fr", "100")
		set := func(email string, k domain.ClientKind) (Client, bool, error) {
			var c Client
			var changed bool
			err := s.Update(ctx, t0, func(tx *Tx) (err error) {
				c, changed, err = tx.SetClientKind(email, k, domain.ActorCLI)
				return err
			})
			return c, changed, err
		}
		b2c := func() bool {
			t.Helper()
			cs, err := s.ChasingClients(ctx)
			if err != nil || len(cs) != 1 {
				t.Fatalf("chasing clients: %v %d", err, len(cs))
			}
			return cs[0].B2C
		}
		kindEvents := func() []string {
			t.Helper()
			var out []string
			rows, err := s.db.QueryContext(ctx, `SELECT actor, detail FROM events WHERE kind = ? ORDER BY id`, domain.EventClientKindSet)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var actor, detail string
				if err := rows.Scan(&actor, &detail); err != nil {
					t.Fatal(err)
				}
				out = append(out, actor+" "+detail)
			}
			return out
		}
		if b2c() {
			t.Fatal("a new client is a consumer")
		}
		// The address is found whatever its case.
		c, changed, err := set(" compta@DUPONT.fr", domain.ClientConsumer)
		if err != nil || !changed || c.Email != "compta@dupont.fr" {
			t.Fatalf("set consumer: %+v %v %v", c, changed, err)
		}
		if !b2c() {
			t.Fatal("b2c not set")
		}
		// The same kind again changes and logs nothing.
		if _, changed, err := set("compta@dupont.fr", domain.ClientConsumer); err != nil || changed {
			t.Fatalf("set consumer again: %v %v", changed, err)
		}
		if _, changed, err := set("compta@dupont.fr", domain.ClientBusiness); err != nil || !changed {
			t.Fatalf("set business: %v %v", changed, err)
		}
		if b2c() {
			t.Fatal("b2c still set")
		}
		want := []string{`cli {"kind":"consumer","was":"business"}`, `cli {"kind":"business","was":"consumer"}`}
		if got := kindEvents(); len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
			t.Fatalf("events %q, want %q", got, want)
		}
		if _, _, err := set("nobody@x.fr", domain.ClientConsumer); !errors.Is(err, ErrNotFound) {
			t.Fatalf("unknown client: %v", err)
		}
		if _, _, err := set("compta@dupont.fr", "particulier"); err == nil {
			t.Fatal("an unknown kind was accepted")
		}
		if got := kindEvents(); len(got) != 2 {
			t.Fatalf("a refused change was logged: %q", got)
		}
	})
}
