package metrics

import (
	"context"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/relance/relance/internal/domain"
	"github.com/relance/relance/internal/policy"
	"github.com/relance/relance/internal/store"
)

// Metrics without data are absent, never NaN: on a store where nothing was
// paid, relance_payment_delay_average_seconds is not exported (its count,
// relance_payment_delay_invoices, says 0), and no series of the whole
// registry is NaN or infinite. Once an invoice is paid the average appears
// (TestStoreCollector checks its value).
func TestNoDataIsAbsentNotNaN(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "empty.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	m := New(st, BuildInfo{Version: "t"}, func() time.Time { return now }, time.UTC, nil)
	pol, err := policy.DefaultPolicy()
	if err != nil {
		t.Fatal(err)
	}
	m.WatchRateTable(pol.Penalties)
	mfs, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := value(mfs, "relance_payment_delay_average_seconds", nil); ok {
		t.Error("relance_payment_delay_average_seconds exported with nothing paid")
	}
	if v, ok := value(mfs, "relance_payment_delay_invoices", nil); !ok || v != 0 {
		t.Errorf("relance_payment_delay_invoices = %v (%v), want 0", v, ok)
	}
	for _, mf := range mfs {
		for _, mt := range mf.GetMetric() {
			var v float64
			switch {
			case mt.Gauge != nil:
				v = mt.GetGauge().GetValue()
			case mt.Counter != nil:
				v = mt.GetCounter().GetValue()
			case mt.Untyped != nil:
				v = mt.GetUntyped().GetValue()
			default:
				continue
			}
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("%s %v = %v", mf.GetName(), mt.GetLabel(), v)
			}
		}
	}

	// The fixture has paid invoices: the average is there.
	fst, fnow, paris := fixture(t)
	got := gather(t, NewStoreCollector(fst, func() time.Time { return fnow }, paris, time.Second, nil))
	if v, ok := value(got, "relance_payment_delay_average_seconds", nil); !ok || math.IsNaN(v) {
		t.Errorf("with paid invoices: relance_payment_delay_average_seconds = %v (%v)", v, ok)
	}
}

// The ECB rate table's age is a metric: its check date as a timestamp and
// whether the half-year in force began after it; nothing with a contract
// rate, whose penalties do not use the table.
func TestRateTableMetrics(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, policy string
		now          time.Time
		present      bool
		outOfDate    float64
	}{
		{"current", `{"penalties": {"ecb_rates_checked_on": "2026-11-01"}}`, time.Date(2026, 12, 7, 10, 0, 0, 0, paris), true, 0},
		{"a half-year later", `{"penalties": {"ecb_rates_checked_on": "2026-11-01"}}`, time.Date(2027, 1, 1, 0, 30, 0, 0, paris), true, 1},
		{"contract rate", `{"penalties": {"contract_rate": "12"}}`, time.Date(2027, 1, 1, 0, 30, 0, 0, paris), false, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pol, err := policy.ParseBytes([]byte(c.policy))
			if err != nil {
				t.Fatal(err)
			}
			m := New(nil, BuildInfo{}, func() time.Time { return c.now }, paris, nil)
			m.WatchRateTable(pol.Penalties)
			mfs, err := m.Registry.Gather()
			if err != nil {
				t.Fatal(err)
			}
			ts, ok := value(mfs, "relance_ecb_rates_checked_timestamp_seconds", nil)
			stale, ok2 := value(mfs, "relance_ecb_rates_out_of_date", nil)
			if ok != c.present || ok2 != c.present {
				t.Fatalf("present: %v %v, want %v", ok, ok2, c.present)
			}
			if !c.present {
				return
			}
			if want := float64(time.Date(2026, 11, 1, 0, 0, 0, 0, paris).Unix()); ts != want {
				t.Errorf("checked timestamp %v, want %v", ts, want)
			}
			if stale != c.outOfDate {
				t.Errorf("out of date %v, want %v", stale, c.outOfDate)
			}
		})
	}
}

// relance_formal_notices_awaiting_approval counts formal notice drafts held
// for approval, whatever their stage's name; sent or cancelled ones and
// other reminders do not count.
func TestFormalNoticesAwaitingApproval(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "fn.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	count := func() float64 {
		t.Helper()
		v, ok := value(gather(t, NewStoreCollector(st, func() time.Time { return now }, time.UTC, time.Second, nil)),
			"relance_formal_notices_awaiting_approval", nil)
		if !ok {
			t.Fatal("relance_formal_notices_awaiting_approval missing")
		}
		return v
	}
	if n := count(); n != 0 {
		t.Fatalf("empty store: %v", n)
	}
	n := 0
	draft := func(stage string, kind domain.StageKind, status domain.DraftStatus) {
		n++
		err := st.Update(ctx, now, func(tx *store.Tx) error {
			c, err := tx.EnsureClient("a@x.fr", "", "fr")
			if err != nil {
				return err
			}
			id, err := tx.CreateDraft(store.NewDraft{ClientID: c.ID, Stage: stage, Kind: kind, To: []string{"a@x.fr"},
				Subject: "s", Body: "b", HoldUntil: now, MessageID: "<" + string(rune('a'+n)) + "@x>"}, domain.ActorDaemon)
			if err != nil || status == domain.DraftHeld {
				return err
			}
			return tx.SetDraftStatus(id, status, domain.ActorDaemon, "")
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	draft("formal_notice", "formal_notice", domain.DraftHeld)
	draft("mise_en_demeure", "formal_notice", domain.DraftHeld)
	draft("formal_notice", "formal_notice", domain.DraftCancelled)
	draft("second", "message", domain.DraftHeld)
	if n := count(); n != 2 {
		t.Errorf("relance_formal_notices_awaiting_approval = %v, want 2", n)
	}
}
