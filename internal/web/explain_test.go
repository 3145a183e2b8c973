package web

import (
	"context"
	"fmt"
	"html"
	"strings"
	"testing"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
)

// A returned mail and a self-check read on the page in the owner's words,
// not as headers, MIME types or field names; the stored evidence is kept.
func TestEvidenceInWords(t *testing.T) {
	f := newFixture(t, Options{})
	var bounce, check int64
	err := f.st.Update(context.Background(), now, func(tx *store.Tx) error {
		var err error
		bounce, err = tx.OpenFlag(store.Flag{Kind: domain.FlagBounce, InvoiceID: f.inv, Evidence: []string{
			"Content-Type: multipart/report; report-type=delivery-status", "From: mailer-daemon@mx.example.com",
			"Subject: Undelivered Mail Returned to Sender", "part message/delivery-status",
			"original message returned by postmaster@mx.example.com", "550 5.1.1 user unknown"}})
		if err != nil {
			return err
		}
		check, err = tx.OpenFlag(store.Flag{Kind: domain.FlagSelfCheck, InvoiceID: f.inv, Evidence: []string{"missing: due_date, currency"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	for _, c := range []struct {
		lang      string
		id        int64
		want, not []string
	}{
		{"fr", bounce, []string{"La relance n'a pas pu être remise", "avis de non-remise", "robot de messagerie (mailer-daemon@mx.example.com)",
			"message non distribué", "rapport technique", "renvoyé par postmaster@mx.example.com", "550 5.1.1 user unknown"},
			[]string{"multipart/report", "message/delivery-status", "From: mailer-daemon"}},
		{"en", bounce, []string{"could not be delivered to the client's address", "non-delivery notice", "mail system (mailer-daemon@mx.example.com)",
			"undelivered message", "technical delivery report", "returned by postmaster@mx.example.com"},
			[]string{"multipart/report", "message/delivery-status"}},
		{"fr", check, []string{"Introuvable sur la facture\u00a0: date d'échéance, devise"}, []string{"missing:", "due_date"}},
		{"en", check, []string{"Not found on the invoice: due date, currency"}, []string{"missing:", "due_date"}},
	} {
		_, body := b.get(fmt.Sprintf("%s/flags/%d?lang=%s", f.srv.URL, c.id, c.lang))
		body = html.UnescapeString(body)
		for _, w := range c.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s flag %d: %q not on the page", c.lang, c.id, w)
			}
		}
		for _, w := range c.not {
			if strings.Contains(body, w) {
				t.Errorf("%s flag %d: %q still on the page", c.lang, c.id, w)
			}
		}
	}
	// The list's excerpt speaks the same words.
	_, body := b.get(f.srv.URL + "/flags?lang=en")
	if body = html.UnescapeString(body); !strings.Contains(body, "Not found on the invoice: due date, currency") || strings.Contains(body, "multipart/report") {
		t.Errorf("flags list shows raw evidence:\n%.3000s", body)
	}
}
