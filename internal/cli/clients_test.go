package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/relance/relance/internal/store"
)

// consumerOf reads the b2c column as the policy will, through the chasing view.
func consumerOf(t *testing.T, db, email string) bool {
	t.Helper()
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cs, err := st.ChasingClients(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Email == email {
			return c.B2C
		}
	}
	t.Fatalf("no client %s", email)
	return false
}

func TestClientsSetKind(t *testing.T) {
	db := payLedger(t)
	out, errOut, code := runCLI(t, "clients", "set", "jeanne@atelier-dupont.fr", "--kind", "consumer", "--db", db)
	if code != ExitOK || out != "jeanne@atelier-dupont.fr is now a consumer client\n" {
		t.Fatalf("set consumer: exit %d %q %q", code, out, errOut)
	}
	if !consumerOf(t, db, "jeanne@atelier-dupont.fr") || consumerOf(t, db, "compta@boulangerie-martin.fr") {
		t.Fatal("the b2c column does not follow the command")
	}
	out, _, code = runCLI(t, "clients", "set", "--kind", "consumer", "JEANNE@atelier-dupont.fr", "--db", db)
	if code != ExitOK || out != "jeanne@atelier-dupont.fr is already a consumer client\n" {
		t.Fatalf("set consumer again: exit %d %q", code, out)
	}
	out, _, code = runCLI(t, "clients", "set", "jeanne@atelier-dupont.fr", "--kind", "business", "--db", db)
	if code != ExitOK || out != "jeanne@atelier-dupont.fr is now a business client\n" || consumerOf(t, db, "jeanne@atelier-dupont.fr") {
		t.Fatalf("set business: exit %d %q", code, out)
	}
	for _, c := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"set", "nobody@x.fr", "--kind", "consumer"}, ExitError, `no client with the address "nobody@x.fr"`},
		{[]string{"set", "jeanne@atelier-dupont.fr", "--kind", "particulier"}, ExitError, `--kind is "business" or "consumer", not "particulier"`},
		{[]string{"set", "jeanne@atelier-dupont.fr"}, ExitUsage, "Usage: relance clients"},
		{[]string{"set", "--kind", "consumer"}, ExitUsage, "Usage: relance clients"},
	} {
		_, errOut, code := runCLI(t, append(append([]string{"clients"}, c.args...), "--db", db)...)
		if code != c.code || !strings.Contains(errOut, c.stderr) {
			t.Errorf("%q: exit %d %q, want %d %q", c.args, code, errOut, c.code, c.stderr)
		}
	}
}
