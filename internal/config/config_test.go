package config

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// valid is a complete, valid environment; each case changes one thing.
func valid() map[string]string {
	return map[string]string{
		"RELANCE_IMAP_ADDR":     "imap.example.fr:993",
		"RELANCE_IMAP_USERNAME": "factures@example.fr",
		"RELANCE_IMAP_PASSWORD": "imap-sentinel-Secr3t",
		"RELANCE_SMTP_ADDR":     "smtp.example.fr:587",
		"RELANCE_FROM":          "Atelier <factures@example.fr>",
	}
}

func setEnv(t *testing.T, env map[string]string) []string {
	t.Helper()
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, Prefix+"_") {
			t.Setenv(k, "")
			os.Unsetenv(k)
		}
	}
	var environ []string
	for k, v := range env {
		t.Setenv(k, v)
		environ = append(environ, k+"="+v)
	}
	return environ
}

func TestValidConfigAndDefaults(t *testing.T) {
	environ := setEnv(t, valid())
	c, warnings, err := load(os.LookupEnv, environ, Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 0 {
		t.Errorf("warnings: %v", warnings)
	}
	checks := map[string][2]string{
		"HTTPAddr": {c.HTTPAddr, "127.0.0.1:8025"},
		"Timezone": {c.Timezone, "Europe/Paris"},
		"Mode":     {c.Mode, "review"},
		"IMAPTLS":  {c.IMAPTLS, "implicit"},
		"SMTPTLS":  {c.SMTPTLS, "starttls"},
		"SMTPUser": {c.SMTPUsername, "factures@example.fr"},
		"SMTPAuth": {c.SMTPAuth, "auto"},
		"DB":       {c.DB, "relance.db"},
	}
	for name, v := range checks {
		if v[0] != v[1] {
			t.Errorf("%s = %q, want %q", name, v[0], v[1])
		}
	}
	if c.Location == nil || c.Location.String() != "Europe/Paris" {
		t.Errorf("Location = %v", c.Location)
	}
	if c.SMTPPassword.Reveal() != "imap-sentinel-Secr3t" {
		t.Error("SMTP password does not default to the IMAP one")
	}
}

func TestValidationNamesTheVariable(t *testing.T) {
	cases := []struct {
		name    string
		set     map[string]string
		unset   []string
		wantVar string
		wantMsg string
	}{
		{"missing imap addr", nil, []string{"RELANCE_IMAP_ADDR"}, "RELANCE_IMAP_ADDR", "must not be empty"},
		{"empty imap addr", map[string]string{"RELANCE_IMAP_ADDR": ""}, nil, "RELANCE_IMAP_ADDR", "must not be empty"},
		{"bad imap addr", map[string]string{"RELANCE_IMAP_ADDR": "imap.example.fr"}, nil, "RELANCE_IMAP_ADDR", "host:port"},
		{"missing user", nil, []string{"RELANCE_IMAP_USERNAME"}, "RELANCE_IMAP_USERNAME", "must not be empty"},
		{"missing password", nil, []string{"RELANCE_IMAP_PASSWORD"}, "RELANCE_IMAP_PASSWORD", "must not be empty"},
		{"unknown imap tls", map[string]string{"RELANCE_IMAP_TLS": "ssl"}, nil, "RELANCE_IMAP_TLS", "unknown value"},
		{"plaintext imap remote", map[string]string{"RELANCE_IMAP_TLS": "none"}, nil, "RELANCE_IMAP_TLS", "non-loopback"},
		{"plaintext smtp remote", map[string]string{"RELANCE_SMTP_TLS": "none"}, nil, "RELANCE_SMTP_TLS", "non-loopback"},
		{"unknown smtp tls", map[string]string{"RELANCE_SMTP_TLS": "tls"}, nil, "RELANCE_SMTP_TLS", "unknown value"},
		{"missing smtp addr", nil, []string{"RELANCE_SMTP_ADDR"}, "RELANCE_SMTP_ADDR", "must not be empty"},
		{"bad smtp addr", map[string]string{"RELANCE_SMTP_ADDR": "smtp:"}, nil, "RELANCE_SMTP_ADDR", "host:port"},
		{"missing from", nil, []string{"RELANCE_FROM"}, "RELANCE_FROM", "must not be empty"},
		{"bad from", map[string]string{"RELANCE_FROM": "not an address"}, nil, "RELANCE_FROM", "not a mail address"},
		{"bad notify", map[string]string{"RELANCE_NOTIFY_TO": "@@"}, nil, "RELANCE_NOTIFY_TO", "not a mail address"},
		{"unknown tz", map[string]string{"RELANCE_TIMEZONE": "Europe/Lyon"}, nil, "RELANCE_TIMEZONE", "unknown time zone"},
		{"empty tz", map[string]string{"RELANCE_TIMEZONE": ""}, nil, "RELANCE_TIMEZONE", "must not be empty"},
		{"unknown mode", map[string]string{"RELANCE_MODE": "yolo"}, nil, "RELANCE_MODE", "unknown value"},
		{"bad http addr", map[string]string{"RELANCE_HTTP_ADDR": "8025"}, nil, "RELANCE_HTTP_ADDR", "host:port"},
		{"public http without token", map[string]string{"RELANCE_HTTP_ADDR": "0.0.0.0:8025"}, nil, "RELANCE_HTTP_TOKEN", "loopback"},
		{"bad duration", map[string]string{"RELANCE_IMAP_POLL_INTERVAL": "often"}, nil, "RELANCE_IMAP_POLL_INTERVAL", "cannot parse"},
		{"tiny poll", map[string]string{"RELANCE_IMAP_POLL_INTERVAL": "10ms"}, nil, "RELANCE_IMAP_POLL_INTERVAL", "at least"},
		{"bad bool", map[string]string{"RELANCE_IMAP_INSECURE": "maybe"}, nil, "RELANCE_IMAP_INSECURE", "cannot parse"},
		{"unknown log level", map[string]string{"RELANCE_LOG_LEVEL": "loud"}, nil, "RELANCE_LOG_LEVEL", "unknown value"},
		{"unknown log format", map[string]string{"RELANCE_LOG_FORMAT": "xml"}, nil, "RELANCE_LOG_FORMAT", "unknown value"},
		{"xoauth2 without token", map[string]string{"RELANCE_IMAP_AUTH": "xoauth2"}, nil, "RELANCE_IMAP_TOKEN_FILE", "must name"},
		{"unknown auth", map[string]string{"RELANCE_IMAP_AUTH": "cram"}, nil, "RELANCE_IMAP_AUTH", "unknown value"},
		{"missing password file", map[string]string{"RELANCE_SMTP_PASSWORD_FILE": "/nonexistent/pw"}, nil, "RELANCE_SMTP_PASSWORD_FILE", "cannot read"},
		{"both password and file", map[string]string{"RELANCE_IMAP_PASSWORD_FILE": "/etc/hostname"}, nil, "RELANCE_IMAP_PASSWORD_FILE", "choose one"},
		{"missing policy file", map[string]string{"RELANCE_POLICY_FILE": "/nonexistent/policy.json"}, nil, "RELANCE_POLICY_FILE", "cannot read"},
		{"empty db", map[string]string{"RELANCE_DB": " "}, nil, "RELANCE_DB", "must not be empty"},
		{"db url without host", map[string]string{"RELANCE_DB": "postgres:///relance"}, nil, "RELANCE_DB", "names no host"},
		{"db url without database", map[string]string{"RELANCE_DB": "postgresql://relance:pw@db.internal:5432/"}, nil, "RELANCE_DB", "names no database"},
		{"unreadable db url", map[string]string{"RELANCE_DB": "postgres://relance:pw@db.internal:port/relance"}, nil, "RELANCE_DB", "not a valid postgres:// URL"},
		{"unknown smtp auth", map[string]string{"RELANCE_SMTP_AUTH": "cram-md5"}, nil, "RELANCE_SMTP_AUTH", "unknown value"},
		{"smtp xoauth2 without token file", map[string]string{"RELANCE_SMTP_AUTH": "xoauth2"}, nil, "RELANCE_SMTP_AUTH", "RELANCE_IMAP_TOKEN_FILE"},
		{"smtp xoauth2 with a missing token file", map[string]string{"RELANCE_SMTP_AUTH": "xoauth2", "RELANCE_IMAP_TOKEN_FILE": "/nonexistent/token"}, nil,
			"RELANCE_IMAP_TOKEN_FILE", "cannot read"},
		{"smtp plain without password", map[string]string{"RELANCE_SMTP_AUTH": "plain", "RELANCE_IMAP_AUTH": "xoauth2", "RELANCE_IMAP_TOKEN_FILE": "/etc/hostname"},
			[]string{"RELANCE_IMAP_PASSWORD"}, "RELANCE_SMTP_PASSWORD", "must not be empty"},
		{"smtp login without password", map[string]string{"RELANCE_SMTP_AUTH": "login", "RELANCE_IMAP_AUTH": "xoauth2", "RELANCE_IMAP_TOKEN_FILE": "/etc/hostname"},
			[]string{"RELANCE_IMAP_PASSWORD"}, "RELANCE_SMTP_PASSWORD", "RELANCE_SMTP_AUTH=login"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := valid()
			for _, k := range c.unset {
				delete(env, k)
			}
			for k, v := range c.set {
				env[k] = v
			}
			environ := setEnv(t, env)
			_, _, err := load(os.LookupEnv, environ, Overrides{})
			if err == nil {
				t.Fatal("invalid configuration accepted")
			}
			if !strings.Contains(err.Error(), c.wantVar+":") || !strings.Contains(err.Error(), c.wantMsg) {
				t.Fatalf("error %q does not name %s with %q", err, c.wantVar, c.wantMsg)
			}
			if strings.Contains(err.Error(), "imap-sentinel-Secr3t") {
				t.Fatal("error leaks the password")
			}
		})
	}
}

