package outbox

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/mailbox"
	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/render"
	"github.com/relance/relance/internal/store"
	"github.com/relance/relance/templates"
)

// sentMailbox is memMailbox with a Sent folder holding the invoice's mail.
type sentMailbox struct {
	memMailbox
	sent map[string][]byte // by Message-ID
}

func (m *sentMailbox) FetchMessage(_ context.Context, role mailbox.Role, msgID string) ([]byte, bool, error) {
	raw, ok := m.sent[msgID]
	return raw, ok && role == mailbox.RoleSent, nil
}

type recordingSender struct {
	mu   sync.Mutex
	sent []*Composed
}

func (s *recordingSender) Send(_ context.Context, m *Composed) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, m)
	return nil
}

// A question about a copy and a PO number: the answer attaches the
// invoice's PDF from Sent, leaves the PO number blank, and so waits for
// approval even in auto mode; once sent, the task closes and the clock
// restarts. No reminder is drafted meanwhile.
func TestAnswerAttachesThePDFAndWaitsForApproval(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "relance.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	issued := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	var inv, flag int64
	if err := st.Update(ctx, issued, func(tx *store.Tx) error {
		c, err := tx.EnsureClient("compta@client.test", "Client", "fr")
		if err != nil {
			return err
		}
		if inv, _, err = tx.UpsertInvoice(store.NewInvoice{Number: "F-1", ClientID: c.ID, Amount: decimal.RequireFromString("120.00"),
			Currency: "EUR", IssueDate: issued, DueDate: issued.AddDate(0, 0, 30), Language: "fr", Source: "body",
			SourceMessageID: "F-1@atelier.test"}); err != nil {
			return err
		}
		msg, err := tx.AddMessage(store.Message{Folder: "INBOX", UIDValidity: 1, UID: 1, Role: "inbox", MessageID: "q@client.test",
			From: "compta@client.test", Subject: "Re: Facture F-1", Date: issued.AddDate(0, 0, 45)})
		if err != nil {
			return err
		}
		flag, err = tx.OpenFlag(store.Flag{Kind: "info_request", InvoiceID: inv, MessageID: msg, Topics: []string{"invoice_copy", "po_number"}})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	invoiceMail := "From: Atelier <factures@atelier.test>\r\nTo: compta@client.test\r\nMessage-ID: <F-1@atelier.test>\r\nSubject: Facture F-1\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nFacture F-1\r\n" +
		"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"F-1.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		"JVBERi0xLjQKJSVFT0YK\r\n--b--\r\n"
	mb := &sentMailbox{sent: map[string][]byte{"F-1@atelier.test": []byte(invoiceMail)}}
	pol, err := policy.DefaultPolicy()
	if err != nil {
		t.Fatal(err)
	}
	sender := &recordingSender{}
	x, err := New(Options{Store: st, Mailbox: mb, Sender: sender, Policy: pol, Mode: domain.ModeAuto,
		From: "Atelier <factures@atelier.test>", Business: render.Business{Name: "Atelier", IBAN: "FR76 3000 6000 0112 3456 7890 189"},
		Renderer: render.New(templates.FS)})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 10, 20, 8, 0, 0, 0, time.UTC) // Tuesday 10:00 in Paris, 19 days late
	if err := x.Pass(ctx, now); err != nil {
		t.Fatal(err)
	}
	drafts, _ := st.Drafts(ctx, domain.DraftHeld)
	if len(drafts) != 1 || drafts[0].Stage != render.StageAnswer {
		t.Fatalf("drafts %+v", drafts)
	}
	d, _ := st.DraftDetail(ctx, drafts[0].ID)
	if !d.RequiresApproval || d.FlagID != flag || len(d.Attachments) != 1 || d.Attachments[0].Filename != "F-1.pdf" ||
		string(d.Attachments[0].Data) != "%PDF-1.4\n%%EOF\n" || d.InReplyTo != "q@client.test" ||
		!strings.Contains(d.Body, "ci-joint une copie de la facture (F-1.pdf)") || !strings.Contains(d.Body, "Numéro de bon de commande\u00a0: [à compléter]") {
		t.Fatalf("answer draft: approval %v, flag %d, attachments %d, in reply to %q:\n%s", d.RequiresApproval, d.FlagID, len(d.Attachments), d.InReplyTo, d.Body)
	}
	if !slices.ContainsFunc(d.Context, func(n store.DraftNote) bool { return n.Code == store.NoteBlank && n.Args[0] == blankPO }) {
		t.Errorf("no note of the PO blank: %+v", d.Context)
	}
	// Auto mode, hold over: a blank waits for a human.
	next := now.Add(24 * time.Hour)
	if err := x.Pass(ctx, next); err != nil {
		t.Fatal(err)
	}
	if len(sender.sent) != 0 {
		t.Fatalf("an answer with a blank was sent without approval")
	}
	if all, _ := st.Drafts(ctx); len(all) != 1 {
		t.Fatalf("a reminder was drafted while the question waits: %+v", all)
	}
	if err := st.Update(ctx, next, func(tx *store.Tx) error { return tx.ApproveDraft(d.ID, domain.ActorWeb, "") }); err != nil {
		t.Fatal(err)
	}
	if err := x.Pass(ctx, next.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if len(sender.sent) != 1 || !strings.Contains(string(sender.sent[0].Raw), "application/pdf") {
		t.Fatalf("sent %d messages; the answer carries no PDF", len(sender.sent))
	}
	f, _ := st.Flag(ctx, flag)
	c, _ := st.ChasingClient(ctx, 1)
	if f.Status != domain.FlagResolved || c == nil || !c.Invoices[0].ClockFrom.Equal(next.Add(time.Minute)) {
		t.Fatalf("after the answer: task %s, client %+v", f.Status, c)
	}
}

// An answer held for its day is retired by the re-check at sending when it
// no longer makes sense: the invoice has since been claimed paid (the
// owner corrected a reply's reading), disputed on the phone, or the owner
// closed the question another way. Nothing is sent, and no new answer is
// drafted for it.
func TestAnswerRetiredWhenItNoLongerMakesSense(t *testing.T) {
	tests := []struct {
		name   string
		change func(tx *store.Tx, inv, flag int64) error
		reason policy.Reason
	}{
		{"claimed paid since", func(tx *store.Tx, inv, _ int64) error { return tx.SetInvoiceState(inv, domain.StatePaidClaimed) },
			policy.ReasonPaymentClaimed},
		{"disputed since", func(tx *store.Tx, inv, _ int64) error {
			if err := tx.SetInvoiceState(inv, domain.StateDisputed); err != nil {
				return err
			}
			_, err := tx.OpenFlag(store.Flag{Kind: "dispute", InvoiceID: inv, Evidence: []string{"disputed on the phone"}})
			return err
		}, policy.ReasonDisputed},
		{"the question closed another way", func(tx *store.Tx, _, flag int64) error {
			return tx.LogTaskOutcome(flag, store.TaskOutcome{Outcome: policy.OutcomeAnswered, Note: "sent by hand"}, domain.ActorWeb)
		}, policy.ReasonQuestionClosed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			st, err := store.Open(ctx, filepath.Join(t.TempDir(), "relance.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			issued := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
			var inv, flag int64
			if err := st.Update(ctx, issued, func(tx *store.Tx) error {
				c, err := tx.EnsureClient("compta@client.test", "Client", "fr")
				if err != nil {
					return err
				}
				if inv, _, err = tx.UpsertInvoice(store.NewInvoice{Number: "F-1", ClientID: c.ID, Amount: decimal.RequireFromString("120.00"),
					Currency: "EUR", IssueDate: issued, DueDate: issued.AddDate(0, 0, 30), Language: "fr", Source: "body"}); err != nil {
					return err
				}
				flag, err = tx.OpenFlag(store.Flag{Kind: "info_request", InvoiceID: inv, Topics: []string{"bank_details"}})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			pol, err := policy.DefaultPolicy()
			if err != nil {
				t.Fatal(err)
			}
			sender := &recordingSender{}
			x, err := New(Options{Store: st, Mailbox: &sentMailbox{}, Sender: sender, Policy: pol, Mode: domain.ModeAuto,
				From: "Atelier <factures@atelier.test>", Business: render.Business{Name: "Atelier", IBAN: "FR76 3000 6000 0112 3456 7890 189"},
				Renderer: render.New(templates.FS)})
			if err != nil {
				t.Fatal(err)
			}
			now := time.Date(2026, 10, 20, 8, 0, 0, 0, time.UTC) // Tuesday 10:00 in Paris
			if err := x.Pass(ctx, now); err != nil {
				t.Fatal(err)
			}
			held, _ := st.Drafts(ctx, domain.DraftHeld)
			if len(held) != 1 || held[0].Stage != render.StageAnswer {
				t.Fatalf("drafts %+v, want one answer", held)
			}
			next := now.Add(24 * time.Hour)
			if err := st.Update(ctx, next.Add(-time.Hour), func(tx *store.Tx) error { return tt.change(tx, inv, flag) }); err != nil {
				t.Fatal(err)
			}
			if err := x.Pass(ctx, next); err != nil {
				t.Fatal(err)
			}
			if len(sender.sent) != 0 {
				t.Fatalf("the answer went although it no longer makes sense")
			}
			all, _ := st.Drafts(ctx)
			if len(all) != 1 || all[0].Status != domain.DraftSuperseded {
				t.Fatalf("drafts after the change %+v, want the answer superseded and nothing new", all)
			}
			evs, err := st.Events(ctx, 0)
			if err != nil {
				t.Fatal(err)
			}
			retired := false
			for _, e := range evs {
				if e.Kind == domain.DraftSuperseded.Event() && e.DraftID == all[0].ID && strings.Contains(string(e.Detail), tt.reason.Code()) {
					retired = true
				}
			}
			if !retired {
				t.Errorf("no superseded event with reason %s", tt.reason.Code())
			}
		})
	}
}

// What the owner must fill in an answer before it goes: what relance
// cannot know of a question, and of an objection what the owner proposes
// (a date, the detail) or the invoice it could not find to send again.
func TestAnswerBlanks(t *testing.T) {
	for _, tt := range []struct {
		topics []string
		o      domain.Objection
		iban   bool
		copy   bool
		want   string
	}{
		{nil, domain.NoObjection, true, false, "answer"},
		{[]string{render.TopicBankDetails}, domain.NoObjection, false, false, "iban"},
		{nil, domain.ObjectionChequeInPost, false, false, ""},
		{nil, domain.ObjectionOversight, false, false, ""},
		{nil, domain.ObjectionClientNotPaid, true, false, "balance_date"},
		{nil, domain.ObjectionProgressPaymentDefect, true, false, "visit_date"},
		{nil, domain.ObjectionWrongAmount, true, false, "detail"},
		{nil, domain.ObjectionNotReceived, true, true, ""},
		{nil, domain.ObjectionNotReceived, true, false, "copy"},
		{[]string{render.TopicInvoiceCopy}, domain.ObjectionNotReceived, true, false, "copy"},
		{[]string{render.TopicPONumber}, domain.ObjectionAwaitingApproval, true, false, "po"},
	} {
		if got := strings.Join(answerBlanks(tt.topics, tt.o, tt.iban, tt.copy), ","); got != tt.want {
			t.Errorf("answerBlanks(%v, %q, iban %v, copy %v) = %q, want %q", tt.topics, tt.o, tt.iban, tt.copy, got, tt.want)
		}
	}
}
