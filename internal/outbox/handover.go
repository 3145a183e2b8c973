package outbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/relance/relance/internal/classify"
	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/handover"
	"github.com/relance/relance/internal/invoice"
	"github.com/relance/relance/internal/invoice/legal"
	"github.com/relance/relance/internal/mailbox"
	"github.com/relance/relance/internal/message"
	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/render"
	"github.com/relance/relance/internal/store"
	"github.com/relance/relance/internal/text"
)

// HandoverOptions is what building a client's hand-over file needs. The
// daemon's pass and `relance handover` build it with the same function.
type HandoverOptions struct {
	Store    *store.Store
	Policy   policy.Policy
	Business render.Business
	// Mail fetches the originals (the invoice as sent, our reminders, the
	// client's replies) from the mailbox by Message-ID: mailbox.Client.
	// Without it, an original the client's previous file holds is taken
	// from there, and any other is rebuilt from what the store keeps.
	Mail   sentReader
	Logger *slog.Logger
}

// handoverWords are the flag's words, in the owner's language.
var handoverWords = text.Catalogue{
	"fr": {
		string(domain.HandoverLadderEnded): "Le délai de la mise en demeure est passé sans paiement : le dossier à confier à un tiers est prêt (injonction de payer, Médiateur des entreprises, société de recouvrement ou avocat).",
		string(domain.HandoverHostile):     "La réponse du client est devenue hostile : le dossier à confier à un tiers est prêt (injonction de payer, Médiateur des entreprises, société de recouvrement ou avocat).",
		string(domain.HandoverAsked):       "Le dossier à confier à un tiers est prêt.",
		"file":                             "Dossier : %s et %s (relance handover %s, ou cette page).",
	},
	"en": {
		string(domain.HandoverLadderEnded): "The formal notice's deadline passed unpaid: the file to hand to a third party is ready (order for payment, Médiateur des entreprises, collection agency or lawyer).",
		string(domain.HandoverHostile):     "The client's reply turned hostile: the file to hand to a third party is ready (order for payment, Médiateur des entreprises, collection agency or lawyer).",
		string(domain.HandoverAsked):       "The file to hand to a third party is ready.",
		"file":                             "File: %s and %s (relance handover %s, or this page).",
	},
}

// HandoverFlagEvidence is the evidence of a handover flag: why, and the
// file it points at.
func HandoverFlagEvidence(lang string, reason domain.HandoverReason, f store.HandoverFile, number string) []string {
	return []string{handoverWords.T(lang, string(reason)), handoverWords.T(lang, "file", f.PDFName, f.ZIPName, number)}
}

// maxOriginal bounds one original kept in the ZIP.
const maxOriginal = 20 << 20

