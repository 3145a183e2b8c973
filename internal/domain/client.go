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

// ContactKind is what a phone number of a client is for.
type ContactKind string

// Contact kinds. A fax number is kept (the owner sees it, marked) but never
// offered as a number to call.
const (
	ContactPhone  ContactKind = "phone"
	ContactMobile ContactKind = "mobile"
	ContactFax    ContactKind = "fax"
)

// Callable reports whether a number of kind k can be called.
func (k ContactKind) Callable() bool { return k == ContactPhone || k == ContactMobile }

// ContactSource is where a client's phone number was found.
type ContactSource string

// Contact sources.
const (
	ContactFromInvoice   ContactSource = "invoice"   // the buyer's block of our invoice (XML or text)
	ContactFromSignature ContactSource = "signature" // the client's own reply, quoted mail left out
	ContactFromOwner     ContactSource = "owner"     // typed by the owner
)
