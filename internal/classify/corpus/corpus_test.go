package corpus

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relance/relance/internal/classify"
)

// root is the project's corpus.
var root = filepath.Join("..", "testdata", "replies")

func load(t testing.TB) []Reply {
	t.Helper()
	set, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// TestCorpusShape checks the corpus against what the judgment work asks: at
// least 3,000 replies from at least 12 independently briefed writers, French
// 55 % or more, every model class present for every writer that writes it.
func TestCorpusShape(t *testing.T) {
	set := load(t)
	var buf bytes.Buffer
	Counts(&buf, set)
	t.Log("\n" + buf.String())
	var replies []Reply
	for _, r := range set {
		if r.Set == "reply" {
			replies = append(replies, r)
		}
	}
	if len(replies) < 3000 {
		t.Errorf("%d replies, want at least 3000", len(replies))
	}
	writers := 0
	for _, w := range Writers(replies) {
		if !strings.HasPrefix(w, "p") { // p01, p02: the project's own earlier sets
			writers++
		}
	}
	if writers < 12 {
		t.Errorf("%d independent writers, want at least 12", writers)
	}
	fr := 0
	for _, r := range replies {
		if r.Language == "fr" {
			fr++
		}
	}
	if share := float64(fr) / float64(len(replies)); share < 0.55 {
		t.Errorf("French share %.2f, want at least 0.55", share)
	}
	per := map[classify.Class]int{}
	for _, r := range set {
		per[r.Class]++
	}
	for _, c := range classify.Classes() {
		if c != classify.Bounce && per[c] < 60 {
			t.Errorf("class %s has %d replies, want at least 60", c, per[c])
		}
	}
	if err := Agreement(&buf, root); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(filepath.Join(root, "RELABEL.tsv")); err != nil {
		t.Errorf("no second labelling pass: %v", err)
	}
}

// TestShippedModelVersion checks that the embedded model was trained on the
// corpus as it is (run `make train` after changing the corpus).
func TestShippedModelVersion(t *testing.T) {
	set := load(t)
	if want := summary(set); !strings.HasPrefix(classify.Shipped().Version, want) {
		t.Errorf("shipped model %q, corpus %q: run make train", classify.Shipped().Version, want)
	}
}

func TestThresholds(t *testing.T) {
	mk := func(label classify.Class, ph, conf float64, flagged bool) Prediction {
		return Prediction{Reply: &Reply{Class: label}, Result: classify.Result{HumanProbability: ph, Confidence: conf, NeedsHuman: flagged}}
	}
	var raw []Prediction
	// 100 human replies: 90 already flagged by their class, 10 with
	// p_human 0.05 … 0.50; 100 benign replies with p_human 0.01.
	for i := 0; i < 90; i++ {
		raw = append(raw, mk(classify.Dispute, 0.9, 0.9, true))
	}
	for i := 0; i < 10; i++ {
		raw = append(raw, mk(classify.Grievance, 0.05*float64(i+1), 0.6, false))
	}
	for i := 0; i < 100; i++ {
		raw = append(raw, mk(classify.Paid, 0.01, 0.95, false))
	}
	h, u := Thresholds(raw, 0.98, 0.05)
	// 98 of 100 needs the 8 highest of the 10: the 8th highest is 0.15.
	if h < 0.149 || h > 0.151 {
		t.Errorf("human threshold %.3f, want 0.15", h)
	}
	if u != 0 {
		t.Errorf("unsure threshold %.2f: every benign reply is confident, no unsure threshold adds recall", u)
	}
}
