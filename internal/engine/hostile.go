package engine

import (
	"log/slog"

	"github.com/relance/relance/internal/classify"
	"github.com/relance/relance/internal/store"
	"github.com/relance/relance/internal/text"
)

// hostileWords are what the owner reads on the hostile flag and beside
// each draft it cancels, in the owner's language.
var hostileWords = text.Catalogue{
	"fr": {
		"flag":   "La réponse de %s est devenue agressive ou insultante : tout contact avec ce client est suspendu (aucune relance, aucune réponse, aucun appel) et le dossier à confier à un tiers est préparé. Ses mots :",
		"cancel": "annulé : la réponse du client est devenue agressive ou insultante, tout contact est suspendu",
	},
	"en": {
		"flag":   "%s's reply turned aggressive or insulting: every contact with this client stops (no reminder, no answer, no call) and the file to hand to a third party is prepared. The client's words:",
		"cancel": "cancelled: the client's reply turned aggressive or insulting, every contact stops",
	},
}

// stopContact acts on a hostile reply about an invoice: the hostile flag
// with the client's sentences, and the client's waiting drafts cancelled.
// The outbox's pass then prepares the hand-over file (policy.Handover).
func (e *Engine) stopContact(tx *store.Tx, invoiceID, rowID int64, who string, r classify.Result) error {
	evidence := append([]string{hostileWords.T(e.lang, "flag", who)}, r.HostileSentences...)
	flag, cancelled, err := tx.StopContact(invoiceID, rowID, evidence, hostileWords.T(e.lang, "cancel"))
	if err != nil {
		return err
	}
	if flag != 0 || len(cancelled) > 0 {
		e.log.Info("hostile reply: every contact with the client stops", slog.Int64("invoice", invoiceID), slog.Int64("flag", flag),
			slog.Int("drafts_cancelled", len(cancelled)))
	}
	return nil
}
