package invoice

import (
	"slices"
	"testing"

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
		rule      string
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
		{"unknown sender from a client's domain", &message.Message{From: message.Address{Email: "boss@northwind.example"}, Subject: "Hello"},
			RuleNone, nil, nil},
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

func TestNumberTokens(t *testing.T) {
	got := numberTokens("Re: F-2026-0142, FAC-10387. n°2026/017 (INV_9) hello 2026")
	want := []string{"F20260142", "FAC10387", "2026017", "INV9", "2026"}
	if !slices.Equal(got, want) {
		t.Errorf("numberTokens = %q, want %q", got, want)
	}
}
