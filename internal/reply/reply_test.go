package reply

import (
	"bytes"

	"flag"
	"github.com/relance/relance/internal/message"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// render prints a Reply in a stable, diff-friendly layout for golden files.
func render(r Reply) string {
	var b strings.Builder
	b.WriteString("=== BODY\n" + r.Body + "\n")
	b.WriteString("=== SIGNATURE\n" + r.Signature + "\n")
	b.WriteString("=== QUOTED\n" + r.Quoted + "\n")
	return b.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run with -update to create): %v", err)
	}
	if string(want) != got {
		t.Errorf("%s: output differs from golden\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// TestGoldenText runs Strip on the plain-text samples (third-party and our
// own) and compares with reviewed golden output.
func TestGoldenText(t *testing.T) {
	for _, dir := range []string{"crisp", "own"} {
		files, err := filepath.Glob(filepath.Join("testdata", dir, "*.txt"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			name := dir + "_" + strings.TrimSuffix(filepath.Base(f), ".txt")
			t.Run(name, func(t *testing.T) {
				raw, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				golden(t, name, render(Strip(string(raw))))
			})
		}
	}
}

// TestStrip pins the behaviours the classifier depends on, independent of the
// golden files.
func TestStrip(t *testing.T) {
	tests := []struct {
		name, in       string
		body, sig, quo string // substrings expected in each part ("" = must be empty)
	}{
		{"empty", "", "", "", ""},
		{"plain", "ok merci", "ok merci", "", ""},
		{"gmail fr one line", "Fait.\n\nLe lun. 1 déc. 2025 à 10:00, A <a@b.fr> a écrit :\n> relance", "Fait.", "", "a écrit"},
		{"gmail fr split", "Payé.\n\nLe lun. 1 déc. 2025 à 10:00, Atelier <\ncompta@atelier.fr> a écrit :\n\n> relance", "Payé.", "", "compta@atelier.fr"},
		{"gmail en split", "Paid.\n\nOn Mon, Dec 1, 2025 at 10:00 AM Very Long Name <\nlong@example.com> wrote:\n\n> hi", "Paid.", "", "wrote:"},
		{"outlook fr nbsp", "Réglé.\n\nDe\u00a0: A <a@b.fr>\nEnvoyé\u00a0: lundi\nÀ\u00a0: moi\nObjet\u00a0: Relance", "Réglé.", "", "Objet"},
		{"outlook en", "Paid.\nFrom: A <a@b.com>\nSent: Monday\nTo: me\nSubject: Reminder", "Paid.", "", "Subject: Reminder"},
		{"original message", "Paid.\n-----Original Message-----\nFrom: x", "Paid.", "", "Original Message"},
		{"message d'origine", "Payé.\n-------- Message d'origine --------\nDe : x", "Payé.", "", "Message d'origine"},
		{"iphone fr", "Ok\n\nEnvoyé de mon iPhone", "Ok", "Envoyé de mon iPhone", ""},
		{"iphone en", "Ok\n\nSent from my iPhone", "Ok", "Sent from my iPhone", ""},
		{"outlook ios", "Ok\n\nGet Outlook for iOS<https://aka.ms/x>", "Ok", "Get Outlook for iOS", ""},
		{"outlook ios fr", "Ok\n\nObtenir Outlook pour iOS", "Ok", "Obtenir Outlook", ""},
		{"sig delimiter", "Ok\n-- \nJean\n0612345678", "Ok", "Jean", ""},
		{"list dashes are not a signature", "Il manque :\n-- le bon de commande\n-- le RIB", "le RIB", "", ""},
		{"quoted lines", "Merci\n> ancienne relance", "Merci", "", "ancienne relance"},
		{"prose from:", "The data comes From: our database.\nTo: be continued", "our database", "", ""},
		{"prose wrote", "Mon comptable m'a écrit :\nle virement part lundi", "le virement part lundi", "", ""},
		{"disclaimer fr", "Payé.\n\nCe message est confidentiel et destiné exclusivement à ses destinataires.", "Payé.", "confidentiel", ""},
		{"disclaimer en", "Paid.\n\nThis email is confidential and intended only for the addressee.", "Paid.", "confidential", ""},
		{"crlf", "Payé.\r\n\r\nLe 1 déc. 2025 à 10:00, A <a@b.fr> a écrit :\r\n> x", "Payé.", "", "> x"},
		{"only quote", "Le 1 déc. 2025 à 10:00, A <a@b.fr> a écrit :\n> Relance facture 12", "", "", "Relance facture 12"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Strip(tt.in)
			check := func(part, got, want string) {
				t.Helper()
				if want == "" && got != "" {
					t.Errorf("%s = %q, want empty", part, got)
				}
				if !strings.Contains(got, want) {
					t.Errorf("%s = %q, want it to contain %q", part, got, want)
				}
			}
			check("Body", r.Body, tt.body)
			check("Signature", r.Signature, tt.sig)
			check("Quoted", r.Quoted, tt.quo)
		})
	}
}

// FuzzStrip checks that Strip never panics and never invents text: every
// non-blank line of the output comes from the input.
func FuzzStrip(f *testing.F) {
	for _, dir := range []string{"crisp", "own"} {
		files, _ := filepath.Glob(filepath.Join("testdata", dir, "*.txt"))
		for _, file := range files {
			if raw, err := os.ReadFile(file); err == nil {
				f.Add(string(raw))
			}
		}
	}
	f.Add("On x wrote:\n>")
	f.Add("De :\nEnvoyé :\nÀ :\nObjet :")
	f.Fuzz(func(t *testing.T, in string) {
		r := Strip(in)
		src := strings.ToValidUTF8(strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(in), "\uFFFD")
		for _, part := range []string{r.Body, r.Quoted, r.Signature} {
			for _, l := range strings.Split(part, "\n") {
				if l = strings.TrimSpace(l); l != "" && !strings.Contains(src, l) {
					t.Fatalf("line %q not in input", l)
				}
			}
		}
	})
}

func BenchmarkStrip(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join("testdata", "own", "fr_disclaimer.txt"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		Strip(string(raw))
	}
}

// TestGoldenTalon runs Strip on the text body of real client replies (parsed
// by the message package) and checks the reply text talon expects where it
// ships one.
func TestGoldenTalon(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "talon", "*.eml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no talon samples: %v", err)
	}
	for _, f := range files {
		name := "talon_" + strings.TrimSuffix(filepath.Base(f), ".eml")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			m, err := message.Parse(bytes.NewReader(raw), message.DefaultOptions())
			if err != nil {
				t.Fatal(err)
			}
			r := Strip(m.Text)
			golden(t, name, render(r))
			// talon's expected reply texts include the signature.
			want, err := os.ReadFile(strings.TrimSuffix(f, ".eml") + "_reply_text")
			if err == nil {
				got := strings.TrimSpace(r.Body + "\n\n" + r.Signature)
				if norm(got) != norm(string(want)) {
					t.Errorf("reply %q, want %q", got, want)
				}
			}
		})
	}
}

