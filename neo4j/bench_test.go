package neo4j

import (
	"context"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/storetest"
)

// BenchmarkLoad100k loads 100,000 commitments (plus 5,000 relations,
// 1,000 entities and ~200,000 evidence items) into an empty database:
//
//	go test -run '^$' -bench Load100k -benchtime 1x ./neo4j/
func BenchmarkLoad100k(b *testing.B) { benchmarkLoad(b, 100_000, 1000) }

// BenchmarkPlanLoad100k builds Load's batched rows for the same dataset
// without Neo4j: the Go side of a load (checks, rows, hashes):
//
//	go test -run '^$' -bench PlanLoad100k -benchmem ./neo4j/
func BenchmarkPlanLoad100k(b *testing.B) {
	ds := storetest.Synthetic(100_000, 1000, 1)
	for b.Loop() {
		if _, err := planLoad(ds, defaultBatchSize); err != nil {
			b.Fatal(err)
		}
	}
}

// benchmarkLoad loads a synthetic dataset into an empty database, then
// loads it again unchanged (the cost of a reseed), and checks the graph's
// size.
func benchmarkLoad(b *testing.B, commitments, entities int) {
	s := openEmpty(b)
	ds := storetest.Synthetic(commitments, entities, 1)
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		if err := s.clear(ctx); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		st, err := s.Load(ctx, ds, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("first load: %v, %d statements", st.Duration.Round(time.Millisecond), st.Statements)
		st, err = s.Load(ctx, ds, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("reload: %v, %d written, %d skipped", st.Duration.Round(time.Millisecond), st.Written, st.Skipped)
		// The same reload sending every row (before the skip), then
		// skipping again: old and new side by side.
		for _, send := range []bool{true, false} {
			s.sendUnchanged = send
			st, err = s.Load(ctx, ds, nil)
			s.sendUnchanged = false
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("reload (send unchanged rows %v): %v, %d written, %d skipped", send, st.Duration.Round(time.Millisecond), st.Written, st.Skipped)
		}
	}
	nodes, rels := stats(b, s)
	wantNodes, wantRels := expectedCounts(ds)
	if nodes != wantNodes || rels != wantRels {
		b.Errorf("graph has %d nodes, %d rels; want %d, %d", nodes, rels, wantNodes, wantRels)
	}
}

// BenchmarkReads times each read method over the 100k graph (loaded once;
// run after BenchmarkLoad100k or alone):
//
//	go test -run '^$' -bench Reads ./neo4j/
func BenchmarkReads(b *testing.B) {
	s := openEmpty(b)
	ctx := context.Background()
	ds := storetest.Synthetic(100_000, 1000, 1)
	if _, err := s.Load(ctx, ds, nil); err != nil {
		b.Fatal(err)
	}
	after := cg.EncodeCursor(ds.Commitments[500], cg.OrderDateAsc)
	for _, bc := range []struct {
		name string
		call func() error
	}{
		{"Commitments/first20", func() error {
			_, err := s.Commitments(ctx, cg.CommitmentFilter{}, cg.Page{First: 20})
			return err
		}},
		{"Commitments/first20-after-cursor", func() error {
			_, err := s.Commitments(ctx, cg.CommitmentFilter{}, cg.Page{First: 20, After: after})
			return err
		}},
		{"Commitments/actor", func() error {
			_, err := s.Commitments(ctx, cg.CommitmentFilter{ActorIDs: []string{"e00042"}}, cg.Page{First: 20})
			return err
		}},
		{"Commitments/source+kind", func() error {
			_, err := s.Commitments(ctx, cg.CommitmentFilter{SourceIDs: []string{"src-1"}, Kinds: []cg.EdgeKind{cg.OffersTroops}}, cg.Page{First: 20})
			return err
		}},
		{"Entities/ids", func() error {
			_, err := s.Entities(ctx, cg.EntityFilter{IDs: []string{"e00001", "e00002", "e00003"}})
			return err
		}},
		{"Entities/search", func() error {
			_, err := s.Entities(ctx, cg.EntityFilter{Search: "entity 12", Limit: 10})
			return err
		}},
		{"Matrix/all", func() error { _, err := s.Matrix(ctx, cg.CommitmentFilter{}, cg.MatrixPage{}); return err }},
		{"Matrix/first50", func() error {
			_, err := s.Matrix(ctx, cg.CommitmentFilter{}, cg.MatrixPage{First: cg.DefaultMatrixRows})
			return err
		}},
		{"Counts/all", func() error { _, err := s.Counts(ctx, cg.CommitmentFilter{}); return err }},
		{"Paths/3", func() error { _, err := s.Paths(ctx, "e00001", "e00777", 3); return err }},
		{"Neighbourhood/1", func() error { _, err := s.Neighbourhood(ctx, "e00001", 1); return err }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if err := bc.call(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
