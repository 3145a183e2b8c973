package store

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/classify"
	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/policy"
)

// A question opens a task; its answer draft is pending, then sent: the task
// closes, the invoice's clock restarts, the attachment and notes survive.
func TestQuestionAnsweredRestartsTheClock(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		s := openTest(t)
		ctx := context.Background()
		inv := addInvoice(t, s, "F-1", "a@client.test", "100")
		asked := t0.Add(2 * time.Hour)
		var flag, draft int64
		err := s.Update(ctx, t0.Add(3*time.Hour), func(tx *Tx) error {
			msg, err := tx.AddMessage(Message{Folder: "INBOX", UIDValidity: 1, UID: 1, Role: "inbox", MessageID: "q@client.test",
				From: "a@client.test", Subject: "RIB ?", Date: asked})
			if err != nil {
				return err
			}
			if flag, err = tx.OpenFlag(Flag{Kind: "info_request", InvoiceID: inv, MessageID: msg, Topics: []string{"bank_details"}}); err != nil {
				return err
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		c, err := s.ChasingClient(ctx, 1)
		if err != nil || c == nil {
			t.Fatal(c, err)
		}
		if len(c.Questions) != 1 || c.Questions[0].FlagID != flag || c.Questions[0].Answer != "" || !c.Questions[0].AskedAt.Equal(asked) ||
			len(c.Questions[0].Topics) != 1 || c.Questions[0].MessageID == 0 {
			t.Fatalf("questions %+v", c.Questions)
		}
		err = s.Update(ctx, t0.Add(4*time.Hour), func(tx *Tx) error {
			draft, err = tx.CreateDraft(NewDraft{ClientID: c.ID, Stage: "answer", Kind: "answer", To: []string{"a@client.test"}, Subject: "RIB",
				Body: "IBAN", HoldUntil: t0.Add(24 * time.Hour), MessageID: "ans@x", InvoiceIDs: []int64{inv}, FlagID: flag,
				Context:     []DraftNote{{Code: NoteQuestion, Args: []string{"x", "bank_details"}}},
				Attachments: []Attachment{{Filename: "F-1.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4")}}}, domain.ActorDaemon)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		c, _ = s.ChasingClient(ctx, 1)
		if c.Questions[0].Answer != "pending" {
			t.Fatalf("answer %q, want pending", c.Questions[0].Answer)
		}
		d, err := s.DraftDetail(ctx, draft)
		if err != nil {
			t.Fatal(err)
		}
		if d.Kind != "answer" || d.FlagID != flag || len(d.Attachments) != 1 || string(d.Attachments[0].Data) != "%PDF-1.4" ||
			len(d.Context) != 1 || d.Context[0].Code != NoteQuestion {
			t.Fatalf("draft %+v", d)
		}
		sentAt := t0.Add(26 * time.Hour)
		if err := s.Update(ctx, sentAt, func(tx *Tx) error { return tx.DraftSent(d, domain.ActorDaemon) }); err != nil {
			t.Fatal(err)
		}
		c, _ = s.ChasingClient(ctx, 1)
		if len(c.Questions) != 0 || !c.Invoices[0].ClockFrom.Equal(sentAt) || c.Invoices[0].LastStage != 0 || !c.LastContact.Equal(sentAt) {
			t.Fatalf("after the answer: questions %+v, clock %s, stage %d, last contact %s", c.Questions, c.Invoices[0].ClockFrom,
				c.Invoices[0].LastStage, c.LastContact)
		}
		f, _ := s.Flag(ctx, flag)
		if f.Status != domain.FlagResolved {
			t.Fatalf("question task %s", f.Status)
		}
	})
}

func TestLogTaskOutcome(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		s := openTest(t)
		ctx := context.Background()
		inv := addInvoice(t, s, "F-1", "a@client.test", "100")
		var call, question int64
		err := s.Update(ctx, t0, func(tx *Tx) error {
			var err error
			if call, err = tx.OpenFlag(Flag{Kind: "call", InvoiceID: inv}); err != nil {
				return err
			}
			question, err = tx.OpenFlag(Flag{Kind: "info_request", InvoiceID: inv})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		log := func(id int64, o TaskOutcome) error {
			return s.Update(ctx, t0.Add(time.Hour), func(tx *Tx) error { return tx.LogTaskOutcome(id, o, domain.ActorWeb) })
		}
		if err := log(call, TaskOutcome{Outcome: policy.OutcomePromise}); !errors.Is(err, ErrOutcomeIncomplete) {
			t.Fatalf("promise without a date: %v", err)
		}
		if err := log(call, TaskOutcome{Outcome: policy.OutcomeDispute, Note: "le devis"}); err != nil {
			t.Fatal(err)
		}
		i, _ := s.InvoiceByID(ctx, inv)
		flags, _ := s.FlagsOfInvoice(ctx, inv)
		var disputes int
		for _, f := range flags {
			if f.Kind == "dispute" && f.Status == domain.FlagOpen {
				disputes++
			}
		}
		if i.State != domain.StateDisputed || disputes != 1 {
			t.Fatalf("after a dispute on the phone: %s, %d dispute flags", i.State, disputes)
		}
		if err := log(call, TaskOutcome{Outcome: policy.OutcomeReached}); !errors.Is(err, ErrWrongStatus) {
			t.Fatalf("second outcome: %v", err)
		}
		if err := log(question, TaskOutcome{Outcome: policy.OutcomeAnswered, Note: "au téléphone"}); err != nil {
			t.Fatal(err)
		}
		c, _ := s.ChasingClient(ctx, 1)
		if c == nil || !c.Invoices[0].ClockFrom.Equal(t0.Add(time.Hour)) {
			t.Fatalf("answered another way: the clock did not restart: %+v", c)
		}
		if err := log(999, TaskOutcome{Outcome: policy.OutcomeReached}); !errors.Is(err, ErrNotFound) {
			t.Fatalf("unknown task: %v", err)
		}
	})
}

// A reply the owner reads as a question opens its task (and the answer
// follows); read otherwise again, the task closes.
func TestCorrectedToAQuestion(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		s := openTest(t)
		ctx := context.Background()
		inv := addInvoice(t, s, "F-1", "a@client.fr", "100.00")
		msg := addReply(t, s, inv, 1, "other", "")
		res := correct(t, s, msg, classify.InfoRequest, time.Time{})
		c, _ := s.ChasingClient(ctx, 1)
		if res.FlagOpened == 0 || c == nil || len(c.Questions) != 1 || c.Questions[0].MessageID != msg {
			t.Fatalf("corrected to a question: %+v, questions %+v", res, c)
		}
		res = correct(t, s, msg, "other", time.Time{})
		c, _ = s.ChasingClient(ctx, 1)
		if len(res.FlagsClosed) != 1 || len(c.Questions) != 0 {
			t.Fatalf("corrected back: %+v, questions %+v", res, c.Questions)
		}
	})
}

