// Package cli implements the relance command line. cmd/relance only calls
// Main, so every command can be tested in-process.
package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/relance/relance/internal/config"
	"github.com/relance/relance/internal/policy"
)

// Exit codes.
const (
	ExitOK       = 0
	ExitError    = 1
	ExitUsage    = 2
	ExitNotReady = 3 // the capability exists in the CLI but has not landed yet
)

// Build identifies the binary (set by cmd/relance from -ldflags).
type Build struct {
	Version  string
	Revision string
}

// Env is what a command may use of its process.
type Env struct {
	Stdout, Stderr io.Writer
	Stdin          io.Reader
	Build          Build
	// Now is the wall clock; commands with --now override it.
	Now func() time.Time
	// Ready, when set, is told the HTTP address once `run` or `demo` listens
	// (tests use it instead of parsing output).
	Ready func(httpAddr string)
	// Fault, when set, is called by `run` at named points of a send
	// ("after-smtp"): crash tests whose binary doubles as relance kill the
	// process there. relance's own main leaves it nil.
	Fault func(point string)
	// Zone is the business's time zone, in which times are printed; nil
	// means the daemon's: the policy file's time_zone, else
	// RELANCE_TIMEZONE, else Europe/Paris.
	Zone *time.Location
}

// zone returns the time zone printed times are written in.
func (env *Env) zone() *time.Location {
	if env.Zone == nil {
		env.Zone = businessZone(os.Getenv)
	}
	return env.Zone
}

// businessZone finds the business's time zone as the daemon does
// (app.LoadPolicy): the policy file's time_zone wins over RELANCE_TIMEZONE.
// A zone that cannot be loaded gives UTC: printed times still carry their
// offset, so they stay exact.
func businessZone(getenv func(string) string) *time.Location {
	name := getenv("RELANCE_TIMEZONE")
	if path := getenv("RELANCE_POLICY_FILE"); path != "" {
		if b, err := os.ReadFile(path); err == nil {
			if pc, err := policy.DecodeConfig(b); err == nil && pc.TimeZone != "" {
				name = pc.TimeZone
			}
		}
	}
	if name == "" {
		name = "Europe/Paris"
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}

type command struct {
	name, args, summary string
	run                 func(ctx context.Context, env *Env, args []string) int
}

func commands() []command {
	return []command{
		{"run", "[--once] [--now RFC3339] [--db PATH]", "run the daemon (or one full pass with --once)", cmdRun},
		{"demo", "[--db PATH] [--http ADDR]", "run on an embedded mailbox with a sample month; no configuration needed", cmdDemo},
		{"classify", "[--json] [--db PATH] FILE.eml...", "classify client replies offline (one JSON object per line)", cmdClassify},
		{"learn", "FILE.eml|MESSAGE CLASS [--promise-date YYYY-MM-DD] [--db PATH] [--mailbox NAME]", "correct how a reply was read; later readings follow", cmdLearn},
		{"invoices", "[list|show|resume|stop|adopt] [NUMBER|MESSAGE-ID] [--json] [--state S] [--search Q] [--rejected] [--db PATH] [--mailbox NAME]", "invoices, their timeline, resume or stop chasing; documents set aside and their adoption", cmdInvoices},
		{"drafts", "[list|show|approve|send-now|cancel|edit|set-objection] [ID] [KIND] [--json] [--override WHY] [--reason WHY] [--until DATE|reply|never] [--body-file F] [--db PATH] [--mailbox NAME]", "review held reminders", cmdDrafts},
		{"flags", "[list|show|ack|resolve|outcome|set-objection] [ID] [KIND] [--note N] [--then keep|resume|stop] [--outcome O [--promise-date D] [--instalments I]] [--json] [--all] [--db PATH] [--mailbox NAME]", "replies and tasks waiting for a human", cmdFlags},
		{"clients", "[list|show|set] [EMAIL] [--json] [--kind business|consumer] [--db PATH] [--mailbox NAME]", "clients, their scorecard and advice; set whether one is a business or a consumer", cmdClients},
		{"handover", "INVOICE [--out DIR] [--db PATH] [--mailbox NAME]", "(re)build the file for a third party (PDF and ZIP of the originals) of an invoice's client", cmdHandover},
		{"pay", "INVOICE [--amount X] [--date YYYY-MM-DD] [--db PATH] [--mailbox NAME]", "record a payment (the whole balance by default)", cmdPay},
		{"plan", "INVOICE [--instalments DATE:AMOUNT,...] [--cancel] [--json] [--db PATH] [--mailbox NAME]", "record, show or cancel a payment plan (échéancier)", cmdPlan},
		{"import", "FILE [--format csv|camt053] [--config F] [--csv-format NAME] [--dry-run] [--json] [--db PATH] [--mailbox NAME]", "import a bank statement: match the money received to open invoices", cmdImport},
		{"mailboxes", "[--json] [--db PATH]", "the mailboxes this installation serves (RELANCE_MAILBOXES_FILE): last sync, invoices, open flags, held drafts", cmdMailboxes},
		{"users", "[list|add|passwd|grant|revoke] [LOGIN] [MAILBOX] [owner|staff] [--name N] [--admin] [--password-file F] [--json] [--db PATH]", "web accounts and the mailboxes each sees (owner or staff; an admin sees all); a password is read from --password-file or stdin", cmdUsers},
		{"check-config", "", "print the effective configuration (secrets masked); exit 1 when invalid", cmdCheckConfig},
		{"version", "", "print the version", cmdVersion},
	}
}

// Main runs the command line and returns the process exit code.
func Main(ctx context.Context, args []string, env *Env) int {
	if env.Now == nil {
		env.Now = time.Now
	}
	if env.Stdin == nil {
		env.Stdin = os.Stdin
	}
	if len(args) == 0 {
		usage(env.Stderr)
		return ExitUsage
	}
	name := args[0]
	switch name {
	case "-h", "--help", "-help", "help":
		usage(env.Stdout)
		return ExitOK
	case "--version", "-version":
		name = "version"
	}
	for _, c := range commands() {
		if c.name == name {
			if code, done := acrossMailboxes(ctx, env, c, args[1:]); done {
				return code
			}
			return c.run(ctx, env, args[1:])
		}
	}
	fmt.Fprintf(env.Stderr, "relance: unknown command %q\n\n", name)
	usage(env.Stderr)
	return ExitUsage
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "relance chases unpaid invoices politely, from your own mailbox.\n\nUsage:\n  relance COMMAND [flags]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-13s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun 'relance COMMAND --help' for a command's flags. Configuration: RELANCE_* environment\nvariables (see config/relance.env.example and 'relance check-config').\n")
}

