package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
)

// runCLIStdin is runCLI with stdin.
func runCLIStdin(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, &Env{Stdout: &out, Stderr: &errb, Stdin: strings.NewReader(stdin),
		Now: func() time.Time { return payNow }, Zone: time.UTC})
	return out.String(), errb.String(), code
}

// `relance users` adds accounts (password from a file or stdin), grants
// and revokes a mailbox of the mailboxes file with a role, refuses a
// mailbox the file does not list, and lists the accounts, in text and
// JSON, without ever printing a password or its hash.
func TestUsersCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "relance.db")
	mailboxes := filepath.Join(dir, "mailboxes.json")
	if err := os.WriteFile(mailboxes, []byte(`{"mailboxes": [{"name": "menuiserie-dupuis"}, {"name": "boulangerie-martin"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("RELANCE_MAILBOXES_FILE", mailboxes)
	pwFile := filepath.Join(dir, "pw")
	if err := os.WriteFile(pwFile, []byte("expert-comptable\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var printed strings.Builder
	run := func(stdin string, args ...string) (string, string, int) {
		t.Helper()
		out, errOut, code := runCLIStdin(t, stdin, append(args, "--db", db)...)
		printed.WriteString(out + errOut)
		return out, errOut, code
	}
	steps := []struct {
		stdin  string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"menuiserie-42\n", []string{"users", "add", "Marie@Dupuis.fr", "--name", "Marie Dupuis"}, ExitOK, "added account marie@dupuis.fr\n", ""},
		{"", []string{"users", "add", "cabinet", "--admin", "--name", "Cabinet Leroy", "--password-file", pwFile}, ExitOK,
			"added administrator account (sees every mailbox) cabinet\n", ""},
		{"boulangerie-77\r\n", []string{"users", "add", "paul"}, ExitOK, "added account paul\n", ""},
		{"another-one\n", []string{"users", "add", "paul"}, ExitError, "", "exists already"},
		{"", []string{"users", "add", "nopass"}, ExitError, "", "no password given"},
		{"short\n", []string{"users", "add", "shorty"}, ExitError, "", "a password needs 8 to 72 bytes"},
		{"", []string{"users", "grant", "marie@dupuis.fr", "menuiserie-dupuis", "owner"}, ExitOK,
			"marie@dupuis.fr is now owner of mailbox menuiserie-dupuis\n", ""},
		{"", []string{"users", "grant", "paul", "menuiserie-dupuis", "staff"}, ExitOK, "paul is now staff of mailbox menuiserie-dupuis\n", ""},
		{"", []string{"users", "grant", "paul", "boulangerie-martin", "staff"}, ExitOK, "paul is now staff of mailbox boulangerie-martin\n", ""},
		{"", []string{"users", "grant", "paul", "garage-inconnu", "staff"}, ExitError, "",
			`no mailbox "garage-inconnu" (mailboxes: menuiserie-dupuis, boulangerie-martin)`},
		{"", []string{"users", "grant", "paul", "menuiserie-dupuis", "boss"}, ExitError, "", `role "boss": want owner or staff`},
		{"", []string{"users", "grant", "nobody", "menuiserie-dupuis", "owner"}, ExitError, "", "no account with this login: nobody"},
		{"", []string{"users", "revoke", "paul", "menuiserie-dupuis"}, ExitOK, "paul no longer sees mailbox menuiserie-dupuis\n", ""},
		{"", []string{"users", "revoke", "paul", "menuiserie-dupuis"}, ExitError, "", "paul has no grant on menuiserie-dupuis"},
		{"", []string{"users", "revoke", "paul", "garage-inconnu"}, ExitError, "", `no mailbox "garage-inconnu"`},
		{"nouveau-secret-1\n", []string{"users", "passwd", "paul"}, ExitOK, "password of paul changed\n", ""},
		{"", []string{"users", "grant", "paul"}, ExitUsage, "", "Usage: relance users"},
		{"", []string{"users", "frobnicate"}, ExitUsage, "", "Usage: relance users"},
		{"", []string{"users", "list"}, ExitOK, "LOGIN            NAME           SEES\n" +
			"cabinet          Cabinet Leroy  every mailbox (admin)\n" +
			"marie@dupuis.fr  Marie Dupuis   menuiserie-dupuis (owner)\n" +
			"paul             —              boulangerie-martin (staff)\n", ""},
	}
	for _, s := range steps {
		out, errOut, code := run(s.stdin, s.args...)
		if code != s.code || out != s.stdout || !strings.Contains(errOut, s.stderr) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want %d, %q, %q", strings.Join(s.args, " "), code, out, errOut, s.code, s.stdout, s.stderr)
		}
	}

	out, _, code := run("", "users", "--json")
	if code != ExitOK {
		t.Fatalf("users --json: %d", code)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("users --json: %v\n%s", err, out)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows", len(rows))
	}
	for _, r := range rows {
		for _, k := range []string{"login", "name", "admin", "created_at", "grants"} {
			if _, ok := r[k]; !ok {
				t.Errorf("row %v lacks %s", r["login"], k)
			}
		}
		if len(r) != 5 {
			t.Errorf("row %v has fields %v", r["login"], r)
		}
	}
	if rows[0]["admin"] != true || rows[0]["created_at"] != "2026-12-01T09:00:00Z" {
		t.Errorf("cabinet: %v", rows[0])
	}
	if g := rows[1]["grants"].([]any); len(g) != 1 || g[0].(map[string]any)["role"] != "owner" || g[0].(map[string]any)["mailbox"] != "menuiserie-dupuis" {
		t.Errorf("marie's grants: %v", g)
	}

	// Never a password nor a hash on the terminal.
	for _, secret := range []string{"menuiserie-42", "expert-comptable", "boulangerie-77", "nouveau-secret-1", "$2a$"} {
		if strings.Contains(printed.String(), secret) {
			t.Errorf("the command printed %q", secret)
		}
	}

	// The store holds what the commands said: the password from stdin
	// (without its CR LF), the one from the file, the role.
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	for login, pw := range map[string]string{"marie@dupuis.fr": "menuiserie-42", "cabinet": "expert-comptable", "paul": "nouveau-secret-1"} {
		if _, err := st.Authenticate(ctx, login, pw); err != nil {
			t.Errorf("%s cannot log in: %v", login, err)
		}
	}
	if a, _ := st.Account(ctx, "marie@dupuis.fr"); !a.MayOpen("menuiserie-dupuis") || a.MayOpen("boulangerie-martin") {
		t.Errorf("marie's grants: %+v", a.Grants)
	} else if r, _ := a.RoleIn("menuiserie-dupuis"); r != domain.RoleOwner {
		t.Errorf("marie's role %q", r)
	}
}
