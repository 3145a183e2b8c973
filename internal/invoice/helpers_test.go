package invoice

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/invoice/pdfwrite"
	"github.com/relance/relance/internal/message"
)

// sentAt is when the test mails were sent: a Tuesday in November 2026.
var sentAt = time.Date(2026, 11, 3, 10, 12, 0, 0, time.FixedZone("CET", 3600))

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// sent builds a mail as found in our Sent folder.
func sent(subject, body string, atts ...message.Attachment) *message.Message {
	return &message.Message{
		MessageID:   "inv-1@studio-martin.example",
		From:        message.Address{Name: "Studio Martin", Email: "factures@studio-martin.example"},
		To:          []message.Address{{Name: "Claire Dupont", Email: "claire@boulangerie-dupont.example"}},
		Subject:     subject,
		Date:        sentAt,
		Text:        body,
		Attachments: atts,
	}
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func makePDF(t testing.TB, d pdfwrite.Doc) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := pdfwrite.Write(&buf, d); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func pdfAttachment(name string, data []byte) message.Attachment {
	return message.Attachment{Filename: name, ContentType: "application/pdf", Size: len(data), Data: data}
}

func xmlAttachment(name string, data []byte) message.Attachment {
	return message.Attachment{Filename: name, ContentType: "application/xml", Size: len(data), Data: data}
}

// invoiceLines is the visible text of a typical French invoice PDF.
func invoiceLines(number, total string) []string {
	return []string{
		"Studio Bérénice Martin — 8 passage Thiéré, 75011 Paris",
		"SIRET 303 265 045 00017 — TVA FR40303265045",
		"",
		"FACTURE N° " + number,
		"Date de facture : 03/11/2026",
		"Client : Boulangerie Dupont & Fils",
		"3 cours de l'Intendance",
		"33000 Bordeaux",
		"",
		"Refonte du site vitrine          1 028,80 €",
		"Total HT                          1 028,80 €",
		"TVA 20 %                            205,76 €",
		"Total TTC                         " + total,
		"",
		"Date d'échéance : 3 décembre 2026",
		"Pénalités de retard : trois fois le taux d'intérêt légal. Indemnité forfaitaire pour frais de recouvrement : 40 €.",
	}
}
