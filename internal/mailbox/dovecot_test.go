package mailbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/relance/relance/internal/testing/testutil/dovecot"
)

func seedFolder(n int, folder string) func(s *dovecot.Server) {
	return func(s *dovecot.Server) {
		for i := 0; i < n; i++ {
			if err := s.Deliver(folder, genMessage(folder, i), false); err != nil {
				panic(err)
			}
		}
	}
}

func TestInitialScanDovecot(t *testing.T) {
	const n = 2000
	srv := dovecot.StartWith(t, dovecot.Options{Seed: func(s *dovecot.Server) {
		seedFolder(n, "INBOX")(s)
		seedFolder(5, "Sent")(s)
	}})
	store := newMemStore()
	var read atomic.Int64
	c := newDovecotClient(t, srv, store, func(cfg *Config) { cfg.BatchSize = 150 })
	c.dialFunc = func(ctx context.Context, d *net.Dialer, addr string) (net.Conn, error) {
		conn, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return nil, err
		}
		return countingConn{Conn: conn, n: &read}, nil
	}
	if err := c.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := store.count("INBOX"); got != n {
		t.Errorf("INBOX: %d distinct messages ingested, want %d", got, n)
	}
	if got := store.count("Sent"); got != 5 {
		t.Errorf("Sent: %d ingested, want 5", got)
	}
	if store.calls != n+5 {
		t.Errorf("Ingest called %d times, want %d", store.calls, n+5)
	}
	if d := store.duplicates(); len(d) > 0 {
		t.Errorf("duplicates: %v", d[:min(5, len(d))])
	}
	// Parts: text and XML fetched, the PDF described only.
	m, ok := store.get("INBOX", "inbox-3@atelier-dupont.example")
	if !ok {
		t.Fatal("message 3 missing")
	}
	if m.Role != RoleInbox || m.UIDValidity == 0 || m.Size == 0 || m.InternalDate.IsZero() {
		t.Errorf("metadata incomplete: role=%s uidvalidity=%d size=%d date=%v", m.Role, m.UIDValidity, m.Size, m.InternalDate)
	}
	if slices.Contains(m.Flags, `\Seen`) {
		t.Errorf("scan marked the message seen: %v", m.Flags)
	}
	kinds := map[string]bool{}
	for _, p := range m.Parts {
		fetched := p.Body != nil
		kinds[p.MediaType] = true
		switch {
		case p.MediaType == "application/pdf" && fetched:
			t.Errorf("PDF part %v downloaded by the scan", p.Path)
		case (p.MediaType == "text/plain" || p.MediaType == "text/html") && !fetched:
			t.Errorf("%s part %v not fetched", p.MediaType, p.Path)
		case p.DispositionParams["filename"] == "F-2026-0003.xml" && !strings.Contains(string(p.Body), "<ID>F-2026-0003</ID>"):
			t.Errorf("XML part %v = %q", p.Path, p.Body)
		}
	}
	if !kinds["application/pdf"] || !kinds["text/plain"] {
		t.Errorf("parts incomplete: %v", kinds)
	}
	if !strings.Contains(string(m.Header), "Subject: Facture F-2026-0003") {
		t.Errorf("header = %q", m.Header)
	}
	// The whole mailbox is ~n×33 KiB of base64 PDF; the scan must read a
	// small fraction of that.
	if pdfTotal := int64(n) * pdfBytes * 4 / 3; read.Load() > pdfTotal/4 {
		t.Errorf("scan read %d bytes, PDFs alone are %d: parts not fetched selectively", read.Load(), pdfTotal)
	}
	t.Logf("scan of %d messages read %d KiB", n, read.Load()>>10)

	// A second pass finds nothing new.
	before := store.calls
	if err := c.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if store.calls != before {
		t.Errorf("second pass ingested %d more", store.calls-before)
	}
}

