// The call file: what the person calling a client must have in front of
// them, read once for the call sheet of the outbox and of the web page.

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
)

// CallFile is a client's file as a call needs it.
type CallFile struct {
	ClientFile
	// Open are the client's invoices still owed, oldest due first, each
	// with the reminders it had.
	Open []CallInvoice
	// Payments are every payment the client made, oldest first.
	Payments []CallPayment
	// Promises are the payment dates the client gave, oldest first.
	Promises []CallPromise
	// Complaints are the disputes, grievances and hardships the client
	// raised (open or resolved), each with the client's own sentences.
	Complaints []Complaint
	// Objections are the stock excuses the client's replies raised.
	Objections []RaisedObjection
}

// CallInvoice is an open invoice with its reminders.
type CallInvoice struct {
	Invoice
	Reminders []CallReminder
}

// CallReminder is a reminder sent about an invoice.
type CallReminder struct {
	At    time.Time
	Stage string
}

// CallPayment is a payment received.
type CallPayment struct {
	On       time.Time // the day it was paid
	Invoice  string
	Amount   decimal.Decimal
	Currency string
}

// CallPromise is a payment date the client gave.
type CallPromise struct {
	Made    time.Time // when it was given
	Date    time.Time // the promised day
	Invoice string
}

// Complaint is a dispute, grievance or hardship the client raised.
type Complaint struct {
	At       time.Time
	Kind     domain.FlagKind
	Status   domain.FlagStatus
	Invoice  string
	Evidence []string
	// Resolution is the owner's note when it was settled.
	Resolution string
}

// RaisedObjection is a stock excuse a reply raised ("the cheque is in the
// post"), as the reply's reading recorded it.
type RaisedObjection struct {
	At       time.Time
	Kind     string
	Invoice  string
	Evidence []string
}

// ComplaintOpen says whether a complaint of the client waits for the owner.
func (cf CallFile) ComplaintOpen() bool {
	for _, c := range cf.Complaints {
		if c.Status != domain.FlagResolved && c.Kind != domain.FlagHardship {
			return true
		}
	}
	return false
}

// complaintKinds are the flags that carry a client's complaint.
var complaintKinds = []domain.FlagKind{domain.FlagDispute, domain.FlagGrievance, domain.FlagHardship}

// CallFile reads the client's call file as of today.
func (s *Store) CallFile(ctx context.Context, clientID int64, today time.Time) (CallFile, error) {
	f, err := s.ClientFileByID(ctx, clientID, today)
	if err != nil {
		return CallFile{}, err
	}
	cf := CallFile{ClientFile: f}
	invs, err := s.InvoicesOfClient(ctx, clientID)
	if err != nil {
		return cf, err
	}
	at := map[int64]int{}
	for _, inv := range invs {
		if inv.Kind != "invoice" || inv.State.Settled() {
			continue
		}
		at[inv.ID] = len(cf.Open)
		cf.Open = append(cf.Open, CallInvoice{Invoice: inv})
	}
	if err := s.orderDates(ctx, clientID, cf.Open); err != nil {
		return cf, err
	}
	hist, err := s.timeline(ctx, timelineSelect+` WHERE e.client_id = ? OR e.invoice_id IN (SELECT id FROM invoices WHERE client_id = ?)
		ORDER BY e.at, e.id`, clientID, clientID)
	if err != nil {
		return cf, fmt.Errorf("store: call file of client %d: %w", clientID, err)
	}
	for _, e := range hist {
		var det map[string]any
		_ = json.Unmarshal(e.Detail, &det)
		str := func(k string) string { s, _ := det[k].(string); return s }
		switch e.Kind {
		case domain.EventReminderSent:
			if i, ok := at[e.InvoiceID]; ok {
				cf.Open[i].Reminders = append(cf.Open[i].Reminders, CallReminder{At: e.At, Stage: e.DraftStage})
			}
		case domain.EventPaymentRecorded:
			amt, err := decimal.NewFromString(str("amount"))
			if err != nil {
				continue
			}
			on, err := time.Parse(dateLayout, str("paid_on"))
			if err != nil {
				on = e.At
			}
			cf.Payments = append(cf.Payments, CallPayment{On: on, Invoice: e.InvoiceNumber, Amount: amt, Currency: str("currency")})
		case domain.EventReplyReceived:
			if d, err := time.Parse(dateLayout, str("promise_date")); err == nil {
				cf.Promises = append(cf.Promises, CallPromise{Made: e.At, Date: d, Invoice: e.InvoiceNumber})
			}
			if o := str("objection"); o != "" {
				ro := RaisedObjection{At: e.At, Kind: o, Invoice: e.InvoiceNumber}
				if evs, ok := det["evidence"].([]any); ok {
					for _, ev := range evs {
						if s, ok := ev.(string); ok {
							_, sentence := SplitEvidence(s)
							ro.Evidence = append(ro.Evidence, sentence)
						}
					}
				}
				cf.Objections = append(cf.Objections, ro)
			}
		case domain.EventTaskOutcome:
			if d, err := time.Parse(dateLayout, str("promise_date")); err == nil {
				cf.Promises = append(cf.Promises, CallPromise{Made: e.At, Date: d, Invoice: e.InvoiceNumber})
			}
		}
	}
	cf.Complaints, err = s.complaints(ctx, clientID)
	return cf, err
}

