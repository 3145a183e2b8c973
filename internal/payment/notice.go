package payment

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/relance/relance/internal/message"
	"github.com/relance/relance/internal/text"
)

// NoticeRule recognises one kind of payment notification mail (a bank's
// "virement reçu", a provider's receipt) and says where its facts are.
// Patterns are Go regular expressions, matched case-insensitively against
// the subject and the text of the mail; a pattern's named group (amount,
// currency, payer, email, reference, date) is the value taken.
type NoticeRule struct {
	Name    string `json:"name"`
	Comment string `json:"comment,omitempty"`
	// From lists sender addresses; "*" stands for any run of characters
	// ("*@stripe.com", "alertes@*.credit-agricole.fr").
	From []string `json:"from"`
	// Subject must match the subject (empty: any subject).
	Subject string `json:"subject,omitempty"`
	// Body must match the text (empty: any text). It tells a payment
	// received from a payment sent, when both share a subject.
	Body string `json:"body,omitempty"`
	// Amount finds the amount (group "amount", optionally "currency");
	// empty: the first amount written with a currency.
	Amount    string `json:"amount,omitempty"`
	Payer     string `json:"payer,omitempty"`     // group "payer"
	Email     string `json:"email,omitempty"`     // group "email": the payer's address
	Reference string `json:"reference,omitempty"` // group "reference"
	Date      string `json:"date,omitempty"`      // group "date"; empty: the mail's date
	// DateFormats read the date group ("DD/MM/YYYY", "D MMMM YYYY", or
	// Go layouts); default DD/MM/YYYY, YYYY-MM-DD, MMM D, YYYY.
	DateFormats []string `json:"date_formats,omitempty"`
	// Currency is assumed when the mail states none.
	Currency string `json:"currency,omitempty"`
	// Decimal is the decimal mark of amounts ("," or "."); empty: guessed.
	Decimal string `json:"decimal,omitempty"`
	// RequireAuth accepts the mail only when the receiving server's
	// Authentication-Results (the topmost one) says dkim=pass or
	// dmarc=pass for the sender's domain: anyone can write
	// "From: notifications@stripe.com", and a forged receipt must not stop
	// the chasing of an unpaid invoice.
	RequireAuth bool `json:"require_auth,omitempty"`

	c *compiledRule
}

type compiledRule struct {
	subject, body, amount, payer, email, reference, date *regexp.Regexp
	layouts                                              []string
}

// Notice is a payment notification recognised in a mail.
type Notice struct {
	Rule string
	Payment
}

// compile checks the rule and prepares its patterns.
func (r *NoticeRule) compile() error {
	if r.Name == "" {
		return fmt.Errorf("payment: notice rule without a name")
	}
	if len(r.From) == 0 {
		return fmt.Errorf("payment: notice rule %q: from must list at least one sender", r.Name)
	}
	for _, f := range r.From {
		if _, err := path.Match(strings.ToLower(f), "x@y"); err != nil || !strings.Contains(f, "@") {
			return fmt.Errorf("payment: notice rule %q: from %q is not an address pattern", r.Name, f)
		}
	}
	if r.Decimal != "" && r.Decimal != "," && r.Decimal != "." {
		return fmt.Errorf("payment: notice rule %q: decimal must be \",\" or \".\", got %q", r.Name, r.Decimal)
	}
	c := &compiledRule{}
	for _, p := range []struct {
		field, expr, group string
		dst                **regexp.Regexp
	}{
		{"subject", r.Subject, "", &c.subject},
		{"body", r.Body, "", &c.body},
		{"amount", r.Amount, "amount", &c.amount},
		{"payer", r.Payer, "payer", &c.payer},
		{"email", r.Email, "email", &c.email},
		{"reference", r.Reference, "reference", &c.reference},
		{"date", r.Date, "date", &c.date},
	} {
		if p.expr == "" {
			continue
		}
		re, err := regexp.Compile("(?i)" + p.expr)
		if err != nil {
			return fmt.Errorf("payment: notice rule %q: %s: %w", r.Name, p.field, err)
		}
		if p.group != "" && re.SubexpIndex(p.group) < 0 {
			return fmt.Errorf("payment: notice rule %q: %s needs a group (?P<%s>...)", r.Name, p.field, p.group)
		}
		*p.dst = re
	}
	formats := r.DateFormats
	if len(formats) == 0 {
		formats = []string{"DD/MM/YYYY", "YYYY-MM-DD", "MMM D, YYYY", "D MMM YYYY"}
	}
	for _, f := range formats {
		c.layouts = append(c.layouts, dateLayout(f))
	}
	r.c = c
	return nil
}

