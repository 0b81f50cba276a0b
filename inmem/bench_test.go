package inmem_test

import (
	"context"
	"runtime"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/inmem"
	"github.com/coalitiongraph/coalitiongraph/storetest"
)

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkMemoryPerCommitment reports what the store adds per commitment
// on top of the dataset it shares (B/commitment), and the dataset's own
// size per commitment for scale (dataset-B/commitment).
//
//	go test ./inmem -run '^$' -bench MemoryPerCommitment -benchtime 1x
func BenchmarkMemoryPerCommitment(b *testing.B) {
	const n = 100_000
	for b.Loop() {
		before := heapInUse()
		ds := storetest.Synthetic(n, 2000, 1)
		loaded := heapInUse()
		s, err := inmem.New(ds)
		if err != nil {
			b.Fatal(err)
		}
		indexed := heapInUse()
		runtime.KeepAlive(s)
		runtime.KeepAlive(ds)
		b.ReportMetric(float64(indexed-loaded)/n, "B/commitment")
		b.ReportMetric(float64(loaded-before)/n, "dataset-B/commitment")
	}
}

func BenchmarkQueries(b *testing.B) {
	ds := storetest.Synthetic(100_000, 2000, 1)
	s, err := inmem.New(ds)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	actor := ds.Entities[7].ID
	for _, bc := range []struct {
		name string
		run  func() error
	}{
		{"Commitments/all/first20", func() error {
			_, err := s.Commitments(ctx, cg.CommitmentFilter{}, cg.Page{First: 20, Order: cg.OrderDateDesc})
			return err
		}},
		{"Commitments/actor/first20", func() error {
			_, err := s.Commitments(ctx, cg.CommitmentFilter{ActorIDs: []string{actor}}, cg.Page{First: 20})
			return err
		}},
		{"Commitments/kind+month/first20", func() error {
			_, err := s.Commitments(ctx, cg.CommitmentFilter{Kinds: []cg.EdgeKind{cg.OffersTroops}, From: cg.MustDate("2025-08"), To: cg.MustDate("2025-08")}, cg.Page{First: 20})
			return err
		}},
		{"Matrix/all", func() error { _, err := s.Matrix(ctx, cg.CommitmentFilter{}, cg.MatrixPage{}); return err }},
		{"Matrix/first50", func() error {
			_, err := s.Matrix(ctx, cg.CommitmentFilter{}, cg.MatrixPage{First: cg.DefaultMatrixRows})
			return err
		}},
		{"Counts/source", func() error {
			_, err := s.Counts(ctx, cg.CommitmentFilter{SourceIDs: []string{"src-1"}})
			return err
		}},
		{"Paths/3hops", func() error { _, err := s.Paths(ctx, ds.Entities[0].ID, ds.Entities[1].ID, 3); return err }},
		{"Neighbourhood/depth1", func() error { _, err := s.Neighbourhood(ctx, actor, 1); return err }},
		{"Entities/search", func() error { _, err := s.Entities(ctx, cg.EntityFilter{Search: "entity 19", Limit: 10}); return err }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if err := bc.run(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkWrite measures write throughput in memory.
//
//	go test ./inmem -run '^$' -bench Write
func BenchmarkWrite(b *testing.B) {
	storetest.BenchWrites(b, func(b *testing.B, ds *cg.Dataset) cg.WritableStore {
		s, err := inmem.New(ds)
		if err != nil {
			b.Fatal(err)
		}
		return s
	})
}

// BenchmarkNew is the time to check and index a 100,000-commitment dataset
// (what a bbolt store does at every start).
//
//	go test ./inmem -run '^$' -bench 'New$' -count 5
func BenchmarkNew(b *testing.B) {
	ds := storetest.Synthetic(100_000, 2000, 1)
	for b.Loop() {
		if _, err := inmem.New(ds); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTextIndex is the first search on a fresh 100,000-commitment
// store, which builds the text index (New does not), beside New itself,
// and the heap the index adds.
//
//	go test ./inmem -run '^$' -bench TextIndex -benchtime 3x
func BenchmarkTextIndex(b *testing.B) {
	ds := storetest.Synthetic(100_000, 2000, 1)
	ctx := context.Background()
	b.Run("New", func(b *testing.B) {
		for b.Loop() {
			if _, err := inmem.New(ds); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("FirstSearch", func(b *testing.B) {
		var added uint64
		for b.Loop() {
			b.StopTimer()
			s, err := inmem.New(ds)
			if err != nil {
				b.Fatal(err)
			}
			before := heapInUse()
			b.StartTimer()
			if _, err := s.SearchText(ctx, cg.TextQuery{Text: "ceasefire", First: 20}); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			added = heapInUse() - before
			runtime.KeepAlive(s)
			b.StartTimer()
		}
		b.ReportMetric(float64(added)/1e6, "index-MB")
	})
}

// BenchmarkTextSearch is a search on a 100,000-commitment store whose
// index is built: a rare word, a word in a quarter of the commitments
// (conditions), and one in every summary.
//
//	go test ./inmem -run '^$' -bench TextSearch
func BenchmarkTextSearch(b *testing.B) {
	s, err := inmem.New(storetest.Synthetic(100_000, 2000, 1))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := s.SearchText(ctx, cg.TextQuery{Text: "build"}); err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{"Entity 1234", "ceasefire", "sentence"} {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.SearchText(ctx, cg.TextQuery{Text: q, First: 20}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
