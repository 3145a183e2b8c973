package message

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

func mustParse(t *testing.T, raw string) *Message {
	t.Helper()
	m, err := Parse(strings.NewReader(raw), DefaultOptions())
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return m
}

func hasProblem(m *Message, sub string) bool {
	for _, p := range m.Problems {
		if strings.Contains(p, sub) {
			return true
		}
	}
	return false
}

func TestParseHeaders(t *testing.T) {
	tests := []struct {
		name  string
		raw   string
		check func(t *testing.T, m *Message)
	}{
		{
			name: "rfc2047 utf-8 and latin-1 subject",
			raw:  "Subject: =?UTF-8?Q?Facture_n=C2=B0_F-2026-0142?= =?ISO-8859-1?Q?_r=E9gl=E9e?=\n\nx\n",
			check: func(t *testing.T, m *Message) {
				if m.Subject != "Facture n° F-2026-0142 réglée" {
					t.Errorf("subject = %q", m.Subject)
				}
			},
		},
		{
			name: "multibyte character split across encoded words",
			raw:  "Subject: =?UTF-8?B?w6k=?= =?UTF-8?B?w6BiY8Ok?=\n\nx\n",
			check: func(t *testing.T, m *Message) {
				if m.Subject != "éàbcä" {
					t.Errorf("subject = %q", m.Subject)
				}
			},
		},
		{
			name: "raw 8-bit latin-1 header",
			raw:  "Subject: Re: \xe9ch\xe9ance d\xe9pass\xe9e\nFrom: Andr\xe9 <ANDRE@Example.FR>\n\nx\n",
			check: func(t *testing.T, m *Message) {
				if m.Subject != "Re: échéance dépassée" {
					t.Errorf("subject = %q", m.Subject)
				}
				if m.From != (Address{Name: "André", Email: "andre@example.fr"}) {
					t.Errorf("from = %+v", m.From)
				}
			},
		},
		{
			name: "raw 8-bit utf-8 header",
			raw:  "Subject: Relance: facture impayée\n\nx\n",
			check: func(t *testing.T, m *Message) {
				if m.Subject != "Relance: facture impayée" {
					t.Errorf("subject = %q", m.Subject)
				}
			},
		},
		{
			name: "unknown charset in encoded word",
			raw:  "Subject: =?x-bogus?Q?caf=C3=A9?=\n\nx\n",
			check: func(t *testing.T, m *Message) {
				if m.Subject != "café" {
					t.Errorf("subject = %q", m.Subject)
				}
			},
		},
		{
			name: "addresses with encoded names and broken lists",
			raw: "From: =?utf-8?Q?Soci=C3=A9t=C3=A9_G=C3=A9n=C3=A9rale?= <Compta@SG.example>\n" +
				"To: a@x.example, \"Dupont, Jean\" <JEAN@y.example>, broken <c@z.example\n" +
				"Cc: undisclosed-recipients:;\n\nx\n",
			check: func(t *testing.T, m *Message) {
				if m.From.Name != "Société Générale" || m.From.Email != "compta@sg.example" {
					t.Errorf("from = %+v", m.From)
				}
				want := []Address{{Email: "a@x.example"}, {Name: "Dupont, Jean", Email: "jean@y.example"}, {Name: "broken", Email: "c@z.example"}}
				if len(m.To) != len(want) {
					t.Fatalf("to = %+v", m.To)
				}
				for i := range want {
					if m.To[i] != want[i] {
						t.Errorf("to[%d] = %+v, want %+v", i, m.To[i], want[i])
					}
				}
				if len(m.Cc) != 0 {
					t.Errorf("cc = %+v", m.Cc)
				}
			},
		},
		{
			name: "bare address with junk",
			raw:  "From: billing@Client.example (Billing Dept)\nReply-To: <pay@client.example>>\n\nx\n",
			check: func(t *testing.T, m *Message) {
				if m.From.Email != "billing@client.example" {
					t.Errorf("from = %+v", m.From)
				}
				if len(m.ReplyTo) != 1 || m.ReplyTo[0].Email != "pay@client.example" {
					t.Errorf("reply-to = %+v", m.ReplyTo)
				}
			},
		},
		{
			name: "local mailbox without domain",
			raw:  "From: MAILER-DAEMON\nTo: Postmaster <postmaster>\n\nx\n",
			check: func(t *testing.T, m *Message) {
				if m.From.Email != "mailer-daemon" || len(m.To) != 1 || m.To[0] != (Address{Name: "Postmaster", Email: "postmaster"}) {
					t.Errorf("from = %+v, to = %+v", m.From, m.To)
				}
			},
		},
		{
			name: "message ids without brackets",
			raw: "Message-ID: <abc@host.example>\nIn-Reply-To: <inv-1@us.example> (sent by x)\n" +
				"References: <r1@a.example>\n <r2@b.example> <inv-1@us.example>\n\nx\n",
			check: func(t *testing.T, m *Message) {
				if m.MessageID != "abc@host.example" {
					t.Errorf("id = %q", m.MessageID)
				}
				if len(m.InReplyTo) != 1 || m.InReplyTo[0] != "inv-1@us.example" {
					t.Errorf("in-reply-to = %q", m.InReplyTo)
				}
				if strings.Join(m.References, " ") != "r1@a.example r2@b.example inv-1@us.example" {
					t.Errorf("references = %q", m.References)
				}
			},
		},
		{
			name: "message id missing brackets",
			raw:  "Message-Id: naked@host.example\n\nx\n",
			check: func(t *testing.T, m *Message) {
				if m.MessageID != "naked@host.example" {
					t.Errorf("id = %q", m.MessageID)
				}
			},
		},
		{
			name: "header map decoded and canonical",
			raw:  "x-custom-thing: =?utf-8?q?d=C3=A9j=C3=A0?=\nX-Custom-Thing: two\n\nx\n",
			check: func(t *testing.T, m *Message) {
				if got := m.Header["X-Custom-Thing"]; len(got) != 2 || got[0] != "déjà" || got[1] != "two" {
					t.Errorf("header = %q", got)
				}
				if m.Get("x-CUSTOM-thing") != "déjà" {
					t.Errorf("Get = %q", m.Get("x-custom-thing"))
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.check(t, mustParse(t, tt.raw)) })
	}
}

func TestParseDate(t *testing.T) {
	paris := time.FixedZone("", 3600)
	tests := []struct {
		in   string
		want time.Time
	}{
		{"Mon, 2 Mar 2026 10:15:00 +0100", time.Date(2026, 3, 2, 10, 15, 0, 0, paris)},
		{"2 Mar 2026 10:15:00 +0100", time.Date(2026, 3, 2, 10, 15, 0, 0, paris)},
		{"Mon, 2 Mar 2026 10:15 +0100", time.Date(2026, 3, 2, 10, 15, 0, 0, paris)},
		{"Mon, 2 Mar 2026 10:15:00 +0100 (CET)", time.Date(2026, 3, 2, 10, 15, 0, 0, paris)},
		{"Mon, 2 Mar 2026 10:15:00 CET", time.Date(2026, 3, 2, 10, 15, 0, 0, paris)},
		{"Mon,  2 Mar 2026 10:15:00 +01:00", time.Date(2026, 3, 2, 10, 15, 0, 0, paris)},
		{"Mon 2 Mar 2026 10:15:00 +0100", time.Date(2026, 3, 2, 10, 15, 0, 0, paris)},
		{"Mon, 2 Mar 26 10:15:00 +0100", time.Date(2026, 3, 2, 10, 15, 0, 0, paris)},
		{"Mon Mar  2 10:15:00 2026", time.Date(2026, 3, 2, 10, 15, 0, 0, time.UTC)},
		{"2026-03-02T10:15:00+01:00", time.Date(2026, 3, 2, 10, 15, 0, 0, paris)},
		{"2026-03-02 10:15:00", time.Date(2026, 3, 2, 10, 15, 0, 0, time.UTC)},
		{"lundi, 2 Mar 2026 10:15:00 +0100", time.Date(2026, 3, 2, 10, 15, 0, 0, paris)},
		{"not a date", time.Time{}},
		{"", time.Time{}},
	}
	for _, tt := range tests {
		got := parseDate(tt.in)
		if !got.Equal(tt.want) {
			t.Errorf("parseDate(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParseBodies(t *testing.T) {
	tests := []struct {
		name     string
		raw      string
		text     string // exact, or prefix when wantPrefix
		problems []string
	}{
		{
			name: "mbox From line",
			raw:  "From someone@example.com Mon Mar  2 10:15:00 2026\nSubject: hi\n\nbody\n",
			text: "body",
		},
		{
			name: "CR-only line ends",
			raw:  "Subject: hi\rContent-Type: text/plain\r\rline one\rline two\r",
			text: "line one\nline two",
		},
		{
			name: "CRLF line ends",
			raw:  "Subject: hi\r\n\r\nline one\r\nline two\r\n",
			text: "line one\nline two",
		},
		{
			name: "quoted-printable latin-1",
			raw: "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n" +
				"Bonjour, la facture est r=E9gl=E9e depuis le 3 mars. Cordialement, une tr=\n=E8s longue ligne\n",
			text: "Bonjour, la facture est réglée depuis le 3 mars. Cordialement, une très longue ligne",
		},
		{
			name:     "broken quoted-printable",
			raw:      "Content-Transfer-Encoding: quoted-printable\n\n100 = cent =ZZ fin=\n",
			text:     "100 = cent =ZZ fin",
			problems: []string{"malformed quoted-printable"},
		},
		{
			name:     "base64 with garbage and no padding",
			raw:      "Content-Transfer-Encoding: base64\n\nQm9uam91ciwg\n*bWVyY2kh\n",
			text:     "Bonjour, merci!",
			problems: []string{"invalid base64"},
		},
		{
			name:     "unknown charset falls back to windows-1252",
			raw:      "Content-Type: text/plain; charset=x-nonsense\n\nd\xe9j\xe0 pay\xe9 \x80\n",
			text:     "déjà payé €",
			problems: []string{"unknown charset"},
		},
		{
			name:     "unknown charset keeps valid utf-8",
			raw:      "Content-Type: text/plain; charset=x-nonsense\n\ndéjà payé\n",
			text:     "déjà payé",
			problems: []string{"unknown charset"},
		},
		{
			name:     "utf-8 label on latin-1 bytes",
			raw:      "Content-Type: text/plain; charset=utf-8\n\nr\xe9gl\xe9\n",
			text:     "réglé",
			problems: []string{"does not match"},
		},
		{
			name: "latin-1 label on utf-8 bytes",
			raw:  "Content-Type: text/plain; charset=iso-8859-1\n\nréglé\n",
			text: "réglé",
		},
		{
			name: "us-ascii label on 8-bit bytes",
			raw:  "Content-Type: text/plain; charset=us-ascii\n\nr\xe9gl\xe9\n",
			text: "réglé",
		},
		{
			name: "windows-1251 decoded by go-message charset",
			raw:  "Content-Type: text/plain; charset=windows-1251\n\n\xcf\xf0\xe8\xe2\xe5\xf2\n",
			text: "Привет",
		},
		{
			name: "format flowed",
			raw:  "Content-Type: text/plain; format=flowed\n\nThis is a long \nline.\n> quoted and \n> continued\n-- \nsig\n",
			text: "This is a long line.\n> quoted and continued\n-- \nsig",
		},
		{
			name: "html only converted",
			raw: "Content-Type: text/html; charset=utf-8\n\n<html><head><style>p{color:red}</style><title>T</title></head><body>" +
				"<p>Bonjour&nbsp;Marie,</p><p>Voir <a href=\"https://pay.example/inv/42\">le lien</a> et " +
				"<a href=\"https://x.example\">https://x.example</a>.<br>Merci</p><script>alert(1)</script>" +
				"<ul><li>un</li><li>deux</li></ul><ol><li>premier</li></ol>" +
				"<blockquote><p>Le 2 mars, vous avez écrit :</p><p>Payez &amp; vite</p></blockquote><p>Fin</p></body></html>",
			text: "Bonjour Marie,\n\nVoir le lien (https://pay.example/inv/42) et https://x.example.\nMerci\n\n- un\n- deux\n1. premier\n\n" +
				"> Le 2 mars, vous avez écrit :\n>\n> Payez & vite\n\nFin",
		},
		{
			name: "html charset from meta",
			raw:  "Content-Type: text/html\n\n<meta charset=\"iso-8859-1\"><p>pay\xe9</p>",
			text: "payé",
		},
		{
			name: "plain preferred over html",
			raw: "Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/plain\n\nplain text\n" +
				"--b\nContent-Type: text/html\n\n<p>html text</p>\n--b--\n",
			text: "plain text",
		},
		{
			name: "empty plain falls back to html",
			raw: "Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/plain\n\n \n" +
				"--b\nContent-Type: text/html\n\n<p>html text</p>\n--b--\n",
			text: "html text",
		},
		{
			name: "missing closing boundary",
			raw: "Content-Type: multipart/mixed; boundary=\"xyz\"\n\npreamble\n--xyz\nContent-Type: text/plain\n\nhello\n" +
				"--xyz\nContent-Type: application/pdf; name=f.pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0=\n",
			text:     "hello",
			problems: []string{"closing boundary missing"},
		},
		{
			name: "mismatched boundary guessed",
			raw: "Content-Type: multipart/mixed; boundary=\"right\"\n\n--wrong\nContent-Type: text/plain\n\nhello\n" +
				"--wrong\nContent-Type: text/plain; name=a.txt\n\nattached\n--wrong--\n",
			text:     "hello",
			problems: []string{"not found, used \"wrong\""},
		},
		{
			name:     "multipart without any boundary line",
			raw:      "Content-Type: multipart/mixed; boundary=\"b\"\n\njust text\n",
			text:     "just text",
			problems: []string{"boundary not found"},
		},
		{
			name: "missing blank line after header",
			raw:  "Subject: hi\nthis is the body\n",
			text: "this is the body",
		},
		{
			name: "unknown transfer encoding spelled oddly",
			raw:  "Content-Transfer-Encoding: Quoted-Printable;\n\ncaf=C3=A9\n",
			text: "café",
		},
		{
			name: "utf-7 body",
			raw:  "Content-Type: text/plain; charset=unicode-1-1-utf-7\n\nD+AOk-j+AOA- 1+-1\n",
			text: "Déjà 1+1",
		},
		{
			name: "headerless input",
			raw:  "just some text\nmore\n",
			text: "just some text\nmore",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := mustParse(t, tt.raw)
			if m.Text != tt.text {
				t.Errorf("text = %q\nwant   %q", m.Text, tt.text)
			}
			for _, p := range tt.problems {
				if !hasProblem(m, p) {
					t.Errorf("no problem containing %q in %q", p, m.Problems)
				}
			}
		})
	}
}

func TestParseAttachments(t *testing.T) {
	raw := "Content-Type: multipart/mixed; boundary=\"outer\"\n\n" +
		"--outer\nContent-Type: text/plain; charset=utf-8\n\nVoici la facture.\n" +
		"--outer\nContent-Type: application/pdf; name=\"=?utf-8?Q?facture_n=C2=B042.pdf?=\"\n" +
		"Content-Disposition: attachment; filename*=utf-8''facture%20n%C2%B042.pdf\nContent-Transfer-Encoding: base64\n\n" +
		"JVBERi0xLjQKJcOkw7zDtsOfCg==\n" +
		"--outer\nContent-Type: text/xml; charset=utf-8\nContent-Disposition: attachment; filename=\"factur-x.xml\"\n\n<Invoice/>\n" +
		"--outer\nContent-Type: image/png\nContent-Disposition: inline; filename=\"logo.png\"\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n" +
		"--outer\nContent-Type: application/octet-stream; name=\"C:\\\\Users\\\\me\\\\devis.PDF\"\nContent-Transfer-Encoding: base64\n\nJVBERg==\n" +
		"--outer--\n"
	m := mustParse(t, raw)
	if m.Text != "Voici la facture." {
		t.Errorf("text = %q", m.Text)
	}
	want := []struct {
		name, ct string
		size     int
		data     bool
	}{
		{"facture n°42.pdf", "application/pdf", 19, true},
		{"factur-x.xml", "text/xml", 10, true},
		{"logo.png", "image/png", 8, false},
		{"devis.PDF", "application/octet-stream", 4, true},
	}
	if len(m.Attachments) != len(want) {
		t.Fatalf("attachments = %+v", m.Attachments)
	}
	for i, w := range want {
		a := m.Attachments[i]
		if a.Filename != w.name || a.ContentType != w.ct || a.Size != w.size || (a.Data != nil) != w.data {
			t.Errorf("attachment %d = %+v (data %d bytes), want %+v", i, a, len(a.Data), w)
		}
		if a.Data != nil && len(a.Data) != a.Size {
			t.Errorf("attachment %d: data %d bytes, size %d", i, len(a.Data), a.Size)
		}
	}
	if m.Attachments[0].Section != "2" {
		t.Errorf("section = %q", m.Attachments[0].Section)
	}
}

func TestParseAttachmentLimit(t *testing.T) {
	opt := DefaultOptions()
	opt.MaxAttachmentBytes = 8
	raw := "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nhi\n--b\nContent-Type: application/pdf\n\n0123456789abcdef\n--b--\n"
	m, err := Parse(strings.NewReader(raw), opt)
	if err != nil {
		t.Fatal(err)
	}
	a := m.Attachments[0]
	if !a.Truncated || a.Data != nil || a.Size != 16 {
		t.Errorf("attachment = %+v", a)
	}
	if !hasProblem(m, "data not kept") {
		t.Errorf("problems = %q", m.Problems)
	}
}

func TestParseTextLimit(t *testing.T) {
	opt := DefaultOptions()
	opt.MaxTextBytes = 10
	m, err := Parse(strings.NewReader("Subject: big\n\n"+strings.Repeat("a", 100)), opt)
	if err != nil {
		t.Fatal(err)
	}
	if m.Text != "" || !hasProblem(m, "skipped") || m.Subject != "big" {
		t.Errorf("text = %q, problems = %q", m.Text, m.Problems)
	}
}

func TestParseDepthAndPartLimits(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("Content-Type: multipart/mixed; boundary=b0\n\n")
	for i := 0; i < 30; i++ {
		sb.WriteString("--b" + strconv.Itoa(i) + "\nContent-Type: multipart/mixed; boundary=b" + strconv.Itoa(i+1) + "\n\n")
	}
	sb.WriteString("--b30\n\ndeep\n")
	m := mustParse(t, sb.String())
	if !hasProblem(m, "nesting deeper") {
		t.Errorf("problems = %q", m.Problems)
	}

	opt := DefaultOptions()
	opt.MaxParts = 5
	sb.Reset()
	sb.WriteString("Content-Type: multipart/mixed; boundary=b\n\n")
	for i := 0; i < 50; i++ {
		sb.WriteString("--b\nContent-Type: image/png\n\nx\n")
	}
	m, err := Parse(strings.NewReader(sb.String()), opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Attachments) != 5 || !hasProblem(m, "more than 5 parts") {
		t.Errorf("%d attachments, problems %q", len(m.Attachments), m.Problems)
	}
}

func TestParseReports(t *testing.T) {
	dsn := "Reporting-MTA: dns; mx.example\n\nFinal-Recipient: rfc822; Client@Example.FR\nAction: failed\n" +
		"Status: 5.1.1 (bad mailbox)\nDiagnostic-Code: smtp; 550 5.1.1 <client@example.fr>:\n Recipient address rejected\n"
	orig := "Message-ID: <inv-42@us.example>\nSubject: Facture F-2026-0142\nFrom: us@us.example\n\nBonjour\n"
	tests := []struct {
		name string
		raw  string
	}{
		{
			name: "standard multipart/report",
			raw: "Subject: Undelivered\nContent-Type: multipart/report; report-type=delivery-status; boundary=r\n\n" +
				"--r\nContent-Type: text/plain\n\nYour message could not be delivered.\n" +
				"--r\nContent-Type: message/delivery-status\n\n" + dsn +
				"--r\nContent-Type: message/rfc822\n\n" + orig + "--r--\n",
		},
		{
			name: "status part mislabelled text/plain",
			raw: "Subject: Undelivered\nContent-Type: multipart/report; report-type=delivery-status; boundary=r\n\n" +
				"--r\nContent-Type: text/plain\n\nYour message could not be delivered.\n" +
				"--r\nContent-Type: text/plain\n\n" + dsn +
				"--r\nContent-Type: text/rfc822-headers\n\n" + orig + "--r--\n",
		},
		{
			name: "report nested in multipart/mixed",
			raw: "Subject: Undelivered\nContent-Type: multipart/mixed; boundary=m\n\n" +
				"--m\nContent-Type: multipart/report; report-type=delivery-status; boundary=r\n\n" +
				"--r\nContent-Type: multipart/alternative; boundary=a\n\n--a\nContent-Type: text/plain\n\n" +
				"Your message could not be delivered.\n--a\nContent-Type: text/html\n\n<p>x</p>\n--a--\n" +
				"--r\nContent-Type: message/delivery-status\n\n" + dsn +
				"--r\nContent-Type: message/rfc822\n\n" + orig + "--r--\n--m--\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := mustParse(t, tt.raw)
			r := m.Report
			if r == nil {
				t.Fatal("no report")
			}
			if r.Type != "delivery-status" || r.Action != "failed" || r.Status != "5.1.1" {
				t.Errorf("report = %+v", r)
			}
			if len(r.Recipients) != 1 || r.Recipients[0] != "client@example.fr" {
				t.Errorf("recipients = %q", r.Recipients)
			}
			if r.Diagnostic != "550 5.1.1 <client@example.fr>: Recipient address rejected" {
				t.Errorf("diagnostic = %q", r.Diagnostic)
			}
			if r.OriginalMessageID != "inv-42@us.example" || r.OriginalSubject != "Facture F-2026-0142" {
				t.Errorf("original = %q / %q", r.OriginalMessageID, r.OriginalSubject)
			}
			if m.Text != "Your message could not be delivered." {
				t.Errorf("text = %q", m.Text)
			}
		})
	}
}

func TestParseEmbeddedMessage(t *testing.T) {
	raw := "Subject: Fwd: facture\nContent-Type: multipart/mixed; boundary=m\n\n--m\n\nVoir ci-dessous.\n" +
		"--m\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n" +
		"U3ViamVjdDogRmFjdHVyZSAxMgpNZXNzYWdlLUlEOiA8YUBiPgoKSW5uZXIgdGV4dAo=\n--m--\n"
	m := mustParse(t, raw)
	if len(m.Embedded) != 1 || m.Embedded[0].Subject != "Facture 12" || m.Embedded[0].Text != "Inner text" {
		t.Fatalf("embedded = %+v", m.Embedded)
	}
	if m.Report != nil {
		t.Errorf("unexpected report %+v", m.Report)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].ContentType != "message/rfc822" {
		t.Errorf("attachments = %+v", m.Attachments)
	}
}

func TestParseEmptyInput(t *testing.T) {
	for _, in := range []string{"", "\n\n", "   \r\n"} {
		_, err := Parse(strings.NewReader(in), DefaultOptions())
		if !errors.Is(err, ErrEmpty) {
			t.Errorf("Parse(%q) error = %v, want ErrEmpty", in, err)
		}
	}
	if _, err := Parse(nil, DefaultOptions()); err == nil {
		t.Error("Parse(nil) succeeded")
	}
}

type failingReader struct{ data []byte }

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, errors.New("connection reset")
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestParseReadError(t *testing.T) {
	if _, err := Parse(&failingReader{}, DefaultOptions()); err == nil || !strings.Contains(err.Error(), "connection reset") {
		t.Errorf("error = %v", err)
	}
	m, err := Parse(&failingReader{data: []byte("Subject: partial\n\nbody")}, DefaultOptions())
	if err != nil || m.Subject != "partial" || !hasProblem(m, "read error") {
		t.Errorf("m = %+v, err = %v", m, err)
	}
}

func TestDecodeBase64Lenient(t *testing.T) {
	tests := []struct{ in, want string }{
		{"aGVsbG8=", "hello"},
		{"aGVs\n bG8", "hello"},
		{"aGVsbG8=aGVsbG8=", "hellohello"},
		{"aGVsbG8_", "hello?"},
	}
	for _, tt := range tests {
		got, _ := decodeBase64([]byte(tt.in))
		if !bytes.Equal(got, []byte(tt.want)) {
			t.Errorf("decodeBase64(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if n := decodedSize("base64", []byte(tt.in)); n != len(tt.want) {
			t.Errorf("decodedSize(%q) = %d, want %d", tt.in, n, len(tt.want))
		}
	}
}

func TestNormalizeNewlines(t *testing.T) {
	for _, in := range []string{"", "a", "a\r\nb", "a\rb\r", "\r\r\n\n\r", "x\r\n\r\n"} {
		want := normalizeNewlines([]byte(in))
		got := normalizeNewlinesInPlace([]byte(in))
		if !bytes.Equal(got, want) || bytes.IndexByte(got, '\r') >= 0 {
			t.Errorf("%q: in place %q, copy %q", in, got, want)
		}
	}
}
