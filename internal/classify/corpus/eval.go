package corpus

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/relance/relance/internal/classify"
)

// Targets are the figures the model must reach on writers it never saw.
type Targets struct {
	HumanRecall      float64 // replies a human must see that are flagged
	WorstHumanRecall float64 // the same, for the worst single writer
	FalseFlags       float64 // benign replies wrongly flagged
	MacroF1          float64
	PromiseDates     float64
}

// DefaultTargets are the acceptance figures of the judgment work.
func DefaultTargets() Targets {
	return Targets{HumanRecall: 0.97, WorstHumanRecall: 0.90, FalseFlags: 0.05, MacroF1: 0.90, PromiseDates: 0.95}
}

// The operating point of the needs-human decision, chosen on writer-disjoint
// predictions: the recall the human threshold aims at on the writers it is
// chosen on (a little above the 0.97 asked of unseen writers), and the
// false-flag budget the unsure threshold must stay within.
const (
	HumanRecallTarget = 0.975
	MaxFalseFlags     = 0.05
)

// Prediction is one reply read by a model that never saw its writer.
type Prediction struct {
	Reply  *Reply
	Result classify.Result
}

// Folds holds one model per writer, each trained on every other writer.
type Folds struct {
	writers    []string
	models     map[string]*classify.Model
	objections map[string]*classify.ObjectionModel
}

// TrainFolds trains the writer-disjoint models. progress, when set, is told
// of each fold.
func TrainFolds(set []Reply, opt classify.TrainOptions, progress func(writer string, i, n int)) *Folds {
	f := &Folds{writers: Writers(set), models: map[string]*classify.Model{}, objections: map[string]*classify.ObjectionModel{}}
	for i, w := range f.writers {
		if progress != nil {
			progress(w, i+1, len(f.writers))
		}
		var others []Reply
		for _, r := range set {
			if r.Writer != w {
				others = append(others, r)
			}
		}
		f.models[w] = classify.Train(Examples(others), opt)
		f.objections[w] = classify.TrainObjections(ObjectionExamples(others), opt, "")
	}
	return f
}

// Predict reads every reply with its writer's fold model, thresholds set.
func (f *Folds) Predict(set []Reply, human, unsure float32) []Prediction {
	out := make([]Prediction, 0, len(set))
	for i := range set {
		r := &set[i]
		m := f.models[r.Writer]
		m.HumanThreshold, m.UnsureThreshold = human, unsure
		out = append(out, Prediction{Reply: r, Result: classify.Classify(r.Msg, classify.Options{Model: m, ReadObjection: true, Objections: f.objections[r.Writer]})})
	}
	return out
}

// Thresholds chooses the needs-human thresholds from writer-disjoint
// predictions made with thresholds that never fire (human 2, unsure 0):
// the highest human threshold whose recall reaches recall, then the unsure
// threshold that adds the most recall while benign false flags stay within
// maxFalse.
func Thresholds(raw []Prediction, recall, maxFalse float64) (human, unsure float32) {
	var probs []float64
	for _, p := range raw {
		if p.Reply.Class.NeedsHuman() && !p.Result.NeedsHuman {
			probs = append(probs, p.Result.HumanProbability)
		}
	}
	var need, flaggedByClass int
	for _, p := range raw {
		if p.Reply.Class.NeedsHuman() {
			need++
			if p.Result.NeedsHuman {
				flaggedByClass++
			}
		}
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(probs)))
	human = 0.5
	for k, ph := range probs {
		if float64(flaggedByClass)/float64(max(need, 1)) >= recall {
			break
		}
		if float64(flaggedByClass+k+1)/float64(need) >= recall || k == len(probs)-1 {
			human = float32(ph)
			break
		}
	}
	if human > 0.5 {
		human = 0.5
	}
	if human < 0.02 {
		human = 0.02
	}
	// Unsure: among a few candidates, the one with the best recall whose
	// false flags stay within budget.
	bestRecall := -1.0
	for _, u := range []float32{0, 0.3, 0.35, 0.4, 0.45, 0.5} {
		var tp, fn, ff, benign int
		for _, p := range raw {
			flagged := p.Result.NeedsHuman || p.Result.HumanProbability >= float64(human) ||
				p.Result.Confidence < float64(u) && p.Result.Class != classify.Bounce
			if p.Reply.Class.NeedsHuman() {
				if flagged {
					tp++
				} else {
					fn++
				}
			} else if p.Reply.Class != classify.Bounce {
				benign++
				if flagged {
					ff++
				}
			}
		}
		r := float64(tp) / float64(max(tp+fn, 1))
		if float64(ff)/float64(max(benign, 1)) <= maxFalse && r > bestRecall {
			bestRecall, unsure = r, u
		}
	}
	return human, unsure
}

