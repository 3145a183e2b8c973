package app

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// The parser keeps the executable's private read-only mappings that hold
// resident pages and none written by the process, and nothing else.
func TestReadOnlyMappings(t *testing.T) {
	smaps := `00400000-00ee6000 r-xp 00000000 fe:00 9995133                            /opt/relance bin
Size:              11160 kB
Rss:                6132 kB
Anonymous:             0 kB
VmFlags: rd ex mr mw me sd
00ee6000-01a2f000 r--p 00ae6000 fe:00 9995133                            /opt/relance bin
Rss:                7388 kB
Anonymous:             0 kB
01a2f000-01c9c000 rw-p 0162f000 fe:00 9995133                            /opt/relance bin
Rss:                2036 kB
Anonymous:           900 kB
01c9c000-01d00000 r--p 0189c000 fe:00 9995133                            /opt/relance bin
Rss:                  12 kB
Anonymous:             4 kB
01d00000-01d10000 r--p 018a0000 fe:00 9995133                            /opt/relance bin
Rss:                   0 kB
Anonymous:             0 kB
7f0988e50000-7f0989090000 rw-p 00000000 00:00 0 
Rss:                2236 kB
Anonymous:          2236 kB
7f09cfa16000-7f09cfada000 r--p 00000000 fe:00 1234                               /opt/other
Rss:                 680 kB
Anonymous:             0 kB
`
	got := readOnlyMappings([]byte(smaps), "/opt/relance bin")
	want := []mapping{{0x400000, 0xee6000, 6132 << 10}, {0xee6000, 0x1a2f000, 7388 << 10}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("readOnlyMappings = %+v, want %+v", got, want)
	}
}

// Released, the pages of the test binary leave the resident set, and the
// code keeps running: what it needs comes back on first use.
func TestReleaseBinaryPages(t *testing.T) {
	before := rssFile(t)
	released, err := releaseBinaryPages()
	if err != nil {
		t.Fatal(err)
	}
	after := rssFile(t)
	t.Logf("RssFile %d kB → %d kB, %d kB released", before>>10, after>>10, released>>10)
	if released <= 0 || after >= before {
		t.Errorf("RssFile %d → %d bytes, %d released: nothing left the resident set", before, after, released)
	}
	// Code and read-only data the release took out are read again.
	if got := strings.ToUpper(strconv.Itoa(12345) + "abc"); got != "12345ABC" {
		t.Errorf("after the release: %q", got)
	}
}

func rssFile(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "RssFile:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no RssFile in /proc/self/status")
	return 0
}
