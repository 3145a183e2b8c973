package soak

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/relance/relance/internal/store"
	"github.com/relance/relance/internal/testing/perf"
	"github.com/relance/relance/internal/testing/testutil/dovecot"
	"github.com/relance/relance/internal/testing/testutil/world"
)

// A new user's first pass over a large mailbox (the benchmarks' generated
// one: invoices with PDFs in Sent, quoted replies in INBOX), killed again and
// again in the middle of its scan, then run to the end: every message is
// recorded once, every invoice found once, as if it had never been stopped.
func TestFirstScanKilled(t *testing.T) {
	spec := perf.Spec{Messages: 1500, Invoices: 600, Clients: 60, Seed: 11}
	kills := 3
	if soakLong() {
		spec = perf.Spec{Messages: 10000, Invoices: 4000, Clients: 200, Seed: 11}
		kills = 12
	}
	var gen perf.Stats
	var genErr error
	w := &env{world.NewWith(t, world.Options{IMAP: dovecot.Options{Seed: func(s *dovecot.Server) {
		// Dovecot's mail processes run as nobody.
		gen, genErr = perf.Generate(spec, perf.NewMaildirWriter(s.Maildir, 65534, 65534).Write)
	}}})}
	if genErr != nil {
		t.Fatal(genErr)
	}
	now := perf.BaseTime()
	rng := rand.New(rand.NewPCG(spec.Seed, 0x5ca1))
	killed := 0
	for range kills {
		// Each run starts where the last commit left it: kill it a few
		// hundred messages further on.
		k := killer{marker: "message recorded", nth: 1 + rng.IntN(spec.Messages/kills)}
		o := runKillable(now, k)
		if o.err != nil {
			t.Fatalf("run killed %s failed: %v\n%s", k, o.err, clip(o.output, 4000))
		}
		if o.killed {
			killed++
		}
	}
	if killed == 0 {
		t.Fatalf("no run was killed in %d tries: the scan ended before the kill points", kills)
	}
	w.once(now)

	st, err := store.Open(context.Background(), w.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	counts, err := st.CountMessages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if counts[perf.FolderSent] != gen.Invoices || counts[perf.FolderInbox] != gen.Replies {
		t.Errorf("after %d kills: %v messages recorded, want Sent %d and INBOX %d", killed, counts, gen.Invoices, gen.Replies)
	}
	invs, err := st.Invoices(context.Background(), store.InvoiceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, in := range invs {
		if seen[in.Number] {
			t.Errorf("invoice %s recorded twice", in.Number)
		}
		seen[in.Number] = true
	}
	if len(seen) != gen.Invoices {
		t.Errorf("after %d kills: %d invoices found, want %d", killed, len(seen), gen.Invoices)
	}
	t.Logf("%d messages (%d invoices, %d with a PDF) scanned through %d kills", gen.Messages, gen.Invoices, gen.PDFs, killed)
}