// flagSet builds a command's flag set with usage on stderr.
func flagSet(env *Env, name string) *flag.FlagSet {
	fs := flag.NewFlagSet("relance "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	for _, c := range commands() {
		if c.name == name {
			fs.Usage = func() {
				fmt.Fprintf(env.Stderr, "Usage: relance %s %s\n  %s\n", c.name, c.args, c.summary)
				var any bool
				fs.VisitAll(func(*flag.Flag) { any = true })
				if any {
					fmt.Fprintln(env.Stderr, "\nFlags:")
					fs.PrintDefaults()
				}
			}
		}
	}
	return fs
}

// parse parses flags anywhere among the arguments (so "pay F-1 --amount 3"
// works) and returns the positional ones. It returns the exit code to use
// when parsing ended the command (help or a usage error).
func parse(fs *flag.FlagSet, args []string) ([]string, int, bool) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, ExitOK, false
			}
			return nil, ExitUsage, false
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, 0, true
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), 0, true
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// subcommand splits the positional arguments of a command with actions
// ("drafts approve 12") into the action, "list" when none is given, and the
// rest.
func subcommand(pos []string) (string, []string) {
	if len(pos) == 0 {
		return "list", nil
	}
	return pos[0], pos[1:]
}

// dbFlag registers --db, defaulting to RELANCE_DB then relance.db.
func dbFlag(fs *flag.FlagSet) *string {
	def := os.Getenv("RELANCE_DB")
	if def == "" {
		def = "relance.db"
	}
	// The store a command opens is the one of --mailbox (see
	// config.MailboxDB), beside the database of --db: both flags set one
	// path, whichever comes first on the line.
	var base, mailbox = def, ""
	path := new(string)
	*path = def
	fs.Func("db", "path of the SQLite database, or postgres:// URL (overrides RELANCE_DB; default "+def+")", func(v string) error {
		base = v
		*path = config.MailboxDB(base, mailbox)
		return nil
	})
	fs.Func("mailbox", "the mailbox of RELANCE_MAILBOXES_FILE to work on (default: "+config.DefaultMailbox+")", func(v string) error {
		names, err := config.MailboxNames(os.LookupEnv)
		if err != nil {
			return err
		}
		if !slices.Contains(names, v) {
			return fmt.Errorf("no mailbox %q (mailboxes: %s)", v, strings.Join(names, ", "))
		}
		mailbox = v
		*path = config.MailboxDB(base, mailbox)
		return nil
	})
	return path
}

