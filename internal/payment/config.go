package payment

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Config is the payments configuration file (config/payments.example.json):
// the notification mails to recognise and the CSV exports to read.
type Config struct {
	Comment string               `json:"comment,omitempty"`
	Notices []NoticeRule         `json:"notices"`
	CSV     map[string]CSVFormat `json:"csv"`
}

// LoadConfig reads and checks a configuration. Unknown fields are errors
// (a misspelt field would otherwise be silently ignored), and every
// pattern is compiled now so that a bad one is reported at start-up.
func LoadConfig(r io.Reader) (Config, error) {
	var c Config
	dec := json.NewDecoder(io.LimitReader(r, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Config{}, fmt.Errorf("payment: read configuration: %w", err)
	}
	names := map[string]bool{}
	for i := range c.Notices {
		if err := c.Notices[i].compile(); err != nil {
			return Config{}, err
		}
		if names[c.Notices[i].Name] {
			return Config{}, fmt.Errorf("payment: notice rule %q appears twice", c.Notices[i].Name)
		}
		names[c.Notices[i].Name] = true
	}
	for name, f := range c.CSV {
		if err := f.validate(name); err != nil {
			return Config{}, err
		}
	}
	return c, nil
}

// BuiltinCSVFormats are the exports relance reads without configuration:
// "fr", a French bank's export (";", decimal comma, DD/MM/YYYY, separate
// Débit and Crédit columns), and "en", an English one (",", decimal point,
// signed Amount).
func BuiltinCSVFormats() map[string]CSVFormat {
	return map[string]CSVFormat{
		"fr": {
			Separator: ";", Decimal: ",", DateFormats: []string{"DD/MM/YYYY", "DD/MM/YY"}, Encoding: "utf-8", Currency: "EUR",
			Columns: CSVColumns{Date: "Date opération", Credit: "Crédit", Debit: "Débit", Reference: []string{"Libellé", "Détail"}},
		},
		"en": {
			Separator: ",", Decimal: ".", DateFormats: []string{"YYYY-MM-DD", "DD/MM/YYYY"}, Encoding: "utf-8", Currency: "GBP",
			Columns: CSVColumns{Date: "Date", Amount: "Amount", Currency: "Currency", Payer: "Counterparty", Reference: []string{"Reference"}, ID: "Transaction ID"},
		},
	}
}

// PickCSVFormat chooses the format for a file: the named one, else the
// only one, else the one whose header the file has. header reads the
// beginning of the file anew for each format tried.
func PickCSVFormat(formats map[string]CSVFormat, name string, header func() io.Reader) (string, CSVFormat, error) {
	if name != "" {
		f, ok := formats[name]
		if !ok {
			return "", CSVFormat{}, fmt.Errorf("payment: no csv format %q (have %s)", name, strings.Join(formatNames(formats), ", "))
		}
		return name, f, nil
	}
	if len(formats) == 1 {
		for n, f := range formats {
			return n, f, nil
		}
	}
	var found []string
	for _, n := range formatNames(formats) {
		if formats[n].MatchesHeader(header()) {
			found = append(found, n)
		}
	}
	switch len(found) {
	case 1:
		return found[0], formats[found[0]], nil
	case 0:
		return "", CSVFormat{}, errors.New("payment: the file's columns fit no csv format (" + strings.Join(formatNames(formats), ", ") + "); describe them in the configuration")
	}
	return "", CSVFormat{}, fmt.Errorf("payment: the file fits several csv formats (%s): name one", strings.Join(found, ", "))
}

func formatNames(m map[string]CSVFormat) []string {
	out := make([]string, 0, len(m))
	for n := range m {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
