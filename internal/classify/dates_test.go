package classify

import (
	"testing"
	"time"
	_ "time/tzdata" // the zones these tests name, whatever the machine has

	"github.com/relance/relance/internal/message"
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
		{"sous huitaine", "2025-12-11"},
		{"sous quinzaine", "2025-12-18"},
		{"le 5 du mois prochain", "2026-01-05"},
		{"avec notre echeance du 30", "2025-12-30"},
		{"next tuesday", "2025-12-09"},
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
	// Spans no rule narrows to one day are read (they tell the tense of a
	// sentence) but marked vague: no commitment takes their day.
	for _, s := range []string{"debut de semaine prochaine", "end of next week", "la semaine prochaine", "fin de semaine",
		"early next month", "debut janvier", "mi-decembre", "dans quelques jours", "in a few days", "every other thursday", "every second friday",
		"tous les jeudis", "je ne suis pas la le mercredi"} {
		for _, d := range findDates(s, ref) {
			if !d.vague {
				t.Errorf("%q: %q read as %s, not vague", s, d.phrase, d.t.Format(time.DateOnly))
			}
		}
	}
}

// TestDatesAsPeopleSayThem pins the commitment read from each way of
// naming a day (shared/notes/reply-labels.md "Dates"), in French (with
// Belgian, Swiss and Québec forms) and English, resolved against the mail's
// day: Wednesday 3 December 2025 unless a case says otherwise.
func TestDatesAsPeopleSayThem(t *testing.T) {
	wed := time.Date(2025, 12, 3, 0, 0, 0, 0, time.UTC)
	thu20Nov := time.Date(2025, 11, 20, 0, 0, 0, 0, time.UTC)
	sat20Dec := time.Date(2025, 12, 20, 0, 0, 0, 0, time.UTC)
	feb := time.Date(2026, 2, 12, 0, 0, 0, 0, time.UTC)
	aug := time.Date(2025, 8, 20, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		ref  time.Time
		text string
		want string // "" : no date
	}{
		// Days counted from the mail's.
		{wed, "Je vous paie demain.", "2025-12-04"},
		{wed, "Je paierai après-demain.", "2025-12-05"},
		{wed, "I'll pay tomorrow.", "2025-12-04"},
		// Weekdays: the first one after the mail's day.
		{wed, "Virement vendredi.", "2025-12-05"},
		{wed, "Virement vendredi prochain.", "2025-12-05"},
		{wed, "Je vous règle ce vendredi.", "2025-12-05"},
		{wed, "Je règle jeudi prochain.", "2025-12-04"},
		{wed, "We'll pay next Tuesday.", "2025-12-09"},
		{wed, "I'll pay this Friday.", "2025-12-05"},
		{wed, "Vous aurez le chèque d'ici vendredi.", "2025-12-05"},
		// A week later: "lundi en huit", "Tuesday week", a day of next week.
		{wed, "Je vous règle lundi en huit.", "2025-12-15"},
		{wed, "Je vous règle jeudi en quinze.", "2025-12-18"},
		{wed, "I'll pay Tuesday week.", "2025-12-16"},
		{wed, "Je paierai le mercredi de la semaine prochaine.", "2025-12-10"},
		{wed, "The payment will be made on Wednesday next week.", "2025-12-10"},
		// Ends of months: the last day (of the named month if one is named).
		{wed, "Paiement fin du mois.", "2025-12-31"},
		{wed, "Paiement fin de mois.", "2025-12-31"},
		{wed, "Règlement fin janvier.", "2026-01-31"},
		{thu20Nov, "Règlement fin novembre.", "2025-11-30"},
		{wed, "We'll pay by the end of the month.", "2025-12-31"},
		{wed, "Payment EOM.", "2025-12-31"},
		// Delays: +8, +15, a count of days (Belgian and Swiss tens too),
		// working days without the weekends.
		{wed, "Règlement sous huitaine.", "2025-12-11"},
		{wed, "Règlement sous quinzaine.", "2025-12-18"},
		{wed, "Paiement sous 8 jours.", "2025-12-11"},
		{wed, "Le virement partira dans 10 jours.", "2025-12-13"},
		{wed, "Je vous règle d'ici 15 jours.", "2025-12-18"},
		{wed, "We will pay within 30 days.", "2026-01-02"},
		{wed, "Paiement endéans les septante jours.", "2026-02-11"},
		{wed, "Nous réglerons dans huitante jours.", "2026-02-21"},
		{wed, "Le virement sera fait sous nonante jours.", "2026-03-03"},
		{wed, "Je paie dans septante-cinq jours.", "2026-02-16"},
		{wed, "Paiement sous quatre-vingt-dix jours.", "2026-03-03"},
		{wed, "We'll pay within forty-five days.", "2026-01-17"},
		{wed, "Le paiement suivra sous 5 jours ouvrables.", "2025-12-10"},
		{wed, "Payment within 10 business days.", "2025-12-17"},
		// A day of the month: the next such day on or after the mail's.
		{wed, "Je règle le 5 du mois prochain.", "2026-01-05"},
		{wed, "Payment on the 3rd of next month.", "2026-01-03"},
		{wed, "We will release the payment by 10th of next month.", "2026-01-10"},
		{wed, "We will clear the invoice by 15th of this month.", "2025-12-15"},
		{wed, "Je vous règle le premier du mois prochain.", "2026-01-01"},
		{wed, "We'll pay on the first of the month.", "2026-01-01"},
		{wed, "Elle partira avec notre échéance du 30.", "2025-12-30"},
		{wed, "Elle sera payée avec notre échéance au 10.", "2025-12-10"},
		{wed, "Elle partira au prochain virement groupé du 15.", "2025-12-15"},
		{wed, "It will go in our next payment run on the 25th.", "2025-12-25"},
		{wed, "We'll pay by the 15th.", "2025-12-15"},
		{wed, "The payment will be processed in our next payment run on 7th.", "2025-12-07"},
		{wed, "We will make the payment until day 10.", "2025-12-10"},
		{wed, "Payment on the 21st.", "2025-12-21"},
		{wed, "Payment on the 2nd.", "2026-01-02"},
		{wed, "Je vous paie jeudi le 11.", "2025-12-11"},
		{thu20Nov, "Je vous règle le 5.", "2025-12-05"},
		// A day the month lacks is its last.
		{feb, "Le virement partira le 30 avec les salaires.", "2026-02-28"},
		{feb, "It'll be paid with our month-end supplier run on the 31st.", "2026-02-28"},
		// Written dates: day first, month names with or without accents
		// and abbreviations, ordinal suffixes.
		{wed, "Paiement le 14/12.", "2025-12-14"},
		{wed, "Virement le 14.12.2025.", "2025-12-14"},
		{wed, "Virement le 14-12-25.", "2025-12-14"},
		{wed, "Paiement le 05/01.", "2026-01-05"},
		{wed, "Le chèque partira le 5 janv.", "2026-01-05"},
		{wed, "Virement le 3 févr.", "2026-02-03"},
		{wed, "Virement le 3 fevrier.", "2026-02-03"},
		{wed, "Règlement le 12 déc.", "2025-12-12"},
		{wed, "Virement programmé le 1er janvier.", "2026-01-01"},
		{wed, "Payment will be sent on Dec 19.", "2025-12-19"},
		{wed, "We'll pay on the 22nd of December.", "2025-12-22"},
		{wed, "We'll pay on December 23rd.", "2025-12-23"},
		{aug, "We will pay on Sept 5.", "2025-09-05"},
		// Year rollover, and a mail written on a Saturday.
		{sat20Dec, "Je vous règle le 5 janvier.", "2026-01-05"},
		{sat20Dec, "Je vous règle le 5.", "2026-01-05"},
		{sat20Dec, "Règlement fin janvier.", "2026-01-31"},
		{sat20Dec, "Paiement le 14/01.", "2026-01-14"},
		{sat20Dec, "Je paie demain.", "2025-12-21"},
		{sat20Dec, "Je paie lundi.", "2025-12-22"},
		{sat20Dec, "Virement vendredi prochain.", "2025-12-26"},
		{sat20Dec, "Règlement sous quinzaine.", "2026-01-04"},
		{wed, "Will pay Fri.", "2025-12-05"},
		{wed, "Payment goes out Tues.", "2025-12-09"},
		// Month names in every form: set off by dashes or slashes, an
		// abbreviation's period before the day or the year.
		{wed, "We will pay on 15-Dec-2025.", "2025-12-15"},
		{wed, "Payment on 15/Dec/25.", "2025-12-15"},
		{wed, "Payment on 15-déc.", "2025-12-15"},
		{wed, "We'll pay on Dec. 15.", "2025-12-15"},
		{wed, "Le chèque partira le 5 janv. 2026.", "2026-01-05"},
		{wed, "Payment due 2025/12/15.", "2025-12-15"},
		// Days in words, with a month or ending their clause.
		{wed, "Je vous règle le quinze.", "2025-12-15"},
		{wed, "Je vous règle le vingt-deux.", "2025-12-22"},
		{wed, "Paiement le trente et un.", "2025-12-31"},
		{wed, "Je vous règle le quinze décembre.", "2025-12-15"},
		{wed, "Le virement partira le premier janvier.", "2026-01-01"},
		{wed, "We'll pay on the twenty-first of December.", "2025-12-21"},
		{wed, "We'll pay on the fifteenth.", "2025-12-15"},
		{feb, "Je vous règle le trente.", "2026-02-28"},
		{wed, "Le premier virement partira demain.", "2025-12-04"},
		{wed, "Je paie le sept.", ""},
		// A weekday and its number before the period.
		{wed, "Le virement partira le lundi 15.", "2025-12-15"},
		// The end of the working day, a fortnight, a week from today.
		{wed, "We'll pay by end of day.", "2025-12-03"},
		{wed, "Payment will go out EOD.", "2025-12-03"},
		{wed, "We'll pay by close of business.", "2025-12-03"},
		{wed, "Je paie dans la journée.", "2025-12-03"},
		{wed, "Je règle en fin de journée.", "2025-12-03"},
		{wed, "We'll pay on Friday by end of day.", "2025-12-05"},
		{wed, "Ton chèque sera prêt jeudi, passe le chercher n'importe quand dans la journée.", "2025-12-04"},
		{wed, "We'll pay in a fortnight.", "2025-12-17"},
		{wed, "We'll pay within a fortnight.", "2025-12-17"},
		{wed, "We'll pay a week today.", "2025-12-10"},
		{wed, "Payment two weeks from now.", "2025-12-17"},
		{wed, "Le virement partira dix jours à compter d'aujourd'hui.", "2025-12-13"},
		{wed, "Je vous paie d'aujourd'hui en huit.", "2025-12-10"},
		{wed, "Je vous paie demain en huit.", "2025-12-11"},
		// A round of payments named by its day.
		{wed, "Elle partira avec notre échéance fournisseurs du 30.", "2025-12-30"},
		{wed, "La facture passe avec le lot du 25.", "2025-12-25"},
		{wed, "Elle partira dans le virement groupé mensuel du 20.", "2025-12-20"},
		// Month first when the second number cannot be a month.
		{wed, "Payment on 12/15/2025.", "2025-12-15"},
		{wed, "Payment on 12/15.", "2025-12-15"},
		// A choice of days is no one day.
		{wed, "Je vous règle lundi ou mardi.", ""},
		{wed, "I'll pay today or tomorrow.", ""},
		{wed, "Virement le 13 ou le 14.", ""},
		{wed, "Je vous réglerai dès mon retour, vers le 20.", ""},
		{wed, "We'll pay around the 15th.", ""},
		// A habit is not a day; the day named after it is.
		{wed, "Our payment run is every other Thursday. You're in the next one, 11 December.", "2025-12-11"},
		// Vague: no date rather than a wrong one.
		{wed, "Le paiement partira début de semaine prochaine.", ""},
		{wed, "Le paiement sera fait la fin de semaine prochaine.", ""},
		{wed, "Nous réglerons la semaine prochaine.", ""},
		{wed, "We'll get it paid by end of next week.", ""},
		{wed, "We'll get it paid early next week.", ""},
		{wed, "Elle partira au prochain virement groupé.", ""},
		{wed, "Virement début du mois prochain.", ""},
		{wed, "Je vous fais un chèque mi-décembre.", ""},
		{wed, "On vous paie dans quelques jours.", ""},
		{wed, "We'll pay in a few days.", ""},
	}
	for _, tt := range tests {
		f := extract(fold(tt.text), "", tt.ref, nil)
		got := ""
		if d := promiseDate(&f, tt.ref, true); d != nil {
			got = d.Format(time.DateOnly)
		}
		if got != tt.want {
			t.Errorf("%s, %q: %q, want %q", tt.ref.Format("Mon 2 Jan 2006"), tt.text, got, tt.want)
		}
	}
}

