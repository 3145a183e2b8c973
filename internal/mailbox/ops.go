package mailbox

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"mime"
	"net/mail"
	"net/textproto"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// The operations below use connections of their own, so they never
// interleave with the watching connection (which may be in IDLE, where no
// command can be sent) and need no lock against it. One such connection is
// kept for opsKeep after use: a pass that drafts a hundred reminders reads
// a header, fetches an invoice and appends a draft for each, and logging in
// for every one of those cost more than the work itself.

// opsKeep is how long an operations connection stays open unused. Short,
// so that an idle daemon holds only its watching connection.
const opsKeep = 30 * time.Second

// opsFresh is how recently a kept connection must have completed an
// operation to be used again without a NOOP first. A pass drafting
// reminders runs several operations a draft, milliseconds apart, and with a
// large folder selected each NOOP made the server look the folder over: as
// long as the APPEND of the draft itself. A connection the server closed in
// between is seen closed all the same (its reader got the end of the
// stream); one that died silently fails the operation, as it would have if
// it had died just after the NOOP.
const opsFresh = time.Second

// opsConn is the kept operations connection, if any.
type opsConn struct {
	mu    sync.Mutex
	k     *conn
	used  time.Time // when k completed its last operation
	timer *time.Timer
}

// take hands over the kept connection, or nil, and when it was last used.
func (p *opsConn) take() (*conn, time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	k := p.k
	p.k = nil
	if p.timer != nil {
		p.timer.Stop()
	}
	return k, p.used
}

// keep stores k for the next operation, or closes it when one is already
// kept (two operations ran at once).
func (p *opsConn) keep(k *conn) {
	p.mu.Lock()
	if p.k != nil {
		p.mu.Unlock()
		k.close()
		return
	}
	p.k, p.used = k, time.Now()
	if p.timer == nil {
		p.timer = time.AfterFunc(opsKeep, func() {
			if k, _ := p.take(); k != nil {
				k.close()
			}
		})
	} else {
		p.timer.Reset(opsKeep)
	}
	p.mu.Unlock()
}

// withConn runs fn on the kept operations connection when it is still
// usable (alive), else on a new one, and keeps the connection afterwards
// unless fn failed: after an error its state is not worth trusting.
func (m *Client) withConn(ctx context.Context, fn func(k *conn) error) error {
	k, used := m.ops.take()
	if k != nil && !k.alive(used) {
		k.close()
		k = nil
	}
	if k == nil {
		var err error
		if k, err = m.dial(ctx, nil); err != nil {
			return err
		}
		// The connection outlives this operation's context: each
		// operation ties it to its own below.
		k.stopCtx()
	}
	stop := context.AfterFunc(ctx, func() { k.c.Close() })
	err := fn(k)
	if !stop() || err != nil || k.timedOut.Load() {
		k.close()
		return err
	}
	m.ops.keep(k)
	return nil
}

// CloseIdle logs out of the kept operations connection, if any: Run does
// when it ends, a one-shot pass calls it before the process exits.
func (m *Client) CloseIdle() { m.closeOps() }

func (m *Client) closeOps() {
	if k, _ := m.ops.take(); k != nil {
		k.close()
	}
}

// alive tells whether a kept connection, last used at used, can run an
// operation: not closed by the server, and either used within opsFresh or
// still answering a NOOP.
func (k *conn) alive(used time.Time) bool {
	select {
	case <-k.c.Closed():
		return false
	default:
	}
	if time.Since(used) < opsFresh {
		return true
	}
	return k.do(func() error { return k.c.Noop().Wait() }) == nil
}

