package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// DefaultMailbox names the one mailbox served when no mailboxes file is
// given: the RELANCE_* variables alone describe it.
const DefaultMailbox = "default"

// Mailbox is one business served by the process: its name and its
// effective configuration.
type Mailbox struct {
	Name   string
	Config *Config
}

// processSettings belong to the process, not to a mailbox: one database,
// one web listener and its token, one log. A mailboxes file that sets one
// of them is refused, so that nobody believes a mailbox has its own.
var processSettings = map[string]bool{
	"DB":             true,
	"MAILBOXES_FILE": true,
	"REPLICA_ID":     true,
	"HTTP_ADDR":      true,
	"HTTP_TOKEN":     true,
	"LOG_FORMAT":     true,
	"LOG_LEVEL":      true,
}

// mailboxName is what a mailbox may be called: it appears in URLs, metric
// labels and the CLI's --mailbox, so it is kept to one plain word.
var mailboxName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// MailboxError is one problem of a mailboxes file, naming the file, the
// mailbox (its name, or its position when it has none) and the key.
type MailboxError struct {
	File    string
	Mailbox string
	Key     string // without the RELANCE_ prefix; empty for the entry as a whole
	Problem string
}

func (e *MailboxError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Mailbox != "" {
		fmt.Fprintf(&b, ": mailbox %s", e.Mailbox)
	}
	if e.Key != "" {
		b.WriteString(": " + e.Key)
	}
	b.WriteString(": " + e.Problem)
	return b.String()
}

// LoadMailboxes reads a mailboxes file (RELANCE_MAILBOXES_FILE):
//
//	{"mailboxes": [{"name": "menuiserie-dupuis", "IMAP_ADDR": "…", "IMAP_PASSWORD_FILE": "…", "FROM": "…"}, …]}
//
// The keys of an entry are the variable names without the RELANCE_ prefix,
// so one documentation serves both; a key an entry leaves out takes the
// process's RELANCE_* value. Every problem of
// every entry is reported at once, each naming its mailbox and key.
func LoadMailboxes(path string, o Overrides) ([]Mailbox, error) {
	_, mailboxes, err := loadMailboxes(path, o)
	return mailboxes, err
}

// LoadFleet is the configuration of a process serving the mailboxes of
// RELANCE_MAILBOXES_FILE: the process's own settings (database, web
// address and token, logs: RELANCE_* with their defaults, which every
// mailbox shares and validates) and each mailbox's. The environment need
// not describe a mailbox itself: RELANCE_IMAP_ADDR and the other required
// settings may all come from the file.
func LoadFleet(o Overrides) (*Config, []Mailbox, error) {
	path, _ := os.LookupEnv(Prefix + "_MAILBOXES_FILE")
	if strings.TrimSpace(path) == "" {
		return nil, nil, &FieldError{Var: Prefix + "_MAILBOXES_FILE", Problem: "not set"}
	}
	return loadMailboxes(path, o)
}

func loadMailboxes(path string, o Overrides) (*Config, []Mailbox, error) {
	base, err := read(os.LookupEnv, o)
	if base == nil {
		return nil, nil, err
	}
	data, rerr := os.ReadFile(path)
	if rerr != nil {
		return nil, nil, errors.Join(err, &MailboxError{File: path, Problem: fmt.Sprintf("cannot read: %v", rerr)})
	}
	mailboxes, perr := parseMailboxes(path, data, base)
	if err := errors.Join(err, perr); err != nil {
		return nil, nil, err
	}
	return base, mailboxes, nil
}

