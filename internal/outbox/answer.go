package outbox

import (
	"bytes"
	"context"
	"log/slog"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/message"
	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/render"
	"github.com/relance/relance/internal/store"
)

// answer prepares the answer to a client's question and holds it for
// review like a reminder: bank details from the business settings, the
// invoice's own PDF attached again from Sent, and the blanks the human must
// fill (a PO number, a Chorus Pro date, an address) marked in the text and
// in the draft's context. A blank makes approval necessary in every mode.
func (x *Outbox) answer(ctx context.Context, now time.Time, c store.ChasingClient, d policy.Decision) error {
	var q *store.Question
	for i := range c.Questions {
		if c.Questions[i].FlagID == d.QuestionID {
			q = &c.Questions[i]
		}
	}
	if q == nil {
		return nil
	}
	data, ids, err := x.renderData(ctx, now, c, d, render.StageAnswer)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return nil
	}
	data.Asked = q.Topics
	data.Objection = q.Objection
	var (
		context     []store.DraftNote
		attachments []store.Attachment
		refs        []string
	)
	context = append(context, store.DraftNote{Code: store.NoteQuestion,
		Args: []string{q.AskedAt.In(x.o.Policy.Location).Format(time.RFC3339), strings.Join(q.Topics, ",")}})
	if q.Objection != domain.NoObjection {
		context = append(context, store.DraftNote{Code: store.NoteObjection, Args: []string{string(q.Objection)}})
	}
	for _, inv := range c.Invoices {
		if slices.Contains(ids, inv.ID) && inv.SourceMessageID != "" {
			refs = append(refs, inv.SourceMessageID)
		}
	}
	if slices.Contains(q.Topics, render.TopicInvoiceCopy) || q.Objection == domain.ObjectionNotReceived {
		var copies []store.ChasingInvoice
		for _, inv := range c.Invoices {
			if slices.Contains(ids, inv.ID) {
				copies = append(copies, inv)
			}
		}
		found := x.invoicePDFs(ctx, copies)
		for _, inv := range copies {
			if len(found[inv.ID]) == 0 {
				context = append(context, store.DraftNote{Code: store.NoteNoPDF, Args: []string{inv.Number}})
			}
			for _, a := range found[inv.ID] {
				attachments = append(attachments, a)
				data.Attached = append(data.Attached, a.Filename)
			}
		}
	}
	blanks := answerBlanks(q.Topics, q.Objection, x.o.Business.IBAN != "", len(data.Attached) > 0)
	for _, b := range blanks {
		context = append(context, store.DraftNote{Code: store.NoteBlank, Args: []string{b}})
	}
	inReplyTo := ""
	if q.MessageID != 0 {
		if id, err := x.o.Store.MessageHeaderID(ctx, q.MessageID); err != nil {
			return err
		} else if id != "" {
			inReplyTo = id
			refs = append(refs, id)
		}
	}
	to := d.To
	if len(to) == 0 {
		to = c.Emails[:1]
	}
	return x.hold(ctx, now, heldDraft{clientID: c.ID, clientName: c.Name, to: to, cc: d.Cc, data: data, kind: domain.KindAnswer,
		invoiceIDs: ids, refs: refs, inReplyTo: inReplyTo, holdUntil: d.HoldUntil, flagID: q.FlagID, context: context,
		attachments: attachments, requiresApproval: d.RequiresApproval || len(blanks) > 0})
}

// Blanks of an answer (store.NoteBlank's argument).
const (
	blankIBAN    = "iban"    // RELANCE_BUSINESS_IBAN is not set
	blankCopy    = "copy"    // no PDF to attach
	blankPO      = "po"      // the purchase order number
	blankChorus  = "chorus"  // the date of the Chorus Pro upload
	blankAddress = "address" // the billing address
	blankAnswer  = "answer"  // the question was not recognised
	// Objections: what the owner proposes, which relance cannot know.
	blankBalanceDate = "balance_date" // client_not_paid: the date of the balance
	blankVisitDate   = "visit_date"   // progress_payment_defect: the date of the visit
	blankDetail      = "detail"       // wrong_amount: the detail, or the credit note
)

// objectionBlanks are the blanks of the answer to each objection.
var objectionBlanks = map[domain.Objection][]string{
	domain.ObjectionClientNotPaid:         {blankBalanceDate},
	domain.ObjectionProgressPaymentDefect: {blankVisitDate},
	domain.ObjectionWrongAmount:           {blankDetail},
}

// answerBlanks lists what the human must fill in an answer before it can
// go: what relance cannot know. An objection's answer is known without a
// recognised question; the invoice it sends again must be found.
func answerBlanks(topics []string, o domain.Objection, haveIBAN, haveCopy bool) []string {
	var out []string
	known := o != domain.NoObjection
	out = append(out, objectionBlanks[o]...)
	if o == domain.ObjectionNotReceived && !haveCopy && !slices.Contains(topics, render.TopicInvoiceCopy) {
		out = append(out, blankCopy)
	}
	for _, t := range topics {
		switch t {
		case render.TopicBankDetails:
			known = true
			if !haveIBAN {
				out = append(out, blankIBAN)
			}
		case render.TopicInvoiceCopy:
			known = true
			if !haveCopy {
				out = append(out, blankCopy)
			}
		case render.TopicPONumber:
			known = true
			out = append(out, blankPO)
		case render.TopicChorusPro:
			known = true
			out = append(out, blankChorus)
		case render.TopicAddress:
			known = true
			out = append(out, blankAddress)
		}
	}
	if !known {
		out = append(out, blankAnswer)
	}
	return out
}

// invoicePDFs returns the PDF files of the mails that sent the invoices,
// read from Sent, by invoice. A failure costs the attachments, not the
// answer: the human is told in the draft's context.
func (x *Outbox) invoicePDFs(ctx context.Context, invs []store.ChasingInvoice) map[int64][]store.Attachment {
	f, ok := x.o.Mailbox.(sentReader)
	if !ok {
		return nil
	}
	var msgIDs []string
	for _, inv := range invs {
		if inv.SourceMessageID != "" {
			msgIDs = append(msgIDs, inv.SourceMessageID)
		}
	}
	mails, err := x.sentMails(ctx, f, msgIDs)
	if err != nil {
		x.log.Warn("outbox: cannot read the invoices from Sent", slog.Any("err", err))
		return nil
	}
	out := map[int64][]store.Attachment{}
	for _, inv := range invs {
		raw, found := mails[inv.SourceMessageID]
		if inv.SourceMessageID == "" || !found {
			continue
		}
		msg, err := message.Parse(bytes.NewReader(raw), message.DefaultOptions())
		if err != nil || msg == nil {
			continue
		}
		for _, a := range msg.Attachments {
			isPDF := a.ContentType == "application/pdf" || strings.EqualFold(path.Ext(a.Filename), ".pdf")
			if !isPDF || len(a.Data) == 0 || a.Truncated {
				continue
			}
			name := a.Filename
			if name == "" {
				name = inv.Number + ".pdf"
			}
			out[inv.ID] = append(out[inv.ID], store.Attachment{Filename: name, ContentType: "application/pdf", Data: a.Data})
		}
	}
	return out
}
