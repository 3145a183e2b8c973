package mailbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
)

// Run watches the mailbox until ctx is done, then returns nil. It connects,
// makes a full pass over every folder, then waits for new mail on INBOX
// (IDLE, or polling every PollInterval when the server has no IDLE) and
// checks the other folders every SideFolderInterval. A lost connection is
// re-established with backoff, forever; the cursor makes the next pass pick
// up exactly where the last ingest stopped.
func (m *Client) Run(ctx context.Context) error {
	defer m.closeOps()
	attempt := 0
	for {
		healthy, err := m.session(ctx)
		m.setConnected(false)
		if ctx.Err() != nil {
			return nil
		}
		if healthy {
			// The connection had worked: start the backoff over.
			attempt = 0
		}
		attempt++
		delay := m.nextDelay(attempt)
		m.cfg.Logger.Warn("mailbox: connection lost, reconnecting",
			slog.Int("attempt", attempt), slog.Duration("delay", delay), slog.Any("err", err))
		m.cfg.Observer.Reconnecting(attempt, delay, err)
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// SyncOnce connects, makes one full pass over every folder and disconnects.
func (m *Client) SyncOnce(ctx context.Context) error {
	release, err := m.takeSlot(ctx)
	if err != nil {
		return err
	}
	defer release()
	k, err := m.dial(ctx, nil)
	if err != nil {
		return err
	}
	defer k.close()
	m.setConnected(true)
	defer m.setConnected(false)
	folders, err := m.discover(k)
	if err != nil {
		return err
	}
	return m.syncAll(ctx, k, folders)
}

// takeSlot waits for one of the process's scan slots (Config.ScanSlots)
// and returns what gives it back (safe to call twice). A full pass takes
// its slot before connecting: the hundreds of mailboxes of a process
// waiting for their first pass then hold no connection meanwhile, and do
// not all log in to their server in the same few seconds.
func (m *Client) takeSlot(ctx context.Context) (release func(), err error) {
	if m.cfg.ScanSlots == nil {
		return func() {}, nil
	}
	select {
	case m.cfg.ScanSlots <- struct{}{}:
		return sync.OnceFunc(func() { <-m.cfg.ScanSlots }), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// session runs one connection until it fails or ctx is done. healthy is
// true once the connection completed a full pass.
func (m *Client) session(ctx context.Context) (healthy bool, err error) {
	release, err := m.takeSlot(ctx)
	if err != nil {
		return false, err
	}
	defer release()
	k, err := m.dial(ctx, m.notify)
	if err != nil {
		return false, err
	}
	defer k.close()
	m.setConnected(true)
	m.cfg.Logger.Info("mailbox: connected", slog.String("addr", m.cfg.Addr),
		slog.Bool("idle", k.caps.Has(imap.CapIdle)), slog.Bool("condstore", k.caps.Has(imap.CapCondStore)))

	folders, err := m.discover(k)
	if err != nil {
		return false, err
	}
	if err := m.syncAll(ctx, k, folders); err != nil {
		return false, err
	}
	release()
	var inbox folder
	var side []folder
	for _, f := range folders {
		if f.Role == RoleInbox {
			inbox = f
		} else {
			side = append(side, f)
		}
	}

	sideTimer := time.NewTimer(m.cfg.SideFolderInterval)
	defer sideTimer.Stop()
	canIdle := k.caps.Has(imap.CapIdle)
	for {
		var sideDue bool
		if canIdle {
			sideDue, err = m.idle(ctx, k, inbox, sideTimer)
		} else {
			sideDue, err = m.poll(ctx, sideTimer)
		}
		if err != nil {
			return true, err
		}
		// IDLE notifications are hints: the UID SEARCH in syncFolder is
		// what finds new mail, after every wake-up whatever its cause.
		if err := m.syncFolder(ctx, k, inbox); err != nil {
			return true, err
		}
		if sideDue {
			for _, f := range side {
				if err := m.syncFolder(ctx, k, f); err != nil {
					if connDead(k) || ctx.Err() != nil {
						return true, err
					}
					m.cfg.Logger.Warn("mailbox: folder sync failed", slog.String("folder", f.Name), slog.Any("err", err))
				}
			}
			sideTimer.Reset(m.cfg.SideFolderInterval)
		}
	}
}

// idle selects INBOX and waits in IDLE for a new-mail hint, the restart
// period, the side-folder timer, or the end. A hint that arrived before IDLE
// started is still in the channel and ends this wait at once, so none is
// lost.
func (m *Client) idle(ctx context.Context, k *conn, inbox folder, sideTimer *time.Timer) (sideDue bool, err error) {
	if k.selected != inbox.Name {
		// Selecting reports new mail in the SELECT reply, not as a push:
		// search right away or a message that arrived since the last INBOX
		// pass would wait for the next IDLE restart.
		if err := m.syncFolder(ctx, k, inbox); err != nil {
			return false, err
		}
	}
	var cmd interface {
		Close() error
		Wait() error
	}
	err = k.do(func() error {
		c, err := k.c.Idle()
		if err == nil {
			cmd = c
		}
		return err
	})
	if err != nil {
		return false, fmt.Errorf("mailbox: start IDLE: %w", err)
	}
	restart := time.NewTimer(m.cfg.IdleRestart)
	defer restart.Stop()
	var cause error
	select {
	case <-m.notify:
	case <-restart.C:
	case <-sideTimer.C:
		sideDue = true
	case <-ctx.Done():
		cause = ctx.Err()
	case <-k.c.Closed():
		cause = errors.New("mailbox: connection closed during IDLE")
	}
	err = k.do(func() error {
		if err := cmd.Close(); err != nil {
			return err
		}
		return cmd.Wait()
	})
	if cause != nil {
		return sideDue, cause
	}
	if err != nil {
		return sideDue, fmt.Errorf("mailbox: stop IDLE: %w", err)
	}
	return sideDue, nil
}

// poll waits for the next INBOX check when the server has no IDLE.
func (m *Client) poll(ctx context.Context, sideTimer *time.Timer) (sideDue bool, err error) {
	t := time.NewTimer(m.cfg.PollInterval)
	defer t.Stop()
	select {
	case <-t.C:
		return false, nil
	case <-sideTimer.C:
		return true, nil
	case <-ctx.Done():
		return false, ctx.Err()
	}
}
