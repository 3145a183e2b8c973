// Package handover lays out the file an owner gives a third party (a court
// clerk, the Médiateur des entreprises, a collection agency or a lawyer)
// once chasing by mail has ended: one PDF stating the creditor, the debtor,
// each invoice, a dated chronology of every reminder and reply, the formal
// notice, the penalties and indemnity to the day of the file, and the next
// steps; and a ZIP holding that PDF with the originals.
//
// It is pure: the facts in, bytes out. The store gathers the facts, the
// policy computes the penalties (policy.LatePenalties), the outbox fetches
// the originals; nothing here reads a clock or a file.
package handover

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/render"
)

// Facts is everything the file states.
type Facts struct {
	// Language is the owner's ("fr" by default, "en"): the file is for them
	// and the third party they hand it to.
	Language string
	// Date is the day of the file: penalties are counted to it.
	Date     time.Time
	Reason   domain.HandoverReason
	Creditor render.Business
	Debtor   Debtor
	Invoices []Invoice
	// Chronology is every reminder sent, reply received and payment, oldest
	// first.
	Chronology []Entry
	// NoticeSent is when the formal notice left (zero: none was sent).
	NoticeSent time.Time
	// Hostile holds the client's sentences that stopped every contact.
	Hostile []string
}

// Debtor is the client as known from its invoices and mail.
type Debtor struct {
	Name    string
	Emails  []string
	Address string // postal address, "" when no invoice gave one
	SIREN   string // "" when the invoice names none
	VAT     string
	// Consumer: a private person. No L441-10 penalties, no D441-5
	// indemnity, and the court is the tribunal judiciaire.
	Consumer bool
}

// Invoice is one invoice of the file.
type Invoice struct {
	Number    string
	IssueDate time.Time
	DueDate   time.Time
	Amount    decimal.Decimal
	Paid      decimal.Decimal
	Balance   decimal.Decimal
	Currency  string
	// Penalties is policy.LatePenalties to the file's date; nil for a
	// consumer or when it could not be computed (PenaltyError says why).
	Penalties    *policy.PenaltyResult
	PenaltyError string
}

// EntryKind is what a chronology line records.
type EntryKind string

// Chronology kinds.
const (
	EntryInvoice      EntryKind = "invoice"
	EntryReminder     EntryKind = "reminder"
	EntryFormalNotice EntryKind = "formal_notice"
	EntryReply        EntryKind = "reply"
	EntryPayment      EntryKind = "payment"
)

// Entry is one dated line of the chronology.
type Entry struct {
	At      time.Time
	Kind    EntryKind
	Subject string // a mail's subject; a payment's amount as written
	// Excerpt is the first words of the client's own text (replies only).
	Excerpt string
}

// File is one original kept in the ZIP.
type File struct {
	Name string
	Data []byte
}

// Names returns the file names of the PDF and the ZIP for an invoice, in
// the owner's language.
func Names(lang, number string, day time.Time) (pdfName, zipName string) {
	base := "dossier-" + SafeName(number) + "-" + day.Format("2006-01-02")
	if lang == "en" {
		base = "file-" + SafeName(number) + "-" + day.Format("2006-01-02")
	}
	return base + ".pdf", base + ".zip"
}

// ZIP packs the PDF first, then the originals (invoices as sent, every
// reminder and reply as .eml) under originals/. Names are made safe and
// unique; every entry is dated with day so the same facts give the same
// bytes.
func ZIP(pdfName string, pdf []byte, originals []File, day time.Time) ([]byte, error) {
	if len(pdf) == 0 {
		return nil, errors.New("handover: zip: no PDF")
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	seen := map[string]bool{}
	add := func(name string, data []byte) error {
		name = unique(seen, name)
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: day.UTC()})
		if err != nil {
			return fmt.Errorf("handover: zip %s: %w", name, err)
		}
		if _, err := w.Write(data); err != nil {
			return fmt.Errorf("handover: zip %s: %w", name, err)
		}
		return nil
	}
	if err := add(SafeName(pdfName), pdf); err != nil {
		return nil, err
	}
	for _, f := range originals {
		if err := add("originals/"+SafeName(f.Name), f.Data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("handover: zip: %w", err)
	}
	return buf.Bytes(), nil
}

// ReadZIP returns the entries of a file's ZIP by name, each at most max
// bytes (larger ones are left out): a rebuild reuses the originals of the
// previous file, the page and the tests read it back.
func ReadZIP(z []byte, max int64) (map[string][]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(z), int64(len(z)))
	if err != nil {
		return nil, fmt.Errorf("handover: read zip: %w", err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		if f.UncompressedSize64 > uint64(max) {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("handover: read zip %s: %w", f.Name, err)
		}
		b, err := io.ReadAll(io.LimitReader(rc, max))
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("handover: read zip %s: %w", f.Name, err)
		}
		out[f.Name] = b
	}
	return out, nil
}

// SafeName keeps a file name to letters, digits and ".-_" (a slash
// becomes "_", a leading dot goes), so no entry of the ZIP climbs out of
// its folder and every system can write it.
func SafeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	out := strings.TrimLeft(b.String(), ".")
	if out == "" {
		out = "file"
	}
	return out
}

func unique(seen map[string]bool, name string) string {
	if !seen[name] {
		seen[name] = true
		return name
	}
	ext := path.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	for i := 2; ; i++ {
		n := stem + "-" + strconv.Itoa(i) + ext
		if !seen[n] {
			seen[n] = true
			return n
		}
	}
}
