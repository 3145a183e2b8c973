package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/relance/relance/internal/cli"
	"github.com/relance/relance/internal/mailbox"
	"github.com/relance/relance/internal/testing/testutil/fault"
	"github.com/relance/relance/internal/testing/testutil/world"
)

// The test binary doubles as relance for the crash tests: with this
// variable set it runs the command line and exits.
const beRelance = "RELANCE_E2E_BE_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(beRelance) == "1" {
		// As cmd/relance: SIGTERM and SIGINT end the context, and the
		// daemon stops gracefully.
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
		code := cli.Main(ctx, os.Args[1:], &cli.Env{Stdout: os.Stdout, Stderr: os.Stderr, Fault: fault.FromEnv()})
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

var paris = world.Paris()

// env is a world with the e2e tests' own helpers.
type env struct {
	*world.World
}

func newWorld(t *testing.T) *env { return &env{world.New(t)} }

// once runs `relance run --once --now T`.
func (w *env) once(now time.Time) {
	w.T.Helper()
	w.Relance("run", "--once", "--now", now.Format(time.RFC3339))
}

// process runs relance as a child process (for SIGKILL tests).
func (w *env) process(extraEnv []string, args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), beRelance+"=1")
	cmd.Env = append(cmd.Env, extraEnv...)
	return cmd
}

// imapClient opens a mailbox client for test-side operations (flags, search).
func (w *env) imapClient() *mailbox.Client {
	w.T.Helper()
	c, err := mailbox.New(mailbox.Config{Addr: w.IMAP.Addr, Username: w.IMAP.User, Password: w.IMAP.Password, TLS: mailbox.TLSNone}, nopStore{})
	if err != nil {
		w.T.Fatal(err)
	}
	return c
}

type nopStore struct{}

func (nopStore) Cursor(context.Context, string) (mailbox.Cursor, error)        { return mailbox.Cursor{}, nil }
func (nopStore) Ingest(context.Context, mailbox.Fetched, mailbox.Cursor) error { return nil }
func (nopStore) ResetFolder(context.Context, string, uint32) error             { return nil }

// invoiceMail writes the mail an invoicing tool would send.
func invoiceMail(n int, client, email string, issued, due time.Time, amount string, english bool) []byte {
	var b strings.Builder
	num := fmt.Sprintf("F-2026-%04d", 500+n)
	fmt.Fprintf(&b, "From: Atelier Test <factures@atelier.test>\r\nTo: %s <%s>\r\n", client, email)
	fmt.Fprintf(&b, "Date: %s\r\nMessage-ID: <inv-%d@atelier.test>\r\nMIME-Version: 1.0\r\n", issued.In(paris).Format(time.RFC1123Z), n)
	fmt.Fprintf(&b, "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n")
	if english {
		fmt.Fprintf(&b, "Subject: Invoice %s from Atelier Test\r\n\r\nHello,\r\n\r\nPlease find attached invoice %s dated %s.\r\nAmount due: EUR %s\r\nDue date: %s\r\n\r\nKind regards,\r\nAtelier Test\r\n",
			num, num, issued.Format("2 January 2006"), amount, due.Format("2 January 2006"))
	} else {
		fr := strings.ReplaceAll(amount, ".", ",")
		fmt.Fprintf(&b, "Subject: Facture %s - Atelier Test\r\n\r\nBonjour,\r\n\r\nVeuillez trouver ci-joint la facture n° %s du %s, d'un montant de %s € TTC.\r\n\r\nDate d'échéance : %s\r\n\r\nCordialement,\r\nAtelier Test\r\n",
			num, num, issued.Format("02/01/2006"), fr, due.Format("02/01/2006"))
	}
	return []byte(b.String())
}

// replyMail writes a client's reply to one of our messages.
func replyMail(id string, from, fromName string, inReplyTo, subject string, date time.Time, body string, auto bool) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s <%s>\r\nTo: Atelier Test <factures@atelier.test>\r\n", fromName, from)
	fmt.Fprintf(&b, "Date: %s\r\nMessage-ID: <%s>\r\nMIME-Version: 1.0\r\n", date.In(paris).Format(time.RFC1123Z), id)
	if inReplyTo != "" {
		fmt.Fprintf(&b, "In-Reply-To: <%s>\r\nReferences: <%s>\r\n", inReplyTo, inReplyTo)
	}
	if auto {
		fmt.Fprintf(&b, "Auto-Submitted: auto-replied\r\n")
	}
	fmt.Fprintf(&b, "Subject: %s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n%s\r\n", subject, body)
	return []byte(b.String())
}

// sent is a reminder seen in the sink, parsed.
type sent struct {
	To         string
	MessageID  string
	InReplyTo  string
	References string
	Subject    string
	Date       time.Time
	Draft      string
}

func (w *env) sentMessages() []sent {
	w.T.Helper()
	var out []sent
	for _, m := range w.Sink.Messages() {
		msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
		if err != nil {
			w.T.Fatalf("sink holds an unparseable message: %v", err)
		}
		d, _ := msg.Header.Date()
		to := ""
		if len(m.To) > 0 {
			to = strings.ToLower(m.To[0])
		}
		dec := new(mime.WordDecoder)
		subj, _ := dec.DecodeHeader(msg.Header.Get("Subject"))
		out = append(out, sent{To: to, MessageID: strings.Trim(msg.Header.Get("Message-Id"), "<>"), InReplyTo: msg.Header.Get("In-Reply-To"),
			References: msg.Header.Get("References"), Subject: subj, Date: d, Draft: msg.Header.Get("X-Relance-Draft")})
	}
	return out
}

// decodeQP undoes quoted-printable soft breaks and =XX escapes enough to
// search a sent body for words.
func decodeQP(s string) string {
	r, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(s)))
	if err != nil {
		return s
	}
	return string(r)
}

// bounceMail writes the delivery status notification an MTA returns when a
// recipient does not exist (RFC 3464), with the original headers attached.
func bounceMail(id, rcpt, origID, origSubject string, date time.Time) []byte {
	var b strings.Builder
	boundary := "dsn-" + id
	fmt.Fprintf(&b, "From: Mail Delivery System <MAILER-DAEMON@mx.client.test>\r\nTo: factures@atelier.test\r\n")
	fmt.Fprintf(&b, "Date: %s\r\nMessage-ID: <%s>\r\nSubject: Undelivered Mail Returned to Sender\r\n", date.In(paris).Format(time.RFC1123Z), id)
	fmt.Fprintf(&b, "Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n")
	fmt.Fprintf(&b, "Content-Type: multipart/report; report-type=delivery-status; boundary=%q\r\n\r\n", boundary)
	fmt.Fprintf(&b, "--%s\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nThis is the mail system. Your message could not be delivered to <%s>: user unknown.\r\n\r\n", boundary, rcpt)
	fmt.Fprintf(&b, "--%s\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.client.test\r\n\r\nFinal-Recipient: rfc822; %s\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 <%s>: Recipient address rejected: User unknown\r\n\r\n", boundary, rcpt, rcpt)
	fmt.Fprintf(&b, "--%s\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: Atelier Test <factures@atelier.test>\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s>\r\n\r\n--%s--\r\n", boundary, rcpt, origSubject, origID, boundary)
	return []byte(b.String())
}
