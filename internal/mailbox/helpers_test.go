package mailbox

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/relance/relance/internal/testing/testutil/dovecot"
)

// memStore is a Store in memory that behaves like the real one: cursor and
// message saved together, a rescan after ResetFolder de-duplicated by
// Message-ID.
type memStore struct {
	mu       sync.Mutex
	cursors  map[string]Cursor
	byID     map[string]map[string]Fetched // folder → Message-ID → message
	calls    int                           // Ingest calls
	dups     []string                      // same folder+UIDVALIDITY+UID ingested twice
	seenUID  map[string]bool
	resets   []uint32
	onIngest func(m Fetched) error // optional hook, runs before saving
	changed  chan struct{}
}

func newMemStore() *memStore {
	return &memStore{
		cursors: map[string]Cursor{},
		byID:    map[string]map[string]Fetched{},
		seenUID: map[string]bool{},
		changed: make(chan struct{}, 1),
	}
}

func (s *memStore) Cursor(_ context.Context, folder string) (Cursor, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cursors[folder], nil
}

func (s *memStore) Ingest(_ context.Context, m Fetched, next Cursor) error {
	if s.onIngest != nil {
		if err := s.onIngest(m); err != nil {
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.save(m, next)
	return nil
}

// save records one message and the cursor; s.mu is held.
func (s *memStore) save(m Fetched, next Cursor) {
	s.calls++
	key := fmt.Sprintf("%s/%d/%d", m.Folder, m.UIDValidity, m.UID)
	if s.seenUID[key] {
		s.dups = append(s.dups, key)
	}
	s.seenUID[key] = true
	id := headerValue(m.Header, "Message-Id")
	if s.byID[m.Folder] == nil {
		s.byID[m.Folder] = map[string]Fetched{}
	}
	if _, ok := s.byID[m.Folder][id]; !ok || id == "" {
		m.Load = nil
		s.byID[m.Folder][id] = m
	}
	if next.LastUID <= s.cursors[m.Folder].LastUID && next.UIDValidity == s.cursors[m.Folder].UIDValidity {
		s.dups = append(s.dups, "cursor went back at "+key)
	}
	s.cursors[m.Folder] = next
	select {
	case s.changed <- struct{}{}:
	default:
	}
}

// batchStore is memStore as a BatchStore: the hook runs on every message of
// a batch at once, from one goroutine each, then the batch is saved whole or
// not at all.
type batchStore struct {
	*memStore
	batches   []int // sizes of the batches saved
	failBatch int   // when > 0, the batch of this number (from 1) fails, once
	seen      int
}

func (s *batchStore) IngestBatch(_ context.Context, ms []Fetched, next Cursor) error {
	errs := make([]error, len(ms))
	if s.onIngest != nil {
		var wg sync.WaitGroup
		for i := range ms {
			wg.Go(func() { errs[i] = s.onIngest(ms[i]) })
		}
		wg.Wait()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen++
	if s.seen == s.failBatch {
		return fmt.Errorf("batch %d refused", s.seen)
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	for i, m := range ms {
		cur := next
		cur.LastUID = m.UID
		if i == len(ms)-1 {
			cur = next
		}
		s.save(m, cur)
	}
	s.batches = append(s.batches, len(ms))
	return nil
}

func (s *memStore) ResetFolder(_ context.Context, folder string, v uint32) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resets = append(s.resets, v)
	s.cursors[folder] = Cursor{Folder: folder, UIDValidity: v}
	return nil
}

func (s *memStore) count(folder string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.byID[folder])
}

func (s *memStore) get(folder, id string) (Fetched, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.byID[folder][id]
	return m, ok
}

func (s *memStore) duplicates() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.dups...)
}

// waitFor waits until cond holds, re-checking on every ingest, or fails
// after timeout.
func (s *memStore) waitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for !cond() {
		select {
		case <-s.changed:
		case <-deadline.C:
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
	}
}

func headerValue(h []byte, name string) string {
	return trimMsgID(parseHeader(h).Get(textproto.CanonicalMIMEHeaderKey(name)))
}

