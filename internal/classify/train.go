package classify

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// Example is one labelled reply, read into features.
type Example struct {
	f      features
	label  int
	weight float32
}

// NewExample reads a labelled reply for training or for a correction: the
// client's words (see ReplyText), the subject, and the day the reply was
// written (zero when unknown), against which its dates are read.
func NewExample(text, subject string, date time.Time, class Class) (Example, bool) {
	i := classIndex(class)
	if i < 0 {
		return Example{}, false
	}
	return Example{f: extract(text, subject, referenceDay(date, nil), nil), label: i, weight: 1}, true
}

// TrainOptions set the training run. The defaults are what `make train`
// uses; training is deterministic for a given corpus and options.
type TrainOptions struct {
	Epochs int
	Rate   float64 // AdaGrad step
	L2     float64 // weight decay per update of a weight
	Seed   uint64
}

// DefaultTrainOptions returns the options of the shipped model.
func DefaultTrainOptions() TrainOptions {
	return TrainOptions{Epochs: 14, Rate: 0.08, L2: 1e-5, Seed: 20261207}
}

func (o TrainOptions) String() string {
	return fmt.Sprintf("epochs %d rate %g l2 %g seed %d", o.Epochs, o.Rate, o.L2, o.Seed)
}

// floatModel is a model during training, before quantization.
type floatModel struct {
	w    []float32
	bias [nClasses]float32
}

// train fits the reply model: a softmax over the classes (see fitSoftmax).
func train(ex []Example, opt TrainOptions) *floatModel {
	w, bias := fitSoftmax(fitExamples(ex), nClasses, nBuckets, opt)
	m := &floatModel{w: w}
	copy(m.bias[:], bias)
	return m
}

// fitExample is what fitSoftmax learns from: a reply's features, its label
// among the k classes, and its weight.
type fitExample struct {
	f      *features
	label  int
	weight float32
}

func fitExamples(ex []Example) []fitExample {
	fit := make([]fitExample, len(ex))
	for i := range ex {
		fit[i] = fitExample{f: &ex[i].f, label: ex[i].label, weight: ex[i].weight}
	}
	return fit
}

// fitSoftmax fits a multinomial logistic regression over k classes with
// AdaGrad, on feature buckets folded to buckets rows (a power of two).
// Classes are weighted to count equally, so that rare classes (hardship,
// auto-replies, the rarer objections) are not drowned by frequent ones. It
// returns the weights (buckets × k) and the biases.
func fitSoftmax(ex []fitExample, k, buckets int, opt TrainOptions) (w, bias []float32) {
	mask := uint32(buckets - 1)
	w = make([]float32, buckets*k)
	bias = make([]float32, k)
	g := make([]float32, buckets*k)
	gb := make([]float32, k)
	count := make([]float64, k)
	for _, e := range ex {
		count[e.label] += float64(e.weight)
	}
	cw := make([]float32, k)
	present := 0
	for _, n := range count {
		if n > 0 {
			present++
		}
	}
	for c, n := range count {
		if n > 0 {
			cw[c] = float32(float64(len(ex)) / (float64(present) * n))
		}
	}
	order := make([]int, len(ex))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15))
	rate, l2 := float32(opt.Rate), float32(opt.L2)
	sum, logits, grad := make([]float32, k), make([]float32, k), make([]float32, k)
	p := make([]float64, k)
	for epoch := 0; epoch < opt.Epochs; epoch++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			e := &ex[i]
			clear(sum)
			for _, id := range e.f.ids {
				b := int(id&mask) * k
				for c := 0; c < k; c++ {
					sum[c] += w[b+c]
				}
			}
			for c := 0; c < k; c++ {
				logits[c] = bias[c] + e.f.scale*sum[c]
			}
			softmaxInto(p, logits)
			for c := 0; c < k; c++ {
				y := float32(0)
				if c == e.label {
					y = 1
				}
				grad[c] = (float32(p[c]) - y) * cw[e.label] * e.weight
				gb[c] += grad[c] * grad[c]
				bias[c] -= rate * grad[c] / float32(math.Sqrt(float64(gb[c])+1e-8))
			}
			for _, id := range e.f.ids {
				base := int(id&mask) * k
				for c := 0; c < k; c++ {
					gr := grad[c] * e.f.scale
					kk := base + c
					g[kk] += gr * gr
					w[kk] -= rate*gr/float32(math.Sqrt(float64(g[kk])+1e-8)) + l2*w[kk]
				}
			}
		}
	}
	return w, bias
}

// quantize turns trained weights into the shipped form: one byte a weight,
// one scale a class.
func (m *floatModel) quantize() *Model {
	q := &Model{bias: m.bias}
	var scale []float32
	q.w, scale = quantizeRows(m.w, nClasses)
	copy(q.scale[:], scale)
	return q
}

// quantizeRows turns weights laid out as rows of k classes into one signed
// byte each, with one scale per class (its largest weight maps to 127).
func quantizeRows(w []float32, k int) ([]int8, []float32) {
	max := make([]float32, k)
	for i, v := range w {
		c := i % k
		if a := float32(math.Abs(float64(v))); a > max[c] {
			max[c] = a
		}
	}
	scale := make([]float32, k)
	for c := range max {
		scale[c] = max[c] / 127
		if scale[c] == 0 {
			scale[c] = 1
		}
	}
	q := make([]int8, len(w))
	for i, v := range w {
		q[i] = int8(math.Round(float64(v / scale[i%k])))
	}
	return q, scale
}

// readsAs reports whether probabilities p read as class index label with a
// clear margin: the class itself probable enough, and on the right side of
// the needs-human threshold by a good distance.
func (m *Model) readsAs(p [nClasses]float64, label int, target float64) bool {
	ph := humanProbability(p)
	if modelClasses[label].NeedsHuman() {
		best := label
		for _, c := range []Class{Dispute, Grievance, Hardship} {
			if p[classIndex(c)] > p[best] {
				best = classIndex(c)
			}
		}
		return best == label && ph >= target
	}
	return p[label] >= target && ph < float64(m.HumanThreshold)/2
}

// Train fits a model on ex with opt, quantized as shipped. Thresholds are
// left for the caller to set (see ChooseHumanThreshold).
func Train(ex []Example, opt TrainOptions) *Model { return train(ex, opt).quantize() }

// WithCorrections returns a copy of m that reads each corrected reply the
// way its owner said, and replies worded like it the same way. The shipped
// weights stay shared; the corrections live in a small table fitted on top
// (a few deterministic passes of the same logistic loss over the corrected
// replies only, until each is read as corrected with a clear margin).
func (m *Model) WithCorrections(corr []Example) *Model {
	out := *m
	out.local = map[uint32]*[nClasses]float32{}
	out.corrections = len(corr)
	if len(corr) == 0 {
		return &out
	}
	const (
		rate      = 0.5
		maxPasses = 200
		target    = 0.99
	)
	for pass := 0; pass < maxPasses; pass++ {
		settled := true
		for i := range corr {
			e := &corr[i]
			p := softmax(out.scores(&e.f, nil))
			if out.readsAs(p, e.label, target) {
				continue
			}
			settled = false
			for _, id := range e.f.ids {
				d := out.local[id]
				if d == nil {
					d = new([nClasses]float32)
					out.local[id] = d
				}
				for c := 0; c < nClasses; c++ {
					y := float32(0)
					if c == e.label {
						y = 1
					}
					d[c] -= rate * (float32(p[c]) - y) * e.f.scale
				}
			}
		}
		if settled {
			break
		}
	}
	return &out
}
