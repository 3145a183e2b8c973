package web

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/store"
)

// The web page prints instants in the business's time zone with their
// offset, in winter and in summer time.
func TestDateTimeInTheBusinessZoneWithOffset(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	winter := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	summer := time.Date(2026, 7, 7, 8, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		lang string
		at   time.Time
		want string
	}{
		{"fr", winter, "7 déc. 2026 à 09h00 (+01:00)"},
		{"fr", summer, "7 juil. 2026 à 10h00 (+02:00)"},
		{"en", winter, "7 Dec 2026, 09:00 (+01:00)"},
		{"en", summer, "7 Jul 2026, 10:00 (+02:00)"},
	} {
		if got := newLocale(tc.lang, paris).DateTime(tc.at); got != tc.want {
			t.Errorf("%s DateTime(%s) = %q, want %q", tc.lang, tc.at, got, tc.want)
		}
	}
	if got := newLocale("en", paris).DateTime(time.Time{}); got != "—" {
		t.Errorf("zero time = %q", got)
	}
}

// A formal notice re-dated for the day it goes shows on the invoice's
// timeline with its new date and deadline, in both languages.
func TestTimelineShowsTheNoticeRedated(t *testing.T) {
	f := newFixture(t, Options{})
	if err := f.st.Update(context.Background(), now, func(tx *store.Tx) error {
		return tx.RewriteDraft(f.draft, "Mise en demeure", "Texte", "", map[string]any{"dated": "2026-12-08", "deadline": "2026-12-16"})
	}); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	for lang, want := range map[string][]string{
		"fr": {"Mise en demeure datée du jour de son envoi", "Datée du", "8 déc. 2026", "Délai de paiement jusqu&#39;au", "16 déc. 2026"},
		"en": {"Formal notice dated for the day it goes", "Dated", "8 Dec 2026", "Pay by", "16 Dec 2026"},
	} {
		_, page := b.get(fmt.Sprintf("%s/invoices/%d?lang=%s", f.srv.URL, f.inv, lang))
		for _, w := range want {
			if !strings.Contains(page, w) {
				t.Errorf("%s timeline lacks %q", lang, w)
			}
		}
	}
}
