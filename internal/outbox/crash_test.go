package outbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	netmail "net/mail"
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

// errCrashed is what every call of a crashed process's fakes returns: the
// process is gone, nothing it still tries has any effect.
var errCrashed = errors.New("the process was killed")

// crashAt names one side effect of the send path: the operation (append,
// send, setflag, delete), the folder it touches, and whether the process
// dies just before it takes effect or just after.
type crashAt struct {
	op     string
	role   mailbox.Role
	before bool
}

func (c crashAt) String() string {
	when := "after"
	if c.before {
		when = "before"
	}
	return fmt.Sprintf("%s %s %s", when, c.op, c.role)
}

// crashWorld is a process whose mail server (IMAP and SMTP, in memory)
// outlives it: kill stops the process at a chosen side effect, as a kill -9
// would, and restart runs a fresh one on the same database and servers.
type crashWorld struct {
	t      *testing.T
	path   string
	st     *store.Store
	x      *Outbox
	server *memServer
	// thankYou: the business has thank-yous drafted (Options.ThankYou).
	thankYou bool

	mu     sync.Mutex
	at     *crashAt // armed crash point; nil: none
	killed bool
}

// memServer is the mail provider: IMAP folders and the messages its SMTP
// server accepted. It survives the process.
type memServer struct {
	mu       sync.Mutex
	next     uint32
	folders  map[mailbox.Role]map[uint32]*memMessage
	accepted [][]byte
	// filesSent: the provider files what its SMTP accepts into Sent itself
	// (Gmail, Office 365), so the process does not append a copy.
	filesSent bool
}

type memMessage struct {
	raw   []byte
	flags []string
}

func (s *memServer) store(role mailbox.Role, raw []byte, flags []string) uint32 {
	if s.folders == nil {
		s.folders = map[mailbox.Role]map[uint32]*memMessage{}
	}
	if s.folders[role] == nil {
		s.folders[role] = map[uint32]*memMessage{}
	}
	s.next++
	s.folders[role][s.next] = &memMessage{raw: raw, flags: slices.Clone(flags)}
	return s.next
}

// withMessageID lists the UIDs of the folder's messages with that
// Message-ID.
func (s *memServer) withMessageID(role mailbox.Role, msgID string) []uint32 {
	var uids []uint32
	for uid, m := range s.folders[role] {
		if messageID(m.raw) == strings.Trim(msgID, "<>") {
			uids = append(uids, uid)
		}
	}
	slices.Sort(uids)
	return uids
}

func messageID(raw []byte) string {
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return ""
	}
	return strings.Trim(strings.TrimSpace(msg.Header.Get("Message-Id")), "<>")
}

// effect runs one side effect of the process unless the process is dead,
// killing it at the armed crash point. A kill before the effect leaves no
// trace of it; a kill after keeps it but the process never hears back.
func (w *crashWorld) effect(op string, role mailbox.Role, do func()) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.killed {
		return errCrashed
	}
	hit := w.at != nil && w.at.op == op && w.at.role == role
	if hit && w.at.before {
		w.kill()
		return errCrashed
	}
	w.server.mu.Lock()
	do()
	w.server.mu.Unlock()
	if hit {
		w.kill()
		return errCrashed
	}
	return nil
}

// kill stops the process: its database handle is gone, so nothing more is
// committed, and its fakes refuse every further call.
func (w *crashWorld) kill() {
	w.killed = true
	w.at = nil
	if err := w.st.Close(); err != nil {
		w.t.Errorf("close the killed process's store: %v", err)
	}
}

// crashMailbox is the process's IMAP connection.
type crashMailbox struct{ w *crashWorld }

func (m crashMailbox) Append(_ context.Context, role mailbox.Role, raw []byte, flags []string, _ time.Time) (uint32, error) {
	var uid uint32
	err := m.w.effect("append", role, func() { uid = m.w.server.store(role, raw, flags) })
	return uid, err
}

func (m crashMailbox) Delete(_ context.Context, role mailbox.Role, uid uint32) error {
	return m.w.effect("delete", role, func() { delete(m.w.server.folders[role], uid) })
}

func (m crashMailbox) SetFlag(_ context.Context, role mailbox.Role, uid uint32, flag string, on bool) error {
	return m.w.effect("setflag", role, func() {
		msg := m.w.server.folders[role][uid]
		if msg == nil {
			return
		}
		msg.flags = slices.DeleteFunc(msg.flags, func(f string) bool { return f == flag })
		if on {
			msg.flags = append(msg.flags, flag)
		}
	})
}

func (m crashMailbox) DraftsState(context.Context) ([]mailbox.DraftInfo, error) {
	var out []mailbox.DraftInfo
	err := m.w.effect("read", mailbox.RoleDrafts, func() {
		raws := map[uint32][]byte{}
		for uid, msg := range m.w.server.folders[mailbox.RoleDrafts] {
			raws[uid] = msg.raw
		}
		out = draftInfos(raws)
	})
	return out, err
}

func (m crashMailbox) FindMessageID(_ context.Context, role mailbox.Role, msgID string) (uint32, bool, error) {
	var uids []uint32
	err := m.w.effect("read", role, func() { uids = m.w.server.withMessageID(role, msgID) })
	if err != nil || len(uids) == 0 {
		return 0, false, err
	}
	return uids[0], true, nil
}

