package message

import (
	"bytes"
	"encoding/base64"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// invoiceMail builds a typical invoice mail: a short text and HTML body
// and a PDF of pdfSize bytes (pseudo-random, so base64 cannot shrink it).
func invoiceMail(pdfSize int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	pdf := make([]byte, pdfSize)
	for i := range pdf {
		pdf[i] = byte(rng.Uint32())
	}
	enc := base64.StdEncoding.EncodeToString(pdf)
	var b strings.Builder
	b.WriteString("From: Atelier Moreau <compta@atelier-moreau.example>\r\nTo: client@example.com\r\n" +
		"Subject: Facture F-2026-0142\r\nDate: Mon, 2 Feb 2026 10:00:00 +0100\r\nMessage-ID: <F-2026-0142@atelier-moreau.example>\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n" +
		"Content-Type: multipart/alternative; boundary=\"b2\"\r\n\r\n--b2\r\nContent-Type: text/plain; charset=utf-8\r\n" +
		"Content-Transfer-Encoding: quoted-printable\r\n\r\nBonjour,\r\n\r\nVeuillez trouver ci-joint la facture F-2026-0142 d'un montant de 1 2=\r\n" +
		"50,00 =E2=82=AC TTC, payable =C3=A0 30 jours.\r\n\r\nCordialement,\r\n--b2\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" +
		"<p>Bonjour,</p><p>Veuillez trouver ci-joint la facture <b>F-2026-0142</b>.</p>\r\n--b2--\r\n--b1\r\n" +
		"Content-Type: application/pdf; name=\"F-2026-0142.pdf\"\r\nContent-Disposition: attachment; filename=\"F-2026-0142.pdf\"\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\n")
	for len(enc) > 76 {
		b.WriteString(enc[:76])
		b.WriteString("\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n--b1--\r\n")
	return []byte(b.String())
}

func BenchmarkParse(b *testing.B) {
	reply, err := os.ReadFile(filepath.Join("testdata", "mail", "talon-gmail-reply.eml"))
	if err != nil {
		b.Fatal(err)
	}
	cases := []struct {
		name string
		raw  []byte
	}{
		{"reply", reply},
		{"invoice-pdf-100KiB", invoiceMail(100 << 10)},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.raw)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(bytes.NewReader(c.raw), DefaultOptions()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestInvoiceMailFixture(t *testing.T) {
	m := mustParse(t, string(invoiceMail(100<<10)))
	if len(m.Attachments) != 1 || m.Attachments[0].Size != 100<<10 || len(m.Attachments[0].Data) != 100<<10 {
		t.Fatalf("attachments = %+v", m.Attachments)
	}
	if !strings.Contains(m.Text, "1 250,00 € TTC") {
		t.Errorf("text = %q", m.Text)
	}
}
