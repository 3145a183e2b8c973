package policy

import (
	"testing"
	"time"
)

func TestRetryDelay(t *testing.T) {
	cases := map[int]time.Duration{0: 0, 1: time.Minute, 2: 2 * time.Minute, 3: 4 * time.Minute, 7: 64 * time.Minute, 8: 2 * time.Hour, 50: 2 * time.Hour}
	for n, want := range cases {
		if got := RetryDelay(n); got != want {
			t.Errorf("RetryDelay(%d) = %s, want %s", n, got, want)
		}
	}
}

func TestSendRecordInFlight(t *testing.T) {
	tests := []struct {
		name string
		r    SendRecord
		want bool
	}{
		{"never tried", SendRecord{}, false},
		{"begun, no outcome: cut short", SendRecord{Attempts: 1}, true},
		{"failed, recorded", SendRecord{Attempts: 1, Failed: true}, false},
		{"accepted, not yet marked sent", SendRecord{Attempts: 1, Accepted: true}, true},
		{"accepted after an earlier failure", SendRecord{Attempts: 2, Failed: true, Accepted: true}, true},
		{"third attempt cut short", SendRecord{Attempts: 3}, true},
	}
	for _, tt := range tests {
		if got := tt.r.InFlight(); got != tt.want {
			t.Errorf("%s: InFlight() = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// Every combination of what the store and the Sent folder can tell.
func TestSettle(t *testing.T) {
	cutShort := SendRecord{Attempts: 1}
	accepted := SendRecord{Attempts: 1, Accepted: true}
	tests := []struct {
		name      string
		r         SendRecord
		copyFirst bool
		inSent    bool
		want      Settlement
	}{
		{"accepted, our copy", accepted, true, true, SettleSent},
		{"accepted, our copy not found", accepted, true, false, SettleSent},
		{"accepted, the server's copy", accepted, false, true, SettleSent},
		{"accepted, the server filed none", accepted, false, false, SettleSent},
		{"cut short before our copy", cutShort, true, false, SettleResend},
		{"cut short after our copy: SMTP unknown", cutShort, true, true, SettleSentUnconfirmed},
		{"cut short, the server filed it: SMTP took it", cutShort, false, true, SettleSent},
		{"cut short, nothing in Sent: SMTP never took it", cutShort, false, false, SettleResend},
	}
	for _, tt := range tests {
		if got := Settle(tt.r, tt.copyFirst, tt.inSent); got != tt.want {
			t.Errorf("%s: Settle = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestRetryWaits(t *testing.T) {
	last := time.Date(2026, 1, 14, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		r    SendRecord
		now  time.Time
		want bool
	}{
		{"never tried", SendRecord{}, last, false},
		{"first failure, 30 s later", SendRecord{Attempts: 1, Failed: true, LastAttemptAt: last}, last.Add(30 * time.Second), true},
		{"first failure, a minute later", SendRecord{Attempts: 1, Failed: true, LastAttemptAt: last}, last.Add(time.Minute), false},
		{"third failure, 3 minutes later", SendRecord{Attempts: 3, Failed: true, LastAttemptAt: last}, last.Add(3 * time.Minute), true},
		{"third failure, 4 minutes later", SendRecord{Attempts: 3, Failed: true, LastAttemptAt: last}, last.Add(4 * time.Minute), false},
		{"many failures, under two hours", SendRecord{Attempts: 20, Failed: true, LastAttemptAt: last}, last.Add(119 * time.Minute), true},
		{"many failures, two hours", SendRecord{Attempts: 20, Failed: true, LastAttemptAt: last}, last.Add(2 * time.Hour), false},
		{"cut short: settled, not waited for", SendRecord{Attempts: 1, LastAttemptAt: last}, last, false},
	}
	for _, tt := range tests {
		if got := tt.r.RetryWaits(tt.now); got != tt.want {
			t.Errorf("%s: RetryWaits = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestGiveUp(t *testing.T) {
	tests := []struct {
		attempts  int
		temporary bool
		want      bool
	}{
		{1, false, true},
		{1, true, false},
		{MaxSendAttempts - 1, true, false},
		{MaxSendAttempts, true, true},
		{MaxSendAttempts + 3, true, true},
	}
	for _, tt := range tests {
		if got := GiveUp(tt.attempts, tt.temporary); got != tt.want {
			t.Errorf("GiveUp(%d, temporary %v) = %v, want %v", tt.attempts, tt.temporary, got, tt.want)
		}
	}
	if MaxSendAttempts != 8 {
		t.Errorf("MaxSendAttempts = %d: eight attempts span about two hours of retries", MaxSendAttempts)
	}
}
