package payment

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

type goldenPayment struct {
	Line        int    `json:"line"`
	Amount      string `json:"amount"`
	Currency    string `json:"currency"`
	Date        string `json:"date"`
	Payer       string `json:"payer,omitempty"`
	Reference   string `json:"reference,omitempty"`
	ExternalRef string `json:"external_ref"`
}

type goldenStatement struct {
	Payments []goldenPayment `json:"payments"`
	Notes    []string        `json:"notes,omitempty"`
}

func checkGolden(t *testing.T, name string, st Statement) {
	t.Helper()
	g := goldenStatement{Payments: []goldenPayment{}, Notes: st.Notes}
	for _, p := range st.Payments {
		g.Payments = append(g.Payments, goldenPayment{Line: p.Line, Amount: p.Amount.StringFixed(2), Currency: p.Currency,
			Date: p.Date.Format("2006-01-02"), Payer: p.Payer, Reference: p.Reference, ExternalRef: p.ExternalRef})
	}
	got, err := json.MarshalIndent(g, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "statements", name+".golden.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n%s", name, got)
	}
}

func openFixture(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "statements", name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestReadCSV(t *testing.T) {
	cfg := loadExampleConfig(t)
	tests := []struct {
		file, format string
		payments     int
		check        func(t *testing.T, st Statement)
	}{
		{"fr-banque.csv", "fr", 5, func(t *testing.T, st Statement) {
			p := st.Payments[1]
			if !p.Amount.Equal(d("300")) || p.Reference != `VIR INST RECU /DE ATELIER DUPONT; "ACOMPTE" /MOTIF F-2026-021` {
				t.Errorf("quoted field: %s %q", p.Amount, p.Reference)
			}
			if !strings.Contains(st.Payments[2].Reference, "ref client\nCL-889") && !strings.Contains(st.Payments[2].Reference, "CL-889") {
				t.Errorf("multi-line field lost: %q", st.Payments[2].Reference)
			}
			if st.Payments[3].ExternalRef == st.Payments[4].ExternalRef {
				t.Errorf("two identical cheques share a reference")
			}
			if len(st.Notes) != 2 || !strings.Contains(st.Notes[0], "31/11/2026") || !strings.Contains(st.Notes[1], "Solde") {
				t.Errorf("notes %q, want the impossible date and the balance line", st.Notes)
			}
		}},
		{"en-bank.csv", "en", 3, func(t *testing.T, st Statement) {
			if st.Payments[0].ExternalRef != "csv:id:tx_001" || st.Payments[1].Payer != "Leroy, Cabinet" {
				t.Errorf("got %+v", st.Payments[:2])
			}
			if st.Payments[2].Currency != "GBP" || !st.Payments[2].Amount.Equal(d("1200")) {
				t.Errorf("thousands separator or currency column: %s %s", st.Payments[2].Amount, st.Payments[2].Currency)
			}
		}},
		{"fr-latin1.csv", "fr-latin1", 1, func(t *testing.T, st Statement) {
			if !strings.Contains(st.Payments[0].Reference, "SOCIÉTÉ GÉNÉRALE") {
				t.Errorf("Windows-1252 not decoded: %q", st.Payments[0].Reference)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			st, err := ReadCSV(openFixture(t, tc.file), cfg.CSV[tc.format])
			if err != nil {
				t.Fatal(err)
			}
			if len(st.Payments) != tc.payments {
				t.Fatalf("%d payments, want %d: %+v", len(st.Payments), tc.payments, st.Payments)
			}
			tc.check(t, st)
			checkGolden(t, tc.file, st)
			// Reading again gives the same references: re-import is idempotent.
			again, err := ReadCSV(openFixture(t, tc.file), cfg.CSV[tc.format])
			if err != nil {
				t.Fatal(err)
			}
			for i := range st.Payments {
				if st.Payments[i].ExternalRef != again.Payments[i].ExternalRef {
					t.Errorf("payment %d: reference changed between reads", i)
				}
			}
		})
	}
}

func TestReadCSVShapes(t *testing.T) {
	f := CSVFormat{Decimal: ",", DateFormats: []string{"DD/MM/YYYY"}, Currency: "EUR",
		Columns: CSVColumns{Date: "#1", Amount: "#3", Reference: []string{"#2"}}}
	st, err := ReadCSV(strings.NewReader("01/12/2026;F-1 merci;12,50\n02/12/2026;x;-3,00\n"), f)
	if err != nil || len(st.Payments) != 1 || !st.Payments[0].Amount.Equal(d("12.5")) {
		t.Fatalf("headerless file: %+v %v", st, err)
	}
	// Separator guessed: tabs.
	f2 := CSVFormat{Decimal: ".", Columns: CSVColumns{Date: "Date", Amount: "Amount"}, DateFormats: []string{"MM/DD/YYYY"}}
	st, err = ReadCSV(strings.NewReader("Date\tAmount\n12/01/2026\t5.00\n"), f2)
	if err != nil || len(st.Payments) != 1 || st.Payments[0].Date.Format("2006-01-02") != "2026-12-01" {
		t.Fatalf("tab-separated, US dates: %+v %v", st, err)
	}
	// UTF-16 with BOM, as some spreadsheet exports write.
	var u16 bytes.Buffer
	u16.Write([]byte{0xFF, 0xFE})
	for _, r := range "Date;Amount\n01/12/2026;7,00\n" {
		u16.Write([]byte{byte(r), byte(r >> 8)})
	}
	st, err = ReadCSV(&u16, CSVFormat{Decimal: ",", Columns: CSVColumns{Date: "Date", Amount: "Amount"}})
	if err != nil || len(st.Payments) != 1 {
		t.Fatalf("UTF-16: %+v %v", st, err)
	}
	if _, err := ReadCSV(strings.NewReader("a;b\n1;2\n"), f2); err == nil {
		t.Errorf("missing header accepted")
	}
	if _, err := ReadCSV(strings.NewReader(""), f2); err == nil {
		t.Errorf("empty file accepted")
	}
}

func TestPickCSVFormat(t *testing.T) {
	formats := BuiltinCSVFormats()
	for file, want := range map[string]string{"fr-banque.csv": "fr", "en-bank.csv": "en"} {
		raw, err := os.ReadFile(filepath.Join("testdata", "statements", file))
		if err != nil {
			t.Fatal(err)
		}
		name, _, err := PickCSVFormat(formats, "", func() io.Reader { return bytes.NewReader(raw) })
		if err != nil || name != want {
			t.Errorf("%s: picked %q, %v; want %q", file, name, err, want)
		}
	}
	if _, _, err := PickCSVFormat(formats, "", func() io.Reader { return strings.NewReader("x;y\n") }); err == nil {
		t.Errorf("a file fitting no format was given one")
	}
	if _, _, err := PickCSVFormat(formats, "nl", nil); err == nil {
		t.Errorf("unknown format name accepted")
	}
}

// The built-in formats are the ones the documented example describes.
func TestBuiltinFormatsMatchExample(t *testing.T) {
	cfg := loadExampleConfig(t)
	for name, f := range BuiltinCSVFormats() {
		ex, ok := cfg.CSV[name]
		if !ok {
			t.Errorf("example lacks format %q", name)
			continue
		}
		ex.Comment = ""
		a, _ := json.Marshal(f)
		b, _ := json.Marshal(ex)
		if !bytes.Equal(a, b) {
			t.Errorf("format %q: built-in %s, example %s", name, a, b)
		}
	}
}

func TestReadCAMT053(t *testing.T) {
	tests := []struct {
		file  string
		n     int
		check func(t *testing.T, st Statement)
	}{
		{"camt053-v02.xml", 4, func(t *testing.T, st Statement) {
			p := st.Payments[0]
			if p.Payer != "SARL BOULANGERIE MARTIN" || p.Reference != "F-2026-014" || p.ExternalRef != "camt:FR7630004000050000123456789:BQ20261105-77881" {
				t.Errorf("structured entry: %+v", p)
			}
			if st.Payments[1].ExternalRef == st.Payments[2].ExternalRef || !st.Payments[2].Amount.Equal(d("480")) {
				t.Errorf("batch not split: %+v", st.Payments[1:3])
			}
			if st.Payments[3].Reference != "VIR SEPA RECU ATELIER DUPONT ACOMPTE" {
				t.Errorf("entry without details: %+v", st.Payments[3])
			}
		}},
		{"camt053-v08.xml", 2, func(t *testing.T, st Statement) {
			p := st.Payments[0]
			if p.Payer != "Atelier Dupont" || !strings.Contains(p.Reference, "F-2026-021") || p.Date.Format("2006-01-02") != "2026-11-25" || p.Currency != "GBP" {
				t.Errorf("version 8 entry: %+v", p)
			}
			if st.Payments[1].Currency != "GBP" || st.Payments[1].Payer != "Someone" || !strings.Contains(st.Payments[1].Reference, "second part") {
				t.Errorf("account currency, ultimate debtor, repeated details: %+v", st.Payments[1])
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			st, err := ReadCAMT053(openFixture(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if len(st.Payments) != tc.n {
				t.Fatalf("%d payments, want %d: %+v", len(st.Payments), tc.n, st.Payments)
			}
			tc.check(t, st)
			checkGolden(t, tc.file, st)
		})
	}
}

func TestReadCAMT053Rejects(t *testing.T) {
	for name, doc := range map[string]string{
		"not xml":         "hello",
		"other message":   `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"><CstmrCdtTrfInitn/></Document>`,
		"truncated":       `<Document><BkToCstmrStmt><Stmt><Ntry>`,
		"unknown charset": `<?xml version="1.0" encoding="EBCDIC"?><Document/>`,
	} {
		if _, err := ReadCAMT053(strings.NewReader(doc)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// The statement of the fixtures, matched against the ledger: the whole chain
// from file to decisions.
func TestStatementMatching(t *testing.T) {
	st, err := ReadCAMT053(openFixture(t, "camt053-v02.xml"))
	if err != nil {
		t.Fatal(err)
	}
	got := MatchAll(st.Payments, ledger(), nil)
	// The last entry names no invoice and Atelier Dupont owes two: a human
	// says which one the 300 is for.
	want := []Outcome{Matched, Matched, Matched, Triage}
	for i, w := range want {
		if got[i].Outcome != w {
			t.Errorf("payment %d (%s): %s (%s), want %s", i, st.Payments[i].Reference, got[i].Outcome, got[i].Reason, w)
		}
	}
}

func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("Date;Montant\n01/12/2026;1 200,00\n"))
	f.Add([]byte("\ufeff\"a;b\";\"\"\n"))
	format := CSVFormat{Decimal: ",", Columns: CSVColumns{Date: "Date", Amount: "Montant"}}
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := ReadCSV(bytes.NewReader(data), format)
		if err == nil {
			for _, p := range st.Payments {
				if !p.Amount.IsPositive() || p.ExternalRef == "" {
					t.Fatalf("bad payment %+v", p)
				}
			}
		}
	})
}

func FuzzReadCAMT053(f *testing.F) {
	raw, err := os.ReadFile(filepath.Join("testdata", "statements", "camt053-v02.xml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw)
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := ReadCAMT053(bytes.NewReader(data))
		if err == nil {
			for _, p := range st.Payments {
				if !p.Amount.IsPositive() || p.ExternalRef == "" {
					t.Fatalf("bad payment %+v", p)
				}
			}
		}
	})
}
