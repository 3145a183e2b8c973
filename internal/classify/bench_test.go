package classify

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/relance/relance/internal/message"
)

// BenchmarkClassify measures classification of typical parsed replies (the
// labelled corpus), parsing excluded, stripping of quotes and signatures
// included. replies/s is per
// wall-clock second; replies/cpu-s is per second of CPU used by the process,
// which stays meaningful on a machine busy with other work.
func BenchmarkClassify(b *testing.B) { benchClassify(b, DefaultOptions()) }

// BenchmarkClassifyWithObjection is BenchmarkClassify as the daemon reads
// replies: the stock objection read too.
func BenchmarkClassifyWithObjection(b *testing.B) {
	opt := DefaultOptions()
	opt.ReadObjection = true
	benchClassify(b, opt)
}

func benchClassify(b *testing.B, opt Options) {
	files, err := filepath.Glob(filepath.Join("testdata", "replies", "*", "*.eml"))
	if err != nil || len(files) == 0 {
		b.Fatalf("no corpus: %v", err)
	}
	var set []*message.Message
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		m, err := message.Parse(bytes.NewReader(raw), message.DefaultOptions())
		if err != nil {
			b.Fatal(err)
		}
		set = append(set, m)
	}
	cpu0 := cpuTime()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		Classify(set[n%len(set)], opt)
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "replies/s")
	if used := cpuTime() - cpu0; used > 0 {
		b.ReportMetric(float64(n)/used.Seconds(), "replies/cpu-s")
	}
}
