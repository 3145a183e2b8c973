package cli

import (
	"context"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"github.com/relance/relance/internal/config"
	"github.com/relance/relance/internal/store"
)

// mailboxRow is one mailbox as `relance mailboxes --json` prints it. Owner
// and lease_expires_at name the replica working the mailbox, on PostgreSQL
// (with SQLite one process works every mailbox, and they stay empty).
type mailboxRow struct {
	Mailbox        string  `json:"mailbox"`
	Name           string  `json:"name"`
	Owner          string  `json:"owner"`
	LeaseExpiresAt *string `json:"lease_expires_at"`
	// LastSync is when mail was last recorded from one of its folders.
	LastSync   *string `json:"last_sync"`
	Invoices   int     `json:"invoices"`
	OpenFlags  int     `json:"open_flags"`
	HeldDrafts int     `json:"held_drafts"`
}

func cmdMailboxes(ctx context.Context, env *Env, args []string) int {
	fs := flagSet(env, "mailboxes")
	asJSON := fs.Bool("json", false, "print one JSON array")
	db := processDBFlag(fs)
	pos, code, ok := parse(fs, args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		fs.Usage()
		return ExitUsage
	}
	names, err := config.MailboxNames(os.LookupEnv)
	if err != nil {
		return errorf(env, "%v", err)
	}
	now := env.Now()
	leases := map[string]store.Lease{}
	if config.IsPostgresURL(*db) {
		st, err := store.Open(ctx, *db)
		if err != nil {
			return errorf(env, "%v", err)
		}
		list, err := st.Leases(ctx)
		st.Close()
		if err != nil {
			return errorf(env, "%v", err)
		}
		for _, l := range list {
			leases[l.Mailbox] = l
		}
	}
	local := now.In(env.zone())
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
	rows := make([]mailboxRow, 0, len(names))
	for _, name := range names {
		row := mailboxRow{Mailbox: name, Name: name}
		if l, ok := leases[name]; ok && l.ExpiresAt.After(now) {
			exp := isoTime(l.ExpiresAt, env.zone())
			row.Owner, row.LeaseExpiresAt = l.Owner, &exp
		}
		path := config.MailboxDB(*db, name)
		// A mailbox not served yet has no database: it is listed empty,
		// and no file is created for it.
		if _, err := os.Stat(path); err == nil || config.IsPostgresURL(path) {
			f, err := mailboxFigures(ctx, path, now, today)
			if err != nil {
				return errorf(env, "mailbox %s: %v", name, err)
			}
			row.Invoices, row.OpenFlags, row.HeldDrafts = f.Invoices, f.FlagsOpen+f.FlagsSeen, f.DraftsHeld
			if !f.LastRead.IsZero() {
				s := isoTime(f.LastRead, env.zone())
				row.LastSync = &s
			}
		}
		rows = append(rows, row)
	}
	if *asJSON {
		return printJSON(env, rows)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "MAILBOX\tOWNER\tLAST SYNC\tINVOICES\tOPEN FLAGS\tHELD DRAFTS")
	for _, r := range rows {
		last, owner := "—", r.Owner
		if r.LastSync != nil {
			last = *r.LastSync
		}
		if owner == "" {
			owner = "—"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\n", r.Mailbox, owner, last, r.Invoices, r.OpenFlags, r.HeldDrafts)
	}
	if err := tw.Flush(); err != nil {
		return errorf(env, "%v", err)
	}
	return ExitOK
}

func mailboxFigures(ctx context.Context, path string, now, today time.Time) (store.MailboxFigures, error) {
	st, err := store.Open(ctx, path)
	if err != nil {
		return store.MailboxFigures{}, err
	}
	defer st.Close()
	return st.MailboxFigures(ctx, now, today)
}
