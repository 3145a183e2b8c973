package store

import (
	"fmt"

	"github.com/relance/relance/internal/domain"
)

// InvoiceLastStage is the last ladder stage done for an invoice (0: none
// yet, its first reminder is still to come).
func (t *Tx) InvoiceLastStage(invoiceID int64) (int, error) {
	var stage int
	if err := t.queryRow(`SELECT last_stage FROM invoices WHERE id = ?`, invoiceID).Scan(&stage); err != nil {
		return 0, fmt.Errorf("store: last stage of invoice %d: %w", invoiceID, err)
	}
	return stage, nil
}

// ResolveSelfChecks resolves the invoice's unresolved self_check flags, as
// the daemon, with note: a corrected invoice replaces what was found in the
// one before. It returns how many it resolved.
func (t *Tx) ResolveSelfChecks(invoiceID int64, note string) (int, error) {
	// The ids are read in full before resolving: the flags are written
	// through the same transaction.
	ids, err := t.ids(fmt.Sprintf("self_check flags of invoice %d", invoiceID),
		`SELECT id FROM flags WHERE kind = ? AND invoice_id = ? AND status <> `+resolvedSQL+` ORDER BY id`, domain.FlagSelfCheck, invoiceID)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		if err := t.ResolveFlag(id, domain.ActorDaemon, note); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}
