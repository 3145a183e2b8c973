package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/relance/relance/internal/config"
	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
)

// userRow is one account as `relance users list --json` prints it. Its
// password and hash are never printed.
type userRow struct {
	Login     string     `json:"login"`
	Name      string     `json:"name"`
	Admin     bool       `json:"admin"`
	CreatedAt string     `json:"created_at"`
	Grants    []grantRow `json:"grants"`
}

type grantRow struct {
	Mailbox string      `json:"mailbox"`
	Role    domain.Role `json:"role"`
}

// processDBFlag registers --db for the process's own database (accounts,
// leases): RELANCE_DB itself, never a mailbox's store.
func processDBFlag(fs *flag.FlagSet) *string {
	def := os.Getenv("RELANCE_DB")
	if def == "" {
		def = "relance.db"
	}
	return fs.String("db", def, "path of the SQLite database, or postgres:// URL (overrides RELANCE_DB)")
}

func cmdUsers(ctx context.Context, env *Env, args []string) int {
	fs := flagSet(env, "users")
	asJSON := fs.Bool("json", false, "list: print one JSON array")
	name := fs.String("name", "", "add: the person's name, as the site shows it")
	admin := fs.Bool("admin", false, "add: an administrator, who sees every mailbox")
	pwFile := fs.String("password-file", "", "add, passwd: read the password from this file (default: the first line of stdin)")
	db := processDBFlag(fs)
	pos, code, ok := parse(fs, args)
	if !ok {
		return code
	}
	action, rest := subcommand(pos)
	want := map[string]int{"list": 0, "add": 1, "passwd": 1, "grant": 3, "revoke": 2}
	n, known := want[action]
	if !known || len(rest) != n {
		fs.Usage()
		return ExitUsage
	}
	if action == "grant" || action == "revoke" {
		names, err := config.MailboxNames(os.LookupEnv)
		if err != nil {
			return errorf(env, "%v", err)
		}
		if !slices.Contains(names, rest[1]) {
			return errorf(env, "no mailbox %q (mailboxes: %s)", rest[1], strings.Join(names, ", "))
		}
	}
	var login string
	if action != "list" {
		var err error
		if login, err = store.NormalizeLogin(rest[0]); err != nil {
			return errorf(env, "%v", err)
		}
	}
	var role domain.Role
	if action == "grant" {
		role = domain.Role(rest[2])
		if !role.Valid() {
			return errorf(env, "role %q: want owner or staff", rest[2])
		}
	}
	var password string
	if action == "add" || action == "passwd" {
		var err error
		if password, err = readPassword(env, *pwFile); err != nil {
			return errorf(env, "%v", err)
		}
	}
	st, err := store.Open(ctx, *db)
	if err != nil {
		return errorf(env, "%v", err)
	}
	defer st.Close()
	now := env.Now()
	switch action {
	case "list":
		return listUsers(ctx, env, st, *asJSON)
	case "add":
		err = st.AddAccount(ctx, store.NewAccount{Login: login, Name: *name, Password: password, Admin: *admin}, now)
		if err == nil {
			what := "account"
			if *admin {
				what = "administrator account (sees every mailbox)"
			}
			fmt.Fprintf(env.Stdout, "added %s %s\n", what, login)
		}
	case "passwd":
		if err = st.SetPassword(ctx, login, password); err == nil {
			fmt.Fprintf(env.Stdout, "password of %s changed\n", login)
		}
	case "grant":
		if err = st.GrantRole(ctx, login, rest[1], role, now); err == nil {
			fmt.Fprintf(env.Stdout, "%s is now %s of mailbox %s\n", login, role, rest[1])
		}
	case "revoke":
		if err = st.Revoke(ctx, login, rest[1]); err == nil {
			fmt.Fprintf(env.Stdout, "%s no longer sees mailbox %s\n", login, rest[1])
		}
	}
	if err != nil {
		return errorf(env, "%v", err)
	}
	return ExitOK
}

// readPassword reads a password from file, or else the first line of
// stdin, without its line ending.
func readPassword(env *Env, file string) (string, error) {
	var r io.Reader = env.Stdin
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return "", fmt.Errorf("password file: %w", err)
		}
		defer f.Close()
		r = f
	}
	line, err := bufio.NewReader(io.LimitReader(r, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no password given: pass --password-file FILE or write it on stdin")
	}
	return line, nil
}

func listUsers(ctx context.Context, env *Env, st *store.Store, asJSON bool) int {
	accounts, err := st.Accounts(ctx)
	if err != nil {
		return errorf(env, "%v", err)
	}
	rows := make([]userRow, 0, len(accounts))
	for _, a := range accounts {
		r := userRow{Login: a.Login, Name: a.Name, Admin: a.Admin, CreatedAt: isoTime(a.CreatedAt, env.zone()), Grants: []grantRow{}}
		for _, g := range a.Grants {
			r.Grants = append(r.Grants, grantRow{Mailbox: g.Mailbox, Role: g.Role})
		}
		rows = append(rows, r)
	}
	if asJSON {
		return printJSON(env, rows)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LOGIN\tNAME\tSEES")
	for _, r := range rows {
		var sees []string
		if r.Admin {
			sees = append(sees, "every mailbox (admin)")
		}
		for _, g := range r.Grants {
			sees = append(sees, g.Mailbox+" ("+string(g.Role)+")")
		}
		if len(sees) == 0 {
			sees = []string{"—"}
		}
		name := r.Name
		if name == "" {
			name = "—"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.Login, name, strings.Join(sees, ", "))
	}
	if err := tw.Flush(); err != nil {
		return errorf(env, "%v", err)
	}
	return ExitOK
}
