package engine

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/payment"
	"github.com/relance/relance/internal/store"
)

var settleNow = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

// settleLedger holds two open invoices of one client, 600 € and 400 €.
func settleLedger(t *testing.T) (*store.Store, map[string]int64) {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ids := map[string]int64{}
	err = st.Update(context.Background(), settleNow.AddDate(0, -1, 0), func(tx *store.Tx) error {
		c, err := tx.EnsureClient("compta@martin.test", "SARL Martin", "fr")
		if err != nil {
			return err
		}
		for num, amount := range map[string]int64{"F-2026-014": 600, "F-2026-019": 400} {
			if ids[num], _, err = tx.UpsertInvoice(store.NewInvoice{Number: num, ClientID: c.ID, Amount: decimal.NewFromInt(amount),
				Currency: "EUR", IssueDate: settleNow.AddDate(0, -1, 0), DueDate: settleNow.AddDate(0, 0, -5)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return st, ids
}

func settle(t *testing.T, st *store.Store, ps []payment.Payment, src PaymentSource) []payment.Result {
	t.Helper()
	var rs []payment.Result
	err := st.Update(context.Background(), settleNow, func(tx *store.Tx) error {
		var err error
		rs, err = SettlePayments(tx, ps, src)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func outcomes(rs []payment.Result) string {
	var out []string
	for _, r := range rs {
		out = append(out, string(r.Outcome))
	}
	return strings.Join(out, " ")
}

func line(n int, amount int64, ref, ext string) payment.Payment {
	return payment.Payment{Amount: decimal.NewFromInt(amount), Currency: "EUR", Date: settleNow.AddDate(0, 0, -1), Payer: "SARL MARTIN",
		Reference: ref, ExternalRef: ext, Source: payment.SourceCSV, Line: n}
}

// A statement's lines are matched in order and settled; importing the same
// statement again records nothing.
func TestSettlePaymentsFromAStatement(t *testing.T) {
	ctx := context.Background()
	st, ids := settleLedger(t)
	stmt := []payment.Payment{line(2, 600, "FACT F-2026-014", "csv:a"), line(3, 12, "DON", "csv:b"), line(4, 400, "F-2026-019", "csv:c")}
	stmt[1].Payer = "M. PAUL INCONNU"
	rs := settle(t, st, stmt, PaymentSource{Actor: domain.ActorCLI})
	if got := outcomes(rs); got != "matched unknown matched" {
		t.Fatalf("outcomes %s", got)
	}
	for num, id := range ids {
		if inv, _ := st.InvoiceByID(ctx, id); inv.State != domain.StatePaid || !inv.Balance.IsZero() {
			t.Errorf("%s: %s, balance %s", num, inv.State, inv.Balance)
		}
	}
	if got := outcomes(settle(t, st, stmt, PaymentSource{Actor: domain.ActorCLI})); got != "duplicate duplicate duplicate" {
		t.Fatalf("second import: %s", got)
	}
	// A statement line from an unknown payer is only reported; nothing
	// was flagged.
	if fs, _ := st.Flags(ctx); len(fs) != 0 {
		t.Fatalf("flags %+v", fs)
	}
}

// The notice mail and the statement line of one transfer are one payment,
// whichever comes first; a notice from an unknown payer is flagged.
func TestSettlePaymentsNoticeAndStatementAreOneTransfer(t *testing.T) {
	ctx := context.Background()
	st, ids := settleLedger(t)
	notice := payment.Payment{Amount: decimal.NewFromInt(600), Currency: "EUR", Date: settleNow.AddDate(0, 0, -1), Payer: "SARL MARTIN",
		Reference: "F-2026-014", ExternalRef: "notice:n1", Source: payment.SourceNotice}
	if got := outcomes(settle(t, st, []payment.Payment{notice}, PaymentSource{FlagUnknown: true, Actor: domain.ActorDaemon})); got != "matched" {
		t.Fatalf("notice: %s", got)
	}
	rs := settle(t, st, []payment.Payment{line(7, 600, "VIR SARL MARTIN", "csv:x")}, PaymentSource{Actor: domain.ActorCLI})
	if rs[0].Outcome != payment.Duplicate || rs[0].Reason != "already recorded from notice:n1" {
		t.Fatalf("statement after the notice: %+v", rs[0])
	}
	if inv, _ := st.InvoiceByID(ctx, ids["F-2026-014"]); !inv.Balance.IsZero() {
		t.Fatalf("the transfer was applied twice: balance %s", inv.Balance)
	}
	if inv, _ := st.InvoiceByID(ctx, ids["F-2026-019"]); !inv.Balance.Equal(decimal.NewFromInt(400)) {
		t.Fatalf("F-2026-019 balance %s", inv.Balance)
	}
	stranger := payment.Payment{Amount: decimal.NewFromInt(77), Currency: "EUR", Date: settleNow, Payer: "M. INCONNU",
		ExternalRef: "notice:n2", Source: payment.SourceNotice}
	settle(t, st, []payment.Payment{stranger}, PaymentSource{FlagUnknown: true, Actor: domain.ActorDaemon})
	fs, _ := st.Flags(ctx)
	if len(fs) != 1 || fs[0].Kind != domain.FlagTriage {
		t.Fatalf("flags after a notice from a stranger: %+v", fs)
	}
}
