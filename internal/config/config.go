// Package config reads relance's configuration from RELANCE_* environment
// variables, resolves *_FILE secrets and validates the result. Every error
// names the variable at fault.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"os"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/kelseyhightower/envconfig"

	"github.com/relance/relance/internal/domain"
)

// Prefix is the prefix of every environment variable relance reads.
const Prefix = "RELANCE"

// SMTP authentication modes (RELANCE_SMTP_AUTH).
const (
	SMTPAuthAuto    = "auto"
	SMTPAuthPlain   = "plain"
	SMTPAuthLogin   = "login"
	SMTPAuthXOAuth2 = "xoauth2"
	SMTPAuthNone    = "none"
)

// TLS modes for IMAP and SMTP.
const (
	TLSImplicit = "implicit"
	TLSStartTLS = "starttls"
	TLSNone     = "none"
)

// Secret is a string that never prints itself: fmt, %v, JSON and slog all
// see a mask, so a secret cannot leak through a log line or an error.
type Secret string

const mask = "********"

func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return mask
}

// GoString covers %#v.
func (s Secret) GoString() string { return s.String() }

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalText masks the value in JSON and other encoders.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Reveal returns the secret itself, for the one place that needs it.
func (s Secret) Reveal() string { return string(s) }

// Config is the effective configuration. Field tags give the variable names
// (without the RELANCE_ prefix); `secret:"true"` marks values masked on output
// and readable from NAME_FILE.
type Config struct {
	IMAPAddr         string        `envconfig:"IMAP_ADDR" desc:"IMAP server host:port (required)"`
	IMAPUsername     string        `envconfig:"IMAP_USERNAME" desc:"IMAP login (required)"`
	IMAPPassword     Secret        `envconfig:"IMAP_PASSWORD" secret:"true" desc:"IMAP password (or IMAP_PASSWORD_FILE)"`
	IMAPAuth         string        `envconfig:"IMAP_AUTH" default:"plain" desc:"plain (LOGIN/PLAIN) or xoauth2"`
	IMAPTokenFile    string        `envconfig:"IMAP_TOKEN_FILE" desc:"file holding the OAuth2 access token, re-read on each connect (IMAP_AUTH=xoauth2)"`
	IMAPTLS          string        `envconfig:"IMAP_TLS" default:"implicit" desc:"implicit, starttls or none (none only to loopback unless IMAP_INSECURE=true)"`
	IMAPInsecure     bool          `envconfig:"IMAP_INSECURE" default:"false" desc:"allow IMAP_TLS=none to a non-loopback host"`
	IMAPSentFolder   string        `envconfig:"IMAP_SENT_FOLDER" desc:"name of the Sent folder when the server has no SPECIAL-USE"`
	IMAPDraftsFolder string        `envconfig:"IMAP_DRAFTS_FOLDER" desc:"name of the Drafts folder when the server has no SPECIAL-USE"`
	IMAPExtraFolders []string      `envconfig:"IMAP_EXTRA_FOLDERS" desc:"comma-separated extra folders to watch for invoices"`
	IMAPPollInterval time.Duration `envconfig:"IMAP_POLL_INTERVAL" default:"1m" desc:"poll interval when the server has no IDLE"`

	SMTPAddr     string `envconfig:"SMTP_ADDR" desc:"SMTP submission server host:port (required unless MODE=dry-run)"`
	SMTPUsername string `envconfig:"SMTP_USERNAME" desc:"SMTP login (defaults to IMAP_USERNAME)"`
	SMTPPassword Secret `envconfig:"SMTP_PASSWORD" secret:"true" desc:"SMTP password (or SMTP_PASSWORD_FILE; defaults to the IMAP password)"`
	SMTPAuth     string `envconfig:"SMTP_AUTH" default:"auto" desc:"auto (log in when credentials are set and the server offers AUTH; a relay without AUTH is used without), plain, login, xoauth2 (the IMAP_TOKEN_FILE token) or none"`
	SMTPTLS      string `envconfig:"SMTP_TLS" default:"starttls" desc:"implicit, starttls or none (none only to loopback unless SMTP_INSECURE=true)"`
	SMTPInsecure bool   `envconfig:"SMTP_INSECURE" default:"false" desc:"allow SMTP_TLS=none to a non-loopback host"`
	SaveSent     bool   `envconfig:"SAVE_SENT" default:"true" desc:"APPEND sent reminders to the Sent folder (false when the server saves sent mail itself)"`

	From     string `envconfig:"FROM" desc:"From address of reminders, e.g. \"Atelier Moreau <factures@example.fr>\" (required)"`
	NotifyTo string `envconfig:"NOTIFY_TO" desc:"address of the daily digest (optional)"`

	BusinessName    string        `envconfig:"BUSINESS_NAME" desc:"name printed in reminders (defaults to the display name of FROM)"`
	BusinessAddress string        `envconfig:"BUSINESS_ADDRESS" desc:"postal address printed in letters, e.g. \"12 rue des Tanneurs, 69001 Lyon\""`
	BusinessPhone   string        `envconfig:"BUSINESS_PHONE" desc:"phone number printed in reminders"`
	BusinessSIREN   string        `envconfig:"BUSINESS_SIREN" desc:"SIREN/SIRET printed in the formal notice"`
	BusinessIBAN    string        `envconfig:"BUSINESS_IBAN" desc:"IBAN printed for payment by transfer"`
	BusinessVAT     string        `envconfig:"BUSINESS_VAT" desc:"intra-EU VAT number: with the name, SIREN and IBAN, tells our invoices from our suppliers'"`
	BusinessBIC     string        `envconfig:"BUSINESS_BIC" desc:"BIC printed with the IBAN"`
	SignatureName   string        `envconfig:"SIGNATURE_NAME" desc:"the person who signs reminders and letters, printed above the business's name"`
	ThankYou        bool          `envconfig:"THANK_YOU" default:"true" desc:"draft a thank-you (held like every draft) when an invoice that was chased is paid"`
	AttachInvoice   bool          `envconfig:"ATTACH_INVOICE" default:"true" desc:"attach to each reminder the invoice's own PDF, taken from the mail it was sent with (Sent folder)"`
	SelfCheck       bool          `envconfig:"SELF_CHECK" default:"false" desc:"check each invoice we send against the mentions French law requires, its arithmetic and its payment term; what it finds opens the invoice's self_check flag, which holds its first reminder until resolved or a corrected invoice is sent"`
	PassInterval    time.Duration `envconfig:"PASS_INTERVAL" default:"5m" desc:"how often held drafts are re-checked and due reminders prepared"`

	DB             string `envconfig:"DB" default:"relance.db" desc:"path of the SQLite database file, or the postgres:// (postgresql://) URL of a PostgreSQL database"`
	MailboxesFile  string `envconfig:"MAILBOXES_FILE" desc:"JSON file listing the mailboxes (businesses) one process serves; each entry's keys are these variables without RELANCE_, and a key left out takes the variable's value (see README: Many mailboxes); one mailbox, default, when empty"`
	PaymentsConfig string `envconfig:"PAYMENTS_CONFIG" desc:"payment notices and bank-statement formats (JSON; example: config/payments.example.json); no notices are read when empty"`
	PolicyFile     string `envconfig:"POLICY_FILE" desc:"policy file (ladder, calendar, per-client overrides); built-in defaults when empty"`
	ReplicaID      string `envconfig:"REPLICA_ID" desc:"name of this process among the replicas sharing a PostgreSQL database (default: host name and process id), in logs, leases and metrics"`
	HTTPAddr       string `envconfig:"HTTP_ADDR" default:"127.0.0.1:8025" desc:"listen address of the web page, /metrics, /healthz, /readyz"`
	HTTPToken      Secret `envconfig:"HTTP_TOKEN" secret:"true" desc:"access token of the web page (required when HTTP_ADDR is not loopback)"`
	Timezone       string `envconfig:"TIMEZONE" default:"Europe/Paris" desc:"time zone of the business (IANA name)"`
	Mode           string `envconfig:"MODE" default:"review" desc:"review (approval required), auto (send after the hold unless cancelled) or dry-run (never send)"`
	LogFormat      string `envconfig:"LOG_FORMAT" default:"text" desc:"text or json"`
	LogLevel       string `envconfig:"LOG_LEVEL" default:"info" desc:"debug, info, warn or error"`

	// Location is Timezone resolved; set by Validate.
	Location *time.Location `ignored:"true"`
}

