package outbox

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/relance/relance/internal/mailbox"
	"github.com/relance/relance/internal/message"
)

// sentReader is the part of the mailbox that reads a whole message of Sent
// (mailbox.Client implements it); without it no invoice PDF is attached.
type sentReader interface {
	FetchMessage(ctx context.Context, role mailbox.Role, msgID string) ([]byte, bool, error)
}

// refReader is the part of the mailbox that fetches messages by where the
// store saw them (mailbox.Client implements it): one FETCH by UID for all
// of a draft's invoices, where a search of Sent for each cost more than the
// rest of the draft.
type refReader interface {
	FetchMessages(ctx context.Context, refs []mailbox.MessageRef) (map[string][]byte, error)
}

// maxInvoicePDF bounds the size of an invoice PDF attached to a reminder.
const maxInvoicePDF = 10 << 20

// sentMails returns the mails of Sent with these Message-IDs, by
// Message-ID; one no longer there is missing from the map. Those the store
// saw are fetched at their UID, all at once; the others (and any that
// moved) are looked up by Message-ID. An IMAP failure is an error.
func (x *Outbox) sentMails(ctx context.Context, r sentReader, msgIDs []string) (map[string][]byte, error) {
	out := map[string][]byte{}
	msgIDs = slices.Compact(slices.Sorted(slices.Values(msgIDs)))
	if len(msgIDs) == 0 {
		return out, nil
	}
	if rr, ok := r.(refReader); ok {
		locs, err := x.o.Store.MessageLocations(ctx, string(mailbox.RoleSent), msgIDs)
		if err != nil {
			return nil, err
		}
		refs := make([]mailbox.MessageRef, 0, len(locs))
		for _, l := range locs {
			refs = append(refs, mailbox.MessageRef{Folder: l.Folder, UIDValidity: l.UIDValidity, UID: l.UID, MessageID: l.MessageID})
		}
		if out, err = rr.FetchMessages(ctx, refs); err != nil {
			return nil, err
		}
	}
	for _, id := range msgIDs {
		if _, ok := out[id]; ok {
			continue
		}
		raw, found, err := r.FetchMessage(ctx, mailbox.RoleSent, id)
		if err != nil {
			return nil, err
		}
		if found {
			out[id] = raw
		}
	}
	return out, nil
}

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
	invs, err := x.o.Store.InvoicesByID(ctx, invoiceIDs)
	if err != nil {
		return nil, err
	}
	var ids, numbers []string
	for _, inv := range invs {
		if inv.SourceMessageID != "" {
			ids = append(ids, inv.SourceMessageID)
			numbers = append(numbers, inv.Number)
		}
	}
	mails, err := x.sentMails(ctx, r, ids)
	if err != nil {
		return nil, fmt.Errorf("outbox: the PDFs of invoices %s: %w", strings.Join(numbers, ", "), err)
	}
	var out []Attachment
	for _, inv := range invs {
		if inv.SourceMessageID == "" {
			continue
		}
		raw, found := mails[inv.SourceMessageID]
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