// ParseNotice recognises a payment notification: the first rule whose
// sender, subject and body patterns match and that yields an amount.
// Rules that do not compile are skipped (LoadConfig reports them).
func ParseNotice(m *message.Message, rules []NoticeRule) (Notice, bool) {
	if m == nil {
		return Notice{}, false
	}
	from := strings.ToLower(strings.TrimSpace(m.From.Email))
	for i := range rules {
		r := rules[i]
		if r.c == nil {
			if err := r.compile(); err != nil {
				continue
			}
		}
		if !senderMatches(from, r.From) {
			continue
		}
		if r.c.subject != nil && !r.c.subject.MatchString(m.Subject) {
			continue
		}
		text := m.Subject + "\n" + m.Text
		if r.c.body != nil && !r.c.body.MatchString(m.Text) {
			continue
		}
		if r.RequireAuth && !authenticated(m, from) {
			continue
		}
		n, ok := r.extract(m, text)
		if ok {
			return n, true
		}
	}
	return Notice{}, false
}

func (r *NoticeRule) extract(m *message.Message, body string) (Notice, bool) {
	n := Notice{Rule: r.Name, Payment: Payment{Source: SourceNotice}}
	var err error
	if r.c.amount != nil {
		sm := r.c.amount.FindStringSubmatch(body)
		if sm == nil {
			return Notice{}, false
		}
		if n.Amount, err = text.ParseAmount(sm[r.c.amount.SubexpIndex("amount")], r.Decimal); err != nil {
			return Notice{}, false
		}
		if i := r.c.amount.SubexpIndex("currency"); i >= 0 {
			n.Currency = text.CurrencyCode(sm[i])
		}
	} else {
		amount, cur, ok := FindMoney(body)
		if !ok {
			return Notice{}, false
		}
		n.Amount, n.Currency = amount, cur
	}
	if !n.Amount.IsPositive() {
		return Notice{}, false
	}
	if n.Currency == "" {
		n.Currency = strings.ToUpper(r.Currency)
	}
	n.Payer = strings.TrimSpace(group(r.c.payer, "payer", body))
	n.PayerEmail = strings.ToLower(strings.Trim(group(r.c.email, "email", body), " <>"))
	n.Reference = strings.TrimSpace(group(r.c.reference, "reference", body))
	if n.Reference == "" {
		// Without a reference pattern the whole notice is the reference:
		// an invoice number anywhere in it is the strongest evidence.
		n.Reference = m.Subject + " " + m.Text
	}
	if raw := group(r.c.date, "date", body); raw != "" {
		n.Date, _ = parseDate(raw, r.c.layouts)
	}
	if n.Date.IsZero() && !m.Date.IsZero() {
		n.Date = time.Date(m.Date.Year(), m.Date.Month(), m.Date.Day(), 0, 0, 0, 0, time.UTC)
	}
	n.ExternalRef = "notice:" + noticeID(m)
	return n, true
}

// noticeID identifies a notice mail: its Message-ID, or a hash of what it
// says when it has none. The same notice filed in two folders is one
// payment.
func noticeID(m *message.Message) string {
	if m.MessageID != "" {
		return m.MessageID
	}
	sum := sha256.Sum256([]byte(m.From.Email + "\x00" + m.Subject + "\x00" + m.Date.UTC().Format(time.RFC3339) + "\x00" + m.Text))
	return "sha256-" + hex.EncodeToString(sum[:12])
}

func group(re *regexp.Regexp, name, text string) string {
	if re == nil {
		return ""
	}
	sm := re.FindStringSubmatch(text)
	if sm == nil {
		return ""
	}
	return sm[re.SubexpIndex(name)]
}

func senderMatches(from string, patterns []string) bool {
	if from == "" {
		return false
	}
	for _, p := range patterns {
		if ok, _ := path.Match(strings.ToLower(strings.TrimSpace(p)), from); ok {
			return true
		}
	}
	return false
}

// authenticated reads the topmost Authentication-Results header, the one
// the receiving server added (lower ones may come from the sender), and
// accepts a DKIM signature or DMARC pass aligned with the sender's domain.
func authenticated(m *message.Message, from string) bool {
	_, domain, ok := strings.Cut(from, "@")
	if !ok {
		return false
	}
	res := m.Header["Authentication-Results"]
	if len(res) == 0 {
		return false
	}
	top := strings.ToLower(res[0])
	for _, clause := range strings.Split(top, ";") {
		f := strings.Fields(clause)
		if len(f) == 0 {
			continue
		}
		switch f[0] {
		case "dkim=pass":
			for _, kv := range f[1:] {
				if d, ok := strings.CutPrefix(kv, "header.d="); ok && alignedDomain(d, domain) {
					return true
				}
				if i, ok := strings.CutPrefix(kv, "header.i="); ok {
					if _, d, ok := strings.Cut(i, "@"); ok && alignedDomain(d, domain) {
						return true
					}
				}
			}
		case "dmarc=pass":
			for _, kv := range f[1:] {
				if d, ok := strings.CutPrefix(kv, "header.from="); ok && alignedDomain(d, domain) {
					return true
				}
			}
		}
	}
	return false
}

// alignedDomain: the signing domain is the sender's or a parent of it
// (relaxed alignment).
func alignedDomain(signer, sender string) bool {
	signer = strings.Trim(signer, ".;")
	return signer != "" && (sender == signer || strings.HasSuffix(sender, "."+signer))
}
