package mailbox

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/relance/relance/internal/message"
)

// Cursor is how far a folder has been ingested.
type Cursor struct {
	Folder      string
	UIDValidity uint32
	LastUID     uint32
	// HighestModSeq is the folder's HIGHESTMODSEQ seen at the last ingest
	// (0 when the server has no CONDSTORE); informational, never required.
	HighestModSeq uint64
}

// Store persists what the mailbox delivers. The caller implements it.
type Store interface {
	// Cursor returns the saved cursor of a folder, or the zero Cursor.
	Cursor(ctx context.Context, folder string) (Cursor, error)
	// Ingest persists one message AND the advanced cursor in one
	// transaction: that is what makes ingestion exactly-once across crashes.
	// An error stops the folder's pass; the message is offered again later.
	Ingest(ctx context.Context, m Fetched, next Cursor) error
	// ResetFolder is called when a folder's UIDVALIDITY changed, before it
	// is rescanned from UID 1 with the new validity. The caller
	// de-duplicates the rescan by Message-ID.
	ResetFolder(ctx context.Context, folder string, newValidity uint32) error
}

// BatchStore is a Store that records several messages at once. When the
// caller's Store implements it, a scan hands it the messages of each FETCH
// round in UID order.
type BatchStore interface {
	Store
	// IngestBatch persists the messages AND next, the cursor just past the
	// last of them, in one transaction: all of them or none. An error stops
	// the folder's pass; the whole batch is offered again later. Load of
	// every message is valid until it returns, and may be called from
	// several goroutines.
	IngestBatch(ctx context.Context, ms []Fetched, next Cursor) error
}

// ErrPartUnavailable is what Fetched.Load returns when the message has no
// such part or the server no longer returns it (expunged): trying again will
// not help. Any other Load error (connection lost, timeout) is temporary.
var ErrPartUnavailable = errors.New("mailbox: part unavailable")

// Fetched is one message as delivered to Store.Ingest.
type Fetched struct {
	Folder       string
	Role         Role
	UID          uint32
	UIDValidity  uint32
	Flags        []string
	InternalDate time.Time
	Size         int64
	Header       []byte // raw header block, ending with the blank line

	// Parts lists every leaf part from BODYSTRUCTURE, in order. Body is set
	// (still transfer-encoded) for the parts a reader needs: text/plain,
	// text/html, text/* reports, message/delivery-status and similar,
	// XML attachments; for message/rfc822 parts Body holds only the
	// attached message's header block. Other parts have Body nil.
	Parts []message.Part

	// Load fetches more parts by path (e.g. the PDF when the text gave no
	// invoice facts) and returns them with Body set. It uses the sync
	// connection, so it is valid only during the Ingest call that received
	// this Fetched; afterwards it returns an error.
	Load func(ctx context.Context, paths ...[]int) ([]message.Part, error) `json:"-"`
}

// Observer receives events for metrics and health checks. Methods are called
// from the sync goroutine and, during a scan, from the goroutine that hands
// chunks to the store: they must be safe for concurrent use and not block.
type Observer interface {
	Connected(up bool)
	Reconnecting(attempt int, delay time.Duration, err error)
	FolderSynced(folder string, role Role, at time.Time)
	Ingested(folder string, role Role)
}

// NopObserver ignores every event.
type NopObserver struct{}

// Connected implements Observer.
func (NopObserver) Connected(bool) {}

// Reconnecting implements Observer.
func (NopObserver) Reconnecting(int, time.Duration, error) {}

// FolderSynced implements Observer.
func (NopObserver) FolderSynced(string, Role, time.Time) {}

// Ingested implements Observer.
func (NopObserver) Ingested(string, Role) {}

// Status is a snapshot of the watcher's health.
type Status struct {
	Connected  bool
	Reconnects int                  // reconnection attempts since start
	LastSync   map[string]time.Time // per folder: end of the last complete pass
	Ingested   map[string]int       // per folder: messages ingested since start
	// Scans are the long folder reads under way (the first one above
	// all), by folder: what a person waits for.
	Scans map[string]ScanProgress
}

// ScanProgress is how far a folder's scan has come.
type ScanProgress struct {
	Done, Total int
	Elapsed     time.Duration
	PerSecond   float64       // messages a second since the scan began
	ETA         time.Duration // at that rate; 0 until a rate is known
}

// DraftInfo describes one message of the Drafts folder.
type DraftInfo struct {
	UID       uint32
	Flags     []string
	MessageID string // without angle brackets
	// RelanceDraft is the X-Relance-Draft header value, "" on drafts that
	// are not ours.
	RelanceDraft string
	// Installation is the X-Relance-Installation header value: which
	// installation wrote the draft ("" on copies written before
	// installations had an identifier).
	Installation string
	// To and Cc are the copy's recipients (addresses, lower-cased).
	To, Cc []string
}

// DraftHeader marks the drafts relance writes; its value is the draft's id.
const DraftHeader = "X-Relance-Draft"

// DraftHeaderValue is the DraftHeader value of a draft: its id in decimal.
func DraftHeaderValue(id int64) string { return strconv.FormatInt(id, 10) }

// ParseDraftHeader reads the draft id a DraftHeader value carries; ok is
// false when it carries none (absent, or written by hand).
func ParseDraftHeader(v string) (id int64, ok bool) {
	id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	return id, err == nil
}

// InstallationHeader names the installation that wrote a draft: the draft
// number in DraftHeader is unique only within it.
const InstallationHeader = "X-Relance-Installation"
