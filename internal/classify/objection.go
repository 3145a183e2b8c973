package classify

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"math"
	"sync"
	"time"

	"github.com/relance/relance/internal/domain"
)

// Objection is the stock excuse a reply raises, when it raises one
// (defined with the rest of the product's words in domain).
type Objection = domain.Objection

// The objections a reply can raise, under the classifier's names.
const (
	NoObjection           = domain.NoObjection
	ChequeInPost          = domain.ObjectionChequeInPost
	Oversight             = domain.ObjectionOversight
	ClientNotPaid         = domain.ObjectionClientNotPaid
	GoodsReturned         = domain.ObjectionGoodsReturned
	ProgressPaymentDefect = domain.ObjectionProgressPaymentDefect
	NotReceived           = domain.ObjectionNotReceived
	WrongAmount           = domain.ObjectionWrongAmount
	AwaitingApproval      = domain.ObjectionAwaitingApproval
)

// objectionKinds are the rows of the objection model, "none" first.
var objectionKinds = [...]Objection{NoObjection, ChequeInPost, Oversight, ClientNotPaid, GoodsReturned,
	ProgressPaymentDefect, NotReceived, WrongAmount, AwaitingApproval}

const nObjections = len(objectionKinds)

// Objections lists the objections a reply can raise (without "none").
func Objections() []Objection { return domain.Objections() }

func objectionIndex(o Objection) int {
	for i, k := range objectionKinds {
		if k == o {
			return i
		}
	}
	return -1
}

// objectionBits sizes the objection model's table: the reply model's
// buckets folded to 2^15, since eight rare kinds need far fewer weights than
// the classes read on every reply.
const (
	objectionBits    = 15
	objectionBuckets = 1 << objectionBits
)

// ObjectionModel is a multinomial logistic regression over the reply
// model's features (folded to objectionBuckets), trained like the reply
// model, with "none" as one of its kinds.
type ObjectionModel struct {
	w     []int8 // objectionBuckets × nObjections, quantized
	scale [nObjections]float32
	bias  [nObjections]float32
	// Version names the corpus and training run it came from.
	Version string
}

// NewObjectionExample reads a reply labelled with the objection it raises
// (NoObjection when it raises none), for the objection model: the same
// reading as NewExample, another label.
func NewObjectionExample(text, subject string, date time.Time, o Objection) (Example, bool) {
	i := objectionIndex(o)
	if i < 0 {
		return Example{}, false
	}
	return Example{f: extract(text, subject, referenceDay(date, nil), nil), label: i, weight: 1}, true
}

// TrainObjections fits the objection model on ex with opt.
func TrainObjections(ex []Example, opt TrainOptions, version string) *ObjectionModel {
	w, bias := fitSoftmax(fitExamples(ex), nObjections, objectionBuckets, opt)
	m := &ObjectionModel{Version: version}
	var scale []float32
	m.w, scale = quantizeRows(w, nObjections)
	copy(m.scale[:], scale)
	copy(m.bias[:], bias)
	return m
}

// objection names the objection f raises, if any: the most probable kind,
// "none" included.
func (m *ObjectionModel) objection(f *features) Objection {
	if m == nil || len(f.ids) == 0 {
		return NoObjection
	}
	var sum [nObjections]int32
	for _, id := range f.ids {
		row := m.w[int(id&(objectionBuckets-1))*nObjections:][:nObjections]
		for c := range sum {
			sum[c] += int32(row[c])
		}
	}
	best, bestScore := 0, float32(math.Inf(-1))
	for c := range sum {
		if s := m.bias[c] + f.scale*m.scale[c]*float32(sum[c]); s > bestScore {
			best, bestScore = c, s
		}
	}
	return objectionKinds[best]
}

const objectionMagic = "RELANCE-OBJECTIONS-1\n"

// WriteTo writes the model in the embedded format, gzip-compressed.
func (m *ObjectionModel) WriteTo(w io.Writer) (int64, error) {
	p := newPacker(w, objectionMagic)
	p.put(uint32(objectionBits))
	p.put(uint32(nObjections))
	for _, o := range objectionKinds {
		p.name(string(o))
	}
	p.put(m.bias)
	p.put(m.scale)
	p.text(m.Version)
	p.put(m.w)
	return 0, p.close()
}

// ReadObjections reads a model written by WriteTo.
func ReadObjections(r io.Reader) (*ObjectionModel, error) {
	u, err := newUnpacker(r, objectionMagic, "objection model")
	if err != nil {
		return nil, err
	}
	var bits, n uint32
	u.get(&bits)
	u.get(&n)
	if u.err == nil && (bits != objectionBits || int(n) != nObjections) {
		return nil, fmt.Errorf("classify: read objection model: %d buckets × %d kinds, this build reads %d × %d",
			1<<bits, n, objectionBuckets, nObjections)
	}
	for i := 0; i < nObjections && u.err == nil; i++ {
		if name := u.name(); u.err == nil && Objection(name) != objectionKinds[i] {
			u.err = fmt.Errorf("kind %d is %q, this build expects %q", i, name, objectionKinds[i])
		}
	}
	m := &ObjectionModel{w: make([]int8, objectionBuckets*nObjections)}
	u.get(&m.bias)
	u.get(&m.scale)
	m.Version = u.text()
	u.get(m.w)
	if u.err != nil {
		return nil, fmt.Errorf("classify: read objection model: %w", u.err)
	}
	return m, nil
}

// Same reports whether m and o have identical weights.
func (m *ObjectionModel) Same(o *ObjectionModel) bool {
	return m.bias == o.bias && m.scale == o.scale && bytes.Equal(int8Bytes(m.w), int8Bytes(o.w))
}

//go:embed model/objections.bin.gz
var shippedObjections []byte

var shippedObjectionModel = sync.OnceValues(func() (*ObjectionModel, error) {
	return ReadObjections(bytes.NewReader(shippedObjections))
})

// ShippedObjections returns the objection model counted from the project's
// corpus (`make train`).
func ShippedObjections() *ObjectionModel {
	m, err := shippedObjectionModel()
	if err != nil {
		// Embedded at build time and checked by the tests.
		panic(fmt.Sprintf("classify: embedded objection model: %v", err))
	}
	return m
}