// orderDates fills the order and delivery dates of the client's invoices.
func (s *Store) orderDates(ctx context.Context, clientID int64, invs []CallInvoice) error {
	rows, err := s.db.QueryContext(ctx, `SELECT id, order_date, delivery_date FROM invoices WHERE client_id = ?
		AND (order_date IS NOT NULL OR delivery_date IS NOT NULL)`, clientID)
	if err != nil {
		return fmt.Errorf("store: order dates of client %d: %w", clientID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var order, delivery sql.NullString
		if err := rows.Scan(&id, &order, &delivery); err != nil {
			return fmt.Errorf("store: order dates of client %d: %w", clientID, err)
		}
		for i := range invs {
			if invs[i].ID == id {
				invs[i].OrderDate, invs[i].DeliveryDate = parseDate(order), parseDate(delivery)
			}
		}
	}
	return rows.Err()
}

// complaints lists the client's disputes, grievances and hardships, oldest
// first, whatever their status: a dispute settled last month still shapes
// this call.
func (s *Store) complaints(ctx context.Context, clientID int64) ([]Complaint, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT f.created_at, f.kind, f.status, COALESCE(i.number, ''), f.evidence, f.resolution
		FROM flags f LEFT JOIN invoices i ON i.id = f.invoice_id
		WHERE (f.client_id = ? OR i.client_id = ?) AND f.kind IN (?, ?, ?) ORDER BY f.created_at, f.id`,
		clientID, clientID, complaintKinds[0], complaintKinds[1], complaintKinds[2])
	if err != nil {
		return nil, fmt.Errorf("store: complaints of client %d: %w", clientID, err)
	}
	defer rows.Close()
	var out []Complaint
	for rows.Next() {
		var c Complaint
		var created sql.NullString
		var ev string
		if err := rows.Scan(&created, &c.Kind, &c.Status, &c.Invoice, &ev, &c.Resolution); err != nil {
			return nil, fmt.Errorf("store: complaints of client %d: %w", clientID, err)
		}
		c.At = parseTS(created)
		var raw []string
		_ = json.Unmarshal([]byte(ev), &raw)
		for _, e := range raw {
			_, sentence := SplitEvidence(e)
			c.Evidence = append(c.Evidence, sentence)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SplitEvidence separates a line of a flag's evidence into the reading it
// supports, when the model gave one ("[grievance] sentence"), and the
// client's sentence.
func SplitEvidence(s string) (class, sentence string) {
	if strings.HasPrefix(s, "[") {
		if i := strings.Index(s, "] "); i > 1 && i < 20 && !strings.ContainsAny(s[1:i], " []") {
			return s[1:i], s[i+2:]
		}
	}
	return "", s
}
