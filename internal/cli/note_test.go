package cli

import (
	"bytes"
	"testing"

	"github.com/relance/relance/internal/store"
)

// The notes' wording is the "text" of `drafts show --json`: every code keeps
// its sentence, including the blanks read from the page's catalogue.
func TestNoteTextWording(t *testing.T) {
	for _, c := range []struct {
		note store.DraftNote
		want string
	}{
		{store.DraftNote{Code: store.NotePromiseBroken, Args: []string{"2026-11-02"}}, "the payment promised for 2026-11-02 has not arrived; the message refers to the promise"},
		{store.DraftNote{Code: store.NoteOpenCall, Args: []string{"F-1"}}, "the call about F-1 has no logged outcome (relance flags outcome)"},
		{store.DraftNote{Code: store.NoteOpenHandOff, Args: []string{"F-1"}}, "F-1 is waiting to be handed to a collection professional"},
		{store.DraftNote{Code: store.NoteSignal, Args: []string{"F-1", "suddenly_late"}}, "behaviour signal on F-1: suddenly late"},
		{store.DraftNote{Code: store.NoteQuestion, Args: []string{"2026-11-02T10:00:00Z", "bank_details,invoice_copy"}}, "answers the client's question of 2026-11-02T10:00:00Z (asked for: bank details, invoice copy)"},
		{store.DraftNote{Code: store.NoteQuestion, Args: []string{"2026-11-02T10:00:00Z"}}, "answers the client's question of 2026-11-02T10:00:00Z (asked for: something not recognised)"},
		{store.DraftNote{Code: store.NoteNoPDF, Args: []string{"F-1"}}, "no PDF of F-1 was found in Sent: attach the copy yourself"},
		{store.DraftNote{Code: store.NoteBlank, Args: []string{"iban"}}, "to fill in before approving: IBAN and BIC (RELANCE_BUSINESS_IBAN is not set)"},
		{store.DraftNote{Code: store.NoteBlank, Args: []string{"copy"}}, "to fill in before approving: the copy of the invoice"},
		{store.DraftNote{Code: store.NoteBlank, Args: []string{"po"}}, "to fill in before approving: the purchase order number"},
		{store.DraftNote{Code: store.NoteBlank, Args: []string{"chorus"}}, "to fill in before approving: the date of the Chorus Pro upload"},
		{store.DraftNote{Code: store.NoteBlank, Args: []string{"address"}}, "to fill in before approving: the billing details (the corrected invoice)"},
		{store.DraftNote{Code: store.NoteBlank, Args: []string{"answer"}}, "to fill in before approving: the answer itself (the question was not recognised)"},
		{store.DraftNote{Code: store.NoteBlank, Args: []string{"siret"}}, "to fill in before approving: siret"},
		{store.DraftNote{Code: "other", Args: []string{"a", "b"}}, "other a b"},
	} {
		if got := noteText(c.note); got != c.want {
			t.Errorf("%s %v: %q, want %q", c.note.Code, c.note.Args, got, c.want)
		}
	}
}

// The drafts and flags commands take one ID and say alike what is wrong.
func TestOneID(t *testing.T) {
	for _, c := range []struct {
		pos    []string
		id     int64
		ok     bool
		stderr string
	}{
		{[]string{"12"}, 12, true, ""},
		{nil, 0, false, "relance flags resolve: needs exactly one flag ID\n"},
		{[]string{"1", "2"}, 0, false, "relance flags resolve: needs exactly one flag ID\n"},
		{[]string{"x1"}, 0, false, "relance flags resolve: \"x1\" is not a flag ID\n"},
	} {
		var errb bytes.Buffer
		id, ok := oneID(&Env{Stderr: &errb}, "flags resolve", "flag", c.pos)
		if id != c.id || ok != c.ok || errb.String() != c.stderr {
			t.Errorf("%q: %d %v %q, want %d %v %q", c.pos, id, ok, errb.String(), c.id, c.ok, c.stderr)
		}
	}
}
