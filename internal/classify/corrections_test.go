package classify

import (
	"testing"
	"time"

	"github.com/relance/relance/internal/message"
)

// TestCorrectionsShapeParaphrases: once the owner says how a reply reads,
// that reply and a reworded copy of it read that way, and replies that
// have nothing to do with it keep their reading.
func TestCorrectionsShapeParaphrases(t *testing.T) {
	day := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	read := func(m *Model, text string) Class {
		return Classify(&message.Message{Text: text, Subject: "RE: Relance facture", Date: day}, Options{Model: m}).Class
	}
	cases := []struct {
		original, paraphrase string
		owner                Class
	}{
		// The owner knows this client: "on en reparlera" is how he
		// announces he will not pay until the skirting boards are done.
		{"Bonjour, c'est noté. On en reparlera quand quelqu'un sera venu finir les plinthes, ça fait six semaines. Cordialement, J. Morel",
			"Bonjour, bien noté. On en parlera quand votre équipe sera revenue terminer les plinthes, voilà six semaines qu'on attend. J. Morel", Dispute},
		{"Hello, the invoice went out with our supplier run, you should see it shortly. Regards, Tom",
			"Hi, your invoice went out in the supplier run, you'll see it shortly. Thanks, Tom", Paid},
		// Her accountant pays within the week: a promise, for this owner.
		{"Bonjour, mon comptable s'en occupe. Merci",
			"Bonjour, c'est mon comptable qui s'en occupe. Merci bien", Promise},
	}
	shipped := Shipped()
	flipped := 0
	for _, c := range cases {
		owner := c.owner
		if read(shipped, c.original) != owner {
			flipped++
		}
		ex, ok := NewExample(ReplyTextOf(c.original), "RE: Relance facture", day, owner)
		if !ok {
			t.Fatalf("no example for %s", owner)
		}
		local := shipped.WithCorrections([]Example{ex})
		if got := read(local, c.original); got != owner {
			t.Errorf("%q: corrected to %s, still read %s", c.original, owner, got)
		}
		if got := read(local, c.paraphrase); got != owner {
			t.Errorf("%q: paraphrase of a reply corrected to %s read %s (shipped model: %s)", c.paraphrase, owner, got, read(shipped, c.paraphrase))
		}
		if local.Corrections() != 1 {
			t.Errorf("corrections %d", local.Corrections())
		}
	}
	if flipped == 0 {
		t.Error("the shipped model already reads every case the owner's way: the test proves nothing; add a case it misreads")
	}
	// Unrelated replies keep the shipped reading under all corrections.
	var all []Example
	for _, c := range cases {
		ex, _ := NewExample(ReplyTextOf(c.original), "", day, Grievance)
		all = append(all, ex)
	}
	local := shipped.WithCorrections(all)
	for _, text := range []string{
		"Bonjour, le virement a été effectué ce matin. Cordialement",
		"We will pay on Friday the 13th. Best, Anna",
		"Pouvez-vous nous renvoyer la facture avec notre numéro de commande ?",
	} {
		if a, b := read(shipped, text), read(local, text); a != b {
			t.Errorf("%q: read %s by the shipped model, %s with unrelated corrections", text, a, b)
		}
	}
}
