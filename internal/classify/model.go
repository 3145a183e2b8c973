package classify

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"slices"
	"sync"
)

// modelClasses are the classes the model chooses among, in the order of its
// weight rows. Bounces are recognised by exact rules before the model reads
// anything.
var modelClasses = [...]Class{Paid, Promise, Dispute, Grievance, Hardship, InfoRequest, AutoReply, Other}

const nClasses = len(modelClasses)

func classIndex(c Class) int {
	for i, k := range modelClasses {
		if k == c {
			return i
		}
	}
	return -1
}

// Model is a multinomial logistic regression over hashed features (see
// features.go), with the owner's corrections layered on top. The shipped
// weights are read-only and shared; a model with corrections adds a small
// sparse table of its own.
type Model struct {
	w     []int8 // nBuckets × nClasses, quantized
	scale [nClasses]float32
	bias  [nClasses]float32

	// HumanThreshold: needs_human when P(dispute)+P(grievance)+P(hardship)
	// reaches it. Chosen on writer-disjoint predictions, where missing a
	// dispute costs far more than a false flag.
	HumanThreshold float32
	// UnsureThreshold: needs_human ("unsure") when no class reaches it.
	UnsureThreshold float32
	// Version names the weights (the corpus and training run they came from).
	Version string
	// ID is a digest of the weights file: it changes with every training.
	ID string

	local       map[uint32]*[nClasses]float32
	corrections int
}

// Corrections is the number of the owner's corrections this model includes.
func (m *Model) Corrections() int { return m.corrections }

//go:embed model/weights.bin.gz
var shippedWeights []byte

var shipped = sync.OnceValues(func() (*Model, error) {
	m, err := ReadModel(bytes.NewReader(shippedWeights))
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(shippedWeights)
	m.ID = hex.EncodeToString(sum[:6])
	return m, nil
})

// Shipped returns the model trained on the project's corpus (`make train`).
func Shipped() *Model {
	m, err := shipped()
	if err != nil {
		// The weights are embedded at build time and checked by the tests:
		// an unreadable file is a broken build, not an input error.
		panic(fmt.Sprintf("classify: embedded model: %v", err))
	}
	return m
}

// scores returns the logits of f, and the per-sentence contributions when
// perSentence is non-nil (indexed like f.sents).
func (m *Model) scores(f *features, perSentence [][nClasses]float32) [nClasses]float32 {
	// The shipped weights are small integers with a scale per class: sum
	// them as integers and scale once, per reply and per sentence. This is
	// most of the cost of reading a reply, so it stays a tight loop.
	var sum [nClasses]int32
	var perInt [][nClasses]int32
	if perSentence != nil {
		perInt = f.perInt[:0]
		for range perSentence {
			perInt = append(perInt, [nClasses]int32{})
		}
		f.perInt = perInt
	}
	w := m.w
	ids, sent := f.ids, f.sent[:len(f.ids)]
	for k := 0; k < len(ids); {
		// The features of a sentence come in one run: their rows are
		// summed apart, then added once to the reply's and the sentence's
		// sums (integers: the order changes nothing).
		s := sent[k]
		var run [nClasses]int32
		for ; k < len(ids) && sent[k] == s; k++ {
			row := (*[nClasses]int8)(w[int(ids[k])*nClasses:])
			for c := range run {
				run[c] += int32(row[c])
			}
		}
		for c := range sum {
			sum[c] += run[c]
		}
		if perInt != nil && s >= 0 {
			ps := &perInt[s]
			for c := range ps {
				ps[c] += run[c]
			}
		}
	}
	var logits [nClasses]float32
	for c := range logits {
		logits[c] = m.bias[c] + f.scale*float32(sum[c])*m.scale[c]
	}
	for s := range perInt {
		for c := range perSentence[s] {
			perSentence[s][c] += f.scale * float32(perInt[s][c]) * m.scale[c]
		}
	}
	if m.local != nil {
		for k, id := range f.ids {
			d := m.local[id]
			if d == nil {
				continue
			}
			for c := range logits {
				logits[c] += f.scale * d[c]
			}
			if perSentence != nil && f.sent[k] >= 0 {
				ps := &perSentence[f.sent[k]]
				for c := range ps {
					ps[c] += d[c] * f.scale
				}
			}
		}
	}
	return logits
}

func softmax(logits [nClasses]float32) [nClasses]float64 {
	var p [nClasses]float64
	softmaxInto(p[:], logits[:])
	return p
}

// softmaxInto writes the probabilities of logits into p (of the same length).
func softmaxInto(p []float64, logits []float32) {
	max := logits[0]
	for _, v := range logits[1:] {
		if v > max {
			max = v
		}
	}
	total := 0.0
	for c, v := range logits {
		p[c] = math.Exp(float64(v - max))
		total += p[c]
	}
	for c := range p {
		p[c] /= total
	}
}

// humanProbability is the probability that a person must read the reply.
func humanProbability(p [nClasses]float64) float64 {
	return p[classIndex(Dispute)] + p[classIndex(Grievance)] + p[classIndex(Hardship)]
}

