//go:build race

package classify

// raceDetector: the race detector slows the regexp package tenfold; the
// longest equivalence tests read a sample of the corpus under it.
const raceDetector = true