// DraftsState lists the Drafts folder: UID, flags, Message-ID and
// X-Relance-Draft of every message, so the caller can see which of its
// drafts were deleted, edited (a mail client saves an edit as a new message
// carrying the same headers) or \Flagged for approval.
func (m *Client) DraftsState(ctx context.Context) ([]DraftInfo, error) {
	var out []DraftInfo
	err := m.withConn(ctx, func(k *conn) error {
		f, err := m.folderFor(k, RoleDrafts, false)
		if err != nil {
			return err
		}
		sel, err := k.selectFolder(f.Name, true)
		if err != nil {
			return err
		}
		if sel.NumMessages == 0 {
			return nil
		}
		hdr := &imap.FetchItemBodySection{
			Specifier:    imap.PartSpecifierHeader,
			HeaderFields: []string{"Message-ID", DraftHeader, InstallationHeader, "To", "Cc"},
			Peek:         true,
		}
		var all imap.SeqSet
		all.AddRange(1, 0)
		var bufs []*imapclient.FetchMessageBuffer
		err = k.do(func() error {
			var err error
			bufs, err = k.fetch(all, &imap.FetchOptions{UID: true, Flags: true, BodySection: []*imap.FetchItemBodySection{hdr}})
			return err
		})
		if err != nil {
			return fmt.Errorf("mailbox: fetch drafts: %w", err)
		}
		for _, b := range bufs {
			if b.UID == 0 {
				continue
			}
			h := parseHeader(b.FindBodySection(hdr))
			out = append(out, DraftInfo{
				UID:          uint32(b.UID),
				Flags:        flagStrings(b.Flags),
				MessageID:    trimMsgID(h.Get("Message-Id")),
				RelanceDraft: strings.TrimSpace(h.Get(DraftHeader)),
				Installation: strings.TrimSpace(h.Get(InstallationHeader)),
				To:           addressList(h.Get("To")),
				Cc:           addressList(h.Get("Cc")),
			})
		}
		return nil
	})
	return out, err
}

// Append stores raw in the folder of the given role (RoleDrafts,
// RoleSent, RoleInbox) with flags and date (zero date: the server's time).
// It returns the new UID when the server has UIDPLUS, else 0 (find it with
// FindMessageID).
func (m *Client) Append(ctx context.Context, role Role, raw []byte, flags []string, date time.Time) (uint32, error) {
	var uid uint32
	err := m.withConn(ctx, func(k *conn) error {
		f, err := m.folderFor(k, role, true)
		if err != nil {
			return err
		}
		opts := &imap.AppendOptions{Time: date}
		for _, fl := range flags {
			opts.Flags = append(opts.Flags, imap.Flag(fl))
		}
		return k.do(func() error {
			cmd := k.c.Append(f.Name, int64(len(raw)), opts)
			if _, err := cmd.Write(raw); err != nil {
				cmd.Close()
				return fmt.Errorf("mailbox: append to %q: %w", f.Name, err)
			}
			if err := cmd.Close(); err != nil {
				return fmt.Errorf("mailbox: append to %q: %w", f.Name, err)
			}
			data, err := cmd.Wait()
			if err != nil {
				return fmt.Errorf("mailbox: append to %q: %w", f.Name, err)
			}
			uid = uint32(data.UID)
			return nil
		})
	})
	return uid, err
}

// Delete removes one message: \Deleted then UID EXPUNGE when the server has
// UIDPLUS. Without UIDPLUS a plain EXPUNGE also removes any other message
// the user had marked \Deleted, as their own client would on closing.
func (m *Client) Delete(ctx context.Context, role Role, uid uint32) error {
	return m.withConn(ctx, func(k *conn) error {
		f, err := m.folderFor(k, role, false)
		if err != nil {
			return err
		}
		if _, err := k.selectFolder(f.Name, false); err != nil {
			return err
		}
		set := imap.UIDSetNum(imap.UID(uid))
		err = k.do(func() error {
			return k.c.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close()
		})
		if err != nil {
			return fmt.Errorf("mailbox: mark %q UID %d deleted: %w", f.Name, uid, err)
		}
		err = k.do(func() error {
			if k.caps.Has(imap.CapUIDPlus) {
				return k.c.UIDExpunge(set).Close()
			}
			return k.c.Expunge().Close()
		})
		if err != nil {
			return fmt.Errorf("mailbox: expunge %q UID %d: %w", f.Name, uid, err)
		}
		return nil
	})
}

