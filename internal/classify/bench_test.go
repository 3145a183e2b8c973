package classify

import (
	"testing"
)

// BenchmarkClassify measures classification of typical parsed replies (the
// labelled corpus and the held-out set), parsing excluded. replies/s is per
// wall-clock second; replies/cpu-s is per second of CPU used by the process,
// which stays meaningful on a machine busy with other work.
func BenchmarkClassify(b *testing.B) {
	set := append(loadCorpus(b), loadHeldOut(b)...)
	opt := DefaultOptions()
	cpu0 := cpuTime()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		Classify(set[n%len(set)].msg, opt)
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "replies/s")
	if used := cpuTime() - cpu0; used > 0 {
		b.ReportMetric(float64(n)/used.Seconds(), "replies/cpu-s")
	}
}
