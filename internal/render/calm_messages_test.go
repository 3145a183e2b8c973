package render

import "testing"

// The warnings read from a catalogue; the words the owner sees stay the
// same in each language, and any language but French reads English.
func TestWarningMessageWords(t *testing.T) {
	tests := []struct{ lang, code, ex, want string }{
		{"fr", CodeInsult, "idiot", "Mot blessant ou grossier\u00a0: «\u00a0idiot\u00a0». Mieux vaut le retirer."},
		{"fr", CodeThreat, "avocat", "Menace avant la mise en demeure\u00a0: «\u00a0avocat\u00a0». À ce stade, le ton reste amiable."},
		{"fr", CodeShouting, "PAYEZ", "Des mots en capitales se lisent comme un cri\u00a0: «\u00a0PAYEZ\u00a0»."},
		{"fr", CodeExclamation, "!!", "Ponctuation appuyée\u00a0: «\u00a0!!\u00a0». Un seul signe suffit."},
		{"fr", CodeSarcasm, "comme d'habitude", "Formule qui peut sembler ironique ou agacée\u00a0: «\u00a0comme d'habitude\u00a0»."},
		{"fr", CodePressure, "dernier délai", "Pression ou culpabilisation avant la mise en demeure\u00a0: «\u00a0dernier délai\u00a0»."},
		{"fr", "unknown", "x", "«\u00a0x\u00a0»"},
		{"en", CodeInsult, "idiot", "Hurtful or rude word: “idiot”. Better remove it."},
		{"en", CodeThreat, "lawyer", "Threat before the formal notice: “lawyer”. At this stage the tone stays amicable."},
		{"en", CodeShouting, "PAY", "Words in capitals read as shouting: “PAY”."},
		{"en", CodeExclamation, "!!", "Emphatic punctuation: “!!”. One mark is enough."},
		{"en", CodeSarcasm, "as usual", "Wording that may read as sarcastic or exasperated: “as usual”."},
		{"en", CodePressure, "last chance", "Pressure or guilt before the formal notice: “last chance”."},
		{"de", CodeInsult, "100 %", "Hurtful or rude word: “100 %”. Better remove it."},
		{"", "unknown", "x", "“x”"},
	}
	for _, tc := range tests {
		if got := warningMessage(tc.lang, tc.code, tc.ex); got != tc.want {
			t.Errorf("warningMessage(%q, %q, %q) = %q, want %q", tc.lang, tc.code, tc.ex, got, tc.want)
		}
	}
}
