package classify

import (
	"maps"
	"slices"
	"testing"
	"time"
)

// hasDocFeature reports whether f holds the whole-reply or sentence fact
// name, and on which sentence (-1 for the whole reply).
func hasDocFeature(f *features, name string) (int, bool) {
	b := bucket(hashAdd(hashStart(kindDoc), name))
	for k, id := range f.ids {
		if id == b {
			return int(f.sent[k]), true
		}
	}
	return 0, false
}

// TestSettleAheadFeature pins the fact that tells the model money is to be
// handed over on a day to come, whatever the tense ("je vous donne le
// chèque samedi", "it goes in the 27 September transfer"), and only then: a day gone, a payment told in the past
// or a word that is not one of handing money over ("facture") leave it out.
func TestSettleAheadFeature(t *testing.T) {
	ref := time.Date(2025, 9, 17, 0, 0, 0, 0, time.UTC) // a Wednesday
	cases := []struct {
		text            string
		sentence, whole bool
		at              int
	}{
		{"Bonjour. Je vous donne le chèque samedi.", true, true, 1},
		{"AR-12744 goes in the 27 September transfer.", true, true, 0},
		{"Je l'intègre au virement de vendredi.", true, true, 0},
		{"Le virement sera fait le 30.", true, true, 0},
		// A payment told in the past, or a day already gone.
		{"Le virement a été fait, vous l'aurez vendredi.", false, false, 0},
		{"Le chèque est parti le 12.", false, false, 0},
		// One announced, one made: not only ahead.
		{"Le premier virement est parti le 12. Le second virement partira le 30.", true, false, 1},
		// Not a word of handing money over.
		{"La facture sera validée vendredi.", false, false, 0},
		{"Merci, à samedi.", false, false, 0},
	}
	for _, c := range cases {
		f := extract(fold(c.text), "Re: facture", ref, nil)
		sid, ok := hasDocFeature(&f, "settle:ahead")
		if ok != c.sentence || ok && sid != c.at {
			t.Errorf("%q: settle:ahead %v on sentence %d, want %v on %d", c.text, ok, sid, c.sentence, c.at)
		}
		if _, ok := hasDocFeature(&f, "settle:only_ahead"); ok != c.whole {
			t.Errorf("%q: settle:only_ahead %v, want %v", c.text, ok, c.whole)
		}
	}
}

// TestWordFiltersKeepKeys: a word filter never turns away a key of its
// set, so a lookup it skips would have found nothing; and it turns away
// most words of replies, or it would be worth nothing.
func TestWordFiltersKeepKeys(t *testing.T) {
	keys := func(f *wordFilter, set []string) {
		t.Helper()
		for _, w := range set {
			if !f.may(w) {
				t.Errorf("the filter turns away %q, a key of its set", w)
			}
		}
	}
	keys(tenseFilter, slices.Collect(maps.Keys(tenseWords)))
	keys(negatorFilter, slices.Collect(maps.Keys(negators)))
	keys(dateWordFilter, slices.Collect(maps.Keys(dateWords)))
	keys(languageFilter, slices.Collect(maps.Keys(languageWords)))
	words, skipped := 0, 0
	for _, f := range replyTexts(t, "w0[34]") {
		toks, _ := tokenize(fold(f), nil, nil)
		for _, w := range toks {
			words++
			if !tenseFilter.may(w) {
				skipped++
				if tenseWords[w] != 0 {
					t.Errorf("%q skipped but in tenseWords", w)
				}
			}
		}
	}
	if words < 1000 || skipped*2 < words {
		t.Errorf("the tense filter turns away %d of %d words", skipped, words)
	}
}
