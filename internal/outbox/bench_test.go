package outbox

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	netmail "net/mail"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/invoice/pdfwrite"
	"github.com/relance/relance/internal/mailbox"
	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/render"
	"github.com/relance/relance/internal/store"
	"github.com/relance/relance/internal/testing/testutil/dovecot"
	"github.com/relance/relance/templates"
)

// sentInvoiceMail is the mail invoice num was sent with: a short text and its
// PDF, as large as a real one with a letterhead image (about 60 KiB).
func sentInvoiceMail(tb testing.TB, num, msgID, to string, issued time.Time) []byte {
	tb.Helper()
	var pdf bytes.Buffer
	if err := pdfwrite.Write(&pdf, pdfwrite.Doc{Title: "Facture " + num, PadBytes: 60 << 10,
		Lines: []string{"Atelier Moreau - 12 rue des Tanneurs, 69001 Lyon", "FACTURE " + num, "Total TTC 1 440,00 EUR"}}); err != nil {
		tb.Fatal(err)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: Atelier Moreau <factures@atelier-moreau.fr>\r\nTo: %s\r\nSubject: Facture %s\r\nMessage-ID: <%s>\r\nDate: %s\r\nMIME-Version: 1.0\r\n",
		to, num, msgID, issued.Format(time.RFC1123Z))
	b.WriteString("Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
	fmt.Fprintf(&b, "Bonjour,\r\n\r\nVeuillez trouver ci-joint la facture %s.\r\n\r\nCordialement,\r\nAtelier Moreau\r\n", num)
	fmt.Fprintf(&b, "--b1\r\nContent-Type: application/pdf; name=\"%s.pdf\"\r\nContent-Disposition: attachment; filename=\"%s.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n", num, num)
	writeBase64Lines(&b, pdf.Bytes())
	b.WriteString("--b1--\r\n")
	return b.Bytes()
}

func writeBase64Lines(w io.Writer, data []byte) {
	enc := make([]byte, base64.StdEncoding.EncodedLen(len(data)))
	base64.StdEncoding.Encode(enc, data)
	for len(enc) > 76 {
		w.Write(enc[:76])
		w.Write([]byte("\r\n"))
		enc = enc[76:]
	}
	w.Write(enc)
	w.Write([]byte("\r\n"))
}

// draftBench is a store seeded with clients each owing k overdue invoices,
// every one sent with its PDF: a first pass drafts one reminder a client,
// attaching its k PDFs.
type draftBench struct {
	template string            // the seeded database, copied for every pass
	sent     map[string][]byte // Message-ID → the invoice's mail
	now      time.Time
}

func newDraftBench(tb testing.TB, clients, k int) *draftBench {
	tb.Helper()
	ctx := context.Background()
	path := filepath.Join(tb.TempDir(), "seed.db")
	st, err := store.Open(ctx, path)
	if err != nil {
		tb.Fatal(err)
	}
	db := &draftBench{template: path, sent: map[string][]byte{}, now: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
	issued := time.Date(2026, 9, 1, 10, 0, 0, 0, time.UTC)
	if err := st.Update(ctx, issued, func(tx *store.Tx) error {
		for i := range clients {
			lang := "fr"
			if i%4 == 3 {
				lang = "en"
			}
			email := fmt.Sprintf("compta@client-%03d.test", i)
			c, err := tx.EnsureClient(email, fmt.Sprintf("Client %03d SARL", i), lang)
			if err != nil {
				return err
			}
			for j := range k {
				num := fmt.Sprintf("F-2026-%03d%02d", i, j)
				msgID := fmt.Sprintf("facture-%03d%02d@atelier-moreau.fr", i, j)
				// Due 10 to 40 days ago: every client owes its first
				// reminder, for all its invoices.
				due := db.now.AddDate(0, 0, -10-(i+j)%31)
				if _, _, err := tx.UpsertInvoice(store.NewInvoice{Number: num, ClientID: c.ID, Amount: decimal.RequireFromString("1440.00"),
					Currency: "EUR", IssueDate: due.AddDate(0, 0, -30), DueDate: due, Language: lang, Source: "pdf", SourceMessageID: msgID}); err != nil {
					return err
				}
				db.sent[msgID] = sentInvoiceMail(tb, num, msgID, email, due.AddDate(0, 0, -30))
			}
		}
		return nil
	}); err != nil {
		tb.Fatal(err)
	}
	if err := st.Close(); err != nil {
		tb.Fatal(err)
	}
	return db
}

// record keeps in the seeded store where each message of Sent was seen, as
// the scan does.
func (db *draftBench) record(tb testing.TB, seen []store.Message) {
	tb.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, db.template)
	if err != nil {
		tb.Fatal(err)
	}
	defer st.Close()
	if err := st.Update(ctx, db.now, func(tx *store.Tx) error {
		for _, m := range seen {
			if _, err := tx.AddMessage(m); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		tb.Fatal(err)
	}
}

// pass copies the seeded store and runs one outbox pass over it with mb,
// timed alone; it returns the allocations of the pass.
func (db *draftBench) pass(b *testing.B, run int, mb Mailbox, pol policy.Policy, r *render.Renderer) (mallocs uint64) {
	b.Helper()
	ctx := context.Background()
	b.StopTimer()
	path := filepath.Join(b.TempDir(), fmt.Sprintf("run%d.db", run))
	seed, err := os.ReadFile(db.template)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path, seed, 0o600); err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	x, err := New(Options{Store: st, Mailbox: mb, Policy: pol, Mode: domain.ModeDryRun, AttachInvoice: true,
		From: "Atelier Moreau <factures@atelier-moreau.fr>", Renderer: r,
		Business: render.Business{Name: "Atelier Moreau", Address: "12 rue des Tanneurs, 69001 Lyon", SIREN: "123 456 789",
			Email: "compta@atelier-moreau.fr", Phone: "04 78 00 00 00", IBAN: "FR76 3000 6000 0112 3456 7890 189", BIC: "AGRIFRPP"}})
	if err != nil {
		b.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.StartTimer()
	err = x.Pass(ctx, db.now)
	b.StopTimer()
	runtime.ReadMemStats(&after)
	if err != nil {
		b.Fatal(err)
	}
	return after.Mallocs - before.Mallocs
}

// sentRecorder is the mailbox.Store of the benchmark's one scan: it keeps
// where each message of Sent is.
type sentRecorder struct {
	mu   sync.Mutex
	seen []store.Message
}

func (r *sentRecorder) Cursor(context.Context, string) (mailbox.Cursor, error) {
	return mailbox.Cursor{}, nil
}

func (r *sentRecorder) Ingest(_ context.Context, f mailbox.Fetched, _ mailbox.Cursor) error {
	if f.Role != mailbox.RoleSent {
		return nil
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(f.Header))
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen = append(r.seen, store.Message{Folder: f.Folder, UIDValidity: f.UIDValidity, UID: f.UID, Role: string(f.Role),
		MessageID: strings.Trim(strings.TrimSpace(msg.Header.Get("Message-Id")), "<>")})
	return nil
}

func (r *sentRecorder) ResetFolder(context.Context, string, uint32) error { return nil }

// BenchmarkDraftReminders drafts, in one outbox pass, the first reminder of
// each client of a seeded store (40 clients, 3 overdue invoices each, every
// invoice sent with a PDF of about 60 KiB that the reminder attaches): the
// real renderer, the real message composition, the store's transactions.
// imap=fake holds Sent and Drafts in memory; imap=dovecot is a real server
// whose Sent also holds 2,000 other mails, with the mailbox package's kept
// connection, as the daemon drafts. ns/draft and allocs/draft are per
// reminder held.
func BenchmarkDraftReminders(b *testing.B) {
	const clients, k = 40, 3
	db := newDraftBench(b, clients, k)
	pol, err := policy.DefaultPolicy()
	if err != nil {
		b.Fatal(err)
	}
	// One renderer for the process, as the daemon has.
	r := render.New(templates.FS)
	run := func(b *testing.B, mb Mailbox, drafts func() int, clear func()) {
		var total, allocs uint64
		b.ResetTimer()
		for i := range b.N {
			clear()
			allocs += db.pass(b, i, mb, pol, r)
			if n := drafts(); n != clients {
				b.Fatalf("pass %d held %d drafts in Drafts, want %d", i, n, clients)
			}
			total += clients
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(total), "ns/draft")
		b.ReportMetric(float64(allocs)/float64(total), "allocs/draft")
	}
	b.Run("imap=fake", func(b *testing.B) {
		mb := &sentMailbox{sent: db.sent}
		run(b, mb, func() int {
			mb.mu.Lock()
			defer mb.mu.Unlock()
			return len(mb.drafts)
		}, func() {
			mb.mu.Lock()
			defer mb.mu.Unlock()
			mb.drafts = nil
		})
	})
	b.Run("imap=dovecot", func(b *testing.B) {
		ctx := context.Background()
		srv := dovecot.StartWith(b, dovecot.Options{Seed: func(s *dovecot.Server) {
			for id, raw := range db.sent {
				if err := s.Deliver("Sent", raw, true); err != nil {
					b.Fatalf("seed %s: %v", id, err)
				}
			}
			for i := range 2000 {
				raw := fmt.Sprintf("From: Atelier Moreau <factures@atelier-moreau.fr>\r\nTo: devis-%d@prospect.test\r\nSubject: Devis %d\r\nMessage-ID: <devis-%d@atelier-moreau.fr>\r\nDate: Mon, 1 Sep 2026 10:00:00 +0200\r\n\r\nBonjour,\r\n\r\nVoici notre devis.\r\n", i, i, i)
				if err := s.Deliver("Sent", []byte(raw), true); err != nil {
					b.Fatal(err)
				}
			}
		}})
		rec := &sentRecorder{}
		mc, err := mailbox.New(mailbox.Config{Addr: srv.Addr, Username: srv.User, Password: srv.Password, TLS: mailbox.TLSNone,
			DialTimeout: 5 * time.Second, CommandTimeout: 30 * time.Second}, rec)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(mc.CloseIdle)
		if err := mc.SyncOnce(ctx); err != nil {
			b.Fatal(err)
		}
		if len(rec.seen) != len(db.sent)+2000 {
			b.Fatalf("the scan saw %d messages in Sent, want %d", len(rec.seen), len(db.sent)+2000)
		}
		db.record(b, rec.seen)
		copies := func() []mailbox.DraftInfo {
			infos, err := mc.DraftsState(ctx)
			if err != nil {
				b.Fatal(err)
			}
			return infos
		}
		run(b, mc, func() int { return len(copies()) }, func() {
			for _, in := range copies() {
				if err := mc.Delete(ctx, mailbox.RoleDrafts, in.UID); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}
