package payment

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/relance/relance/internal/text"
)

// MaxStatementBytes bounds what a statement reader accepts.
const MaxStatementBytes = 64 << 20

// CSVFormat describes one bank's CSV export.
type CSVFormat struct {
	Comment string `json:"comment,omitempty"`
	// Separator is the field separator (";", ",", "\t"); empty: guessed
	// from the header line.
	Separator string `json:"separator,omitempty"`
	// Decimal is the decimal mark of amounts: "," (French) or "." (English).
	Decimal string `json:"decimal"`
	// DateFormats are tried in order: "DD/MM/YYYY", "MM/DD/YYYY",
	// "YYYY-MM-DD", "D MMM YYYY", or Go layouts.
	DateFormats []string `json:"date_formats"`
	// Encoding of the file: "utf-8" (default; a BOM is skipped),
	// "windows-1252", "iso-8859-1", "iso-8859-15". A UTF-16 file with a
	// BOM is recognised whatever this says.
	Encoding string `json:"encoding,omitempty"`
	// Currency of amounts when there is no currency column.
	Currency string     `json:"currency,omitempty"`
	Columns  CSVColumns `json:"columns"`
}

// CSVColumns names the columns of an export: a header name (compared
// without case or accents) or "#N", the N-th column counting from 1 (for
// files without a header line).
type CSVColumns struct {
	Date string `json:"date"`
	// Amount is a signed amount (credits positive); or use Credit (and
	// Debit) when the bank puts money in and out in two columns.
	Amount   string `json:"amount,omitempty"`
	Credit   string `json:"credit,omitempty"`
	Debit    string `json:"debit,omitempty"`
	Currency string `json:"currency,omitempty"`
	Payer    string `json:"payer,omitempty"`
	// Reference lists the columns whose text, joined, is what the payer
	// wrote (the label and its complement).
	Reference []string `json:"reference,omitempty"`
	// ID is the bank's own transaction identifier, when the export has
	// one; otherwise a hash of the line identifies it.
	ID string `json:"id,omitempty"`
}

func (f CSVFormat) validate(name string) error {
	if f.Columns.Date == "" {
		return fmt.Errorf("payment: csv format %q: columns.date is required", name)
	}
	if (f.Columns.Amount == "") == (f.Columns.Credit == "") {
		return fmt.Errorf("payment: csv format %q: give either columns.amount or columns.credit", name)
	}
	if f.Decimal != "," && f.Decimal != "." {
		return fmt.Errorf("payment: csv format %q: decimal must be \",\" or \".\", got %q", name, f.Decimal)
	}
	if len([]rune(f.Separator)) > 1 {
		return fmt.Errorf("payment: csv format %q: separator must be one character, got %q", name, f.Separator)
	}
	if _, err := textEncoding(f.Encoding); err != nil {
		return fmt.Errorf("payment: csv format %q: %w", name, err)
	}
	return nil
}

func textEncoding(name string) (encoding.Encoding, error) {
	switch strings.ToLower(strings.ReplaceAll(name, "_", "-")) {
	case "", "utf-8", "utf8":
		return nil, nil
	case "windows-1252", "cp1252":
		return charmap.Windows1252, nil
	case "iso-8859-1", "latin1", "latin-1":
		return charmap.ISO8859_1, nil
	case "iso-8859-15", "latin9", "latin-9":
		return charmap.ISO8859_15, nil
	}
	return nil, fmt.Errorf("unknown encoding %q (want utf-8, windows-1252, iso-8859-1 or iso-8859-15)", name)
}

// decodeText turns the raw file into UTF-8 text.
func decodeText(raw []byte, enc string) (string, error) {
	switch {
	case bytes.HasPrefix(raw, []byte{0xFF, 0xFE}), bytes.HasPrefix(raw, []byte{0xFE, 0xFF}):
		out, _, err := transform.Bytes(unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder(), raw)
		if err != nil {
			return "", fmt.Errorf("payment: decode UTF-16: %w", err)
		}
		return string(out), nil
	case bytes.HasPrefix(raw, []byte{0xEF, 0xBB, 0xBF}):
		return string(raw[3:]), nil
	}
	e, err := textEncoding(enc)
	if err != nil {
		return "", fmt.Errorf("payment: %w", err)
	}
	if e == nil {
		return string(bytes.ToValidUTF8(raw, []byte("\uFFFD"))), nil
	}
	out, _, err := transform.Bytes(e.NewDecoder(), raw)
	if err != nil {
		return "", fmt.Errorf("payment: decode %s: %w", enc, err)
	}
	return string(out), nil
}

