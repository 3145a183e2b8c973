package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/store"
)

// Checker is a Sender that can check its connection, login and sender
// without sending (SMTPSender).
type Checker interface {
	Check(ctx context.Context, from string) error
}

// gate remembers, for this process, whether sending is stopped.
type gate struct {
	mu sync.Mutex
	// checked: the stop was confirmed by this process (a failure seen, or
	// the one check made after a restart), so it holds without asking
	// the server again.
	checked bool
	stopped bool
}

func (g *gate) state() (stopped, checked bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.stopped, g.checked
}

func (g *gate) set(stopped, checked bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.stopped, g.checked = stopped, checked
}

// refreshStop decides, once per pass, whether sending is stopped. An open
// smtp_failed flag stops it. The first time this process meets such a flag
// (after a restart, perhaps with a corrected configuration) it checks the
// connection and login once, without sending anything: when they work, the
// flag is resolved and sending resumes. A human resolving the flag resumes
// sending too.
func (x *Outbox) refreshStop(ctx context.Context, now time.Time) error {
	open, err := x.systemFlags(ctx, domain.FlagSendingStopped)
	if err != nil {
		return err
	}
	if len(open) == 0 {
		x.gate.set(false, false)
		x.o.Observer.SendingStopped(false)
		return nil
	}
	if _, checked := x.gate.state(); checked {
		x.gate.set(true, true)
		x.o.Observer.SendingStopped(true)
		return nil
	}
	checker, ok := x.o.Sender.(Checker)
	if !ok || x.o.Mode == domain.ModeDryRun {
		x.gate.set(true, true)
		x.o.Observer.SendingStopped(true)
		return nil
	}
	err = checker.Check(ctx, x.o.From)
	switch {
	case err == nil:
		x.log.Info("outbox: SMTP connection and login work again; sending resumes")
		if err := x.resolveSystemFlags(ctx, now, domain.FlagSendingStopped, "the SMTP connection and login work again (checked by relance)"); err != nil {
			return err
		}
		x.gate.set(false, false)
		x.o.Observer.SendingStopped(false)
	case IsStopping(err):
		x.log.Warn("outbox: sending stays stopped", slog.Any("err", err))
		x.gate.set(true, true)
		x.o.Observer.SendingStopped(true)
	default:
		// The network, not the settings: check again next pass.
		x.log.Warn("outbox: cannot check the SMTP server; sending stays stopped", slog.Any("err", err))
		x.gate.set(true, false)
		x.o.Observer.SendingStopped(true)
	}
	return nil
}

// sendingStopped reports what refreshStop decided for this pass.
func (x *Outbox) sendingStopped() bool {
	stopped, _ := x.gate.state()
	return stopped
}

// SendingStopped returns why sending is stopped (the open smtp_failed
// flag's evidence), or "" when it is not. It reads the store, so it is
// right from the start of the process (readiness, metrics).
func (x *Outbox) SendingStopped(ctx context.Context) (string, error) {
	open, err := x.systemFlags(ctx, domain.FlagSendingStopped)
	if err != nil || len(open) == 0 {
		return "", err
	}
	return fmt.Sprintf("sending stopped (flag %d): %s", open[0].ID, strings.Join(open[0].Evidence, " ")), nil
}

// stopSending records a permanent failure that is not a message's own: one
// flag, however many drafts and passes meet it, and no retry until it is
// resolved. The draft, if any, keeps its status and is sent once sending
// resumes.
func (x *Outbox) stopSending(ctx context.Context, now time.Time, d *store.DraftDetail, cause error) error {
	x.gate.set(true, true)
	x.o.Observer.SendingStopped(true)
	x.log.Error("outbox: sending stopped by a permanent SMTP or configuration failure; resolve the smtp_failed flag once corrected",
		slog.Any("err", cause))
	evidence := fmt.Sprintf("relance cannot send any reminder: %v. Reminders stay approved and go once this is corrected: "+
		"restart relance with the corrected settings, or resolve this flag to make it try again.", cause)
	return x.o.Store.Update(ctx, now, func(tx *store.Tx) error {
		if d != nil {
			if err := tx.NoteSendError(d.ID, cause.Error()); err != nil {
				return err
			}
		}
		_, _, err := tx.OpenFlagOnce(store.Flag{Kind: domain.FlagSendingStopped, Evidence: []string{evidence}})
		return err
	})
}

// noDraftsFolder records, once, that drafts can only be reviewed on the web
// page; the pass goes on.
func (x *Outbox) noDraftsFolder(ctx context.Context, now time.Time, cause error) error {
	return x.o.Store.Update(ctx, now, func(tx *store.Tx) error {
		_, opened, err := tx.OpenFlagOnce(store.Flag{Kind: domain.FlagNoDraftsFolder, Evidence: []string{fmt.Sprintf(
			"Reminders wait on relance's web page (and in relance drafts), not in your mail client's Drafts: %v. "+
				"To review them in your mail client, create a Drafts folder there (relance finds it at its next pass) "+
				"or set RELANCE_IMAP_DRAFTS_FOLDER to an existing folder.", cause)}})
		if opened {
			x.log.Warn("outbox: no Drafts folder on the server: drafts are reviewed on the web page only", slog.Any("err", cause))
		}
		return err
	})
}

// systemFlags lists the unresolved flags of a kind that concern the
// installation (no invoice, no client).
func (x *Outbox) systemFlags(ctx context.Context, kind domain.FlagKind) ([]store.Flag, error) {
	all, err := x.o.Store.Flags(ctx, domain.FlagOpen, domain.FlagAcknowledged)
	if err != nil {
		return nil, err
	}
	var out []store.Flag
	for _, f := range all {
		if f.Kind == kind && f.InvoiceID == 0 && f.ClientID == 0 {
			out = append(out, f)
		}
	}
	return out, nil
}

// resolveSystemFlags closes the installation's flags of a kind once what
// they reported is over.
func (x *Outbox) resolveSystemFlags(ctx context.Context, now time.Time, kind domain.FlagKind, note string) error {
	open, err := x.systemFlags(ctx, kind)
	if err != nil || len(open) == 0 {
		return err
	}
	return x.o.Store.Update(ctx, now, func(tx *store.Tx) error {
		for _, f := range open {
			if err := tx.ResolveFlag(f.ID, domain.ActorDaemon, note); err != nil && !errors.Is(err, store.ErrWrongStatus) {
				return err
			}
		}
		return nil
	})
}
