package engine

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/relance/relance/internal/invoice/pdfwrite"
	"github.com/relance/relance/internal/mailbox"
	"github.com/relance/relance/internal/message"
	"github.com/relance/relance/internal/store"
)

func newEngine(t *testing.T) (*Engine, *store.Store) {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "relance.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := func() time.Time { return time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC) }
	return New(Options{Store: st, Now: now, Own: []string{"factures@atelier.test"}}), st
}

// sentInvoice is invoice n as the scan delivers it: the text fetched, the
// PDF described only; the text says nothing but "see attached", so the PDF
// must be loaded.
func sentInvoice(n int, load func(ctx context.Context, paths ...[]int) ([]message.Part, error)) mailbox.Fetched {
	header := fmt.Sprintf("From: Atelier <factures@atelier.test>\r\nTo: Client %d <client%d@example.org>\r\n"+
		"Subject: Facture F-2026-%04d\r\nDate: Tue, 03 Nov 2026 10:00:00 +0100\r\nMessage-ID: <inv-%d@atelier.test>\r\n"+
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n", n, n, n, n)
	return mailbox.Fetched{
		Folder: "Sent", Role: mailbox.RoleSent, UID: uint32(n), UIDValidity: 7, Header: []byte(header),
		Parts: []message.Part{
			{Path: []int{1}, MediaType: "text/plain", Params: map[string]string{"charset": "utf-8"}, Encoding: "8bit",
				Body: []byte("Bonjour,\r\n\r\nVeuillez trouver notre facture en pièce jointe.\r\n")},
			{Path: []int{2}, MediaType: "application/pdf", Encoding: "base64", Disposition: "attachment",
				DispositionParams: map[string]string{"filename": fmt.Sprintf("F-2026-%04d.pdf", n)}, Size: 4000},
		},
		Load: load,
	}
}

func invoicePDF(t *testing.T, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	err := pdfwrite.Write(&buf, pdfwrite.Doc{Lines: []string{
		fmt.Sprintf("FACTURE N° F-2026-%04d", n), "Date de facture : 03/11/2026", "Total TTC : 1 234,56 EUR",
		"Date d'échéance : 03/12/2026",
	}})
	if err != nil {
		t.Fatal(err)
	}
	return []byte(base64.StdEncoding.EncodeToString(buf.Bytes()))
}

func loadReturning(body []byte, err error, calls *atomic.Int64) func(context.Context, ...[]int) ([]message.Part, error) {
	return func(_ context.Context, paths ...[]int) ([]message.Part, error) {
		calls.Add(1)
		if err != nil {
			return nil, err
		}
		return []message.Part{{Path: paths[0], MediaType: "application/pdf", Encoding: "base64", Disposition: "attachment",
			DispositionParams: map[string]string{"filename": "f.pdf"}, Body: body}}, nil
	}
}

// A batch is recorded whole or not at all: one message whose PDF cannot be
// fetched for now (connection lost) fails the batch, and the cursor stays.
// Fetched again, the same batch is recorded with the PDF's facts.
func TestIngestBatchAllOrNothing(t *testing.T) {
	e, st := newEngine(t)
	ctx := context.Background()
	var calls atomic.Int64
	pdf := invoicePDF(t, 2)
	lost := errors.New("mailbox: load parts of Sent UID 2: connection reset")
	batch := []mailbox.Fetched{
		sentInvoice(1, loadReturning(invoicePDF(t, 1), nil, &calls)),
		sentInvoice(2, loadReturning(nil, lost, &calls)),
		sentInvoice(3, loadReturning(invoicePDF(t, 3), nil, &calls)),
	}
	next := mailbox.Cursor{Folder: "Sent", UIDValidity: 7, LastUID: 3}
	if err := e.IngestBatch(ctx, batch, next); err == nil || !strings.Contains(err.Error(), "connection reset") {
		t.Fatalf("IngestBatch = %v, want the load failure", err)
	}
	counts, err := st.CountMessages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := counts["Sent"]; n != 0 {
		t.Fatalf("%d messages recorded from a failed batch", n)
	}
	if cur, _ := st.Cursor(ctx, "Sent"); cur.LastUID != 0 {
		t.Fatalf("cursor moved to %d by a failed batch", cur.LastUID)
	}

	batch[1] = sentInvoice(2, loadReturning(pdf, nil, &calls))
	if err := e.IngestBatch(ctx, batch, next); err != nil {
		t.Fatal(err)
	}
	invs, err := st.Invoices(ctx, store.InvoiceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(invs) != 3 {
		t.Fatalf("%d invoices, want 3", len(invs))
	}
	for _, inv := range invs {
		if inv.Amount.String() != "1234.56" || inv.DueDate.Format("2006-01-02") != "2026-12-03" {
			t.Errorf("%s: amount %s due %s, want the PDF's 1234.56 and 2026-12-03", inv.Number, inv.Amount, inv.DueDate.Format("2006-01-02"))
		}
	}
	if cur, _ := st.Cursor(ctx, "Sent"); cur.LastUID != 3 {
		t.Errorf("cursor at %d, want 3", cur.LastUID)
	}
	// Offered again (a crash after the commit, before the caller knew):
	// nothing is recorded twice.
	if err := e.IngestBatch(ctx, batch, next); err != nil {
		t.Fatal(err)
	}
	if counts, _ := st.CountMessages(ctx); counts["Sent"] != 3 {
		t.Errorf("%d messages after the batch was offered twice, want 3", counts["Sent"])
	}
}

// A PDF the server no longer has (expunged) will never come: the mail is
// recorded with what its text says, not retried forever.
func TestIngestPDFGoneRecordsWhatIsThere(t *testing.T) {
	e, st := newEngine(t)
	ctx := context.Background()
	var calls atomic.Int64
	gone := fmt.Errorf("%w: part 2 of Sent UID 1 not returned (expunged?)", mailbox.ErrPartUnavailable)
	f := sentInvoice(1, loadReturning(nil, gone, &calls))
	if err := e.Ingest(ctx, f, mailbox.Cursor{Folder: "Sent", UIDValidity: 7, LastUID: 1}); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 1 {
		t.Errorf("Load called %d times, want 1", calls.Load())
	}
	if counts, _ := st.CountMessages(ctx); counts["Sent"] != 1 {
		t.Errorf("%d messages recorded, want 1", counts["Sent"])
	}
	if cur, _ := st.Cursor(ctx, "Sent"); cur.LastUID != 1 {
		t.Errorf("cursor at %d, want 1", cur.LastUID)
	}
}
