package config

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// IMAP_INSECURE and SMTP_INSECURE are what let plaintext (TLS none) go to
// a host beyond loopback; without them such a configuration is refused,
// naming the variable.
func TestPlaintextNeedsInsecure(t *testing.T) {
	for _, proto := range []string{"IMAP", "SMTP"} {
		env := valid()
		env["RELANCE_"+proto+"_ADDR"] = "192.0.2.10:25"
		env["RELANCE_"+proto+"_TLS"] = "none"
		_, _, err := load(os.LookupEnv, setEnv(t, env), Overrides{})
		if err == nil || !strings.Contains(err.Error(), "RELANCE_"+proto+"_TLS") || !strings.Contains(err.Error(), proto+"_INSECURE") {
			t.Errorf("%s plaintext to a remote host: err = %v, want a refusal naming %s_TLS and %s_INSECURE", proto, err, proto, proto)
		}
		env["RELANCE_"+proto+"_INSECURE"] = "true"
		c, _, err := load(os.LookupEnv, setEnv(t, env), Overrides{})
		if err != nil {
			t.Errorf("%s plaintext with %s_INSECURE=true: %v", proto, proto, err)
			continue
		}
		if (proto == "IMAP" && (!c.IMAPInsecure || c.IMAPTLS != TLSNone)) || (proto == "SMTP" && (!c.SMTPInsecure || c.SMTPTLS != TLSNone)) {
			t.Errorf("%s: %+v", proto, c)
		}
	}
}

// LOG_FORMAT chooses text or JSON lines; LOG_LEVEL drops what is below it.
func TestLogSettings(t *testing.T) {
	for _, c := range []struct {
		format, level string
		json, info    bool
	}{
		{"text", "info", false, true},
		{"json", "info", true, true},
		{"json", "warn", true, false},
		{"text", "error", false, false},
	} {
		env := valid()
		env["RELANCE_LOG_FORMAT"], env["RELANCE_LOG_LEVEL"] = c.format, c.level
		cfg, _, err := load(os.LookupEnv, setEnv(t, env), Overrides{})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		log := cfg.Logger(&buf)
		log.Info("an info line")
		log.Error("an error line")
		lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
		if got := strings.Contains(buf.String(), "an info line"); got != c.info {
			t.Errorf("%s/%s: info logged = %v, want %v:\n%s", c.format, c.level, got, c.info, buf.String())
		}
		if !strings.Contains(buf.String(), "an error line") {
			t.Errorf("%s/%s: error not logged", c.format, c.level)
		}
		for _, l := range lines {
			var v map[string]any
			if isJSON := json.Unmarshal([]byte(l), &v) == nil; isJSON != c.json {
				t.Errorf("%s: line %q is JSON: %v", c.format, l, isJSON)
			}
		}
	}
}

// SMTP_PASSWORD_FILE gives the SMTP password (instead of the IMAP one it
// defaults to); it cannot be set together with SMTP_PASSWORD.
func TestSMTPPasswordFile(t *testing.T) {
	pw := filepath.Join(t.TempDir(), "smtp")
	if err := os.WriteFile(pw, []byte("smtp-from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := valid()
	env["RELANCE_SMTP_PASSWORD_FILE"] = pw
	c, _, err := load(os.LookupEnv, setEnv(t, env), Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTPPassword.Reveal() != "smtp-from-file" || c.IMAPPassword.Reveal() == "smtp-from-file" {
		t.Errorf("SMTP password not read from its file")
	}
	env["RELANCE_SMTP_PASSWORD"] = "direct"
	if _, _, err := load(os.LookupEnv, setEnv(t, env), Overrides{}); err == nil || !strings.Contains(err.Error(), "RELANCE_SMTP_PASSWORD_FILE") {
		t.Errorf("both set: err = %v", err)
	}
}
