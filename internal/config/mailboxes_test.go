package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// processBase is what the environment holds beside a mailboxes file: the
// settings every mailbox shares, no account.
func processBase(t *testing.T, env map[string]string) *Config {
	t.Helper()
	setEnv(t, env)
	c, err := read(os.LookupEnv, Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestMailboxesTakeTheProcessValuesTheyLeaveOut(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(dir, "dupuis.pw")
	if err := os.WriteFile(pw, []byte("dupuis-sentinel-Secr3t\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	base := processBase(t, map[string]string{
		"RELANCE_SMTP_ADDR": "smtp.example.fr:587",
		"RELANCE_TIMEZONE":  "Europe/Brussels",
		"RELANCE_MODE":      "auto",
	})
	file := `{"mailboxes": [
	  {"name": "menuiserie-dupuis", "IMAP_ADDR": "imap.dupuis.fr:993", "IMAP_USERNAME": "factures@dupuis.fr",
	   "IMAP_PASSWORD_FILE": "` + pw + `", "FROM": "Menuiserie Dupuis <factures@dupuis.fr>",
	   "BUSINESS_SIREN": "123456789", "PASS_INTERVAL": "2m", "THANK_YOU": false, "IMAP_EXTRA_FOLDERS": ["Factures", "Archives"]},
	  {"name": "garage-2", "IMAP_ADDR": "imap.garage.fr:993", "IMAP_USERNAME": "compta@garage.fr", "IMAP_PASSWORD": "g-pw",
	   "FROM": "compta@garage.fr", "SMTP_ADDR": "smtp.garage.fr:465", "SMTP_TLS": "implicit", "TIMEZONE": "Europe/Paris", "MODE": "review"}
	]}`
	got, err := parseMailboxes("mailboxes.json", []byte(file), base)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Name != "menuiserie-dupuis" || got[1].Name != "garage-2" {
		t.Fatalf("mailboxes %+v", got)
	}
	d, g := got[0].Config, got[1].Config
	checks := []struct {
		what      string
		got, want any
	}{
		{"dupuis IMAP password from its file", d.IMAPPassword.Reveal(), "dupuis-sentinel-Secr3t"},
		{"dupuis SMTP login defaults to its own IMAP login", d.SMTPUsername, "factures@dupuis.fr"},
		{"dupuis SMTP password defaults to its own IMAP password", d.SMTPPassword.Reveal(), "dupuis-sentinel-Secr3t"},
		{"dupuis SMTP server from the process", d.SMTPAddr, "smtp.example.fr:587"},
		{"dupuis time zone from the process", d.Location.String(), "Europe/Brussels"},
		{"dupuis mode from the process", d.Mode, "auto"},
		{"dupuis default left to the built-in one", d.IMAPTLS, "implicit"},
		{"dupuis duration", d.PassInterval, 2 * time.Minute},
		{"dupuis boolean", d.ThankYou, false},
		{"dupuis list", strings.Join(d.IMAPExtraFolders, "|"), "Factures|Archives"},
		{"dupuis SIREN", d.BusinessSIREN, "123456789"},
		{"garage its own SMTP server", g.SMTPAddr, "smtp.garage.fr:465"},
		{"garage its own time zone", g.Location.String(), "Europe/Paris"},
		{"garage its own mode", g.Mode, "review"},
		{"garage keeps the built-in THANK_YOU", g.ThankYou, true},
		{"garage SIREN not taken from another mailbox", g.BusinessSIREN, ""},
		{"garage list not shared", len(g.IMAPExtraFolders), 0},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.what, c.got, c.want)
		}
	}
}

