package outbox

import (
	"context"
	"fmt"
	"time"

	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/render"
	"github.com/relance/relance/internal/scorecard"
	"github.com/relance/relance/internal/text"
)

// callFile adds to a call sheet what the client's file holds: its numbers
// to call, the money received and the dates promised, every complaint it
// raised with its own words, and the goal its scorecard sets for the call.
// The web page's call sheet reads the same file (store.CallFile).
func (x *Outbox) callFile(ctx context.Context, now time.Time, clientID int64, data *render.Data) error {
	today := policy.DateIn(now, x.o.Policy.Location).At(time.UTC, 0, 0)
	cf, err := x.o.Store.CallFile(ctx, clientID, today)
	if err != nil {
		return fmt.Errorf("outbox: call file of client %d: %w", clientID, err)
	}
	lang := data.Language
	for i, line := range data.Invoices {
		for _, inv := range cf.Open {
			if inv.Number == line.Number {
				data.Invoices[i].OrderDate, data.Invoices[i].DeliveryDate = inv.OrderDate, inv.DeliveryDate
			}
		}
	}
	colon, quote := " : ", func(s string) string { return "« " + s + " »" }
	if lang == "en" {
		colon, quote = ": ", func(s string) string { return `"` + s + `"` }
	}
	for _, p := range cf.Phones {
		if p.Kind.Callable() {
			data.Phones = append(data.Phones, p.Display())
		}
	}
	about := func(line, invoice string) string {
		if invoice != "" {
			line += " (" + invoice + ")"
		}
		return line
	}
	for _, p := range cf.Payments {
		data.History = append(data.History, about(text.FormatDate(lang, p.On)+colon+text.FormatMoney(lang, p.Amount, p.Currency), p.Invoice))
	}
	for _, p := range cf.Promises {
		line := fmt.Sprintf("le %s, promesse de payer le %s", text.FormatDate(lang, p.Made), text.FormatDate(lang, p.Date))
		if lang == "en" {
			line = fmt.Sprintf("on %s, promised to pay on %s", text.FormatDate(lang, p.Made), text.FormatDate(lang, p.Date))
		}
		data.History = append(data.History, about(line, p.Invoice))
	}
	for _, c := range cf.Complaints {
		line := about(complaintWord(lang, string(c.Kind))+" "+text.FormatDate(lang, c.At), c.Invoice)
		for _, e := range c.Evidence {
			line += " — " + quote(e)
		}
		data.Complaints = append(data.Complaints, line)
	}
	card, err := x.o.Store.ClientScorecard(ctx, clientID, now.In(x.o.Policy.Location))
	if err != nil {
		return err
	}
	data.Goal = scorecard.CallGoal(card, cf.ComplaintOpen()).Reason.In(lang)
	return nil
}

// complaintWord names a complaint's kind on the call sheet.
func complaintWord(lang, kind string) string {
	fr := map[string]string{"dispute": "contestation du", "grievance": "mécontentement exprimé le", "hardship": "difficultés signalées le"}
	en := map[string]string{"dispute": "dispute of", "grievance": "grievance of", "hardship": "hardship reported on"}
	if lang == "en" {
		return en[kind]
	}
	return fr[kind]
}
