package message

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	gomessage "github.com/emersion/go-message"
	"github.com/emersion/go-message/textproto"
)

// splitWithGoMessage cuts a mail the way an IMAP server would serve it:
// the raw header block and each leaf part's raw, still encoded body. It
// uses go-message's own MIME reader so the test does not lean on the
// parser under test. ok is false for mails go-message cannot walk.
func splitWithGoMessage(t *testing.T, raw []byte) (header []byte, parts []Part, ok bool) {
	t.Helper()
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	sep := 4
	if lf := bytes.Index(raw, []byte("\n\n")); lf >= 0 && (end < 0 || lf < end) {
		end, sep = lf, 2
	}
	if end < 0 {
		return nil, nil, false
	}
	header = raw[:end+sep]
	br := bufio.NewReader(bytes.NewReader(raw))
	h, err := textproto.ReadHeader(br)
	if err != nil {
		return nil, nil, false
	}
	var walk func(h textproto.Header, body io.Reader, path []int, top bool) bool
	walk = func(h textproto.Header, body io.Reader, path []int, top bool) bool {
		mh := gomessage.Header{Header: h}
		mt, params, err := mh.ContentType()
		if err != nil {
			return false
		}
		if strings.HasPrefix(mt, "multipart/") {
			mr := textproto.NewMultipartReader(body, params["boundary"])
			for i := 1; ; i++ {
				p, err := mr.NextPart()
				if err == io.EOF {
					return true
				}
				if err != nil {
					return false
				}
				if !walk(p.Header, p, append(append([]int(nil), path...), i), false) {
					return false
				}
			}
		}
		if top {
			path = []int{1}
		}
		b, err := io.ReadAll(body)
		if err != nil {
			return false
		}
		disp, dparams, _ := mh.ContentDisposition()
		if params == nil {
			params = map[string]string{}
		}
		parts = append(parts, Part{
			Path: path, MediaType: mt, Params: params, Disposition: disp, DispositionParams: dparams,
			Encoding: h.Get("Content-Transfer-Encoding"), Size: len(b), Body: b,
		})
		return true
	}
	if !walk(h, br, nil, true) {
		return nil, nil, false
	}
	return header, parts, true
}

func TestAssembleMatchesParse(t *testing.T) {
	if n := compareAssembleParse(t, testdataMails(t)); n < 8 {
		t.Errorf("only %d mails compared, want at least 8", n)
	}
}

// TestAssembleMatchesParseCorpus repeats the comparison on every corpus
// mail that go-message can split and that parses without problems.
func TestAssembleMatchesParseCorpus(t *testing.T) {
	if n := compareAssembleParse(t, corpusFiles(t)); n < 150 {
		t.Errorf("only %d mails compared, want at least 150", n)
	}
}

func compareAssembleParse(t *testing.T, files []string) int {
	t.Helper()
	compared := 0
	for _, path := range files {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		want, err := Parse(bytes.NewReader(raw), DefaultOptions())
		if err != nil {
			t.Fatalf("%s: parse: %v", path, err)
		}
		if len(want.Problems) > 0 || bytes.IndexByte(raw, '\r') >= 0 && !bytes.Contains(raw, []byte("\r\n")) ||
			len(raw) > 0 && (raw[0] == ' ' || raw[0] == '\n') {
			continue // broken mails: go-message and IMAP servers disagree on them
		}
		header, parts, ok := splitWithGoMessage(t, raw)
		if !ok {
			continue
		}
		got, err := Assemble(header, parts, DefaultOptions())
		if err != nil {
			t.Fatalf("%s: assemble: %v", path, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: Assemble differs from Parse\nassemble: %+v\nparse:    %+v", filepath.Base(path), got, want)
		}
		compared++
	}
	return compared
}

func TestAssembleMetadataOnly(t *testing.T) {
	header := []byte("From: a@b.example\r\nSubject: Facture\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n")
	parts := []Part{
		{Path: []int{1}, MediaType: "TEXT/PLAIN", Params: map[string]string{"Charset": "iso-8859-1"},
			Encoding: "quoted-printable", Body: []byte("Ci-joint la facture r=E9vis=E9e.\r\n")},
		{Path: []int{2}, MediaType: "application/pdf", Disposition: "attachment",
			DispositionParams: map[string]string{"filename": "=?utf-8?Q?facture_r=C3=A9vis=C3=A9e.pdf?="},
			Encoding:          "base64", Size: 140000},
	}
	m, err := Assemble(header, parts, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if m.Text != "Ci-joint la facture révisée." || m.Subject != "Facture" {
		t.Errorf("text = %q, subject = %q", m.Text, m.Subject)
	}
	if len(m.Attachments) != 1 {
		t.Fatalf("attachments = %+v", m.Attachments)
	}
	a := m.Attachments[0]
	want := Attachment{Filename: "facture révisée.pdf", ContentType: "application/pdf", Size: 140000, Section: "2", Missing: true}
	if !reflect.DeepEqual(a, want) {
		t.Errorf("attachment = %+v, want %+v", a, want)
	}
	if _, err := Assemble(nil, nil, DefaultOptions()); err == nil {
		t.Error("Assemble of nothing succeeded")
	}
}

// TestAssembleBase64LineBreaks: a base64 attachment assembled with CRLF,
// lone CR or LF line breaks (its body is not rewritten to LF first) gives
// the same attachment and the same problems, inner padding and bad bytes
// included.
func TestAssembleBase64LineBreaks(t *testing.T) {
	header := []byte("From: a@b.fr\r\nSubject: Facture\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n")
	pdf := "%PDF-1.4\n" + strings.Repeat("0123456789abcdef", 40) + "\n%%EOF\n"
	enc := base64Lines([]byte(pdf))
	for _, body := range []string{enc, enc[:40] + "=" + enc[40:], enc + "!*"} {
		var want *Message
		for i, nl := range []string{"\n", "\r\n", "\r"} {
			parts := []Part{
				{Path: []int{1}, MediaType: "text/plain", Encoding: "8bit", Body: []byte("Bonjour," + nl + "ci-joint." + nl)},
				{Path: []int{2}, MediaType: "application/pdf", Disposition: "attachment", DispositionParams: map[string]string{"filename": "F-1.pdf"},
					Encoding: "base64", Body: []byte(strings.ReplaceAll(body, "\n", nl))},
			}
			m, err := Assemble(header, parts, DefaultOptions())
			if err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				want = m
				continue
			}
			if !reflect.DeepEqual(m.Attachments, want.Attachments) || !reflect.DeepEqual(m.Problems, want.Problems) || m.Text != want.Text {
				t.Errorf("line breaks %q: attachments %+v, problems %q, text %q; with LF %+v, %q, %q",
					nl, m.Attachments, m.Problems, m.Text, want.Attachments, want.Problems, want.Text)
			}
		}
		if len(want.Attachments) != 1 || len(want.Attachments[0].Data) == 0 {
			t.Errorf("attachment not read: %+v", want.Attachments)
		}
	}
}

func base64Lines(b []byte) string {
	var sb strings.Builder
	enc := base64.StdEncoding.EncodeToString(b)
	for len(enc) > 76 {
		sb.WriteString(enc[:76] + "\n")
		enc = enc[76:]
	}
	sb.WriteString(enc + "\n")
	return sb.String()
}
