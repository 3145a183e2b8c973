package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
)

// sendDraft records a draft of the client about invs as sent at `at`.
func sendDraft(t *testing.T, s *Store, at time.Time, clientID int64, stage string, kind domain.StageKind, msgID string, invs ...int64) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	if err := s.Update(ctx, at, func(tx *Tx) error {
		var err error
		id, err = tx.CreateDraft(NewDraft{ClientID: clientID, Stage: stage, StageNumber: 1, Kind: kind, To: []string{"a@x.fr"},
			Subject: "Relance " + stage, Body: "Bonjour", HoldUntil: at, MessageID: msgID, InvoiceIDs: invs}, domain.ActorDaemon)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	d, err := s.DraftDetail(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Update(ctx, at, func(tx *Tx) error { return tx.DraftSent(d, domain.ActorDaemon) }); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestHandoverRecordAndFile(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		ctx := context.Background()
		s := openTest(t)
		owed := addInvoice(t, s, "F-1", "a@x.fr", "1200")
		paid := addInvoice(t, s, "F-2", "a@x.fr", "300")
		other := addInvoice(t, s, "F-9", "b@y.fr", "50")
		c, _, err := s.InvoiceClient(ctx, owed)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Update(ctx, t0, func(tx *Tx) error {
			if err := tx.SetClientAddress(c.ID, "14 avenue Jean Jaurès, 69007 Lyon"); err != nil {
				return err
			}
			if _, _, err := tx.RecordPayment(Payment{InvoiceID: paid, Amount: decimal.RequireFromString("300"), Currency: "EUR", PaidOn: t0,
				Source: "manual", ExternalRef: "p-2"}, domain.ActorCLI); err != nil {
				return err
			}
			_, _, err := tx.RecordPayment(Payment{InvoiceID: owed, Amount: decimal.RequireFromString("200"), Currency: "EUR",
				PaidOn: t0.AddDate(0, 0, 40), Source: "manual", ExternalRef: "p-1"}, domain.ActorCLI)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		sendDraft(t, s, t0.AddDate(0, 0, 37), c.ID, "friendly", domain.KindMessage, "<r1@x>", owed)
		sendDraft(t, s, t0.AddDate(0, 0, 75), c.ID, "formal_notice", domain.KindFormalNotice, "<n1@x>", owed)
		reply := addReply(t, s, owed, 7, "other", "")
		addReply(t, s, other, 8, "other", "")

		r, err := s.HandoverRecordOf(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.Client.Name != "Client a@x.fr" || r.Client.Address != "14 avenue Jean Jaurès, 69007 Lyon" || r.Consumer {
			t.Errorf("client %+v consumer=%v", r.Client, r.Consumer)
		}
		if len(r.Invoices) != 1 || r.Invoices[0].Number != "F-1" || !r.Invoices[0].Balance.Equal(decimal.RequireFromString("1000")) ||
			!r.Invoices[0].Paid().Equal(decimal.RequireFromString("200")) || len(r.Invoices[0].Payments) != 1 {
			t.Fatalf("invoices %+v: want F-1 only, 200 paid, 1000 owed (F-2 is paid)", r.Invoices)
		}
		if len(r.Sent) != 2 || r.Sent[0].Stage != "friendly" || r.Sent[1].Kind != domain.KindFormalNotice ||
			!r.Sent[1].SentAt.Equal(t0.AddDate(0, 0, 75)) || r.Sent[0].MessageID != "<r1@x>" || len(r.Sent[0].InvoiceIDs) != 1 {
			t.Errorf("sent %+v", r.Sent)
		}
		if len(r.Replies) != 1 || r.Replies[0].ID != reply || r.Replies[0].Text == "" || r.Replies[0].From != "a@client.fr" {
			t.Errorf("replies %+v: want the one reply about F-1 with its text", r.Replies)
		}

		if _, err := s.HandoverFileOf(ctx, owed); !errors.Is(err, ErrNotFound) {
			t.Fatalf("file before any was built: %v", err)
		}
		for i, pdf := range []string{"%PDF-1 first", "%PDF-1 second"} {
			if err := s.Update(ctx, t0.AddDate(0, 0, 90+i), func(tx *Tx) error {
				_, err := tx.SaveHandoverFile(HandoverFile{ClientID: c.ID, InvoiceID: owed, Reason: "hostile", PDFName: "d.pdf",
					PDF: []byte(pdf), ZIPName: "d.zip", ZIP: []byte("PK")})
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		f, err := s.HandoverFileOf(ctx, owed)
		if err != nil {
			t.Fatal(err)
		}
		if string(f.PDF) != "%PDF-1 second" || f.Reason != "hostile" || f.ZIPName != "d.zip" || !f.CreatedAt.Equal(t0.AddDate(0, 0, 91)) {
			t.Errorf("file %+v: want the latest", f)
		}
		evs, err := s.Events(ctx, owed)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range evs {
			if e.Kind == domain.EventHandoverPrepared {
				n++
			}
		}
		if n != 2 {
			t.Errorf("%d handover_prepared events, want 2", n)
		}

		// A client that owes nothing has no file.
		if err := s.Update(ctx, t0, func(tx *Tx) error { return tx.SetInvoiceState(owed, domain.StatePaid) }); err != nil {
			t.Fatal(err)
		}
		if _, err := s.HandoverRecordOf(ctx, c.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("record of a client owing nothing: %v", err)
		}
	})
}