// FieldError is one invalid variable.
type FieldError struct {
	Var     string // full variable name, e.g. RELANCE_IMAP_ADDR
	Problem string
}

func (e *FieldError) Error() string { return e.Var + ": " + e.Problem }

// Getenv is how configuration reads the environment; tests pass their own.
type Getenv func(string) (string, bool)

// Overrides are command-line values that win over their variables; the
// zero value overrides nothing.
type Overrides struct {
	// DB is `--db PATH`, over RELANCE_DB.
	DB string
}

// Load reads the configuration from the process environment, applies the
// command line's overrides, resolves *_FILE secrets and validates it. The
// returned warnings name RELANCE_* variables that relance does not know
// (typos); they are not errors.
func Load(o Overrides) (*Config, []string, error) {
	return load(os.LookupEnv, os.Environ(), o)
}

func load(lookup Getenv, environ []string, o Overrides) (*Config, []string, error) {
	c, err := read(lookup, o)
	if c == nil {
		return nil, nil, err
	}
	return c, unknownVars(environ), errors.Join(err, c.complete())
}

// read fills a Config from the environment and its *_FILE secrets, without
// the defaults that depend on other values or validation: a mailboxes file
// lays its entries over this before completing each one. The Config is nil
// only when a variable cannot be parsed.
func read(lookup Getenv, o Overrides) (*Config, error) {
	var c Config
	if err := envconfig.Process(Prefix, &c); err != nil {
		var pe *envconfig.ParseError
		if errors.As(err, &pe) {
			return nil, &FieldError{Var: Prefix + "_" + pe.KeyName, Problem: fmt.Sprintf("cannot parse %q as %s", pe.Value, pe.TypeName)}
		}
		return nil, fmt.Errorf("config: %w", err)
	}
	if o.DB != "" {
		c.DB = o.DB
	}
	var errs []error
	for _, f := range fields() {
		if !f.secret {
			continue
		}
		fileVar := Prefix + "_" + f.name + "_FILE"
		path, ok := lookup(fileVar)
		if !ok || path == "" {
			continue
		}
		v := reflect.ValueOf(&c).Elem().FieldByName(f.goName)
		if v.String() != "" {
			errs = append(errs, &FieldError{Var: fileVar, Problem: fmt.Sprintf("set together with %s_%s: choose one", Prefix, f.name)})
			continue
		}
		b, err := os.ReadFile(path)
		if err != nil {
			errs = append(errs, &FieldError{Var: fileVar, Problem: fmt.Sprintf("cannot read secret file: %v", err)})
			continue
		}
		v.SetString(strings.TrimRight(string(b), "\r\n"))
	}
	// An unreadable secret file leaves a Config that can still be validated,
	// so that every problem is reported at once.
	return &c, errors.Join(errs...)
}