// SetFlag adds (on) or removes a flag on one message.
func (m *Client) SetFlag(ctx context.Context, role Role, uid uint32, flag string, on bool) error {
	return m.withConn(ctx, func(k *conn) error {
		f, err := m.folderFor(k, role, false)
		if err != nil {
			return err
		}
		if _, err := k.selectFolder(f.Name, false); err != nil {
			return err
		}
		op := imap.StoreFlagsAdd
		if !on {
			op = imap.StoreFlagsDel
		}
		err = k.do(func() error {
			return k.c.Store(imap.UIDSetNum(imap.UID(uid)), &imap.StoreFlags{Op: op, Silent: true, Flags: []imap.Flag{imap.Flag(flag)}}, nil).Close()
		})
		if err != nil {
			return fmt.Errorf("mailbox: set %s on %q UID %d: %w", flag, f.Name, uid, err)
		}
		return nil
	})
}

// FindMessageID looks a Message-ID up in a folder (with or without angle
// brackets), e.g. to learn after a crash whether an APPEND or a send had
// completed. It returns the highest matching UID.
func (m *Client) FindMessageID(ctx context.Context, role Role, msgID string) (uid uint32, found bool, err error) {
	id := trimMsgID(msgID)
	if id == "" {
		return 0, false, fmt.Errorf("mailbox: empty Message-ID")
	}
	err = m.withConn(ctx, func(k *conn) error {
		f, err := m.folderFor(k, role, false)
		if err != nil {
			return err
		}
		if _, err := k.examine(f.Name); err != nil {
			return err
		}
		var data *imap.SearchData
		err = k.do(func() error {
			var err error
			// SEARCH HEADER is a substring match: search for the bare id
			// and confirm the exact value below.
			data, err = k.c.UIDSearch(&imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: id}}}, nil).Wait()
			return err
		})
		if err != nil {
			return fmt.Errorf("mailbox: search Message-ID in %q: %w", f.Name, err)
		}
		set, _ := data.All.(imap.UIDSet)
		if len(set) == 0 {
			return nil
		}
		hdr := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, HeaderFields: []string{"Message-ID"}, Peek: true}
		var bufs []*imapclient.FetchMessageBuffer
		err = k.do(func() error {
			var err error
			bufs, err = k.fetch(set, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{hdr}})
			return err
		})
		if err != nil {
			return fmt.Errorf("mailbox: fetch Message-ID in %q: %w", f.Name, err)
		}
		for _, b := range bufs {
			got := trimMsgID(parseHeader(b.FindBodySection(hdr)).Get("Message-Id"))
			if strings.EqualFold(got, id) && uint32(b.UID) > uid {
				uid, found = uint32(b.UID), true
			}
		}
		return nil
	})
	return uid, found, err
}

func parseHeader(b []byte) textproto.MIMEHeader {
	if !bytes.HasSuffix(b, []byte("\r\n\r\n")) && !bytes.HasSuffix(b, []byte("\n\n")) {
		b = append(append([]byte{}, b...), "\r\n\r\n"...)
	}
	h, _ := textproto.NewReader(bufio.NewReader(bytes.NewReader(b))).ReadMIMEHeader()
	if h == nil {
		h = textproto.MIMEHeader{}
	}
	return h
}

func trimMsgID(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "<")
	s = strings.TrimSuffix(s, ">")
	return strings.TrimSpace(s)
}

// addressList reads the addresses of a To or Cc header, lower-cased; an
// unreadable header gives what can be read of it.
func addressList(v string) []string {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	dec := mail.AddressParser{WordDecoder: &mime.WordDecoder{}}
	list, err := dec.ParseList(v)
	if err != nil {
		var out []string
		for _, part := range strings.Split(v, ",") {
			if a, err := dec.Parse(part); err == nil {
				out = append(out, strings.ToLower(a.Address))
			}
		}
		return out
	}
	out := make([]string, 0, len(list))
	for _, a := range list {
		out = append(out, strings.ToLower(a.Address))
	}
	return out
}