// crashSender is the process's SMTP connection.
type crashSender struct{ w *crashWorld }

func (s crashSender) Send(_ context.Context, c *Composed) error {
	return s.w.effect("send", "", func() {
		s.w.server.accepted = append(s.w.server.accepted, c.Raw)
		if s.w.server.filesSent {
			s.w.server.store(mailbox.RoleSent, c.Raw, []string{`\Seen`})
		}
	})
}

// newCrashWorld seeds one client 9 days late on an invoice, drafts its
// friendly reminder on Tuesday and has it approved on Wednesday morning,
// when it may go.
func newCrashWorld(t *testing.T, filesSent bool) *crashWorld {
	t.Helper()
	ctx := context.Background()
	w := startWorld(t, filesSent)
	tuesday := crashParis(t, 2026, 1, 13, 10, 0)
	if err := w.st.Update(ctx, tuesday, func(tx *store.Tx) error {
		_, err := seedInvoice(tx, "compta@studio-kuma.fr", "Studio Kuma", "F-2026-0007", "840.00",
			time.Date(2025, 12, 5, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 4, 0, 0, 0, 0, time.UTC))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := w.x.Pass(ctx, tuesday); err != nil {
		t.Fatalf("Tuesday's pass: %v", err)
	}
	d := w.draft()
	if d.Status != domain.DraftHeld || len(w.server.folders[mailbox.RoleDrafts]) != 1 {
		t.Fatalf("Tuesday: draft %+v, Drafts folder %v; want one held draft with its copy", d.Draft, w.server.folders[mailbox.RoleDrafts])
	}
	if err := w.st.Update(ctx, crashParis(t, 2026, 1, 14, 9, 30), func(tx *store.Tx) error {
		return tx.ApproveDraft(d.ID, domain.ActorWeb, "")
	}); err != nil {
		t.Fatal(err)
	}
	return w
}

// startWorld starts the first process on an empty database and mail server.
func startWorld(t *testing.T, filesSent bool) *crashWorld {
	t.Helper()
	w := &crashWorld{t: t, path: filepath.Join(t.TempDir(), "relance.db"), server: &memServer{filesSent: filesSent}}
	t.Cleanup(func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		if !w.killed {
			w.st.Close()
		}
	})
	w.restart()
	return w
}

// seedInvoice records a French client and an invoice it was sent.
func seedInvoice(tx *store.Tx, email, name, number, amount string, issued, due time.Time) (int64, error) {
	c, err := tx.EnsureClient(email, name, "fr")
	if err != nil {
		return 0, err
	}
	id, _, err := tx.UpsertInvoice(store.NewInvoice{Number: number, ClientID: c.ID, Amount: decimal.RequireFromString(amount),
		Currency: "EUR", IssueDate: issued, DueDate: due, Language: "fr", Source: "facturx",
		SourceMessageID: strings.ToLower(number) + "@atelier-moreau.fr"})
	return id, err
}

// restart starts a fresh process on the same database and mail server.
func (w *crashWorld) restart() {
	w.t.Helper()
	st, err := store.Open(context.Background(), w.path)
	if err != nil {
		w.t.Fatal(err)
	}
	pol, err := policy.DefaultPolicy()
	if err != nil {
		w.t.Fatal(err)
	}
	x, err := New(Options{Store: st, Mailbox: crashMailbox{w}, Sender: crashSender{w}, Policy: pol, Mode: domain.ModeReview,
		From: "Atelier Moreau <factures@atelier-moreau.fr>", Renderer: render.New(templates.FS), SaveSent: !w.server.filesSent, ThankYou: w.thankYou,
		Business: render.Business{Name: "Atelier Moreau", Email: "compta@atelier-moreau.fr", IBAN: "FR76 3000 6000 0112 3456 7890 189"}})
	if err != nil {
		w.t.Fatal(err)
	}
	w.mu.Lock()
	w.st, w.x, w.killed = st, x, false
	w.mu.Unlock()
}

// draft is the world's one reminder as the store has it.
func (w *crashWorld) draft() store.DraftDetail {
	w.t.Helper()
	all, err := w.st.Drafts(context.Background())
	if err != nil || len(all) != 1 {
		w.t.Fatalf("drafts: %+v %v; want exactly one", all, err)
	}
	d, err := w.st.DraftDetail(context.Background(), all[0].ID)
	if err != nil {
		w.t.Fatal(err)
	}
	return d
}

func crashParis(t *testing.T, y int, m time.Month, d, h, min int) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	return time.Date(y, m, d, h, min, 0, 0, loc)
}

