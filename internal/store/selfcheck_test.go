package store

import (
	"context"
	"testing"

	"github.com/relance/relance/internal/domain"
)

// A corrected invoice resolves its invoice's self_check flags, and only
// those: another invoice's, and other kinds, stay open. The last stage
// tells whether the first reminder is still to come.
func TestResolveSelfChecks(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		s := openTest(t)
		ctx := context.Background()
		a := addInvoice(t, s, "F-1", "a@example.com", "100")
		b := addInvoice(t, s, "F-2", "b@example.com", "200")
		err := s.Update(ctx, t0, func(tx *Tx) error {
			for _, f := range []Flag{
				{Kind: domain.FlagSelfCheck, InvoiceID: a, Evidence: []string{"missing: due_date"}},
				{Kind: domain.FlagSelfCheck, InvoiceID: a, Evidence: []string{"no SIREN"}},
				{Kind: domain.FlagDispute, InvoiceID: a, Evidence: []string{"not delivered"}},
				{Kind: domain.FlagSelfCheck, InvoiceID: b, Evidence: []string{"no SIREN"}},
			} {
				if _, err := tx.OpenFlag(f); err != nil {
					return err
				}
			}
			if stage, err := tx.InvoiceLastStage(a); err != nil || stage != 0 {
				t.Errorf("last stage %d, %v; want 0", stage, err)
			}
			n, err := tx.ResolveSelfChecks(a, "corrected invoice sent")
			if err != nil {
				return err
			}
			if n != 2 {
				t.Errorf("resolved %d flags, want 2", n)
			}
			if n, err := tx.ResolveSelfChecks(a, "corrected invoice sent"); err != nil || n != 0 {
				t.Errorf("resolved again: %d, %v; want none", n, err)
			}
			if err := tx.ManualContact([]int64{a}, 2, t0); err != nil {
				return err
			}
			if stage, err := tx.InvoiceLastStage(a); err != nil || stage != 2 {
				t.Errorf("last stage %d, %v; want 2", stage, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		flags, err := s.Flags(ctx)
		if err != nil {
			t.Fatal(err)
		}
		open := map[string]int{}
		for _, f := range flags {
			switch {
			case f.Status != domain.FlagResolved:
				open[f.InvoiceNum+" "+string(f.Kind)]++
			case f.Resolution != "corrected invoice sent":
				t.Errorf("flag %d resolved with %q", f.ID, f.Resolution)
			}
		}
		if len(open) != 2 || open["F-1 dispute"] != 1 || open["F-2 self_check"] != 1 {
			t.Errorf("open flags %v, want F-1's dispute and F-2's self_check", open)
		}
	})
}
