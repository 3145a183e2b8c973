package mailbox

import (
	"context"
	"errors"
	"maps"
	"math/rand/v2"
	"net"
	"sync"
	"time"
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
	scans      map[string]*progress // the scans under way, by folder
	folders    []folder             // last discovery, reused by the Drafts operations
	ns         namespace            // the personal namespace found by the last discovery
	// refused remembers, per role, the server's refusal to create a
	// missing folder, so it is asked once per Client.
	refused map[Role]error

	// ops is the connection kept for the short operations (ops.go).
	ops opsConn
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
		refused:  map[Role]error{},
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
		Scans:      m.scanStatus(),
	}
}

// scanStatus reports the scans under way; the caller holds m.mu.
func (m *Client) scanStatus() map[string]ScanProgress {
	if len(m.scans) == 0 {
		return nil
	}
	out := make(map[string]ScanProgress, len(m.scans))
	for name, p := range m.scans {
		out[name] = p.snapshot()
	}
	return out
}

// watchScan makes a folder's scan visible in Status until the returned
// func is called.
func (m *Client) watchScan(name string, p *progress) (end func()) {
	m.mu.Lock()
	if m.scans == nil {
		m.scans = map[string]*progress{}
	}
	m.scans[name] = p
	m.mu.Unlock()
	return func() {
		m.mu.Lock()
		delete(m.scans, name)
		m.mu.Unlock()
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
	if m.cfg.Synced != nil {
		m.cfg.Synced(f.Name, f.Role, now)
	}
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
