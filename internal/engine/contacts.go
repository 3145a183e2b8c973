package engine

import (
	"strings"
	"time"

	"github.com/relance/relance/internal/classify"
	"github.com/relance/relance/internal/contact"
	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/invoice"
	"github.com/relance/relance/internal/message"
	"github.com/relance/relance/internal/store"
)

// maxPDFForPhones bounds the PDF read for the buyer's phone number when the
// self-check has not read it already: the number is a convenience, the scan
// must not pay for a huge scan.
const maxPDFForPhones = 2 << 20

// invoicePhones are the client's phone numbers an invoice we sent gives:
// the buyer's contact in its XML, and the buyer's block of its text (the
// PDF's, else the mail's). Our own numbers are left out.
func (e *Engine) invoicePhones(msg *message.Message, r invoice.Result, pdfText string) []contact.Phone {
	var out []contact.Phone
	seen := map[string]bool{}
	add := func(ps []contact.Phone) {
		for _, p := range ps {
			if !seen[p.Norm] {
				seen[p.Norm] = true
				out = append(out, p)
			}
		}
	}
	if r.Client.Phone != "" {
		add(contact.Phones(r.Client.Phone, e.ownPhones...))
	}
	if pdfText == "" {
		for _, a := range msg.Attachments {
			if a.ContentType == "application/pdf" && len(a.Data) > 0 && len(a.Data) <= maxPDFForPhones {
				if t, err := invoice.PDFText(a.Data); err == nil {
					pdfText += t + "\n"
				}
			}
		}
	}
	add(contact.InvoicePhones(pdfText+"\n"+msg.Text, e.ownPhones...))
	return out
}

// replyContacts are the phone numbers a client gives in its own words (the
// reply without the quoted mail, so never our signature under the quote,
// its signature included) and the postal address of its signature. Machine
// mail (bounces, auto-replies) gives none:
// a colleague's number "in case of emergency" is not the client's.
func (e *Engine) replyContacts(r classify.Result) ([]contact.Phone, string) {
	if r.Class == classify.Bounce || r.Class == classify.AutoReply {
		return nil, ""
	}
	// Classify stripped the same text: its body and signature are reused.
	return contact.FromReply(r.Reply, r.Signature, e.ownPhones...), contact.ReplyAddress(r.Reply, r.Signature)
}

// recordInvoiceContacts keeps what an invoice tells of its client: its
// phone numbers, and whether it looks like a business or a consumer.
func recordInvoiceContacts(tx *store.Tx, clientID, rowID int64, at time.Time, phones []contact.Phone, r invoice.Result) error {
	if err := tx.FoundPhones(clientID, domain.ContactFromInvoice, rowID, at, phones); err != nil {
		return err
	}
	return tx.SetKindGuess(clientID, contact.GuessKind(contact.Buyer{Name: r.Client.Name, Email: r.Client.Email,
		VATID: r.Client.VATID, LegalID: r.Client.LegalID}))
}

// ownPhones keeps the business's numbers that are set.
func ownPhones(nums []string) []string {
	var out []string
	for _, n := range nums {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, n)
		}
	}
	return out
}
