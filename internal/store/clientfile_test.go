package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/relance/relance/internal/contact"
	"github.com/relance/relance/internal/domain"
)

// An unconfirmed guess is what the policy reads (a consumer guess keeps
// penalties out); once the owner confirms a kind, no guess changes it.
func TestKindGuessUntilConfirmed(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		ctx := context.Background()
		s := openTest(t)
		addInvoice(t, s, "F-1", "claire.dupont@orange.fr", "100")
		c, err := s.ClientSummaryByEmail(ctx, "claire.dupont@orange.fr", t0)
		if err != nil {
			t.Fatal(err)
		}
		update := func(fn func(tx *Tx) error) {
			t.Helper()
			if err := s.Update(ctx, t0, fn); err != nil {
				t.Fatal(err)
			}
		}
		file := func() ClientFile {
			t.Helper()
			f, err := s.ClientFileByID(ctx, c.ID, t0)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
		update(func(tx *Tx) error {
			return tx.SetKindGuess(c.ID, contact.GuessKind(contact.Buyer{Name: "Claire Dupont", Email: "claire.dupont@orange.fr"}))
		})
		if f := file(); f.Kind != domain.ClientConsumer || f.KindGuess != domain.ClientConsumer || f.KindConfirmed || f.GuessWhy["fr"] == "" {
			t.Fatalf("after a consumer guess: %+v", f)
		}
		update(func(tx *Tx) error {
			_, _, err := tx.SetClientKind("claire.dupont@orange.fr", domain.ClientBusiness, domain.ActorWeb)
			return err
		})
		update(func(tx *Tx) error {
			return tx.SetKindGuess(c.ID, contact.Guess{Kind: domain.ClientConsumer, WhyFR: "x", WhyEN: "x"})
		})
		if f := file(); f.Kind != domain.ClientBusiness || !f.KindConfirmed {
			t.Fatalf("a guess changed the owner's kind: %+v", f)
		}
	})
}

// The owner adds and removes numbers, sets the address, the date before
// which nothing is sent, and notes; a removed number found again in a mail
// stays removed; an owner's address is not overwritten by an invoice's.
func TestUpdateClientFile(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		ctx := context.Background()
		s := openTest(t)
		addInvoice(t, s, "F-1", "compta@dupont.fr", "100")
		c, err := s.ClientSummaryByEmail(ctx, "compta@dupont.fr", t0)
		if err != nil {
			t.Fatal(err)
		}
		change := func(ch ClientFileChange) error {
			return s.Update(ctx, t0, func(tx *Tx) error {
				_, err := tx.UpdateClientFile("Compta@dupont.fr", ch, domain.ActorCLI)
				return err
			})
		}
		found := contact.Phones("Tél 01 23 45 67 89\nFax 01 23 45 67 90")
		if err := s.Update(ctx, t0, func(tx *Tx) error { return tx.FoundPhones(c.ID, domain.ContactFromSignature, 0, t0, found) }); err != nil {
			t.Fatal(err)
		}
		addr, notes := "4 place du Marché, 69007 Lyon", "Paie toujours après relance téléphonique."
		nb := time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC)
		if err := change(ClientFileChange{AddPhones: []string{"+44 161 496 0000 ext 12"}, RemovePhones: []string{"01.23.45.67.89"},
			Address: &addr, NotBefore: &nb, Notes: &notes}); err != nil {
			t.Fatal(err)
		}
		// Found again: the removed number does not come back.
		if err := s.Update(ctx, t0.Add(time.Hour), func(tx *Tx) error {
			if err := tx.FoundPhones(c.ID, domain.ContactFromSignature, 0, t0.Add(time.Hour), found); err != nil {
				return err
			}
			return tx.SetClientAddress(c.ID, "1 rue Autre, 75001 Paris")
		}); err != nil {
			t.Fatal(err)
		}
		f, err := s.ClientFileByID(ctx, c.ID, t0)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range f.Phones {
			got = append(got, p.Display()+" "+string(p.Kind)+" "+string(p.Source))
		}
		want := []string{"+44 161 496 0000 ext. 12 phone owner", "01 23 45 67 90 fax signature"}
		if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
			t.Errorf("phones %q, want %q", got, want)
		}
		if f.Address != addr || f.AddressSource != "owner" || !f.NotBefore.Equal(nb) || f.Notes != notes {
			t.Errorf("file: %q %q %v %q", f.Address, f.AddressSource, f.NotBefore, f.Notes)
		}
		// The policy reads the date through the chasing view.
		if cc, err := s.ChasingClient(ctx, c.ID); err != nil || cc == nil || !cc.NotBefore.Equal(nb) {
			t.Errorf("chasing view: %+v %v", cc, err)
		}
		if err := change(ClientFileChange{AddPhones: []string{"call me"}}); !errors.Is(err, ErrBadPhone) {
			t.Errorf("a bad number: %v", err)
		}
		if err := change(ClientFileChange{RemovePhones: []string{"06 00 00 00 00"}}); !errors.Is(err, ErrNoSuchPhone) {
			t.Errorf("removing a number the client lacks: %v", err)
		}
		var zero time.Time
		if err := change(ClientFileChange{NotBefore: &zero}); err != nil {
			t.Fatal(err)
		}
		if f, _ := s.ClientFileByID(ctx, c.ID, t0); !f.NotBefore.IsZero() {
			t.Errorf("not_before not cleared: %v", f.NotBefore)
		}
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM events WHERE client_id = ? AND kind IN (?, ?, ?)`, c.ID,
			domain.EventClientPhoneAdded, domain.EventClientPhoneRemoved, domain.EventClientFileSet).Scan(&n); err != nil || n != 6 {
			t.Errorf("events: %d %v, want 2 found + 1 added + 1 removed + 2 file changes", n, err)
		}
	})
}