// Rule 3: crash at any step of a send, restart, and the reminder went once.
// The send path's side effects, in order: (1) the attempt is committed,
// (2) a copy marked $RelanceSending goes to Sent, (3) SMTP, (4) the
// acceptance is committed, (5) the mark is cleared, (6) the draft is marked
// sent, (7) its copy leaves Drafts. The process is killed just before or
// just after each side effect outside the store (a kill between two
// commits is a kill before the next effect), restarted, and the next pass
// settles the draft. A copy in Sent whose acceptance was never recorded
// cannot tell whether SMTP took it: it is counted as sent, never sent
// again, and a human is asked to check (send_unconfirmed).
func TestCrashBetweenEachStepOfASend(t *testing.T) {
	sent := mailbox.RoleSent
	drafts := mailbox.RoleDrafts
	tests := []struct {
		name      string
		filesSent bool
		at        *crashAt
		// smtp is how many times SMTP received the reminder in all;
		// unconfirmed, whether a human is asked to check it.
		smtp        int
		unconfirmed bool
	}{
		{name: "no crash", smtp: 1},
		{name: "after the attempt is committed, before the Sent copy", at: &crashAt{"append", sent, true}, smtp: 1},
		{name: "after the Sent copy, before SMTP", at: &crashAt{"append", sent, false}, smtp: 0, unconfirmed: true},
		{name: "after SMTP accepted, before the acceptance is committed", at: &crashAt{"send", "", false}, smtp: 1, unconfirmed: true},
		{name: "after the acceptance is committed, before the mark is cleared", at: &crashAt{"setflag", sent, true}, smtp: 1},
		{name: "after the mark is cleared, before the draft is marked sent", at: &crashAt{"setflag", sent, false}, smtp: 1},
		{name: "after the draft is marked sent, before its copy leaves Drafts", at: &crashAt{"delete", drafts, true}, smtp: 1},
		{name: "the copy left Drafts, the process died before finishing", at: &crashAt{"delete", drafts, false}, smtp: 1},

		{name: "provider files Sent: no crash", filesSent: true, smtp: 1},
		{name: "provider files Sent: before SMTP takes it", filesSent: true, at: &crashAt{"send", "", true}, smtp: 1},
		{name: "provider files Sent: after SMTP accepted, before the acceptance is committed", filesSent: true,
			at: &crashAt{"send", "", false}, smtp: 1},
		{name: "provider files Sent: after the draft is marked sent, before its copy leaves Drafts", filesSent: true,
			at: &crashAt{"delete", drafts, true}, smtp: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			w := newCrashWorld(t, tt.filesSent)
			msgID := w.draft().MessageID
			wednesday := crashParis(t, 2026, 1, 14, 10, 0)

			w.mu.Lock()
			w.at = tt.at
			w.mu.Unlock()
			err := w.x.Pass(ctx, wednesday)
			w.mu.Lock()
			killed, armed := w.killed, w.at != nil
			w.mu.Unlock()
			if tt.at != nil && (!killed || armed) {
				t.Fatalf("the pass never reached the crash point %s (err %v)", tt.at, err)
			}
			if tt.at == nil && err != nil {
				t.Fatalf("pass without a crash: %v", err)
			}

			// The restarted process runs its passes as the scheduler would,
			// a few minutes apart, still inside the send window.
			w.restart()
			for i := range 3 {
				if err := w.x.Pass(ctx, wednesday.Add(time.Duration(5*(i+1))*time.Minute)); err != nil {
					t.Fatalf("pass %d after restart: %v", i+1, err)
				}
			}

			w.server.mu.Lock()
			defer w.server.mu.Unlock()
			smtp := 0
			for _, raw := range w.server.accepted {
				if messageID(raw) == strings.Trim(msgID, "<>") {
					smtp++
				}
			}
			if smtp != tt.smtp || len(w.server.accepted) != tt.smtp {
				t.Errorf("SMTP received the reminder %d times (%d messages in all), want %d", smtp, len(w.server.accepted), tt.smtp)
			}
			inSent := w.server.withMessageID(sent, msgID)
			if len(inSent) != 1 || len(w.server.folders[sent]) != 1 {
				t.Fatalf("Sent holds the reminder %d times (%d messages in all), want exactly once", len(inSent), len(w.server.folders[sent]))
			}
			// The mark tells a crash mid-send; a settled send carries none,
			// except when the acceptance was committed before the crash:
			// the restart then has nothing to look up in Sent.
			if flags := w.server.folders[sent][inSent[0]].flags; slices.Contains(flags, SendingKeyword) &&
				!(tt.at != nil && *tt.at == crashAt{"setflag", sent, true}) {
				t.Errorf("the Sent copy still carries %s: %v", SendingKeyword, flags)
			}
			if n := len(w.server.folders[drafts]); n != 0 {
				t.Errorf("Drafts still holds %d copies of a sent reminder", n)
			}

			d := w.draft()
			if d.Status != domain.DraftSent {
				t.Errorf("draft status %q, want %q", d.Status, domain.DraftSent)
			}
			flags, err := w.st.Flags(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var kinds []string
			for _, f := range flags {
				kinds = append(kinds, string(f.Kind))
			}
			if got := slices.Contains(kinds, "send_unconfirmed"); got != tt.unconfirmed {
				t.Errorf("send_unconfirmed flag %v (flags %v), want %v", got, kinds, tt.unconfirmed)
			}
			if slices.Contains(kinds, "send_failed") {
				t.Errorf("a crash is not a failed send: flags %v", kinds)
			}
		})
	}
}
