package soak

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/relance/relance/internal/classify"
	"github.com/relance/relance/internal/invoice"
	"github.com/relance/relance/internal/message"
)

// hostileMail is a mail built to exhaust a naive parser.
type hostileMail struct {
	name    string
	folder  string // where the pipeline test delivers it
	raw     []byte
	problem string // a word of the Problem the parser must log ("" when none is due)
	// viaIMAP: the problem is due through the daemon too. The scan never
	// downloads large attachments nor the bodies of attached messages, so
	// the big mail and the nested one reach the parser already small.
	viaIMAP bool
}

func base64Lines(b []byte) string {
	enc := base64.StdEncoding.EncodeToString(b)
	var s strings.Builder
	for len(enc) > 76 {
		s.WriteString(enc[:76])
		s.WriteString("\r\n")
		enc = enc[76:]
	}
	s.WriteString(enc)
	s.WriteString("\r\n")
	return s.String()
}

func hostileHeader(id, subject string) string {
	return fmt.Sprintf("From: Client Hostile <hostile@client.test>\r\nTo: factures@atelier.test\r\nDate: Mon, 07 Sep 2026 10:00:00 +0200\r\nMessage-ID: <%s@client.test>\r\nSubject: %s\r\nMIME-Version: 1.0\r\n", id, subject)
}

// hostileMails builds every case; bombMiB sizes the decompression bombs.
func hostileMails(t testing.TB, bombMiB int) []hostileMail {
	t.Helper()
	var out []hostileMail

	// A mail of 52 MB (over the 50 MiB limit): one base64 attachment.
	{
		var b bytes.Buffer
		b.WriteString(hostileHeader("big", "Re: Facture F-2026-0001"))
		b.WriteString("Content-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\nVoir le scan joint.\r\n--zz\r\nContent-Type: application/octet-stream; name=scan.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n")
		line := strings.Repeat("QUJD", 19) + "\r\n"
		for b.Len() < 52<<20 {
			b.WriteString(line)
		}
		b.WriteString("--zz--\r\n")
		out = append(out, hostileMail{name: "50MB mail", folder: "INBOX", raw: b.Bytes(), problem: "skipped"})
	}
	// 10,000 parts.
	{
		var b bytes.Buffer
		b.WriteString(hostileHeader("parts", "Re: relance"))
		b.WriteString("Content-Type: multipart/mixed; boundary=p\r\n\r\n")
		for i := range 10000 {
			fmt.Fprintf(&b, "--p\r\nContent-Type: text/plain\r\n\r\npart %d\r\n", i)
		}
		b.WriteString("--p--\r\n")
		out = append(out, hostileMail{name: "10000 parts", folder: "INBOX", raw: b.Bytes(), problem: "parts", viaIMAP: true})
	}
	// 100 levels of attached messages.
	{
		var b bytes.Buffer
		b.WriteString(hostileHeader("nested", "Fwd: Fwd: Fwd: relance"))
		for i := range 100 {
			fmt.Fprintf(&b, "Content-Type: message/rfc822\r\n\r\nSubject: level %d\r\nMIME-Version: 1.0\r\n", i+1)
		}
		b.WriteString("Content-Type: text/plain\r\n\r\nau fond\r\n")
		out = append(out, hostileMail{name: "100 nested message/rfc822", folder: "INBOX", raw: b.Bytes(), problem: "deep"})
	}
	// A header of 1 MB (one folded field).
	{
		var b bytes.Buffer
		b.WriteString(hostileHeader("header", "Re: relance"))
		b.WriteString("X-Junk: a")
		for b.Len() < 1<<20 {
			b.WriteString("\r\n " + strings.Repeat("junk", 18))
		}
		b.WriteString("\r\nContent-Type: text/plain\r\n\r\nBonjour\r\n")
		out = append(out, hostileMail{name: "1MB header", folder: "INBOX", raw: b.Bytes(), problem: "header", viaIMAP: true})
	}
	// A PDF invoice whose page content and embedded XML are Flate bombs.
	{
		bomb := zlibZeros(t, bombMiB)
		pdf := pdfWithStreams(bomb, bomb)
		var b bytes.Buffer
		b.WriteString(strings.Replace(hostileHeader("pdfbomb", "Facture F-2026-0999 - Atelier Test"), "From: Client Hostile <hostile@client.test>\r\nTo: factures@atelier.test",
			"From: Atelier Test <factures@atelier.test>\r\nTo: Client Hostile <hostile@client.test>", 1))
		b.WriteString("Content-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nVeuillez trouver ci-joint la facture F-2026-0999.\r\n--zz\r\nContent-Type: application/pdf; name=F-2026-0999.pdf\r\nContent-Disposition: attachment; filename=F-2026-0999.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n")
		b.WriteString(base64Lines(pdf))
		b.WriteString("--zz--\r\n")
		out = append(out, hostileMail{name: "Flate bomb in PDF", folder: "Sent", raw: b.Bytes()})
	}
	// A gzip attachment that inflates to GBs.
	{
		var b bytes.Buffer
		b.WriteString(hostileHeader("gzbomb", "Re: relance - justificatifs"))
		b.WriteString("Content-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\nCi-joint les justificatifs.\r\n--zz\r\nContent-Type: application/gzip; name=justificatifs.gz\r\nContent-Transfer-Encoding: base64\r\n\r\n")
		b.WriteString(base64Lines(gzipZeros(t, bombMiB)))
		b.WriteString("--zz--\r\n")
		out = append(out, hostileMail{name: "gzip bomb attachment", folder: "INBOX", raw: b.Bytes()})
	}
	return out
}

