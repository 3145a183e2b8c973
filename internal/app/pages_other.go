//go:build !linux

package app

// releaseBinaryPages is Linux's (madvise over /proc/self/smaps); elsewhere
// the binary's pages stay mapped until the system needs them.
func releaseBinaryPages() (int64, error) { return 0, nil }
