// Package mailbox keeps relance in step with an IMAP mailbox.
//
// It is the only package that speaks IMAP (go-imap/v2, a beta API: every call
// stays here). It connects with TLS, STARTTLS or, on loopback only,
// plaintext; authenticates with LOGIN/PLAIN or XOAUTH2; finds the Sent and
// Drafts folders (SPECIAL-USE, else common English and French names below
// the personal namespace, creating Drafts when there is none); and streams
// every message of INBOX, Sent, Drafts and any extra folders into a
// caller-supplied Store exactly once, resuming from a per-folder UID cursor.
// New mail is noticed through IDLE (re-entered at most every ten minutes,
// each time followed by a UID SEARCH, since IDLE notifications are a hint,
// not a guarantee) or by polling when the server has no IDLE. Connections
// are re-established forever with capped exponential backoff and full
// jitter.
//
// Only headers, BODYSTRUCTURE and the parts a reader needs (text, HTML,
// delivery reports, XML attachments, the headers of attached messages) are
// downloaded; other parts (PDFs, images) are described and fetched only on
// request through Fetched.Load. Nothing is ever marked \Seen.
package mailbox

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"
)

// Role says why a folder is watched.
type Role string

// Folder roles.
const (
	RoleInbox  Role = "inbox"
	RoleSent   Role = "sent"
	RoleDrafts Role = "drafts"
	RoleExtra  Role = "extra"
)

// Auth mechanisms.
const (
	AuthPlain   = "plain"   // LOGIN, or AUTHENTICATE PLAIN when offered
	AuthXOAuth2 = "xoauth2" // AUTHENTICATE XOAUTH2 with a bearer token from TokenFile
)

// TLS modes.
const (
	TLSImplicit = "implicit"
	TLSStartTLS = "starttls"
	TLSNone     = "none"
)

// Defaults applied by New to zero Config fields.
const (
	DefaultDialTimeout        = 30 * time.Second
	DefaultCommandTimeout     = 2 * time.Minute
	DefaultPollInterval       = 60 * time.Second
	DefaultSideFolderInterval = 2 * time.Minute
	DefaultIdleRestart        = 9 * time.Minute
	MaxIdleRestart            = 10 * time.Minute
	DefaultBatchSize          = 200
	DefaultMaxPartBytes       = 8 << 20
	DefaultProgressEvery      = 500
	DefaultProgressInterval   = 5 * time.Second
)

// Config describes the mailbox and how to watch it.
type Config struct {
	Addr     string // host:port
	Username string
	Password string
	// TokenFile holds an OAuth2 bearer token for Auth=xoauth2. It is read
	// on every connect, so an external refresher can rotate it.
	TokenFile string
	Auth      string // AuthPlain (default) or AuthXOAuth2
	TLS       string // TLSImplicit (default), TLSStartTLS or TLSNone
	// Insecure allows TLS=none to a host that is not loopback.
	Insecure  bool
	TLSConfig *tls.Config // optional; ServerName defaults to the host of Addr

	DialTimeout    time.Duration // connect, TLS handshake, greeting, login
	CommandTimeout time.Duration // longest wait for one command's completion

	// SentFolder and DraftsFolder override discovery; a name without the
	// personal namespace's prefix ("Sent Items" for "INBOX.Sent Items")
	// is found too.
	SentFolder   string
	DraftsFolder string
	// ExtraFolders are read like Sent (e.g. where an accounting tool files
	// copies of invoices).
	ExtraFolders []string

	PollInterval       time.Duration // INBOX check when the server has no IDLE
	SideFolderInterval time.Duration // Sent, Drafts and extra folders check
	IdleRestart        time.Duration // leave and re-enter IDLE; at most MaxIdleRestart
	BatchSize          int           // messages per FETCH during a scan
	// MaxPartBytes: parts announced larger than this are described but not
	// downloaded by the scan (Load still fetches them on request).
	MaxPartBytes int

	// ProgressEvery and ProgressInterval pace the scan's progress log: a
	// line every N messages or every interval, whichever comes first.
	ProgressEvery    int
	ProgressInterval time.Duration

	// ScanSlots, when set, bounds how many mailboxes of one process make a
	// full pass over their folders at the same time: a pass takes a slot
	// (waiting for one) before it connects and gives it back when done. Hundreds of mailboxes
	// starting together would otherwise each hold a scan's memory and
	// connection at once. Shared by every mailbox of the process; nil for
	// no bound.
	ScanSlots chan struct{}
	// ConnectSlots, when set, bounds how many connections to this server
	// are being opened (connect, TLS, login) at the same time, shared by
	// every mailbox of the process on the same server: hundreds of
	// mailboxes reconnecting after an outage would otherwise log in all at
	// once. Waiting for a slot does not count against DialTimeout.
	ConnectSlots chan struct{}

	Logger *slog.Logger
	// Observer receives connection and sync events (metrics). Optional.
	Observer Observer
	// Synced is told each time a folder has been read up to date: the cue
	// that the rest of the pipeline may have work. It is called from the
	// sync goroutine and must not block. Optional.
	Synced func(folder string, role Role, at time.Time)
	// Now is the clock used for timestamps handed to Observer. Defaults to
	// time.Now.
	Now func() time.Time
	// Stopwatch times the scan for its progress lines (rate, ETA, elapsed):
	// how long a person waits, which an injected business clock (a fixed
	// or simulated Now) does not measure. Defaults to time.Now.
	Stopwatch func() time.Time
}

