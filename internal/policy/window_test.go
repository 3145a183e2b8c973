package policy

import (
	"testing"
	"time"
)

func TestNextSendTime(t *testing.T) {
	paris := mustLoc(t, "Europe/Paris")
	c := frCal(t)
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, paris) }
	def := DefaultSendWindow()
	midweek := SendWindow{Start: Clock{9, 0}, End: Clock{11, 0}}
	midweek.Days[time.Tuesday], midweek.Days[time.Wednesday], midweek.Days[time.Thursday] = true, true, true

	tests := []struct {
		name string
		w    SendWindow
		t    time.Time
		want time.Time
	}{
		{"inside", def, at(2026, 1, 13, 10, 0), at(2026, 1, 13, 10, 0)},
		{"at start is inside", def, at(2026, 1, 13, 9, 0), at(2026, 1, 13, 9, 0)},
		{"one minute before start", def, at(2026, 1, 13, 8, 59), at(2026, 1, 13, 9, 0)},
		{"end is outside", def, at(2026, 1, 13, 12, 0), at(2026, 1, 14, 9, 0)},
		{"one second before end", def, at(2026, 1, 13, 11, 59).Add(59 * time.Second), at(2026, 1, 13, 11, 59).Add(59 * time.Second)},
		{"friday afternoon to monday", def, at(2026, 1, 16, 14, 0), at(2026, 1, 19, 9, 0)},
		{"saturday to monday", def, at(2026, 1, 17, 10, 0), at(2026, 1, 19, 9, 0)},
		{"easter monday skipped", def, at(2026, 4, 3, 13, 0), at(2026, 4, 7, 9, 0)},
		{"armistice skipped", def, at(2026, 11, 10, 12, 30), at(2026, 11, 12, 9, 0)},
		{"spring DST monday", def, at(2026, 3, 27, 12, 0), time.Date(2026, 3, 30, 7, 0, 0, 0, time.UTC)},
		{"autumn DST monday", def, at(2026, 10, 23, 12, 0), time.Date(2026, 10, 26, 8, 0, 0, 0, time.UTC)},
		{"utc instant converted", def, time.Date(2026, 1, 13, 10, 30, 0, 0, time.UTC), time.Date(2026, 1, 13, 10, 30, 0, 0, time.UTC)}, // 11:30 Paris
		{"utc instant after local end", def, time.Date(2026, 1, 13, 11, 30, 0, 0, time.UTC), at(2026, 1, 14, 9, 0)},                    // 12:30 Paris
		{"midweek: monday to tuesday", midweek, at(2026, 1, 12, 10, 0), at(2026, 1, 13, 9, 0)},
		{"midweek: thursday 11:00 to next tuesday", midweek, at(2026, 1, 15, 11, 0), at(2026, 1, 20, 9, 0)},
		{"midweek: ascension thursday skipped", midweek, at(2026, 5, 13, 11, 0), at(2026, 5, 19, 9, 0)},
		{"midweek: armistice wednesday skipped", midweek, at(2026, 11, 10, 11, 0), at(2026, 11, 12, 9, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.w.Next(tt.t, c)
			if !got.Equal(tt.want) {
				t.Errorf("Next(%s) = %s, want %s", tt.t, got.In(paris), tt.want.In(paris))
			}
			if !tt.w.Contains(got, c) {
				t.Errorf("Contains(Next()) = false for %s", got)
			}
			if tt.t.Equal(tt.want) != tt.w.Contains(tt.t, c) {
				t.Errorf("Contains(%s) disagrees with Next", tt.t)
			}
		})
	}
}

func TestNextSendTimeOtherZones(t *testing.T) {
	for _, tc := range []struct {
		zone string
		from time.Time // UTC
		want time.Time // UTC
	}{
		// 2026-03-09T12:30Z is Monday 08:30 EDT (New York changed on 8 March): opens 13:00Z.
		{"America/New_York", time.Date(2026, 3, 9, 12, 30, 0, 0, time.UTC), time.Date(2026, 3, 9, 13, 0, 0, 0, time.UTC)},
		// Same instant a week earlier is 07:30 EST: opens 14:00Z.
		{"America/New_York", time.Date(2026, 3, 2, 12, 30, 0, 0, time.UTC), time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)},
		// Tokyo Monday 12:30 JST is past the window: Tuesday 09:00 JST = Tuesday 00:00Z.
		{"Asia/Tokyo", time.Date(2026, 3, 9, 3, 30, 0, 0, time.UTC), time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)},
		// Sunday 23:30Z is already Monday 08:30 in Tokyo.
		{"Asia/Tokyo", time.Date(2026, 3, 8, 23, 30, 0, 0, time.UTC), time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)},
	} {
		c := NewCalendar(mustLoc(t, tc.zone))
		if got := DefaultSendWindow().Next(tc.from, c); !got.Equal(tc.want) {
			t.Errorf("%s Next(%s) = %s, want %s", tc.zone, tc.from, got.UTC(), tc.want)
		}
	}
}

func TestNextSendTimeNoWindow(t *testing.T) {
	var w SendWindow // no day at all
	if got := w.Next(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), frCal(t)); !got.IsZero() {
		t.Errorf("Next with no days = %s, want zero", got)
	}
}
