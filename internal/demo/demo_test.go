package demo

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// testNow is a Tuesday in late November, in Paris' winter time.
var testNow = time.Date(2026, 11, 24, 10, 30, 0, 0, time.UTC)

func startEnv(t *testing.T) (*Env, context.CancelFunc) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	env, err := Start(ctx, testNow, slog.New(slog.DiscardHandler))
	if err != nil {
		cancel()
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		if err := env.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return env, cancel
}

func dialIMAP(t *testing.T, env *Env) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(env.IMAPAddr, nil)
	if err != nil {
		t.Fatalf("dial IMAP: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(env.Username, env.Password).Wait(); err != nil {
		t.Fatalf("LOGIN: %v", err)
	}
	return c
}

func TestStartListensOnLoopback(t *testing.T) {
	env, _ := startEnv(t)
	for _, a := range []string{env.IMAPAddr, env.SMTPAddr} {
		host, port, err := net.SplitHostPort(a)
		if err != nil || host != "127.0.0.1" || port == "0" {
			t.Errorf("address %q: want 127.0.0.1 with a real port (err %v)", a, err)
		}
	}
	if env.Username != DemoUsername || env.Password == "" || env.Sink == nil {
		t.Errorf("env = %+v, want credentials and a sink", env)
	}
}

func TestIMAPFoldersAndCounts(t *testing.T) {
	env, _ := startEnv(t)
	c := dialIMAP(t, env)
	want := SampleMonth(testNow)

	list, err := c.List("", "*", &imap.ListOptions{
		ReturnStatus: &imap.StatusOptions{NumMessages: true, NumUnseen: true},
	}).Collect()
	if err != nil {
		t.Fatalf("LIST: %v", err)
	}
	got := map[string]*imap.ListData{}
	for _, l := range list {
		got[l.Mailbox] = l
	}
	tests := []struct {
		folder  string
		use     imap.MailboxAttr
		count   int
		unseen0 bool // every message seen
	}{
		{FolderInbox, "", len(want[FolderInbox]), false},
		{FolderSent, imap.MailboxAttrSent, len(want[FolderSent]), true},
		{FolderDrafts, imap.MailboxAttrDrafts, 0, true},
		{FolderArchive, imap.MailboxAttrArchive, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.folder, func(t *testing.T) {
			l := got[tt.folder]
			if l == nil {
				t.Fatalf("folder missing from LIST: %v", list)
			}
			if tt.use != "" && !slices.Contains(l.Attrs, tt.use) {
				t.Errorf("attrs = %v, want %s", l.Attrs, tt.use)
			}
			if l.Status == nil || l.Status.NumMessages == nil {
				t.Fatalf("no STATUS in LIST reply")
			}
			if n := int(*l.Status.NumMessages); n != tt.count {
				t.Errorf("messages = %d, want %d", n, tt.count)
			}
			unseen := int(*l.Status.NumUnseen)
			if tt.unseen0 && unseen != 0 {
				t.Errorf("unseen = %d, want 0", unseen)
			}
			if !tt.unseen0 && (unseen == 0 || unseen == tt.count) {
				t.Errorf("unseen = %d of %d, want the last few days only", unseen, tt.count)
			}
		})
	}
	if len(got) != len(tests) {
		t.Errorf("LIST returned %d folders, want %d", len(got), len(tests))
	}
}

