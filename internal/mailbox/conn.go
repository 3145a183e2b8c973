package mailbox

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message/charset"
	"github.com/emersion/go-sasl"
)

// conn is one authenticated IMAP connection.
type conn struct {
	c          *imapclient.Client
	caps       imap.CapSet
	cmdTimeout time.Duration
	stopCtx    func() bool
	timedOut   atomic.Bool
	selected   string
	// validity is the UIDVALIDITY the selected folder reported.
	validity uint32
	// cmdMu keeps the commands of a scan's fetching and the store's loads
	// one at a time: two FETCH commands in flight would leave go-imap to
	// guess which one each untagged FETCH answers.
	cmdMu sync.Mutex
}

// errTimeout marks a command that did not complete within CommandTimeout;
// the connection is closed and must be redialled.
var errTimeout = errors.New("mailbox: command timed out")

// dial connects, authenticates and reads capabilities. notify, when not nil,
// receives a non-blocking signal whenever the server reports new messages.
func (m *Client) dial(ctx context.Context, notify chan<- struct{}) (*conn, error) {
	cfg := m.cfg
	if cfg.ConnectSlots != nil {
		select {
		case cfg.ConnectSlots <- struct{}{}:
		case <-ctx.Done():
			return nil, fmt.Errorf("mailbox: connect %s: waiting for a connection slot: %w", cfg.Addr, ctx.Err())
		}
		defer func() { <-cfg.ConnectSlots }()
	}
	host, _, _ := net.SplitHostPort(cfg.Addr)
	dialer := &net.Dialer{Timeout: cfg.DialTimeout}
	raw, err := m.dialFunc(ctx, dialer, cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("mailbox: connect %s: %w", cfg.Addr, err)
	}
	// Everything up to a logged-in session must finish within DialTimeout;
	// closing the socket is the one way to unblock go-imap calls.
	var setupExpired atomic.Bool
	setupTimer := time.AfterFunc(cfg.DialTimeout, func() {
		setupExpired.Store(true)
		raw.Close()
	})
	defer setupTimer.Stop()
	stopRaw := context.AfterFunc(ctx, func() { raw.Close() })
	defer stopRaw()
	fail := func(step string, err error) (*conn, error) {
		raw.Close()
		if setupExpired.Load() {
			err = fmt.Errorf("%w (after %s)", context.DeadlineExceeded, cfg.DialTimeout)
		} else if ctx.Err() != nil {
			err = ctx.Err()
		}
		return nil, fmt.Errorf("mailbox: %s %s: %w", step, cfg.Addr, err)
	}

	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.TLSConfig != nil {
		tlsCfg = cfg.TLSConfig.Clone()
	}
	if tlsCfg.ServerName == "" {
		tlsCfg.ServerName = host
	}
	opts := &imapclient.Options{
		TLSConfig:   tlsCfg,
		WordDecoder: &mime.WordDecoder{CharsetReader: charset.Reader},
	}
	if notify != nil {
		opts.UnilateralDataHandler = &imapclient.UnilateralDataHandler{
			// This runs on go-imap's reader goroutine: it must not issue
			// commands (that deadlocks), only signal the sync loop.
			Mailbox: func(d *imapclient.UnilateralDataMailbox) {
				if d.NumMessages != nil {
					select {
					case notify <- struct{}{}:
					default:
					}
				}
			},
		}
	}

	var c *imapclient.Client
	switch cfg.TLS {
	case TLSImplicit:
		if tlsCfg.NextProtos == nil {
			tlsCfg.NextProtos = []string{"imap"}
		}
		tc := tls.Client(raw, tlsCfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			return fail("TLS handshake with", err)
		}
		c = imapclient.New(tc, opts)
	case TLSStartTLS:
		c, err = imapclient.NewStartTLS(raw, opts)
		if err != nil {
			return fail("STARTTLS with", err)
		}
	default:
		c = imapclient.New(raw, opts)
	}
	if err := c.WaitGreeting(); err != nil {
		c.Close()
		return fail("greeting from", err)
	}
	if err := m.authenticate(c); err != nil {
		c.Close()
		return fail("login to", err)
	}
	caps := c.Caps()
	if caps == nil {
		c.Close()
		return fail("capabilities of", errors.New("no CAPABILITY response"))
	}
	if !setupTimer.Stop() {
		c.Close()
		return fail("login to", errors.New("timed out"))
	}
	k := &conn{c: c, caps: caps, cmdTimeout: cfg.CommandTimeout}
	k.stopCtx = context.AfterFunc(ctx, func() { c.Close() })
	return k, nil
}