func readAllLimited(r io.Reader) ([]byte, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxStatementBytes+1))
	if err != nil {
		return nil, fmt.Errorf("payment: read statement: %w", err)
	}
	if len(raw) > MaxStatementBytes {
		return nil, fmt.Errorf("payment: statement larger than %d bytes", MaxStatementBytes)
	}
	return raw, nil
}

// columnIndex resolves the configured columns against a header.
type columnIndex struct {
	date, amount, credit, debit, currency, payer, id int
	reference                                        []int
}

// ReadCSV reads a bank's CSV export: the credits become payments; debits
// and lines that are no transaction (preamble, totals) are skipped, the
// latter noted when they look like a transaction gone wrong.
func ReadCSV(r io.Reader, f CSVFormat) (Statement, error) {
	if err := f.validate("(given)"); err != nil {
		return Statement{}, err
	}
	raw, err := readAllLimited(r)
	if err != nil {
		return Statement{}, err
	}
	decoded, err := decodeText(raw, f.Encoding)
	if err != nil {
		return Statement{}, err
	}
	records, err := csvRecords(decoded, f.Separator)
	if err != nil {
		return Statement{}, err
	}
	start, idx, err := locateColumns(records, f.Columns)
	if err != nil {
		return Statement{}, err
	}
	layouts := make([]string, 0, len(f.DateFormats))
	for _, df := range f.DateFormats {
		layouts = append(layouts, dateLayout(df))
	}
	if len(layouts) == 0 {
		layouts = []string{dateLayout("DD/MM/YYYY"), dateLayout("YYYY-MM-DD")}
	}
	var st Statement
	seen := map[string]int{}
	for n := start; n < len(records); n++ {
		rec := records[n]
		line := rec.line
		cell := func(i int) string {
			if i < 0 || i >= len(rec.fields) {
				return ""
			}
			return strings.TrimSpace(rec.fields[i])
		}
		rawDate := cell(idx.date)
		if rawDate == "" {
			continue
		}
		var amount, debit string
		if idx.amount >= 0 {
			amount = cell(idx.amount)
		} else {
			amount, debit = cell(idx.credit), cell(idx.debit)
		}
		if amount == "" {
			if debit == "" {
				st.Notes = append(st.Notes, fmt.Sprintf("line %d: no amount, skipped", line))
			}
			continue
		}
		a, err := text.ParseAmount(amount, f.Decimal)
		if err != nil {
			st.Notes = append(st.Notes, fmt.Sprintf("line %d: amount %q is not a number, skipped", line, amount))
			continue
		}
		if idx.credit >= 0 {
			a = a.Abs() // some banks sign the credit column, some do not
		}
		if !a.IsPositive() {
			continue // money out
		}
		date, ok := parseDate(rawDate, layouts)
		if !ok {
			st.Notes = append(st.Notes, fmt.Sprintf("line %d: date %q not understood (formats %s), skipped", line, rawDate, strings.Join(f.DateFormats, ", ")))
			continue
		}
		cur := text.CurrencyCode(cell(idx.currency))
		if cur == "" {
			cur = strings.ToUpper(f.Currency)
		}
		var refParts []string
		for _, i := range idx.reference {
			if v := cell(i); v != "" {
				refParts = append(refParts, v)
			}
		}
		p := Payment{Amount: a, Currency: cur, Date: date, Payer: cell(idx.payer), Reference: strings.Join(refParts, " "),
			Source: SourceCSV, Line: line}
		if id := cell(idx.id); id != "" {
			p.ExternalRef = "csv:id:" + id
			seen[p.ExternalRef]++
			if c := seen[p.ExternalRef]; c > 1 {
				p.ExternalRef += "#" + strconv.Itoa(c)
			}
		} else {
			p.ExternalRef = lineRef("csv:", seen, date.Format("2006-01-02"), a.String(), cur, p.Payer, p.Reference)
		}
		st.Payments = append(st.Payments, p)
	}
	return st, nil
}

type csvRecord struct {
	line   int
	fields []string
}

