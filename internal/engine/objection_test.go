package engine

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
)

// Every client reply's objection is read and kept on the flag that carries
// it: the reply's own flag (a dispute, a question, a hardship), else an
// objection flag that pauses nothing; the chasing follows the class. The
// store then hands the outbox one question per reply, with its objection.
func TestRepliesRecordTheirObjection(t *testing.T) {
	e, st := newEngine(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)
	const us = "Atelier Test <factures@atelier.test>"
	replies := []struct {
		number, body string
		class        domain.ReplyClass
		flag         domain.FlagKind
		objection    domain.Objection
		state        domain.State
	}{
		{"FA-2026-0101", "Bonjour,\n\nLe chèque pour la facture FA-2026-0101 est parti par la poste lundi dernier, vous devriez le recevoir cette semaine.\n\nCordialement,\nMarc Durand",
			domain.ReplyPaid, domain.FlagObjection, domain.ObjectionChequeInPost, domain.StatePaidClaimed},
		{"FA-2026-0102", "Hello,\n\nThe amount on invoice FA-2026-0102 does not match the signed quote: you charged 1,800 instead of 1,500. Please correct it.\n\nBest regards,\nMark Durand",
			domain.ReplyDispute, domain.FlagDispute, domain.ObjectionWrongAmount, domain.StateDisputed},
		{"FA-2026-0103", "Bonjour,\n\nNous n'avons jamais reçu la facture FA-2026-0103. Pouvez-vous nous la renvoyer ?\n\nCordialement,\nMarc Durand",
			domain.ReplyInfoRequest, domain.FlagInfoRequest, domain.ObjectionNotReceived, domain.StateOpen},
	}
	for i, r := range replies {
		ingestAll(t, e, sentMail(uint32(i+1), us, fmt.Sprintf("Client %d <compta@client%d.fr>", i, i), "Facture "+r.number, at,
			fmt.Sprintf("Bonjour,\nVeuillez trouver notre facture n° %s d'un montant de 1 440,00 € TTC.\nDate d'échéance : 3 décembre 2026\n", r.number)))
		ingestAll(t, e, inboxMail(uint32(i+1), fmt.Sprintf("Client %d <compta@client%d.fr>", i, i), "Re: Facture "+r.number,
			fmt.Sprintf("sent-%d@relance.test", i+1), at.Add(48*time.Hour), r.body))
	}
	clients, err := st.ChasingClients(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range replies {
		inv := invoiceNamed(t, st, r.number)
		if inv.State != r.state {
			t.Errorf("%s: state %s, want %s (the class decides the chasing)", r.number, inv.State, r.state)
		}
		var found *store.Flag
		for _, f := range flagsOf(t, st, r.flag) {
			if f.InvoiceID == inv.ID {
				f := f
				found = &f
			}
		}
		if found == nil || found.Objection != r.objection || !slices.Contains(found.Evidence, store.ObjectionEvidence(r.objection)) {
			t.Errorf("%s: %s flag %+v, want it to carry %s", r.number, r.flag, found, r.objection)
			continue
		}
		asked := false
		for _, c := range clients {
			for _, q := range c.Questions {
				if slices.Contains(q.InvoiceIDs, inv.ID) && q.Objection == r.objection && q.FlagID == found.ID {
					asked = true
				}
			}
		}
		if !asked {
			t.Errorf("%s: no question with objection %s for the outbox", r.number, r.objection)
		}
	}
	// The owner's correction supersedes nothing yet (no answer drafted)
	// and moves the kind.
	f := flagsOf(t, st, domain.FlagDispute)[0]
	if err := st.Update(ctx, at.Add(72*time.Hour), func(tx *store.Tx) error {
		return tx.SetObjection(f.ID, domain.ObjectionProgressPaymentDefect, domain.ActorCLI)
	}); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Flag(ctx, f.ID); got.Objection != domain.ObjectionProgressPaymentDefect ||
		!slices.Contains(got.Evidence, store.ObjectionEvidence(domain.ObjectionProgressPaymentDefect)) ||
		slices.Contains(got.Evidence, store.ObjectionEvidence(domain.ObjectionWrongAmount)) {
		t.Errorf("after the correction: %q %q", got.Objection, got.Evidence)
	}
	if err := st.Update(ctx, at, func(tx *store.Tx) error { return tx.SetObjection(f.ID, "rain", domain.ActorCLI) }); err == nil {
		t.Error("an unknown objection was accepted")
	}
}