// complete applies the defaults taken from other settings (the SMTP login is
// the IMAP one unless set), then validates.
func (c *Config) complete() error {
	if c.SMTPUsername == "" {
		c.SMTPUsername = c.IMAPUsername
	}
	if c.SMTPPassword == "" {
		c.SMTPPassword = c.IMAPPassword
	}
	return c.Validate()
}

// Validate checks every value and resolves Location. All problems are
// reported at once, each naming its variable.
func (c *Config) Validate() error {
	var errs []error
	bad := func(name, format string, args ...any) {
		errs = append(errs, &FieldError{Var: Prefix + "_" + name, Problem: fmt.Sprintf(format, args...)})
	}
	oneOf := func(name, v string, allowed ...string) bool {
		for _, a := range allowed {
			if v == a {
				return true
			}
		}
		bad(name, "unknown value %q (want one of %s)", v, strings.Join(allowed, ", "))
		return false
	}

	oneOf("MODE", c.Mode, string(domain.ModeReview), string(domain.ModeAuto), string(domain.ModeDryRun))
	oneOf("LOG_FORMAT", c.LogFormat, "text", "json")
	oneOf("LOG_LEVEL", c.LogLevel, "debug", "info", "warn", "error")

	checkServer(bad, oneOf, "IMAP", c.IMAPAddr, c.IMAPTLS, c.IMAPInsecure, true)
	if c.IMAPUsername == "" {
		bad("IMAP_USERNAME", "must not be empty")
	}
	if oneOf("IMAP_AUTH", c.IMAPAuth, "plain", "xoauth2") {
		switch c.IMAPAuth {
		case "plain":
			if c.IMAPPassword == "" {
				bad("IMAP_PASSWORD", "must not be empty (or set RELANCE_IMAP_PASSWORD_FILE)")
			}
		case "xoauth2":
			if c.IMAPTokenFile == "" {
				bad("IMAP_TOKEN_FILE", "must name the OAuth2 token file when RELANCE_IMAP_AUTH=xoauth2")
			} else if _, err := os.Stat(c.IMAPTokenFile); err != nil {
				bad("IMAP_TOKEN_FILE", "cannot read token file: %v", err)
			}
		}
	}
	if c.PassInterval < time.Second {
		bad("PASS_INTERVAL", "must be at least 1s, got %s", c.PassInterval)
	}
	if c.IMAPPollInterval < time.Second {
		bad("IMAP_POLL_INTERVAL", "must be at least 1s, got %s", c.IMAPPollInterval)
	}

	checkServer(bad, oneOf, "SMTP", c.SMTPAddr, c.SMTPTLS, c.SMTPInsecure, domain.Mode(c.Mode) != domain.ModeDryRun)
	if c.SMTPAuth == "" {
		c.SMTPAuth = SMTPAuthAuto // a Config built in code, or the variable set empty
	}
	if oneOf("SMTP_AUTH", c.SMTPAuth, SMTPAuthAuto, SMTPAuthPlain, SMTPAuthLogin, SMTPAuthXOAuth2, SMTPAuthNone) && domain.Mode(c.Mode) != domain.ModeDryRun {
		switch c.SMTPAuth {
		case SMTPAuthPlain, SMTPAuthLogin, SMTPAuthXOAuth2:
			if c.SMTPUsername == "" {
				bad("SMTP_USERNAME", "must not be empty when RELANCE_SMTP_AUTH=%s", c.SMTPAuth)
			}
		}
		switch c.SMTPAuth {
		case SMTPAuthPlain, SMTPAuthLogin:
			if c.SMTPPassword == "" {
				bad("SMTP_PASSWORD", "must not be empty when RELANCE_SMTP_AUTH=%s (or set RELANCE_SMTP_PASSWORD_FILE; with an OAuth2 token use RELANCE_SMTP_AUTH=xoauth2)", c.SMTPAuth)
			}
		case SMTPAuthXOAuth2:
			if c.IMAPTokenFile == "" {
				bad("SMTP_AUTH", "xoauth2 logs in with the OAuth2 token of RELANCE_IMAP_TOKEN_FILE, which is not set")
			} else if c.IMAPAuth != "xoauth2" {
				if _, err := os.Stat(c.IMAPTokenFile); err != nil {
					bad("IMAP_TOKEN_FILE", "cannot read token file (RELANCE_SMTP_AUTH=xoauth2): %v", err)
				}
			}
		}
	}

	if c.From == "" {
		bad("FROM", "must not be empty (the address reminders are sent from)")
	} else if _, err := mail.ParseAddress(c.From); err != nil {
		bad("FROM", "not a mail address: %v", err)
	}
	if c.NotifyTo != "" {
		if _, err := mail.ParseAddressList(c.NotifyTo); err != nil {
			bad("NOTIFY_TO", "not a mail address list: %v", err)
		}
	}
	if strings.TrimSpace(c.DB) == "" {
		bad("DB", "must not be empty (path of the SQLite file, or a postgres:// URL)")
	} else if IsPostgresURL(c.DB) {
		if problem := postgresURLProblem(c.DB); problem != "" {
			bad("DB", "%s", problem)
		}
	}
	if host, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
		bad("HTTP_ADDR", "not a host:port address: %v", err)
	} else if !isLoopback(host) && c.HTTPToken == "" {
		bad("HTTP_TOKEN", "must be set when RELANCE_HTTP_ADDR (%s) is not a loopback address (or set RELANCE_HTTP_TOKEN_FILE)", c.HTTPAddr)
	}
	if c.Timezone == "" {
		bad("TIMEZONE", "must not be empty (an IANA name such as Europe/Paris)")
	} else if loc, err := time.LoadLocation(c.Timezone); err != nil {
		bad("TIMEZONE", "unknown time zone %q", c.Timezone)
	} else {
		c.Location = loc
	}
	if c.PaymentsConfig != "" {
		if _, err := os.Stat(c.PaymentsConfig); err != nil {
			bad("PAYMENTS_CONFIG", "cannot read payments configuration: %v", err)
		}
	}
	if c.PolicyFile != "" {
		if _, err := os.Stat(c.PolicyFile); err != nil {
			bad("POLICY_FILE", "cannot read policy file: %v", err)
		}
	}
	return errors.Join(errs...)
}

