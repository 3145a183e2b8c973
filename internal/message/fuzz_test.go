package message

import (
	"bytes"
	"os"
	"testing"
	"unicode/utf8"
)

func FuzzParse(f *testing.F) {
	for _, path := range testdataMails(f) {
		raw, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	for _, s := range []string{
		"",
		"Subject: =?utf-8?B?w6k=?=\n\nx",
		"Content-Type: multipart/mixed; boundary=a\n\n--a\nContent-Type: multipart/mixed; boundary=a\n\n--a\n\nx\n--a--\n",
		"Content-Type: text/html\n\n<blockquote><ol start=99999999999><li><a href=x>y</blockquote></a>",
		"Content-Type: message/rfc822\n\nContent-Type: message/rfc822\n\nSubject: deep\n\n",
		"Content-Transfer-Encoding: quoted-printable\n\n=\n=4\n=ZZ",
		"Content-Type: text/plain; charset*0*=utf-8''%C3; charset*1*=%A9\n\n\xc3\xa9",
	} {
		f.Add([]byte(s))
	}
	opt := DefaultOptions()
	opt.MaxMessageBytes = 1 << 20
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(bytes.NewReader(data), opt)
		if err != nil {
			if m != nil {
				t.Fatalf("message and error both returned: %v", err)
			}
			return
		}
		if m == nil {
			t.Fatal("nil message without error")
		}
		for _, s := range []string{m.Text, m.Subject, m.From.Name, m.From.Email} {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 in output: %q", s)
			}
		}
		for _, a := range m.Attachments {
			if a.Data != nil && len(a.Data) != a.Size {
				t.Fatalf("attachment data %d bytes but size %d", len(a.Data), a.Size)
			}
		}
	})
}