func (m *Client) authenticate(c *imapclient.Client) error {
	cfg := m.cfg
	switch cfg.Auth {
	case AuthXOAuth2:
		// Re-read on every connect: tokens live an hour and are refreshed
		// by another process.
		b, err := os.ReadFile(cfg.TokenFile)
		if err != nil {
			return fmt.Errorf("read token file: %w", err)
		}
		token := strings.TrimSpace(string(b))
		if token == "" {
			return fmt.Errorf("token file %s is empty", cfg.TokenFile)
		}
		if !c.Caps().Has(imap.AuthCap("XOAUTH2")) {
			return errors.New("server does not offer AUTH=XOAUTH2")
		}
		return c.Authenticate(newXOAuth2Client(cfg.Username, token))
	default:
		if c.Caps().Has(imap.CapLoginDisabled) {
			if c.Caps().Has(imap.AuthCap(sasl.Plain)) {
				return c.Authenticate(sasl.NewPlainClient("", cfg.Username, cfg.Password))
			}
			return errors.New("server disables LOGIN and offers no AUTH=PLAIN (is TLS on?)")
		}
		return c.Login(cfg.Username, cfg.Password).Wait()
	}
}

// xoauth2Client is the SASL XOAUTH2 mechanism used by Gmail and Microsoft
// 365 (go-sasl only has the standard OAUTHBEARER).
type xoauth2Client struct {
	user, token string
}

func newXOAuth2Client(user, token string) sasl.Client {
	return &xoauth2Client{user: user, token: token}
}

func (x *xoauth2Client) Start() (string, []byte, error) {
	return "XOAUTH2", []byte("user=" + x.user + "\x01auth=Bearer " + x.token + "\x01\x01"), nil
}

// Next answers the server's error challenge (a JSON status) with an empty
// response, as the mechanism requires, so the server ends with NO.
func (x *xoauth2Client) Next(challenge []byte) ([]byte, error) {
	return []byte{}, nil
}

// close ends the connection politely when possible.
func (k *conn) close() {
	if k == nil {
		return
	}
	k.stopCtx()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = k.c.Logout().Wait()
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
	}
	k.c.Close()
}

// do runs a blocking go-imap call under CommandTimeout: on expiry the
// connection is closed, which makes the call return.
func (k *conn) do(fn func() error) error {
	t := time.AfterFunc(k.cmdTimeout, func() {
		k.timedOut.Store(true)
		k.c.Close()
	})
	err := fn()
	t.Stop()
	if err != nil && k.timedOut.Load() {
		return fmt.Errorf("%w after %s: %v", errTimeout, k.cmdTimeout, err)
	}
	return err
}

// command runs fn, one IMAP command, alone on the connection.
func (k *conn) command(fn func() error) error {
	k.cmdMu.Lock()
	defer k.cmdMu.Unlock()
	return k.do(fn)
}

// selectFolder selects (or, readOnly, examines) a folder.
func (k *conn) selectFolder(name string, readOnly bool) (*imap.SelectData, error) {
	opts := &imap.SelectOptions{ReadOnly: readOnly, CondStore: k.caps.Has(imap.CapCondStore)}
	var data *imap.SelectData
	err := k.do(func() error {
		var err error
		data, err = k.c.Select(name, opts).Wait()
		return err
	})
	if err != nil {
		k.selected, k.validity = "", 0
		return nil, fmt.Errorf("mailbox: select %q: %w", name, err)
	}
	k.selected, k.validity = name, data.UIDValidity
	return data, nil
}

// examine makes name the selected folder for reading and returns its
// UIDVALIDITY. A kept connection that has it selected already reads on
// without selecting it again: selecting a folder of thousands of messages
// makes the server go over all of them, and the NOOP that checked the
// connection brought the selection up to date.
func (k *conn) examine(name string) (uint32, error) {
	if k.selected == name && k.validity != 0 {
		return k.validity, nil
	}
	data, err := k.selectFolder(name, true)
	if err != nil {
		return 0, err
	}
	return data.UIDValidity, nil
}
