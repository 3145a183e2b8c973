// Package letter lays out a reminder as a printable A4 letter in PDF (the
// formal notice, to be sent as a registered letter with acknowledgement of
// receipt): the business's letterhead, the recipient's block with the
// registered-letter mention, then the text exactly as it was mailed.
//
// It is pure: bytes in, bytes out, with the PDF core fonts (no font file is
// read, so the binary stays self-contained). Text is written in Windows-1252,
// which covers French and English; a character outside it prints as "?".
package letter

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/relance/relance/internal/render"
	"github.com/relance/relance/internal/text"
)

// Letter is what the PDF prints.
type Letter struct {
	Language string          // "fr" or "en": the fixed mentions
	Sender   render.Business // the letterhead
	// RecipientName and RecipientAddress (lines separated by newlines or
	// ", ") fill the window of the envelope; the address may be empty.
	RecipientName    string
	RecipientAddress string
	// Registered prints "Lettre recommandée avec AR" above the recipient.
	Registered bool
	// Subject is the document's title; Text the letter as mailed. A first
	// paragraph that repeats the sender's name (the letterhead of the
	// e-mail) is left out: the PDF prints its own.
	Subject string
	Text    string
	// Date stamps the document (its creation date); it is not printed.
	Date time.Time
}

// letterWords are the mentions the layout prints, per language.
var letterWords = text.Catalogue{
	"fr": {
		"registered": "Lettre recommandée avec AR",
		"page":       "Page %d/{nb}",
		"siren":      "SIREN : %s",
	},
	"en": {
		"registered": "Registered letter with acknowledgement of receipt",
		"page":       "Page %d/{nb}",
		"siren":      "SIREN: %s",
	},
}

// PDF renders l as an A4 PDF document.
func PDF(l Letter) ([]byte, error) {
	lang := strings.ToLower(l.Language)
	if len(lang) > 2 {
		lang = lang[:2]
	}
	if _, ok := letterWords[lang]; !ok {
		lang = "fr"
	}
	if strings.TrimSpace(l.Text) == "" {
		return nil, errors.New("letter: empty text")
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	cp := pdf.UnicodeTranslatorFromDescriptor("cp1252")
	tr := func(s string) string { return cp(text.CP1252(s)) }
	pdf.SetCompression(true)
	pdf.SetCatalogSort(true)
	if !l.Date.IsZero() {
		pdf.SetCreationDate(l.Date)
		pdf.SetModificationDate(l.Date)
	}
	pdf.SetTitle(l.Subject, true)
	pdf.SetAuthor(l.Sender.Name, true)
	pdf.SetCreator("relance", true)
	pdf.SetMargins(20, 18, 20)
	pdf.SetAutoPageBreak(true, 20)
	pdf.AliasNbPages("{nb}")
	footer := footerLine(l.Sender)
	pdf.SetFooterFunc(func() {
		pdf.SetY(-14)
		pdf.SetFont("Helvetica", "", 8)
		pdf.SetTextColor(90, 90, 90)
		pdf.CellFormat(0, 4, tr(footer), "", 0, "L", false, 0, "")
		pdf.CellFormat(0, 4, tr(letterWords.T(lang, "page", pdf.PageNo())), "", 0, "R", false, 0, "")
	})
	pdf.AddPage()

	// Letterhead, top left.
	pdf.SetTextColor(0, 0, 0)
	pdf.SetFont("Helvetica", "B", 14)
	pdf.CellFormat(90, 7, tr(text.OneLine(l.Sender.Name)), "", 1, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 9.5)
	for _, line := range text.AddressLines(l.Sender.Address) {
		pdf.CellFormat(90, 4.5, tr(line), "", 1, "L", false, 0, "")
	}
	for _, line := range []string{siren(lang, l.Sender.SIREN), l.Sender.Phone, l.Sender.Email} {
		if line = text.OneLine(line); line != "" {
			pdf.CellFormat(90, 4.5, tr(line), "", 1, "L", false, 0, "")
		}
	}
	headBottom := pdf.GetY()

	// Recipient block, in the window of a DL envelope (right side).
	pdf.SetXY(105, 48)
	if l.Registered {
		pdf.SetFont("Helvetica", "B", 9)
		pdf.MultiCell(85, 4.5, tr(letterWords.T(lang, "registered")), "", "L", false)
		pdf.SetX(105)
		pdf.Ln(2)
	}
	registered := ""
	if l.Registered {
		registered = letterWords.T(lang, "registered")
	}
	body, attention := withoutWindow(bodyOf(l.Text, l.Sender.Name), l.RecipientName, l.RecipientAddress, registered)
	pdf.SetX(105)
	pdf.SetFont("Helvetica", "B", 11)
	pdf.MultiCell(85, 5, tr(text.OneLine(l.RecipientName)), "", "L", false)
	pdf.SetFont("Helvetica", "", 10.5)
	// The person the letter is for goes under the firm's name, before its
	// address, as the mail's own block has it.
	for _, line := range append(attention, text.AddressLines(l.RecipientAddress)...) {
		pdf.SetX(105)
		pdf.MultiCell(85, 5, tr(line), "", "L", false)
	}
	y := pdf.GetY() + 4
	if y < 84 {
		y = 84
	}
	if headBottom+8 > y {
		y = headBottom + 8
	}

	// The letter, as mailed.
	pdf.SetXY(20, y)
	pdf.SetFont("Helvetica", "", 10)
	for _, para := range paragraphs(body) {
		pdf.MultiCell(0, 4.6, tr(para), "", "L", false)
		pdf.Ln(2)
	}

	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("letter: write PDF: %w", err)
	}
	return buf.Bytes(), nil
}

