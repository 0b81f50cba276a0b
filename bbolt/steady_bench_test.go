package bbolt_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// rssBytes is the process's resident set from /proc (0 where there is
// none): the heap figures leave out what the runtime holds but has not
// returned, and bbolt's mapped file.
func rssBytes() uint64 {
	raw, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := bytes.Fields(raw)
	if len(f) < 2 {
		return 0
	}
	pages, err := strconv.ParseUint(string(f[1]), 10, 64)
	if err != nil {
		return 0
	}
	return pages * uint64(os.Getpagesize())
}

// BenchmarkSteadyMemory runs the query set's shapes with one write in ten
// (a new commitment on a mid actor, so the matrix rows and the indexes
// change under the reads) at 8 callers, sampling the heap and RSS every
// 100 ms, and reports them before (after a collection), at their highest
// during, and after (after a collection). Whether memory is steady is
// whether "after" exceeds "before" by more than the written commitments
// account for (reported per write).
//
//	BENCH_COMMITMENTS=100000 go test ./bbolt -run '^$' -bench SteadyMemory -benchtime 20000x
func BenchmarkSteadyMemory(b *testing.B) {
	s, p := openScaleStore(b)
	ctx := context.Background()
	m := cg.WriteMeta{By: "bench", At: time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC), Reason: "bench"}
	if _, err := s.PutSource(ctx, &cg.Source{ID: "src-steady", File: "steady.txt", Text: "They said so.\n"}, m); err != nil {
		b.Fatal(err)
	}
	queries := scaleQueries(s, p)
	var writes, ops atomic.Int64
	heapBefore, rssBefore := heapAfterGC(), rssBytes()

	var peakHeap, peakRSS atomic.Uint64
	stop := make(chan struct{})
	var sampler sync.WaitGroup
	sampler.Add(1)
	go func() {
		defer sampler.Done()
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peakHeap.Load() {
				peakHeap.Store(ms.HeapAlloc)
			}
			if r := rssBytes(); r > peakRSS.Load() {
				peakRSS.Store(r)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()

	b.ResetTimer()
	b.SetParallelism((8 + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := ops.Add(1)
			if i%10 == 0 {
				w := writes.Add(1)
				c := &cg.Commitment{ID: fmt.Sprintf("c-steady-%d", w), Kind: cg.Supports, ActorID: p.midActor, TargetID: p.midTarget,
					Status: cg.StatusStated, Evidence: []cg.Evidence{{SourceID: "src-steady", Quote: "said so"}}}
				if _, err := s.RecordCommitment(ctx, c, m); err != nil {
					b.Error(err)
					return
				}
				continue
			}
			if err := queries[int(i)%len(queries)].run(ctx); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	close(stop)
	sampler.Wait()
	heapAfter, rssAfter := heapAfterGC(), rssBytes()
	mb := func(v uint64) float64 { return float64(v) / 1e6 }
	b.ReportMetric(mb(heapBefore), "heap-before-MB")
	b.ReportMetric(mb(peakHeap.Load()), "heap-peak-MB")
	b.ReportMetric(mb(heapAfter), "heap-after-MB")
	b.ReportMetric(mb(rssBefore), "rss-before-MB")
	b.ReportMetric(mb(peakRSS.Load()), "rss-peak-MB")
	b.ReportMetric(mb(rssAfter), "rss-after-MB")
	if w := writes.Load(); w > 0 {
		b.ReportMetric((float64(heapAfter)-float64(heapBefore))/float64(w), "heap-growth-B/write")
	}
	b.Logf("%d operations, %d writes", ops.Load(), writes.Load())
}