func checkServer(bad func(string, string, ...any), oneOf func(string, string, ...string) bool, proto, addr, tlsMode string, insecure, required bool) {
	if addr == "" {
		if required {
			bad(proto+"_ADDR", "must not be empty (host:port of the %s server)", proto)
		}
	} else if host, port, err := net.SplitHostPort(addr); err != nil || host == "" || port == "" {
		bad(proto+"_ADDR", "not a host:port address: %q", addr)
	} else if oneOf(proto+"_TLS", tlsMode, TLSImplicit, TLSStartTLS, TLSNone) && tlsMode == TLSNone && !insecure && !isLoopback(host) {
		bad(proto+"_TLS", "plaintext (none) to non-loopback host %q: use implicit or starttls, or set RELANCE_%s_INSECURE=true", host, proto)
	}
}

// IsLoopback reports whether host names this machine's loopback interface.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// IsLoopback is exported for the components that enforce the same rule.
func IsLoopback(host string) bool { return isLoopback(host) }

type field struct {
	name, goName, desc, def string
	secret                  bool
}

func fields() []field {
	t := reflect.TypeOf(Config{})
	var out []field
	for i := range t.NumField() {
		f := t.Field(i)
		name := f.Tag.Get("envconfig")
		if name == "" {
			continue
		}
		out = append(out, field{name: name, goName: f.Name, desc: f.Tag.Get("desc"), def: f.Tag.Get("default"), secret: f.Tag.Get("secret") == "true"})
	}
	return out
}