func TestIMAPSpecialUseSelection(t *testing.T) {
	env, _ := startEnv(t)
	c := dialIMAP(t, env)
	if !c.Caps().Has(imap.CapSpecialUse) {
		t.Fatalf("SPECIAL-USE not advertised: %v", c.Caps())
	}
	list, err := c.List("", "*", &imap.ListOptions{SelectSpecialUse: true}).Collect()
	if err != nil {
		t.Fatalf("LIST (SPECIAL-USE): %v", err)
	}
	var names []string
	for _, l := range list {
		names = append(names, l.Mailbox)
	}
	if want := []string{FolderArchive, FolderDrafts, FolderSent}; !slices.Equal(names, want) {
		t.Errorf("special-use folders = %v, want %v", names, want)
	}

	// CREATE-SPECIAL-USE is kept, and so are renames and deletes.
	if err := c.Create("Corbeille", &imap.CreateOptions{SpecialUse: []imap.MailboxAttr{imap.MailboxAttrTrash}}).Wait(); err != nil {
		t.Fatalf("CREATE: %v", err)
	}
	if err := c.Rename("Corbeille", "Trash", nil).Wait(); err != nil {
		t.Fatalf("RENAME: %v", err)
	}
	list, err = c.List("", "Trash", nil).Collect()
	if err != nil || len(list) != 1 || !slices.Contains(list[0].Attrs, imap.MailboxAttrTrash) {
		t.Fatalf("LIST Trash = %v, %v; want one \\Trash folder", list, err)
	}
	if err := c.Delete("Trash").Wait(); err != nil {
		t.Fatalf("DELETE: %v", err)
	}
	if list, _ := c.List("", "Trash", nil).Collect(); len(list) != 0 {
		t.Errorf("Trash still listed after DELETE: %v", list)
	}
}

func TestIMAPFetchSeededMail(t *testing.T) {
	env, _ := startEnv(t)
	c := dialIMAP(t, env)
	if _, err := c.Select(FolderSent, nil).Wait(); err != nil {
		t.Fatalf("SELECT: %v", err)
	}
	msgs, err := c.Fetch(imap.SeqSetNum(1), &imap.FetchOptions{
		Envelope:     true,
		InternalDate: true,
		BodySection:  []*imap.FetchItemBodySection{{}},
	}).Collect()
	if err != nil || len(msgs) != 1 {
		t.Fatalf("FETCH: %v (%d messages)", err, len(msgs))
	}
	first := SampleMonth(testNow)[FolderSent][0]
	var body []byte
	for _, b := range msgs[0].BodySection {
		body = b.Bytes
	}
	if string(body) != string(first) {
		t.Errorf("fetched body differs from the seeded mail")
	}
	if msgs[0].Envelope == nil || !strings.Contains(msgs[0].Envelope.Subject, "F-") {
		t.Errorf("envelope = %+v, want an invoice subject", msgs[0].Envelope)
	}
	if want, _ := headerDate(first); !msgs[0].InternalDate.Equal(want) {
		t.Errorf("internal date = %v, want the Date header %v", msgs[0].InternalDate, want)
	}
}

func TestIMAPRejectsBadPassword(t *testing.T) {
	env, _ := startEnv(t)
	c, err := imapclient.DialInsecure(env.IMAPAddr, nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer c.Close()
	if err := c.Login(env.Username, "wrong").Wait(); err == nil {
		t.Fatal("LOGIN with a wrong password succeeded")
	}
}

func TestSinkReceives(t *testing.T) {
	tests := []struct {
		name string
		auth sasl.Client
	}{
		{"plain", sasl.NewPlainClient("", DemoUsername, DemoPassword)},
		{"login", sasl.NewLoginClient(DemoUsername, DemoPassword)},
		{"none", nil},
	}
	env, _ := startEnv(t)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := smtp.Dial(env.SMTPAddr)
			if err != nil {
				t.Fatalf("dial SMTP: %v", err)
			}
			defer c.Close()
			if tt.auth != nil {
				if err := c.Auth(tt.auth); err != nil {
					t.Fatalf("AUTH: %v", err)
				}
			}
			msg := "From: factures@atelier-moreau.fr\r\nTo: a@example.org\r\nSubject: " + tt.name + "\r\n\r\nRelance.\r\n"
			rcpts := []string{"a@example.org", "b@example.org"}
			if err := c.SendMail(DemoUsername, rcpts, strings.NewReader(msg)); err != nil {
				t.Fatalf("send: %v", err)
			}
			if err := c.Quit(); err != nil {
				t.Fatalf("QUIT: %v", err)
			}
			got := env.Sink.Messages()
			if len(got) != i+1 {
				t.Fatalf("sink holds %d messages, want %d", len(got), i+1)
			}
			last := got[i]
			if last.From != DemoUsername || !slices.Equal(last.To, rcpts) || string(last.Data) != msg {
				t.Errorf("sink message = %+v, want what was sent", last)
			}
			if last.At.Before(testNow) || last.At.After(testNow.Add(time.Hour)) {
				t.Errorf("At = %v, want on the demo clock starting at %v", last.At, testNow)
			}
		})
	}
}

