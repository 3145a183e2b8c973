package engine

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/classify"
	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
)

// world writes a synthetic client history into a real store.
type world struct {
	t      *testing.T
	st     *store.Store
	client store.Client
	inv    map[string]int64
	uid    uint32
}

func newWorld(t *testing.T) *world {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "relance.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	w := &world{t: t, st: st, inv: map[string]int64{}}
	w.do("2025-01-01", func(tx *store.Tx) error {
		w.client, err = tx.EnsureClient("compta@client.fr", "Client SARL", "fr")
		return err
	})
	return w
}

func bday(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d.Add(10 * time.Hour)
}

func (w *world) do(at string, fn func(tx *store.Tx) error) {
	w.t.Helper()
	if err := w.st.Update(context.Background(), bday(at), fn); err != nil {
		w.t.Fatal(err)
	}
}

// invoice issues an invoice due 30 days later.
func (w *world) invoice(number, amount, issued string) *world {
	w.do(issued, func(tx *store.Tx) error {
		is := bday(issued).Truncate(24 * time.Hour)
		id, _, err := tx.UpsertInvoice(store.NewInvoice{Number: number, ClientID: w.client.ID, Amount: decimal.RequireFromString(amount),
			Currency: "EUR", IssueDate: is, DueDate: is.AddDate(0, 0, 30)})
		w.inv[number] = id
		return err
	})
	return w
}

func (w *world) pay(number, amount, on string) *world {
	w.do(on, func(tx *store.Tx) error {
		_, _, err := tx.RecordPayment(store.Payment{InvoiceID: w.inv[number], Amount: decimal.RequireFromString(amount),
			PaidOn: bday(on).Truncate(24 * time.Hour), Source: "manual"}, domain.ActorCLI)
		return err
	})
	return w
}

func (w *world) remind(number, on string) *world {
	w.do(on, func(tx *store.Tx) error {
		_, err := tx.AddEvent(store.Event{Kind: "reminder_sent", InvoiceID: w.inv[number], ClientID: w.client.ID, Actor: domain.ActorDaemon})
		return err
	})
	return w
}

// reply records an inbound message of a class about an invoice, with the
// promise it carries when promise is set.
func (w *world) reply(number, on string, class classify.Class, promise string) *world {
	w.do(on, func(tx *store.Tx) error {
		w.uid++
		id, err := tx.AddMessage(store.Message{Folder: "INBOX", UIDValidity: 1, UID: w.uid, Role: "inbox",
			MessageID: "m" + on + string(class), From: w.client.Email, Date: bday(on), Class: string(class), InvoiceID: w.inv[number]})
		if err != nil {
			return err
		}
		detail := `{"class":"` + string(class) + `"}`
		if promise != "" {
			detail = `{"class":"promise","promise_date":"` + promise + `"}`
			if err := tx.SetPromise(w.inv[number], bday(promise).Truncate(24*time.Hour)); err != nil {
				return err
			}
		}
		_, err = tx.AddEvent(store.Event{Kind: "reply_received", InvoiceID: w.inv[number], MessageID: id, Actor: domain.ActorDaemon, Detail: []byte(detail)})
		return err
	})
	return w
}

// raise runs the behaviour pass at now and returns the open flags by kind
// and invoice number.
func (w *world) raise(now string) map[string]int {
	w.t.Helper()
	e := New(Options{Store: w.st})
	if err := e.RaiseBehaviourFlags(context.Background(), bday(now)); err != nil {
		w.t.Fatal(err)
	}
	return w.flags()
}

func (w *world) flags() map[string]int {
	w.t.Helper()
	fl, err := w.st.Flags(context.Background(), domain.FlagOpen)
	if err != nil {
		w.t.Fatal(err)
	}
	out := map[string]int{}
	for _, f := range fl {
		if len(f.Evidence) != 1 || f.Evidence[0] == "" {
			w.t.Errorf("flag %s on %s without evidence: %v", f.Kind, f.InvoiceNum, f.Evidence)
		}
		if f.ClientID != w.client.ID {
			w.t.Errorf("flag %s: client %d, want %d", f.Kind, f.ClientID, w.client.ID)
		}
		out[string(f.Kind)+" "+f.InvoiceNum]++
	}
	return out
}

// punctual is a client that paid three invoices on time and answered each
// reminder within two days.
func punctual(t *testing.T) *world {
	w := newWorld(t)
	for _, m := range []string{"01", "03", "05"} {
		n := "P-" + m
		w.invoice(n, "100", "2025-"+m+"-01").remind(n, "2025-"+m+"-20").reply(n, "2025-"+m+"-21", classify.Other, "").pay(n, "100", "2025-"+m+"-25")
	}
	return w
}

