package e2e

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
)

// objectionCase is a client who answers the invoice with a stock
// objection, in their language, and what the answer must say.
type objectionCase struct {
	kind    domain.Objection
	english bool
	reply   string   // the client's words; %s is the invoice number
	words   []string // what the answer says for this kind
}

// objectionCases are written as clients write, one per kind and language.
var objectionCases = []objectionCase{
	{domain.ObjectionChequeInPost, false, "Bonjour,\n\nLe chèque pour la facture %s est parti par la poste lundi dernier, vous devriez le recevoir cette semaine.\n\nCordialement,\nMarc Durand",
		[]string{"chèque", "son numéro, son montant et sa date d'envoi"}},
	{domain.ObjectionChequeInPost, true, "Hello,\n\nWe posted a cheque for invoice %s last Monday, it should reach you this week.\n\nBest regards,\nMark Durand",
		[]string{"cheque", "its number, its amount and the date it was sent"}},
	{domain.ObjectionOversight, false, "Bonjour,\n\nToutes nos excuses, c'est un oubli de notre part pour la facture %s. Nous faisons le nécessaire rapidement.\n\nCordialement,\nMarc Durand",
		[]string{"simple oubli", "la date exacte"}},
	{domain.ObjectionOversight, true, "Hello,\n\nApologies, invoice %s slipped through the cracks, it was an oversight on our side. We will sort it out shortly.\n\nBest regards,\nMark Durand",
		[]string{"simple oversight", "the exact date"}},
	{domain.ObjectionClientNotPaid, false, "Bonjour,\n\nNous ne pouvons pas régler la facture %s pour le moment : notre propre client ne nous a toujours pas payés pour ce chantier. Dès que nous serons payés, nous vous réglerons.\n\nCordialement,\nMarc Durand",
		[]string{"une partie dès maintenant", "le solde au plus tard le"}},
	{domain.ObjectionClientNotPaid, true, "Hello,\n\nWe cannot pay invoice %s yet: our own customer has still not paid us for this project. As soon as they pay us, we will pay you.\n\nBest regards,\nMark Durand",
		[]string{"part of it now", "the balance by"}},
	{domain.ObjectionGoodsReturned, false, "Bonjour,\n\nNous vous avons retourné les articles de la facture %s par transporteur le 3 novembre, le colis était abîmé à la livraison. Merci de nous faire un avoir.\n\nCordialement,\nMarc Durand",
		[]string{"pourquoi", "quand", "par quel transporteur"}},
	{domain.ObjectionGoodsReturned, true, "Hello,\n\nWe returned the items on invoice %s by courier on 3 November, the parcel was damaged on delivery. Please issue a credit note.\n\nBest regards,\nMark Durand",
		[]string{"why", "when", "by which carrier"}},
	{domain.ObjectionProgressPaymentDefect, false, "Bonjour,\n\nConcernant la situation de travaux %s : le carrelage de la salle de bain présente une malfaçon, plusieurs carreaux sont fissurés. Je ne réglerai pas cette situation tant que ce défaut n'est pas repris.\n\nCordialement,\nMarc Durand",
		[]string{"situation de travaux", "ne vaut ni réception ni acceptation", "visite sur place", "partie non contestée"}},
	{domain.ObjectionProgressPaymentDefect, true, "Hello,\n\nRegarding the call for funds %s for the second phase of the works: the roof still leaks where your team worked, so we will not release this payment until the defect is repaired.\n\nBest regards,\nMark Durand",
		[]string{"progress payment", "neither the handover nor an acceptance", "visit on site", "undisputed part"}},
	{domain.ObjectionNotReceived, false, "Bonjour,\n\nNous n'avons jamais reçu la facture %s. Pouvez-vous nous la renvoyer ?\n\nCordialement,\nMarc Durand",
		[]string{"ci-joint", "la bonne adresse de facturation"}},
	{domain.ObjectionNotReceived, true, "Hello,\n\nWe never received invoice %s. Could you send it again?\n\nBest regards,\nMark Durand",
		[]string{"attached", "the right billing address"}},
	{domain.ObjectionWrongAmount, false, "Bonjour,\n\nLe montant de la facture %s ne correspond pas au devis signé : vous avez facturé 1 800 € au lieu de 1 500 €. Merci de corriger.\n\nCordialement,\nMarc Durand",
		[]string{"voici le détail", "un avoir"}},
	{domain.ObjectionWrongAmount, true, "Hello,\n\nThe amount on invoice %s does not match the signed quote: you charged 1,800 instead of 1,500. Please correct it.\n\nBest regards,\nMark Durand",
		[]string{"here is the detail", "a credit note"}},
	{domain.ObjectionAwaitingApproval, false, "Bonjour,\n\nLa facture %s est en attente de validation par notre direction financière, et il nous faut un bon de commande avant de pouvoir la payer.\n\nCordialement,\nMarc Durand",
		[]string{"qui la valide", "dans quel délai", "numéro de bon de commande"}},
	{domain.ObjectionAwaitingApproval, true, "Hello,\n\nInvoice %s is waiting for approval by our finance department, and we need a purchase order before we can pay it.\n\nBest regards,\nMark Durand",
		[]string{"who approves", "by when", "purchase order number"}},
}

