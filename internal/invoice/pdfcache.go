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
	textOnce  sync.Once
	text      string
	textErr   error
	filesOnce sync.Once
	files     []embeddedFile
	filesErr  error
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

func (p *PDFs) counted() {
	p.mu.Lock()
	p.reads++
	p.mu.Unlock()
}

// text is pdfText of data, read once.
func (p *PDFs) text(data []byte) (string, error) {
	if p == nil {
		return pdfText(data)
	}
	e := p.entry(data)
	e.textOnce.Do(func() {
		p.counted()
		e.text, e.textErr = pdfText(data)
	})
	return e.text, e.textErr
}

// embedded is embeddedFiles of data, read once. The files are shared:
// callers only read them.
func (p *PDFs) embedded(data []byte) ([]embeddedFile, error) {
	if p == nil {
		return embeddedFiles(data)
	}
	e := p.entry(data)
	e.filesOnce.Do(func() {
		p.counted()
		e.files, e.filesErr = embeddedFiles(data)
	})
	return e.files, e.filesErr
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
