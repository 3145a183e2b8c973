package app

import (
	"context"
	"fmt"
	"hash/fnv"
	"log/slog"
	"os"
	"sort"
	"time"

	"github.com/relance/relance/internal/store"
)

// Leases spread the mailboxes over the replicas sharing one PostgreSQL
// database: each mailbox is worked by the one replica holding its lease,
// renewed every LeaseRenew and taken over by another replica once its
// holder has stopped renewing it for LeaseTTL. A mailbox's store is fenced
// with the lease's token before the mailbox starts: once the lease is lost,
// none of the old holder's writes goes through until it has noticed and
// stopped the mailbox's work. The web page of every replica serves every
// mailbox; its actions are the owner's, and go through on any replica.
const (
	LeaseTTL   = 15 * time.Second
	LeaseRenew = 3 * time.Second
)

// DefaultReplicaID names this process among the replicas when
// RELANCE_REPLICA_ID is empty: the host name and the process id.
func DefaultReplicaID() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "relance"
	}
	return fmt.Sprintf("%s-%d", host, os.Getpid())
}

// balance runs one round of the lease protocol at now: it records that this
// replica is alive, renews the leases it holds (stopping the mailboxes whose
// lease was lost), gives back those above its share, and takes free ones up
// to its share: the mailboxes divided by the live replicas, rounded up.
func (f *Fleet) balance(ctx context.Context, now time.Time) error {
	if err := f.leases.Heartbeat(ctx, f.replica, now); err != nil {
		return err
	}
	live, err := f.leases.LiveReplicas(ctx, now.Add(-LeaseTTL))
	if err != nil {
		return err
	}
	replicas := max(len(live), 1)
	names := f.Names()
	share := (len(names) + replicas - 1) / replicas

	var held []string
	for _, name := range names {
		m := f.member(name)
		if m == nil || m.token == 0 {
			continue
		}
		ok, err := f.leases.RenewLease(ctx, name, f.replica, m.token, now, now.Add(LeaseTTL))
		if err != nil {
			return err
		}
		if !ok {
			f.log.Warn("lease lost: the mailbox stops here", slog.String("mailbox", name), slog.Int64("token", m.token))
			f.stop(name)
			f.setToken(name, 0)
			// Its work has ended: the owner's own actions on the web page
			// (an approval, a payment) go through again, as from the CLI.
			m.app.store.SetFence(nil)
			continue
		}
		held = append(held, name)
	}
	// Above the share (a replica came back, or joined): give back the
	// mailboxes this replica ranks last, so that the others can take them.
	sort.Slice(held, func(i, j int) bool { return f.rank(held[i]) < f.rank(held[j]) })
	for len(held) > share {
		name := held[len(held)-1]
		held = held[:len(held)-1]
		f.giveBack(ctx, name, now)
	}
	if len(held) >= share {
		return nil
	}
	// Below it: take free mailboxes, in this replica's own order, so that
	// replicas starting together try different ones first.
	free := make([]string, 0, len(names))
	for _, name := range names {
		if m := f.member(name); m != nil && m.token == 0 {
			free = append(free, name)
		}
	}
	sort.Slice(free, func(i, j int) bool { return f.rank(free[i]) < f.rank(free[j]) })
	for _, name := range free {
		if len(held) >= share {
			break
		}
		token, ok, err := f.leases.AcquireLease(ctx, name, f.replica, now, now.Add(LeaseTTL))
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		m := f.member(name)
		if m == nil {
			continue
		}
		schema, err := f.leases.Schema(ctx)
		if err != nil {
			return err
		}
		m.app.store.SetFence(&store.Fence{LeaseSchema: schema, Mailbox: name, Owner: f.replica, Token: token})
		f.setToken(name, token)
		f.log.Info("lease taken: the mailbox starts here", slog.String("mailbox", name), slog.Int64("token", token))
		f.start(ctx, name)
		held = append(held, name)
	}
	return nil
}

// giveBack stops mailbox name here and releases its lease at once.
func (f *Fleet) giveBack(ctx context.Context, name string, now time.Time) {
	m := f.member(name)
	if m == nil || m.token == 0 {
		return
	}
	f.stop(name)
	if err := f.leases.ReleaseLease(ctx, name, f.replica, m.token, now); err != nil {
		f.log.Warn("lease not released: it will run out", slog.String("mailbox", name), slog.Any("err", err))
	}
	m.app.store.SetFence(nil)
	f.log.Info("lease given back", slog.String("mailbox", name))
	f.setToken(name, 0)
}

// rank orders mailboxes for this replica: a hash of the replica's id and
// the mailbox's name, so that each replica has its own order.
func (f *Fleet) rank(name string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(f.replica))
	h.Write([]byte{0})
	h.Write([]byte(name))
	return h.Sum64()
}

func (f *Fleet) member(name string) *member {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.apps[name]
}

func (f *Fleet) setToken(name string, token int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if m := f.apps[name]; m != nil {
		m.token = token
		m.app.metrics.LeaseHeld.Set(boolGauge(token != 0))
	}
}

func boolGauge(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// leaseLoop balances the leases every LeaseRenew until ctx ends, then
// gives back every lease held, so that the other replicas take the
// mailboxes over without waiting for them to run out.
func (f *Fleet) leaseLoop(ctx context.Context) {
	t := time.NewTicker(LeaseRenew)
	defer t.Stop()
	for {
		if err := f.balance(ctx, time.Now()); err != nil && ctx.Err() == nil {
			f.log.Warn("leases not balanced", slog.Any("err", err))
		}
		select {
		case <-ctx.Done():
			release := context.WithoutCancel(ctx)
			for _, name := range f.Names() {
				f.giveBack(release, name, time.Now())
			}
			return
		case <-t.C:
		}
	}
}
