package scorecard

// GoalCode names what a call to the client is for.
type GoalCode string

// Goals of a call, most pressing first.
const (
	// GoalSettleDispute: the client complained; the call hears it out and
	// gets the part it does not dispute paid.
	GoalSettleDispute GoalCode = "settle_dispute"
	// GoalPlan: the client's word alone no longer stands (broken promises,
	// chronic lateness, money long overdue): a plan with dates and amounts,
	// confirmed in writing.
	GoalPlan GoalCode = "plan"
	// GoalCause: a client who pays on time is late: find out why before
	// asking for a date (an oversight, a problem with the invoice?).
	GoalCause GoalCode = "cause"
	// GoalDate: get a payment date and the means of payment.
	GoalDate GoalCode = "date"
)

// Goal is the aim of a call, with its reason in both languages.
type Goal struct {
	Code   GoalCode
	Reason Reason
}

// CallGoal says what a call to the client should come away with, from its
// scorecard and whether a complaint of the client is still open (a dispute
// or grievance flag the owner has not resolved). The scorecard's Advice
// says what to change for the next order (a deposit, prepayment…); the goal
// is for this call.
func CallGoal(c Card, complaintOpen bool) Goal {
	switch {
	case complaintOpen || c.Disputes > 0:
		return Goal{GoalSettleDispute, Reason{
			FR: "Écouter la réclamation jusqu'au bout, convenir de ce qui est contesté et obtenir une date pour le règlement de la partie non contestée.",
			EN: "Hear the complaint out, agree on what is disputed, and get a date for paying the part that is not."}}
	case c.PromisesBroken > 0 || c.Segment.Payer == PayerChronic || c.OldestOverdueDays > LongOverdueDays:
		return Goal{GoalPlan, Reason{
			FR: "Convenir d'un plan précis — des dates et des montants — et le confirmer par écrit le jour même : une simple promesse ne suffit plus.",
			EN: "Agree a precise plan — dates and amounts — and confirm it in writing the same day: a promise alone is no longer enough."}}
	case c.Segment.Payer == PayerPunctual:
		return Goal{GoalCause, Reason{
			FR: "Ce client paie d'habitude à l'heure : comprendre ce qui bloque (un oubli, un souci sur la facture ?) puis obtenir une date.",
			EN: "This client usually pays on time: find out what is holding it up (an oversight, a problem with the invoice?), then get a date."}}
	}
	return Goal{GoalDate, Reason{
		FR: "Obtenir une date de paiement précise et le moyen de paiement, puis les confirmer par écrit.",
		EN: "Get a precise payment date and the means of payment, then confirm them in writing."}}
}
