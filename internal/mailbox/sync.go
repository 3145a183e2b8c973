package mailbox

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/relance/relance/internal/message"
)

// chunkBytes bounds the part bytes of a chunk. A scan holds at most three
// chunks at once: one being recorded, one waiting, one being fetched.
const chunkBytes = 8 << 20

// syncAll makes one pass over every folder. A failing folder does not stop
// the others; the first error is returned after all were tried, unless the
// connection itself is gone.
func (m *Client) syncAll(ctx context.Context, k *conn, folders []folder) error {
	var first error
	for _, f := range folders {
		if err := m.syncFolder(ctx, k, f); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if first == nil {
				first = err
			}
			m.cfg.Logger.Warn("mailbox: folder sync failed", slog.String("folder", f.Name), slog.Any("err", err))
			if connDead(k) {
				return first
			}
		}
	}
	return first
}

func connDead(k *conn) bool {
	select {
	case <-k.c.Closed():
		return true
	default:
		return k.timedOut.Load()
	}
}

// syncFolder ingests every message of f above the stored cursor, in UID
// order, in batches.
func (m *Client) syncFolder(ctx context.Context, k *conn, f folder) error {
	sel, err := k.selectFolder(f.Name, true)
	if err != nil {
		return err
	}
	cur, err := m.store.Cursor(ctx, f.Name)
	if err != nil {
		return fmt.Errorf("mailbox: load cursor of %q: %w", f.Name, err)
	}
	if sel.UIDValidity == 0 {
		return fmt.Errorf("mailbox: %q has no UIDVALIDITY; UID sync impossible", f.Name)
	}
	if cur.UIDValidity != 0 && cur.UIDValidity != sel.UIDValidity {
		m.cfg.Logger.Warn("mailbox: UIDVALIDITY changed, rescanning folder",
			slog.String("folder", f.Name), slog.Any("old", cur.UIDValidity), slog.Any("new", sel.UIDValidity))
		if err := m.store.ResetFolder(ctx, f.Name, sel.UIDValidity); err != nil {
			return fmt.Errorf("mailbox: reset %q after UIDVALIDITY change: %w", f.Name, err)
		}
		cur = Cursor{}
	}
	cur.Folder = f.Name
	cur.UIDValidity = sel.UIDValidity
	if sel.NumMessages == 0 || (sel.UIDNext != 0 && uint32(sel.UIDNext) <= cur.LastUID+1) {
		m.noteSynced(f)
		return nil
	}

	var set imap.UIDSet
	set.AddRange(imap.UID(cur.LastUID+1), 0) // last+1:*
	var found *imap.SearchData
	err = k.do(func() error {
		var err error
		found, err = k.c.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{set}}, nil).Wait()
		return err
	})
	if err != nil {
		return fmt.Errorf("mailbox: search new messages in %q: %w", f.Name, err)
	}
	uids, _ := found.All.(imap.UIDSet)
	// "n:*" always matches the highest UID, even when it is below n.
	ranges := clipRanges(uids, cur.LastUID)
	total := countUIDs(ranges)
	if total == 0 {
		m.noteSynced(f)
		return nil
	}

	prog := newProgress(m.cfg, f, total)
	defer m.watchScan(f.Name, prog)()
	if err := m.scan(ctx, k, f, sel, cur, batches(ranges, m.cfg.BatchSize), prog); err != nil {
		return err
	}
	prog.done()
	m.noteSynced(f)
	return nil
}

// scan fetches the batches of a folder and ingests them, each in UID order.
// Fetching and ingesting overlap: while the store records one chunk, the
// next is being downloaded. The connection still runs one command at a time
// (k.cmdMu): the store's Load of a PDF waits for the FETCH in flight.
func (m *Client) scan(ctx context.Context, k *conn, f folder, sel *imap.SelectData, cur Cursor, sets []imap.UIDSet, prog *progress) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	from := cur.LastUID
	chunks := make(chan []fetchItem, 1)
	ingested := make(chan error, 1)
	go func() {
		var failed error
		for chunk := range chunks {
			if failed != nil {
				continue // drained: the fetch side stops on the cancel
			}
			next, err := m.ingestChunk(ctx, k, f, sel, cur, chunk, prog)
			cur = next
			if err != nil {
				failed = err
				cancel()
			}
		}
		ingested <- failed
	}()
	var fetchErr error
	for _, set := range sets {
		if fetchErr = ctx.Err(); fetchErr != nil {
			break
		}
		if fetchErr = m.fetchBatch(ctx, k, f, from, set, chunks); fetchErr != nil {
			break
		}
	}
	close(chunks)
	// What was fetched is still ingested when the fetch side failed: the
	// chunks are whole, and the cursor moves with them.
	if err := <-ingested; err != nil {
		return err
	}
	return fetchErr
}

