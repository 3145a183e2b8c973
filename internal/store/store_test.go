package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/testing/testutil/postgres"
)

var t0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

func openTest(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), testDB(t, "relance"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func addInvoice(t *testing.T, s *Store, number, email, amount string) int64 {
	t.Helper()
	var id int64
	err := s.Update(context.Background(), t0, func(tx *Tx) error {
		c, err := tx.EnsureClient(email, "Client "+email, "fr")
		if err != nil {
			return err
		}
		id, _, err = tx.UpsertInvoice(NewInvoice{Number: number, ClientID: c.ID, Amount: decimal.RequireFromString(amount),
			Currency: "EUR", IssueDate: t0, DueDate: t0.AddDate(0, 0, 30)})
		if err != nil {
			return err
		}
		_, err = tx.AddEvent(Event{Kind: "invoice_discovered", InvoiceID: id, ClientID: c.ID, Actor: domain.ActorDaemon})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestMigrateFromEmpty(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		s := openTest(t)
		migs, err := Migrations()
		if err != nil {
			t.Fatal(err)
		}
		v, err := s.SchemaVersion(context.Background())
		if last := migs[len(migs)-1].Version; err != nil || v != last {
			t.Fatalf("schema version = %d, %v; want %d", v, err, last)
		}
		if err := s.IntegrityCheck(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}

// Each earlier schema version, holding data, upgrades to the latest with its
// data intact.
// TestMigrationMergedBelowTheCurrentVersion: a migration numbered below a
// database's version (merged after a later one was applied) still runs.
func TestMigrationMergedBelowTheCurrentVersion(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		ctx := context.Background()
		path := testDB(t, "gap")
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		// 0007 creates the corrections table and nothing else: forget it.
		const version = 7
		if _, err := s.db.ExecContext(ctx, `DELETE FROM schema_migrations WHERE version = ?`, version); err != nil {
			t.Fatal(err)
		}
		if _, err := s.db.ExecContext(ctx, `DROP TABLE corrections`); err != nil {
			t.Fatal(err)
		}
		s.Close()
		s, err = Open(ctx, path)
		if err != nil {
			t.Fatalf("reopen: %v", err)
		}
		defer s.Close()
		applied, err := s.appliedMigrations(ctx)
		if err != nil || !applied[version] {
			t.Fatalf("migration %d not applied again: %v %v", version, applied, err)
		}
		if _, err := s.db.ExecContext(ctx, `SELECT COUNT(*) FROM corrections`); err != nil {
			t.Errorf("corrections table not recreated: %v", err)
		}
	})
}

func TestMigrateFromEveryVersion(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		migs, err := Migrations()
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		// Numbers may be left free: every version that exists, but the last.
		for _, m := range migs[:len(migs)-1] {
			v := m.Version
			t.Run(fmt.Sprintf("from_v%d", v), func(t *testing.T) {
				path := testDB(t, "old")
				old, err := OpenVersion(ctx, path, v)
				if err != nil {
					t.Fatal(err)
				}
				if got, _ := old.SchemaVersion(ctx); got != v {
					t.Fatalf("built version %d, want %d", got, v)
				}
				// Data every schema version has: a client and an invoice.
				_, err = old.db.ExecContext(ctx, `INSERT INTO clients (id, name, email, created_at) VALUES (1, 'Dupont', 'compta@dupont.fr', ?)`, ts(t0))
				if err != nil {
					t.Fatal(err)
				}
				_, err = old.db.ExecContext(ctx, `INSERT INTO invoices (number, invoice_key, client_id, amount, balance, currency, created_at, updated_at)
				VALUES ('F-2026-0001', 'F-2026-0001', 1, '1200.50', '1200.50', 'EUR', ?, ?)`, ts(t0), ts(t0))
				if err != nil {
					t.Fatal(err)
				}
				old.Close()

				s, err := Open(ctx, path)
				if err != nil {
					t.Fatalf("upgrade from v%d: %v", v, err)
				}
				defer s.Close()
				if got, _ := s.SchemaVersion(ctx); got != migs[len(migs)-1].Version {
					t.Fatalf("after upgrade version %d, want %d", got, migs[len(migs)-1].Version)
				}
				inv, err := s.InvoiceByNumber(ctx, "F-2026-0001")
				if err != nil {
					t.Fatal(err)
				}
				if inv.Client.Email != "compta@dupont.fr" || !inv.Amount.Equal(decimal.RequireFromString("1200.50")) {
					t.Fatalf("invoice after upgrade: %+v", inv)
				}
				// The client is reachable by its address in the new schema too.
				err = s.Update(ctx, t0, func(tx *Tx) error {
					c, err := tx.EnsureClient("compta@dupont.fr", "", "")
					if err != nil {
						return err
					}
					if c.ID != 1 {
						return fmt.Errorf("client id %d, want 1", c.ID)
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				if err := s.IntegrityCheck(ctx); err != nil {
					t.Fatal(err)
				}
			})
		}
	})
}

func TestNewerSchemaRefused(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		path := testDB(t, "new")
		s, err := Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.db.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'x')`)
		s.Close()
		if err != nil {
			t.Fatal(err)
		}
		_, err = Open(context.Background(), path)
		if err == nil || !strings.Contains(err.Error(), "newer") {
			t.Fatalf("want a 'newer schema' error, got %v", err)
		}
	})
}

func TestEventsAreAppendOnly(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		s := openTest(t)
		addInvoice(t, s, "F-1", "a@b.fr", "10")
		if _, err := s.db.Exec(`UPDATE events SET kind = 'x'`); err == nil {
			t.Fatal("update of events succeeded")
		}
		if _, err := s.db.Exec(`DELETE FROM events`); err == nil {
			t.Fatal("delete of events succeeded")
		}
	})
}

func TestResendIsOneInvoice(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		s := openTest(t)
		a := addInvoice(t, s, "F-2026-0142", "a@b.fr", "1860.00")
		b := addInvoice(t, s, "F-2026-0142", "a@b.fr", "1860.00")
		if a != b {
			t.Fatalf("re-send created a second invoice: %d, %d", a, b)
		}
		invs, err := s.Invoices(context.Background(), InvoiceFilter{})
		if err != nil || len(invs) != 1 {
			t.Fatalf("invoices = %d, %v", len(invs), err)
		}
	})
}

func TestMessageKnownByUIDOrMessageID(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		s := openTest(t)
		ctx := context.Background()
		err := s.Update(ctx, t0, func(tx *Tx) error {
			_, err := tx.AddMessage(Message{Folder: "INBOX", UIDValidity: 7, UID: 3, Role: "inbox", MessageID: "m1@x"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			validity, uid uint32
			msgID         string
			want          bool
		}{
			{7, 3, "", true},
			{7, 4, "other@x", false},
			{8, 1, "m1@x", true}, // after a UIDVALIDITY change, the same mail is known by its Message-ID
			{8, 3, "", false},
		}
		for _, c := range cases {
			err := s.Update(ctx, t0, func(tx *Tx) error {
				got, err := tx.MessageKnown("INBOX", c.validity, c.uid, c.msgID)
				if err != nil {
					return err
				}
				if got != c.want {
					return fmt.Errorf("MessageKnown(%d, %d, %q) = %v, want %v", c.validity, c.uid, c.msgID, got, c.want)
				}
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		}
	})
}

func TestPaymentsAndBalance(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		s := openTest(t)
		ctx := context.Background()
		id := addInvoice(t, s, "F-7", "a@b.fr", "1000.00")
		pay := func(amount, ref string) (Invoice, bool) {
			var inv Invoice
			var dup bool
			err := s.Update(ctx, t0, func(tx *Tx) error {
				var err error
				inv, dup, err = tx.RecordPayment(Payment{InvoiceID: id, Amount: decimal.RequireFromString(amount), PaidOn: t0,
					Source: "manual", ExternalRef: ref}, domain.ActorCLI)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return inv, dup
		}
		inv, _ := pay("400.10", "r1")
		if inv.State != domain.StateOpen || inv.Balance.String() != "599.9" {
			t.Fatalf("after partial payment: state %s balance %s", inv.State, inv.Balance)
		}
		if _, dup := pay("400.10", "r1"); !dup {
			t.Fatal("same external reference recorded twice")
		}
		inv, _ = pay("599.90", "r2")
		if inv.State != domain.StatePaid || !inv.Balance.IsZero() {
			t.Fatalf("after full payment: state %s balance %s", inv.State, inv.Balance)
		}
		err := s.Update(ctx, t0, func(tx *Tx) error {
			_, _, err := tx.RecordPayment(Payment{InvoiceID: id, Amount: decimal.RequireFromString("-1"), PaidOn: t0}, domain.ActorCLI)
			return err
		})
		if err == nil {
			t.Fatal("negative payment accepted")
		}
	})
}

func TestRollbackLeavesNothing(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		s := openTest(t)
		ctx := context.Background()
		boom := errors.New("boom")
		err := s.Update(ctx, t0, func(tx *Tx) error {
			c, err := tx.EnsureClient("x@y.fr", "X", "fr")
			if err != nil {
				return err
			}
			if _, _, err := tx.UpsertInvoice(NewInvoice{Number: "F-9", ClientID: c.ID, Amount: decimal.NewFromInt(5), Currency: "EUR"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v", err)
		}
		invs, _ := s.Invoices(ctx, InvoiceFilter{})
		if len(invs) != 0 {
			t.Fatalf("rolled-back invoice is visible: %+v", invs)
		}
	})
}

// The crash test re-executes the test binary as a writer that commits
// transactions of several rows in a loop; the parent kills it with SIGKILL at
// varied moments and checks after each kill that the database opens, passes
// the integrity check, and that every committed transaction is whole.
const crashChildEnv = "RELANCE_STORE_CRASH_CHILD_DB"

func TestMain(m *testing.M) {
	if path := os.Getenv(crashChildEnv); path != "" {
		crashChild(path)
		return
	}
	code := m.Run()
	postgres.Stop()
	os.Exit(code)
}

func crashChild(path string) {
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	fmt.Println("ready")
	for i := 0; ; i++ {
		err := s.Update(ctx, t0, func(tx *Tx) error {
			c, err := tx.EnsureClient(fmt.Sprintf("c%d@example.fr", i%50), "C", "fr")
			if err != nil {
				return err
			}
			// One invoice plus exactly three events per transaction: a torn
			// transaction would leave an invoice with fewer.
			id, _, err := tx.UpsertInvoice(NewInvoice{Number: fmt.Sprintf("F-%d-%d", os.Getpid(), i), ClientID: c.ID,
				Amount: decimal.NewFromInt(int64(i)), Currency: "EUR"})
			if err != nil {
				return err
			}
			for k := range 3 {
				if _, err := tx.AddEvent(Event{Kind: domain.EventKind("step" + strconv.Itoa(k)), InvoiceID: id, Actor: domain.ActorDaemon}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(4)
		}
	}
}

func TestKilledMidTransactionLeavesConsistentDB(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		if testing.Short() {
			t.Skip("spawns child processes")
		}
		path := testDB(t, "crash")
		ctx := context.Background()
		var lastCount int
		for round := range 8 {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, 6)
			if _, err := out.Read(buf); err != nil {
				t.Fatalf("child did not start: %v", err)
			}
			// Let the writer run a varying number of commits before the kill:
			// wait until the log has grown past a target, polled with a deadline.
			target := lastCount + 20 + round*15
			deadline := time.Now().Add(20 * time.Second)
			for {
				n := countInvoicesReadOnly(t, path)
				if n >= target || time.Now().After(deadline) {
					break
				}
				time.Sleep(2 * time.Millisecond)
			}
			_ = cmd.Process.Signal(syscall.SIGKILL)
			_ = cmd.Wait()

			s, err := Open(ctx, path)
			if err != nil {
				t.Fatalf("round %d: reopen after SIGKILL: %v", round, err)
			}
			if err := s.IntegrityCheck(ctx); err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
			var torn int
			err = s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM invoices i WHERE (SELECT COUNT(*) FROM events e WHERE e.invoice_id = i.id) <> 3`).Scan(&torn)
			if err != nil {
				t.Fatal(err)
			}
			if torn != 0 {
				t.Fatalf("round %d: %d invoices with a torn transaction", round, torn)
			}
			n := countInvoices(t, s)
			if n < lastCount {
				t.Fatalf("round %d: committed invoices went from %d to %d", round, lastCount, n)
			}
			lastCount = n
			s.Close()
		}
		if lastCount == 0 {
			t.Fatal("the writer never committed anything")
		}
	})
}

