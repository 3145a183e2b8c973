package invoice

import (
	"slices"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/message"
)

func TestThread(t *testing.T) {
	cands := []Candidate{
		{ID: 1, Number: "F-2026-0142", ClientEmails: []string{"claire@boulangerie-dupont.example"}, MessageIDs: []string{"inv-0142@studio-martin.example", "<rel-0142-1@studio-martin.example>"}, Open: true},
		{ID: 2, Number: "F-2026-0150", ClientEmails: []string{"Claire@Boulangerie-Dupont.example", "compta@boulangerie-dupont.example"}, MessageIDs: []string{"inv-0150@studio-martin.example"}, Open: true},
		{ID: 3, Number: "FAC-10387", ClientEmails: []string{"ben@northwind.example"}, MessageIDs: []string{"inv-10387@studio-martin.example"}, Open: true},
		{ID: 4, Number: "2026-017", ClientEmails: []string{"ben@northwind.example"}, MessageIDs: []string{"inv-017@studio-martin.example"}, Open: false},
		{ID: 5, Number: "42", ClientEmails: []string{"solo@example.org"}, MessageIDs: []string{"inv-42@studio-martin.example"}, Open: true},
		{ID: 6, Number: "F-2026-0099", ClientEmails: []string{"paid@example.net"}, MessageIDs: []string{"inv-0099@studio-martin.example"}, Open: false},
	}
	tests := []struct {
		name      string
		m         *message.Message
		rule      Route
		ids       []int64
		triageIDs []int64
	}{
		{"in-reply-to invoice", &message.Message{From: message.Address{Email: "someone@else.example"}, InReplyTo: []string{"inv-0142@studio-martin.example"}, Subject: "Re: Facture"},
			RuleReferences, []int64{1}, nil},
		{"references our reminder, brackets and case", &message.Message{From: message.Address{Email: "claire@boulangerie-dupont.example"}, References: []string{"<unrelated@x>", "<REL-0142-1@studio-martin.example>"}},
			RuleReferences, []int64{1}, nil},
		{"references beat numbers", &message.Message{From: message.Address{Email: "ben@northwind.example"}, InReplyTo: []string{"inv-10387@studio-martin.example"}, Subject: "Re: FAC-10387 et F-2026-0150"},
			RuleReferences, []int64{3}, nil},
		{"references to a closed invoice", &message.Message{From: message.Address{Email: "paid@example.net"}, InReplyTo: []string{"inv-0099@studio-martin.example"}},
			RuleReferences, []int64{6}, nil},
		{"number in subject", &message.Message{From: message.Address{Email: "compta@boulangerie-dupont.example"}, Subject: "Règlement facture F-2026-0150"},
			RuleNumber, []int64{2}, nil},
		{"number normalized in body", &message.Message{From: message.Address{Email: "x@y.example"}, Subject: "Paiement", Text: "Bonjour, le virement pour la facture F2026/0142 est parti ce matin."},
			RuleNumber, []int64{1}, nil},
		{"several numbers", &message.Message{From: message.Address{Email: "claire@boulangerie-dupont.example"}, Subject: "Factures F-2026-0142 et F-2026-0150", Text: "Les deux sont réglées."},
			RuleNumber, []int64{1, 2}, nil},
		{"number of closed invoice", &message.Message{From: message.Address{Email: "ben@northwind.example"}, Text: "About invoice n° 2026-017: we paid it last week."},
			RuleNumber, []int64{4}, nil},
		{"short number needs a label", &message.Message{From: message.Address{Email: "solo@example.org"}, Text: "Invoice #42 paid today."},
			RuleNumber, []int64{5}, nil},
		{"short number alone is not a match", &message.Message{From: message.Address{Email: "nobody@example.org"}, Text: "Je passe au 42 rue des Lilas demain."},
			RuleNone, nil, nil},
		{"sender with one open invoice", &message.Message{From: message.Address{Email: "Ben@Northwind.example"}, Subject: "Question", Text: "Could you resend the bank details?"},
			RuleSender, []int64{3}, nil},
		{"sender with several open invoices", &message.Message{From: message.Address{Email: "claire@boulangerie-dupont.example"}, Subject: "Paiement", Text: "Le virement part demain."},
			RuleTriage, nil, []int64{1, 2}},
		{"known sender, no open invoice", &message.Message{From: message.Address{Email: "paid@example.net"}, Subject: "Merci"},
			RuleTriage, nil, []int64{6}},
		{"unknown sender", &message.Message{From: message.Address{Email: "stranger@example.com"}, Subject: "Hello"},
			RuleNone, nil, nil},
		{"another address at a client's domain", &message.Message{From: message.Address{Email: "boss@northwind.example"}, Subject: "Hello"},
			RouteDomain, []int64{3}, nil},
		{"no sender", &message.Message{Subject: "?"}, RuleNone, nil, nil},
		{"nil", nil, RuleNone, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Thread(tc.m, cands)
			if got.Rule != tc.rule || !slices.Equal(got.InvoiceIDs, tc.ids) || !slices.Equal(got.Candidates, tc.triageIDs) {
				t.Errorf("Thread = %+v, want rule %q ids %v candidates %v", got, tc.rule, tc.ids, tc.triageIDs)
			}
			if got.Evidence == "" {
				t.Error("no evidence")
			}
		})
	}
}

func TestThreadNoCandidates(t *testing.T) {
	got := Thread(&message.Message{From: message.Address{Email: "a@b.example"}, InReplyTo: []string{"x@y"}, Subject: "F-2026-0142"}, nil)
	if got.Rule != RuleNone {
		t.Errorf("Thread = %+v", got)
	}
}