// A BatchStore receives each FETCH round at once, loads PDFs from several
// goroutines, and a batch it refuses is offered again whole, without
// duplicates.
func TestBatchScanDovecot(t *testing.T) {
	const inbox, sent, batch = 1000, 40, 150
	srv := dovecot.StartWith(t, dovecot.Options{Seed: func(s *dovecot.Server) {
		seedFolder(inbox, "INBOX")(s)
		seedFolder(sent, "Sent")(s)
	}})
	store := &batchStore{memStore: newMemStore(), failBatch: 3}
	var pdfs atomic.Int64
	store.onIngest = func(m Fetched) error {
		if m.Role != RoleSent {
			return nil
		}
		for _, p := range m.Parts {
			if p.MediaType != "application/pdf" {
				continue
			}
			got, err := m.Load(context.Background(), p.Path)
			if err != nil {
				return err
			}
			if !strings.HasPrefix(string(got[0].Body), "JVBERi0") { // base64 of "%PDF-"
				return fmt.Errorf("UID %d: PDF part starts %q", m.UID, got[0].Body[:min(10, len(got[0].Body))])
			}
			pdfs.Add(1)
		}
		return nil
	}
	c := newDovecotClient(t, srv, store, func(cfg *Config) { cfg.BatchSize = batch })
	if err := c.SyncOnce(context.Background()); err == nil || !strings.Contains(err.Error(), "batch 3 refused") {
		t.Fatalf("first pass: err = %v, want the refused batch", err)
	}
	// Whichever folder came first, the refused batch saved nothing of its own.
	if got := store.count("INBOX"); got%batch != 0 || got >= inbox {
		t.Fatalf("after the refused batch: %d INBOX messages saved, want whole batches of %d", got, batch)
	}
	if err := c.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := store.count("INBOX"); got != inbox {
		t.Errorf("INBOX: %d distinct messages, want %d", got, inbox)
	}
	if got := store.count("Sent"); got != sent {
		t.Errorf("Sent: %d distinct messages, want %d", got, sent)
	}
	if store.calls != inbox+sent {
		t.Errorf("%d messages saved, want %d", store.calls, inbox+sent)
	}
	if d := store.duplicates(); len(d) > 0 {
		t.Errorf("duplicates: %v", d[:min(5, len(d))])
	}
	if want := int64(sent); pdfs.Load() < want {
		t.Errorf("%d PDFs loaded, want at least %d", pdfs.Load(), want)
	}
	for _, n := range store.batches {
		if n > batch {
			t.Errorf("a batch of %d messages, more than the FETCH size %d", n, batch)
		}
	}
	if min := (inbox+batch-1)/batch + 1; len(store.batches) < min || len(store.batches) > min+4 {
		t.Errorf("%d batches for %d messages in rounds of %d", len(store.batches), inbox+sent, batch)
	}
	store.mu.Lock()
	last := store.cursors["INBOX"].LastUID
	store.mu.Unlock()
	if last != inbox {
		t.Errorf("INBOX cursor at UID %d, want %d", last, inbox)
	}
}

func TestLoadOnDemandDovecot(t *testing.T) {
	srv := dovecot.StartWith(t, dovecot.Options{Seed: seedFolder(2, "Sent")})
	store := newMemStore()
	var loaded [][]byte
	var loadAfter func(context.Context, ...[]int) ([]byte, error)
	store.onIngest = func(m Fetched) error {
		for _, p := range m.Parts {
			if p.MediaType == "application/pdf" {
				got, err := m.Load(context.Background(), p.Path)
				if err != nil {
					return err
				}
				loaded = append(loaded, got[0].Body)
			}
		}
		load := m.Load
		loadAfter = func(ctx context.Context, paths ...[]int) ([]byte, error) {
			_, err := load(ctx, paths...)
			return nil, err
		}
		if _, err := m.Load(context.Background(), []int{9, 9}); err == nil {
			return errors.New("Load of a missing part succeeded")
		}
		return nil
	}
	c := newDovecotClient(t, srv, store, nil)
	if err := c.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(loaded) != 2 || !strings.HasPrefix(string(loaded[0]), "JVBERi0") { // base64 of "%PDF-"
		t.Fatalf("loaded %d PDFs, first starts %q", len(loaded), string(loaded[0][:min(10, len(loaded[0]))]))
	}
	if _, err := loadAfter(context.Background(), []int{2}); err == nil {
		t.Error("Load after Ingest returned succeeded")
	}
}