// BuildHandover builds the hand-over file of the client of invoiceID (it
// covers every invoice the client still owes), keeps it in the store and
// returns it. The file is in the owner's language (the policy's default
// language) and counts penalties to now's day with policy.LatePenalties.
func BuildHandover(ctx context.Context, o HandoverOptions, now time.Time, invoiceID int64, reason domain.HandoverReason) (store.HandoverFile, error) {
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	inv, err := o.Store.InvoiceByID(ctx, invoiceID)
	if err != nil {
		return store.HandoverFile{}, err
	}
	rec, err := o.Store.HandoverRecordOf(ctx, inv.Client.ID)
	if err != nil {
		return store.HandoverFile{}, err
	}
	loc := o.Policy.Location
	if loc == nil {
		loc = time.UTC
	}
	lang := o.Policy.DefaultLanguage
	asOf := policy.DateIn(now, loc)
	day := time.Date(asOf.Year, asOf.Month, asOf.Day, 0, 0, 0, 0, loc)
	client := policy.Client{ID: rec.Client.ID, Name: rec.Client.Name, Emails: rec.Client.Emails, Language: rec.Client.Language, B2C: rec.Consumer}

	var prev map[string][]byte
	if old, err := o.Store.HandoverFileOf(ctx, invoiceID); err == nil {
		prev = originalsOf(old.ZIP)
	} else if !errors.Is(err, store.ErrNotFound) {
		return store.HandoverFile{}, err
	}
	fetch := func(role mailbox.Role, msgID string) []byte {
		if o.Mail == nil || msgID == "" {
			return nil
		}
		raw, found, err := o.Mail.FetchMessage(ctx, role, msgID)
		if err != nil {
			log.Warn("handover: cannot fetch an original; using what the store keeps", slog.String("message_id", msgID), slog.Any("err", err))
			return nil
		}
		if !found || len(raw) > maxOriginal {
			return nil
		}
		return raw
	}
	var originals []handover.File
	keep := func(name string, data []byte, rebuilt func() []byte) {
		name = handover.SafeName(name)
		switch {
		case data != nil:
		case prev[name] != nil:
			data = prev[name]
		case rebuilt != nil:
			data = rebuilt()
		}
		if data != nil {
			originals = append(originals, handover.File{Name: name, Data: data})
		}
	}

	facts := handover.Facts{Language: lang, Date: day, Reason: reason, Creditor: o.Business,
		Debtor: handover.Debtor{Name: rec.Client.Name, Emails: rec.Client.Emails, Address: rec.Client.Address}}
	local := func(t time.Time) time.Time { return t.In(loc) }
	for _, hi := range rec.Invoices {
		is := policy.InvoiceState{ID: hi.ID, Number: hi.Number, Amount: hi.Amount, Balance: hi.Balance, Currency: hi.Currency,
			State: hi.State}
		if !hi.IssueDate.IsZero() {
			is.IssueDate = policy.DateOf(hi.IssueDate)
		}
		if !hi.DueDate.IsZero() {
			is.DueDate = policy.DateOf(hi.DueDate)
		}
		var pays []policy.Payment
		for _, p := range hi.Payments {
			pays = append(pays, policy.Payment{Date: policy.DateOf(p.PaidOn), Amount: p.Amount})
			facts.Chronology = append(facts.Chronology, handover.Entry{At: p.PaidOn, Kind: handover.EntryPayment,
				Subject: text.FormatMoney(lang, p.Amount, hi.Currency) + " (" + hi.Number + ")"})
		}
		in := o.Policy.PenaltyInputFor(is, client, pays, asOf)
		facts.Debtor.Consumer = in.B2C
		line := handover.Invoice{Number: hi.Number, IssueDate: hi.IssueDate, DueDate: hi.DueDate, Amount: hi.Amount, Paid: hi.Paid(),
			Balance: hi.Balance, Currency: hi.Currency}
		if !in.B2C {
			if res, err := policy.LatePenalties(in); err != nil {
				line.PenaltyError = err.Error()
			} else {
				line.Penalties = &res
			}
		}
		facts.Invoices = append(facts.Invoices, line)
		if !hi.IssueDate.IsZero() {
			facts.Chronology = append(facts.Chronology, handover.Entry{At: hi.IssueDate, Kind: handover.EntryInvoice, Subject: hi.Number})
		}

		raw := fetch(mailbox.RoleSent, hi.SourceMessageID)
		keep("facture-"+hi.Number+".eml", raw, nil)
		if raw != nil {
			m, err := message.Parse(bytes.NewReader(raw), message.Options{MaxAttachmentBytes: maxOriginal})
			if err == nil {
				for _, a := range m.Attachments {
					if len(a.Data) > 0 && !a.Truncated && (isPDF(&a) || strings.HasSuffix(strings.ToLower(a.Filename), ".xml")) {
						keep(hi.Number+"-"+a.Filename, a.Data, nil)
					}
				}
				// The debtor's SIREN and VAT number, as the invoice names them.
				if siren, vat := legal.BuyerIDs(legal.FromMessage(m, invoice.Result{})); siren != "" || vat != "" {
					facts.Debtor.SIREN, facts.Debtor.VAT = siren, vat
				}
			}
		} else {
			var names []string
			for name := range prev {
				if strings.HasPrefix(name, handover.SafeName(hi.Number+"-")) {
					names = append(names, name)
				}
			}
			sort.Strings(names)
			for _, name := range names {
				originals = append(originals, handover.File{Name: name, Data: prev[name]})
			}
		}
	}
	for _, s := range rec.Sent {
		kind := handover.EntryReminder
		if s.Kind == domain.KindFormalNotice {
			kind = handover.EntryFormalNotice
			if s.SentAt.After(facts.NoticeSent) {
				facts.NoticeSent = local(s.SentAt)
			}
		}
		facts.Chronology = append(facts.Chronology, handover.Entry{At: local(s.SentAt), Kind: kind, Subject: s.Subject})
		s := s
		keep(fmt.Sprintf("%s-%s-%d.eml", s.SentAt.In(loc).Format("2006-01-02"), s.Stage, s.DraftID), fetch(mailbox.RoleSent, s.MessageID),
			func() []byte { return rebuiltMail(o.Business.Email, s.To, s.Subject, s.Body, s.MessageID, s.SentAt) })
	}
	for _, r := range rec.Replies {
		facts.Chronology = append(facts.Chronology, handover.Entry{At: local(r.Date), Kind: handover.EntryReply, Subject: r.Subject,
			Excerpt: excerpt(r.Text, 240)})
		if h := classify.ReadHostile(r.Subject, r.Text); h.Hostile {
			facts.Hostile = append(facts.Hostile, h.Sentences...)
		}
		r := r
		keep(fmt.Sprintf("%s-reponse-%d.eml", r.Date.In(loc).Format("2006-01-02"), r.ID), fetch(mailbox.RoleInbox, r.MessageID),
			func() []byte {
				return rebuiltMail(r.From, []string{o.Business.Email}, r.Subject, r.Text, r.MessageID, r.Date)
			})
	}
	sort.SliceStable(facts.Chronology, func(i, j int) bool { return facts.Chronology[i].At.Before(facts.Chronology[j].At) })
	for i := range facts.Chronology {
		facts.Chronology[i].At = local(facts.Chronology[i].At)
	}

	pdf, err := handover.PDF(facts)
	if err != nil {
		return store.HandoverFile{}, fmt.Errorf("outbox: hand-over file of invoice %s: %w", inv.Number, err)
	}
	pdfName, zipName := handover.Names(lang, inv.Number, day)
	z, err := handover.ZIP(pdfName, pdf, originals, day)
	if err != nil {
		return store.HandoverFile{}, fmt.Errorf("outbox: hand-over file of invoice %s: %w", inv.Number, err)
	}
	f := store.HandoverFile{ClientID: rec.Client.ID, InvoiceID: invoiceID, Reason: string(reason), PDFName: pdfName, PDF: pdf, ZIPName: zipName, ZIP: z}
	if err := o.Store.Update(ctx, now, func(tx *store.Tx) error {
		f.ID, err = tx.SaveHandoverFile(f)
		return err
	}); err != nil {
		return store.HandoverFile{}, err
	}
	f.CreatedAt = now
	log.Info("hand-over file prepared", slog.String("invoice", inv.Number), slog.String("reason", string(reason)),
		slog.Int("originals", len(originals)))
	return f, nil
}