func norm(s string) string { return strings.Join(strings.Fields(s), " ") }

// TestMobileSigPrefilter: every line the expression accepts passes the cheap
// test of its first words, in each language it knows.
func TestMobileSigPrefilter(t *testing.T) {
	for _, n := range []string{"sent from my iphone", "sent from outlook", "sent with proton mail", "sent via superhuman",
		"get outlook for ios", "obtenir outlook pour android", "télécharger outlook pour ios", "envoyé de mon iphone",
		"envoye depuis mon mobile", "envoyé à partir de outlook", "gesendet von meinem iphone", "von meinem iphone gesendet",
		"inviato da iphone", "enviado desde mi iphone", "enviado do meu iphone", "verzonden met mijn iphone", "verzonden vanaf outlook"} {
		if !mobileSig.MatchString(n) {
			t.Errorf("%q: the expression does not match (sample out of date)", n)
		}
		if !mayBeMobileSig(n) {
			t.Errorf("%q: the prefilter drops a mobile signature", n)
		}
	}
}

// TestSeparatorPrefilter: every separator the expression accepts passes the
// cheap test of its first words.
func TestSeparatorPrefilter(t *testing.T) {
	for _, n := range []string{"-----original message-----", "----- message d'origine -----", "-------- mail original --------",
		"e-mail original", "*** courriel original ***", "message d’origine", "message original", "---------- forwarded message ---------",
		"message transféré", "message transfere", "ursprüngliche nachricht", "weitergeleitete nachricht", "oprindelig besked",
		"opprinnelig melding", "ursprungligt meddelande", "messaggio originale", "messaggio inoltrato", "mensaje original",
		"mensaje reenviado", "mensagem original", "oorspronkelijk bericht", "doorgestuurd bericht", "=== original message ===:"} {
		if !separatorRe.MatchString(n) {
			t.Errorf("%q: the expression does not match (sample out of date)", n)
		}
		if !mayBeSeparator(n) {
			t.Errorf("%q: the prefilter drops a separator", n)
		}
	}
}

