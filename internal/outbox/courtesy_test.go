package outbox

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/store"
)

// courtesyWorld is a crash-free world (see crashWorld) with one invoice of
// 900 EUR, due 19 August 2026, under a plan of three instalments of 300
// agreed on 1 September.
func courtesyWorld(t *testing.T) (*crashWorld, int64) {
	t.Helper()
	ctx := context.Background()
	w := startWorld(t, false)
	var invoiceID int64
	if err := w.st.Update(ctx, crashParis(t, 2026, 9, 1, 10, 0), func(tx *store.Tx) error {
		var err error
		invoiceID, err = seedInvoice(tx, "f.delorme@delorme.fr", "Delorme Bâtiment", "F-2026-0501", "900.00",
			time.Date(2026, 7, 20, 0, 0, 0, 0, time.UTC), time.Date(2026, 8, 19, 0, 0, 0, 0, time.UTC))
		if err != nil {
			return err
		}
		var plan []store.NewInstalment
		for _, due := range []time.Time{time.Date(2026, 9, 15, 0, 0, 0, 0, time.UTC), time.Date(2026, 10, 15, 0, 0, 0, 0, time.UTC),
			time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)} {
			plan = append(plan, store.NewInstalment{Due: due, Amount: decimal.RequireFromString("300")})
		}
		_, err = tx.RecordPlan(invoiceID, plan, domain.ActorWeb)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return w, invoiceID
}

// pass runs the process's pass at now.
func (w *crashWorld) pass(now time.Time) {
	w.t.Helper()
	if err := w.x.Pass(context.Background(), now); err != nil {
		w.t.Fatalf("pass at %s: %v", now, err)
	}
}

// pay records a payment towards the invoice.
func (w *crashWorld) pay(invoiceID int64, amount string, at time.Time) {
	w.t.Helper()
	if err := w.st.Update(context.Background(), at, func(tx *store.Tx) error {
		_, _, err := tx.RecordPayment(store.Payment{InvoiceID: invoiceID, Amount: decimal.RequireFromString(amount), PaidOn: at,
			Source: "manual"}, domain.ActorWeb)
		return err
	}); err != nil {
		w.t.Fatal(err)
	}
}

// stages lists the drafts' stages and statuses, oldest first.
func (w *crashWorld) stages() []string {
	w.t.Helper()
	all, err := w.st.Drafts(context.Background())
	if err != nil {
		w.t.Fatal(err)
	}
	slices.SortFunc(all, func(a, b store.Draft) int { return int(a.ID - b.ID) })
	var out []string
	for _, d := range all {
		out = append(out, d.Stage+":"+string(d.Status))
	}
	return out
}

// supersededFor is the reason recorded when the draft was superseded.
func (w *crashWorld) supersededFor(invoiceID, draftID int64) string {
	w.t.Helper()
	events, err := w.st.Events(context.Background(), invoiceID)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, e := range events {
		if e.DraftID == draftID && e.Kind == domain.DraftSuperseded.Event() {
			var detail struct{ Reason string }
			if err := json.Unmarshal(e.Detail, &detail); err != nil {
				w.t.Fatal(err)
			}
			return detail.Reason
		}
	}
	return ""
}

func (w *crashWorld) openFlagKinds() []string {
	w.t.Helper()
	flags, err := w.st.Flags(context.Background(), domain.FlagOpen)
	if err != nil {
		w.t.Fatal(err)
	}
	var out []string
	for _, f := range flags {
		out = append(out, string(f.Kind))
	}
	return out
}

// The outbox carries out what the policy decides for a plan: one written
// confirmation, a reminder for the first missed instalment (retired when
// it is paid before it goes), a flag and no reminder for a second miss,
// and a plan message retired once the plan is over.
func TestCourtesyMailsFollowThePlan(t *testing.T) {
	w, invoiceID := courtesyWorld(t)
	ctx := context.Background()
	want := func(when string, stages ...string) {
		t.Helper()
		if got := w.stages(); !slices.Equal(got, stages) {
			t.Fatalf("%s: drafts %v, want %v", when, got, stages)
		}
	}

	w.pass(crashParis(t, 2026, 9, 1, 18, 0))
	w.pass(crashParis(t, 2026, 9, 1, 18, 5))
	want("the plan agreed", "plan_confirmation:held")
	d := w.draft()
	if err := w.st.Update(ctx, crashParis(t, 2026, 9, 2, 9, 30), func(tx *store.Tx) error {
		return tx.ApproveDraft(d.ID, domain.ActorWeb, "")
	}); err != nil {
		t.Fatal(err)
	}
	w.pass(crashParis(t, 2026, 9, 2, 10, 0))
	want("the confirmation approved", "plan_confirmation:sent")

	// The first instalment is missed: a reminder, once; paid the next
	// day, before the reminder goes, which is then retired.
	w.pass(crashParis(t, 2026, 9, 16, 18, 0))
	w.pass(crashParis(t, 2026, 9, 16, 18, 5))
	want("the first instalment missed", "plan_confirmation:sent", "instalment_reminder:held")
	reminders, err := w.st.Drafts(ctx, domain.DraftHeld)
	if err != nil || len(reminders) != 1 {
		t.Fatalf("held reminders: %v %v", reminders, err)
	}
	w.pay(invoiceID, "300", crashParis(t, 2026, 9, 16, 19, 0))
	w.pass(crashParis(t, 2026, 9, 17, 10, 0))
	want("the instalment paid", "plan_confirmation:sent", "instalment_reminder:superseded")
	if got := w.supersededFor(invoiceID, reminders[0].ID); got != "instalment_paid" {
		t.Errorf("reminder retired for %q, want instalment_paid", got)
	}

	// The second is missed: it is the plan's first miss now, a reminder.
	// The third is missed too: a flag for the owner, no reminder.
	w.pass(crashParis(t, 2026, 10, 16, 18, 0))
	want("the second instalment missed", "plan_confirmation:sent", "instalment_reminder:superseded", "instalment_reminder:held")
	if kinds := w.openFlagKinds(); slices.Contains(kinds, "plan_missed") {
		t.Fatalf("flags after one miss: %v", kinds)
	}
	w.pass(crashParis(t, 2026, 11, 17, 18, 0))
	w.pass(crashParis(t, 2026, 11, 17, 18, 5))
	want("the third instalment missed", "plan_confirmation:sent", "instalment_reminder:superseded", "instalment_reminder:held")
	if kinds := w.openFlagKinds(); len(kinds) != 1 || kinds[0] != "plan_missed" {
		t.Fatalf("flags after two misses: %v, want one plan_missed", kinds)
	}

	// The plan is called off with the reminder still held: the plan is
	// over and its reminder with it.
	held, err := w.st.Drafts(ctx, domain.DraftHeld)
	if err != nil || len(held) != 1 {
		t.Fatalf("held reminders: %v %v", held, err)
	}
	if err := w.st.Update(ctx, crashParis(t, 2026, 11, 18, 9, 0), func(tx *store.Tx) error {
		return tx.CancelPlan(invoiceID, domain.ActorWeb, "the client stopped paying")
	}); err != nil {
		t.Fatal(err)
	}
	w.pass(crashParis(t, 2026, 11, 18, 10, 0))
	if got := w.supersededFor(invoiceID, held[0].ID); got != "plan_ended" {
		t.Errorf("reminder retired for %q (drafts %v), want plan_ended", got, w.stages())
	}
}

// A chased invoice paid is thanked once when the business asks for
// thanks, never otherwise.
func TestThankYouOnlyWhenAskedAndOnce(t *testing.T) {
	for _, thankYou := range []bool{false, true} {
		w := newCrashWorld(t, false)
		w.thankYou = thankYou
		w.restart()
		wednesday := crashParis(t, 2026, 1, 14, 10, 0)
		w.pass(wednesday)
		invs, err := w.st.Invoices(context.Background(), store.InvoiceFilter{})
		if err != nil || len(invs) != 1 {
			t.Fatalf("invoices: %v %v", invs, err)
		}
		w.pay(invs[0].ID, "840.00", wednesday.Add(time.Hour))
		w.pass(wednesday.Add(2 * time.Hour))
		w.pass(wednesday.Add(3 * time.Hour))
		want := []string{"friendly:sent"}
		if thankYou {
			want = append(want, "thank_you:held")
		}
		if got := w.stages(); !slices.Equal(got, want) {
			t.Errorf("thank-yous asked %v: drafts %v, want %v", thankYou, got, want)
		}
	}
}

// A date promised on a call is confirmed in writing: the outcome the web
// page and the command line log (store.Tx.LogTaskOutcome) puts the invoice
// in promised, and the next pass holds one confirmation naming the date,
// in the client's language; paid before it goes, the confirmation is
// retired. A promise the client wrote in a reply needs no confirmation.
func TestPromiseOnACallIsConfirmedInWriting(t *testing.T) {
	for _, tc := range []struct {
		lang string
		want []string
	}{
		{"fr", []string{"F-2026-0601 : confirmation de votre règlement au 2 octobre 2026",
			"Merci pour notre échange téléphonique", "nous parviendra au plus tard le 2 octobre 2026", "900,00 €"}},
		{"en", []string{"F-2026-0601: confirming your payment by 2 October 2026",
			"Thank you for our phone call", "will reach us by 2 October 2026 at the latest", "€900.00"}},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			ctx := context.Background()
			w := startWorld(t, false)
			var invoiceID, call int64
			if err := w.st.Update(ctx, crashParis(t, 2026, 9, 22, 10, 0), func(tx *store.Tx) error {
				c, err := tx.EnsureClient("p.garnier@garnier-menuiserie.fr", "Garnier Menuiserie", tc.lang)
				if err != nil {
					return err
				}
				if invoiceID, _, err = tx.UpsertInvoice(store.NewInvoice{Number: "F-2026-0601", ClientID: c.ID, Amount: decimal.RequireFromString("900.00"),
					Currency: "EUR", IssueDate: time.Date(2026, 7, 20, 0, 0, 0, 0, time.UTC), DueDate: time.Date(2026, 8, 19, 0, 0, 0, 0, time.UTC),
					Language: tc.lang, SourceMessageID: "f-2026-0601@atelier-moreau.fr"}); err != nil {
					return err
				}
				call, err = tx.OpenFlag(store.Flag{Kind: domain.FlagCall, InvoiceID: invoiceID, ClientID: c.ID, Evidence: []string{"call"}})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if err := w.st.Update(ctx, crashParis(t, 2026, 9, 22, 11, 0), func(tx *store.Tx) error {
				return tx.LogTaskOutcome(call, store.TaskOutcome{Outcome: policy.OutcomePromise,
					PromiseDate: time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC), Note: "virement vendredi"}, domain.ActorWeb)
			}); err != nil {
				t.Fatal(err)
			}
			w.pass(crashParis(t, 2026, 9, 22, 18, 0))
			w.pass(crashParis(t, 2026, 9, 22, 18, 5))
			if got := w.stages(); !slices.Equal(got, []string{"promise_confirmation:held"}) {
				t.Fatalf("drafts %v, want one held promise confirmation", got)
			}
			d := w.draft()
			if inv, err := w.st.InvoiceByID(ctx, invoiceID); err != nil || inv.State != domain.StatePromised {
				t.Fatalf("invoice %s %v, want still promised", inv.State, err)
			}
			mail := d.Subject + "\n" + d.Body
			for _, want := range tc.want {
				if !strings.Contains(strings.ReplaceAll(strings.ReplaceAll(mail, "\u00a0", " "), "\u202f", " "), want) {
					t.Errorf("the confirmation lacks %q:\n%s", want, mail)
				}
			}
			if tc.lang == "fr" {
				// Paid before it goes: the payment retires it.
				w.pay(invoiceID, "900", crashParis(t, 2026, 9, 23, 8, 0))
				w.pass(crashParis(t, 2026, 9, 23, 10, 0))
				if got := w.stages(); !slices.Equal(got, []string{"promise_confirmation:superseded"}) {
					t.Errorf("drafts %v after the payment, want the confirmation superseded", got)
				}
				return
			}
			// The owner takes the promise back (the client called to say it
			// will not hold) with the confirmation still held: there is
			// nothing left to confirm.
			if err := w.st.Update(ctx, crashParis(t, 2026, 9, 23, 8, 0), func(tx *store.Tx) error {
				return tx.ChangeState(store.StateChange{InvoiceID: invoiceID, From: domain.StatePromised, To: domain.StateOpen,
					Because: "promise withdrawn", Actor: domain.ActorWeb})
			}); err != nil {
				t.Fatal(err)
			}
			w.pass(crashParis(t, 2026, 9, 23, 10, 0))
			if got := w.supersededFor(invoiceID, d.ID); got != "promise_ended" {
				t.Errorf("confirmation retired for %q (drafts %v), want promise_ended", got, w.stages())
			}
		})
	}

	// Promised in the client's own reply: it is in writing already.
	ctx := context.Background()
	w := startWorld(t, false)
	if err := w.st.Update(ctx, crashParis(t, 2026, 9, 22, 10, 0), func(tx *store.Tx) error {
		id, err := seedInvoice(tx, "p.garnier@garnier-menuiserie.fr", "Garnier Menuiserie", "F-2026-0602", "500.00",
			time.Date(2026, 7, 20, 0, 0, 0, 0, time.UTC), time.Date(2026, 8, 19, 0, 0, 0, 0, time.UTC))
		if err != nil {
			return err
		}
		if err := tx.SetPromise(id, time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC)); err != nil {
			return err
		}
		return tx.SetInvoiceState(id, domain.StatePromised)
	}); err != nil {
		t.Fatal(err)
	}
	w.pass(crashParis(t, 2026, 9, 22, 18, 0))
	if got := w.stages(); slices.Contains(got, "promise_confirmation:held") {
		t.Errorf("drafts %v: a promise written in a reply is confirmed again", got)
	}
}