// bodyOf drops the e-mail's own letterhead: a first paragraph whose first
// line is the sender's name.
func bodyOf(mailed, sender string) string {
	mailed = strings.ReplaceAll(strings.TrimSpace(mailed), "\r\n", "\n")
	sender = text.OneLine(sender)
	if sender == "" {
		return mailed
	}
	first, rest, found := strings.Cut(mailed, "\n\n")
	if !found {
		return mailed
	}
	firstLine, _, _ := strings.Cut(first, "\n")
	if strings.TrimSpace(firstLine) == sender {
		return strings.TrimLeft(rest, "\n")
	}
	return mailed
}

// withoutWindow takes out of the mailed text what the envelope's window
// prints: the paragraph that starts with the recipient's name (its other
// lines than the name and the address, an "À l'attention de" line, come
// back as attention, for the window) and the registered-letter mention, so
// that nothing is printed twice.
func withoutWindow(body, recipient, address, registered string) (rest string, attention []string) {
	recipient, registered = text.OneLine(recipient), text.OneLine(registered)
	printed := map[string]bool{}
	for _, l := range text.AddressLines(address) {
		printed[l] = true
	}
	var out []string
	for _, p := range strings.Split(body, "\n\n") {
		first, _, _ := strings.Cut(strings.TrimLeft(p, "\n"), "\n")
		block := recipient != "" && strings.TrimSpace(first) == recipient
		var keep []string
		for _, line := range strings.Split(p, "\n") {
			l := strings.TrimSpace(line)
			switch {
			case registered != "" && l == registered, block && (l == recipient || printed[l]):
			case block && l != "":
				attention = append(attention, text.OneLine(l))
			default:
				keep = append(keep, line)
			}
		}
		out = append(out, strings.Join(keep, "\n"))
	}
	return strings.Join(out, "\n\n"), attention
}

// paragraphs splits on blank lines, keeping the line breaks inside each.
func paragraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(text, "\n\n") {
		if p = strings.Trim(p, "\n"); strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return out
}

func siren(lang, s string) string {
	if s = text.OneLine(s); s == "" {
		return ""
	}
	return letterWords.T(lang, "siren", s)
}

func footerLine(b render.Business) string {
	var parts []string
	for _, p := range []string{b.Name, strings.Join(text.AddressLines(b.Address), ", ")} {
		if p = text.OneLine(p); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " · ")
}
