package classify

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/relance/relance/internal/message"
	"github.com/relance/relance/internal/reply"
)

// hostileRecord is one labelled reply of testdata/hostile (see its README).
type hostileRecord struct {
	ID       string `json:"id"`
	Language string `json:"language"`
	Subject  string `json:"subject"`
	Body     string `json:"body"`
	Hostile  bool   `json:"hostile"`
	Note     string `json:"note"`
}

func loadHostile(t *testing.T, set string) []hostileRecord {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "hostile", set+".jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []hostileRecord
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var r hostileRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%s: %v", set, err)
		}
		out = append(out, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// hostileScore reads a set and returns the share of hostile replies found
// and the share of the others read as hostile.
func hostileScore(t *testing.T, set string) (found, false_ float64, nh, nc int) {
	t.Helper()
	var tp, fp int
	for _, r := range loadHostile(t, set) {
		got := ReadHostile(r.Subject, r.Body)
		if r.Hostile {
			nh++
			if got.Hostile {
				tp++
			}
		} else {
			nc++
			if got.Hostile {
				fp++
			}
		}
		if got.Hostile != r.Hostile && testing.Verbose() && set == "ha" {
			t.Logf("%s want %v: %q %s", r.ID, r.Hostile, got.Sentences, r.Note)
		}
	}
	return float64(tp) / float64(nh), float64(fp) / float64(nc), nh, nc
}

// The lexicon was written reading ha only; its figures are optimistic.
func TestHostileTuningSet(t *testing.T) {
	found, falseRate, nh, nc := hostileScore(t, "ha")
	t.Logf("ha (tuning set): found %.3f of %d hostile, false %.3f of %d others", found, nh, falseRate, nc)
}

// hb was written by a second writer and never read while the lexicon was
// written: its figures are the ones to quote (0.767 found, 0.000 false
// when the lexicon was settled). The bar is what the lexicon honestly
// reaches there, not the 0.85 first hoped for.
func TestHostileHeldOut(t *testing.T) {
	found, falseRate, nh, nc := hostileScore(t, "hb")
	t.Logf("hb (held out): found %.3f of %d hostile, false %.3f of %d others", found, nh, falseRate, nc)
	if found < 0.75 || falseRate > 0.05 {
		t.Errorf("hb: found %.3f (want ≥ 0.75), false %.3f (want ≤ 0.05)", found, falseRate)
	}
}

func TestReadHostile(t *testing.T) {
	quotedReminder := "\n\nLe lun. 6 oct. 2025 à 17:20, Atelier <a@b.fr> a écrit :\n> Sans règlement, nous transmettrons le dossier à notre avocat.\n> Vous êtes prévenus.\n"
	for _, c := range []struct {
		name, subject, body string
		want                bool
	}{
		{"an insult", "Re: Facture F-1", "Vous êtes des escrocs et vous le savez.", true},
		{"restriction is no negation", "Re: Facture F-1", "Vous n'êtes qu'une bande d'incapables.", true},
		{"a negated insult", "Re: Facture F-1", "Je ne dis pas que vous êtes des escrocs, mais la porte frotte.", false},
		{"a refusal to pay, then an insult", "Re: Facture F-1", "Je ne paierai pas, bande d'escrocs.", true},
		{"reported words", "Re: Invoice 12", `Your lad said I was "a crook" for asking. The gutter still leaks.`, false},
		{"a threat under polite words", "RE: Invoice 12", "Thank you for your email. I know where you live. Kind regards, Dean", true},
		{"a calm lawyer", "RE: Invoice 12", "We have passed the matter to our solicitor and ask that you write to them.", false},
		{"a firm dispute", "Re: Facture F-1", "Je conteste cette facture. Les travaux ne sont pas finis.", false},
		{"anger at the bank", "Re: Facture F-1", "Ma banque est une bande d'incapables, le virement part demain.", false},
		{"a wary question", "Re: Facture F-1", "C'est une arnaque ? Je ne connais pas cette société.", false},
		{"only our quoted reminder is strong", "Re: Facture F-1", "Réglé ce matin, merci." + quotedReminder, false},
		{"bottom-posted abuse", "Re: Facture F-1", quotedReminder + "\nAllez vous faire foutre.\n", true},
		{"an insulting subject", "Re: Facture F-1 BANDE DE RAPACES", "payé ce soir.", true},
		{"shouting alone", "Re: Facture F-1", "JE NE PAIERAI PAS CETTE FACTURE. LE MUR EST FISSURE.", false},
		{"shouting at length", "Re: Facture F-1", "STOP SENDING ME THESE EMAILS. THE DRAIN BLOCKED AGAIN. I AM NOT PAYING FOR THIS RUBBISH.", true},
	} {
		got := ReadHostile(c.subject, c.body)
		if got.Hostile != c.want || (got.Hostile && len(got.Sentences) == 0) {
			t.Errorf("%s: hostile %v %q, want %v", c.name, got.Hostile, got.Sentences, c.want)
		}
	}
}

// Classify reads hostile beside the class, which stays the model's, and
// the JSON contract carries it; an empty reply quoting our reminder is
// not read for it.
func TestClassifyReadsHostile(t *testing.T) {
	mail := func(body string) *message.Message {
		m, err := message.Parse(strings.NewReader("From: Client <c@example.fr>\r\nTo: a@example.fr\r\nSubject: Re: Facture F-12\r\n"+
			"Date: Mon, 09 Mar 2026 10:00:00 +0100\r\nMessage-ID: <x@example.fr>\r\n\r\n"+body), message.DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	r := Classify(mail("Le portail ne ferme toujours pas. Vous êtes des escrocs et je vais vous faire une réputation.\r\n"), Options{})
	if !r.Hostile || len(r.HostileSentences) == 0 || r.Class == "" {
		t.Fatalf("hostile %v %q class %s", r.Hostile, r.HostileSentences, r.Class)
	}
	b, err := r.JSON("h.eml")
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got["hostile"] != true || got["class"] != string(r.Class) {
		t.Errorf("JSON %s", b)
	}
	calm := Classify(mail("\r\nLe 8 mars 2026, Atelier <a@example.fr> a écrit :\r\n> Vous êtes des escrocs si vous ne payez pas.\r\n"), Options{})
	if calm.Hostile {
		t.Errorf("an empty reply quoting a mail is read hostile: %q", calm.HostileSentences)
	}
	b, _ = calm.JSON("c.eml")
	if !strings.Contains(string(b), `"hostile":false`) {
		t.Errorf("JSON lacks hostile:false: %s", b)
	}
}

// TestHostileGatesKeepMatches: a hostile pattern is skipped only where it
// cannot match. Every sentence of the hostile corpus, and every reply's
// whole text, folded as hostileSentence folds it, that a pattern matches
// holds one of the pattern's literals.
func TestHostileGatesKeepMatches(t *testing.T) {
	matched := 0
	for _, set := range []string{"ha", "hb"} {
		for _, r := range loadHostile(t, set) {
			texts := []string{r.Subject, r.Body}
			for _, s := range sentences(r.Body) {
				texts = append(texts, s.orig)
			}
			for _, s := range texts {
				f := " " + fold(unquoteReported(s)) + " "
				may := hostileLits.rules([]byte(f))
				for i, h := range hostilePatterns {
					if !h.re.MatchString(f) {
						continue
					}
					matched++
					if !mayMatch(h.lits, f) || !may.has(i) {
						t.Errorf("%s: %q matches %s but holds none of its literals %q", r.ID, s, h.re, h.lits)
					}
				}
			}
		}
	}
	if matched < 100 {
		t.Errorf("only %d matches of a hostile pattern in the corpus: the check proves little", matched)
	}
}

// TestClassifySharesHostileSplit: Classify reads hostility on the
// sentences the model split and folded (or, with lines below the quote, on
// a split of its own); either way the reading is ReadHostile's on every
// reply of the hostile corpus, short and long.
func TestClassifySharesHostileSplit(t *testing.T) {
	checked, hostile := 0, 0
	for _, set := range []string{"ha", "hb"} {
		for _, r := range loadHostile(t, set) {
			// Longer than what the model reads: the hostile reading splits
			// the text itself.
			long := r.Body + "\n\n" + strings.Repeat("Le chantier avance bien. ", maxFeatureText/20)
			for _, body := range []string{r.Body, long} {
				m, err := message.Parse(strings.NewReader("From: Client <c@example.fr>\r\nTo: a@example.fr\r\nSubject: "+r.Subject+
					"\r\nDate: Mon, 09 Mar 2026 10:00:00 +0100\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+body), message.DefaultOptions())
				if err != nil {
					t.Fatal(err)
				}
				if strings.TrimSpace(ReplyTextOf(m.Text)) == "" || ReplyTextOf(m.Text) != reply.Strip(m.Text).Body {
					continue // read from the quote: not read for hostility
				}
				got, want := Classify(m, Options{}), ReadHostile(m.Subject, m.Text)
				checked++
				if want.Hostile {
					hostile++
				}
				if got.Hostile != want.Hostile || !slices.Equal(got.HostileSentences, want.Sentences) {
					t.Errorf("%s: Classify reads hostile %v %q, ReadHostile %v %q", r.ID, got.Hostile, got.HostileSentences, want.Hostile, want.Sentences)
				}
			}
		}
	}
	if checked < 200 || hostile < 50 {
		t.Errorf("only %d replies checked, %d hostile: the check proves little", checked, hostile)
	}
}

// TestByteMarkTests: the byte tests that replaced strings.ContainsAny for
// quotation marks and money signs answer as it did, on every sentence of
// the corpus and on marks cut or misplaced.
func TestByteMarkTests(t *testing.T) {
	texts := []string{"", `"`, "«", "»", "“", "”", "€", "$", "£", "\xc2", "\xe2\x80", "a\xc2\xab", "\u00a0\u2019\u201e",
		"12 € ttc", "« cité »", "“quoted”", "£40", "\xe2\x82", "¢ ¥ ‘ ’"}
	files, err := filepath.Glob(filepath.Join("testdata", "replies", "*", "*.eml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	for _, f := range files {
		for _, s := range sentences(ReplyTextOf(parseFile(t, f).Text)) {
			texts = append(texts, s.orig, s.folded)
		}
	}
	quoted, money := 0, 0
	for _, s := range texts {
		if got, want := hasMoneySign(s), strings.ContainsAny(s, "€$£"); got != want {
			t.Errorf("hasMoneySign(%q) = %v, want %v", s, got, want)
		} else if got {
			money++
		}
		if !utf8.ValidString(s) {
			continue
		}
		if got, want := hasQuotationMark(s), strings.ContainsAny(s, `"«»“”`); got != want {
			t.Errorf("hasQuotationMark(%q) = %v, want %v", s, got, want)
		} else if got {
			quoted++
		}
	}
	if quoted < 50 || money < 50 {
		t.Errorf("%d texts with a quotation mark, %d with a money sign: the check proves little", quoted, money)
	}
}
