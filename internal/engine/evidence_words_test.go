package engine

import (
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/render"
)

// The sentences the engine writes into a flag's evidence are the ones the
// owner reads in French or English (render.Evidence): a payment announced
// from an address that is not the client's reads in words in both.
func TestEngineEvidenceReadsInWords(t *testing.T) {
	e, st := newEngine(t)
	at := time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)
	ingestAll(t, e,
		sentMail(1, "Atelier Test <factures@atelier.test>", "Client 20 <compta@client20.fr>", "Facture FA-2025-0320", at,
			"Facture n° FA-2025-0320\nMontant TTC : 700,00 €\nÉchéance : 03/12/2026\n"),
	)
	ingestAll(t, e, inboxMail(1, "Particulier <perso20@free.fr>", "Paiement", "", at.Add(11*24*time.Hour),
		"Bonjour,\nJ'ai payé la facture n°FA-2025-0320 hier par virement.\nCordialement"))
	fs := flagsOf(t, st, domain.FlagUnknownSender)
	if len(fs) != 1 || len(fs[0].Evidence) == 0 {
		t.Fatalf("unknown sender flags: %+v", fs)
	}
	line := fs[0].Evidence[0]
	for lang, want := range map[string]string{"fr": "Réponse lue comme", "en": "A reply read as"} {
		if got := render.Evidence(lang, line, nil); !strings.HasPrefix(got, want) || !strings.Contains(got, "perso20@free.fr") {
			t.Errorf("%s: %q reads %q, want it to start %q", lang, line, got, want)
		}
	}
}