func errorf(env *Env, format string, args ...any) int {
	fmt.Fprintf(env.Stderr, "relance: "+format+"\n", args...)
	return ExitError
}

func cmdVersion(_ context.Context, env *Env, args []string) int {
	fs := flagSet(env, "version")
	if _, code, ok := parse(fs, args); !ok {
		return code
	}
	v := env.Build.Version
	if v == "" {
		v = "dev"
	}
	fmt.Fprintf(env.Stdout, "relance %s", v)
	if env.Build.Revision != "" {
		fmt.Fprintf(env.Stdout, " (%s)", env.Build.Revision)
	}
	fmt.Fprintln(env.Stdout)
	return ExitOK
}

func newLogger(env *Env) *slog.Logger {
	format, level := os.Getenv("RELANCE_LOG_FORMAT"), os.Getenv("RELANCE_LOG_LEVEL")
	return newLoggerFor(env.Stderr, format, level)
}

// listings are the commands whose listing (no action word, or "list")
// covers every mailbox when no --mailbox is given.
var listings = map[string]bool{"invoices": true, "drafts": true, "flags": true, "clients": true}

// acrossMailboxes runs a store command given no --mailbox when
// RELANCE_MAILBOXES_FILE lists mailboxes: a listing runs once per mailbox
// (with --json, one array whose objects carry "mailbox"; else each
// mailbox's listing under its name), and any other use of a store command
// must say which mailbox it means. done is false when the command runs as
// usual (one mailbox, --mailbox given, a command without a store).
func acrossMailboxes(ctx context.Context, env *Env, c command, args []string) (code int, done bool) {
	if !strings.Contains(c.args, "--mailbox") {
		return 0, false
	}
	jsonOut := false
	for _, a := range args {
		switch a {
		case "-h", "-help", "--help":
			return 0, false
		case "-json", "--json":
			jsonOut = true
		}
		if a == "-mailbox" || a == "--mailbox" || strings.HasPrefix(a, "-mailbox=") || strings.HasPrefix(a, "--mailbox=") {
			return 0, false
		}
	}
	names, err := config.MailboxNames(os.LookupEnv)
	if err != nil {
		return errorf(env, "%v", err), true
	}
	if len(names) == 1 && names[0] == config.DefaultMailbox {
		return 0, false
	}
	listing := listings[c.name] && (len(args) == 0 || args[0] == "list" || strings.HasPrefix(args[0], "-"))
	if !listing {
		fmt.Fprintf(env.Stderr, "relance %s: RELANCE_MAILBOXES_FILE lists %d mailboxes: say which with --mailbox NAME (%s)\n",
			c.name, len(names), strings.Join(names, ", "))
		return ExitUsage, true
	}
	var all []map[string]any
	for _, name := range names {
		var out bytes.Buffer
		sub := *env
		sub.Stdout = &out
		if code := c.run(ctx, &sub, append(append([]string(nil), args...), "--mailbox", name)); code != ExitOK {
			return code, true
		}
		if !jsonOut {
			fmt.Fprintf(env.Stdout, "== %s\n%s\n", name, out.String())
			continue
		}
		var rows []map[string]any
		dec := json.NewDecoder(&out)
		dec.UseNumber() // ids and counts stay as printed
		if err := dec.Decode(&rows); err != nil {
			return errorf(env, "mailbox %s: %v", name, err), true
		}
		for _, r := range rows {
			r["mailbox"] = name
		}
		all = append(all, rows...)
	}
	if jsonOut {
		if all == nil {
			all = []map[string]any{}
		}
		return printJSON(env, all), true
	}
	return ExitOK, true
}
