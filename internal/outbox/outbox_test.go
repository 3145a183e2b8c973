package outbox

import (
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/store"
)

func TestNewMessageIDIsUniqueOnOurDomain(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id, err := newMessageID("Atelier <factures@atelier-moreau.fr>")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(id, "@atelier-moreau.fr") || seen[id] {
			t.Fatalf("bad or repeated Message-ID %q", id)
		}
		seen[id] = true
	}
	if id, _ := newMessageID("not an address"); !strings.HasSuffix(id, "@relance.invalid") {
		t.Errorf("fallback domain: %q", id)
	}
}

// Client names and subjects cannot add headers to a reminder.
func TestComposeRefusesHeaderInjection(t *testing.T) {
	c, err := compose("Atelier <factures@atelier.test>", 7, store.NewDraft{To: []string{"lea@studiokuma.fr"},
		Subject: "Facture F-1\r\nBcc: thief@evil.test", Body: "Bonjour", MessageID: "m1@atelier.test",
		InReplyTo: "inv-1@atelier.test>\r\nBcc: x@evil.test", References: []string{"inv-1@atelier.test"}}, time.Date(2026, 9, 15, 9, 30, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	head, _, _ := strings.Cut(string(c.Raw), "\r\n\r\n")
	for _, line := range strings.Split(head, "\r\n") {
		if strings.HasPrefix(strings.ToLower(line), "bcc:") {
			t.Fatalf("injected header: %q\n%s", line, head)
		}
	}
	for _, want := range []string{"X-Relance-Draft: 7", "Message-ID: <m1@atelier.test>", "References: <inv-1@atelier.test>"} {
		if !strings.Contains(head, want) {
			t.Errorf("header lacks %q:\n%s", want, head)
		}
	}
}

func TestDigestText(t *testing.T) {
	d := policy.Date{Year: 2026, Month: 9, Day: 15}
	drafts := []store.Draft{{ID: 3, Stage: "friendly", ClientName: "Studio Kuma", Subject: "Facture F-1 : petit rappel"}}
	flags := []store.Flag{{ID: 9, Kind: "dispute", ClientName: "Cave", InvoiceNum: "F-2", Evidence: []string{strings.Repeat("trop long ", 40)}}}
	subject, body := digestText(true, d, drafts, flags, nil)
	if !strings.Contains(subject, "1 brouillon") || !strings.Contains(body, "#3 friendly") || !strings.Contains(body, "…") {
		t.Errorf("French digest:\n%s\n%s", subject, body)
	}
	subject, body = digestText(false, d, drafts, nil, flags)
	if !strings.Contains(subject, "1 draft") || !strings.Contains(body, "Broken promises") {
		t.Errorf("English digest:\n%s\n%s", subject, body)
	}
}

// The buffer a message is written to is sized once: the estimate covers
// the composed message, texts and files of every size.
func TestEncodedSizeCoversTheMessage(t *testing.T) {
	for _, size := range []int{0, 1, 56, 57, 58, 4 << 10, 100 << 10, 3 << 20} {
		data := make([]byte, size)
		for i := range data {
			data[i] = byte(i * 7919 >> 3)
		}
		nd := store.NewDraft{To: []string{"lea@studiokuma.fr"}, Subject: "Facture F-1 : relance", MessageID: "m1@atelier.test",
			Body: strings.Repeat("Bonjour, voici la facture é€ ", 40), HTML: "<p>" + strings.Repeat("Bonjour é€ ", 40) + "</p>",
			Attachments: []store.Attachment{{Filename: "copie.pdf", ContentType: "application/pdf", Data: data}}}
		atts := []Attachment{{Name: "F-1.pdf", ContentType: "application/pdf", Data: data}}
		c, err := compose("Atelier <factures@atelier.test>", 7, nd, time.Date(2026, 9, 15, 9, 30, 0, 0, time.UTC), atts...)
		if err != nil {
			t.Fatal(err)
		}
		if est := encodedSize(nd, atts); len(c.Raw) > est {
			t.Errorf("files of %d bytes: message of %d bytes, estimated %d", size, len(c.Raw), est)
		}
	}
}