// fetchBatch fetches one batch's headers and structures, then the needed
// parts in chunks bounded by chunkBytes, and hands each chunk to out in UID
// order. Messages at or below from are skipped.
func (m *Client) fetchBatch(ctx context.Context, k *conn, f folder, from uint32, batch imap.UIDSet, out chan<- []fetchItem) error {
	opts := &imap.FetchOptions{
		UID:           true,
		Flags:         true,
		InternalDate:  true,
		RFC822Size:    true,
		BodyStructure: &imap.FetchItemBodyStructure{Extended: true},
		BodySection:   []*imap.FetchItemBodySection{{Specifier: imap.PartSpecifierHeader, Peek: true}},
		ModSeq:        k.caps.Has(imap.CapCondStore),
	}
	var msgs []*imapclient.FetchMessageBuffer
	err := k.command(func() error {
		var err error
		msgs, err = k.fetch(batch, opts)
		return err
	})
	if err != nil {
		return fmt.Errorf("mailbox: fetch headers in %q: %w", f.Name, err)
	}
	slices.SortFunc(msgs, func(a, b *imapclient.FetchMessageBuffer) int { return cmp.Compare(a.UID, b.UID) })

	items := make([]fetchItem, 0, len(msgs))
	for _, b := range msgs {
		if b.UID == 0 || uint32(b.UID) <= from {
			continue // unilateral FETCH of another message, or already ingested
		}
		items = append(items, fetchItem{buf: b, plan: planParts(b.BodyStructure, m.cfg.MaxPartBytes)})
	}

	for start := 0; start < len(items); {
		end, size := start, int64(0)
		for end < len(items) && (end == start || size+items[end].plan.bytes <= chunkBytes) {
			size += items[end].plan.bytes
			end++
		}
		chunk := items[start:end]
		start = end

		// One FETCH per distinct set of sections.
		groups := map[string][]int{}
		var order []string
		for i, it := range chunk {
			if len(it.plan.fetch) == 0 {
				continue
			}
			key := sectionKey(it.plan.parts, it.plan.fetch)
			if _, ok := groups[key]; !ok {
				order = append(order, key)
			}
			groups[key] = append(groups[key], i)
		}
		for _, key := range order {
			idx := groups[key]
			first := chunk[idx[0]].plan
			var secs []*imap.FetchItemBodySection
			for _, pi := range first.fetch {
				secs = append(secs, section(first.parts[pi]))
			}
			var set imap.UIDSet
			for _, i := range idx {
				set.AddNum(chunk[i].buf.UID)
			}
			var bodies []*imapclient.FetchMessageBuffer
			err := k.command(func() error {
				var err error
				bodies, err = k.fetch(set, &imap.FetchOptions{UID: true, BodySection: secs})
				return err
			})
			if err != nil {
				return fmt.Errorf("mailbox: fetch parts in %q: %w", f.Name, err)
			}
			byUID := make(map[imap.UID]*imapclient.FetchMessageBuffer, len(bodies))
			for _, b := range bodies {
				byUID[b.UID] = b
			}
			for _, i := range idx {
				it := chunk[i]
				b := byUID[it.buf.UID]
				if b == nil {
					continue // expunged meanwhile; headers still ingested
				}
				for n, pi := range it.plan.fetch {
					body := b.FindBodySection(secs[n])
					if body == nil {
						body = []byte{}
					}
					it.plan.parts[pi].Body = body
				}
			}
		}

		select {
		case out <- chunk:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// ingestChunk hands the messages of one chunk to the store: all at once to a
// BatchStore, else one by one, each with the cursor just past it.
func (m *Client) ingestChunk(ctx context.Context, k *conn, f folder, sel *imap.SelectData, cur Cursor, chunk []fetchItem, prog *progress) (Cursor, error) {
	advance := func(uid imap.UID) Cursor {
		next := cur
		next.LastUID = uint32(uid)
		if sel.HighestModSeq > next.HighestModSeq {
			next.HighestModSeq = sel.HighestModSeq
		}
		return next
	}
	bs, batched := m.store.(BatchStore)
	if !batched || len(chunk) == 1 {
		for _, it := range chunk {
			next := advance(it.buf.UID)
			if err := m.ingest(ctx, k, f, sel.UIDValidity, it.buf, it.plan.parts, next); err != nil {
				return cur, err
			}
			cur = next
			prog.add()
		}
		return cur, nil
	}
	var valid atomic.Bool
	valid.Store(true)
	defer valid.Store(false)
	fs := make([]Fetched, len(chunk))
	for i, it := range chunk {
		fs[i] = m.fetched(k, f, sel.UIDValidity, it.buf, it.plan.parts, &valid)
	}
	next := advance(chunk[len(chunk)-1].buf.UID)
	if err := bs.IngestBatch(ctx, fs, next); err != nil {
		return cur, fmt.Errorf("mailbox: ingest %s UIDs %d-%d: %w", f.Name, chunk[0].buf.UID, next.LastUID, err)
	}
	for range chunk {
		m.noteIngested(f)
		prog.add()
	}
	return next, nil
}

// fetchItem is one message of a FETCH round: its headers and structure, and
// the parts the scan downloads.
type fetchItem struct {
	buf  *imapclient.FetchMessageBuffer
	plan partPlan
}

func (m *Client) ingest(ctx context.Context, k *conn, f folder, validity uint32, b *imapclient.FetchMessageBuffer, parts []message.Part, next Cursor) error {
	var valid atomic.Bool
	valid.Store(true)
	defer valid.Store(false)
	if err := m.store.Ingest(ctx, m.fetched(k, f, validity, b, parts, &valid), next); err != nil {
		return fmt.Errorf("mailbox: ingest %s UID %d: %w", f.Name, b.UID, err)
	}
	m.noteIngested(f)
	return nil
}

// fetched builds what the store receives of one message. Its Load works
// while valid holds.
func (m *Client) fetched(k *conn, f folder, validity uint32, b *imapclient.FetchMessageBuffer, parts []message.Part, valid *atomic.Bool) Fetched {
	uid := b.UID
	fx := Fetched{
		Folder:       f.Name,
		Role:         f.Role,
		UID:          uint32(uid),
		UIDValidity:  validity,
		Flags:        flagStrings(b.Flags),
		InternalDate: b.InternalDate,
		Size:         b.RFC822Size,
		Header:       b.FindBodySection(&imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, Peek: true}),
		Parts:        parts,
	}
	fx.Load = func(ctx context.Context, paths ...[]int) ([]message.Part, error) {
		if !valid.Load() {
			return nil, errors.New("mailbox: Fetched.Load called after Ingest returned")
		}
		return m.loadParts(ctx, k, f, uid, parts, paths)
	}
	return fx
}

// loadParts downloads whole parts of one message on the sync connection.
func (m *Client) loadParts(ctx context.Context, k *conn, f folder, uid imap.UID, parts []message.Part, paths [][]int) ([]message.Part, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, nil
	}
	out := make([]message.Part, 0, len(paths))
	var secs []*imap.FetchItemBodySection
	for _, p := range paths {
		i, err := findPart(parts, p)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrPartUnavailable, err)
		}
		part := parts[i]
		part.Body = nil
		out = append(out, part)
		secs = append(secs, &imap.FetchItemBodySection{Part: slices.Clone(part.Path), Peek: true})
	}
	var bufs []*imapclient.FetchMessageBuffer
	err := k.command(func() error {
		var err error
		bufs, err = k.fetch(imap.UIDSetNum(uid), &imap.FetchOptions{UID: true, BodySection: secs})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("mailbox: load parts of %s UID %d: %w", f.Name, uid, err)
	}
	for _, b := range bufs {
		if b.UID != uid {
			continue
		}
		for i, s := range secs {
			if body := b.FindBodySection(s); body != nil {
				out[i].Body = body
			}
		}
	}
	for i := range out {
		if out[i].Body == nil {
			return nil, fmt.Errorf("%w: part %s of %s UID %d not returned (expunged?)", ErrPartUnavailable, pathString(out[i].Path), f.Name, uid)
		}
	}
	return out, nil
}