// normLineReference is normLine written plainly.
func normLineReference(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		switch r {
		case '\u00a0', '\u202f', '\u2007', '\t':
			return ' '
		case '\ufeff', '\u200b':
			return -1
		}
		return unicode.ToLower(r)
	}, s))
}

func TestNormLineAgrees(t *testing.T) {
	for _, s := range []string{"", "  plain line  ", "De\u00a0: Jean DUPONT", "\tÉcrit le 3 MARS\u202f:", "\ufeffbom\u200bzero", "ÀÉÎÕÜ ß Σ İ", "mixed\u2007Tab\tEND"} {
		if got, want := normLine(s), normLineReference(s); got != want {
			t.Errorf("normLine(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestLinePrefilters: every line the header field, rule, signature
// delimiter and disclaimer expressions accept passes the cheap test that
// now comes before them: on a sample of each alternative, and on every
// line of the test mails.
func TestLinePrefilters(t *testing.T) {
	lines := []string{"from: jean", "*de :", "von: x", "от: x", "sent: monday", "date : 3 mars", "to: a", "à : b", "cc: c",
		"subject: x", "objet : y", "__________", "--", "-- ", "—", "——", "–", "__", "____", "avertissement : ce message",
		"disclaimer", "confidentiality notice", "avis de confidentialité", "ce message est confidentiel", "ce courriel", "ce mail",
		"cet e-mail", "cet email", "le présent message", "le present message", "this email", "this e-mail", "this message",
		"this communication", "the information contained", "the information in this", "les informations contenues",
		"ce message électronique", "ce message electronique", "notice: x", "important: y", "** avertissement", "***\tdisclaimer",
		"*this email is confidential", "* ce message"}
	matched := map[string]int{}
	files, _ := filepath.Glob(filepath.Join("testdata", "*", "*"))
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, strings.Split(string(raw), "\n")...)
	}
	for _, l := range lines {
		n := normLine(l)
		for _, c := range []struct {
			name string
			re   bool
			gate bool
		}{
			{"fromField", fromField.MatchString(n), mayBeField(n)},
			{"sentField", sentField.MatchString(n), mayBeField(n)},
			{"toField", toField.MatchString(n), mayBeField(n)},
			{"subjectField", subjectField.MatchString(n), mayBeField(n)},
			{"underscoreRule", underscoreRule.MatchString(n), n != "" && n[0] == '_'},
			{"sigDelim", sigDelim.MatchString(n), mayBeSigDelim(n)},
			{"disclaimerStart", disclaimerStart.MatchString(n), mayBeDisclaimerStart(n)},
		} {
			if !c.re {
				continue
			}
			matched[c.name]++
			if !c.gate {
				t.Errorf("%s matches %q but its prefilter drops it", c.name, n)
			}
		}
	}
	for _, name := range []string{"fromField", "sentField", "toField", "subjectField", "underscoreRule", "sigDelim", "disclaimerStart"} {
		if matched[name] < 2 {
			t.Errorf("%s matched %d lines: the check proves little", name, matched[name])
		}
	}
}

// The expressions the disclaimer word lists replace.
var (
	disclaimerConfExpression = regexp.MustCompile(`confidenti|privileged|strictement réservé|strictement reserve`)
	disclaimerWhoExpression  = regexp.MustCompile(`destinataire|intended|addressee|recipient|dest\.|exclusive use|usage exclusif|à l'attention exclusive|a l'attention exclusive|l'expéditeur|l'expediteur|the sender`)
)

// TestDisclaimerWordsMatchExpressions: the word lists find what their
// expressions found, on every line and paragraph of the test mails.
func TestDisclaimerWordsMatchExpressions(t *testing.T) {
	texts := []string{"ce message est strictement réservé à son destinataire", "dest. only", "destination", "for the intended recipient"}
	files, _ := filepath.Glob(filepath.Join("testdata", "*", "*"))
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, para := range strings.Split(string(raw), "\n\n") {
			texts = append(texts, normLine(strings.ReplaceAll(para, "\n", " ")))
			texts = append(texts, strings.Split(para, "\n")...)
		}
	}
	found := 0
	for _, s := range texts {
		conf, who := containsAny(s, disclaimerConf), containsAny(s, disclaimerWho)
		reConf, reWho := disclaimerConfExpression.MatchString(s), disclaimerWhoExpression.MatchString(s)
		if conf != reConf || who != reWho {
			t.Errorf("%q: words %v %v, expressions %v %v", s, conf, who, reConf, reWho)
		}
		if conf && who {
			found++
		}
	}
	if found < 5 {
		t.Errorf("only %d texts hold both kinds of words: the check proves little", found)
	}
}

// A name, a title, a company and an address under a closing word are the
// signature; a postscript, a question or a paragraph under it are not.
func TestSignatureUnderValediction(t *testing.T) {
	tests := []struct {
		name, in         string
		bodyHas, bodyNot string
		sigHas           string // "" = signature empty
	}{
		{"fr block", "Bien reçu.\n\nCordialement,\n\nClaire Fabre\nDirectrice\nHôtel des Célestins\n8 rue des Archers – 69002 Lyon\n04 65 71 88 20",
			"Cordialement,", "Hôtel", "04 65 71 88 20"},
		{"en name", "Payment went out yesterday.\n\nThanks,\nTom", "Thanks,", "Tom", "Tom"},
		{"name on the closing line", "Réglé ce matin.\nCordialement, Jean Dupont\nSARL Dupont", "Jean Dupont", "SARL", "SARL Dupont"},
		{"postscript stays", "Bien reçu.\n\nCordialement,\nJean\n\nPS : je paierai vendredi.", "je paierai vendredi", "", ""},
		{"question stays", "Bien reçu.\n\nMerci,\nJean\nVous avez mon RIB ?", "mon RIB", "", ""},
		{"paragraph stays", "Bonjour,\n\nMerci\n\nLe virement partira avec notre échéance du 30, comme convenu avec votre collègue la semaine dernière au téléphone.",
			"échéance du 30", "", ""},
		{"a closing word alone is not a reply", "Cordialement,\nJean", "Cordialement", "", ""},
		{"no closing word", "Payé.\nJean Dupont\nSARL Dupont", "SARL Dupont", "", ""},
		{"too long to be a signature", "Ok.\nCordialement,\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11", "11", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Strip(tt.in)
			if !strings.Contains(r.Body, tt.bodyHas) {
				t.Errorf("Body = %q, want it to contain %q", r.Body, tt.bodyHas)
			}
			if tt.bodyNot != "" && strings.Contains(r.Body, tt.bodyNot) {
				t.Errorf("Body = %q, want %q moved to the signature", r.Body, tt.bodyNot)
			}
			if tt.sigHas == "" && r.Signature != "" || !strings.Contains(r.Signature, tt.sigHas) {
				t.Errorf("Signature = %q, want %q", r.Signature, tt.sigHas)
			}
		})
	}
}
