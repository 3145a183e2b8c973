package engine

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/invoice"
	"github.com/relance/relance/internal/invoice/legal"
	"github.com/relance/relance/internal/invoice/pdfwrite"
	"github.com/relance/relance/internal/mailbox"
	"github.com/relance/relance/internal/message"
	"github.com/relance/relance/internal/store"
	"github.com/relance/relance/internal/testing/testutil/handwritten"
)

// pdfInvoice is a mail we sent to client@example.org whose body only
// announces the invoice: the invoice is its PDF, of these lines, fetched
// on demand as the scan does.
func pdfInvoice(t *testing.T, uid uint32, msgID string, lines []string, loads *atomic.Int64) mailbox.Fetched {
	return pdfInvoiceSaying(t, uid, msgID, "Veuillez trouver notre facture en pièce jointe.", lines, loads)
}

// pdfInvoiceSaying is pdfInvoice with its body saying body.
func pdfInvoiceSaying(t *testing.T, uid uint32, msgID, body string, lines []string, loads *atomic.Int64) mailbox.Fetched {
	t.Helper()
	var buf bytes.Buffer
	if err := pdfwrite.Write(&buf, pdfwrite.Doc{Lines: lines}); err != nil {
		t.Fatal(err)
	}
	pdf := []byte(base64.StdEncoding.EncodeToString(buf.Bytes()))
	header := fmt.Sprintf("From: Atelier <factures@atelier.test>\r\nTo: Client <client@example.org>\r\n"+
		"Subject: Facture\r\nDate: Tue, 03 Nov 2026 10:00:00 +0100\r\nMessage-ID: <%s>\r\n"+
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n", msgID)
	return mailbox.Fetched{
		Folder: "Sent", Role: mailbox.RoleSent, UID: uid, UIDValidity: 7, Header: []byte(header),
		Parts: []message.Part{
			{Path: []int{1}, MediaType: "text/plain", Params: map[string]string{"charset": "utf-8"}, Encoding: "8bit",
				Body: []byte("Bonjour,\r\n\r\n" + body + "\r\n")},
			{Path: []int{2}, MediaType: "application/pdf", Encoding: "base64", Disposition: "attachment",
				DispositionParams: map[string]string{"filename": "facture.pdf"}, Size: len(pdf)},
		},
		Load: loadReturning(pdf, nil, loads),
	}
}

// newCheckingEngine is newEngine with the self-check on, in lang.
func newCheckingEngine(t *testing.T, lang string) (*Engine, *store.Store) {
	t.Helper()
	e, st := newEngine(t)
	e.selfCheck, e.lang = true, New(Options{Language: lang}).lang
	return e, st
}

// ingestOne records one fetched mail.
func ingestOne(t *testing.T, e *Engine, f mailbox.Fetched) {
	t.Helper()
	if err := e.IngestBatch(context.Background(), []mailbox.Fetched{f}, mailbox.Cursor{Folder: f.Folder, UIDValidity: f.UIDValidity, LastUID: f.UID}); err != nil {
		t.Fatal(err)
	}
}

// selfCheckFlags returns the self_check flags of the store, by status.
func selfCheckFlags(t *testing.T, st *store.Store) (open, resolved []store.Flag) {
	t.Helper()
	all, err := st.Flags(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range all {
		switch {
		case f.Kind != domain.FlagSelfCheck:
		case f.Status == domain.FlagResolved:
			resolved = append(resolved, f)
		default:
			open = append(open, f)
		}
	}
	return open, resolved
}

// fixed is a hand-written invoice with the line carrying what it lacked
// added after the line starting with after.
func fixed(lines []string, after, add string) []string {
	var out []string
	for _, l := range lines {
		out = append(out, l)
		if strings.HasPrefix(l, after) {
			out = append(out, add)
		}
	}
	return out
}

// An invoice we send is checked before its first reminder: its PDF is
// read even when nothing else needs it, and what the check finds opens
// the invoice's self_check flag, naming the finding and its legal
// reference in the owner's language. A clean invoice opens none.
func TestSelfCheckOpensTheFlag(t *testing.T) {
	for _, c := range []struct {
		name, file, lang string
		body             string   // the mail's words; empty: "see attached"
		want             []string // what the only flag's evidence says; none: no flag
	}{
		{"defect, French", "hw03-micro-no-siren.txt", "fr", "",
			[]string{"Notre numéro SIREN (ou SIRET) n'apparaît pas sur la facture. — CGI, annexe II, art. 242 nonies A"}},
		{"defect, English", "hw03-micro-no-siren.txt", "en", "",
			[]string{"Our SIREN (or SIRET) number does not appear on the invoice. — CGI, annexe II, art. 242 nonies A"}},
		{"defect, the mail saying all discovery needs", "hw03-micro-no-siren.txt", "fr",
			saysAll,
			[]string{"Notre numéro SIREN (ou SIRET) n'apparaît pas sur la facture. — CGI, annexe II, art. 242 nonies A"}},
		{"clean", "hw01-plombier-clean.txt", "fr", "", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			e, st := newCheckingEngine(t, c.lang)
			var loads atomic.Int64
			f := pdfInvoice(t, 1, "inv-1@atelier.test", handwritten.Lines(t, c.file), &loads)
			if c.body != "" {
				f = pdfInvoiceSaying(t, 1, "inv-1@atelier.test", c.body, handwritten.Lines(t, c.file), &loads)
			}
			ingestOne(t, e, f)
			if loads.Load() != 1 {
				t.Errorf("the PDF was loaded %d times, want once", loads.Load())
			}
			open, _ := selfCheckFlags(t, st)
			if c.want == nil {
				if len(open) != 0 {
					t.Fatalf("a clean invoice opened %d self_check flags: %q", len(open), open[0].Evidence)
				}
				return
			}
			if len(open) != 1 || open[0].InvoiceID == 0 {
				t.Fatalf("self_check flags %+v, want one on the invoice", open)
			}
			if !slices.Equal(open[0].Evidence, c.want) {
				t.Errorf("evidence %q, want %q", open[0].Evidence, c.want)
			}
		})
	}
}

// Without the self-check, an invoice is recorded as before: its PDF is
// fetched only when the mail lacks the facts, and nothing is said of its
// mentions.
func TestSelfCheckOff(t *testing.T) {
	e, st := newEngine(t)
	var loads atomic.Int64
	ingestOne(t, e, pdfInvoiceSaying(t, 1, "inv-1@atelier.test", saysAll, handwritten.Lines(t, "hw03-micro-no-siren.txt"), &loads))
	ingestOne(t, e, pdfInvoice(t, 2, "inv-2@atelier.test", handwritten.Lines(t, "hw06-term-90-fdm.txt"), &loads))
	if loads.Load() != 1 {
		t.Errorf("PDFs loaded %d times, want once (for the mail that does not say enough)", loads.Load())
	}
	if open, _ := selfCheckFlags(t, st); len(open) != 0 {
		t.Fatalf("self_check flags %q with the check off", open[0].Evidence)
	}
}

// saysAll is a mail body that gives discovery the number, amount and due
// date of hw03: its PDF is not needed to record the invoice.
const saysAll = "Veuillez trouver notre facture JM-2026-041 d'un montant de 660,00 €, à régler avant le 02/12/2026."

// A corrected invoice (the same number sent again) before the first
// reminder is checked again: the flag of the one before is resolved, and
// a clean correction opens none. Once the ladder runs, a re-send's
// findings do not stop it.
func TestSelfCheckCorrectedInvoice(t *testing.T) {
	ctx := context.Background()
	defective := handwritten.Lines(t, "hw03-micro-no-siren.txt")
	corrected := fixed(defective, "54000 Nancy", "SIRET 812 345 678 00024")

	// sentTwice records the invoice as first sent, then sent again.
	sentTwice := func(t *testing.T, first, again []string) (open, resolved []store.Flag) {
		e, st := newCheckingEngine(t, "fr")
		ingestOne(t, e, pdfInvoice(t, 1, "inv-1@atelier.test", first, new(atomic.Int64)))
		ingestOne(t, e, pdfInvoice(t, 2, "inv-1-bis@atelier.test", again, new(atomic.Int64)))
		return selfCheckFlags(t, st)
	}
	t.Run("corrected before the first reminder", func(t *testing.T) {
		open, resolved := sentTwice(t, defective, corrected)
		if len(open) != 0 || len(resolved) != 1 {
			t.Fatalf("%d open and %d resolved self_check flags, want the first resolved and none open", len(open), len(resolved))
		}
		if resolved[0].Resolution != "facture corrigée envoyée" {
			t.Errorf("resolution %q", resolved[0].Resolution)
		}
	})
	t.Run("sent again still defective", func(t *testing.T) {
		open, resolved := sentTwice(t, defective, defective)
		if len(open) != 1 || len(resolved) != 1 {
			t.Fatalf("%d open and %d resolved self_check flags, want the first replaced by one", len(open), len(resolved))
		}
		if len(open[0].Evidence) != 1 || !strings.Contains(open[0].Evidence[0], "SIREN") {
			t.Errorf("evidence %q", open[0].Evidence)
		}
	})
	t.Run("sent again once the ladder runs", func(t *testing.T) {
		e, st := newCheckingEngine(t, "fr")
		ingestOne(t, e, pdfInvoice(t, 1, "inv-1@atelier.test", corrected, new(atomic.Int64)))
		invs, err := st.Invoices(ctx, store.InvoiceFilter{})
		if err != nil || len(invs) != 1 {
			t.Fatalf("invoices %v, %v", invs, err)
		}
		if err := st.Update(ctx, time.Date(2026, 12, 10, 9, 0, 0, 0, time.UTC), func(tx *store.Tx) error {
			return tx.ManualContact([]int64{invs[0].ID}, 2, time.Time{})
		}); err != nil {
			t.Fatal(err)
		}
		ingestOne(t, e, pdfInvoice(t, 2, "inv-1-bis@atelier.test", defective, new(atomic.Int64)))
		if open, resolved := selfCheckFlags(t, st); len(open)+len(resolved) != 0 {
			t.Fatalf("%d open and %d resolved self_check flags after a re-send under way, want none", len(open), len(resolved))
		}
	})
}

// The flag's evidence: today's facts first (what discovery misses, what it
// found), then the self-check's findings; a disagreement between sources
// that both saw is said once, in the self-check's words.
func TestSelfCheckEvidence(t *testing.T) {
	disagree := "amount: mail 100.00, PDF 120.00"
	sources := legal.Finding{Kind: legal.SourcesDisagree, Reference: "CGI, art. 289", FR: "Les sources diffèrent.", EN: "The sources differ.", Detail: disagree}
	siren := legal.Finding{Kind: legal.MissingSellerSIREN, Reference: "CGI", FR: "Pas de SIREN.", EN: "No SIREN."}
	r := invoice.Result{Missing: []string{"due_date"}, Findings: []string{disagree, "PDF unreadable"}, Disagreements: []string{disagree}}
	for _, c := range []struct {
		name    string
		created bool
		found   []legal.Finding
		lang    string
		want    []string
	}{
		{"no check", true, nil, "fr", []string{"missing: due_date", disagree, "PDF unreadable"}},
		{"re-send, no check", false, nil, "fr", []string{disagree, "PDF unreadable"}},
		{"merged in French", true, []legal.Finding{siren, sources}, "fr",
			[]string{"missing: due_date", "PDF unreadable", "Pas de SIREN. — CGI", "Les sources diffèrent. (" + disagree + ") — CGI, art. 289"}},
		{"merged in English", false, []legal.Finding{siren}, "en", []string{disagree, "PDF unreadable", "No SIREN. — CGI"}},
	} {
		if got := selfCheck(r, c.created, c.found, c.lang); !slices.Equal(got, c.want) {
			t.Errorf("%s: evidence %q, want %q", c.name, got, c.want)
		}
	}
	if got := selfCheck(invoice.Result{}, true, nil, "fr"); len(got) != 0 {
		t.Errorf("nothing to say: evidence %q", got)
	}
}
