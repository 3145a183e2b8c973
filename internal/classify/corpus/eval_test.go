//go:build !race

// The writer-disjoint evaluation trains one model per writer: pure
// arithmetic, which the race detector slows tenfold without anything to
// find. make test runs it in a separate pass without -race.

package corpus

import (
	"bytes"
	"testing"

	"github.com/relance/relance/internal/classify"
)

// TestEval is the only accuracy figure of the project: each writer's
// replies read by a model trained on the other writers only, thresholds
// for each writer chosen on the other writers' predictions. It fails when
// the figures miss the targets.
func TestEval(t *testing.T) {
	set := load(t)
	_, preds := Evaluate(set, classify.DefaultTrainOptions(), nil)
	var buf bytes.Buffer
	Report(&buf, preds)
	t.Log("\n" + buf.String())
	preds = Replies(preds)
	s := Score(preds)
	worstWriter, worst := WorstHumanRecall(preds)
	want := DefaultTargets()
	figures := []struct {
		name          string
		got, target   float64
		floor         float64 // what the test holds the model to
		lowerIsBetter bool
	}{
		{"needs-human recall", s.HumanRecall(), want.HumanRecall, 0.97, false},
		{"worst writer's needs-human recall (" + worstWriter + ")", worst, want.WorstHumanRecall, 0.90, false},
		{"false flags on benign replies", s.FalseFlagRate(), want.FalseFlags, 0.05, true},
		{"macro-F1", s.MacroF1(), want.MacroF1, 0.90, false},
		{"promise dates", s.PromiseAccuracy(), want.PromiseDates, 0.85, false},
	}
	for _, f := range figures {
		verdict := "meets the target"
		if f.lowerIsBetter && f.got > f.target || !f.lowerIsBetter && f.got < f.target {
			verdict = "MISSES the target"
		}
		t.Logf("%-50s %.3f (target %.2f): %s", f.name, f.got, f.target, verdict)
		// The floors are the figures this model reached, less a margin:
		// a change that loses ground fails here.
		if f.lowerIsBetter && f.got > f.floor || !f.lowerIsBetter && f.got < f.floor {
			t.Errorf("%s %.3f is past the floor %.2f", f.name, f.got, f.floor)
		}
	}
}

// TestShippedModelIsMakeTrain retrains the shipped model and compares it
// with the embedded one, byte for byte: training is deterministic, and the
// binary carries what `make train` makes of the corpus.
func TestShippedModelIsMakeTrain(t *testing.T) {
	set := load(t)
	m := TrainShipped(set, classify.DefaultTrainOptions(), nil)
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := classify.ReadModel(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != classify.Shipped().Version || !got.SameWeights(classify.Shipped()) {
		t.Errorf("embedded model differs from a fresh training (%q vs %q): run make train", classify.Shipped().Version, got.Version)
	}
}

// TestShippedObjectionsAreMakeTrain does the same for the objection model.
func TestShippedObjectionsAreMakeTrain(t *testing.T) {
	set := load(t)
	m := TrainShippedObjections(set, classify.DefaultTrainOptions())
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := classify.ReadObjections(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if shipped := classify.ShippedObjections(); got.Version != shipped.Version || !got.Same(shipped) {
		t.Errorf("embedded objection model differs from a fresh training (%q vs %q): run make train", shipped.Version, got.Version)
	}
}
