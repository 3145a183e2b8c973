package invoice

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every alternative of reReminderBody holds one of reminderWords: the guard
// never hides a reminder.
func TestReminderWordingGuard(t *testing.T) {
	for _, body := range []string{
		"Nous n'avons pas encore reçu votre règlement.",
		"N’AVONS PAS REÇU LE PAIEMENT",
		"Sauf erreur de notre part, la facture reste impayée.",
		"La facture demeure à ce jour impayée.",
		"Elle est toujours impayee.",
		"We have not yet received your payment.",
		"The invoice is now overdue.",
		"These invoices are past due.",
		"The balance remains unpaid.",
		"It remain outstanding.",
		"Invoice 42 is still outstanding.",
		"STILL UNPAID",
	} {
		if reReminderBody.FindString(body) == "" {
			t.Errorf("%q: pattern does not match (test out of date)", body)
			continue
		}
		if reminderWording(body) == "" {
			t.Errorf("%q: the guard skipped a reminder", body)
		}
	}
	if w := reminderWording("Veuillez trouver ci-joint la facture F-1."); w != "" {
		t.Errorf("plain invoice read as a reminder: %q", w)
	}
}

// A guarded pattern is skipped on text without its words: on every line of
// the labels below and of the real-world corpus, a match implies a word.
func TestGuardWordsCoverEveryMatch(t *testing.T) {
	lines := []string{
		"Émise le 03/11/2026", "EMIS LE 3 mars 2026", "Date de la facture : 03/11/2026", "Date d'émission : 3 nov. 2026",
		"Date de facturation: 2026-11-03", "en date du 3 novembre", "Invoice date: Nov 3, 2026", "Date of issue 03/11/2026",
		"Issue date 2026-11-03", "Issued on 3 Nov 2026", "ISSUED 3/11/2026", "Dated 3 November 2026",
		"Facture F-1 du 3 novembre 2026", "Invoice #12 of 3 Nov 2026", "Avoir AV-2 du 04/11/2026",
		"Date d'échéance : 03/12/2026", "DATE D’ECHEANCE 03/12/2026", "Date limite de paiement : 3 décembre",
		"Échéance : 03/12/2026", "ECHEANCE 03/12/2026", "À régler avant le 3 décembre", "a payer au plus tard le 3/12",
		"Payable avant le 03/12/2026", "Règlement au plus tard le 3 décembre", "Paiement avant 3 décembre",
		"au plus tard le 3 décembre", "Due date: Dec 3, 2026", "Payment due 12/03/2026", "PAYMENT DUE DATE 12/03/2026",
		"due on December 3", "Due by 12/03/2026", "Please pay by Dec 3", "Payable by 3 December", "Date due 2026-12-03",
		"Due: 12/03/2026", "before December 3rd", "Date : 03/11/2026", "  DATE: 2026-11-03",
	}
	if _, err := os.Stat(corpusDir); err == nil {
		err := filepath.WalkDir(corpusDir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			lines = append(lines, splitLines(string(b))...)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	} else if os.Getenv("CI") == "true" {
		t.Fatalf("corpus missing under CI: %v", err)
	}
	guards := []struct {
		name  string
		re    *regexp.Regexp
		words []string
	}{
		{"issue", issueLabel.re, issueLabel.words},
		{"due", dueLabel.re, dueLabel.words},
		{"generic", genericLabel.re, genericLabel.words},
		{"reminder", reReminderBody, reminderWords},
	}
	matched := map[string]int{}
	for _, l := range lines {
		low := strings.ToLower(l)
		for _, g := range guards {
			if !g.re.MatchString(l) {
				continue
			}
			matched[g.name]++
			if !containsAny(low, g.words) {
				t.Errorf("%s: %q matches but holds none of %q", g.name, l, g.words)
			}
		}
	}
	for _, g := range guards[:3] {
		if matched[g.name] == 0 {
			t.Errorf("%s: no line matched; the test reads nothing", g.name)
		}
	}
	t.Logf("%d lines; matches: %v", len(lines), matched)
}
