package bbolt_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/bbolt"
	"github.com/coalitiongraph/coalitiongraph/storetest"
)

// The embedded store at scale (issue 13, item 7): opening a file of
// scaleN() commitments (storetest.SyntheticSkewed(n, n/20, 1)), the heap
// it holds, and the query set's shapes at the store, at 1 and 8 callers.
// BENCH_COMMITMENTS sets the size (default 1,000,000).
//
//	go test ./bbolt -run '^$' -bench 'AtScale' -benchtime 1x -timeout 60m
//	go test ./bbolt -run '^$' -bench 'QueriesAtScale' -benchtime 2000x -timeout 60m

func scaleN(b *testing.B) int {
	if s := os.Getenv("BENCH_COMMITMENTS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 100 {
			b.Fatalf("BENCH_COMMITMENTS=%q: want a number ≥ 100", s)
		}
		return n
	}
	return 1_000_000
}

// cpuTime is the CPU time the process has used, user and system: on a
// shared machine a start-up's wall time depends on what else runs.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// scaleFile writes a file of n commitments into dir (through a first
// Open, which the caller may time) and returns its path.
func scaleFile(b *testing.B, dir string, n int) string {
	path := filepath.Join(dir, "graph.db")
	s, err := bbolt.Open(path, storetest.SyntheticSkewed(n, n/20, 1))
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkOpenAtScale times a first start (the file written from the
// seed, then read) and a restart (an existing file read), and reports the
// heap the open store holds after a collection, per commitment.
func BenchmarkOpenAtScale(b *testing.B) {
	n := scaleN(b)
	b.Run("first", func(b *testing.B) {
		var cpu time.Duration
		for b.Loop() {
			b.StopTimer()
			ds := storetest.SyntheticSkewed(n, n/20, 1)
			path := filepath.Join(b.TempDir(), "graph.db")
			t := cpuTime()
			b.StartTimer()
			s, err := bbolt.Open(path, ds)
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			cpu += cpuTime() - t
			s.Close()
			b.StartTimer()
		}
		b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	})
	b.Run("reopen", func(b *testing.B) {
		b.StopTimer()
		path := scaleFile(b, b.TempDir(), n)
		b.StartTimer()
		var held uint64
		var cpu time.Duration
		for b.Loop() {
			b.StopTimer()
			before := heapAfterGC()
			t := cpuTime()
			b.StartTimer()
			s, err := bbolt.Open(path, nil)
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			cpu += cpuTime() - t
			held = heapAfterGC() - before
			runtime.KeepAlive(s)
			s.Close()
			b.StartTimer()
		}
		b.ReportMetric(float64(held)/float64(n), "heap-B/commitment")
		b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	})
}

// openScaleStore opens a store on a scale file of scaleN commitments,
// closed when b ends, with the query set's arguments and the text index
// built (on the first search; a server pays it once).
func openScaleStore(b *testing.B) (*bbolt.Store, scalePicks) {
	n := scaleN(b)
	s, err := bbolt.Open(scaleFile(b, b.TempDir(), n), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	p, err := pickScale(s, n)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.SearchText(context.Background(), cg.TextQuery{Text: "warm", First: 1}); err != nil {
		b.Fatal(err)
	}
	return s, p
}

// scalePicks are the query set's arguments, chosen as bench/ chooses them.
type scalePicks struct {
	topActor, midActor, midTarget, entity0, entity1 string
}

func pickScale(s cg.Store, n int) (scalePicks, error) {
	ctx := context.Background()
	made, received := map[string]int{}, map[string]int{}
	page, err := s.Commitments(ctx, cg.CommitmentFilter{}, cg.Page{Order: cg.OrderID})
	if err != nil {
		return scalePicks{}, err
	}
	for _, c := range page.Commitments {
		made[c.ActorID]++
		received[c.TargetID]++
	}
	near := func(m map[string]int, want int) string {
		ids := slices.Sorted(func(yield func(string) bool) {
			for id := range m {
				if !yield(id) {
					return
				}
			}
		})
		best := ids[0]
		dist := func(id string) int { return max(m[id]-want, want-m[id]) }
		for _, id := range ids {
			if dist(id) < dist(best) {
				best = id
			}
		}
		return best
	}
	return scalePicks{
		topActor: near(made, n), midActor: near(made, 100), midTarget: near(received, 100),
		entity0: "e00000", entity1: "e00001",
	}, nil
}

// scaleQueries are the query set's shapes as store calls: what the API
// asks the store for each (see bench/queries_test.go).
func scaleQueries(s cg.Store, p scalePicks) []struct {
	name string
	run  func(ctx context.Context) error
} {
	page := cg.Page{First: 20}
	listing := func(f cg.CommitmentFilter) func(ctx context.Context) error {
		return func(ctx context.Context) error { _, err := s.Commitments(ctx, f, page); return err }
	}
	return []struct {
		name string
		run  func(ctx context.Context) error
	}{
		{"coalition", func(ctx context.Context) error {
			_, err := s.Commitments(ctx, cg.CommitmentFilter{TargetIDs: []string{p.midTarget}}, cg.Page{})
			return err
		}},
		{"listing-kind", listing(cg.CommitmentFilter{Kinds: []cg.EdgeKind{cg.OffersTroops}})},
		{"listing-actor", listing(cg.CommitmentFilter{ActorIDs: []string{p.topActor}})},
		{"listing-target", listing(cg.CommitmentFilter{TargetIDs: []string{p.topActor}})},
		{"listing-source", listing(cg.CommitmentFilter{SourceIDs: []string{"src-1"}})},
		{"listing-date", listing(cg.CommitmentFilter{From: cg.MustDate("2025-03"), To: cg.MustDate("2025-03")})},
		{"entity-page", func(ctx context.Context) error {
			if _, err := s.Entities(ctx, cg.EntityFilter{IDs: []string{p.topActor}}); err != nil {
				return err
			}
			// The API's entity page cuts both sides' pages with
			// EntityCommitments (graph/entitypages.go), not the listing.
			for _, side := range []cg.Side{cg.SideMade, cg.SideReceived} {
				q := cg.EntityCommitmentsQuery{Side: side, EntityIDs: []string{p.topActor}, Page: page}
				if _, err := s.EntityCommitments(ctx, q); err != nil {
					return err
				}
			}
			return nil
		}},
		{"matrix-page", func(ctx context.Context) error {
			_, err := s.Matrix(ctx, cg.CommitmentFilter{}, cg.MatrixPage{First: cg.DefaultMatrixRows})
			return err
		}},
		{"counts", func(ctx context.Context) error { _, err := s.Counts(ctx, cg.CommitmentFilter{}); return err }},
		{"timeline", func(ctx context.Context) error {
			if _, err := s.Entities(ctx, cg.EntityFilter{Kinds: []cg.EntityKind{cg.KindEvent}}); err != nil {
				return err
			}
			_, err := s.Commitments(ctx, cg.CommitmentFilter{ActorIDs: []string{p.midActor}}, cg.Page{})
			return err
		}},
		{"search", func(ctx context.Context) error {
			_, err := s.SearchText(ctx, cg.TextQuery{Text: "Entity 42", First: 10})
			return err
		}},
		{"paths", func(ctx context.Context) error { _, err := s.Paths(ctx, p.midActor, p.midTarget, 3); return err }},
	}
}

// BenchmarkQueriesAtScale runs each shape at 1 caller and at 8 (four per
// processor on this machine's two), reporting p50 and p99 in µs beside
// ns/op, and the heap after a collection before and after every run
// (steady memory under load).
func BenchmarkQueriesAtScale(b *testing.B) {
	s, p := openScaleStore(b)
	ctx := context.Background()
	start := heapAfterGC()
	for _, q := range scaleQueries(s, p) {
		for _, callers := range []int{1, 8} {
			b.Run(fmt.Sprintf("%s/c=%d", q.name, callers), func(b *testing.B) {
				var mu sync.Mutex
				var lat []time.Duration
				if callers == 1 {
					lat = make([]time.Duration, 0, b.N)
					for b.Loop() {
						t := time.Now()
						if err := q.run(ctx); err != nil {
							b.Fatal(err)
						}
						lat = append(lat, time.Since(t))
					}
				} else {
					b.SetParallelism((callers + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
					b.RunParallel(func(pb *testing.PB) {
						var mine []time.Duration
						for pb.Next() {
							t := time.Now()
							if err := q.run(ctx); err != nil {
								b.Error(err)
								return
							}
							mine = append(mine, time.Since(t))
						}
						mu.Lock()
						lat = append(lat, mine...)
						mu.Unlock()
					})
				}
				slices.Sort(lat)
				if len(lat) > 0 {
					b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
					b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
				}
			})
		}
	}
	b.Logf("heap after a collection: %.0f MB before the queries, %.0f MB after", float64(start)/1e6, float64(heapAfterGC())/1e6)
}
