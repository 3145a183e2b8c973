package domain

// Objection is the stock excuse a client's reply raises, when it raises one:
// the answer the owner prepares depends on it (a cheque's number and date,
// the invoice sent again, the detail of an amount…). Its strings are
// contracts (`relance classify --json`, `relance drafts list --json`, the
// database).
type Objection string

// The objections a reply can raise.
const (
	NoObjection                    Objection = ""
	ObjectionChequeInPost          Objection = "cheque_in_post"          // "le chèque est parti"
	ObjectionOversight             Objection = "oversight"               // "un oubli de notre part"
	ObjectionClientNotPaid         Objection = "client_not_paid"         // "notre propre client ne nous a pas payés"
	ObjectionGoodsReturned         Objection = "goods_returned"          // "nous avons renvoyé la marchandise"
	ObjectionProgressPaymentDefect Objection = "progress_payment_defect" // "une malfaçon sur la situation de travaux"
	ObjectionNotReceived           Objection = "not_received"            // "nous n'avons jamais reçu la facture"
	ObjectionWrongAmount           Objection = "wrong_amount"            // "le montant ne correspond pas au devis"
	ObjectionAwaitingApproval      Objection = "awaiting_approval"       // "en attente de validation, d'un bon de commande"
)

// Objections lists every objection (without "none") in a stable order.
func Objections() []Objection {
	return []Objection{ObjectionChequeInPost, ObjectionOversight, ObjectionClientNotPaid, ObjectionGoodsReturned,
		ObjectionProgressPaymentDefect, ObjectionNotReceived, ObjectionWrongAmount, ObjectionAwaitingApproval}
}

// Valid reports whether o is one of Objections().
func (o Objection) Valid() bool {
	for _, k := range Objections() {
		if k == o {
			return true
		}
	}
	return false
}
