package scorecard

// Relationship says how long the business has known the client.
type Relationship string

// Relationships. The strings are metric labels and JSON values: a contract.
const (
	RelationshipNew     Relationship = "new"
	RelationshipRegular Relationship = "regular"
)

// Relationships lists every relationship, for metrics that must show each
// label even at zero.
func Relationships() []Relationship { return []Relationship{RelationshipNew, RelationshipRegular} }

// Payer says how the client pays.
type Payer string

// Payers. The strings are metric labels and JSON values: a contract.
const (
	// PayerUnknown: no invoice paid or past due yet, nothing to judge.
	PayerUnknown    Payer = "unknown"
	PayerPunctual   Payer = "punctual"
	PayerOccasional Payer = "occasional"
	PayerChronic    Payer = "chronic"
)

// Payers lists every payer kind, for metrics that must show each label
// even at zero.
func Payers() []Payer { return []Payer{PayerUnknown, PayerPunctual, PayerOccasional, PayerChronic} }

// Segment places a client: how long known, how it pays.
type Segment struct {
	Relationship Relationship
	Payer        Payer
}

// String is the segment's label, "<relationship>_<payer>" (regular_chronic):
// one of the eight that Segments lists.
func (s Segment) String() string { return string(s.Relationship) + "_" + string(s.Payer) }

// MarshalText writes the segment as its label.
func (s Segment) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Segments lists every segment: a bounded set of labels for metrics.
func Segments() []Segment {
	var out []Segment
	for _, r := range Relationships() {
		for _, p := range Payers() {
			out = append(out, Segment{r, p})
		}
	}
	return out
}

// Thresholds of the segments.
const (
	// RegularMinInvoices: with fewer invoices than this a client is new,
	// whatever their dates. Two invoices paid on time say little; three
	// begin a habit.
	RegularMinInvoices = 3
	// RegularMinDays: a client whose first invoice is more recent than
	// this (about six months) is new. Half a year covers the seasons of a
	// small trade's work and more than one payment cycle of the usual
	// 30–60 day terms.
	RegularMinDays = 183
	// LateGraceDays: a payment up to this many days after the due date is
	// not late. A transfer ordered on the due date shows on the account
	// one to three business days later, more over a weekend or a holiday;
	// calling that late would blame the bank's delay on the client.
	LateGraceDays = 5
	// ChronicMinLate and ChronicShare*: a chronic late payer has at least
	// ChronicMinLate late invoices and is late on at least
	// ChronicShareNum/ChronicShareDen of its measured ones. Late more
	// often than not is a habit rather than an accident; two at least, so
	// that one late first invoice does not brand a client.
	ChronicMinLate  = 2
	ChronicShareNum = 1
	ChronicShareDen = 2
)

// segmentOf places the client from its figures, the day of its first
// invoice (0 when unknown) and today.
func segmentOf(c Card, first, today day) Segment {
	s := Segment{Relationship: RelationshipRegular, Payer: PayerUnknown}
	if c.Invoices < RegularMinInvoices || (first != 0 && today-first < RegularMinDays) {
		s.Relationship = RelationshipNew
	}
	switch {
	case c.Measured == 0:
	case c.Late >= ChronicMinLate && c.Late*ChronicShareDen >= c.Measured*ChronicShareNum:
		s.Payer = PayerChronic
	case c.Late > 0:
		s.Payer = PayerOccasional
	default:
		s.Payer = PayerPunctual
	}
	return s
}
