package httpapi_test

import (
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"
)

// heapPeak samples live heap bytes until stop is called: the idle heap
// (after a GC) and the peak seen while the benchmark ran.
func heapPeak() (idle uint64, stop func() uint64) {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	idle = read()
	done, peak := make(chan struct{}), make(chan uint64)
	go func() {
		var p uint64
		t := time.NewTicker(200 * time.Microsecond)
		defer t.Stop()
		for {
			p = max(p, read())
			select {
			case <-done:
				peak <- p
				return
			case <-t.C:
			}
		}
	}()
	return idle, func() uint64 { close(done); return <-peak }
}

// nestedRepeats is the costliest document the pre-validation pass lets
// through that we know of: 20 repeats at each of three levels stay under
// every limit (about 9,000 tokens) but make field merging compare
// repeats of repeats.
func nestedRepeats() string {
	ids := strings.Repeat("id ", 20)
	history := strings.Repeat("history { "+ids+"} ", 20)
	return "{ sources { " + strings.Repeat("commitments { "+history+"} ", 20) + "} }"
}

// BenchmarkHostile answers each hostile document of issue 9 through the
// whole handler; ns/op is the server time to answer or refuse one.
// Run: go test ./httpapi -run '^$' -bench Hostile -benchtime 20x
func BenchmarkHostile(b *testing.B) {
	h := newHandler(seedStore(b))
	cases := append([]struct{ name, query, code string }{
		{"1 MiB of tokens", "{ " + strings.Repeat("a ", 1<<19-20) + "}", ""},
		{"admitted: sources commitments evidence", "{ sources { commitments { id evidence { quote } } } }", ""},
	}, hostileDocs...)
	for _, tc := range cases {
		body := gqlBody(b, tc.query)
		b.Run(strings.ReplaceAll(tc.name, " ", "_"), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			idle, stop := heapPeak()
			for b.Loop() {
				do(b, h, "POST", body)
			}
			b.ReportMetric(float64(stop())/float64(idle), "peak/idle-heap")
		})
	}
}