// TestReturnDates pins the day an automatic answer says its writer is back:
// a return cue names it, an until cue names the last day away.
func TestReturnDates(t *testing.T) {
	tests := []struct {
		ref  string
		text string
		want string // "" : none
	}{
		{"2025-12-22", "Je suis absente jusqu'au 4 janvier inclus.", "2026-01-05"},
		{"2025-12-22", "Out of office until 3 Jan.", "2026-01-04"},
		{"2025-09-29", "Absent cette semaine, de retour le lundi 6.", "2025-10-06"},
		{"2025-12-03", "I'm out of the office, back on Monday.", "2025-12-08"},
		{"2025-12-23", "L'étude est fermée du lundi 22 décembre 2025 au vendredi 2 janvier 2026 inclus. Réouverture le lundi 5 janvier 2026 à 9 h.", "2026-01-05"},
		{"2025-03-11", "Je suis en formation du 10 au 14 mars. Je traiterai votre message à mon retour le lundi 17 mars.", "2025-03-17"},
		{"2025-10-24", "I am currently out of the office. I will return on Monday 3 November.", "2025-11-03"},
		{"2025-10-13", "I am on leave from 10th Oct to 18th Oct. I will revert on my return on Monday, 20th Oct.", "2025-10-20"},
		{"2025-10-20", "I'm on annual leave until Friday 24th October inclusive. I'll reply when I'm back on Monday 27th.", "2025-10-27"},
		{"2026-03-09", "Je suis en formation jusqu'au mercredi 11 mars. Je serai de retour au bureau le jeudi 12 mars.", "2026-03-12"},
		{"2025-10-14", "I am on leave, returning to the office on Monday 27 October.", "2025-10-27"},
		{"2025-08-05", "Absente à partir du 10 août jusqu'au 20 août inclus.", "2025-08-21"},
		{"2025-09-22", "Nous sommes en vendanges jusqu'au 4 octobre inclus. Nous traiterons les messages à partir du lundi 6 octobre.", "2025-10-06"},
		{"2025-12-10", "Je serai en congé maternité à partir du 22 décembre.", ""},
		{"2025-01-29", "Our company is on holiday from Jan. 26 to Feb. 5, 2025. We will resume work on Feb. 6.", "2025-02-06"},
		{"2025-08-05", "Our office is closed for the summer holidays. We are available again from Monday 18 August.", "2025-08-18"},
		{"2025-11-05", "Le refuge est fermé pour l'intersaison. Nous rouvrons le samedi 13 décembre.", "2025-12-13"},
		{"2025-10-15", "Je ne suis pas présente le mercredi. Votre message sera traité dès mon retour demain.", "2025-10-16"},
		{"2025-08-04", "Gone fishing. Back at my desk Monday 11th August.", "2025-08-11"},
		// Neither a ticket's answer time nor a weekly timetable is a return.
		{"2025-10-08", "Your query has been logged. We aim to respond within 5 working days.", ""},
		{"2026-11-16", "I work part-time, Monday to Wednesday, and will reply on my next working day.", ""},
		{"2025-12-03", "I'm on holiday with no access to email until early January.", ""},
	}
	for _, tt := range tests {
		ref, _ := time.Parse(time.DateOnly, tt.ref)
		got := ""
		if d, _, ok := returnDate(fold(tt.text), ref); ok {
			got = d.Format(time.DateOnly)
		}
		if got != tt.want {
			t.Errorf("%s, %q: %q, want %q", tt.ref, tt.text, got, tt.want)
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
		// Someone's return, a holiday, the client's own client paying
		// them: days that time the payment without being it.
		{"He is back on Monday, so the payment will be made on Tuesday.", "2025-09-23"},
		{"Bank holiday here on Monday, so it'll go out Tuesday morning.", "2025-09-23"},
		{"They've promised to pay us on the 25th, so I'll be able to pay you on the 26th.", "2025-09-26"},
		{"Notre client doit nous régler le 25, je vous paierai le 26.", "2025-09-26"},
		// The day in the clause that speaks of paying.
		{"Je vous paie lundi mais je change de prestataire au 1er octobre.", "2025-09-22"},
		{"We'll pay on Friday, but the new contract starts on the 1st of October.", "2025-09-19"},
		// A delivery is not a payment.
		{"Je vous règle d'ici la fin du mois. Votre livreur s'est garé en double file vendredi.", "2025-09-30"},
		// A day that only times the payment, or the mail's own day, gives
		// way to a later day promised in the future tense; not to a day
		// that times it too.
		{"Je suis en déplacement jusqu'au 20 et c'est moi qui signe les virements. Je le ferai le lundi 22 en rentrant.", "2025-09-22"},
		{"The payment voucher is with our director for signing today. Once signed it will go out next Tuesday.", "2025-09-23"},
		{"Je fais le virement aujourd'hui. Je serai absente jusqu'au 25.", "2025-09-17"},
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

// TestDatesInTheBusinessZone: relative dates count from the mail's calendar
// day in the business's zone, not the sender's. Sent on Wednesday 3
// December at 23:30 in Montréal, the mail arrives on Thursday 4 in Paris.
func TestDatesInTheBusinessZone(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal("no time zone database:", err)
	}
	sent := time.Date(2025, 12, 3, 23, 30, 0, 0, time.FixedZone("EST", -5*3600))
	for _, tt := range []struct {
		loc  *time.Location
		text string
		want string
	}{
		{nil, "Je vous règle demain.", "2025-12-04"},
		{paris, "Je vous règle demain.", "2025-12-05"},
		{paris, "Virement vendredi prochain.", "2025-12-05"},
		{nil, "We'll pay within 30 days.", "2026-01-02"},
		{paris, "We'll pay within 30 days.", "2026-01-03"},
	} {
		res := Classify(&message.Message{Text: tt.text, Date: sent}, Options{Location: tt.loc})
		got := ""
		if res.PromiseDate != nil {
			got = res.PromiseDate.Format(time.DateOnly)
		}
		if res.Class != Promise || got != tt.want {
			t.Errorf("%v, %q: %s %q, want promise %s", tt.loc, tt.text, res.Class, got, tt.want)
		}
	}
}

// TestNumericDateOrder pins which number of a numeric date is the month:
// the day first unless the mail shows it is American (a second number
// above 12, or English with a North American phone, a US state, US dollars
// or an ACH transfer); an English mail with dollars and nothing else
// leaves "05/11" unread rather than guessed.
func TestNumericDateOrder(t *testing.T) {
	ref := time.Date(2025, 10, 22, 0, 0, 0, 0, time.UTC) // Wednesday
	tests := []struct {
		text, signature string
		order           dateOrder
		want            string // the promise date, "" for none
	}{
		{"It is scheduled for payment on 11/05/2025 via ACH.", "", monthFirst, "2025-11-05"},
		{"It is scheduled for payment on 11/05/2025.", "Teresa Villanueva\nCorpus Christi, TX", monthFirst, "2025-11-05"},
		{"It is scheduled for payment on 11/05/2025.", "Teresa Villanueva\nAustin, TX 78701", monthFirst, "2025-11-05"},
		{"It is scheduled for payment on 11/05/2025.", "Teresa Villanueva\n(361) 555-0142", monthFirst, "2025-11-05"},
		{"We received it on 10/14/2025 and will pay on 11/05/2025.", "", monthFirst, "2025-11-05"},
		{"We will wire the USD 4,500 on 11/05.", "", monthFirst, "2025-11-05"},
		// No sign: day first, as in Britain or France.
		{"It is scheduled for payment on 05/11/2025.", "", dayFirst, "2025-11-05"},
		{"Le virement partira le 05/11.", "", dayFirst, "2025-11-05"},
		// A day-first date in the mail outweighs the American signs.
		{"Received 20/10/2025, payment on 05/11/2025 via ACH.", "", dayFirst, "2025-11-05"},
		// Dollars alone: Australia and Canada write them too; theirs
		// named are day first.
		{"We'll transfer the $4,500 on 11/05.", "", orderUnknown, ""},
		{"We'll transfer the AUD 4,500 on 05/11.", "", dayFirst, "2025-11-05"},
		{"We'll transfer the A$4,500 on 05/11.", "", dayFirst, "2025-11-05"},
		// A French mail keeps the French order whatever the signature.
		{"Le virement partira le 05/11.", "Montréal (514) 555-0142", dayFirst, "2025-11-05"},
		// A date no month can be read from either way is unambiguous.
		{"We'll transfer the $4,500 on 11/11.", "", dayFirst, "2025-11-11"},
	}
	for _, tt := range tests {
		order := mailDateOrder(tt.text, tt.signature)
		f := features{}
		extractInto(&f, tt.text, "", ref, nil, order)
		got := ""
		if d := promiseDate(&f, ref, true); d != nil {
			got = d.Format(time.DateOnly)
		}
		if order != tt.order || got != tt.want {
			t.Errorf("%q (signature %q): order %d, date %q; want %d, %q", tt.text, tt.signature, order, got, tt.order, tt.want)
		}
	}
}
