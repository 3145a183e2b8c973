package payment

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/relance/relance/internal/text"
)

// ISO 20022 cash-management messages, read by element names whatever the
// version's namespace (camt.053.001.02 to .13): a statement (camt.053), and
// the same entries in an intraday report (camt.052) or a credit
// notification (camt.054).
type camtDocument struct {
	Statements    []camtAccount `xml:"BkToCstmrStmt>Stmt"`
	Reports       []camtAccount `xml:"BkToCstmrAcctRpt>Rpt"`
	Notifications []camtAccount `xml:"BkToCstmrDbtCdtNtfctn>Ntfctn"`
}

type camtAccount struct {
	ID      string      `xml:"Id"`
	IBAN    string      `xml:"Acct>Id>IBAN"`
	Other   string      `xml:"Acct>Id>Othr>Id"`
	Ccy     string      `xml:"Acct>Ccy"`
	Entries []camtEntry `xml:"Ntry"`
}

type camtEntry struct {
	NtryRef      string       `xml:"NtryRef"`
	Amt          camtAmount   `xml:"Amt"`
	CdtDbtInd    string       `xml:"CdtDbtInd"`
	RvslInd      string       `xml:"RvslInd"`
	Sts          camtStatus   `xml:"Sts"`
	BookgDt      camtDate     `xml:"BookgDt"`
	ValDt        camtDate     `xml:"ValDt"`
	AcctSvcrRef  string       `xml:"AcctSvcrRef"`
	AddtlNtryInf string       `xml:"AddtlNtryInf"`
	Txs          []camtTxDtls `xml:"NtryDtls>TxDtls"`
}

// camtStatus is text in version 2 (<Sts>BOOK</Sts>) and a choice from
// version 8 on (<Sts><Cd>BOOK</Cd></Sts>).
type camtStatus struct {
	Text string `xml:",chardata"`
	Cd   string `xml:"Cd"`
}

func (s camtStatus) code() string {
	if c := strings.TrimSpace(s.Cd); c != "" {
		return strings.ToUpper(c)
	}
	return strings.ToUpper(strings.TrimSpace(s.Text))
}

type camtDate struct {
	Dt   string `xml:"Dt"`
	DtTm string `xml:"DtTm"`
}

func (d camtDate) date() (time.Time, bool) {
	raw := strings.TrimSpace(d.Dt)
	if raw == "" {
		raw = strings.TrimSpace(d.DtTm)
	}
	if len(raw) < 10 {
		return time.Time{}, false
	}
	// The calendar day as the bank wrote it: converting a DtTm to UTC
	// would move a midnight booking to the previous day.
	t, err := time.Parse("2006-01-02", raw[:10])
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

type camtAmount struct {
	Value string `xml:",chardata"`
	Ccy   string `xml:"Ccy,attr"`
}

type camtTxDtls struct {
	AcctSvcrRef string     `xml:"Refs>AcctSvcrRef"`
	EndToEndID  string     `xml:"Refs>EndToEndId"`
	TxID        string     `xml:"Refs>TxId"`
	Amt         camtAmount `xml:"Amt"`
	TxAmt       camtAmount `xml:"AmtDtls>TxAmt>Amt"`
	CdtDbtInd   string     `xml:"CdtDbtInd"`
	Dbtr        camtParty  `xml:"RltdPties>Dbtr"`
	UltmtDbtr   camtParty  `xml:"RltdPties>UltmtDbtr"`
	Ustrd       []string   `xml:"RmtInf>Ustrd"`
	Strd        []camtStrd `xml:"RmtInf>Strd"`
	AddtlTxInf  string     `xml:"AddtlTxInf"`
}

// camtParty: the name is Dbtr/Nm up to version 7, Dbtr/Pty/Nm from 8.
type camtParty struct {
	Nm    string `xml:"Nm"`
	PtyNm string `xml:"Pty>Nm"`
}

func (p camtParty) name() string {
	if n := strings.TrimSpace(p.PtyNm); n != "" {
		return n
	}
	return strings.TrimSpace(p.Nm)
}

type camtStrd struct {
	CdtrRef   string   `xml:"CdtrRefInf>Ref"`
	DocNumber []string `xml:"RfrdDocInf>Nb"`
	Addtl     []string `xml:"AddtlRmtInf"`
}

// ReadCAMT053 reads the booked credit entries of an ISO 20022 statement.
// An entry that batches several transfers (several TxDtls, each with its
// amount) becomes one payment per transfer; reversals and entries not
// booked (pending, information) are skipped.
func ReadCAMT053(r io.Reader) (Statement, error) {
	raw, err := readAllLimited(r)
	if err != nil {
		return Statement{}, err
	}
	var doc camtDocument
	dec := xml.NewDecoder(bytes.NewReader(raw))
	// Statements are UTF-8 by the standard; a declared Latin-1 still reads.
	dec.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		e, err := textEncoding(label)
		if err != nil {
			return nil, err
		}
		if e == nil {
			return in, nil
		}
		return e.NewDecoder().Reader(in), nil
	}
	if err := dec.Decode(&doc); err != nil {
		return Statement{}, fmt.Errorf("payment: camt.053: %w", err)
	}
	accounts := append(append(doc.Statements, doc.Reports...), doc.Notifications...)
	if len(accounts) == 0 {
		return Statement{}, fmt.Errorf("payment: camt.053: no BkToCstmrStmt/Stmt in the document")
	}
	var st Statement
	seen := map[string]int{}
	entryNo := 0
	for _, acct := range accounts {
		acctID := strings.TrimSpace(acct.IBAN)
		if acctID == "" {
			acctID = strings.TrimSpace(acct.Other)
		}
		for _, e := range acct.Entries {
			entryNo++
			ps, notes := camtPayments(e, entryNo, acctID, acct.Ccy, seen)
			st.Payments = append(st.Payments, ps...)
			st.Notes = append(st.Notes, notes...)
		}
	}
	return st, nil
}

