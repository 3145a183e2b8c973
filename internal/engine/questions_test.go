package engine

import (
	"strings"
	"testing"
)

func TestQuestionTopics(t *testing.T) {
	tests := []struct{ text, want string }{
		{"Pourriez-vous me renvoyer votre RIB ? Je ne le retrouve pas.", "bank_details"},
		{"Bonjour, pouvez-vous me communiquer vos coordonnées bancaires ?", "bank_details"},
		{"Could you send me your bank details and a copy of the invoice?", "bank_details,invoice_copy"},
		{"Merci de m'envoyer une copie de la facture, nous ne l'avons jamais reçue.", "invoice_copy"},
		{"Il nous manque le numéro de bon de commande pour la saisir.", "po_number"},
		{"Merci de déposer la facture sur Chorus Pro, nous ne pouvons pas la traiter autrement.", "chorus_pro"},
		{"Pouvez-vous corriger l'adresse de facturation ? Nous avons déménagé.", "address"},
		{"What is your PO number policy? Please quote our purchase order.", "po_number"},
		{"Notre expert-comptable demande que la facture soit établie au nom de la SELARL. Pourriez-vous nous renvoyer une facture corrigée ?", "address"},
		{"Bonjour, une question sur la facture.", ""},
		{"Tribune: the fabric was fine.", ""}, // "rib" only as a word
	}
	for _, tt := range tests {
		if got := strings.Join(QuestionTopics(tt.text), ","); got != tt.want {
			t.Errorf("QuestionTopics(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}