// Evaluate runs the whole writer-disjoint evaluation: fold models, the
// thresholds for each writer chosen on the other writers' predictions only,
// then every reply read by its fold model.
func Evaluate(set []Reply, opt classify.TrainOptions, progress func(writer string, i, n int)) (*Folds, []Prediction) {
	folds := TrainFolds(set, opt, progress)
	raw := folds.Predict(set, 2, 0)
	byWriter := map[string][]Prediction{}
	for _, p := range raw {
		byWriter[p.Reply.Writer] = append(byWriter[p.Reply.Writer], p)
	}
	var out []Prediction
	for _, w := range folds.writers {
		var others []Prediction
		for _, p := range raw {
			if p.Reply.Writer != w {
				others = append(others, p)
			}
		}
		h, u := Thresholds(others, HumanRecallTarget, MaxFalseFlags)
		var mine []Reply
		for _, p := range byWriter[w] {
			mine = append(mine, *p.Reply)
		}
		preds := folds.Predict(mine, h, u)
		out = append(out, preds...)
	}
	return folds, out
}

// Scores are the figures of a set of predictions.
type Scores struct {
	N                  int
	PerClass           map[classify.Class]*ClassScore
	Confusion          map[classify.Class]map[classify.Class]int
	HumanTP, HumanFN   int
	FalseFlags, Benign int
	UnsureFlags        int
	PromiseOK, Promise int
	ReturnOK, Return   int
	// Unmarked counts the model's auto_reply readings sent to a human for
	// want of any mark of automatic mail, by label.
	Unmarked map[classify.Class]int
	// Objections: per kind, the replies that raise it (label) against
	// those read as raising it, "none" included.
	Objections map[classify.Objection]*ClassScore
}

// ClassScore counts one class's true positives, false positives and misses.
type ClassScore struct{ TP, FP, FN int }

// F1 of the class.
func (c ClassScore) F1() float64 {
	if c.TP == 0 {
		return 0
	}
	p := float64(c.TP) / float64(c.TP+c.FP)
	r := float64(c.TP) / float64(c.TP+c.FN)
	return 2 * p * r / (p + r)
}

// Score computes the figures of preds.
func Score(preds []Prediction) Scores {
	s := Scores{PerClass: map[classify.Class]*ClassScore{}, Confusion: map[classify.Class]map[classify.Class]int{},
		Objections: map[classify.Objection]*ClassScore{}, Unmarked: map[classify.Class]int{}}
	obj := func(o classify.Objection) *ClassScore {
		if s.Objections[o] == nil {
			s.Objections[o] = &ClassScore{}
		}
		return s.Objections[o]
	}
	cs := func(c classify.Class) *ClassScore {
		if s.PerClass[c] == nil {
			s.PerClass[c] = &ClassScore{}
		}
		return s.PerClass[c]
	}
	for _, p := range preds {
		want, got := p.Reply.Class, p.Result.Class
		s.N++
		if s.Confusion[want] == nil {
			s.Confusion[want] = map[classify.Class]int{}
		}
		s.Confusion[want][got]++
		if want == got {
			cs(want).TP++
		} else {
			cs(want).FN++
			cs(got).FP++
		}
		switch {
		case want.NeedsHuman():
			if p.Result.NeedsHuman {
				s.HumanTP++
			} else {
				s.HumanFN++
			}
		case want != classify.Bounce:
			s.Benign++
			if p.Result.NeedsHuman {
				s.FalseFlags++
				if p.Result.NeedsHumanReason == "unsure" {
					s.UnsureFlags++
				}
			}
		}
		for _, e := range p.Result.Evidence {
			if e.Signal == classify.SignalUnmarkedAutoReply {
				s.Unmarked[want]++
			}
		}
		if p.Reply.Promise != "" {
			s.Promise++
			if p.Result.PromiseDate != nil && p.Result.PromiseDate.Format(time.DateOnly) == p.Reply.Promise {
				s.PromiseOK++
			}
		}
		if want != classify.Bounce && want != classify.AutoReply {
			if wantO, gotO := classify.Objection(p.Reply.Objection), p.Result.Objection; wantO == gotO {
				obj(wantO).TP++
			} else {
				obj(wantO).FN++
				obj(gotO).FP++
			}
		}
		if p.Reply.Return != "" {
			s.Return++
			if p.Result.ReturnDate != nil && p.Result.ReturnDate.Format(time.DateOnly) == p.Reply.Return {
				s.ReturnOK++
			}
		}
	}
	return s
}

