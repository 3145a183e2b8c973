package classify

import (
	"testing"
)

// BenchmarkClassify measures classification of typical parsed replies (the
// labelled corpus), parsing excluded.
func BenchmarkClassify(b *testing.B) {
	set := loadCorpus(b)
	opt := DefaultOptions()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		Classify(set[n%len(set)].msg, opt)
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "replies/s")
}