func TestSinkMessagesIsACopy(t *testing.T) {
	s := newSink(func() time.Time { return testNow })
	s.add(SinkMessage{From: "a", To: []string{"b"}, Data: []byte("x")})
	got := s.Messages()
	got[0].Data[0] = 'y'
	got[0].To[0] = "c"
	if again := s.Messages(); string(again[0].Data) != "x" || again[0].To[0] != "b" {
		t.Errorf("Messages shares memory with the sink: %+v", again[0])
	}
}

func TestSinkBounded(t *testing.T) {
	s := newSink(func() time.Time { return testNow })
	for i := 0; i < sinkMaxMessages+5; i++ {
		s.add(SinkMessage{From: string(rune('a' + i%26))})
	}
	got := s.Messages()
	if len(got) != sinkMaxMessages {
		t.Fatalf("len = %d, want %d", len(got), sinkMaxMessages)
	}
	if got[0].From != string(rune('a'+5%26)) {
		t.Errorf("oldest kept = %q, want the 6th message", got[0].From)
	}
}

func TestLoginServer(t *testing.T) {
	tests := []struct {
		name      string
		responses [][]byte
		wantDone  bool
	}{
		{"challenge first", [][]byte{nil, []byte("u"), []byte("p")}, true},
		{"initial response", [][]byte{[]byte("u"), []byte("p")}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := &loginServer{}
			var done bool
			for i, r := range tt.responses {
				var err error
				_, done, err = l.Next(r)
				if err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
			}
			if done != tt.wantDone {
				t.Errorf("done = %v, want %v", done, tt.wantDone)
			}
			if _, _, err := l.Next([]byte("extra")); err == nil {
				t.Error("a response after the password was accepted")
			}
		})
	}
}

// TestStopsOnCancel checks that cancelling the context closes both ports and
// the connections already open, within a deadline.
func TestStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	env, err := Start(ctx, testNow, nil)
	if err != nil {
		cancel()
		t.Fatalf("Start: %v", err)
	}
	c := dialIMAP(t, env)
	smtpConn, err := net.Dial("tcp", env.SMTPAddr)
	if err != nil {
		t.Fatalf("dial SMTP: %v", err)
	}
	defer smtpConn.Close()

	cancel()
	select {
	case <-env.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("servers still running 5 s after the context was cancelled")
	}
	for _, a := range []string{env.IMAPAddr, env.SMTPAddr} {
		if conn, err := net.DialTimeout("tcp", a, time.Second); err == nil {
			conn.Close()
			t.Errorf("%s still accepts connections", a)
		}
	}
	if err := c.Noop().Wait(); err == nil {
		t.Error("IMAP connection still answers after shutdown")
	}
	smtpConn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadAll(smtpConn); err != nil && !errors.Is(err, net.ErrClosed) && !isReset(err) {
		t.Errorf("SMTP connection: %v, want it closed by the server", err)
	}
	if err := env.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func isReset(err error) bool {
	return strings.Contains(err.Error(), "connection reset")
}

func TestCloseWithoutCancel(t *testing.T) {
	env, err := Start(context.Background(), testNow, nil)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	if err := env.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	select {
	case <-env.Done():
	default:
		t.Fatal("Done not closed after Close returned")
	}
	if conn, err := net.DialTimeout("tcp", env.IMAPAddr, time.Second); err == nil {
		conn.Close()
		t.Error("IMAP port still open after Close")
	}
}