// replyFlags are the flags a reply with an objection may raise: the
// class's own (policy.ObjectionFlag), else an objection flag.
var replyFlags = []domain.FlagKind{domain.FlagDispute, domain.FlagGrievance, domain.FlagHardship, domain.FlagInfoRequest, domain.FlagObjection}

// TestObjectionAnswers is acceptance 2 of the answers to objections, on one
// Dovecot: for each stock objection, in French and in English, a client
// answers the invoice with it; the reply raises its flag, naming the
// objection and the answer draft; the answer says what that objection
// calls for, asks when and how, offers the plan in writing, never speaks
// of penalties (half the clients are consumers); approved, it leaves in
// the invoice's thread, to the sink and into Sent. One more reply the
// reading misses gets its objection from the owner (relance flags
// set-objection), and an answer's kind corrected from the draft (relance
// drafts set-objection) is drafted again for the new kind.
func TestObjectionAnswers(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	w := newLadderWorld(t)
	issued := time.Date(2026, 10, 1, 10, 0, 0, 0, paris)
	due := time.Date(2026, 10, 31, 0, 0, 0, 0, paris)
	replied := time.Date(2026, 11, 3, 8, 0, 0, 0, paris) // a Tuesday, before any reminder

	type client struct {
		objectionCase
		n            int
		name, email  string
		number       string
		replyID      string
		consumer     bool
		correctedFor domain.Objection // the owner gave this objection (the reading missed it)
	}
	var clients []*client
	for i, c := range objectionCases {
		clients = append(clients, &client{objectionCase: c, n: i + 1, name: fmt.Sprintf("Client %02d", i+1),
			email: fmt.Sprintf("client%02d@objection.test", i+1), number: fmt.Sprintf("F-2026-%04d", 501+i), consumer: i%2 == 1})
	}
	// A defect reported without the words the reading knows: the owner
	// says which objection it is.
	missed := &client{objectionCase: objectionCase{domain.ObjectionProgressPaymentDefect, true,
		"Hello,\n\nRegarding progress invoice %s: the bathroom tiling is defective, several tiles are cracked. I will not pay this stage payment until the defect is fixed.\n\nBest regards,\nMark Durand",
		[]string{"progress payment", "neither the handover nor an acceptance", "visit on site", "undisputed part"}},
		n: len(clients) + 1, name: "Client 17", email: "client17@objection.test", number: fmt.Sprintf("F-2026-%04d", 501+len(clients))}
	clients = append(clients, missed)

	for _, c := range clients {
		if err := w.IMAP.Deliver("Sent", invoiceMailWithPDFIn(c.n, c.name, c.email, issued, due, "1500.00", c.english), true); err != nil {
			t.Fatal(err)
		}
	}
	w.once(issued.Add(2 * time.Hour))
	for _, c := range clients {
		if c.consumer {
			w.Relance("clients", "set", c.email, "--kind", "consumer")
		}
		c.replyID = fmt.Sprintf("objection-%d@client.test", c.n)
		subject := "Re: Facture " + c.number + " - Atelier Test"
		if c.english {
			subject = "Re: Invoice " + c.number + " from Atelier Test"
		}
		body := strings.ReplaceAll(fmt.Sprintf(c.reply, c.number), "\n", "\r\n")
		raw := replyMail(c.replyID, c.email, c.name, fmt.Sprintf("inv-%d@atelier.test", c.n), subject, replied, body, false)
		if err := w.IMAP.Deliver("INBOX", raw, false); err != nil {
			t.Fatal(err)
		}
	}
	w.once(replied.Add(2 * time.Hour))

	// The flag each reply raised names its objection; a reading that
	// missed it is corrected by the owner.
	flagOf := func(c *client) store.Flag {
		t.Helper()
		var fs []store.Flag
		for _, f := range w.flags(c.number, "") {
			if slices.Contains(replyFlags, f.Kind) {
				fs = append(fs, f)
			}
		}
		if len(fs) != 1 {
			t.Fatalf("%s (%s, english %v): %d flags of the reply, want 1: %+v", c.number, c.kind, c.english, len(fs), w.flags(c.number, ""))
		}
		return fs[0]
	}
	// The objection reading is a trained model (make eval measures it):
	// one miss among the sixteen replies written with the usual words is
	// tolerated, and corrected by the owner like the reply meant to be
	// missed; the answers below are checked for every reply all the same.
	var misread []string
	for _, c := range clients {
		f := flagOf(c)
		if f.Objection == c.kind {
			continue
		}
		if c != missed {
			misread = append(misread, fmt.Sprintf("%s (%s, english %v) read as %q", c.number, c.kind, c.english, f.Objection))
		}
		w.Relance("flags", "set-objection", strconv.FormatInt(f.ID, 10), string(c.kind))
		c.correctedFor = c.kind
	}
	if len(misread) > 1 {
		t.Errorf("%d replies of %d misread, want at most 1 (each corrected by the owner): %v", len(misread), len(clients)-1, misread)
	} else if len(misread) == 1 {
		t.Logf("misread and corrected by the owner: %s", misread[0])
	}
	if missed.correctedFor == "" {
		t.Logf("the reading found the objection of the reply meant to be missed")
	}
	w.once(replied.Add(3 * time.Hour))

	// One answer per reply, in `drafts list --json` with stage "answer"
	// and the objection's kind.
	type draftRow struct {
		ID        int64    `json:"id"`
		Invoices  []string `json:"invoices"`
		Stage     string   `json:"stage"`
		To        []string `json:"to"`
		Objection string   `json:"objection"`
	}
	answers := func() map[string]draftRow {
		t.Helper()
		var rows []draftRow
		if err := json.Unmarshal([]byte(w.Relance("drafts", "list", "--json")), &rows); err != nil {
			t.Fatal(err)
		}
		out := map[string]draftRow{}
		for _, r := range rows {
			if r.Stage != "answer" || len(r.Invoices) != 1 {
				t.Fatalf("draft %+v: only answers, one invoice each, were expected", r)
			}
			if _, dup := out[r.Invoices[0]]; dup {
				t.Fatalf("two answers held for %s", r.Invoices[0])
			}
			out[r.Invoices[0]] = r
		}
		return out
	}
	held := answers()

	// The owner corrects one answer's kind from the draft: it gives way to
	// an answer for the new kind; set back, the right answer returns.
	fr := clients[12] // wrong_amount, French
	w.Relance("drafts", "set-objection", strconv.FormatInt(held[fr.number].ID, 10), string(domain.ObjectionGoodsReturned))
	w.once(replied.Add(4 * time.Hour))
	held = answers()
	if d := held[fr.number]; d.Objection != string(domain.ObjectionGoodsReturned) || !strings.Contains(w.draftBody(d.ID), "transporteur") {
		t.Fatalf("after the correction, the answer for %s is %+v:\n%s", fr.number, d, w.draftBody(d.ID))
	}
	w.Relance("drafts", "set-objection", strconv.FormatInt(held[fr.number].ID, 10), string(fr.kind))
	w.once(replied.Add(5 * time.Hour))
	held = answers()

	for _, c := range clients {
		d, ok := held[c.number]
		if !ok {
			t.Errorf("%s (%s, english %v): no answer held", c.number, c.kind, c.english)
			continue
		}
		if d.Objection != string(c.kind) || !slices.Equal(d.To, []string{c.email}) {
			t.Errorf("%s: answer %+v, want objection %s to %s", c.number, d, c.kind, c.email)
		}
		f := flagOf(c)
		if !slices.Contains(f.Evidence, store.ObjectionEvidence(c.kind)) || !slices.Contains(f.Evidence, store.AnswerEvidence(d.ID)) {
			t.Errorf("%s: %s flag evidence %q does not name the objection and the answer %d", c.number, f.Kind, f.Evidence, d.ID)
		}
		body := strings.ToLower(w.draftBody(d.ID))
		common := []string{"quand et comment", "par écrit", c.number}
		if c.english {
			common = []string{"when and how", "in writing", strings.ToLower(c.number)}
		}
		for _, word := range append(common, c.words...) {
			if !strings.Contains(body, strings.ToLower(word)) {
				t.Errorf("%s (%s, english %v): the answer does not say %q:\n%s", c.number, c.kind, c.english, word, body)
			}
		}
		if m := businessOnly.FindAllString(body, -1); len(m) > 0 {
			t.Errorf("%s: the answer speaks of %q", c.number, m)
		}
		w.approve(d.ID)
	}

	// Approved, every answer leaves on the next pass in the send window,
	// in the invoice's thread.
	w.once(time.Date(2026, 11, 4, 10, 0, 0, 0, paris))
	byTo := map[string]sent{}
	for _, s := range w.sentMessages() {
		byTo[s.To] = s
	}
	raws := map[string][]byte{}
	for _, m := range w.Sink.Messages() {
		raws[strings.ToLower(m.To[0])] = m.Data
	}
	if len(byTo) != len(clients) {
		t.Errorf("%d answers sent, want %d", len(byTo), len(clients))
	}
	for _, c := range clients {
		s, ok := byTo[c.email]
		if !ok {
			t.Errorf("%s: no answer sent", c.number)
			continue
		}
		invID := fmt.Sprintf("<inv-%d@atelier.test>", c.n)
		if s.InReplyTo != "<"+c.replyID+">" || !strings.Contains(s.References, invID) || !strings.Contains(s.References, "<"+c.replyID+">") {
			t.Errorf("%s: In-Reply-To %q References %q, want the client's reply in the invoice's thread", c.number, s.InReplyTo, s.References)
		}
		if n := countInMaildir(t, w.IMAP.Maildir("Sent"), s.MessageID); n != 1 {
			t.Errorf("%s: %d copies of the answer in Sent, want 1", c.number, n)
		}
		if c.kind == domain.ObjectionNotReceived {
			pdf := fmt.Sprintf("F-2026-%04d.pdf", 500+c.n)
			if _, ok := attachmentsOf(t, raws[c.email])[pdf]; !ok {
				t.Errorf("%s: the answer to %q does not attach %s", c.number, c.kind, pdf)
			}
		}
		if k := flagOf(c).Kind; k == domain.FlagObjection || k == domain.FlagInfoRequest {
			if f := flagOf(c); f.Status != domain.FlagResolved {
				t.Errorf("%s: the %s flag is %s after its answer left, want resolved", c.number, f.Kind, f.Status)
			}
		} else if f := flagOf(c); f.Status == domain.FlagResolved {
			t.Errorf("%s: the %s flag was closed by the answer; it is the owner's", c.number, f.Kind)
		}
	}
	if st := w.heldDrafts(); len(st) != 0 {
		t.Errorf("%d drafts held after the answers went: %+v", len(st), st)
	}
	var corrected []string
	for _, c := range clients {
		if c.correctedFor != "" {
			corrected = append(corrected, fmt.Sprintf("%s (english %v)", c.kind, c.english))
		}
	}
	t.Logf("%d answers sent; objections given by the owner where the reading missed: %v", len(byTo), corrected)
}

// draftBody is the text of draft id.
func (w *ladderWorld) draftBody(id int64) string {
	w.T.Helper()
	st := w.openStore()
	defer st.Close()
	d, err := st.DraftDetail(w.ctx, id)
	if err != nil {
		w.T.Fatal(err)
	}
	return d.Body
}