func countInvoices(t *testing.T, s *Store) int {
	var n int
	if err := s.db.QueryRow(`SELECT COUNT(*) FROM invoices`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func countInvoicesReadOnly(t *testing.T, path string) int {
	s, err := Open(context.Background(), path)
	if err != nil {
		return 0
	}
	defer s.Close()
	var n int
	_ = s.db.QueryRow(`SELECT COUNT(*) FROM invoices`).Scan(&n)
	return n
}

// Several processes opening a new database at once (the daemon and a CLI
// command) all end up on the latest schema.
func TestConcurrentOpenMigratesOnce(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		path := testDB(t, "race")
		errs := make(chan error, 6)
		for range 6 {
			go func() {
				s, err := Open(context.Background(), path)
				if err == nil {
					s.Close()
				}
				errs <- err
			}()
		}
		for range 6 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
	})
}

// The fast readers agree with time.Parse on what the store writes, and
// leave anything else to it.
func TestFastTimestampParsing(t *testing.T) {
	for _, tm := range []time.Time{t0, time.Date(1999, 12, 31, 23, 59, 59, 999e6, time.UTC), time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC)} {
		s := ts(tm)
		if got := parseTS(sql.NullString{String: s, Valid: true}); !got.Equal(tm) {
			t.Errorf("parseTS(%q) = %v, want %v", s, got, tm)
		}
		d := tm.Format(dateLayout)
		want, _ := time.Parse(dateLayout, d)
		if got := parseDate(sql.NullString{String: d, Valid: true}); !got.Equal(want) {
			t.Errorf("parseDate(%q) = %v, want %v", d, got, want)
		}
	}
	for _, bad := range []string{"2026-13-01", "2026-02-3x", "garbage", "2026-02-03T25:00:00.000Z"} {
		if got := parseDate(sql.NullString{String: bad, Valid: true}); !got.IsZero() && len(bad) == 10 && bad[5:7] == "13" {
			t.Errorf("parseDate(%q) = %v", bad, got)
		}
		_ = parseTS(sql.NullString{String: bad, Valid: true}) // must not panic
	}
}