// csvRecords splits the text, keeping each record's first line number.
// Quoted fields may hold separators and line breaks; a stray quote inside
// a field is taken literally.
func csvRecords(text, sep string) ([]csvRecord, error) {
	comma := ';'
	if sep != "" {
		comma = []rune(sep)[0]
	} else {
		comma = guessSeparator(text)
	}
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	var out []csvRecord
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return nil, fmt.Errorf("payment: csv line %d: %w", line, err)
		}
		out = append(out, csvRecord{line: line, fields: rec})
	}
	return out, nil
}

// guessSeparator picks the most frequent of ; tab , in the first lines,
// where French exports use ";" (the comma is their decimal mark).
func guessSeparator(text string) rune {
	lines := strings.SplitN(text, "\n", 12)
	if len(lines) > 11 {
		lines = lines[:11]
	}
	best, bestN := ';', 0
	for _, c := range []rune{';', '\t', ','} {
		n := 0
		for _, l := range lines {
			n += strings.Count(l, string(c))
		}
		if n > bestN {
			best, bestN = c, n
		}
	}
	return best
}

// locateColumns finds the header line (the first of the first 30 records
// holding every named column) and resolves the columns. With only "#N"
// columns there is no header and data starts at the first record.
func locateColumns(records []csvRecord, c CSVColumns) (int, columnIndex, error) {
	specs := []*string{&c.Date, &c.Amount, &c.Credit, &c.Debit, &c.Currency, &c.Payer, &c.ID}
	named := false
	for _, s := range specs {
		if *s != "" && !strings.HasPrefix(*s, "#") {
			named = true
		}
	}
	for _, s := range c.Reference {
		if !strings.HasPrefix(s, "#") {
			named = true
		}
	}
	resolve := func(header []string, spec string) (int, bool) {
		if spec == "" {
			return -1, true
		}
		if n, ok := strings.CutPrefix(spec, "#"); ok {
			i, err := strconv.Atoi(n)
			if err != nil || i < 1 {
				return -1, false
			}
			return i - 1, true
		}
		want := headerKey(spec)
		for i, h := range header {
			if headerKey(h) == want {
				return i, true
			}
		}
		return -1, false
	}
	try := func(header []string) (columnIndex, bool) {
		var idx columnIndex
		ok := true
		for _, p := range []struct {
			spec string
			dst  *int
		}{{c.Date, &idx.date}, {c.Amount, &idx.amount}, {c.Credit, &idx.credit}, {c.Debit, &idx.debit},
			{c.Currency, &idx.currency}, {c.Payer, &idx.payer}, {c.ID, &idx.id}} {
			i, found := resolve(header, p.spec)
			ok = ok && found
			*p.dst = i
		}
		for _, s := range c.Reference {
			i, found := resolve(header, s)
			ok = ok && found
			idx.reference = append(idx.reference, i)
		}
		return idx, ok
	}
	if !named {
		idx, ok := try(nil)
		if !ok {
			return 0, idx, errors.New("payment: csv: a column number is not valid")
		}
		return 0, idx, nil
	}
	for n := 0; n < len(records) && n < 30; n++ {
		if idx, ok := try(records[n].fields); ok {
			return n + 1, idx, nil
		}
	}
	return 0, columnIndex{}, fmt.Errorf("payment: csv: no header line with the columns %s", strings.Join(columnNames(c), ", "))
}

func columnNames(c CSVColumns) []string {
	var out []string
	for _, s := range append([]string{c.Date, c.Amount, c.Credit, c.Debit, c.Currency, c.Payer, c.ID}, c.Reference...) {
		if s != "" {
			out = append(out, strconv.Quote(s))
		}
	}
	return out
}

// headerKey compares header names without case, accents or surrounding
// space: "Date opération" matches "DATE OPERATION".
func headerKey(s string) string {
	return strings.Join(strings.Fields(foldText(strings.Trim(s, " \t\"\ufeff"))), " ")
}

// MatchesHeader reports whether the text of a CSV export has the header
// this format expects (to pick a format among several).
func (f CSVFormat) MatchesHeader(r io.Reader) bool {
	raw, err := io.ReadAll(io.LimitReader(r, 64<<10))
	if err != nil {
		return false
	}
	text, err := decodeText(raw, f.Encoding)
	if err != nil {
		return false
	}
	// Only whole lines: the last one may be cut by the limit.
	if i := strings.LastIndexByte(text, '\n'); i > 0 && len(raw) == 64<<10 {
		text = text[:i]
	}
	records, err := csvRecords(text, f.Separator)
	if err != nil {
		return false
	}
	_, _, err = locateColumns(records, f.Columns)
	return err == nil
}
