package e2e

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// TestClientPhonesFromReplies runs on Dovecot: a client's reply gives its
// numbers in its signature, quoting our mail (and our number) under it.
// `relance clients --json` lists the client's numbers to call — not ours,
// not its fax —, the owner removes one with `relance clients set`, and the
// next reply that repeats it does not bring it back. A webmail client
// billed to "Mme …" is guessed a consumer until the owner says otherwise.
func TestClientPhonesFromReplies(t *testing.T) {
	w := newWorld(t)
	t.Setenv("RELANCE_BUSINESS_PHONE", "04 65 71 23 48")
	issued := time.Date(2026, 10, 5, 10, 0, 0, 0, paris)
	due := time.Date(2026, 11, 4, 0, 0, 0, 0, paris)
	if err := w.IMAP.Deliver("Sent", invoiceMail(1, "Mme Claire Dupont", "claire.dupont@orange.fr", issued, due, "1250.00", false), true); err != nil {
		t.Fatal(err)
	}
	w.once(issued.Add(2 * time.Hour))
	signature := "Bien cordialement,\r\n\r\nClaire Dupont\r\n12 rue des Lilas\r\n69003 Lyon\r\nTél. : 04 78 12 34 56\r\nPortable : 06 12 34 56 78\r\nFax : 04 78 12 34 57\r\n\r\n" +
		"Le 5 oct. 2026 à 10:00, Atelier Test <factures@atelier.test> a écrit :\r\n> Veuillez trouver ci-joint la facture.\r\n> Atelier Test · 04 65 71 23 48\r\n"
	reply := func(id string, at time.Time, body string) {
		t.Helper()
		if err := w.IMAP.Deliver("INBOX", replyMail(id, "claire.dupont@orange.fr", "Claire Dupont", "inv-1@atelier.test",
			"Re: Facture F-2026-0501 - Atelier Test", at, body+"\r\n\r\n"+signature, false), false); err != nil {
			t.Fatal(err)
		}
		w.once(at.Add(time.Hour))
	}
	phones := func() []string {
		t.Helper()
		var rows []struct {
			Email  string   `json:"email"`
			Kind   string   `json:"kind"`
			Phones []string `json:"phones"`
		}
		if err := json.Unmarshal([]byte(w.Relance("clients", "--json")), &rows); err != nil || len(rows) != 1 {
			t.Fatalf("clients --json: %v %+v", err, rows)
		}
		if rows[0].Kind != "consumer" {
			t.Errorf("kind %q: a client billed to \"Mme …\" at a webmail address is guessed a consumer", rows[0].Kind)
		}
		return rows[0].Phones
	}
	reply("r1@orange.fr", time.Date(2026, 11, 10, 9, 0, 0, 0, paris), "Bonjour,\r\nJe vous règle la semaine prochaine.")
	if got, want := phones(), []string{"04 78 12 34 56", "06 12 34 56 78"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("phones %q, want %q (ours and the fax left out)", got, want)
	}
	// Her invoice gave no address: her signature's is kept, for her letters.
	var show struct {
		Address string `json:"address"`
	}
	if err := json.Unmarshal([]byte(w.Relance("clients", "show", "claire.dupont@orange.fr", "--json")), &show); err != nil || show.Address != "12 rue des Lilas, 69003 Lyon" {
		t.Errorf("address %q (%v), want the signature's", show.Address, err)
	}
	w.Relance("clients", "set", "claire.dupont@orange.fr", "--remove-phone", "04 78 12 34 56")
	reply("r2@orange.fr", time.Date(2026, 11, 12, 9, 0, 0, 0, paris), "Bonjour,\r\nLe virement est parti ce matin.")
	if got, want := phones(), []string{"06 12 34 56 78"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("after the owner removed one: phones %q, want %q", got, want)
	}
}
