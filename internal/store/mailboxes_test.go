package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/relance/relance/internal/config"
)

// Each mailbox has a store of its own beside the process's database (a
// file under mailboxes/ with SQLite, a schema with PostgreSQL): the same
// invoice number and client address recorded in two mailboxes are two
// invoices, each seen by its own mailbox only, and the default mailbox is
// the database itself.
func TestMailboxesHaveSeparateStores(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		ctx := context.Background()
		base := testDB(t, "relance")
		open := func(name string) *Store {
			t.Helper()
			if !config.IsPostgresURL(base) {
				if err := os.MkdirAll(filepath.Dir(config.MailboxDB(base, name)), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			s, err := Open(ctx, config.MailboxDB(base, name))
			if err != nil {
				t.Fatalf("open mailbox %s: %v", name, err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
		def, a, b := open(config.DefaultMailbox), open("menuiserie-dupuis"), open("boulangerie-martin")
		addInvoice(t, def, "F-DEFAULT", "x@example.com", "10")
		addInvoice(t, a, "F-2026-001", "compta@client.fr", "100")
		addInvoice(t, b, "F-2026-001", "compta@client.fr", "250")
		addInvoice(t, b, "F-2026-002", "compta@client.fr", "40")
		for _, c := range []struct {
			s    *Store
			want []string
		}{{def, []string{"F-DEFAULT 10"}}, {a, []string{"F-2026-001 100"}}, {b, []string{"F-2026-001 250", "F-2026-002 40"}}} {
			invs, err := c.s.Invoices(ctx, InvoiceFilter{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, inv := range invs {
				got = append(got, inv.Number+" "+inv.Amount.String())
			}
			if len(got) != len(c.want) {
				t.Fatalf("%s: invoices %v, want %v", c.s.path, got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Fatalf("%s: invoices %v, want %v", c.s.path, got, c.want)
				}
			}
		}
		// Reopening finds each mailbox's data where it was left.
		a.Close()
		again := open("menuiserie-dupuis")
		if invs, err := again.Invoices(ctx, InvoiceFilter{}); err != nil || len(invs) != 1 || invs[0].Amount.String() != "100" {
			t.Fatalf("reopened mailbox: %v, %v", invs, err)
		}
	})
}