// A file name holding "#", "?" or "%" opens that very file, not the part
// of its path before the sign.
func TestOpenPathWithURISigns(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a#1.db", "b?x=1.db", "c%20.db"} {
		s, err := Open(context.Background(), filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		s.Close()
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "a")); err == nil {
		t.Error("opened the path cut at #")
	}
}

// The owner's payment is refused on an invoice nothing is owed for any more,
// whatever the amount; bank money on the same invoice is still taken.
func TestOwnerPaymentRefusedOnSettledInvoice(t *testing.T) {
	eachDialect(t, func(t *testing.T) {
		s := openTest(t)
		ctx := context.Background()
		paid := addInvoice(t, s, "F-11", "a@b.fr", "100.00")
		cancelled := addInvoice(t, s, "F-12", "a@b.fr", "100.00")
		owner := func(id int64, amount string) (Invoice, error) {
			var inv Invoice
			err := s.Update(ctx, t0, func(tx *Tx) error {
				var err error
				inv, err = tx.RecordOwnerPayment(Payment{InvoiceID: id, Amount: decimal.RequireFromString(amount), PaidOn: t0, Source: "manual"}, domain.ActorCLI)
				return err
			})
			return inv, err
		}
		if inv, err := owner(paid, "100.00"); err != nil || inv.State != domain.StatePaid {
			t.Fatalf("paying the balance: %s, %v", inv.State, err)
		}
		if _, err := owner(paid, "1.00"); !errors.Is(err, ErrWrongStatus) {
			t.Fatalf("paying a paid invoice again: %v, want ErrWrongStatus", err)
		}
		if err := s.Update(ctx, t0, func(tx *Tx) error { return tx.SetInvoiceState(cancelled, domain.StateCancelled) }); err != nil {
			t.Fatal(err)
		}
		if _, err := owner(cancelled, "10.00"); !errors.Is(err, ErrWrongStatus) {
			t.Fatalf("paying a cancelled invoice: %v, want ErrWrongStatus", err)
		}
		if pays, _ := s.Payments(ctx, cancelled); len(pays) != 0 {
			t.Fatalf("refused payment recorded: %+v", pays)
		}
		err := s.Update(ctx, t0, func(tx *Tx) error {
			_, _, err := tx.RecordPayment(Payment{InvoiceID: cancelled, Amount: decimal.RequireFromString("100.00"), PaidOn: t0, Source: "manual"}, domain.ActorDaemon)
			return err
		})
		if inv, _ := s.InvoiceByID(ctx, cancelled); err != nil || inv.State != domain.StatePaid {
			t.Fatalf("bank money on a cancelled invoice: %s, %v", inv.State, err)
		}
	})
}