// measure runs f and reports its time and the bytes it allocated.
func measure(f func()) (time.Duration, uint64) {
	runtime.GC()
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	start := time.Now()
	f()
	d := time.Since(start)
	runtime.ReadMemStats(&b)
	return d, b.TotalAlloc - a.TotalAlloc
}

// TestHostileInputParsed sends each hostile mail through the parser, the
// invoice extractor and the classifier: each finishes in bounded time and
// allocation, keeps its header, and logs what it skipped as a Problem.
func TestHostileInputParsed(t *testing.T) {
	bombMiB := 1024 // 1 GiB from a ~1 MB stream
	if soakLong() {
		bombMiB = 4096
	}
	for _, h := range hostileMails(t, bombMiB) {
		t.Run(h.name, func(t *testing.T) {
			var m *message.Message
			var err error
			var det invoice.Result
			var cls classify.Result
			d, alloc := measure(func() {
				m, err = message.Parse(bytes.NewReader(h.raw), message.DefaultOptions())
				if err != nil {
					return
				}
				det = invoice.Detect(m, invoice.Options{OwnAddresses: []string{"factures@atelier.test"}})
				cls = classify.Classify(m, classify.Options{})
			})
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			t.Logf("%d bytes in: %v, %d MB allocated, problems %q, invoice evidence %q, class %s",
				len(h.raw), d.Round(time.Millisecond), alloc>>20, clipList(m.Problems), clipList(det.Evidence), cls.Class)
			if m.MessageID == "" || !strings.HasSuffix(m.MessageID, "@client.test") {
				t.Errorf("header lost: Message-ID %q", m.MessageID)
			}
			// A skip deep inside is recorded on the attached message where
			// it happened.
			if all := allProblems(m); h.problem != "" && !strings.Contains(strings.ToLower(strings.Join(all, " ")), h.problem) {
				t.Errorf("no problem mentioning %q logged: %q", h.problem, all)
			}
			// Bounds: three times the input (it is read whole, then
			// decoded) plus 64 MB, and ten seconds even under -race.
			if limit := (uint64(3*len(h.raw)) + 64<<20) * raceFactor; alloc > limit {
				t.Errorf("allocated %d MB for a %d MB mail (limit %d MB)", alloc>>20, len(h.raw)>>20, limit>>20)
			}
			if d > 10*time.Second*raceFactor {
				t.Errorf("took %v", d)
			}
			for _, a := range m.Attachments {
				if len(a.Data) > message.DefaultOptions().MaxAttachmentBytes {
					t.Errorf("attachment %q keeps %d bytes", a.Filename, len(a.Data))
				}
			}
			if h.name == "Flate bomb in PDF" && !strings.Contains(strings.Join(det.Evidence, " "), "inflate") &&
				!strings.Contains(strings.Join(det.Evidence, " "), "exceeds") {
				t.Errorf("the PDF bomb left no problem: %q", det.Evidence)
			}
		})
	}
}

