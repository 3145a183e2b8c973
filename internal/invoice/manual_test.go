package invoice

import (
	"testing"

	"github.com/relance/relance/internal/policy"
)

func TestReminderLevel(t *testing.T) {
	tests := []struct {
		subject, body string
		want          policy.ReminderLevel
	}{
		{"Relance facture FA-2025-0311", "Sauf erreur de notre part, la facture reste impayée.", policy.LevelFirst},
		{"Rappel : facture F-12", "Petit rappel amical.", policy.LevelFirst},
		{"Reminder: invoice INV-7", "Invoice INV-7 is now overdue.", policy.LevelFirst},
		{"2e relance facture F-12", "Bonjour,", policy.LevelSecond},
		{"Facture F-12", "Bonjour, nous n'avons toujours pas reçu votre règlement malgré notre précédente relance.", policy.LevelSecond},
		{"Second reminder: INV-7", "", policy.LevelSecond},
		{"Invoice INV-7", "Despite our previous reminders the invoice is still unpaid.", policy.LevelSecond},
		{"Mise en demeure - facture F-12", "", policy.LevelFormal},
		{"Final notice", "Invoice INV-7", policy.LevelFormal},
	}
	for _, tc := range tests {
		if got := ReminderLevel(tc.subject, tc.body); got != tc.want {
			t.Errorf("ReminderLevel(%q, %q) = %s, want %s", tc.subject, tc.body, got, tc.want)
		}
	}
}