// Every pooled connection gets the 2 MiB page cache the scan's large
// transactions need (a smaller one spills their changed pages to the WAL
// before the commit and reads them back).
func TestPageCacheSize(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	conns := make([]*sql.Conn, 2)
	for i := range conns {
		c, err := s.db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns[i] = c
		var kib int
		if err := c.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&kib); err != nil {
			t.Fatal(err)
		}
		if kib != -2048 {
			t.Errorf("connection %d: cache_size %d, want -2048 (2 MiB)", i, kib)
		}
	}
}

// A connection left unused for ConnIdleLife is closed (what it holds
// outside the Go heap goes with it), and the store keeps answering on a
// new one.
func TestIdleConnectionsClosed(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	if _, err := s.SchemaVersion(ctx); err != nil {
		t.Fatal(err)
	}
	if idle := s.db.Stats().Idle; idle == 0 {
		t.Fatal("no idle connection after a query")
	}
	deadline := time.Now().Add(ConnIdleLife + 15*time.Second)
	for s.db.Stats().OpenConnections > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d connections still open %s after their last use", s.db.Stats().OpenConnections, ConnIdleLife+15*time.Second)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if st := s.db.Stats(); st.MaxIdleTimeClosed == 0 {
		t.Errorf("connections closed, but not for their idle time: %+v", st)
	}
	if v, err := s.SchemaVersion(ctx); err != nil || v == 0 {
		t.Errorf("after the idle connections closed: version %d, %v", v, err)
	}
}
