package classify

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
)

// The embedded weight files share one layout: gzip around a magic line and
// little-endian values. A packer and an unpacker keep the first error and
// ignore what follows it, so that a file is written or read as a list of
// fields with one error check at the end.

type packer struct {
	zw  *gzip.Writer
	bw  *bufio.Writer
	err error
}

func newPacker(w io.Writer, magic string) *packer {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	p := &packer{zw: zw, err: err}
	if err == nil {
		p.bw = bufio.NewWriter(zw)
		_, p.err = p.bw.WriteString(magic)
	}
	return p
}

func (p *packer) put(v any) {
	if p.err == nil {
		p.err = binary.Write(p.bw, binary.LittleEndian, v)
	}
}

// name writes a short string behind its one-byte length.
func (p *packer) name(s string) {
	p.put(uint8(len(s)))
	p.put([]byte(s))
}

// text writes a string behind its two-byte length.
func (p *packer) text(s string) {
	p.put(uint16(len(s)))
	p.put([]byte(s))
}

func (p *packer) close() error {
	if p.err == nil {
		p.err = p.bw.Flush()
	}
	if p.err == nil {
		p.err = p.zw.Close()
	}
	return p.err
}

type unpacker struct {
	br  *bufio.Reader
	err error
}

// newUnpacker opens a file written by a packer with the same magic; what
// names the file in errors.
func newUnpacker(r io.Reader, magic, what string) (*unpacker, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("classify: read %s: %w", what, err)
	}
	u := &unpacker{br: bufio.NewReader(zr)}
	got := make([]byte, len(magic))
	if _, err := io.ReadFull(u.br, got); err != nil || string(got) != magic {
		return nil, fmt.Errorf("classify: read %s: not a relance %s file", what, what)
	}
	return u, nil
}

func (u *unpacker) get(v any) {
	if u.err == nil {
		u.err = binary.Read(u.br, binary.LittleEndian, v)
	}
}

func (u *unpacker) name() string {
	var l uint8
	u.get(&l)
	b := make([]byte, l)
	u.get(b)
	return string(b)
}

func (u *unpacker) text() string {
	var l uint16
	u.get(&l)
	b := make([]byte, l)
	u.get(b)
	return string(b)
}
