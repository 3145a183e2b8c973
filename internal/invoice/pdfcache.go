package invoice

import (
	"crypto/sha256"
	"sync"
)

// PDFs remembers what was read from the PDFs met lately, by their content:
// the same invoice sent again carries the same bytes, and the self-check
// reads the PDF discovery has just read. Reading a PDF (its text, its
// embedded files) is the dearest step of discovery; with PDFs, none is done
// twice for the same bytes while they are remembered. Safe for concurrent
// use; a nil *PDFs reads every time.
type PDFs struct {
	mu    sync.Mutex
	m     map[[sha256.Size]byte]*pdfRead
	order [][sha256.Size]byte // oldest first, for eviction
	max   int
	// reads counts the PDFs actually read (text or embedded files).
	reads int
}

// pdfRead is what one PDF gave; each part is read once, on first demand.
type pdfRead struct {
	text  readOnce[string]
	files readOnce[[]embeddedFile]
}

// readOnce is one reading of a PDF, done by the first to ask.
type readOnce[T any] struct {
	once sync.Once
	v    T
	err  error
}

func (o *readOnce[T]) get(p *PDFs, read func() (T, error)) (T, error) {
	o.once.Do(func() {
		p.mu.Lock()
		p.reads++
		p.mu.Unlock()
		o.v, o.err = read()
	})
	return o.v, o.err
}

// NewPDFs remembers the last max PDFs (64 when max ≤ 0): a first pass
// meets an invoice's re-send within days of it, and texts are small.
func NewPDFs(max int) *PDFs {
	if max <= 0 {
		max = 64
	}
	return &PDFs{m: map[[sha256.Size]byte]*pdfRead{}, max: max}
}

func (p *PDFs) entry(data []byte) *pdfRead {
	key := sha256.Sum256(data)
	p.mu.Lock()
	defer p.mu.Unlock()
	if e, ok := p.m[key]; ok {
		return e
	}
	if len(p.order) >= p.max {
		delete(p.m, p.order[0])
		p.order = p.order[1:]
	}
	e := &pdfRead{}
	p.m[key] = e
	p.order = append(p.order, key)
	return e
}

// text is pdfText of data, read once.
func (p *PDFs) text(data []byte) (string, error) {
	if p == nil {
		return pdfText(data)
	}
	return p.entry(data).text.get(p, func() (string, error) { return pdfText(data) })
}

// embedded is embeddedFiles of data, read once. The files are shared:
// callers only read them.
func (p *PDFs) embedded(data []byte) ([]embeddedFile, error) {
	if p == nil {
		return embeddedFiles(data)
	}
	return p.entry(data).files.get(p, func() ([]embeddedFile, error) { return embeddedFiles(data) })
}

// Reads is how many times a PDF was actually read (its text or its
// embedded files), not answered from memory.
func (p *PDFs) Reads() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.reads
}

// Text is PDFText through the remembered reads.
func (p *PDFs) Text(data []byte) (string, error) { return p.text(data) }

// EmbeddedXML is EmbeddedXML through the remembered reads.
func (p *PDFs) EmbeddedXML(data []byte) [][]byte {
	files, _ := p.embedded(data)
	return xmlFiles(files)
}
