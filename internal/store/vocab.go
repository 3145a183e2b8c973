package store

import (
	"strings"

	"github.com/relance/relance/internal/domain"
)

// sqlList writes words of the vocabulary as an SQL list of string literals,
// "('a', 'b')", so that queries name the domain's words without spelling
// them again while their text (and with it their plans and the partial
// indexes they use) stays what it was.
func sqlList[T ~string](words ...T) string {
	var b strings.Builder
	b.WriteString("(")
	for i, w := range words {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("'" + string(w) + "'")
	}
	b.WriteString(")")
	return b.String()
}

// sqlWord writes one word of the vocabulary as an SQL string literal.
func sqlWord[T ~string](w T) string { return "'" + string(w) + "'" }

// where keeps the words of a vocabulary list that keep says, in its order.
func where[T any](words []T, keep func(T) bool) []T {
	var out []T
	for _, w := range words {
		if keep(w) {
			out = append(out, w)
		}
	}
	return out
}

// State lists for queries, in the order of domain.States. Listing the
// states wanted (rather than excluding the others) lets SQLite seek the
// state index, so the cost follows the invoices concerned, not the whole
// history.
var (
	// chasedStatesSQL: money is still expected (and a reply can still be
	// about the invoice).
	chasedStatesSQL = sqlList(where(domain.States, domain.State.Chased)...)
	// settledStatesSQL: nothing is owed any more.
	settledStatesSQL = sqlList(where(domain.States, domain.State.Settled)...)
	// allStatesSQL lets a range on due_date use the (state, due_date) index.
	allStatesSQL = sqlList(domain.States...)
)

// Draft and flag status lists for queries, in the order of the domain's
// lists.
var (
	// waitingDraftsSQL: drafts that may still go (domain.DraftStatus.Waiting).
	waitingDraftsSQL = sqlList(where(domain.DraftStatuses, domain.DraftStatus.Waiting)...)
	// unresolvedSQL: flags a human has not closed yet.
	unresolvedSQL = sqlList(domain.FlagOpen, domain.FlagAcknowledged)
	// resolvedSQL: a closed flag, the one status the unresolved queries
	// exclude.
	resolvedSQL = sqlWord(domain.FlagResolved)
	// machineRepliesSQL: reply classes no person wrote, which do not end a
	// quiet period.
	machineRepliesSQL = sqlList(domain.ReplyAutoReply, domain.ReplyBounce)
)
