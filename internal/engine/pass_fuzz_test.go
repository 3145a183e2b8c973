package engine

import (
	"bytes"
	"context"
	"fmt"
	"net/mail"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/mailbox"
	"github.com/relance/relance/internal/message"
	"github.com/relance/relance/internal/outbox"
	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/render"
	"github.com/relance/relance/internal/store"
	"github.com/relance/relance/internal/testing/testutil/realdocs"
	"github.com/relance/relance/templates"
)

// passMailbox is the IMAP side of an outbox pass, in memory.
type passMailbox struct {
	mu   sync.Mutex
	next uint32
}

func (m *passMailbox) Append(context.Context, mailbox.Role, []byte, []string, time.Time) (uint32, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.next++
	return m.next, nil
}
func (m *passMailbox) Delete(context.Context, mailbox.Role, uint32) error                { return nil }
func (m *passMailbox) DraftsState(context.Context) ([]mailbox.DraftInfo, error)          { return nil, nil }
func (m *passMailbox) SetFlag(context.Context, mailbox.Role, uint32, string, bool) error { return nil }
func (m *passMailbox) FindMessageID(context.Context, mailbox.Role, string) (uint32, bool, error) {
	return 0, false, nil
}

type passSender struct{}

func (passSender) Send(context.Context, *outbox.Composed) error { return nil }

// fuzzedMail carries doc as mode says: 0 a PDF attachment, 1 an XML
// attachment, 2 the whole mail (header and a text body).
func fuzzedMail(uid uint32, mode byte, doc []byte, at time.Time) mailbox.Fetched {
	switch mode % 3 {
	case 0:
		return sentMail(uid, "Atelier <factures@atelier.test>", "Client X <x@client-x.test>", "Votre facture", at,
			"Bonjour,\nVeuillez trouver ci-joint votre facture.\n", att{"facture.pdf", "application/pdf", doc})
	case 1:
		return sentMail(uid, "Atelier <factures@atelier.test>", "Client X <x@client-x.test>", "Votre facture", at,
			"Bonjour,\nVeuillez trouver ci-joint votre facture.\n", att{"facture.xml", "application/xml", doc})
	}
	header, body := doc, []byte(nil)
	for _, sep := range [][]byte{[]byte("\r\n\r\n"), []byte("\n\n")} {
		if i := bytes.Index(doc, sep); i >= 0 {
			header, body = doc[:i+len(sep)], doc[i+len(sep):]
			break
		}
	}
	return mailbox.Fetched{Folder: "Sent", Role: mailbox.RoleSent, UID: uid, UIDValidity: 7, Header: header,
		Parts: []message.Part{{Path: []int{1}, MediaType: "text/plain", Params: map[string]string{"charset": "utf-8"}, Encoding: "8bit", Body: body}}}
}

// FuzzPass runs a whole pass, discovery then drafting, over a Sent folder
// in which one fuzzed document (a mutated real invoice, as a PDF or XML
// attachment, or a whole mutated mail) sits among three valid invoices.
// Whatever that document holds, the scan records every valid invoice with
// its facts, the outbox pass completes without error, every draft is
// addressed to addresses that parse, and each valid client whose invoice
// the fuzzed document did not touch gets its reminder.
func FuzzPass(f *testing.F) {
	for _, d := range realdocs.Docs {
		data, err := d.Read()
		if err != nil {
			f.Fatal(err)
		}
		mode := byte(1)
		if d.PDF() {
			mode = 0
		}
		f.Add(mode, data)
	}
	for _, d := range realdocs.Docs[:4] {
		raw, err := d.Mail()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(byte(2), raw)
	}
	f.Add(byte(2), []byte("From: Atelier <factures@atelier.test>\nTo: 04 0 11 000 - 12345 12345 - 35\nSubject: Facture F-9\n\nMontant TTC : 10 €\n"))
	pol, err := policy.DefaultPolicy()
	if err != nil {
		f.Fatal(err)
	}
	renderer := render.New(templates.FS)
	issued := time.Date(2026, 9, 1, 10, 0, 0, 0, time.UTC)
	now := time.Date(2026, 10, 20, 8, 0, 0, 0, time.UTC) // a Tuesday, 10:00 in Paris: 19 days late
	f.Fuzz(func(t *testing.T, mode byte, doc []byte) {
		ctx := context.Background()
		st, err := store.Open(ctx, filepath.Join(t.TempDir(), "relance.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		e := New(Options{Store: st, Now: func() time.Time { return now }, Own: []string{"factures@atelier.test"}})
		valid := func(uid uint32) mailbox.Fetched {
			return sentMail(uid, "Atelier <factures@atelier.test>", fmt.Sprintf("Client %d <client%d@valid.test>", uid, uid),
				fmt.Sprintf("Facture F-2026-%04d", uid), issued,
				fmt.Sprintf("Bonjour,\nVoici la facture F-2026-%04d.\nMontant TTC : 1 200,00 €\nÉchéance : 01/10/2026\n", uid))
		}
		batch := []mailbox.Fetched{valid(1), valid(2), fuzzedMail(3, mode, doc, issued), valid(4)}
		if err := e.IngestBatch(ctx, batch, mailbox.Cursor{Folder: "Sent", UIDValidity: 7, LastUID: 4}); err != nil {
			t.Fatalf("scan failed: %v", err)
		}
		untouched := map[string]bool{}
		for _, uid := range []int{1, 2, 4} {
			n := fmt.Sprintf("F-2026-%04d", uid)
			inv, err := st.InvoiceByNumber(ctx, n)
			if err != nil {
				t.Fatalf("valid invoice %s not recorded: %v", n, err)
			}
			if inv.Amount.String() != "1200" || inv.DueDate.Format(time.DateOnly) != "2026-10-01" {
				t.Fatalf("%s: amount %s due %s", n, inv.Amount, inv.DueDate.Format(time.DateOnly))
			}
			flags, err := st.FlagsOfInvoice(ctx, inv.ID)
			if err != nil {
				t.Fatal(err)
			}
			if inv.Balance.Equal(inv.Amount) && len(flags) == 0 {
				untouched[inv.Client.Email] = true
			}
		}
		x, err := outbox.New(outbox.Options{Store: st, Mailbox: &passMailbox{}, Sender: passSender{}, Policy: pol, Mode: domain.ModeReview,
			From: "Atelier <factures@atelier.test>", Business: render.Business{Name: "Atelier"}, Renderer: renderer})
		if err != nil {
			t.Fatal(err)
		}
		if err := x.Pass(ctx, now); err != nil {
			t.Fatalf("pass failed: %v", err)
		}
		drafts, err := st.Drafts(ctx, domain.DraftHeld, domain.DraftApproved)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range drafts {
			dd, err := st.DraftDetail(ctx, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range append(append([]string{}, dd.To...), dd.Cc...) {
				if _, err := mail.ParseAddress(a); err != nil {
					t.Fatalf("draft %d to %q: %v", d.ID, a, err)
				}
				delete(untouched, a)
			}
		}
		if len(untouched) > 0 {
			t.Fatalf("no reminder drafted for %v", untouched)
		}
	})
}