// HumanRecall is the share of replies a human must see that are flagged.
func (s Scores) HumanRecall() float64 { return ratio(s.HumanTP, s.HumanTP+s.HumanFN) }

// FalseFlagRate is the share of benign replies flagged.
func (s Scores) FalseFlagRate() float64 { return ratio(s.FalseFlags, s.Benign) }

// PromiseAccuracy is the share of labelled promise dates found exactly.
func (s Scores) PromiseAccuracy() float64 { return ratio(s.PromiseOK, s.Promise) }

// MacroF1 averages F1 over the classes present in the labels.
func (s Scores) MacroF1() float64 {
	sum, n := 0.0, 0
	for _, c := range classify.Classes() {
		if pc := s.PerClass[c]; pc != nil && pc.TP+pc.FN > 0 {
			sum += pc.F1()
			n++
		}
	}
	return ratio2(sum, n)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

func ratio2(a float64, b int) float64 {
	if b == 0 {
		return 0
	}
	return a / float64(b)
}

// Report prints the evaluation of the replies (overall figures, per class,
// the confusion matrix and per writer), then how the rest of the INBOX was
// read.
func Report(w io.Writer, all []Prediction) {
	preds := Replies(all)
	s := Score(preds)
	fmt.Fprintf(w, "Writer-disjoint evaluation: each writer's replies read by a model trained on the other writers only.\n\n")
	fmt.Fprintf(w, "replies %d · needs-human recall %.3f (%d/%d) · false flags on benign replies %.3f (%d/%d, %d of them unsure) · macro-F1 %.3f · promise dates %.3f (%d/%d) · return dates %.3f (%d/%d)\n\n",
		s.N, s.HumanRecall(), s.HumanTP, s.HumanTP+s.HumanFN, s.FalseFlagRate(), s.FalseFlags, s.Benign, s.UnsureFlags,
		s.MacroF1(), s.PromiseAccuracy(), s.PromiseOK, s.Promise, ratio(s.ReturnOK, s.Return), s.ReturnOK, s.Return)
	unmarked, unmarkedAuto, unmarkedHuman := 0, s.Unmarked[classify.AutoReply], 0
	for c, n := range s.Unmarked {
		unmarked += n
		if c.NeedsHuman() {
			unmarkedHuman += n
		}
	}
	fmt.Fprintf(w, "automatic readings without a header, a return date or automatic wording, sent to a human as unsure: %d (labelled auto_reply %d, needing a human %d, other %d)\n\n",
		unmarked, unmarkedAuto, unmarkedHuman, unmarked-unmarkedAuto-unmarkedHuman)
	scoreTable(w, 13, "class", classify.Classes(), s.PerClass)
	fmt.Fprintf(w, "\nconfusion (rows: label, columns: reading)\n%-13s", "")
	short := map[classify.Class]string{}
	for _, c := range classify.Classes() {
		short[c] = string(c)
		if len(short[c]) > 7 {
			short[c] = short[c][:7]
		}
		fmt.Fprintf(w, " %7s", short[c])
	}
	fmt.Fprintln(w)
	for _, want := range classify.Classes() {
		row := s.Confusion[want]
		if row == nil {
			continue
		}
		fmt.Fprintf(w, "%-13s", want)
		for _, got := range classify.Classes() {
			fmt.Fprintf(w, " %7d", row[got])
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "\n%-22s %5s %8s %9s %7s %8s %10s %9s\n", "writer", "n", "macroF1", "h-recall", "false", "promise", "objection", "obj-false")
	byWriter := map[string][]Prediction{}
	for _, p := range preds {
		byWriter[p.Reply.Writer] = append(byWriter[p.Reply.Writer], p)
	}
	var writers []string
	for wr := range byWriter {
		writers = append(writers, wr)
	}
	sort.Strings(writers)
	for _, wr := range writers {
		ws := Score(byWriter[wr])
		found, raised, falseObj, none := ws.objectionCounts()
		fmt.Fprintf(w, "%-22s %5d %8.3f %9.3f %7.3f %8s %10s %9s\n", wr, ws.N, ws.MacroF1(), ws.HumanRecall(), ws.FalseFlagRate(),
			fmt.Sprintf("%d/%d", ws.PromiseOK, ws.Promise), fmt.Sprintf("%d/%d", found, raised), fmt.Sprintf("%d/%d", falseObj, none))
	}
	reportObjections(w, s)
	if in := Inbox(all); len(in) > 0 {
		is := Score(in)
		right := 0
		for _, p := range in {
			if p.Result.Class == p.Reply.Class {
				right++
			}
		}
		fmt.Fprintf(w, "\nThe rest of the INBOX (mail that is not a client's answer about paying; each writer held out like the others): %d mails, read right %.3f (%d), flagged for a human %.3f (%d)\n",
			is.N, ratio(right, is.N), right, is.FalseFlagRate(), is.FalseFlags)
		for _, wr := range Writers(setReplies(in)) {
			ws := Score(byWriterOf(in, wr))
			fmt.Fprintf(w, "%-22s %5d flagged %.3f\n", wr, ws.N, ws.FalseFlagRate())
		}
	}
}

// objectionCounts returns how many replies raising an objection had its
// kind found, of how many, and how many replies raising none were given
// one, of how many.
func (s Scores) objectionCounts() (found, raised, falseObj, none int) {
	for _, o := range classify.Objections() {
		if c := s.Objections[o]; c != nil {
			raised += c.TP + c.FN
			found += c.TP
		}
	}
	if c := s.Objections[classify.NoObjection]; c != nil {
		falseObj, none = c.FN, c.TP+c.FN
	}
	return found, raised, falseObj, none
}

// reportObjections prints how the stock objections were read: per kind,
// and as the share of replies raising one whose kind was found, and of
// replies raising none that were given one.
func reportObjections(w io.Writer, s Scores) {
	found, raised, falseObj, none := s.objectionCounts()
	fmt.Fprintf(w, "\nStock objections: kind found %.3f (%d/%d) · objection read on a reply raising none %.3f (%d/%d)\n",
		ratio(found, raised), found, raised, ratio(falseObj, none), falseObj, none)
	scoreTable(w, 24, "objection", classify.Objections(), s.Objections)
}

// scoreTable prints precision, recall, F1 and support for each label that
// occurs, in the order of labels, the first column width wide.
func scoreTable[L ~string](w io.Writer, width int, head string, labels []L, scores map[L]*ClassScore) {
	fmt.Fprintf(w, "%-*s %9s %7s %7s %6s\n", width, head, "precision", "recall", "F1", "n")
	for _, l := range labels {
		c := scores[l]
		if c == nil {
			continue
		}
		fmt.Fprintf(w, "%-*s %9.3f %7.3f %7.3f %6d\n", width, l, ratio(c.TP, c.TP+c.FP), ratio(c.TP, c.TP+c.FN), c.F1(), c.TP+c.FN)
	}
}

func setReplies(ps []Prediction) []Reply {
	out := make([]Reply, 0, len(ps))
	for _, p := range ps {
		out = append(out, *p.Reply)
	}
	return out
}

func byWriterOf(ps []Prediction, w string) []Prediction {
	return filter(ps, func(r *Reply) bool { return r.Writer == w })
}

// WorstHumanRecall is the lowest needs-human recall of any single writer.
func WorstHumanRecall(preds []Prediction) (string, float64) {
	byWriter := map[string][]Prediction{}
	for _, p := range preds {
		byWriter[p.Reply.Writer] = append(byWriter[p.Reply.Writer], p)
	}
	worst, wr := 2.0, ""
	for w, ps := range byWriter {
		if r := Score(ps).HumanRecall(); r < worst || r == worst && w < wr {
			worst, wr = r, w
		}
	}
	return wr, worst
}

// Errors lists the misread replies, one line each, for the person improving
// the corpus or the model.
func Errors(preds []Prediction) []string {
	var out []string
	for _, p := range preds {
		if p.Result.Class != p.Reply.Class {
			out = append(out, fmt.Sprintf("%s: read %s, labelled %s (p_human %.2f)", p.Reply.File, p.Result.Class, p.Reply.Class, p.Result.HumanProbability))
		}
		if p.Reply.Promise != "" {
			got := ""
			if p.Result.PromiseDate != nil {
				got = p.Result.PromiseDate.Format(time.DateOnly)
			}
			if got != p.Reply.Promise {
				out = append(out, fmt.Sprintf("%s: promise date %q, labelled %s", p.Reply.File, got, p.Reply.Promise))
			}
		}
	}
	return out
}

// Counts prints the replies per writer, class and language.
func Counts(w io.Writer, set []Reply) {
	type row struct {
		n, fr, en, hard int
		class           map[classify.Class]int
	}
	rows := map[string]*row{}
	total := &row{class: map[classify.Class]int{}}
	for _, r := range set {
		x := rows[r.Writer]
		if x == nil {
			x = &row{class: map[classify.Class]int{}}
			rows[r.Writer] = x
		}
		for _, y := range []*row{x, total} {
			y.n++
			y.class[r.Class]++
			if r.Hard {
				y.hard++
			}
			switch r.Language {
			case "en":
				y.en++
			case "fr":
				y.fr++
			}
		}
	}
	fmt.Fprintf(w, "%-22s %5s %5s %5s %5s", "writer", "n", "fr", "en", "hard")
	for _, c := range classify.Classes() {
		fmt.Fprintf(w, " %8.8s", c)
	}
	fmt.Fprintln(w)
	print := func(name string, x *row) {
		fmt.Fprintf(w, "%-22s %5d %5d %5d %5d", name, x.n, x.fr, x.en, x.hard)
		for _, c := range classify.Classes() {
			fmt.Fprintf(w, " %8d", x.class[c])
		}
		fmt.Fprintln(w)
	}
	for _, wr := range Writers(set) {
		print(wr, rows[wr])
	}
	print("all", total)
	fmt.Fprintf(w, "French share: %.1f %%\n", 100*float64(total.fr)/float64(max(total.n, 1)))
}

// summary is a one-line description of a corpus, for the model's version.
func summary(set []Reply) string {
	return fmt.Sprintf("%d replies from %d writers", len(set), len(Writers(set)))
}

// TrainShipped trains the model shipped in the binary: thresholds chosen on
// writer-disjoint predictions, weights fitted on the whole corpus.
func TrainShipped(set []Reply, opt classify.TrainOptions, progress func(writer string, i, n int)) *classify.Model {
	folds := TrainFolds(set, opt, progress)
	h, u := Thresholds(folds.Predict(set, 2, 0), HumanRecallTarget, MaxFalseFlags)
	m := classify.Train(Examples(set), opt)
	m.HumanThreshold, m.UnsureThreshold = h, u
	m.Version = fmt.Sprintf("%s; trained %s; human %.3f unsure %.2f", strings.TrimSpace(summary(set)), opt.String(), h, u)
	return m
}

// TrainShippedObjections counts the objection model shipped in the binary
// from the whole corpus.
func TrainShippedObjections(set []Reply, opt classify.TrainOptions) *classify.ObjectionModel {
	return classify.TrainObjections(ObjectionExamples(set), opt, fmt.Sprintf("%s; trained %s", strings.TrimSpace(summary(set)), opt.String()))
}

// Agreement prints the second labelling pass's agreement with the writers'
// labels (RELABEL.tsv at the corpus root: file, writer's label, second
// label, settled label), when the file exists.
func Agreement(w io.Writer, root string) error {
	raw, err := os.ReadFile(filepath.Join(root, "RELABEL.tsv"))
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintln(w, "relabelling: no RELABEL.tsv")
		return nil
	}
	if err != nil {
		return fmt.Errorf("corpus: %w", err)
	}
	agree, n, keptFirst := 0, 0, 0
	for i, line := range strings.Split(string(raw), "\n") {
		if i == 0 || strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 4 {
			return fmt.Errorf("corpus: RELABEL.tsv line %d: want file, label, second label, settled label", i+1)
		}
		n++
		if f[1] == f[2] {
			agree++
		} else if f[3] == f[1] {
			keptFirst++
		}
	}
	fmt.Fprintf(w, "relabelling: %d replies relabelled blind by a second reader; agreement %.1f %% (%d/%d); of %d disagreements, %d settled for the writer's label\n",
		n, 100*ratio(agree, n), agree, n, n-agree, keptFirst)
	return nil
}
