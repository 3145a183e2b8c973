package outbox

import (
	"bytes"
	"context"
	netmail "net/mail"
	"path/filepath"
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

// memMailbox is the IMAP side of a pass, in memory.
type memMailbox struct {
	mu     sync.Mutex
	next   uint32
	drafts map[uint32][]byte
}

func (m *memMailbox) Append(_ context.Context, role mailbox.Role, raw []byte, _ []string, _ time.Time) (uint32, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.next++
	if role == mailbox.RoleDrafts {
		if m.drafts == nil {
			m.drafts = map[uint32][]byte{}
		}
		m.drafts[m.next] = raw
	}
	return m.next, nil
}

func (m *memMailbox) Delete(_ context.Context, _ mailbox.Role, uid uint32) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.drafts, uid)
	return nil
}

// DraftsState reports the copies appended to Drafts, as a server would.
func (m *memMailbox) DraftsState(context.Context) ([]mailbox.DraftInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return draftInfos(m.drafts), nil
}

// draftInfos reads the headers reconcileDrafts looks at.
func draftInfos(drafts map[uint32][]byte) []mailbox.DraftInfo {
	var out []mailbox.DraftInfo
	for uid, raw := range drafts {
		msg, err := netmail.ReadMessage(bytes.NewReader(raw))
		if err != nil || msg.Header.Get(mailbox.DraftHeader) == "" {
			continue
		}
		in := mailbox.DraftInfo{UID: uid, RelanceDraft: strings.TrimSpace(msg.Header.Get(mailbox.DraftHeader)),
			Installation: strings.TrimSpace(msg.Header.Get(mailbox.InstallationHeader))}
		for _, h := range []struct {
			name string
			to   *[]string
		}{{"To", &in.To}, {"Cc", &in.Cc}} {
			if list, err := msg.Header.AddressList(h.name); err == nil {
				for _, a := range list {
					*h.to = append(*h.to, strings.ToLower(a.Address))
				}
			}
		}
		out = append(out, in)
	}
	return out
}

func (m *memMailbox) FindMessageID(context.Context, mailbox.Role, string) (uint32, bool, error) {
	return 0, false, nil
}

func (m *memMailbox) SetFlag(context.Context, mailbox.Role, uint32, string, bool) error { return nil }

type nopSender struct{}

func (nopSender) Send(context.Context, *Composed) error { return nil }