// KnownVars lists every variable relance reads, with its _FILE variants.
func KnownVars() []string {
	var out []string
	for _, f := range fields() {
		out = append(out, Prefix+"_"+f.name)
		if f.secret {
			out = append(out, Prefix+"_"+f.name+"_FILE")
		}
	}
	return out
}

func unknownVars(environ []string) []string {
	known := map[string]bool{}
	for _, k := range KnownVars() {
		known[k] = true
	}
	var out []string
	for _, kv := range environ {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, Prefix+"_") && !known[k] {
			out = append(out, fmt.Sprintf("%s is not a relance variable (typo?); it is ignored", k))
		}
	}
	sort.Strings(out)
	return out
}

// Entry is one line of the effective configuration.
type Entry struct {
	Var, Value, Desc string
}

// Effective lists every variable with its effective value, secrets masked.
func (c *Config) Effective() []Entry {
	v := reflect.ValueOf(c).Elem()
	var out []Entry
	for _, f := range fields() {
		fv := v.FieldByName(f.goName)
		var s string
		switch x := fv.Interface().(type) {
		case Secret:
			s = x.String()
			if s == "" {
				s = "(unset)"
			}
		case []string:
			s = strings.Join(x, ",")
		default:
			s = fmt.Sprint(x)
		}
		if f.name == "DB" {
			s = RedactDB(s)
		}
		out = append(out, Entry{Var: Prefix + "_" + f.name, Value: s, Desc: f.desc})
	}
	return out
}

