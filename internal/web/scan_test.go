package web

import (
	"html"
	"strings"
	"testing"
	"time"
)

// The first scan of a large mailbox takes a while: the overview says how far
// it has come, at what pace, and how long is left, in the reader's language.
func TestOverviewShowsTheFirstScan(t *testing.T) {
	health := Health{Known: true, Connected: true, Scans: []Scan{
		{Folder: "INBOX", Done: 4200, Total: 12000, PerSecond: 849.6, ETA: 9*time.Second + 200*time.Millisecond, Elapsed: 5 * time.Second},
		{Folder: "Sent", Done: 0, Total: 8000, Elapsed: 0},
	}}
	f := newFixture(t, Options{Health: func() Health { return health }})
	b := newBrowser(t)
	_, fr := b.get(f.srv.URL + "/")
	_, en := b.get(f.srv.URL + "/?lang=en")
	fr, en = html.UnescapeString(fr), html.UnescapeString(en)
	for _, want := range []string{
		"Première lecture de INBOX : 4\u202f200 sur 12\u202f000 messages",
		"850 messages par seconde, encore environ 9 s (depuis 5 s)",
		"Première lecture de Sent : 0 sur 8\u202f000 messages",
		"calcul du rythme… (depuis 0 s)",
		`<progress max="12000" value="4200">`,
	} {
		if !strings.Contains(fr, want) {
			t.Errorf("French overview lacks %q", want)
		}
	}
	for _, want := range []string{
		"Reading INBOX: 4,200 of 12,000 messages",
		"850 messages a second, about 9 s to go (5 s so far)",
		"measuring the pace… (0 s so far)",
	} {
		if !strings.Contains(en, want) {
			t.Errorf("English overview lacks %q", want)
		}
	}

	health.Scans = nil
	_, fr = b.get(f.srv.URL + "/")
	if strings.Contains(fr, "Première lecture") || strings.Contains(fr, "<progress") {
		t.Error("the overview still shows a scan once none is under way")
	}
}

func TestWaitAndCount(t *testing.T) {
	fr, en := &locale{Lang: "fr"}, &locale{Lang: "en"}
	for d, want := range map[time.Duration]string{
		0:                       "0 s",
		1400 * time.Millisecond: "1 s",
		59 * time.Second:        "59 s",
		65 * time.Second:        "1 min 05 s",
		time.Hour + 2*time.Minute + 29*time.Second: "1 h 02 min",
		-3 * time.Second: "3 s",
	} {
		if got := fr.Wait(d); got != want {
			t.Errorf("Wait(%v) = %q, want %q", d, got, want)
		}
	}
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 20000: "20,000", 1234567: "1,234,567", -4200: "-4,200"} {
		if got := en.Count(n); got != want {
			t.Errorf("Count(%d) en = %q, want %q", n, got, want)
		}
	}
	if got := fr.Count(12000); got != "12\u202f000" {
		t.Errorf("Count(12000) fr = %q", got)
	}
}
