package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/relance/relance/internal/contact"
	"github.com/relance/relance/internal/domain"
)

// TestReplyLookupsUseIndexes: the lookups made for every received mail
// (whether it is known; threading by reference, by sender, by number and by
// amount, by another address at the client's domain; an open flag of the
// invoice; the flags a reply opened; the client of an address; a behaviour
// signal raised before) read through indexes. A full pass over a table in one of
// them makes the initial scan of a mailbox grow with the square of its
// size, which no functional test notices on a small ledger.
func TestReplyLookupsUseIndexes(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		ctx := context.Background()
		s := openTest(t)
		id := addInvoice(t, s, "F-2026-0001", "compta@dupont.fr", "1200.50")
		s.stmts.close() // only the statements of the lookups below are checked
		err := s.Update(ctx, t0, func(tx *Tx) error {
			// With a reference that leads nowhere, threading goes on to the
			// sender, the numbers and the amounts.
			if _, err := tx.ThreadCandidatesFor(ThreadQuery{Refs: []string{"<unknown@example.org>"}, Sender: "compta@dupont.fr",
				Text: "Facture F-2026-0001", Keys: []string{"F20260001"}, Amounts: []string{"1200.50"}}); err != nil {
				return err
			}
			if _, err := tx.ThreadCandidatesFor(ThreadQuery{Refs: []string{"<unknown@example.org>"}}); err != nil {
				return err
			}
			if _, err := tx.MessageKnown("INBOX", 1, 7, "<reply@example.org>"); err != nil {
				return err
			}
			// Another address at the client's domain, with nothing else to go on.
			if _, err := tx.ThreadCandidatesFor(ThreadQuery{Sender: "direction@dupont.fr", Domain: "dupont.fr"}); err != nil {
				return err
			}
			// The objection a reply raised, carried onto the flags it opened.
			if _, err := tx.MarkObjection(1, domain.FlagInfoRequest, domain.NoObjection); err != nil {
				return err
			}
			// The phone numbers of a client's signature.
			if err := tx.FoundPhonesOf("compta@dupont.fr", domain.ContactFromSignature, 0, t0,
				[]contact.Phone{{Number: "06 12 34 56 78", Norm: "+33612345678", Kind: "mobile"}}); err != nil {
				return err
			}
			// Whether a behaviour signal was raised before, with and without an invoice.
			if _, err := tx.SignalRaised(domain.FlagSilence, id, "evidence"); err != nil {
				return err
			}
			if _, err := tx.SignalRaised(domain.FlagSilence, 0, "evidence"); err != nil {
				return err
			}
			_, err := tx.OpenFlagExists(domain.FlagInfoRequest, id, 0)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		s.stmts.mu.Lock()
		queries := make([]string, 0, len(s.stmts.m))
		for q := range s.stmts.m {
			queries = append(queries, q)
		}
		s.stmts.mu.Unlock()
		if len(queries) < 5 {
			t.Fatalf("%d statements prepared by the lookups, want at least 5: %q", len(queries), queries)
		}
		for _, q := range queries {
			plan := queryPlan(t, s, q)
			for _, step := range plan {
				if readsWholeTable(dialectOf(t), step) {
					t.Errorf("%s\nreads a whole table or index: %s", strings.Join(strings.Fields(q), " "), strings.Join(plan, " | "))
					break
				}
			}
		}
	})
}

