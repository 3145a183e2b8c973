// Package demo runs the embedded environment behind `relance demo`: an
// in-memory IMAP server seeded with a realistic month of invoices and client
// replies, and an SMTP sink that keeps whatever the daemon sends, both on
// loopback ports. Nothing leaves the machine.
package demo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-smtp"
)

// Credentials of the demo mailbox. They only ever guard loopback servers that
// live as long as the demo process.
const (
	DemoUsername = "factures@atelier-moreau.fr"
	DemoPassword = "demo"
)

// Folder names of the demo mailbox.
const (
	FolderInbox   = "INBOX"
	FolderSent    = "Sent"
	FolderDrafts  = "Drafts"
	FolderArchive = "Archive"
)

// unreadWindow is how recent an INBOX mail must be to be seeded unread: the
// owner has read everything older, as a real inbox would look.
const unreadWindow = 5 * 24 * time.Hour

// Business is the sample firm's bank details.
type Business struct {
	IBAN, BIC string
}

// Env is a running demo environment.
type Env struct {
	IMAPAddr, SMTPAddr string // 127.0.0.1:port each
	Username, Password string
	Sink               *Sink // what the daemon sent through SMTPAddr
	// Business is the sample firm as the settings would describe it: its
	// invoices carry this IBAN, so answers to clients give the same.
	Business Business

	logger    *slog.Logger
	imap      *imapserver.Server
	smtp      *smtp.Server
	listeners []*trackingListener

	closeOnce sync.Once
	stop      chan struct{} // closed by Close, ends the context watcher
	done      chan struct{} // closed once every server goroutine has returned
	serving   sync.WaitGroup
}

// Start starts an in-memory IMAP server and an SMTP sink on free loopback
// ports, seeds the mailbox with SampleMonth(now), and stops everything when
// ctx is done or Close is called.
func Start(ctx context.Context, now time.Time, logger *slog.Logger) (*Env, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	logger = logger.With(slog.String("component", "demo"))

	mailboxes, err := newMailboxes(DemoUsername, DemoPassword)
	if err != nil {
		return nil, err
	}
	folders, err := sampleMonth(now)
	if err != nil {
		return nil, fmt.Errorf("demo: build sample month: %w", err)
	}
	if err := mailboxes.seed(folders, now); err != nil {
		return nil, err
	}

	imapRaw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo: listen IMAP: %w", err)
	}
	smtpRaw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		imapRaw.Close()
		return nil, fmt.Errorf("demo: listen SMTP: %w", err)
	}
	imapLn, smtpLn := newTrackingListener(imapRaw), newTrackingListener(smtpRaw)

	// The servers log through *log.Logger-shaped interfaces; their messages
	// are connection errors, worth a warning and no more.
	serverLog := slog.NewLogLogger(logger.Handler(), slog.LevelWarn)

	// The demo's clock starts at now and runs at the speed of the machine's,
	// so what the sink receives is dated in the same world as the sample
	// month, even when now is not today.
	started := time.Now()
	sink := newSink(func() time.Time { return now.Add(time.Since(started)) })
	env := &Env{Business: Business{IBAN: firmIBAN, BIC: firmBIC},
		IMAPAddr: imapLn.Addr().String(),
		SMTPAddr: smtpLn.Addr().String(),
		Username: DemoUsername,
		Password: DemoPassword,
		Sink:     sink,
		logger:   logger,
		imap: imapserver.New(&imapserver.Options{
			NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
				return mailboxes.newSession(), nil, nil
			},
			Caps:         imapCaps(),
			Logger:       serverLog,
			InsecureAuth: true, // loopback only: the listener above is bound to 127.0.0.1
		}),
		smtp:      newSMTPServer(sink, serverLog),
		listeners: []*trackingListener{imapLn, smtpLn},
		stop:      make(chan struct{}),
		done:      make(chan struct{}),
	}

	env.serving.Add(2)
	go func() {
		defer env.serving.Done()
		if err := env.imap.Serve(imapLn); err != nil && !env.stopping() {
			logger.Warn("IMAP server stopped", slog.Any("error", err))
		}
	}()
	go func() {
		defer env.serving.Done()
		if err := env.smtp.Serve(smtpLn); err != nil && !env.stopping() {
			logger.Warn("SMTP sink stopped", slog.Any("error", err))
		}
	}()
	go func() {
		env.serving.Wait()
		close(env.done)
	}()
	go func() {
		select {
		case <-ctx.Done():
			env.Close()
		case <-env.stop:
		}
	}()

	logger.Info("demo mailbox ready",
		slog.String("imap_addr", env.IMAPAddr),
		slog.String("smtp_addr", env.SMTPAddr),
		slog.String("username", env.Username))
	return env, nil
}

