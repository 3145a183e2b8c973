package outbox

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/relance/relance/internal/mailbox"
	"github.com/relance/relance/internal/message"
)

// sentReader is the part of the mailbox that reads a whole message of Sent
// (mailbox.Client implements it); without it no invoice PDF is attached.
type sentReader interface {
	FetchMessage(ctx context.Context, role mailbox.Role, msgID string) ([]byte, bool, error)
}

// maxInvoicePDF bounds the size of an invoice PDF attached to a reminder.
const maxInvoicePDF = 10 << 20

// reminderPDFs returns the invoices' own PDFs, taken from the mails they
// were sent with (Options.AttachInvoice). An invoice whose mail is no
// longer in Sent, or carried no PDF, is simply sent without one; an IMAP
// failure is an error (the send is retried later).
func (x *Outbox) reminderPDFs(ctx context.Context, invoiceIDs []int64) ([]Attachment, error) {
	if !x.o.AttachInvoice {
		return nil, nil
	}
	r, ok := x.o.Mailbox.(sentReader)
	if !ok {
		return nil, nil
	}
	var out []Attachment
	for _, id := range invoiceIDs {
		inv, err := x.o.Store.InvoiceByID(ctx, id)
		if err != nil {
			return nil, err
		}
		if inv.SourceMessageID == "" {
			continue
		}
		raw, found, err := r.FetchMessage(ctx, mailbox.RoleSent, inv.SourceMessageID)
		if err != nil {
			return nil, fmt.Errorf("outbox: the PDF of invoice %s: %w", inv.Number, err)
		}
		if !found {
			x.log.Info("outbox: the mail of the invoice is no longer in Sent; the reminder goes without its PDF",
				slog.String("invoice", inv.Number))
			continue
		}
		a, ok := invoicePDF(raw, inv.Number)
		if !ok {
			x.log.Info("outbox: the mail of the invoice carries no PDF", slog.String("invoice", inv.Number))
			continue
		}
		out = append(out, a)
	}
	return out, nil
}

// invoicePDF picks the invoice's PDF in the mail it was sent with: the one
// whose file name holds the invoice number, else the first PDF.
func invoicePDF(raw []byte, number string) (Attachment, bool) {
	m, err := message.Parse(bytes.NewReader(raw), message.Options{MaxAttachmentBytes: maxInvoicePDF})
	if err != nil {
		return Attachment{}, false
	}
	var first *message.Attachment
	key := strings.ToLower(strings.TrimSpace(number))
	for i := range m.Attachments {
		a := &m.Attachments[i]
		if len(a.Data) == 0 || a.Truncated || !isPDF(a) {
			continue
		}
		if key != "" && strings.Contains(strings.ToLower(a.Filename), key) {
			first = a
			break
		}
		if first == nil {
			first = a
		}
	}
	if first == nil {
		return Attachment{}, false
	}
	name := first.Filename
	if name == "" {
		name = "facture-" + number + ".pdf"
	}
	return Attachment{Name: name, ContentType: "application/pdf", Data: first.Data}, true
}

func isPDF(a *message.Attachment) bool {
	return a.ContentType == "application/pdf" || strings.HasSuffix(strings.ToLower(a.Filename), ".pdf") ||
		bytes.HasPrefix(a.Data, []byte("%PDF-"))
}
