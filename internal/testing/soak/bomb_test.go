package soak

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/crc32"
	"testing"
)

// deflateZeros returns a raw deflate stream (RFC 1951) that inflates to n
// MiB of zero bytes. One MiB is compressed once and its flushed blocks
// repeated: back-references stay within the zeros, so the copies chain.
func deflateZeros(t testing.TB, mib int) []byte {
	t.Helper()
	var seg bytes.Buffer
	fw, err := flate.NewWriter(&seg, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(make([]byte, 1<<20)); err != nil {
		t.Fatal(err)
	}
	if err := fw.Flush(); err != nil { // byte-aligned, not final
		t.Fatal(err)
	}
	out := bytes.Repeat(seg.Bytes(), mib)
	return append(out, 0x03, 0x00) // an empty final block (fixed Huffman)
}

// zlibZeros wraps deflateZeros as a zlib stream (RFC 1950), the form of a
// PDF FlateDecode stream.
func zlibZeros(t testing.TB, mib int) []byte {
	t.Helper()
	n := uint64(mib) << 20
	out := []byte{0x78, 0xda}
	out = append(out, deflateZeros(t, mib)...)
	// Adler-32 of n zero bytes: s1 stays 1, s2 grows by 1 per byte.
	return binary.BigEndian.AppendUint32(out, uint32(n%65521)<<16|1)
}

// gzipZeros wraps deflateZeros as a gzip file (RFC 1952).
func gzipZeros(t testing.TB, mib int) []byte {
	t.Helper()
	out := []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255}
	out = append(out, deflateZeros(t, mib)...)
	crc := uint32(0)
	zero := make([]byte, 1<<20)
	for range mib {
		crc = crc32.Update(crc, crc32.IEEETable, zero)
	}
	out = binary.LittleEndian.AppendUint32(out, crc)
	return binary.LittleEndian.AppendUint32(out, uint32(uint64(mib)<<20))
}

// pdfWithStreams writes a one-page PDF with a correct cross-reference
// table. content is the page's (encoded) content stream; embedded, when not
// nil, is attached as factur-x.xml. Both are declared FlateDecode.
func pdfWithStreams(content, embedded []byte) []byte {
	var b bytes.Buffer
	var offsets []int
	obj := func(body string, stream []byte) {
		offsets = append(offsets, b.Len())
		fmtInt := len(offsets)
		b.WriteString(itoa(fmtInt) + " 0 obj\n" + body)
		if stream != nil {
			b.WriteString("\nstream\n")
			b.Write(stream)
			b.WriteString("\nendstream")
		}
		b.WriteString("\nendobj\n")
	}
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	catalog := "<< /Type /Catalog /Pages 2 0 R"
	if embedded != nil {
		catalog += " /Names << /EmbeddedFiles << /Names [(factur-x.xml) 5 0 R] >> >> /AF [5 0 R]"
	}
	obj(catalog+" >>", nil)
	obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>", nil)
	obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>", nil)
	obj("<< /Filter /FlateDecode /Length "+itoa(len(content))+" >>", content)
	if embedded != nil {
		obj("<< /Type /Filespec /F (factur-x.xml) /UF (factur-x.xml) /AFRelationship /Data /EF << /F 6 0 R >> >>", nil)
		obj("<< /Type /EmbeddedFile /Subtype /text#2Fxml /Filter /FlateDecode /Length "+itoa(len(embedded))+" >>", embedded)
	}
	xref := b.Len()
	b.WriteString("xref\n0 " + itoa(len(offsets)+1) + "\n0000000000 65535 f \n")
	for _, off := range offsets {
		s := itoa(off)
		b.WriteString(string(bytes.Repeat([]byte("0"), 10-len(s))) + s + " 00000 n \n")
	}
	b.WriteString("trailer\n<< /Size " + itoa(len(offsets)+1) + " /Root 1 0 R >>\nstartxref\n" + itoa(xref) + "\n%%EOF\n")
	return b.Bytes()
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var d []byte
	for ; n > 0; n /= 10 {
		d = append([]byte{byte('0' + n%10)}, d...)
	}
	return string(d)
}