func TestIdlePushDovecot(t *testing.T) {
	srv := dovecot.StartWith(t, dovecot.Options{Seed: seedFolder(20, "INBOX")})
	store := newMemStore()
	c := newDovecotClient(t, srv, store, nil)
	runInBackground(t, c)
	store.waitFor(t, 20*time.Second, "initial scan", func() bool { return store.count("INBOX") == 20 })

	// Delivered while the client sits in IDLE: only a push can make it
	// appear within 2 s (the poll and side intervals are minutes).
	for i := range 2 {
		start := time.Now()
		if _, err := c.Append(context.Background(), RoleInbox, genReply(i), nil, time.Time{}); err != nil {
			t.Fatal(err)
		}
		store.waitFor(t, 2*time.Second, "reply via IDLE", func() bool { return store.count("INBOX") == 21+i })
		t.Logf("reply %d ingested %s after APPEND", i, time.Since(start).Round(time.Millisecond))
	}
	if d := store.duplicates(); len(d) > 0 {
		t.Errorf("duplicates: %v", d)
	}
	// The counters follow the store's write: the reply may be readable an
	// instant before they count it.
	deadline := time.Now().Add(2 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for st := c.Status(); !st.Connected || st.Ingested["INBOX"] != 22; st = c.Status() {
		if time.Now().After(deadline) {
			t.Errorf("status = %+v", st)
			break
		}
		<-tick.C
	}
}

func TestReconnectDovecot(t *testing.T) {
	srv := dovecot.StartWith(t, dovecot.Options{Seed: seedFolder(30, "INBOX")})
	store := newMemStore()
	c := newDovecotClient(t, srv, store, nil)
	runInBackground(t, c)
	store.waitFor(t, 20*time.Second, "initial scan", func() bool { return store.count("INBOX") == 30 })

	srv.Stop()
	for i := range 3 {
		if err := srv.Deliver("INBOX", genReply(100+i), false); err != nil {
			t.Fatal(err)
		}
	}
	srv.Start()
	store.waitFor(t, 30*time.Second, "mail delivered during the outage", func() bool { return store.count("INBOX") == 33 })
	if d := store.duplicates(); len(d) > 0 {
		t.Errorf("duplicates after reconnect: %v", d)
	}
	if st := c.Status(); st.Reconnects == 0 {
		t.Errorf("no reconnect recorded: %+v", st)
	}
	// And IDLE works on the new connection.
	if _, err := c.Append(context.Background(), RoleInbox, genReply(200), nil, time.Time{}); err != nil {
		t.Fatal(err)
	}
	store.waitFor(t, 5*time.Second, "reply after reconnect", func() bool { return store.count("INBOX") == 34 })
}

func TestUIDValidityChangeDovecot(t *testing.T) {
	srv := dovecot.StartWith(t, dovecot.Options{Seed: seedFolder(40, "INBOX")})
	store := newMemStore()
	c := newDovecotClient(t, srv, store, nil)
	ctx := context.Background()
	if err := c.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	old := store.cursors["INBOX"]
	srv.ChangeUIDValidity("INBOX")
	if err := srv.Deliver("INBOX", genReply(1), false); err != nil {
		t.Fatal(err)
	}
	if err := c.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	cur := store.cursors["INBOX"]
	if cur.UIDValidity == old.UIDValidity {
		t.Fatalf("UIDVALIDITY did not change (%d)", old.UIDValidity)
	}
	if len(store.resets) != 1 || store.resets[0] != cur.UIDValidity {
		t.Errorf("ResetFolder calls = %v, want [%d]", store.resets, cur.UIDValidity)
	}
	if got := store.count("INBOX"); got != 41 {
		t.Errorf("distinct messages = %d, want 41 (40 + 1 new, rescan de-duplicated)", got)
	}
	if d := store.duplicates(); len(d) > 0 {
		t.Errorf("duplicates: %v", d)
	}
}

func TestResumeMidScanDovecot(t *testing.T) {
	const n, stopAt = 500, 230
	srv := dovecot.StartWith(t, dovecot.Options{Seed: seedFolder(n, "INBOX")})
	store := newMemStore()
	ctx, cancel := context.WithCancel(context.Background())
	var calls atomic.Int64
	store.onIngest = func(m Fetched) error {
		if calls.Add(1) == stopAt {
			cancel() // the daemon is stopped mid-scan
		}
		return nil
	}
	c := newDovecotClient(t, srv, store, func(cfg *Config) { cfg.BatchSize = 100 })
	if err := c.SyncOnce(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("first pass: err = %v, want context.Canceled", err)
	}
	first := store.calls
	if first < stopAt || first >= n {
		t.Fatalf("first pass ingested %d", first)
	}
	c2 := newDovecotClient(t, srv, store, func(cfg *Config) { cfg.BatchSize = 100 })
	if err := c2.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if store.calls != n {
		t.Errorf("Ingest calls over both runs = %d, want %d (resume, not restart)", store.calls, n)
	}
	if got := c2.Status().Ingested["INBOX"]; got != n-first {
		t.Errorf("second run ingested %d, want %d", got, n-first)
	}
	if d := store.duplicates(); len(d) > 0 {
		t.Errorf("duplicates: %v", d)
	}
}

func TestDraftsOpsDovecot(t *testing.T) {
	srv := dovecot.Start(t)
	c := newDovecotClient(t, srv, newMemStore(), nil)
	ctx := context.Background()
	raw := []byte("From: a@example.com\r\nTo: b@example.com\r\nSubject: Relance\r\n" +
		"Message-ID: <draft-1@relance.example>\r\nX-Relance-Draft: d-42\r\n\r\nBonjour.\r\n")
	date := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
	uid, err := c.Append(ctx, RoleDrafts, raw, []string{`\Draft`}, date)
	if err != nil {
		t.Fatal(err)
	}
	if uid == 0 {
		t.Fatal("no UID from APPEND (Dovecot has UIDPLUS)")
	}
	// A draft of the user's own, not ours.
	if _, err := c.Append(ctx, RoleDrafts, []byte("Subject: perso\r\nMessage-ID: <mine@x>\r\n\r\nhi\r\n"), nil, time.Time{}); err != nil {
		t.Fatal(err)
	}
	st, err := c.DraftsState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 2 || st[0].UID != uid || st[0].MessageID != "draft-1@relance.example" || st[0].RelanceDraft != "d-42" ||
		!slices.Contains(st[0].Flags, `\Draft`) || st[1].RelanceDraft != "" {
		t.Fatalf("DraftsState = %+v", st)
	}
	if err := c.SetFlag(ctx, RoleDrafts, uid, `\Flagged`, true); err != nil {
		t.Fatal(err)
	}
	st, err = c.DraftsState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(st[0].Flags, `\Flagged`) {
		t.Errorf("flags after SetFlag = %v", st[0].Flags)
	}
	for _, id := range []string{"draft-1@relance.example", "<draft-1@relance.example>"} {
		got, found, err := c.FindMessageID(ctx, RoleDrafts, id)
		if err != nil || !found || got != uid {
			t.Errorf("FindMessageID(%q) = %d, %v, %v; want %d, true", id, got, found, err, uid)
		}
	}
	if _, found, err := c.FindMessageID(ctx, RoleDrafts, "draft-1@relance"); err != nil || found {
		t.Errorf("prefix of a Message-ID matched: %v %v", found, err)
	}
	if err := c.Delete(ctx, RoleDrafts, uid); err != nil {
		t.Fatal(err)
	}
	st, err = c.DraftsState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 1 || st[0].MessageID != "mine@x" {
		t.Errorf("after Delete: %+v", st)
	}
	if _, found, err := c.FindMessageID(ctx, RoleDrafts, "draft-1@relance.example"); err != nil || found {
		t.Errorf("deleted draft still found: %v %v", found, err)
	}
	// Sent discovered by SPECIAL-USE.
	if _, err := c.Append(ctx, RoleSent, raw, []string{`\Seen`}, date); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := c.FindMessageID(ctx, RoleSent, "draft-1@relance.example"); !found {
		t.Error("APPEND to Sent not found")
	}
}

// DraftsState reads which installation wrote a draft and its recipients;
// FetchMessage returns a whole message of Sent (the invoice's mail,
// whose PDF a reminder carries).
func TestDraftIdentityAndFetchDovecot(t *testing.T) {
	srv := dovecot.Start(t)
	c := newDovecotClient(t, srv, newMemStore(), nil)
	ctx := context.Background()
	raw := []byte("From: a@example.com\r\nTo: \"Léa\" <Lea@StudioKuma.fr>, b@example.com\r\nCc: =?utf-8?q?Compta_S=C3=A8vres?= <compta@example.com>\r\n" +
		"Subject: Relance\r\nMessage-ID: <draft-7@relance.example>\r\nX-Relance-Draft: 7\r\nX-Relance-Installation: 4f2a9c\r\n\r\nBonjour.\r\n")
	if _, err := c.Append(ctx, RoleDrafts, raw, []string{`\Draft`}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	st, err := c.DraftsState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 1 || st[0].RelanceDraft != "7" || st[0].Installation != "4f2a9c" ||
		!slices.Equal(st[0].To, []string{"lea@studiokuma.fr", "b@example.com"}) || !slices.Equal(st[0].Cc, []string{"compta@example.com"}) {
		t.Fatalf("DraftsState = %+v", st)
	}
	invoiceMail := []byte("From: a@example.com\r\nTo: b@example.com\r\nSubject: Facture F-1\r\nMessage-ID: <inv-1@example.com>\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nFacture.\r\n" +
		"--x\r\nContent-Type: application/pdf; name=F-1.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--x--\r\n")
	if _, err := c.Append(ctx, RoleSent, invoiceMail, []string{`\Seen`}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	got, found, err := c.FetchMessage(ctx, RoleSent, "<inv-1@example.com>")
	if err != nil || !found || !bytes.Equal(got, invoiceMail) {
		t.Fatalf("FetchMessage = %q, %v, %v", got, found, err)
	}
	if _, found, err := c.FetchMessage(ctx, RoleSent, "nowhere@example.com"); err != nil || found {
		t.Fatalf("a missing message: found %v, %v", found, err)
	}
}
