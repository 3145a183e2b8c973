package domain

// HandoverReason is why a client's file is prepared for a third party. Its
// strings are stored with the file and shown on its flag: a contract.
type HandoverReason string

// Hand-over reasons.
const (
	// HandoverLadderEnded: the formal notice went and its deadline passed
	// with the balance still owed.
	HandoverLadderEnded HandoverReason = "ladder_ended"
	// HandoverHostile: a reply turned aggressive or insulting; every
	// contact with the client stopped.
	HandoverHostile HandoverReason = "hostile"
	// HandoverAsked: the owner asked for the file (relance handover).
	HandoverAsked HandoverReason = "asked"
)