// handovers prepares the file of every client the policy says is due
// (policy.Handover) and opens its handover flag, whose evidence names it.
func (x *Outbox) handovers(ctx context.Context, now time.Time) error {
	clients, err := x.o.Store.ChasingClients(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, c := range clients {
		notices, prepared, err := x.o.Store.HandoverState(ctx, c.ID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		d, ok := x.o.Policy.Handover(now, ClientState(c), policy.HandoverFacts{NoticeSent: notices, Prepared: prepared})
		if !ok {
			continue
		}
		var mail sentReader
		if r, ok := x.o.Mailbox.(sentReader); ok {
			mail = r
		}
		f, err := BuildHandover(ctx, HandoverOptions{Store: x.o.Store, Policy: x.o.Policy, Business: x.o.Business, Mail: mail, Logger: x.log},
			now, d.Invoices[0], d.Reason)
		if err != nil {
			errs = append(errs, fmt.Errorf("outbox: client %s: %w", c.Email, err))
			continue
		}
		number := ""
		for _, inv := range c.Invoices {
			if inv.ID == d.Invoices[0] {
				number = inv.Number
			}
		}
		if err := x.o.Store.Update(ctx, now, func(tx *store.Tx) error {
			_, _, err := tx.OpenFlagOnce(store.Flag{Kind: domain.FlagHandover, InvoiceID: d.Invoices[0], ClientID: c.ID,
				Evidence: HandoverFlagEvidence(x.o.Policy.DefaultLanguage, d.Reason, f, number)})
			return err
		}); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// originalsOf reads the originals a previous file's ZIP holds, by name.
func originalsOf(z []byte) map[string][]byte {
	out := map[string][]byte{}
	entries, err := handover.ReadZIP(z, maxOriginal)
	if err != nil {
		return out
	}
	for name, b := range entries {
		if name, ok := strings.CutPrefix(name, "originals/"); ok {
			out[name] = b
		}
	}
	return out
}

// rebuiltMail writes a mail the mailbox no longer holds from what the
// store kept of it (our text as sent; the client's words without the
// quoted history), marked as such.
func rebuiltMail(from string, to []string, subject, body, msgID string, at time.Time) []byte {
	var b strings.Builder
	oneLine := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\n", oneLine(from), oneLine(strings.Join(to, ", ")),
		oneLine(subject), at.UTC().Format(time.RFC1123Z))
	if msgID != "" {
		fmt.Fprintf(&b, "Message-ID: %s\r\n", oneLine(msgID))
	}
	b.WriteString("X-Relance-Rebuilt: the original is no longer in the mailbox; this copy holds the text relance kept\r\n")
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n"))
	b.WriteString("\r\n")
	return []byte(b.String())
}

// excerpt is the start of a text, on one line, cut at a word.
func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndexByte(s[:n], ' ')
	if cut <= 0 {
		cut = n
	}
	return s[:cut] + " …"
}