// queryPlan is the steps of q's plan, its parameters bound as NULL (the
// plan does not depend on them).
func queryPlan(t *testing.T, s *Store, q string) []string {
	t.Helper()
	ctx := context.Background()
	nulls := make([]any, strings.Count(q, "?"))
	if dialectOf(t) != "postgres" {
		rows, err := s.db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, nulls...)
		if err != nil {
			t.Fatalf("explain %s: %v", q, err)
		}
		defer rows.Close()
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		return plan
	}
	// PostgreSQL plans NULL parameters away (nothing equals NULL), and
	// reads a small table whole whatever its indexes: the plan asked for
	// is the generic one, with sequential scans priced out, so that one
	// still chosen means no index serves the query.
	conn, err := s.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, stmt := range []string{"SET enable_seqscan = off", "SET plan_cache_mode = force_generic_plan", "PREPARE planned AS " + q} {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("explain %s: %s: %v", q, stmt, err)
		}
	}
	defer conn.ExecContext(ctx, "DEALLOCATE planned; RESET ALL")
	args := strings.TrimSuffix(strings.Repeat("NULL, ", len(nulls)), ", ")
	explain := "EXPLAIN EXECUTE planned"
	if args != "" {
		explain += "(" + args + ")"
	}
	rows, err := conn.QueryContext(ctx, explain)
	if err != nil {
		t.Fatalf("explain %s: %v", q, err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, strings.TrimSpace(line))
	}
	return plan
}

// readsWholeTable reports whether a step of a plan reads a table through.
func readsWholeTable(dialect, step string) bool {
	if dialect == "postgres" {
		return strings.Contains(step, "Seq Scan")
	}
	// The one row a SELECT without FROM reads is no table.
	return strings.HasPrefix(step, "SCAN ") && step != "SCAN CONSTANT ROW"
}

// TestThreadCandidateMailsInRecordedOrder: the mails of ours about an
// invoice come in the order they were recorded, whatever their roles and
// Message-IDs (threading names the first one a reply refers to).
func TestThreadCandidateMailsInRecordedOrder(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		ctx := context.Background()
		s := openTest(t)
		id := addInvoice(t, s, "F-2026-0001", "compta@dupont.fr", "1200.50")
		mails := []struct{ role, msgID string }{{"sent", "zzz@atelier.example"}, {"extra", "aaa@atelier.example"}, {"sent", "mmm@atelier.example"}}
		var got []string
		err := s.Update(ctx, t0, func(tx *Tx) error {
			for i, m := range mails {
				row, err := tx.AddMessage(Message{Folder: "Sent", UIDValidity: 1, UID: uint32(i + 1), Role: m.role, MessageID: m.msgID})
				if err != nil {
					return err
				}
				if err := tx.SetMessageOutcome(row, "invoice", id); err != nil {
					return err
				}
			}
			cands, err := tx.ThreadCandidatesFor(ThreadQuery{Refs: []string{"<mmm@atelier.example>"}})
			if err != nil || len(cands) != 1 {
				return fmt.Errorf("candidates %+v: %v", cands, err)
			}
			got = cands[0].MessageIDs
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"zzz@atelier.example", "aaa@atelier.example", "mmm@atelier.example"}
		if !slices.Equal(got, want) {
			t.Errorf("MessageIDs = %q, want %q (the recorded order)", got, want)
		}
	})
}

// TestThreadCandidatesOnceEach: a reply naming several mails of ours about
// one invoice (each branch of the reference lookup finds it again) makes it
// one candidate.
func TestThreadCandidatesOnceEach(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	id := addInvoice(t, s, "F-2026-0001", "compta@dupont.fr", "1200.50")
	other := addInvoice(t, s, "F-2026-0002", "compta@dupont.fr", "80.00")
	err := s.Update(ctx, t0, func(tx *Tx) error {
		for i, msgID := range []string{"a@atelier.example", "b@atelier.example", "c@atelier.example"} {
			row, err := tx.AddMessage(Message{Folder: "Sent", UIDValidity: 1, UID: uint32(i + 1), Role: "sent", MessageID: msgID})
			if err != nil {
				return err
			}
			if err := tx.SetMessageOutcome(row, "invoice", id); err != nil {
				return err
			}
		}
		cands, err := tx.ThreadCandidatesFor(ThreadQuery{Refs: []string{"<a@atelier.example>", "<b@atelier.example>", "<C@atelier.example>"}})
		if err != nil {
			return err
		}
		if len(cands) != 1 || cands[0].ID != id {
			return fmt.Errorf("candidates %+v, want invoice %d once (not %d)", cands, id, other)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
