package payment

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/relance/relance/internal/text"
)

// Instalment is one agreed step of a payment plan.
type Instalment struct {
	Due    time.Time
	Amount decimal.Decimal
}

// ParseInstalments reads an agreed schedule written by a person:
// "2026-12-15:500,2027-01-15:500", one per line ("2026-12-15 500,00"), or
// separated by ";" when amounts use a decimal comma.
func ParseInstalments(s string) ([]Instalment, error) {
	sep := func(r rune) bool { return r == '\n' || r == '\r' || r == ',' }
	if strings.Contains(s, ";") || strings.Contains(s, "\n") {
		sep = func(r rune) bool { return r == '\n' || r == '\r' || r == ';' }
	}
	var out []Instalment
	for _, part := range strings.FieldsFunc(s, sep) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		date, amount, ok := strings.Cut(part, ":")
		if !ok {
			date, amount, ok = strings.Cut(part, " ")
		}
		if !ok {
			return nil, fmt.Errorf("%q: want DATE:AMOUNT", part)
		}
		d, err := time.Parse("2006-01-02", strings.TrimSpace(date))
		if err != nil {
			return nil, fmt.Errorf("%q: date must be YYYY-MM-DD", part)
		}
		a, err := text.ParseAmount(strings.TrimSpace(amount), "")
		if err != nil || !a.IsPositive() {
			return nil, fmt.Errorf("%q: amount must be a positive number", part)
		}
		out = append(out, Instalment{Due: d, Amount: a})
	}
	if len(out) == 0 {
		return nil, errors.New("no instalment given")
	}
	return out, nil
}