// ErrPlaintextRefused is returned by New when TLS=none targets a host that
// is not loopback and Insecure is not set.
var ErrPlaintextRefused = errors.New("mailbox: refusing plaintext IMAP to a non-loopback host (set TLS to implicit or starttls, or Insecure to accept sending the password in clear)")

// withDefaults validates c and fills zero fields.
func (c Config) withDefaults() (Config, error) {
	if c.Addr == "" {
		return c, errors.New("mailbox: config: Addr is empty")
	}
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil || host == "" || port == "" {
		return c, fmt.Errorf("mailbox: config: Addr %q is not host:port", c.Addr)
	}
	if c.Username == "" {
		return c, errors.New("mailbox: config: Username is empty")
	}
	c.Auth = strings.ToLower(strings.TrimSpace(c.Auth))
	switch c.Auth {
	case "", "login":
		c.Auth = AuthPlain
	case AuthPlain:
	case AuthXOAuth2, "oauth2":
		c.Auth = AuthXOAuth2
		if c.TokenFile == "" {
			return c, errors.New("mailbox: config: Auth xoauth2 needs TokenFile")
		}
	default:
		return c, fmt.Errorf("mailbox: config: unknown Auth %q (want plain or xoauth2)", c.Auth)
	}
	if c.Auth == AuthPlain && c.Password == "" {
		return c, errors.New("mailbox: config: Password is empty")
	}
	c.TLS = strings.ToLower(strings.TrimSpace(c.TLS))
	switch c.TLS {
	case "":
		c.TLS = TLSImplicit
	case TLSImplicit, TLSStartTLS:
	case TLSNone:
		if !c.Insecure && !isLoopback(host) {
			return c, fmt.Errorf("%w: %s", ErrPlaintextRefused, host)
		}
	default:
		return c, fmt.Errorf("mailbox: config: unknown TLS mode %q (want implicit, starttls or none)", c.TLS)
	}
	if c.DialTimeout <= 0 {
		c.DialTimeout = DefaultDialTimeout
	}
	if c.CommandTimeout <= 0 {
		c.CommandTimeout = DefaultCommandTimeout
	}
	if c.PollInterval <= 0 {
		c.PollInterval = DefaultPollInterval
	}
	if c.SideFolderInterval <= 0 {
		c.SideFolderInterval = DefaultSideFolderInterval
	}
	// Servers may drop an IDLE silent for 30 minutes and NATs far sooner;
	// RFC 2177 asks clients to re-issue IDLE at least every 29 minutes.
	if c.IdleRestart <= 0 {
		c.IdleRestart = DefaultIdleRestart
	}
	if c.IdleRestart > MaxIdleRestart {
		c.IdleRestart = MaxIdleRestart
	}
	if c.BatchSize <= 0 {
		c.BatchSize = DefaultBatchSize
	}
	if c.MaxPartBytes <= 0 {
		c.MaxPartBytes = DefaultMaxPartBytes
	}
	if c.ProgressEvery <= 0 {
		c.ProgressEvery = DefaultProgressEvery
	}
	if c.ProgressInterval <= 0 {
		c.ProgressInterval = DefaultProgressInterval
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Observer == nil {
		c.Observer = NopObserver{}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Stopwatch == nil {
		c.Stopwatch = time.Now
	}
	seen := map[string]bool{}
	var extras []string
	for _, f := range c.ExtraFolders {
		f = strings.TrimSpace(f)
		if f == "" || seen[f] {
			continue
		}
		seen[f] = true
		extras = append(extras, f)
	}
	c.ExtraFolders = extras
	return c, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