func camtPayments(e camtEntry, n int, acctID, acctCcy string, seen map[string]int) ([]Payment, []string) {
	if !strings.EqualFold(strings.TrimSpace(e.CdtDbtInd), "CRDT") {
		return nil, nil
	}
	if rev := strings.ToLower(strings.TrimSpace(e.RvslInd)); rev == "true" || rev == "1" {
		return nil, nil
	}
	if sts := e.Sts.code(); sts != "" && sts != "BOOK" {
		return nil, nil
	}
	date, ok := e.BookgDt.date()
	if !ok {
		if date, ok = e.ValDt.date(); !ok {
			return nil, []string{fmt.Sprintf("entry %d: no booking date, skipped", n)}
		}
	}
	entryRef := firstNonEmpty(e.AcctSvcrRef, e.NtryRef)
	// One payment per transfer when the entry batches several, each with
	// its own amount; else the entry is the payment.
	txs := e.Txs
	batch := len(txs) > 1
	if batch {
		for _, tx := range txs {
			if tx.amount().Value == "" {
				batch = false
			}
		}
	}
	if !batch {
		var tx camtTxDtls
		if len(txs) > 0 {
			tx = txs[0]
		}
		if len(txs) > 1 {
			// Transfers without their own amounts: keep every name and
			// label so matching still sees them.
			for _, more := range txs[1:] {
				tx.Ustrd = append(tx.Ustrd, more.Ustrd...)
				tx.Strd = append(tx.Strd, more.Strd...)
			}
		}
		p, note := camtPayment(e.Amt, tx, e, date, acctCcy, n)
		if note != "" {
			return nil, []string{note}
		}
		p.ExternalRef = camtRef(acctID, entryRef, "", p, seen)
		return []Payment{p}, nil
	}
	var out []Payment
	var notes []string
	for i, tx := range txs {
		if ind := strings.TrimSpace(tx.CdtDbtInd); ind != "" && !strings.EqualFold(ind, "CRDT") {
			continue
		}
		p, note := camtPayment(tx.amount(), tx, e, date, acctCcy, n)
		if note != "" {
			notes = append(notes, note)
			continue
		}
		txRef := firstNonEmpty(tx.AcctSvcrRef, tx.TxID, tx.EndToEndID)
		if txRef == "" && entryRef != "" {
			txRef = strconv.Itoa(i + 1)
		}
		p.ExternalRef = camtRef(acctID, entryRef, txRef, p, seen)
		out = append(out, p)
	}
	return out, notes
}

func (tx camtTxDtls) amount() camtAmount {
	if strings.TrimSpace(tx.Amt.Value) != "" {
		return tx.Amt
	}
	return tx.TxAmt
}

func camtPayment(amt camtAmount, tx camtTxDtls, e camtEntry, date time.Time, acctCcy string, n int) (Payment, string) {
	a, err := text.ParseAmount(amt.Value, ".")
	if err != nil || !a.IsPositive() {
		return Payment{}, fmt.Sprintf("entry %d: amount %q is not a positive number, skipped", n, amt.Value)
	}
	cur := strings.ToUpper(strings.TrimSpace(amt.Ccy))
	if cur == "" {
		cur = strings.ToUpper(strings.TrimSpace(acctCcy))
	}
	var refs []string
	for _, s := range tx.Strd {
		refs = append(refs, s.CdtrRef)
		refs = append(refs, s.DocNumber...)
		refs = append(refs, s.Addtl...)
	}
	refs = append(refs, tx.Ustrd...)
	refs = append(refs, tx.AddtlTxInf)
	if strings.TrimSpace(strings.Join(refs, "")) == "" {
		refs = append(refs, e.AddtlNtryInf)
	}
	var kept []string
	for _, r := range refs {
		if r = strings.Join(strings.Fields(r), " "); r != "" {
			kept = append(kept, r)
		}
	}
	payer := tx.Dbtr.name()
	if payer == "" {
		payer = tx.UltmtDbtr.name()
	}
	return Payment{Amount: a, Currency: cur, Date: date, Payer: payer, Reference: strings.Join(kept, " "),
		Source: SourceCAMT053, Line: n}, ""
}

// camtRef is the bank's reference of the entry (and of the transfer in a
// batch), scoped by account; without one, a hash of the content.
func camtRef(acctID, entryRef, txRef string, p Payment, seen map[string]int) string {
	if entryRef != "" {
		ref := "camt:" + acctID + ":" + strings.TrimSpace(entryRef)
		if txRef != "" {
			ref += "/" + strings.TrimSpace(txRef)
		}
		seen[ref]++
		if c := seen[ref]; c > 1 {
			ref += "#" + strconv.Itoa(c)
		}
		return ref
	}
	return lineRef("camt:"+acctID+":", seen, p.Date.Format("2006-01-02"), p.Amount.String(), p.Currency, p.Payer, p.Reference, txRef)
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" && !strings.EqualFold(s, "NOTPROVIDED") {
			return s
		}
	}
	return ""
}