func TestLoopbackPlaintextAllowed(t *testing.T) {
	for _, host := range []string{"127.0.0.1:143", "localhost:143", "[::1]:143"} {
		env := valid()
		env["RELANCE_IMAP_ADDR"] = host
		env["RELANCE_IMAP_TLS"] = "none"
		environ := setEnv(t, env)
		if _, _, err := load(os.LookupEnv, environ, Overrides{}); err != nil {
			t.Errorf("%s: %v", host, err)
		}
	}
	env := valid()
	env["RELANCE_IMAP_TLS"] = "none"
	env["RELANCE_IMAP_INSECURE"] = "true"
	if _, _, err := load(os.LookupEnv, setEnv(t, env), Overrides{}); err != nil {
		t.Errorf("explicit insecure: %v", err)
	}
}

func TestDryRunNeedsNoSMTP(t *testing.T) {
	env := valid()
	delete(env, "RELANCE_SMTP_ADDR")
	env["RELANCE_MODE"] = "dry-run"
	if _, _, err := load(os.LookupEnv, setEnv(t, env), Overrides{}); err != nil {
		t.Fatal(err)
	}
}

func TestSecretFiles(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(dir, "pw")
	if err := os.WriteFile(pw, []byte("file-sentinel-Pa55\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := valid()
	delete(env, "RELANCE_IMAP_PASSWORD")
	env["RELANCE_IMAP_PASSWORD_FILE"] = pw
	env["RELANCE_HTTP_TOKEN_FILE"] = pw
	c, warnings, err := load(os.LookupEnv, setEnv(t, env), Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 0 {
		t.Errorf("_FILE variables flagged as unknown: %v", warnings)
	}
	if c.IMAPPassword.Reveal() != "file-sentinel-Pa55" || c.HTTPToken.Reveal() != "file-sentinel-Pa55" {
		t.Fatalf("secret from file not read (trailing newline must be trimmed)")
	}
}

func TestUnknownVariablesWarn(t *testing.T) {
	env := valid()
	env["RELANCE_IMAP_PASWORD"] = "typo"
	env["RELANCE_TIMEZONE"] = "Europe/Paris"
	_, warnings, err := load(os.LookupEnv, setEnv(t, env), Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "RELANCE_IMAP_PASWORD") {
		t.Fatalf("warnings = %v", warnings)
	}
}

// Secrets never show in the effective configuration, fmt or logs.
func TestSecretsNeverPrinted(t *testing.T) {
	env := valid()
	env["RELANCE_HTTP_TOKEN"] = "token-sentinel-XYZ"
	env["RELANCE_SMTP_PASSWORD"] = "smtp-sentinel-QQQ"
	c, _, err := load(os.LookupEnv, setEnv(t, env), Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	for _, e := range c.Effective() {
		fmt.Fprintf(&buf, "%s=%s\n", e.Var, e.Value)
	}
	fmt.Fprintf(&buf, "%v %+v %#v %s\n", c, c, c, c.IMAPPassword)
	for _, format := range []string{"text", "json"} {
		l := NewLogger(&buf, format, "debug")
		l.Info("config", "config", c, "pw", c.IMAPPassword)
	}
	for _, secret := range []string{"imap-sentinel-Secr3t", "token-sentinel-XYZ", "smtp-sentinel-QQQ"} {
		if strings.Contains(buf.String(), secret) {
			t.Fatalf("secret %q printed:\n%s", secret, buf.String())
		}
	}
	if !strings.Contains(buf.String(), "RELANCE_IMAP_PASSWORD=********") {
		t.Fatalf("masked password not shown:\n%s", buf.String())
	}
}

// RELANCE_DB is a SQLite file or a PostgreSQL URL; the URL's password
// shows nowhere: not in the effective configuration, the config printed or
// logged whole, nor the error about a bad URL.
func TestDBURLPasswordNeverPrinted(t *testing.T) {
	for _, db := range []string{
		"postgres://relance:db-sentinel-PW1@db.internal:5432/relance?sslmode=require",
		"postgresql://relance@db.internal/relance?password=db-sentinel-PW1",
		"POSTGRES://relance:db-sentinel-PW1@db.internal/relance",
	} {
		env := valid()
		env["RELANCE_DB"] = db
		c, _, err := load(os.LookupEnv, setEnv(t, env), Overrides{})
		if err != nil {
			t.Fatalf("%s refused: %v", RedactDB(db), err)
		}
		if c.DB != db || !IsPostgresURL(c.DB) {
			t.Fatalf("DB = %q, want the URL as given", RedactDB(c.DB))
		}
		var buf bytes.Buffer
		for _, e := range c.Effective() {
			fmt.Fprintf(&buf, "%s=%s\n", e.Var, e.Value)
		}
		fmt.Fprintf(&buf, "%v %+v %#v %s\n", c, c, c, RedactDB(c.DB))
		for _, format := range []string{"text", "json"} {
			NewLogger(&buf, format, "debug").Info("config", "config", c)
		}
		if strings.Contains(buf.String(), "db-sentinel-PW1") {
			t.Fatalf("database password printed:\n%s", buf.String())
		}
		if !strings.Contains(buf.String(), "db.internal") {
			t.Fatalf("the database's host is not shown:\n%s", buf.String())
		}
	}
	env := valid()
	env["RELANCE_DB"] = "postgres://relance:db-sentinel-PW1@db.internal:port/relance"
	_, _, err := load(os.LookupEnv, setEnv(t, env), Overrides{})
	if err == nil || strings.Contains(err.Error(), "db-sentinel-PW1") || !strings.Contains(err.Error(), "RELANCE_DB:") {
		t.Fatalf("bad URL: error %v", err)
	}
	if got, want := RedactDB("postgres://u:p@h/db?password=q&sslmode=disable"), "postgres://u:xxxxx@h/db?password=xxxxx&sslmode=disable"; got != want {
		t.Errorf("RedactDB = %q, want %q", got, want)
	}
	if IsPostgresURL("/var/lib/relance/relance.db") || RedactDB("/var/lib/relance/relance.db") != "/var/lib/relance/relance.db" {
		t.Error("a file path is not left as it is")
	}
}

func TestExampleDocumentsEveryVariable(t *testing.T) {
	b, err := os.ReadFile("../../config/relance.env.example")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range KnownVars() {
		if !strings.Contains(string(b), v) {
			t.Errorf("config/relance.env.example does not document %s", v)
		}
	}
}

// The setups people have validate: Gmail or Microsoft 365 with one OAuth2
// token for IMAP and SMTP (no password anywhere), a local relay without
// AUTH, and each forced mode with what it needs.
func TestSMTPAuthSetups(t *testing.T) {
	token := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(token, []byte("ya29.test-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	oauth := func(smtpAuth string) map[string]string {
		env := valid()
		delete(env, "RELANCE_IMAP_PASSWORD")
		env["RELANCE_IMAP_AUTH"] = "xoauth2"
		env["RELANCE_IMAP_TOKEN_FILE"] = token
		if smtpAuth != "" {
			env["RELANCE_SMTP_AUTH"] = smtpAuth
		}
		return env
	}
	relay := valid()
	relay["RELANCE_SMTP_ADDR"] = "127.0.0.1:25"
	relay["RELANCE_SMTP_TLS"] = "none"
	relay["RELANCE_SMTP_AUTH"] = "none"
	smtpOnlyOAuth := valid()
	smtpOnlyOAuth["RELANCE_SMTP_AUTH"] = "xoauth2"
	smtpOnlyOAuth["RELANCE_IMAP_TOKEN_FILE"] = token
	cases := map[string]struct {
		env  map[string]string
		auth string
	}{
		"gmail, auto":           {oauth(""), "auto"},
		"microsoft 365, forced": {oauth("xoauth2"), "xoauth2"},
		"local relay":           {relay, "none"},
		"password, login":       {func() map[string]string { e := valid(); e["RELANCE_SMTP_AUTH"] = "login"; return e }(), "login"},
		"smtp only over oauth":  {smtpOnlyOAuth, "xoauth2"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			cfg, _, err := load(os.LookupEnv, setEnv(t, c.env), Overrides{})
			if err != nil {
				t.Fatal(err)
			}
			if cfg.SMTPAuth != c.auth {
				t.Errorf("SMTPAuth = %q, want %q", cfg.SMTPAuth, c.auth)
			}
		})
	}
}

// A command-line override wins over its variable; the zero value keeps it.
func TestOverridesWinOverVariables(t *testing.T) {
	env := valid()
	env["RELANCE_DB"] = "/var/lib/relance/env.db"
	environ := setEnv(t, env)
	c, _, err := load(os.LookupEnv, environ, Overrides{DB: "/tmp/flag.db"})
	if err != nil {
		t.Fatal(err)
	}
	if c.DB != "/tmp/flag.db" {
		t.Errorf("DB = %q with --db, want the flag's path", c.DB)
	}
	c, _, err = load(os.LookupEnv, environ, Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	if c.DB != "/var/lib/relance/env.db" {
		t.Errorf("DB = %q without --db, want RELANCE_DB's path", c.DB)
	}
}
