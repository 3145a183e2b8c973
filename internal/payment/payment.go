// Package payment reads money received — payment notification mails, bank
// statements (CSV exports and ISO 20022 camt.053) — and matches it to open
// invoices. It is pure: no SQL, no network, no clock; the store applies what
// it decides and the callers pass everything in.
//
// Matching never guesses. A payment is tied to invoices by, in order, the
// invoice numbers in its reference, the exact amount of one invoice of the
// payer, an exact combination of one client's invoices, or a partial payment
// of the single invoice a client owes; anything else is sent to triage with
// the candidates a human chooses among.
package payment

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Sources of payments, as stored.
const (
	SourceNotice  = "bank_notice"
	SourceCSV     = "csv"
	SourceCAMT053 = "camt053"
)

// Payment is money received, as the bank or the provider reported it.
type Payment struct {
	Amount     decimal.Decimal
	Currency   string    // ISO 4217, upper-case; empty when the source did not say
	Date       time.Time // the day the money arrived (booking date); zero when unknown
	Payer      string    // the debtor's name as the bank wrote it
	PayerEmail string    // when known (provider receipts)
	Reference  string    // remittance information: what the payer wrote
	// ExternalRef identifies the payment at its source, stably: the bank's
	// entry reference or a hash of the line, so that importing the same
	// statement twice records nothing new.
	ExternalRef string
	Source      string // SourceNotice, SourceCSV, SourceCAMT053
	Line        int    // line (CSV) or entry number (camt.053) in the source, for messages
}

// Invoice is an open invoice a payment may settle.
type Invoice struct {
	ID           int64
	Number       string
	ClientID     int64
	ClientName   string
	ClientEmails []string // lower-case
	Balance      decimal.Decimal
	Currency     string
	DueDate      time.Time
}

// Statement is what a statement reader found.
type Statement struct {
	Payments []Payment
	// Notes are lines the reader skipped and why (an unreadable date, an
	// amount that is not a number); debits are skipped silently.
	Notes []string
}

// lineRef builds a stable reference from the content of a line; seen counts
// identical lines in one file so that two equal transfers on the same day
// stay two payments.
func lineRef(prefix string, seen map[string]int, parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(strings.Join(strings.Fields(strings.ToUpper(p)), " ")))
		h.Write([]byte{0})
	}
	sum := hex.EncodeToString(h.Sum(nil))[:24]
	seen[sum]++
	if n := seen[sum]; n > 1 {
		return prefix + sum + "#" + strconv.Itoa(n)
	}
	return prefix + sum
}
