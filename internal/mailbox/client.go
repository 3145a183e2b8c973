package mailbox

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
)

// Client watches one mailbox. Run, SyncOnce and the Drafts operations may be
// used concurrently: each uses its own IMAP connection.
type Client struct {
	cfg   Config
	store Store

	// dialFunc opens the TCP connection; tests replace it.
	dialFunc func(ctx context.Context, d *net.Dialer, addr string) (net.Conn, error)

	// notify carries "new mail" hints from the IDLE connection's reader
	// goroutine to the sync loop. Capacity 1: hints coalesce.
	notify chan struct{}

	mu         sync.Mutex
	rng        *rand.Rand
	connected  bool
	reconnects int
	lastSync   map[string]time.Time
	ingested   map[string]int
	folders    []folder // last discovery, reused by the Drafts operations
}

type folder struct {
	Name string
	Role Role
}

// New checks cfg and returns a Client that stores into store. It performs no
// I/O.
func New(cfg Config, store Store) (*Client, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if store == nil {
		return nil, errors.New("mailbox: nil Store")
	}
	return &Client{
		cfg:   cfg,
		store: store,
		dialFunc: func(ctx context.Context, d *net.Dialer, addr string) (net.Conn, error) {
			return d.DialContext(ctx, "tcp", addr)
		},
		notify:   make(chan struct{}, 1),
		rng:      rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())),
		lastSync: map[string]time.Time{},
		ingested: map[string]int{},
	}, nil
}

// Status returns a snapshot of the connection and sync counters.
func (m *Client) Status() Status {
	m.mu.Lock()
	defer m.mu.Unlock()
	return Status{
		Connected:  m.connected,
		Reconnects: m.reconnects,
		LastSync:   maps.Clone(m.lastSync),
		Ingested:   maps.Clone(m.ingested),
	}
}

// Connected reports, per watched folder, whether the watching connection is
// up. Folders are known after the first successful connection.
func (m *Client) Connected() map[string]bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[string]bool, len(m.folders))
	for _, f := range m.folders {
		out[f.Name] = m.connected
	}
	return out
}

func (m *Client) setConnected(up bool) {
	m.mu.Lock()
	changed := m.connected != up
	m.connected = up
	m.mu.Unlock()
	if changed {
		m.cfg.Observer.Connected(up)
	}
}

func (m *Client) noteIngested(f folder) {
	m.mu.Lock()
	m.ingested[f.Name]++
	m.mu.Unlock()
	m.cfg.Observer.Ingested(f.Name, f.Role)
}

func (m *Client) noteSynced(f folder) {
	now := m.cfg.Now()
	m.mu.Lock()
	m.lastSync[f.Name] = now
	m.mu.Unlock()
	m.cfg.Observer.FolderSynced(f.Name, f.Role, now)
}

// sentNames and draftsNames are the common names of Sent and Drafts on
// servers without SPECIAL-USE, in order of preference.
func sentNames() []string {
	return []string{"Sent", "Envoyés", "Sent Items", "Sent Messages", "Éléments envoyés", "INBOX.Sent", "INBOX/Sent"}
}

func draftsNames() []string { return []string{"Drafts", "Brouillons", "INBOX.Drafts", "INBOX/Drafts"} }

