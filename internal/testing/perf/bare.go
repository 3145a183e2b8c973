package perf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Account is a plaintext IMAP account on loopback.
type Account struct {
	Addr, User, Password string
}

// FetchResult is what the bare fetch read.
type FetchResult struct {
	Messages int
	Bytes    int64
	Elapsed  time.Duration
}

func dial(a Account) (*imapclient.Client, error) {
	c, err := imapclient.DialInsecure(a.Addr, nil)
	if err != nil {
		return nil, fmt.Errorf("perf: dial %s: %w", a.Addr, err)
	}
	if err := c.Login(a.User, a.Password).Wait(); err != nil {
		c.Close()
		return nil, fmt.Errorf("perf: login: %w", err)
	}
	return c, nil
}

// session dials a and closes the connection when ctx ends; end closes it.
func session(ctx context.Context, a Account) (c *imapclient.Client, end func(), err error) {
	if c, err = dial(a); err != nil {
		return nil, nil, err
	}
	stop := context.AfterFunc(ctx, func() { c.Close() })
	return c, func() { stop(); c.Close() }, nil
}

// BareFetch is the limit of a full scan: one connection, EXAMINE each folder,
// UID FETCH 1:* BODY.PEEK[] streamed into io.Discard. Nothing is parsed,
// nothing is kept.
func BareFetch(ctx context.Context, a Account, folders []string) (FetchResult, error) {
	start := time.Now()
	c, end, err := session(ctx, a)
	if err != nil {
		return FetchResult{}, err
	}
	defer end()
	var res FetchResult
	for _, f := range folders {
		sel, err := c.Select(f, &imap.SelectOptions{ReadOnly: true}).Wait()
		if err != nil {
			return res, fmt.Errorf("perf: examine %s: %w", f, err)
		}
		if sel.NumMessages == 0 {
			continue
		}
		var all imap.UIDSet
		all.AddRange(1, 0)
		cmd := c.Fetch(all, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{{Peek: true}}})
		for m := cmd.Next(); m != nil; m = cmd.Next() {
			for item := m.Next(); item != nil; item = m.Next() {
				if bs, ok := item.(imapclient.FetchItemDataBodySection); ok && bs.Literal != nil {
					n, err := io.Copy(io.Discard, bs.Literal)
					if err != nil {
						cmd.Close()
						return res, fmt.Errorf("perf: read %s: %w", f, err)
					}
					res.Bytes += n
				}
			}
			res.Messages++
		}
		if err := cmd.Close(); err != nil {
			return res, fmt.Errorf("perf: fetch %s: %w", f, err)
		}
	}
	if err := c.Logout().Wait(); err != nil && ctx.Err() == nil {
		return res, fmt.Errorf("perf: logout: %w", err)
	}
	res.Elapsed = time.Since(start)
	return res, ctx.Err()
}

// Warm reads what every reader asks the server for (structure, headers,
// bodies) once, so that Dovecot's index and cache files and the page cache
// are in the same state for every timed reader.
func Warm(ctx context.Context, a Account, folders []string) error {
	c, end, err := session(ctx, a)
	if err != nil {
		return err
	}
	defer end()
	for _, f := range folders {
		sel, err := c.Select(f, &imap.SelectOptions{ReadOnly: true}).Wait()
		if err != nil {
			return fmt.Errorf("perf: examine %s: %w", f, err)
		}
		if sel.NumMessages == 0 {
			continue
		}
		var all imap.UIDSet
		all.AddRange(1, 0)
		cmd := c.Fetch(all, &imap.FetchOptions{UID: true, Flags: true, InternalDate: true, RFC822Size: true,
			BodyStructure: &imap.FetchItemBodyStructure{Extended: true},
			BodySection:   []*imap.FetchItemBodySection{{Specifier: imap.PartSpecifierHeader, Peek: true}, {Peek: true}}})
		for m := cmd.Next(); m != nil; m = cmd.Next() {
			for item := m.Next(); item != nil; item = m.Next() {
				if bs, ok := item.(imapclient.FetchItemDataBodySection); ok && bs.Literal != nil {
					if _, err := io.Copy(io.Discard, bs.Literal); err != nil {
						cmd.Close()
						return fmt.Errorf("perf: read %s: %w", f, err)
					}
				}
			}
		}
		if err := cmd.Close(); err != nil {
			return fmt.Errorf("perf: fetch %s: %w", f, err)
		}
	}
	return c.Logout().Wait()
}

// Appender APPENDs messages over one open connection (as another mail
// client would deliver into the watched mailbox).
type Appender struct {
	c *imapclient.Client
}

// NewAppender logs in.
func NewAppender(a Account) (*Appender, error) {
	c, err := dial(a)
	if err != nil {
		return nil, err
	}
	return &Appender{c: c}, nil
}

// Append adds raw to folder and returns when the server has stored it.
func (p *Appender) Append(folder string, raw []byte) error {
	cmd := p.c.Append(folder, int64(len(raw)), nil)
	if _, err := io.Copy(cmd, bytes.NewReader(raw)); err != nil {
		cmd.Close()
		return fmt.Errorf("perf: append: %w", err)
	}
	if err := cmd.Close(); err != nil {
		return fmt.Errorf("perf: append: %w", err)
	}
	if _, err := cmd.Wait(); err != nil {
		return fmt.Errorf("perf: append: %w", err)
	}
	return nil
}

// Close logs out.
func (p *Appender) Close() error {
	err := p.c.Logout().Wait()
	return errors.Join(err, p.c.Close())
}

// EmptyFolder deletes every message of folder: the first pass APPENDs its
// drafts to Drafts, which the next round's readers must not find.
func EmptyFolder(ctx context.Context, a Account, folder string) error {
	c, end, err := session(ctx, a)
	if err != nil {
		return err
	}
	defer end()
	sel, err := c.Select(folder, nil).Wait()
	if err != nil {
		return fmt.Errorf("perf: select %s: %w", folder, err)
	}
	if sel.NumMessages > 0 {
		var all imap.UIDSet
		all.AddRange(1, 0)
		if err := c.Store(all, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close(); err != nil {
			return fmt.Errorf("perf: delete in %s: %w", folder, err)
		}
		if err := c.Expunge().Close(); err != nil {
			return fmt.Errorf("perf: expunge %s: %w", folder, err)
		}
	}
	return c.Logout().Wait()
}
