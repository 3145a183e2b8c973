package e2e

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/relance/relance/internal/testing/testutil/dovecot"
	"github.com/relance/relance/internal/testing/testutil/fault"
	"github.com/relance/relance/internal/testing/testutil/postgres"
	"github.com/relance/relance/internal/testing/testutil/world"
)

// mailboxLease is a row of `relance mailboxes --json`.
type mailboxLease struct {
	Mailbox  string `json:"mailbox"`
	Owner    string `json:"owner"`
	Invoices int    `json:"invoices"`
}

// Three replicas share 20 mailboxes on one PostgreSQL database. Once the
// leases are spread, every mailbox's reminder is approved; one replica is
// killed (SIGKILL) right after the SMTP server accepted one of its
// reminders, before it could record it. The others take its mailboxes over
// within 30 s of the kill, a reply delivered to one of them after the kill
// is read, and the sink and the Sent folders hold each approved reminder
// exactly once.
func TestReplicasFailover(t *testing.T) {
	const n = 20
	var extra []string
	for k := 2; k <= n; k++ {
		extra = append(extra, fmt.Sprintf("client%02d", k))
	}
	w := &env{world.NewWith(t, world.Options{IMAP: dovecot.Options{Users: extra}})}
	t.Setenv("RELANCE_DB", postgres.Shared(t).NewDatabase(t))
	issued := time.Date(2026, 8, 3, 10, 0, 0, 0, paris)
	var entries []map[string]string
	for k := 1; k <= n; k++ {
		user := dovecotUser(w, k)
		if err := w.IMAP.DeliverTo(user, "Sent", invoiceMail(k, "Cave Saint-Jean", "olivier@cave-saintjean.fr", issued, issued.AddDate(0, 0, 30), "660.00", false), true); err != nil {
			t.Fatal(err)
		}
		entries = append(entries, map[string]string{"name": mailboxName(k), "IMAP_USERNAME": user})
	}
	file := filepath.Join(t.TempDir(), "mailboxes.json")
	doc, _ := json.Marshal(map[string]any{"mailboxes": entries})
	if err := os.WriteFile(file, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("RELANCE_MAILBOXES_FILE", file)
	// One pass drafts each mailbox's first reminder, held for review; the
	// replicas run the next morning, inside the send window.
	w.once(time.Date(2026, 9, 14, 18, 0, 0, 0, paris))
	morning := time.Date(2026, 9, 15, 9, 30, 0, 0, paris)

	start := func(id string, extraEnv ...string) *daemon {
		return w.startDaemon(t, id, append([]string{"RELANCE_REPLICA_ID=" + id, "RELANCE_PASS_INTERVAL=1s"}, extraEnv...),
			"--now", morning.Format(time.RFC3339))
	}
	// The seed (RELANCE_FAILOVER_SEED; make soak runs several) chooses
	// which replica dies and the order in which the reminders are approved.
	seed := int64(1)
	if v := os.Getenv("RELANCE_FAILOVER_SEED"); v != "" {
		var err error
		if seed, err = strconv.ParseInt(v, 10, 64); err != nil {
			t.Fatalf("RELANCE_FAILOVER_SEED=%q: %v", v, err)
		}
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	ids := []string{"replica-a", "replica-b", "replica-c"}
	dies := rng.IntN(len(ids))
	var victim *daemon
	var survivors []*daemon
	for i, id := range ids {
		if i == dies {
			victim = start(id, fault.Var+"="+fault.KillAfterSMTP)
		} else {
			survivors = append(survivors, start(id))
		}
	}
	t.Logf("seed %d: %s dies at its first send", seed, victim.id)

	leases := func() []mailboxLease {
		var rows []mailboxLease
		out := w.Relance("mailboxes", "--json")
		if err := json.Unmarshal([]byte(out), &rows); err != nil {
			t.Fatalf("mailboxes --json: %v\n%s", err, out)
		}
		return rows
	}
	waitFor := func(what string, within time.Duration, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(within)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not within %s", what, within)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	owned := map[string][]string{}
	waitFor("the leases spread over the three replicas", 60*time.Second, func() bool {
		clear(owned)
		for _, l := range leases() {
			owned[l.Owner] = append(owned[l.Owner], l.Mailbox)
		}
		return len(owned) == 3 && len(owned[""]) == 0 && len(owned["replica-a"]) >= n/3 &&
			len(owned["replica-b"]) >= n/3 && len(owned["replica-c"]) >= n/3
	})

	// Approve every mailbox's reminder: each replica sends its mailboxes'
	// at its next pass, and the victim dies at its first.
	for _, k := range rng.Perm(n) {
		k++
		var drafts []struct {
			ID     int64  `json:"id"`
			Status string `json:"status"`
		}
		out := w.Relance("drafts", "--json", "--mailbox", mailboxName(k))
		if err := json.Unmarshal([]byte(out), &drafts); err != nil || len(drafts) != 1 {
			t.Fatalf("drafts of %s: %v\n%s", mailboxName(k), err, out)
		}
		w.Relance("drafts", "approve", strconv.FormatInt(drafts[0].ID, 10), "--mailbox", mailboxName(k))
	}
	select {
	case <-victim.gone:
	case <-time.After(60 * time.Second):
		t.Fatalf("%s was not killed at its first send", victim.id)
	}
	if ee, ok := victim.exit.(*exec.ExitError); !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("%s ended with %v, want the SIGKILL of the fault point", victim.id, victim.exit)
	}
	lost := owned[victim.id]

	// Every mailbox of the victim is taken over, each within 30 s of the
	// kill (the survivors' log says when each took its lease).
	taken := regexp.MustCompile(`time=(\S+) level=INFO msg="lease taken: the mailbox starts here" replica=\S+ mailbox=(\S+)`)
	waitFor("the victim's mailboxes taken over", 60*time.Second, func() bool {
		for _, l := range leases() {
			if l.Owner == "" || l.Owner == victim.id {
				return false
			}
		}
		return true
	})
	var slowest time.Duration
	for _, name := range lost {
		var first time.Time
		for _, s := range survivors {
			for _, m := range taken.FindAllStringSubmatch(s.stderr.String(), -1) {
				at, err := time.Parse(time.RFC3339Nano, m[1])
				if err == nil && m[2] == name && at.After(victim.exitAt) && (first.IsZero() || at.Before(first)) {
					first = at
				}
			}
		}
		if first.IsZero() {
			t.Fatalf("no survivor logged taking %s over", name)
		}
		slowest = max(slowest, first.Sub(victim.exitAt))
	}
	t.Logf("takeover of %d mailboxes: the last within %s of the kill", len(lost), slowest.Round(time.Millisecond))
	if slowest > 30*time.Second {
		t.Errorf("takeover took %s, want ≤ 30 s", slowest)
	}

	// Each approved reminder leaves exactly once.
	waitFor("the 20 reminders sent", 90*time.Second, func() bool { return len(w.sentMessages()) >= n })
	byTo := map[string]int{}
	for _, m := range w.sentMessages() {
		byTo[m.MessageID]++
	}
	if len(byTo) != n {
		t.Errorf("the sink holds %d distinct reminders, want %d", len(byTo), n)
	}
	for id, c := range byTo {
		if c != 1 {
			t.Errorf("reminder %s sent %d times", id, c)
		}
	}
	for k := 1; k <= n; k++ {
		sent := w.IMAP.MaildirOf(dovecotUser(w, k), "Sent")
		var copies int
		for id := range byTo {
			copies += countInMaildir(t, sent, id)
		}
		if copies != 1 {
			t.Errorf("%s's Sent holds %d reminders, want its 1", mailboxName(k), copies)
		}
	}
	// A reply reaches one of the victim's mailboxes once its reminders
	// are out (a reply before would rightly hold an unsent reminder): the
	// replica that took the mailbox over reads it.
	k := mailboxIndex(t, lost[0])
	reply := replyMail("after-kill@client.test", "olivier@cave-saintjean.fr", "Olivier", fmt.Sprintf("inv-%d@atelier.test", k),
		"Re: Facture", time.Now(), "Bonjour,\r\n\r\nJe conteste cette facture : le montant ne correspond pas au devis signé.\r\n", false)
	if err := w.IMAP.DeliverTo(dovecotUser(w, k), "INBOX", reply, false); err != nil {
		t.Fatal(err)
	}

	var flags []struct {
		Kind string `json:"kind"`
	}
	var last string
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("flags of %s: %s", lost[0], last)
		}
	})
	waitFor("the reply after the kill is read", 60*time.Second, func() bool {
		last = w.Relance("flags", "--json", "--mailbox", lost[0])
		_ = json.Unmarshal([]byte(last), &flags)
		return slices.ContainsFunc(flags, func(f struct {
			Kind string `json:"kind"`
		}) bool {
			return f.Kind == "dispute"
		})
	})
	for _, s := range survivors {
		s.stop(t)
	}
}

// mailboxIndex is k of mailbox mb-k.
func mailboxIndex(t *testing.T, name string) int {
	t.Helper()
	k, err := strconv.Atoi(strings.TrimPrefix(name, "mb-"))
	if err != nil {
		t.Fatalf("mailbox %q: %v", name, err)
	}
	return k
}