// LogValue keeps secrets out of logs when a whole Config is logged.
func (c *Config) LogValue() slog.Value {
	var attrs []slog.Attr
	for _, e := range c.Effective() {
		attrs = append(attrs, slog.String(e.Var, e.Value))
	}
	return slog.GroupValue(attrs...)
}

// String and GoString print the effective configuration: a Config printed
// whole (%v, %+v, %#v) shows no secret, nor the password of a database URL.
func (c *Config) String() string {
	var b strings.Builder
	for i, e := range c.Effective() {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(e.Var + "=" + e.Value)
	}
	return b.String()
}

// GoString covers %#v.
func (c *Config) GoString() string { return "config.Config{" + c.String() + "}" }

// IsPostgresURL reports whether a RELANCE_DB value names a PostgreSQL
// database (a postgres:// or postgresql:// URL) rather than a SQLite file.
func IsPostgresURL(db string) bool {
	l := strings.ToLower(strings.TrimSpace(db))
	return strings.HasPrefix(l, "postgres://") || strings.HasPrefix(l, "postgresql://")
}

// RedactDB is a RELANCE_DB value as it may be shown or logged: a
// PostgreSQL URL with its password (in the user part or in the query)
// masked, a file path as it is.
func RedactDB(db string) string {
	if !IsPostgresURL(db) {
		return db
	}
	u, err := url.Parse(strings.TrimSpace(db))
	if err != nil {
		return "postgres://(unreadable URL)"
	}
	// url.URL.Redacted's mask, which needs no escaping in a URL.
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// postgresURLProblem says what is wrong with a PostgreSQL URL, without
// quoting it (it may hold a password); empty when it names a database.
func postgresURLProblem(db string) string {
	u, err := url.Parse(strings.TrimSpace(db))
	switch {
	case err != nil:
		return "not a valid postgres:// URL (postgres://USER:PASSWORD@HOST:PORT/DATABASE)"
	case u.Hostname() == "" && u.Query().Get("host") == "":
		return "the postgres:// URL names no host (postgres://USER:PASSWORD@HOST:PORT/DATABASE)"
	case strings.Trim(u.Path, "/") == "":
		return "the postgres:// URL names no database (postgres://USER:PASSWORD@HOST:PORT/DATABASE)"
	}
	return ""
}

// Logger builds the process logger from LOG_FORMAT and LOG_LEVEL.
func (c *Config) Logger(w interface{ Write([]byte) (int, error) }) *slog.Logger {
	return NewLogger(w, c.LogFormat, c.LogLevel)
}

// NewLogger builds a logger; unknown values fall back to text/info.
func NewLogger(w interface{ Write([]byte) (int, error) }, format, level string) *slog.Logger {
	var lv slog.Level
	switch level {
	case "debug":
		lv = slog.LevelDebug
	case "warn":
		lv = slog.LevelWarn
	case "error":
		lv = slog.LevelError
	default:
		lv = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: lv}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