func TestMailboxesFileErrorsNameTheMailboxAndTheKey(t *testing.T) {
	base := processBase(t, map[string]string{"RELANCE_SMTP_ADDR": "smtp.example.fr:587"})
	account := `"IMAP_ADDR": "imap.example.fr:993", "IMAP_USERNAME": "a@example.fr", "IMAP_PASSWORD": "x", "FROM": "a@example.fr"`
	cases := []struct {
		name, file string
		want       []string
	}{
		{"not JSON", `{"mailboxes": [`, []string{"mailboxes.json: not a mailboxes file"}},
		{"unknown top-level key", `{"mailbox": []}`, []string{"mailboxes.json: not a mailboxes file"}},
		{"empty", `{"mailboxes": []}`, []string{"mailboxes.json: lists no mailbox"}},
		{"no name", `{"mailboxes": [{` + account + `}]}`, []string{"mailbox #1: name: missing"}},
		{"bad name", `{"mailboxes": [{"name": "Dupuis & fils", ` + account + `}]}`, []string{`mailbox #1: name: "Dupuis & fils" is not a mailbox name`}},
		{"missing key", `{"mailboxes": [{"name": "a", "IMAP_USERNAME": "a@example.fr", "IMAP_PASSWORD": "x", "FROM": "a@example.fr"}]}`,
			[]string{"mailbox a: IMAP_ADDR: must not be empty"}},
		{"unknown key", `{"mailboxes": [{"name": "a", "IMAP_ADRESS": "x", ` + account + `}]}`, []string{"mailbox a: IMAP_ADRESS: not a relance setting"}},
		{"process key", `{"mailboxes": [{"name": "a", "DB": "a.db", ` + account + `}]}`, []string{"mailbox a: DB: belongs to the whole process"}},
		{"process secret file", `{"mailboxes": [{"name": "a", "HTTP_TOKEN_FILE": "/t", ` + account + `}]}`, []string{"mailbox a: HTTP_TOKEN_FILE: belongs to the whole process"}},
		{"bad value", `{"mailboxes": [{"name": "a", "PASS_INTERVAL": "often", ` + account + `}]}`, []string{`mailbox a: PASS_INTERVAL: cannot parse "often" as a duration`}},
		{"bad type", `{"mailboxes": [{"name": "a", "IMAP_ADDR": {"host": "x"}, "IMAP_USERNAME": "a@example.fr", "IMAP_PASSWORD": "x", "FROM": "a@example.fr"}]}`,
			[]string{"mailbox a: IMAP_ADDR: {"}},
		{"secret twice", `{"mailboxes": [{"name": "a", "IMAP_PASSWORD_FILE": "/x", ` + account + `}]}`, []string{"mailbox a: IMAP_PASSWORD_FILE: set together with IMAP_PASSWORD"}},
		{"unreadable secret", `{"mailboxes": [{"name": "a", "IMAP_ADDR": "imap.example.fr:993", "IMAP_USERNAME": "a@example.fr", "IMAP_PASSWORD_FILE": "/nonexistent/pw", "FROM": "a@example.fr"}]}`,
			[]string{"mailbox a: IMAP_PASSWORD_FILE: cannot read secret file"}},
		{"same name twice", `{"mailboxes": [{"name": "a", ` + account + `}, {"name": "a", "IMAP_ADDR": "imap.b.fr:993", "IMAP_USERNAME": "b@b.fr", "IMAP_PASSWORD": "x", "FROM": "b@b.fr"}]}`,
			[]string{"mailbox a: name: used by two mailboxes"}},
		{"same account twice", `{"mailboxes": [{"name": "a", ` + account + `}, {"name": "b", ` + account + `}]}`,
			[]string{"mailbox b: IMAP_USERNAME: the same IMAP account as mailbox a"}},
		{"every problem at once", `{"mailboxes": [{"name": "a", "MODE": "loud", ` + account + `}, {"name": "b", "IMAP_ADDR": "nowhere", "IMAP_USERNAME": "b@b.fr", "IMAP_PASSWORD": "x", "FROM": "b@b.fr"}]}`,
			[]string{`mailbox a: MODE: unknown value "loud"`, `mailbox b: IMAP_ADDR: not a host:port address`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := parseMailboxes("mailboxes.json", []byte(c.file), base)
			if err == nil {
				t.Fatalf("accepted: %+v", got)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "sentinel") {
				t.Errorf("error shows a secret: %v", err)
			}
		})
	}
}

