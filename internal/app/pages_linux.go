package app

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// releaseBinaryPages takes out of this process's resident set the pages of
// its own executable that it maps read-only (code, read-only data, the
// function tables). A scan runs most of the binary, SQLite's transpiled C
// above all, and leaves those pages mapped: about 20 MiB that the waiting
// daemon does not touch again. MADV_DONTNEED only unmaps them here; they
// stay in the page cache, and a page needed again comes back on its first
// access by a minor fault. A mapping holding any page this process wrote
// (a copy-on-write page, "Anonymous" in smaps, as relocations would leave)
// is left alone: dropping it would bring back the file's bytes. It returns
// the bytes it released.
func releaseBinaryPages() (int64, error) {
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil {
		return 0, fmt.Errorf("app: release binary pages: %w", err)
	}
	smaps, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		return 0, fmt.Errorf("app: release binary pages: %w", err)
	}
	var released int64
	for _, m := range readOnlyMappings(smaps, exe) {
		if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, m.start, m.end-m.start, syscall.MADV_DONTNEED); errno != 0 {
			return released, fmt.Errorf("app: release binary pages: madvise: %w", errno)
		}
		released += m.rss
	}
	return released, nil
}

type mapping struct {
	start, end uintptr
	rss        int64 // bytes resident before the release
}

// readOnlyMappings lists, from the text of /proc/self/smaps, the private
// read-only mappings of the file path that hold no page of their own.
func readOnlyMappings(smaps []byte, path string) []mapping {
	var out []mapping
	var cur *mapping
	var anon int64
	flush := func() {
		if cur != nil && anon == 0 && cur.rss > 0 {
			out = append(out, *cur)
		}
		cur, anon = nil, 0
	}
	sc := bufio.NewScanner(bytes.NewReader(smaps))
	for sc.Scan() {
		line := sc.Text()
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if name, ok := strings.CutSuffix(f[0], ":"); ok {
			// A field of the current mapping: "Rss:   1234 kB".
			if cur == nil || len(f) < 2 {
				continue
			}
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				continue
			}
			switch name {
			case "Rss":
				cur.rss = kb << 10
			case "Anonymous":
				anon = kb << 10
			}
			continue
		}
		// A mapping's header: "start-end perms offset dev inode path".
		flush()
		if len(f) < 6 || !strings.HasSuffix(line, " "+path) {
			continue
		}
		if perms := f[1]; len(perms) != 4 || perms[0] != 'r' || perms[1] != '-' || perms[3] != 'p' {
			continue
		}
		lo, hi, ok := strings.Cut(f[0], "-")
		if !ok {
			continue
		}
		start, err1 := strconv.ParseUint(lo, 16, 64)
		end, err2 := strconv.ParseUint(hi, 16, 64)
		if err1 != nil || err2 != nil || end <= start {
			continue
		}
		cur = &mapping{start: uintptr(start), end: uintptr(end)}
	}
	flush()
	return out
}
