package render

import (
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
)

// Representative data for the golden files and the tone tests.

func day(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func dp(t time.Time) *time.Time { return &t }

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func business() Business {
	return Business{
		Name:    "Atelier Martin",
		Email:   "compta@atelier-martin.fr",
		Phone:   "04 78 00 00 00",
		Address: "12 rue de la République\n69002 Lyon",
		SIREN:   "123 456 789",
		IBAN:    "FR76 3000 6000 0112 3456 7890 189",
		BIC:     "AGRIFRPP",
		Signer:  "Paul Martin",
	}
}

func oneInvoice(daysLate int) []InvoiceLine {
	return []InvoiceLine{{
		Number: "F-2026-0042", IssueDate: day(2026, 10, 1), DueDate: day(2026, 10, 31),
		Amount: dec("1234.56"), Balance: dec("1234.56"), Currency: "EUR", DaysLate: daysLate,
	}}
}

func threeInvoices(daysLate int) []InvoiceLine {
	return []InvoiceLine{
		{Number: "F-2026-0042", IssueDate: day(2026, 10, 1), DueDate: day(2026, 10, 31),
			Amount: dec("1234.56"), Balance: dec("1234.56"), DaysLate: daysLate},
		{Number: "F-2026-0051", IssueDate: day(2026, 10, 8), DueDate: day(2026, 11, 7),
			Amount: dec("2400.00"), Balance: dec("900.00"), DaysLate: daysLate - 7},
		{Number: "F-2026-0057", IssueDate: day(2026, 10, 15), DueDate: day(2026, 11, 14),
			Amount: dec("96.00"), Balance: dec("96.00"), DaysLate: daysLate - 14},
	}
}

type goldenCase struct {
	name string // <stage>[-case]
	data Data
}

// goldenCases returns, for lang, one representative Data per stage and the
// extra cases the acceptance criteria ask for.
func goldenCases(lang string) []goldenCase {
	base := func(stage string) Data {
		return Data{
			Language: lang, Stage: stage, Business: business(),
			ClientName: "Boulangerie Dupont", ContactName: "Mme Claire Dupont", B2B: true,
			ClientAddress: "Boulangerie Dupont\n4 place Bellecour\n69002 Lyon",
			Currency:      "EUR", Today: day(2026, 12, 3),
		}
	}
	var cs []goldenCase
	add := func(name string, d Data) { cs = append(cs, goldenCase{name, d}) }

	d := base(StageCourtesy)
	d.Invoices = oneInvoice(-3)
	d.Today = day(2026, 10, 28)
	add("courtesy", d)

	d = base(StageFriendly)
	d.Invoices = oneInvoice(10)
	d.Today = day(2026, 11, 10)
	add("friendly", d)

	d = base(StageFriendly)
	d.Invoices = threeInvoices(24)
	d.Today = day(2026, 11, 24)
	add("friendly-grouped", d)

	d = base(StageSecond)
	d.Invoices = oneInvoice(22)
	d.LastReminder = dp(day(2026, 11, 10))
	d.Today = day(2026, 11, 22)
	d.OfferPaymentPlan = true
	add("second", d)

	d = base(StageSecond)
	d.Invoices = threeInvoices(33)
	d.LastReminder = dp(day(2026, 11, 24))
	d.Promise = dp(day(2026, 11, 28))
	d.OfferPaymentPlan = true
	add("second-grouped", d)

	d = base(StageCall)
	d.Invoices = oneInvoice(33)
	d.Invoices[0].OrderDate = day(2026, 9, 12)
	d.Invoices[0].DeliveryDate = day(2026, 9, 26)
	d.LastReminder = dp(day(2026, 11, 22))
	if lang == "fr" {
		d.History = []string{"En 2025, 6 factures, toutes réglées avec 5 à 12 jours de retard", "En mars 2026, paiement en deux fois, respecté"}
		d.Complaints = []string{"Livraison du 26 septembre arrivée avec une journée de retard"}
	} else {
		d.History = []string{"In 2025, 6 invoices, all paid 5 to 12 days late", "In March 2026, paid in two instalments, as agreed"}
		d.Complaints = []string{"Delivery of 26 September arrived one day late"}
	}
	add("call", d)

	d = base(StageFormalNotice)
	d.Invoices = []InvoiceLine{{Number: "F-2026-0017", IssueDate: day(2026, 4, 15), DueDate: day(2026, 5, 15),
		Amount: dec("1200.00"), Balance: dec("1200.00"), DaysLate: 97}}
	d.Penalties = []PenaltyLine{
		{From: day(2026, 5, 16), To: day(2026, 6, 30), Days: 46, Base: dec("1200.00"), RatePercent: dec("12.15"), Amount: dec("18.37")},
		{From: day(2026, 7, 1), To: day(2026, 8, 20), Days: 51, Base: dec("1200.00"), RatePercent: dec("12.40"), Amount: dec("20.79")},
	}
	d.PenaltyTotal = dec("39.17")
	d.Indemnity = dec("40")
	d.LastReminder = dp(day(2026, 7, 2))
	d.Today = day(2026, 8, 20)
	add("formal_notice", d)

	d = base(StageFormalNotice)
	d.B2B = false
	d.ClientName, d.ContactName = "Jean Moreau", ""
	d.Invoices = []InvoiceLine{{Number: "F-2026-0031", IssueDate: day(2026, 6, 1), DueDate: day(2026, 7, 1),
		Amount: dec("850.00"), Balance: dec("350.00"), DaysLate: 50}}
	d.Today = day(2026, 8, 20)
	d.PaymentDeadlineDays = 15
	add("formal_notice-b2c", d)

	d = base(StagePlanConfirmation)
	d.Invoices = oneInvoice(40)
	d.Instalments = []Instalment{
		{Due: day(2026, 12, 15), Amount: dec("400.00")},
		{Due: day(2027, 1, 15), Amount: dec("400.00")},
		{Due: day(2027, 2, 15), Amount: dec("434.56")},
	}
	add("plan_confirmation", d)

	d = base(StagePromiseConfirmation)
	d.Invoices = oneInvoice(38)
	d.Promise = dp(day(2026, 12, 18))
	add("promise_confirmation", d)

	d = base(StageInstalmentReminder)
	d.Invoices = oneInvoice(60)
	d.Invoices[0].Balance = dec("834.56")
	d.Instalments = []Instalment{
		{Due: day(2027, 1, 15), Amount: dec("400.00")},
		{Due: day(2027, 2, 15), Amount: dec("434.56")},
	}
	d.Today = day(2027, 1, 20)
	add("instalment_reminder", d)

	d = base(StageThankYou)
	d.Invoices = oneInvoice(12)
	d.Invoices[0].Balance = decimal.Zero
	add("thank_you", d)

	d = base(StageFriendly)
	d.Invoices = oneInvoice(16)
	d.Promise = dp(day(2026, 11, 12))
	d.Today = day(2026, 11, 16)
	add("friendly-broken-promise", d)

	d = base(StageSecond)
	d.Invoices = oneInvoice(22)
	d.LastReminder = dp(day(2026, 11, 10))
	d.Today = day(2026, 11, 22)
	d.NoAnswer = true
	d.OfferPaymentPlan = true // the second stage's default
	add("second-no-answer", d)

	d = base(StageAnswer)
	d.Invoices = oneInvoice(9)
	d.Asked = []string{TopicBankDetails}
	add("answer-bank-details", d)

	d = base(StageAnswer)
	d.Invoices = threeInvoices(9)
	d.Asked = []string{TopicInvoiceCopy, TopicPONumber, TopicChorusPro}
	d.Attached = []string{"F-2026-0101.pdf", "F-2026-0102.pdf"}
	add("answer-copy-po-chorus", d)

	d = base(StageAnswer)
	d.Invoices = oneInvoice(9)
	d.Asked = []string{TopicAddress, TopicInvoiceCopy}
	add("answer-blanks", d)

	// An invoice due the day it was issued is payable on receipt.
	d = base(StageFriendly)
	d.Invoices = oneInvoice(20)
	d.Invoices[0].DueDate = d.Invoices[0].IssueDate
	d.Today = day(2026, 10, 21)
	add("friendly-on-receipt", d)

	// The same client with no civility known: the greeting names nobody.
	d = base(StageSecond)
	d.ContactName = "Claire Dupont"
	d.Invoices = oneInvoice(22)
	d.LastReminder = dp(day(2026, 11, 10))
	d.Today = day(2026, 11, 22)
	add("second-no-civility", d)

	// One answer per stock objection, a consumer's among them: no answer
	// speaks of penalties.
	for i, o := range domain.Objections() {
		d = base(StageAnswer)
		d.Invoices = oneInvoice(20)
		if o == domain.ObjectionWrongAmount {
			d.Invoices = threeInvoices(20)
		}
		d.Objection = o
		if o == domain.ObjectionNotReceived {
			d.Attached = []string{"F-2026-0042.pdf"}
		}
		if i%2 == 1 {
			d.B2B, d.ClientName, d.ContactName = false, "", "Claire Dupont"
		}
		add("answer-objection-"+string(o), d)
	}

	return append(cs, consumerCases(cs)...)
}

// consumerCases gives every stage's first case again for a private person
// (M. Jean Moreau, at home): no L441-10 penalties, no 40 € indemnity.
func consumerCases(cs []goldenCase) []goldenCase {
	var out []goldenCase
	done := map[string]bool{}
	for _, c := range cs {
		if done[c.data.Stage] || !c.data.B2B {
			continue
		}
		done[c.data.Stage] = true
		d := c.data
		d.B2B = false
		d.ClientName, d.ContactName = "M. Jean Moreau", ""
		d.ClientAddress = "8 chemin des Vignes\n69290 Craponne"
		d.Penalties, d.PenaltyTotal, d.Indemnity = nil, decimal.Zero, decimal.Zero
		out = append(out, goldenCase{c.data.Stage + "-consumer", d})
	}
	return out
}