func flagStrings(fs []imap.Flag) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = string(f)
	}
	return out
}

// clipRanges keeps the UIDs above last, with every range closed (a server
// never returns "*" in a SEARCH result, but a zero Stop would mean it).
func clipRanges(set imap.UIDSet, last uint32) []imap.UIDRange {
	var out []imap.UIDRange
	for _, r := range set {
		start, stop := uint32(r.Start), uint32(r.Stop)
		if stop == 0 || start == 0 {
			continue
		}
		if start > stop {
			start, stop = stop, start
		}
		if stop <= last {
			continue
		}
		if start <= last {
			start = last + 1
		}
		out = append(out, imap.UIDRange{Start: imap.UID(start), Stop: imap.UID(stop)})
	}
	slices.SortFunc(out, func(a, b imap.UIDRange) int { return cmp.Compare(a.Start, b.Start) })
	return out
}

func countUIDs(rs []imap.UIDRange) int {
	n := 0
	for _, r := range rs {
		n += int(r.Stop-r.Start) + 1
	}
	return n
}

// batches cuts sorted ranges into UID sets of at most size UIDs each,
// without expanding them.
func batches(rs []imap.UIDRange, size int) []imap.UIDSet {
	var out []imap.UIDSet
	var cur imap.UIDSet
	n := 0
	for _, r := range rs {
		start := uint32(r.Start)
		stop := uint32(r.Stop)
		for start <= stop {
			room := uint32(size - n)
			end := stop
			if stop-start+1 > room {
				end = start + room - 1
			}
			cur = append(cur, imap.UIDRange{Start: imap.UID(start), Stop: imap.UID(end)})
			n += int(end-start) + 1
			if n == size {
				out = append(out, cur)
				cur, n = nil, 0
			}
			if end == stop {
				break
			}
			start = end + 1
		}
	}
	if n > 0 {
		out = append(out, cur)
	}
	return out
}

