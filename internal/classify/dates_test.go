package classify

import (
	"testing"
	"time"
)

// TestDateResolution pins how the date phrases people use resolve, against
// Wednesday 3 December 2025 (the rules of shared/notes/reply-labels.md).
func TestDateResolution(t *testing.T) {
	ref := time.Date(2025, 12, 3, 0, 0, 0, 0, time.UTC)
	tests := []struct{ text, want string }{
		{"je paierai demain", "2025-12-04"},
		{"virement vendredi prochain", "2025-12-05"},
		{"paiement fin du mois", "2025-12-31"},
		{"paiement fin de mois", "2025-12-31"},
		{"debut de semaine prochaine", "2025-12-08"},
		{"sous huitaine", "2025-12-11"},
		{"sous quinzaine", "2025-12-18"},
		{"le 5 du mois prochain", "2026-01-05"},
		{"avec notre echeance du 30", "2025-12-30"},
		{"next tuesday", "2025-12-09"},
		{"end of next week", "2025-12-12"},
		{"in our next payment run on the 25th", "2025-12-25"},
		{"within 30 days", "2026-01-02"},
		{"le 14/12", "2025-12-14"},
		{"le 14.12.2025", "2025-12-14"},
		{"jeudi 11", "2025-12-11"},
		{"le jeudi 11 decembre", "2025-12-11"},
		{"d'ici vendredi", "2025-12-05"},
		{"au plus tard le 20", "2025-12-20"},
		{"le 05/01", "2026-01-05"},
	}
	for _, tt := range tests {
		ds := findDates(tt.text, ref)
		if len(ds) != 1 || ds[0].t.Format(time.DateOnly) != tt.want {
			var got []string
			for _, d := range ds {
				got = append(got, d.t.Format(time.DateOnly))
			}
			t.Errorf("%q: %v, want %s", tt.text, got, tt.want)
		}
	}
	// An "échéance du 30" in February is its last day.
	feb := time.Date(2026, 2, 10, 0, 0, 0, 0, time.UTC)
	if ds := findDates("avec notre echeance du 30", feb); len(ds) != 1 || ds[0].t.Format(time.DateOnly) != "2026-02-28" {
		t.Errorf("échéance du 30 in February: %+v", ds)
	}
	// Vague ones keep no date.
	for _, s := range []string{"au prochain virement groupe", "des que possible", "asap", "bientot"} {
		if ds := findDates(s, ref); len(ds) != 0 {
			t.Errorf("%q resolved to %v", s, ds[0].t)
		}
	}
}

// TestPromiseDateChoice pins which date of a reply is the commitment when
// it names several, or names it without a word of paying (Wednesday 17
// September 2025).
func TestPromiseDateChoice(t *testing.T) {
	ref := time.Date(2025, 9, 17, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		text string
		want string // "" : no date
	}{
		// The past tells what happened, the future what is promised.
		{"Votre facture est arrivée après notre campagne de paiement du 20. Elle passera dans le virement du 26.", "2025-09-26"},
		{"The invoice missed our payment run of the 20th. It will go in the run of the 26th.", "2025-09-26"},
		// Durations with an article.
		{"Le paiement vous parviendra endéans les 10 jours.", "2025-09-27"},
		{"Le règlement sera fait dans les 15 jours.", "2025-10-02"},
		// A dated sentence in the future tense, no word of paying.
		{"You'll have it on Friday. Also, your technician left a mess.", "2025-09-19"},
		{"Vous l'aurez vendredi, promis.", "2025-09-19"},
		{"On s'est vus vendredi dernier, merci encore.", ""},
		// A deposit or an instalment is a payment.
		{"On peut vous faire un acompte à la fin du mois.", "2025-09-30"},
		{"We can start the instalments on the 1st of October.", "2025-10-01"},
		// "max" marks the latest day.
		{"je te fais ça d'ici lundi max, on se voit mardi pour le virement ?", "2025-09-22"},
		// The client's pay day and the end of an absence time the
		// payment; another day named names it.
		{"je vire le 1er, je suis payé le 30 cette fois ci", "2025-10-01"},
		{"I get paid on the 26th so I will transfer the balance by the end of the month.", "2025-09-30"},
		{"I get paid on the 26th so I'll send it over then.", "2025-09-26"},
		{"Le paiement interviendra sous quinzaine, notre trésorière est absente jusqu'au 25.", "2025-10-02"},
		{"Je suis en déplacement jusqu'au 25, je vous règle à mon retour.", "2025-09-25"},
		// The sentence after one about paying goes on about it.
		{"Could I pay it in three payments? I can do the first one on the 1st of October, then November and December.", "2025-10-01"},
	}
	for _, tt := range tests {
		f := extract(fold(tt.text), "", ref, nil)
		got := ""
		if d := promiseDate(&f, ref, false); d != nil {
			got = d.Format(time.DateOnly)
		}
		if got != tt.want {
			t.Errorf("%q: promise date %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestTenseOf(t *testing.T) {
	tests := []struct {
		text         string
		future, past bool
	}{
		{"le reglement sera effectue le 15", true, false},
		{"elle partira au virement du 10", true, false},
		{"je vais payer demain", true, false},
		{"we are going to pay", true, false},
		{"the money will go on wednesday", true, false},
		{"nous avons regle la facture", false, true},
		{"it will be paid on friday", true, false},
		{"the payment was sent yesterday", false, true},
		{"we transferred the balance", false, true},
		{"merci pour votre message", false, false},
		{"une opera extra", false, false},
		{"suite a votre mail, la facture sera payee jeudi", true, false},
		{"elle a regle hier", false, true},
	}
	for _, tt := range tests {
		toks, _ := tokenize(tt.text, nil, nil)
		if f, p := tenseOf(toks); f != tt.future || p != tt.past {
			t.Errorf("%q: future %v past %v, want %v %v", tt.text, f, p, tt.future, tt.past)
		}
	}
}
