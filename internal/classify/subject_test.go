package classify

import (
	"testing"
	"time"

	"github.com/relance/relance/internal/message"
)

// TestSubjectPrefixes pins the answer and forward prefixes mail programs
// write in the languages a client may use, as written and as folded.
func TestSubjectPrefixes(t *testing.T) {
	tests := []struct {
		subject, rest string
		answer        bool
	}{
		{"Re: Facture F-12", "Facture F-12", true},
		{"RE : Facture F-12", "Facture F-12", true},
		{"RE\u00a0: Facture F-12", "Facture F-12", true},
		{"Re[2]: Facture F-12", "Facture F-12", true},
		{"AW: WG: Rechnung 12", "Rechnung 12", true},
		{"SV: Invoice 12", "Invoice 12", true},
		{"VS: Invoice 12", "Invoice 12", true},
		{"Antw: Factuur 12", "Factuur 12", true},
		{"ODP: Reminder: invoice 25FA03318", "Reminder: invoice 25FA03318", true},
		{"Odp: Faktura 12", "Faktura 12", true},
		{"R: Fattura 12", "Fattura 12", true},
		{"RIF: Fattura 12", "Fattura 12", true},
		{"RES: Fatura 12", "Fatura 12", true},
		{"ΑΠ: Invoice 12", "Invoice 12", true},
		{"Отв: Invoice 12", "Invoice 12", true},
		{"回复：发票 12", "发票 12", true},
		{"[EXT] Re: Invoice 12", "Invoice 12", true},
		{"[EXTERNAL] SV: VB: Invoice 12", "Invoice 12", true},
		// Forwards and references answer nothing.
		{"Fwd: Invoice 12", "Invoice 12", false},
		{"TR: Facture 12", "Facture 12", false},
		{"WG: Rechnung 12", "Rechnung 12", false},
		{"RV: Factura 12", "Factura 12", false},
		{"Fwd: Re: Invoice 12", "Invoice 12", false},
		{"Réf. : Facture 12", "Facture 12", false},
		// Words that are not prefixes stay.
		{"Reminder: invoice 12", "Reminder: invoice 12", false},
		{"Facture 12", "Facture 12", false},
		{"Relance: facture 12", "Relance: facture 12", false},
		{"", "", false},
	}
	for _, tt := range tests {
		for _, s := range []string{tt.subject, fold(tt.subject)} {
			rest, answer := subjectPrefixes(s)
			if answer != tt.answer || rest != tt.rest && rest != fold(tt.rest) {
				t.Errorf("%q: %q answer %v, want %q %v", s, rest, answer, tt.rest, tt.answer)
			}
		}
	}
}

// TestAutoReplySubjectsInEveryLanguage: an automatic answer's subject
// behind another language's prefix is still one.
func TestAutoReplySubjectsInEveryLanguage(t *testing.T) {
	for _, subject := range []string{"SV: Automatic reply: Invoice 12", "ODP: Out of Office: Invoice 12", "Antw: Automatisch antwoord: Factuur 12",
		"VS: Out of office", "ΑΠ: Automatic reply: Invoice 12", "RIF: Risposta automatica: Fattura 12"} {
		m := &message.Message{Subject: subject, Text: "Thank you for your message."}
		res := Classify(m, Options{})
		bySubject := false
		for _, e := range res.Evidence {
			bySubject = bySubject || e.Signal == "auto:subject"
		}
		if res.Class != AutoReply || !bySubject {
			t.Errorf("%q read %s %+v", subject, res.Class, res.Evidence)
		}
	}
}

// TestUnmarkedAutoReplyGoesToAHuman: a reading of automatic mail that no
// header, subject, return date or automatic wording backs is unsure, so a
// person reads it; a marked one stays automatic. The shipped weights are
// read with no unsure threshold, so that only this rule can flag.
func TestUnmarkedAutoReplyGoesToAHuman(t *testing.T) {
	m := *Shipped()
	m.UnsureThreshold = 0
	date := time.Date(2025, 10, 14, 9, 12, 0, 0, time.UTC)
	tests := []struct {
		text   string
		unsure bool
	}{
		{"Notre atelier déménage au 4 rue des Forges à partir du 2 novembre.\n\nPaul", true},
		{"Merci pour votre message. Il sera traité par notre équipe dans les meilleurs délais.", false},
		{"Thank you for your email. Our team will get back to you shortly.", false},
		{"This mailbox is no longer monitored, please write to accounts@example.com.", false},
		{"Je suis absente jusqu'au 20 octobre inclus.", false},
	}
	for _, tt := range tests {
		res := Classify(&message.Message{Subject: "Re: Facture F-2025-118", Text: tt.text, Date: date}, Options{Model: &m})
		if res.Class != AutoReply {
			t.Fatalf("%q read %s: the case needs an automatic reading", tt.text, res.Class)
		}
		flagged := false
		for _, e := range res.Evidence {
			flagged = flagged || e.Signal == SignalUnmarkedAutoReply
		}
		if flagged != tt.unsure || res.NeedsHuman != tt.unsure || tt.unsure && res.NeedsHumanReason != "unsure" {
			t.Errorf("%q: needs_human %v (%q), unmarked %v; want unsure %v", tt.text, res.NeedsHuman, res.NeedsHumanReason, flagged, tt.unsure)
		}
	}
}