func parseMailboxes(path string, data []byte, base *Config) ([]Mailbox, error) {
	var doc struct {
		Mailboxes []map[string]json.RawMessage `json:"mailboxes"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, &MailboxError{File: path, Problem: fmt.Sprintf("not a mailboxes file (want {\"mailboxes\": [...]}): %v", err)}
	}
	if len(doc.Mailboxes) == 0 {
		return nil, &MailboxError{File: path, Problem: "lists no mailbox"}
	}
	var (
		out     []Mailbox
		errs    []error
		names   = map[string]bool{}
		account = map[string]string{} // IMAP server and login → the mailbox that has it
	)
	for i, entry := range doc.Mailboxes {
		m, err := parseMailbox(path, i, entry, base)
		if err != nil {
			errs = append(errs, err)
		}
		if m.Name == "" {
			continue
		}
		if names[m.Name] {
			errs = append(errs, &MailboxError{File: path, Mailbox: m.Name, Key: "name", Problem: "used by two mailboxes"})
			continue
		}
		names[m.Name] = true
		if err != nil {
			continue
		}
		// Two mailboxes on one account would each discover the same invoices
		// and chase them twice.
		key := strings.ToLower(m.Config.IMAPAddr + "\x00" + m.Config.IMAPUsername)
		if other, ok := account[key]; ok {
			errs = append(errs, &MailboxError{File: path, Mailbox: m.Name, Key: "IMAP_USERNAME", Problem: fmt.Sprintf("the same IMAP account as mailbox %s (%s on %s)", other, m.Config.IMAPUsername, m.Config.IMAPAddr)})
			continue
		}
		account[key] = m.Name
		out = append(out, m)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// parseMailbox lays one entry over a copy of base and completes it. The
// returned Mailbox carries the name whenever the entry has a valid one, so
// that duplicates are found even among entries with other faults.
func parseMailbox(path string, i int, entry map[string]json.RawMessage, base *Config) (Mailbox, error) {
	where := fmt.Sprintf("#%d", i+1)
	fail := func(key, format string, args ...any) error {
		return &MailboxError{File: path, Mailbox: where, Key: key, Problem: fmt.Sprintf(format, args...)}
	}
	var m Mailbox
	raw, ok := entry["name"]
	if !ok {
		return m, fail("name", "missing (each mailbox needs a name)")
	}
	var name string
	if err := json.Unmarshal(raw, &name); err != nil || !mailboxName.MatchString(name) {
		return m, fail("name", "%s is not a mailbox name (lower-case letters, digits and dashes, at most 63)", raw)
	}
	m.Name, where = name, name

	c := *base
	c.IMAPExtraFolders = append([]string(nil), base.IMAPExtraFolders...)
	byName := map[string]field{}
	for _, f := range fields() {
		byName[f.name] = f
	}
	keys := make([]string, 0, len(entry))
	for k := range entry {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var errs []error
	v := reflect.ValueOf(&c).Elem()
	for _, key := range keys {
		if key == "name" {
			continue
		}
		value, err := scalar(entry[key])
		if err != nil {
			errs = append(errs, fail(key, "%v", err))
			continue
		}
		if processSettings[strings.TrimSuffix(key, "_FILE")] {
			errs = append(errs, fail(key, "belongs to the whole process: set RELANCE_%s in the environment", key))
			continue
		}
		if secretName, isFile := strings.CutSuffix(key, "_FILE"); isFile {
			f, ok := byName[secretName]
			if !ok || !f.secret {
				errs = append(errs, fail(key, "not a relance setting"))
				continue
			}
			if _, both := entry[secretName]; both {
				errs = append(errs, fail(key, "set together with %s: choose one", secretName))
				continue
			}
			b, err := os.ReadFile(value)
			if err != nil {
				errs = append(errs, fail(key, "cannot read secret file: %v", err))
				continue
			}
			v.FieldByName(f.goName).SetString(strings.TrimRight(string(b), "\r\n"))
			continue
		}
		f, ok := byName[key]
		if !ok {
			errs = append(errs, fail(key, "not a relance setting"))
			continue
		}
		if err := setField(v.FieldByName(f.goName), value); err != nil {
			errs = append(errs, fail(key, "%v", err))
		}
	}
	// base is not completed, so an SMTP login left out everywhere defaults
	// here to this mailbox's IMAP one, not to the process's.
	if err := c.complete(); err != nil {
		var fe *FieldError
		for _, e := range unjoin(err) {
			if errors.As(e, &fe) {
				errs = append(errs, fail(strings.TrimPrefix(fe.Var, Prefix+"_"), "%s", fe.Problem))
			} else {
				errs = append(errs, fail("", "%v", e))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return m, err
	}
	c.DB = MailboxDB(base.DB, name)
	m.Config = &c
	return m, nil
}

// scalar turns a JSON value into the text an environment variable would
// hold: strings as they are, numbers and booleans as written, a list of
// strings joined by commas.
func scalar(raw json.RawMessage) (string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err == nil {
		return strings.Join(list, ","), nil
	}
	var x any
	if err := json.Unmarshal(raw, &x); err == nil {
		switch x.(type) {
		case bool, float64:
			return string(raw), nil
		}
	}
	return "", fmt.Errorf("%s is not a string, number, boolean or list of strings", raw)
}

// setField parses value as envconfig would for the field's type.
func setField(v reflect.Value, value string) error {
	switch v.Interface().(type) {
	case time.Duration:
		d, err := time.ParseDuration(value)
		if err != nil {
			return fmt.Errorf("cannot parse %q as a duration (e.g. 5m)", value)
		}
		v.SetInt(int64(d))
	case bool:
		b, err := strconv.ParseBool(value)
		if err != nil {
			return fmt.Errorf("cannot parse %q as true or false", value)
		}
		v.SetBool(b)
	case []string:
		var list []string
		for _, s := range strings.Split(value, ",") {
			if s = strings.TrimSpace(s); s != "" {
				list = append(list, s)
			}
		}
		v.Set(reflect.ValueOf(list))
	default:
		if v.Kind() != reflect.String {
			return fmt.Errorf("cannot be set from a mailboxes file")
		}
		v.SetString(value)
	}
	return nil
}

// unjoin lists the errors an errors.Join holds (or the error itself).
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// MailboxDB is where mailbox name keeps its data, given the process's
// RELANCE_DB. Each mailbox has a store of its own, so that nothing of one
// business (an invoice number, a client address, a cursor) can ever be
// read as another's. The default mailbox keeps RELANCE_DB itself, which is
// how a single-mailbox database becomes the "default" mailbox in place.
// Other mailboxes live beside it: with SQLite, a file NAME.db in the
// directory "mailboxes" next to the database file; with PostgreSQL, the
// schema relance_NAME (dashes as underscores) of the same database.
func MailboxDB(db, name string) string {
	if name == DefaultMailbox || name == "" {
		return db
	}
	if IsPostgresURL(db) {
		u, err := url.Parse(strings.TrimSpace(db))
		if err != nil {
			return db // refused by validation before any mailbox is opened
		}
		q := u.Query()
		q.Set("search_path", MailboxSchema(name))
		u.RawQuery = q.Encode()
		return u.String()
	}
	return filepath.Join(filepath.Dir(db), "mailboxes", name+".db")
}

// MailboxSchema is the PostgreSQL schema of mailbox name (see MailboxDB).
func MailboxSchema(name string) string {
	return "relance_" + strings.ReplaceAll(name, "-", "_")
}

// MailboxNames lists the mailboxes a process serves: those of the
// mailboxes file RELANCE_MAILBOXES_FILE names, or DefaultMailbox alone
// without one. Only the names are read, so that a command choosing a
// mailbox (--mailbox) works with the file alone.
func MailboxNames(lookup Getenv) ([]string, error) {
	path, _ := lookup(Prefix + "_MAILBOXES_FILE")
	if strings.TrimSpace(path) == "" {
		return []string{DefaultMailbox}, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &MailboxError{File: path, Problem: fmt.Sprintf("cannot read: %v", err)}
	}
	var doc struct {
		Mailboxes []struct {
			Name string `json:"name"`
		} `json:"mailboxes"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, &MailboxError{File: path, Problem: fmt.Sprintf("not a mailboxes file (want {\"mailboxes\": [...]}): %v", err)}
	}
	names := make([]string, 0, len(doc.Mailboxes))
	for _, m := range doc.Mailboxes {
		names = append(names, m.Name)
	}
	return names, nil
}
