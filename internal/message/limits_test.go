package message

import (
	"io"
	"runtime"
	"strings"
	"testing"
)

// bigMail streams a mail of about size bytes without holding it: a header
// and one huge base64 attachment.
type bigMail struct {
	head []byte
	left int
	line []byte
}

func newBigMail(size int) *bigMail {
	head := "From: sender@example.com\r\nSubject: huge scan\r\nMessage-ID: <huge@example.com>\r\n" +
		"Content-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n" +
		"--zz\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
	return &bigMail{head: []byte(head), left: size - len(head), line: []byte(strings.Repeat("QUJD", 19) + "\r\n")}
}

func (g *bigMail) Read(p []byte) (int, error) {
	if len(g.head) > 0 {
		n := copy(p, g.head)
		g.head = g.head[n:]
		return n, nil
	}
	if g.left <= 0 {
		return 0, io.EOF
	}
	n := 0
	for n+len(g.line) <= len(p) && g.left > 0 {
		n += copy(p[n:], g.line)
		g.left -= len(g.line)
	}
	if n == 0 {
		n = copy(p, g.line[:min(len(p), len(g.line))])
		g.left -= n
	}
	return n, nil
}

func heapInUse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

func TestParseOversizeMailKeepsNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 50 MB")
	}
	before := heapInUse()
	m, err := Parse(newBigMail(60<<20), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	after := heapInUse()
	if m.Subject != "huge scan" || m.MessageID != "huge@example.com" {
		t.Errorf("header lost: %+v", m)
	}
	if !hasProblem(m, "body skipped") {
		t.Errorf("problems = %q", m.Problems)
	}
	if m.Text != "" || len(m.Attachments) != 0 {
		t.Errorf("body kept: text %q, %d attachments", m.Text, len(m.Attachments))
	}
	if after > before+4<<20 {
		t.Errorf("heap grew by %d bytes while holding the result", after-before)
	}
	runtime.KeepAlive(m)
}

func TestParseLargeAttachmentWithinLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 30 MB")
	}
	before := heapInUse()
	m, err := Parse(newBigMail(30<<20), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	after := heapInUse()
	if m.Text != "see attached" || len(m.Attachments) != 1 {
		t.Fatalf("text %q, attachments %+v", m.Text, m.Attachments)
	}
	a := m.Attachments[0]
	if !a.Truncated || a.Data != nil || a.Size < 20<<20 {
		t.Errorf("attachment = %+v", a)
	}
	if after > before+4<<20 {
		t.Errorf("heap grew by %d bytes while holding the result", after-before)
	}
	runtime.KeepAlive(m)
}

// TestParseHostileInputs feeds shapes that make naive parsers quadratic or
// unbounded; each must parse with a bounded problem list.
func TestParseHostileInputs(t *testing.T) {
	cases := map[string]string{
		"unterminated encoded words": "Subject: " + strings.Repeat("=?a", 80000) + "\n\nx",
		"many encoded words":         "Subject: " + strings.Repeat("=?utf-8?q?a?= ", 20000) + "\n\nx",
		"deep html":                  "Content-Type: text/html\n\n" + strings.Repeat("<blockquote><ul><li><a href=x>", 50000),
		"many header lines":          strings.Repeat("X-A: b\n", 30000) + "\nx",
		"many parts":                 "Content-Type: multipart/mixed; boundary=a\n\n" + strings.Repeat("--a\n\nx\n", 100000),
		"deep multiparts":            strings.Repeat("Content-Type: multipart/mixed; boundary=a\n\n--a\n", 10000),
		"deep messages":              strings.Repeat("Content-Type: message/rfc822\n\n", 10000),
		"many parameter sections":    "Content-Type: text/plain; " + strings.Repeat("a*1*=b; ", 20000) + "\n\nx",
		"huge status part": "Content-Type: multipart/report; boundary=a\n\n--a\n\nx\n--a\n\n" +
			strings.Repeat("Action: failed\nFinal-Recipient: a@b\n\n", 20000),
		"broken address list": "To: " + strings.Repeat("a@b.c, <d@e, \"x\" <", 10000) + "\n\nx",
		"dangling qp":         "Content-Transfer-Encoding: quoted-printable\n\n" + strings.Repeat("= \t ", 50000),
	}
	for name, raw := range cases {
		t.Run(name, func(t *testing.T) {
			m, err := Parse(strings.NewReader(raw), DefaultOptions())
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Problems) > maxProblems+1 {
				t.Errorf("%d problems", len(m.Problems))
			}
		})
	}
}