func TestSecondQuestionAddsTopics(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		s := openTest(t)
		ctx := context.Background()
		inv := addInvoice(t, s, "F-1", "a@client.fr", "100.00")
		err := s.Update(ctx, t0, func(tx *Tx) error {
			if _, err := tx.OpenFlag(Flag{Kind: "info_request", InvoiceID: inv, Topics: []string{"bank_details"}}); err != nil {
				return err
			}
			return tx.AddQuestionTopics(inv, []string{"invoice_copy", "bank_details"})
		})
		if err != nil {
			t.Fatal(err)
		}
		c, _ := s.ChasingClient(ctx, 1)
		if len(c.Questions) != 1 || strings.Join(c.Questions[0].Topics, ",") != "bank_details,invoice_copy" {
			t.Fatalf("questions %+v", c.Questions)
		}
	})
}

// Loading one client gives exactly its share of loading them all: its
// invoices, addresses, flags of the client and of its invoices (a hostile
// one included), pending draft and questions, and nothing of another's.
func TestChasingClientIsItsShareOfAll(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		s := openTest(t)
		ctx := context.Background()
		a1 := addInvoice(t, s, "F-1", "a@client.test", "100")
		addInvoice(t, s, "F-2", "a@client.test", "200")
		b1 := addInvoice(t, s, "F-3", "b@other.test", "300")
		c1 := addInvoice(t, s, "F-4", "c@third.test", "400")
		err := s.Update(ctx, t0.Add(time.Hour), func(tx *Tx) error {
			msg, err := tx.AddMessage(Message{Folder: "INBOX", UIDValidity: 1, UID: 1, Role: "inbox", MessageID: "q@client.test",
				From: "a@client.test", Subject: "RIB ?", Date: t0.Add(time.Hour)})
			if err != nil {
				return err
			}
			if _, err := tx.OpenFlag(Flag{Kind: "info_request", InvoiceID: a1, MessageID: msg, Topics: []string{"bank_details"}}); err != nil {
				return err
			}
			if _, err := tx.OpenFlag(Flag{Kind: "dispute", InvoiceID: b1, Evidence: []string{"pas commandé"}}); err != nil {
				return err
			}
			if _, err := tx.OpenFlag(Flag{Kind: "hostile", InvoiceID: c1, ClientID: 3, Evidence: []string{"…"}}); err != nil {
				return err
			}
			if _, err := tx.OpenFlag(Flag{Kind: "bounce", ClientID: 2, Evidence: []string{"550"}}); err != nil {
				return err
			}
			_, err = tx.CreateDraft(NewDraft{ClientID: 2, Stage: "friendly", Kind: "message", To: []string{"b@other.test"}, Subject: "Relance",
				Body: "Bonjour", HoldUntil: t0.Add(24 * time.Hour), MessageID: "r@x", InvoiceIDs: []int64{b1}}, domain.ActorDaemon)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		all, err := s.ChasingClients(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 3 {
			t.Fatalf("%d chasing clients, want 3", len(all))
		}
		for _, want := range all {
			got, err := s.ChasingClient(ctx, want.ID)
			if err != nil || got == nil {
				t.Fatalf("client %d: %v, %v", want.ID, got, err)
			}
			if !reflect.DeepEqual(*got, want) {
				t.Errorf("client %d alone:\n%+v\namong all:\n%+v", want.ID, *got, want)
			}
		}
		if len(all[0].Questions) != 1 || all[1].Pending == nil || len(all[1].FlagKinds) != 1 || len(all[2].FlagKinds) != 1 {
			t.Errorf("the seeded questions, drafts and flags are not all there: %+v", all)
		}
	})
}

// A reply that raised two questions (a copy asked for on one invoice, an
// objection on another) is one question, answered by the latest draft of
// either flag, as one client's load and the load of all read it.
func TestQuestionOfOneMessageAnsweredByEitherFlag(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		s := openTest(t)
		ctx := context.Background()
		a1 := addInvoice(t, s, "F-1", "a@client.test", "100")
		a2 := addInvoice(t, s, "F-2", "a@client.test", "200")
		addInvoice(t, s, "F-3", "b@other.test", "300")
		var f1, f2 int64
		err := s.Update(ctx, t0.Add(time.Hour), func(tx *Tx) error {
			msg, err := tx.AddMessage(Message{Folder: "INBOX", UIDValidity: 1, UID: 1, Role: "inbox", MessageID: "q@client.test",
				From: "a@client.test", Subject: "Factures", Date: t0.Add(time.Hour)})
			if err != nil {
				return err
			}
			if f1, err = tx.OpenFlag(Flag{Kind: "info_request", InvoiceID: a1, MessageID: msg, Topics: []string{"invoice_copy"}}); err != nil {
				return err
			}
			f2, err = tx.OpenFlag(Flag{Kind: "objection", InvoiceID: a2, MessageID: msg, Objection: domain.ObjectionNotReceived})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		answer := func(flag int64, msgID string) int64 {
			var id int64
			if err := s.Update(ctx, t0.Add(2*time.Hour), func(tx *Tx) error {
				var err error
				id, err = tx.CreateDraft(NewDraft{ClientID: 1, Stage: "answer", Kind: "answer", To: []string{"a@client.test"}, Subject: "Copie",
					Body: "Voici", HoldUntil: t0.Add(24 * time.Hour), MessageID: msgID, InvoiceIDs: []int64{a1, a2}, FlagID: flag}, domain.ActorDaemon)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return id
		}
		want := func(step string, answer policy.AnswerState) {
			t.Helper()
			one, err := s.ChasingClient(ctx, 1)
			if err != nil || one == nil {
				t.Fatalf("%s: %v %v", step, one, err)
			}
			all, err := s.ChasingClients(ctx)
			if err != nil || len(all) != 2 {
				t.Fatalf("%s: %d clients, %v", step, len(all), err)
			}
			for _, c := range []ChasingClient{*one, all[0]} {
				if len(c.Questions) != 1 || c.Questions[0].FlagID != f1 || len(c.Questions[0].FlagIDs) != 2 || c.Questions[0].Answer != answer {
					t.Errorf("%s: questions %+v, want one for flags %d and %d answered %q", step, c.Questions, f1, f2, answer)
				}
			}
		}
		want("no answer", "")
		d := answer(f2, "ans1@x")
		want("the objection's answer held", "pending")
		if err := s.Update(ctx, t0.Add(3*time.Hour), func(tx *Tx) error { return tx.CancelDraft(d, domain.ActorWeb, "") }); err != nil {
			t.Fatal(err)
		}
		want("that answer cancelled", "cancelled")
		answer(f1, "ans2@x")
		want("the copy's answer held since", "pending")
	})
}