// FetchMessage returns the whole message with this Message-ID in a folder
// (the highest UID when several match), e.g. an invoice in Sent whose PDF is
// attached again to an answer. found is false when no message matches.
func (m *Client) FetchMessage(ctx context.Context, role Role, msgID string) (raw []byte, found bool, err error) {
	uid, found, err := m.FindMessageID(ctx, role, msgID)
	if err != nil || !found {
		return nil, false, err
	}
	err = m.withConn(ctx, func(k *conn) error {
		f, err := m.folderFor(k, role, false)
		if err != nil {
			return err
		}
		if _, err := k.examine(f.Name); err != nil {
			return err
		}
		whole := &imap.FetchItemBodySection{Peek: true}
		var bufs []*imapclient.FetchMessageBuffer
		err = k.do(func() error {
			var err error
			bufs, err = k.fetch(imap.UIDSetNum(imap.UID(uid)), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{whole}})
			return err
		})
		if err != nil {
			return fmt.Errorf("mailbox: fetch %s from %q: %w", msgID, f.Name, err)
		}
		for _, b := range bufs {
			if uint32(b.UID) == uid {
				raw = b.FindBodySection(whole)
			}
		}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return raw, raw != nil, nil
}

// MessageRef is where a message was seen: its folder, the folder's
// UIDVALIDITY then, its UID, and its Message-ID (which the message found
// there must still carry).
type MessageRef struct {
	Folder      string
	UIDValidity uint32
	UID         uint32
	MessageID   string
}

// FetchMessages returns the whole messages refs point at, by Message-ID,
// with one UID FETCH per folder instead of a search of the folder for each
// (FetchMessage): drafting a reminder for a client's ten invoices attaches
// ten PDFs from Sent. A ref whose folder changed UIDVALIDITY, whose UID is
// gone, or whose UID now holds another message is left out of the result:
// the caller looks it up by Message-ID.
func (m *Client) FetchMessages(ctx context.Context, refs []MessageRef) (map[string][]byte, error) {
	byFolder := map[string][]MessageRef{}
	var folders []string
	for _, r := range refs {
		if r.Folder == "" || r.UID == 0 || trimMsgID(r.MessageID) == "" {
			continue
		}
		if _, ok := byFolder[r.Folder]; !ok {
			folders = append(folders, r.Folder)
		}
		byFolder[r.Folder] = append(byFolder[r.Folder], r)
	}
	out := map[string][]byte{}
	if len(folders) == 0 {
		return out, nil
	}
	err := m.withConn(ctx, func(k *conn) error {
		for _, name := range folders {
			validity, err := k.examine(name)
			if err != nil {
				// A folder renamed or removed since: its messages are
				// looked up by Message-ID.
				continue
			}
			var set imap.UIDSet
			want := map[uint32]string{}
			for _, r := range byFolder[name] {
				if r.UIDValidity != validity {
					continue
				}
				set.AddNum(imap.UID(r.UID))
				want[r.UID] = trimMsgID(r.MessageID)
			}
			if len(want) == 0 {
				continue
			}
			hdr := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, HeaderFields: []string{"Message-ID"}, Peek: true}
			whole := &imap.FetchItemBodySection{Peek: true}
			var bufs []*imapclient.FetchMessageBuffer
			err = k.do(func() error {
				var err error
				bufs, err = k.fetch(set, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{hdr, whole}})
				return err
			})
			if err != nil {
				return fmt.Errorf("mailbox: fetch messages from %q: %w", name, err)
			}
			for _, b := range bufs {
				id, ok := want[uint32(b.UID)]
				raw := b.FindBodySection(whole)
				if !ok || raw == nil {
					continue
				}
				if got := trimMsgID(parseHeader(b.FindBodySection(hdr)).Get("Message-Id")); strings.EqualFold(got, id) {
					out[id] = raw
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