func TestRaiseBehaviourFlags(t *testing.T) {
	cases := []struct {
		name  string
		build func(t *testing.T) *world
		now   string
		want  map[string]int
	}{
		{
			name: "silence after two unanswered reminders",
			build: func(t *testing.T) *world {
				return punctual(t).invoice("S-1", "100", "2025-08-01").remind("S-1", "2025-09-10").remind("S-1", "2025-09-30")
			},
			now:  "2025-10-20",
			want: map[string]int{"silence S-1": 1, "suddenly_late S-1": 1},
		},
		{
			name: "one unanswered reminder is not silence",
			build: func(t *testing.T) *world {
				return punctual(t).invoice("S-1", "100", "2025-09-01").remind("S-1", "2025-10-08")
			},
			now:  "2025-10-08",
			want: map[string]int{"suddenly_late S-1": 1},
		},
		{
			name: "a client who never answered is not falling silent",
			build: func(t *testing.T) *world {
				return newWorld(t).invoice("S-1", "100", "2025-08-01").remind("S-1", "2025-09-10").remind("S-1", "2025-09-30")
			},
			now:  "2025-10-20",
			want: map[string]int{},
		},
		{
			name: "answers getting slower",
			build: func(t *testing.T) *world {
				return punctual(t).invoice("L-1", "100", "2025-08-01").remind("L-1", "2025-09-05").reply("L-1", "2025-09-15", classify.Other, "")
			},
			now:  "2025-09-20",
			want: map[string]int{"slower L-1": 1, "suddenly_late L-1": 1},
		},
		{
			name: "steady answers",
			build: func(t *testing.T) *world {
				return punctual(t).invoice("L-1", "100", "2025-08-01").remind("L-1", "2025-09-05").reply("L-1", "2025-09-06", classify.Other, "")
			},
			now:  "2025-09-06",
			want: map[string]int{},
		},
		{
			name: "promise passed without payment",
			build: func(t *testing.T) *world {
				return newWorld(t).invoice("B-1", "500", "2025-08-01").reply("B-1", "2025-09-02", classify.Promise, "2025-09-10")
			},
			now:  "2025-09-20",
			want: map[string]int{"broken_promise B-1": 1},
		},
		{
			name: "promise still within grace",
			build: func(t *testing.T) *world {
				return newWorld(t).invoice("B-1", "500", "2025-08-01").reply("B-1", "2025-09-02", classify.Promise, "2025-09-10")
			},
			now:  "2025-09-12",
			want: map[string]int{},
		},
		{
			name: "promise kept",
			build: func(t *testing.T) *world {
				return newWorld(t).invoice("B-1", "500", "2025-08-01").invoice("B-2", "10", "2025-09-01").
					reply("B-1", "2025-09-02", classify.Promise, "2025-09-10").pay("B-1", "500", "2025-09-09")
			},
			now:  "2025-09-30",
			want: map[string]int{},
		},
		{
			name: "partial payment on an open invoice",
			build: func(t *testing.T) *world {
				return newWorld(t).invoice("H-1", "900", "2025-09-01").pay("H-1", "300", "2025-09-20")
			},
			now:  "2025-09-25",
			want: map[string]int{"partial H-1": 1},
		},
		{
			name: "paid in instalments long ago is history only",
			build: func(t *testing.T) *world {
				return newWorld(t).invoice("H-0", "900", "2025-03-01").pay("H-0", "300", "2025-03-20").pay("H-0", "600", "2025-04-20").
					invoice("H-1", "100", "2025-09-01")
			},
			now:  "2025-09-25",
			want: map[string]int{},
		},
		{
			name: "usually punctual client now late",
			build: func(t *testing.T) *world {
				return punctual(t).invoice("T-1", "100", "2025-08-01")
			},
			now:  "2025-09-15",
			want: map[string]int{"suddenly_late T-1": 1},
		},
		{
			name: "punctual client a few days past due",
			build: func(t *testing.T) *world {
				return punctual(t).invoice("T-1", "100", "2025-08-01")
			},
			now:  "2025-09-03",
			want: map[string]int{},
		},
		{
			name: "usually late client late again",
			build: func(t *testing.T) *world {
				w := newWorld(t)
				for _, m := range [][2]string{{"01", "02-20"}, {"03", "04-20"}, {"05", "06-20"}} {
					w.invoice("P-"+m[0], "100", "2025-"+m[0]+"-01").pay("P-"+m[0], "100", "2025-"+m[1])
				}
				return w.invoice("T-1", "100", "2025-08-01")
			},
			now:  "2025-09-15",
			want: map[string]int{},
		},
		{
			name: "no open invoice, no flag",
			build: func(t *testing.T) *world {
				return punctual(t)
			},
			now:  "2026-01-15",
			want: map[string]int{},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := c.build(t)
			got := w.raise(c.now)
			if !equalCounts(got, c.want) {
				t.Errorf("flags = %v, want %v", got, c.want)
			}
			// A second pass raises nothing new.
			if again := w.raise(c.now); !equalCounts(again, c.want) {
				t.Errorf("second pass: flags = %v, want %v", again, c.want)
			}
		})
	}
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestBehaviourFlagResolvedStaysResolved(t *testing.T) {
	w := newWorld(t).invoice("H-1", "900", "2025-09-01").pay("H-1", "300", "2025-09-20")
	if got := w.raise("2025-09-25"); got["partial H-1"] != 1 {
		t.Fatalf("flags = %v", got)
	}
	fl, err := w.st.Flags(context.Background(), domain.FlagOpen)
	if err != nil || len(fl) != 1 {
		t.Fatalf("flags = %v, %v", fl, err)
	}
	if !strings.Contains(fl[0].Evidence[0], "300.00 of 900.00") {
		t.Errorf("evidence = %q", fl[0].Evidence[0])
	}
	w.do("2025-09-26", func(tx *store.Tx) error { return tx.ResolveFlag(fl[0].ID, domain.ActorWeb, "agreed by phone") })
	if got := w.raise("2025-09-27"); len(got) != 0 {
		t.Errorf("resolved signal raised again: %v", got)
	}
	// A new payment changes the signal: the human hears of it.
	w.pay("H-1", "300", "2025-10-20")
	if got := w.raise("2025-10-21"); got["partial H-1"] != 1 {
		t.Errorf("after a second partial payment: flags = %v", got)
	}
}

func TestRaiseBehaviourFlagsCancelled(t *testing.T) {
	w := newWorld(t).invoice("H-1", "900", "2025-09-01").pay("H-1", "300", "2025-09-20")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := New(Options{Store: w.st}).RaiseBehaviourFlags(ctx, bday("2025-09-25")); err == nil {
		t.Error("cancelled context: no error")
	}
}
