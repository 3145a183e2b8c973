package classify

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/relance/relance/internal/message"
)

func TestObjectionModelRoundTrip(t *testing.T) {
	m := ShippedObjections()
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := ReadObjections(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if !got.Same(m) || got.Version != m.Version {
		t.Fatal("the objection model does not survive writing and reading")
	}
	// A reply model file is not an objection model, and the reverse.
	var reply bytes.Buffer
	if _, err := Shipped().WriteTo(&reply); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadObjections(&reply); err == nil || !strings.Contains(err.Error(), "not a relance objection model file") {
		t.Errorf("reading a reply model as objections: %v", err)
	}
	if _, err := ReadModel(bytes.NewReader(buf.Bytes())); err == nil {
		t.Error("an objection model was read as a reply model")
	}
}

func TestObjectionKinds(t *testing.T) {
	want := []string{"cheque_in_post", "oversight", "client_not_paid", "goods_returned", "progress_payment_defect",
		"not_received", "wrong_amount", "awaiting_approval"}
	got := Objections()
	if len(got) != len(want) {
		t.Fatalf("%d kinds, want %d", len(got), len(want))
	}
	for i := range want {
		if string(got[i]) != want[i] {
			t.Errorf("kind %d = %q, want %q (a contract of classify --json)", i, got[i], want[i])
		}
	}
	if objectionIndex("") != 0 || objectionIndex("nonsense") != -1 {
		t.Error("none must be the first row, an unknown kind none at all")
	}
}

// The objection is read only where a person answers about paying, and the
// JSON carries it only when there is one.
func TestObjectionInTheReading(t *testing.T) {
	mail := func(subject, body string, extra ...string) *message.Message {
		h := "From: client@example.com\r\nTo: compta@example.fr\r\nSubject: " + subject +
			"\r\nDate: Mon, 09 Mar 2026 10:00:00 +0100\r\nMessage-ID: <x@example.com>\r\n" + strings.Join(extra, "")
		m, err := message.Parse(strings.NewReader(h+"\r\n"+body), message.DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	auto := Classify(mail("Absence du bureau", "Je suis absent jusqu'au 16 mars. Le chèque a été envoyé par la poste.\r\n",
		"Auto-Submitted: auto-replied\r\n"), Options{ReadObjection: true})
	if auto.Class != AutoReply || auto.Objection != NoObjection {
		t.Errorf("automatic answer: class %s, objection %q; want auto_reply and none", auto.Class, auto.Objection)
	}
	b, err := auto.JSON("a.eml")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), `"objection"`) {
		t.Errorf("JSON names an objection where there is none: %s", b)
	}
	r := Result{Class: Dispute, Objection: WrongAmount}
	b, err = r.JSON("b.eml")
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got["objection"] != "wrong_amount" {
		t.Errorf("JSON objection %v, want wrong_amount", got["objection"])
	}
}

// The objection is read only when asked: the daemon's scan does not pay for
// it until it has an answer to prepare.
func TestObjectionOnlyWhenAsked(t *testing.T) {
	m, err := message.Parse(strings.NewReader("From: client@example.com\r\nSubject: Re: Facture F-2026-014\r\n"+
		"Date: Mon, 09 Mar 2026 10:00:00 +0100\r\n\r\n"+
		"Bonjour,\r\nLe montant de votre facture ne correspond pas au devis signé : vous avez facturé 1 450 € au lieu de 1 250 €. "+
		"Merci de nous envoyer une facture rectifiée ou un avoir.\r\nCordialement\r\n"), message.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if got := Classify(m, Options{}); got.Objection != NoObjection {
		t.Errorf("objection %q read without being asked", got.Objection)
	}
	got := Classify(m, Options{ReadObjection: true})
	if got.Objection != WrongAmount {
		t.Errorf("class %s, objection %q; want wrong_amount", got.Class, got.Objection)
	}
}

// The model's rows follow the domain's list of objections, "none" first:
// a kind added to one and not the other would be read under another name.
func TestObjectionRowsFollowDomain(t *testing.T) {
	if got, want := objectionKinds[1:], Objections(); !slices.Equal(got, want) {
		t.Fatalf("model rows %v, domain %v", got, want)
	}
}