// discover lists the folders and returns the ones to watch, in sync order:
// Sent and extra folders first (invoices), then INBOX (replies thread to
// them), then Drafts.
func (m *Client) discover(k *conn) ([]folder, error) {
	opts := &imap.ListOptions{}
	if k.caps.Has(imap.CapSpecialUse) {
		opts.ReturnSpecialUse = true
	}
	var list []*imap.ListData
	err := k.do(func() error {
		var err error
		list, err = k.c.List("", "*", opts).Collect()
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("mailbox: list folders: %w", err)
	}
	exists := map[string]string{} // lower-case name → server spelling
	var sent, drafts string
	for _, l := range list {
		if hasAttr(l.Attrs, imap.MailboxAttrNoSelect) || hasAttr(l.Attrs, imap.MailboxAttrNonExistent) {
			continue
		}
		exists[strings.ToLower(l.Mailbox)] = l.Mailbox
		if sent == "" && hasAttr(l.Attrs, imap.MailboxAttrSent) {
			sent = l.Mailbox
		}
		if drafts == "" && hasAttr(l.Attrs, imap.MailboxAttrDrafts) {
			drafts = l.Mailbox
		}
	}
	pick := func(override, special string, names []string) string {
		if override != "" {
			return override
		}
		if special != "" {
			return special
		}
		for _, n := range names {
			if s, ok := exists[strings.ToLower(n)]; ok {
				return s
			}
		}
		return ""
	}
	sent = pick(m.cfg.SentFolder, sent, sentNames())
	drafts = pick(m.cfg.DraftsFolder, drafts, draftsNames())
	if sent == "" {
		m.cfg.Logger.Warn("mailbox: no Sent folder found (no SPECIAL-USE \\Sent, no common name); set the Sent folder name in the configuration")
	}
	if drafts == "" {
		m.cfg.Logger.Warn("mailbox: no Drafts folder found (no SPECIAL-USE \\Drafts, no common name); set the Drafts folder name in the configuration")
	}

	var out []folder
	seen := map[string]bool{}
	add := func(name string, role Role) {
		if name == "" || seen[strings.ToLower(name)] {
			return
		}
		seen[strings.ToLower(name)] = true
		out = append(out, folder{Name: name, Role: role})
	}
	add(sent, RoleSent)
	for _, x := range m.cfg.ExtraFolders {
		add(x, RoleExtra)
	}
	add("INBOX", RoleInbox)
	add(drafts, RoleDrafts)

	m.mu.Lock()
	m.folders = out
	m.mu.Unlock()
	return out, nil
}

func hasAttr(attrs []imap.MailboxAttr, want imap.MailboxAttr) bool {
	for _, a := range attrs {
		if strings.EqualFold(string(a), string(want)) {
			return true
		}
	}
	return false
}

// folderFor resolves a role to a folder name, listing folders on k when the
// role is not known yet.
func (m *Client) folderFor(k *conn, role Role) (folder, error) {
	if role == RoleInbox {
		return folder{Name: "INBOX", Role: RoleInbox}, nil
	}
	find := func(fs []folder) (folder, bool) {
		for _, f := range fs {
			if f.Role == role {
				return f, true
			}
		}
		return folder{}, false
	}
	m.mu.Lock()
	f, ok := find(m.folders)
	m.mu.Unlock()
	if ok {
		return f, nil
	}
	fs, err := m.discover(k)
	if err != nil {
		return folder{}, err
	}
	if f, ok := find(fs); ok {
		return f, nil
	}
	return folder{}, fmt.Errorf("mailbox: no %s folder on the server", role)
}

// backoff bounds for reconnection.
const (
	backoffBase = time.Second
	backoffCap  = 5 * time.Minute
	backoffMin  = 100 * time.Millisecond
)

// backoffDelay is capped exponential backoff with full jitter: a uniform
// wait in [0, min(cap, base·2^(attempt-1))), so that many clients cut off
// by the same outage do not reconnect in lock-step. A small floor keeps a
// zero draw from becoming a busy loop. attempt starts at 1.
func backoffDelay(attempt int, rng *rand.Rand) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	ceil := backoffCap
	if attempt <= 20 {
		if c := backoffBase << (attempt - 1); c < backoffCap {
			ceil = c
		}
	}
	d := time.Duration(rng.Int64N(int64(ceil)))
	if d < backoffMin {
		d = backoffMin
	}
	return d
}

func (m *Client) nextDelay(attempt int) time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.reconnects++
	return backoffDelay(attempt, m.rng)
}