// pdfBytes is the size of the fake PDF attached to generated invoices.
const pdfBytes = 24 << 10

// genMessage builds a realistic invoice mail: text, HTML, a PDF and
// (every third one) a UBL XML attachment.
func genMessage(folder string, i int) []byte {
	var b bytes.Buffer
	boundary := fmt.Sprintf("b-%d-outer", i)
	alt := fmt.Sprintf("b-%d-alt", i)
	fmt.Fprintf(&b, "From: Atelier Dupont <factures@atelier-dupont.example>\r\n")
	fmt.Fprintf(&b, "To: client%d@example.com\r\n", i%97)
	fmt.Fprintf(&b, "Subject: Facture F-2026-%04d\r\n", i)
	fmt.Fprintf(&b, "Date: Mon, 2 Mar 2026 10:%02d:00 +0100\r\n", i%60)
	fmt.Fprintf(&b, "Message-ID: <%s-%d@atelier-dupont.example>\r\n", strings.ToLower(folder), i)
	fmt.Fprintf(&b, "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=%q\r\n\r\n", boundary)
	fmt.Fprintf(&b, "--%s\r\nContent-Type: multipart/alternative; boundary=%q\r\n\r\n", boundary, alt)
	fmt.Fprintf(&b, "--%s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n", alt)
	fmt.Fprintf(&b, "Bonjour,\r\nVeuillez trouver ci-joint la facture F-2026-%04d d'un montant de %d,00 € TTC.\r\nÉchéance : 30 jours.\r\n", i, 100+i)
	fmt.Fprintf(&b, "--%s\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Facture F-2026-%04d</p>\r\n", alt, i)
	fmt.Fprintf(&b, "--%s--\r\n", alt)
	fmt.Fprintf(&b, "--%s\r\nContent-Type: application/pdf; name=\"F-2026-%04d.pdf\"\r\nContent-Disposition: attachment; filename=\"F-2026-%04d.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n", boundary, i, i)
	pdf := bytes.Repeat([]byte(fmt.Sprintf("%%PDF-1.7 fake invoice %d ", i)), pdfBytes/24)
	enc := base64.StdEncoding.EncodeToString(pdf)
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	if i%3 == 0 {
		fmt.Fprintf(&b, "--%s\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"F-2026-%04d.xml\"\r\n\r\n<Invoice><ID>F-2026-%04d</ID></Invoice>\r\n", boundary, i, i)
	}
	fmt.Fprintf(&b, "--%s--\r\n", boundary)
	return b.Bytes()
}

// genReply is a short text reply.
func genReply(i int) []byte {
	return []byte(fmt.Sprintf("From: client@example.com\r\nTo: factures@atelier-dupont.example\r\n"+
		"Subject: Re: Facture F-2026-%04d\r\nMessage-ID: <reply-%d@example.com>\r\n"+
		"In-Reply-To: <inbox-%d@atelier-dupont.example>\r\nDate: Tue, 3 Mar 2026 09:00:00 +0100\r\n\r\n"+
		"Bonjour, le virement est parti hier.\r\n", i, i, i))
}

// countingConn counts bytes read from the server.
type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c countingConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.n.Add(int64(n))
	return n, err
}

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

type tWriter struct{ t testing.TB }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// newDovecotClient returns a Client for s with fast test intervals.
func newDovecotClient(t testing.TB, s *dovecot.Server, store Store, mod func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		Addr:           s.Addr,
		Username:       s.User,
		Password:       s.Password,
		TLS:            TLSNone,
		DialTimeout:    5 * time.Second,
		CommandTimeout: 30 * time.Second,
		Logger:         testLogger(t),
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg, store)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// runInBackground runs c.Run until the test ends.
func runInBackground(t testing.TB, c *Client) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run returned %v on cancel, want nil", err)
			}
		case <-time.After(15 * time.Second):
			t.Errorf("Run did not return after cancel")
		}
	})
}