func TestLoadMailboxesReadsTheFileAndTheEnvironment(t *testing.T) {
	setEnv(t, map[string]string{"RELANCE_SMTP_ADDR": "smtp.example.fr:587", "RELANCE_IMAP_PASSWORD": "shared-pw"})
	path := filepath.Join(t.TempDir(), "mailboxes.json")
	if err := os.WriteFile(path, []byte(`{"mailboxes": [{"name": "solo", "IMAP_ADDR": "imap.solo.fr:993", "IMAP_USERNAME": "s@solo.fr", "FROM": "s@solo.fr"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := LoadMailboxes(path, Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Config.IMAPPassword.Reveal() != "shared-pw" {
		t.Fatalf("got %+v", got)
	}
	if _, err := LoadMailboxes(filepath.Join(t.TempDir(), "missing.json"), Overrides{}); err == nil || !strings.Contains(err.Error(), "missing.json: cannot read") {
		t.Errorf("missing file: %v", err)
	}
}

// Each mailbox keeps its data beside the process's database: the default
// mailbox in RELANCE_DB itself (how a single-mailbox database becomes the
// default mailbox in place), the others in a file of their own or, with
// PostgreSQL, a schema of their own in the same database.
func TestMailboxDB(t *testing.T) {
	for _, c := range []struct{ db, name, want string }{
		{"/var/lib/relance/relance.db", DefaultMailbox, "/var/lib/relance/relance.db"},
		{"/var/lib/relance/relance.db", "menuiserie-dupuis", "/var/lib/relance/mailboxes/menuiserie-dupuis.db"},
		{"relance.db", "a1", "mailboxes/a1.db"},
		{"postgres://relance:pw@db:5432/relance", DefaultMailbox, "postgres://relance:pw@db:5432/relance"},
		{"postgres://relance:pw@db:5432/relance?sslmode=disable", "menuiserie-dupuis", "postgres://relance:pw@db:5432/relance?search_path=relance_menuiserie_dupuis&sslmode=disable"},
	} {
		if got := MailboxDB(c.db, c.name); got != c.want {
			t.Errorf("MailboxDB(%q, %q) = %q, want %q", c.db, c.name, got, c.want)
		}
	}
}

// RELANCE_MAILBOXES_FILE alone may describe every mailbox: the environment
// gives what they share (here the SMTP server, the database and the web
// address), each entry what is its own, and the documented example loads.
func TestLoadFleetFromTheExample(t *testing.T) {
	dir := t.TempDir()
	example, err := os.ReadFile("../../config/mailboxes.example.json")
	if err != nil {
		t.Fatal(err)
	}
	// The example's secrets live in /run/secrets; here in a temporary directory.
	for _, name := range []string{"menuiserie-dupuis-imap", "boulangerie-martin-imap"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("pw-"+name+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "mailboxes.json")
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(string(example), "/run/secrets", dir)), 0o600); err != nil {
		t.Fatal(err)
	}
	setEnv(t, map[string]string{"RELANCE_MAILBOXES_FILE": path, "RELANCE_DB": filepath.Join(dir, "relance.db"),
		"RELANCE_HTTP_ADDR": "127.0.0.1:9999"})
	process, mailboxes, err := LoadFleet(Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	if process.HTTPAddr != "127.0.0.1:9999" || process.DB != filepath.Join(dir, "relance.db") {
		t.Errorf("process settings: %s %s", process.HTTPAddr, process.DB)
	}
	if len(mailboxes) != 2 {
		t.Fatalf("mailboxes: %+v", mailboxes)
	}
	m := mailboxes[0]
	if m.Name != "menuiserie-dupuis" || m.Config.IMAPPassword.Reveal() != "pw-menuiserie-dupuis-imap" ||
		m.Config.DB != filepath.Join(dir, "mailboxes", "menuiserie-dupuis.db") || m.Config.Location == nil {
		t.Errorf("first mailbox: %s %s %v", m.Name, m.Config.DB, m.Config.Location)
	}
	if mailboxes[1].Config.Mode != "dry-run" || mailboxes[0].Config.Mode != "review" {
		t.Errorf("modes: %s %s", mailboxes[0].Config.Mode, mailboxes[1].Config.Mode)
	}
	t.Setenv("RELANCE_MAILBOXES_FILE", "")
	if _, _, err := LoadFleet(Overrides{}); err == nil || !strings.Contains(err.Error(), "RELANCE_MAILBOXES_FILE") {
		t.Errorf("no file: %v", err)
	}
}
