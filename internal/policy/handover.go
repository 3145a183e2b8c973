package policy

import (
	"slices"
	"time"

	"github.com/relance/relance/internal/domain"
)

// hostile reports an open hostile flag on the client or any of its
// invoices: a reply turned aggressive or insulting, and every contact
// stops (no reminder, no answer, no call) until the owner resolves it.
func (c *ClientState) hostile() bool {
	if slices.Contains(c.ClientFlags, domain.FlagHostile) {
		return true
	}
	for i := range c.Invoices {
		if slices.Contains(c.Invoices[i].OpenFlags, domain.FlagHostile) {
			return true
		}
	}
	return false
}

// HandoverFacts is what the hand-over decision reads beside the client's
// state.
type HandoverFacts struct {
	// NoticeSent is, per invoice, when its last formal notice left.
	NoticeSent map[int64]time.Time
	// Prepared: a file was already built for the client. It is prepared
	// once; the owner rebuilds it on demand (relance handover).
	Prepared bool
}

// HandoverDecision says a client's file for a third party is due, why,
// and which invoices it covers.
type HandoverDecision struct {
	Reason   domain.HandoverReason
	Invoices []int64
}

// Handover decides whether a client's file for a third party is to be
// prepared now: at once after a hostile reply (every invoice still owed),
// or once the ladder has ended for an invoice: its formal notice went, the
// notice's deadline (NoticeDeadline) has passed, and the invoice is still
// owed and open (not promised, disputed, claimed paid, under a plan or put
// on hold by the owner: each of those waits for its own end or for a
// person). It is pure, like Decide.
func (p Policy) Handover(now time.Time, c ClientState, f HandoverFacts) (HandoverDecision, bool) {
	if f.Prepared || p.Location == nil {
		return HandoverDecision{}, false
	}
	var owed []*InvoiceState
	for i := range c.Invoices {
		if inv := &c.Invoices[i]; !inv.closed() {
			owed = append(owed, inv)
		}
	}
	if len(owed) == 0 {
		return HandoverDecision{}, false
	}
	if c.hostile() {
		d := HandoverDecision{Reason: domain.HandoverHostile}
		for _, inv := range owed {
			d.Invoices = append(d.Invoices, inv.ID)
		}
		return d, true
	}
	today := DateIn(now, p.Location)
	d := HandoverDecision{Reason: domain.HandoverLadderEnded}
	for _, inv := range owed {
		sent, ok := f.NoticeSent[inv.ID]
		if !ok || sent.IsZero() || inv.State != domain.StateOpen {
			continue
		}
		if today.After(NoticeDeadline(DateIn(sent, p.Location), p.NoticeDeadlineDays, p.Calendar)) {
			d.Invoices = append(d.Invoices, inv.ID)
		}
	}
	if len(d.Invoices) == 0 {
		return HandoverDecision{}, false
	}
	return d, true
}