// decision is the model's reading of one reply.
type decision struct {
	class       Class
	needsHuman  bool
	reason      string // "class" or "unsure" when needsHuman
	confidence  float64
	probs       [nClasses]float64
	perSentence [][nClasses]float32
}

func (m *Model) decide(f *features) decision {
	per := f.per[:0]
	for range f.sents {
		per = append(per, [nClasses]float32{})
	}
	f.per = per
	p := softmax(m.scores(f, per))
	d := decision{probs: p, perSentence: per}
	best := 0
	for c := range p {
		if p[c] > p[best] {
			best = c
		}
	}
	ph := humanProbability(p)
	switch {
	case ph >= float64(m.HumanThreshold) || modelClasses[best].NeedsHuman():
		h := classIndex(Dispute)
		for _, c := range []Class{Grievance, Hardship} {
			if p[classIndex(c)] > p[h] {
				h = classIndex(c)
			}
		}
		d.class, d.needsHuman, d.reason, d.confidence = modelClasses[h], true, "class", ph
	default:
		d.class, d.confidence = modelClasses[best], p[best]
		if p[best] < float64(m.UnsureThreshold) {
			d.needsHuman, d.reason = true, "unsure"
		}
	}
	return d
}

// evidence ranks the sentences that pushed hardest towards the decided
// class (against the average of the others), at most max of them.
func (d decision) evidence(f *features, max int) []Evidence {
	target := classIndex(d.class)
	type scored struct {
		i      int
		weight float32
		class  int
	}
	// The max heaviest, in the order a stable sort by weight would give:
	// a sentence goes after those at least as heavy.
	var buf [4]scored
	out := buf[:0]
	if max > len(buf)-1 {
		out = make([]scored, 0, max+1)
	}
	for i, ps := range d.perSentence {
		var others float32
		for c := 0; c < nClasses; c++ {
			if c != target {
				others += ps[c]
			}
		}
		w := ps[target] - others/float32(nClasses-1)
		if w <= 0 {
			continue
		}
		at := len(out)
		for at > 0 && out[at-1].weight < w {
			at--
		}
		if at >= max {
			continue
		}
		own := 0
		for c := 1; c < nClasses; c++ {
			if ps[c] > ps[own] {
				own = c
			}
		}
		out = slices.Insert(out, at, scored{i, w, own})
		if len(out) > max {
			out = out[:max]
		}
	}
	ev := make([]Evidence, 0, len(out))
	for _, s := range out {
		ev = append(ev, Evidence{Sentence: clip(f.sents[s.i]), Signal: "model:" + string(modelClasses[s.class]),
			Weight: math.Round(float64(s.weight)*100) / 100})
	}
	return ev
}

const modelMagic = "RELANCE-MODEL-1\n"

// WriteTo writes the model's shipped part (weights and thresholds, not the
// local corrections) in the embedded format, gzip-compressed.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	p := newPacker(w, modelMagic)
	p.put(uint32(hashBits))
	p.put(uint32(nClasses))
	for _, c := range modelClasses {
		p.name(string(c))
	}
	p.put(m.bias)
	p.put(m.scale)
	p.put(m.HumanThreshold)
	p.put(m.UnsureThreshold)
	p.text(m.Version)
	p.put(m.w)
	return 0, p.close()
}

// ReadModel reads a model written by WriteTo.
func ReadModel(r io.Reader) (*Model, error) {
	u, err := newUnpacker(r, modelMagic, "model")
	if err != nil {
		return nil, err
	}
	var bits, n uint32
	u.get(&bits)
	u.get(&n)
	if u.err == nil && (bits != hashBits || int(n) != nClasses) {
		return nil, fmt.Errorf("classify: read model: %d buckets × %d classes, this build reads %d × %d", 1<<bits, n, nBuckets, nClasses)
	}
	for i := 0; i < nClasses && u.err == nil; i++ {
		if name := u.name(); u.err == nil && Class(name) != modelClasses[i] {
			u.err = fmt.Errorf("class %d is %q, this build expects %q", i, name, modelClasses[i])
		}
	}
	m := &Model{w: make([]int8, nBuckets*nClasses)}
	u.get(&m.bias)
	u.get(&m.scale)
	u.get(&m.HumanThreshold)
	u.get(&m.UnsureThreshold)
	m.Version = u.text()
	u.get(m.w)
	if u.err != nil {
		return nil, fmt.Errorf("classify: read model: %w", u.err)
	}
	return m, nil
}

// SameWeights reports whether m and o have identical weights and
// thresholds (corrections aside).
func (m *Model) SameWeights(o *Model) bool {
	return m.bias == o.bias && m.scale == o.scale && m.HumanThreshold == o.HumanThreshold &&
		m.UnsureThreshold == o.UnsureThreshold && bytes.Equal(int8Bytes(m.w), int8Bytes(o.w))
}

func int8Bytes(w []int8) []byte {
	b := make([]byte, len(w))
	for i, v := range w {
		b[i] = byte(v)
	}
	return b
}