// A client whose address cannot be written to (an e-invoicing routing id
// taken for an e-mail address by an earlier version, a typo) costs that
// client's reminder only: the pass completes, every other client gets its
// draft, and the invoice carries a self_check flag naming the address.
func TestUnusableRecipientSetAsideNotPassFailure(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "relance.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	issued := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	clients := []string{"04 0 11 000 - 12345 12345 - 35", "compta@client-a.test", "Jean <jean@", "compta@client-b.test"}
	if err := st.Update(ctx, issued, func(tx *store.Tx) error {
		for i, email := range clients {
			c, err := tx.EnsureClient(email, "Client", "fr")
			if err != nil {
				return err
			}
			n := []string{"F-1", "F-2", "F-3", "F-4"}[i]
			if _, _, err := tx.UpsertInvoice(store.NewInvoice{Number: n, ClientID: c.ID, Amount: decimal.RequireFromString("120.00"),
				Currency: "EUR", IssueDate: issued, DueDate: issued.AddDate(0, 0, 30), Language: "fr", Source: "body",
				SourceMessageID: n + "@atelier.test"}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	pol, err := policy.DefaultPolicy()
	if err != nil {
		t.Fatal(err)
	}
	mb := &memMailbox{}
	x, err := New(Options{Store: st, Mailbox: mb, Sender: nopSender{}, Policy: pol, Mode: domain.ModeReview,
		From: "Atelier <factures@atelier.test>", Business: render.Business{Name: "Atelier"}, Renderer: render.New(templates.FS)})
	if err != nil {
		t.Fatal(err)
	}
	// Tuesday 20 October 2026, 10:00 in Paris: the invoices are 19 days late.
	now := time.Date(2026, 10, 20, 8, 0, 0, 0, time.UTC)
	for pass := 0; pass < 2; pass++ {
		if err := x.Pass(ctx, now.Add(time.Duration(pass)*time.Hour)); err != nil {
			t.Fatalf("pass %d failed: %v", pass+1, err)
		}
	}
	drafts, err := st.Drafts(ctx, domain.DraftHeld, domain.DraftApproved)
	if err != nil {
		t.Fatal(err)
	}
	to := map[string]bool{}
	for _, d := range drafts {
		dd, err := st.DraftDetail(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range dd.To {
			to[a] = true
		}
	}
	if len(drafts) != 2 || !to["compta@client-a.test"] || !to["compta@client-b.test"] {
		t.Errorf("drafts to %v, want one each to compta@client-a.test and compta@client-b.test", to)
	}
	flags, err := st.Flags(ctx, "open")
	if err != nil {
		t.Fatal(err)
	}
	set := map[string]int{}
	for _, f := range flags {
		if f.Kind != "self_check" {
			continue
		}
		for _, bad := range []string{clients[0], clients[2]} {
			if strings.Contains(strings.Join(f.Evidence, " "), strings.ToLower(bad)) {
				set[bad]++
			}
		}
	}
	for _, bad := range []string{clients[0], clients[2]} {
		if set[bad] != 1 {
			t.Errorf("%d self_check flags name %q after two passes, want 1 (flags %+v)", set[bad], bad, flags)
		}
	}
}

// A stored draft that cannot be composed (an address that no longer
// parses) is stopped and flagged at sending, and the pass completes.
func TestUncomposableStoredDraftStopped(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "relance.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 10, 20, 8, 0, 0, 0, time.UTC)
	var draftID int64
	if err := st.Update(ctx, now, func(tx *store.Tx) error {
		c, err := tx.EnsureClient("0088:5790000435975", "Client", "fr")
		if err != nil {
			return err
		}
		inv, _, err := tx.UpsertInvoice(store.NewInvoice{Number: "F-9", ClientID: c.ID, Amount: decimal.RequireFromString("80"),
			Currency: "EUR", IssueDate: now.AddDate(0, -2, 0), DueDate: now.AddDate(0, -1, 0), Language: "fr", Source: "body"})
		if err != nil {
			return err
		}
		draftID, err = tx.CreateDraft(store.NewDraft{ClientID: c.ID, Stage: "friendly", StageNumber: 1, Kind: "message",
			To: []string{"0088:5790000435975"}, Subject: "Facture F-9", Body: "Bonjour", HoldUntil: now.Add(-time.Hour),
			MessageID: "m9@atelier.test", InvoiceIDs: []int64{inv}}, domain.ActorDaemon)
		if err != nil {
			return err
		}
		return tx.ApproveDraft(draftID, domain.ActorWeb, "")
	}); err != nil {
		t.Fatal(err)
	}
	pol, err := policy.DefaultPolicy()
	if err != nil {
		t.Fatal(err)
	}
	x, err := New(Options{Store: st, Mailbox: &memMailbox{}, Sender: nopSender{}, Policy: pol, Mode: domain.ModeReview,
		From: "Atelier <factures@atelier.test>", Business: render.Business{Name: "Atelier"}, Renderer: render.New(templates.FS)})
	if err != nil {
		t.Fatal(err)
	}
	d, err := st.DraftDetail(ctx, draftID)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.send(ctx, now, d); err != nil {
		t.Fatalf("send: %v", err)
	}
	d, err = st.DraftDetail(ctx, draftID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != domain.DraftCancelled {
		t.Errorf("draft status %s, want cancelled", d.Status)
	}
	flags, _ := st.Flags(ctx, "open")
	found := false
	for _, f := range flags {
		found = found || (f.Kind == "send_failed" && strings.Contains(strings.Join(f.Evidence, " "), "0088:5790000435975"))
	}
	if !found {
		t.Errorf("no send_failed flag names the address: %+v", flags)
	}
}