func allProblems(m *message.Message) []string {
	out := append([]string(nil), m.Problems...)
	for _, e := range m.Embedded {
		out = append(out, allProblems(e)...)
	}
	return out
}

func clipList(l []string) []string {
	out := make([]string, 0, len(l))
	for _, s := range l {
		if len(s) > 120 {
			s = s[:120] + "…"
		}
		out = append(out, s)
	}
	return out
}

// TestHostileInputPipeline delivers every hostile mail to Dovecot and runs
// relance on them as a child process: the run succeeds within a bounded
// peak RSS, every mail is recorded with its problems in the event log, and
// the next mail is processed normally.
func TestHostileInputPipeline(t *testing.T) {
	w := newWorld(t)
	mails := hostileMails(t, 1024)
	for _, h := range mails {
		if err := w.IMAP.Deliver(h.folder, h.raw, h.folder == "Sent"); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Date(2026, 9, 8, 18, 0, 0, 0, paris)
	cmd := command(nil, "run", "--once", "--now", now.Format(time.RFC3339))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	rss, err := runPeakRSS(cmd)
	if err != nil {
		t.Fatalf("run --once over hostile mail: %v\n%s", err, out.String())
	}
	t.Logf("run --once over %d hostile mails: %v, peak RSS %d MB", len(mails), time.Since(start).Round(time.Millisecond), rss>>20)
	// The daemon reads messages in batches and streams parts; the whole
	// 52 MB mail is never needed in memory.
	if rss > 128<<20*raceFactor {
		t.Errorf("peak RSS %d MB", rss>>20)
	}

	db := openDB(t, w.DB)
	for _, h := range mails {
		id := strings.TrimSuffix(strings.TrimPrefix(messageIDOf(h.raw), "<"), ">")
		var n int
		if err := db.QueryRow(`SELECT COUNT(*) FROM messages WHERE message_id = ?`, id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("%s: recorded %d times, want 1", h.name, n)
			continue
		}
		if !h.viaIMAP {
			continue
		}
		var problems []string
		rows, err := db.Query(`SELECT e.detail FROM events e JOIN messages m ON m.id = e.message_id WHERE m.message_id = ? AND e.kind = 'message_problem'`, id)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var d string
			rows.Scan(&d)
			problems = append(problems, d)
		}
		rows.Close()
		if len(problems) == 0 {
			t.Errorf("%s: no message_problem event", h.name)
		}
	}
	var inv int
	if err := db.QueryRow(`SELECT COUNT(*) FROM invoices WHERE number = 'F-2026-0999'`).Scan(&inv); err != nil {
		t.Fatal(err)
	}
	if inv != 1 {
		t.Errorf("the invoice carrying the PDF bomb was not recorded from its text (%d)", inv)
	}

	// Business as usual afterwards.
	if err := w.IMAP.Deliver("INBOX", replyMail("after@client.test", "hostile@client.test", "Client Hostile", "", "Re: Facture F-2026-0999",
		now.Add(time.Hour), "Bonjour,\r\n\r\nLe virement a été effectué ce matin.\r\n"), false); err != nil {
		t.Fatal(err)
	}
	w.once(now.Add(2 * time.Hour))
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM messages WHERE message_id = 'after@client.test'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("the mail after the hostile ones: recorded %d times (%v)", n, err)
	}
}

// runPeakRSS runs cmd and samples its high-water resident set (VmHWM) until
// it exits. The rusage of a child is no use here: Linux counts the parent's
// pages shared before exec.
func runPeakRSS(cmd *exec.Cmd) (int64, error) {
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	status := fmt.Sprintf("/proc/%d/status", cmd.Process.Pid)
	done := make(chan struct{})
	peak := make(chan int64, 1)
	go func() {
		var hwm int64
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			if b, err := os.ReadFile(status); err == nil {
				for _, line := range strings.Split(string(b), "\n") {
					if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
						kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
						hwm = max(hwm, kb<<10)
					}
				}
			}
			select {
			case <-done:
				peak <- hwm
				return
			case <-tick.C:
			}
		}
	}()
	err := cmd.Wait()
	close(done)
	return <-peak, err
}
