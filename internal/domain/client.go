package domain

// ClientKind says whether a client buys as a business or as a consumer. The
// law differs: a consumer owes neither the L441-10 late penalties nor the
// 40 € recovery indemnity, and is written to in other words.
type ClientKind string

// Client kinds.
const (
	ClientBusiness ClientKind = "business"
	ClientConsumer ClientKind = "consumer"
)

// ClientKinds lists the client kinds, the default first.
var ClientKinds = []ClientKind{ClientBusiness, ClientConsumer}

// Valid reports whether k is one of ClientKinds (a word typed by a person).
func (k ClientKind) Valid() bool { return k == ClientBusiness || k == ClientConsumer }

// Consumer reports whether a client of kind k is a consumer (the database's
// b2c column).
func (k ClientKind) Consumer() bool { return k == ClientConsumer }

// KindOfConsumer gives the kind of a client from the database's b2c column.
func KindOfConsumer(b2c bool) ClientKind {
	if b2c {
		return ClientConsumer
	}
	return ClientBusiness
}