// Close stops both servers, drops their connections and waits until their
// accept loops have returned. It is safe to call more than once.
func (e *Env) Close() error {
	var err error
	e.closeOnce.Do(func() {
		close(e.stop)
		err = errors.Join(
			ignoreClosed(e.imap.Close()),
			ignoreClosed(e.smtp.Close()),
		)
		// A Close racing a fresh Start can reach the servers before Serve has
		// registered its listener, and go-smtp can miss a connection accepted
		// just before; the tracking listeners close whatever is left.
		for _, ln := range e.listeners {
			if cerr := ignoreClosed(ln.Close()); cerr != nil {
				err = errors.Join(err, cerr)
			}
		}
		<-e.done
		e.logger.Info("demo mailbox stopped")
	})
	return err
}

func (e *Env) stopping() bool {
	select {
	case <-e.stop:
		return true
	default:
		return false
	}
}

// Done is closed once the servers have stopped, after Close or the end of the
// context given to Start.
func (e *Env) Done() <-chan struct{} { return e.done }

func ignoreClosed(err error) error {
	if err == nil || errors.Is(err, smtp.ErrServerClosed) || errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

func imapCaps() imap.CapSet {
	// IMAP4rev1 with the extensions the memory backend really implements, the
	// shape of a common Dovecot. No CONDSTORE: the backend has none, and the
	// daemon must cope with servers that lack it.
	return imap.CapSet{
		imap.CapIMAP4rev1:        {},
		imap.CapNamespace:        {},
		imap.CapUIDPlus:          {},
		imap.CapMove:             {},
		imap.CapListExtended:     {},
		imap.CapListStatus:       {},
		imap.CapStatusSize:       {},
		imap.CapSpecialUse:       {},
		imap.CapCreateSpecialUse: {},
	}
}

// seed appends the sample mails, each with its Date as internal date. Sent
// mail and INBOX mail older than unreadWindow are \Seen.
func (m *mailboxes) seed(folders map[string][][]byte, now time.Time) error {
	for _, folder := range []string{FolderSent, FolderInbox, FolderDrafts} {
		for i, raw := range folders[folder] {
			date, err := headerDate(raw)
			if err != nil {
				return fmt.Errorf("demo: seed %s #%d: %w", folder, i+1, err)
			}
			var flags []imap.Flag
			if folder != FolderInbox || now.Sub(date) > unreadWindow {
				flags = append(flags, imap.FlagSeen)
			}
			if _, err := m.user.Append(folder, literal{bytes.NewReader(raw)}, &imap.AppendOptions{
				Time:  date,
				Flags: flags,
			}); err != nil {
				return fmt.Errorf("demo: seed %s #%d: append: %w", folder, i+1, err)
			}
		}
	}
	return nil
}

func headerDate(raw []byte) (time.Time, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return time.Time{}, fmt.Errorf("read header: %w", err)
	}
	date, err := msg.Header.Date()
	if err != nil {
		return time.Time{}, fmt.Errorf("parse Date: %w", err)
	}
	return date, nil
}

// literal adapts an in-memory message to imap.LiteralReader.
type literal struct{ *bytes.Reader }

func (l literal) Size() int64 { return l.Reader.Size() }