// Every route from a reply to its invoice, with the amounts the reply
// names and the unknown-address note.
func TestThreadRoutes(t *testing.T) {
	cands := []Candidate{
		{ID: 10, Number: "FA-2025-0311", ClientEmails: []string{"compta@menuiserie-roux.fr"}, MessageIDs: []string{"fa0311@atelier.test", "resend-0311@atelier.test"}, Open: true, Amount: dec("1440"), Balance: dec("1440")},
		{ID: 11, Number: "FA-2025-0312", ClientEmails: []string{"compta@menuiserie-roux.fr"}, MessageIDs: []string{"fa0312@atelier.test", "avoir-0312@atelier.test"}, Open: true, Amount: dec("1000"), Balance: dec("800")},
		{ID: 12, Number: "INV-2025-0077", ClientEmails: []string{"ap@northwind.example"}, MessageIDs: []string{"inv77@atelier.test"}, Open: true, Amount: dec("600"), Balance: dec("600")},
		{ID: 13, Number: "FA-2025-0400", ClientEmails: []string{"jean.petit@gmail.com"}, MessageIDs: []string{"fa0400@atelier.test"}, Open: true, Amount: dec("250"), Balance: dec("250")},
		{ID: 14, Number: "FA-2025-0401", ClientEmails: []string{"lea@studio-lune.fr"}, Open: true, Amount: dec("300"), Balance: dec("300")},
		{ID: 15, Number: "FA-2025-0402", ClientEmails: []string{"lea@studio-lune.fr"}, Open: true, Amount: dec("300"), Balance: dec("300")},
	}
	amounts := func(s ...string) []decimal.Decimal {
		var out []decimal.Decimal
		for _, a := range s {
			out = append(out, dec(a))
		}
		return out
	}
	from := func(addr string) message.Address { return message.Address{Email: addr} }
	tests := []struct {
		name    string
		m       *message.Message
		amounts []decimal.Decimal
		rule    Route
		ids     []int64
		triage  []int64
		unknown bool
	}{
		{"reply to a re-send", &message.Message{From: from("compta@menuiserie-roux.fr"), InReplyTo: []string{"<resend-0311@atelier.test>"}}, nil, RouteReferences, []int64{10}, nil, false},
		{"reply to a credit note", &message.Message{From: from("compta@menuiserie-roux.fr"), References: []string{"<x@y>", "<AVOIR-0312@atelier.test>"}}, nil, RouteReferences, []int64{11}, nil, false},
		{"unknown address, number glued to n°", &message.Message{From: from("p.roux@free.fr"), Subject: "paiement", Text: "J'ai réglé la facture n°FA-2025-0311 hier."}, nil, RouteNumber, []int64{10}, nil, true},
		{"number in lower case", &message.Message{From: from("ap@northwind.example"), Text: "inv-2025-0077 was paid"}, nil, RouteNumber, []int64{12}, nil, false},
		{"number with spaces", &message.Message{From: from("compta@menuiserie-roux.fr"), Text: "pour la FA 2025 0312 le virement part demain"}, nil, RouteNumber, []int64{11}, nil, false},
		{"short number among the sender's", &message.Message{From: from("compta@menuiserie-roux.fr"), Subject: "facture 311", Text: "Réglée ce jour."}, nil, RouteNumber, []int64{10}, nil, false},
		{"short number from a stranger", &message.Message{From: from("x@other.example"), Subject: "facture 311"}, nil, RouteNone, nil, nil, false},
		{"balance after a credit note", &message.Message{From: from("compta@menuiserie-roux.fr"), Text: "Virement de 800 € effectué."}, amounts("800"), RouteAmount, []int64{11}, nil, false},
		{"total of one invoice", &message.Message{From: from("compta@menuiserie-roux.fr"), Text: "Virement de 1 440 € effectué."}, amounts("1440"), RouteAmount, []int64{10}, nil, false},
		{"exact amount from an unknown address", &message.Message{From: from("someone@bank.example"), Text: "600 € paid"}, amounts("600"), RouteAmount, []int64{12}, nil, true},
		{"amount fitting two invoices", &message.Message{From: from("lea@studio-lune.fr"), Text: "300 € réglés"}, amounts("300"), RouteTriage, nil, []int64{14, 15}, false},
		{"sender upper case", &message.Message{From: from("AP@Northwind.Example"), Text: "hello"}, nil, RouteSender, []int64{12}, nil, false},
		{"colleague at the client's domain", &message.Message{From: from("direction@northwind.example"), Text: "hello"}, nil, RouteDomain, []int64{12}, nil, false},
		{"same webmail is not the client", &message.Message{From: from("marie.durand@gmail.com"), Text: "hello"}, nil, RouteNone, nil, nil, false},
		{"two open invoices, nothing else", &message.Message{From: from("compta@menuiserie-roux.fr"), Text: "Je vous réponds vite."}, nil, RouteTriage, nil, []int64{10, 11}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ThreadWith(tc.m, cands, ThreadOptions{Amounts: tc.amounts})
			if got.Rule != tc.rule || !slices.Equal(got.InvoiceIDs, tc.ids) || !slices.Equal(got.Candidates, tc.triage) || got.UnknownSender != tc.unknown {
				t.Errorf("ThreadWith = %+v, want %s %v triage %v unknown %v", got, tc.rule, tc.ids, tc.triage, tc.unknown)
			}
		})
	}
}

func TestNumberKeys(t *testing.T) {
	got := NumberKeys("n°FA-2025-0311 et FA 2025 0312, facture 311")
	for _, want := range []string{"FA20250311", "FA20250312", "311"} {
		if !slices.Contains(got, want) {
			t.Errorf("NumberKeys = %q, want %q among them", got, want)
		}
	}
}