// progress logs a long scan: every ProgressEvery messages or
// ProgressInterval, whichever first. Status reads it from another
// goroutine (the web page's overview), hence the atomic count.
type progress struct {
	log     *slog.Logger
	now     func() time.Time
	f       folder
	total   int
	n       atomic.Int64
	every   int
	period  time.Duration
	started time.Time
	lastLog time.Time
	lastN   int
}

func newProgress(cfg Config, f folder, total int) *progress {
	now := cfg.Stopwatch()
	p := &progress{log: cfg.Logger, now: cfg.Stopwatch, f: f, total: total, every: cfg.ProgressEvery,
		period: cfg.ProgressInterval, started: now, lastLog: now}
	if total >= cfg.ProgressEvery {
		p.log.Info("mailbox: scanning folder", slog.String("folder", f.Name), slog.Int("messages", total))
	}
	return p
}

func (p *progress) add() {
	n := int(p.n.Add(1))
	now := p.now()
	if n-p.lastN < p.every && now.Sub(p.lastLog) < p.period {
		return
	}
	p.lastN, p.lastLog = n, now
	s := p.at(n, now)
	p.log.Info("mailbox: scan progress", slog.String("folder", p.f.Name), slog.Int("done", s.Done),
		slog.Int("total", s.Total), slog.Float64("per_second", s.PerSecond), slog.Duration("eta", s.ETA),
		slog.Duration("elapsed", s.Elapsed))
}

// snapshot is the scan's progress now.
func (p *progress) snapshot() ScanProgress { return p.at(int(p.n.Load()), p.now()) }

func (p *progress) at(n int, now time.Time) ScanProgress {
	s := ScanProgress{Done: n, Total: p.total, Elapsed: readableWait(now.Sub(p.started))}
	if el := now.Sub(p.started); el > 0 {
		rate := float64(n) / el.Seconds()
		s.PerSecond = float64(int(rate*10)) / 10
		if rate > 0 {
			s.ETA = readableWait(time.Duration(float64(p.total-n) / rate * float64(time.Second)))
		}
	}
	return s
}

// readableWait rounds a wait as a person reads it: whole seconds, but
// tenths under ten seconds, where a fast scan's first line (500 messages
// in 0.4 s) would otherwise read elapsed=0s and eta=0s.
func readableWait(d time.Duration) time.Duration {
	if d < 10*time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Second)
}

func (p *progress) done() {
	if p.n.Load() == 0 {
		return
	}
	elapsed := p.now().Sub(p.started)
	level := slog.LevelDebug
	if p.total >= p.every {
		level = slog.LevelInfo
	}
	p.log.Log(context.Background(), level, "mailbox: folder synced", slog.String("folder", p.f.Name), slog.Int("ingested", int(p.n.Load())),
		slog.Duration("elapsed", elapsed.Round(time.Millisecond)))
}
