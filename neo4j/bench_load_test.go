package neo4j

import (
	"context"
	"testing"
	"time"

	"github.com/coalitiongraph/coalitiongraph/storetest"
)

// BenchmarkLoad1M loads 1,000,000 commitments among 10,000 entities into
// an empty database in batched transactions, then reloads them unchanged.
// It runs under the test harness's heap (-Xmx1g, smaller than a default
// Neo4j's), which one transaction of the whole load could not use:
//
//	go test -run '^$' -bench Load1M -benchtime 1x -timeout 60m ./neo4j/
func BenchmarkLoad1M(b *testing.B) {
	s := openEmpty(b)
	ds := storetest.Synthetic(1_000_000, 10_000, 1)
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
		b.Logf("reload: %v, %d written", st.Duration.Round(time.Millisecond), st.Written)
	}
	nodes, rels := stats(b, s)
	wantNodes, wantRels := expectedCounts(ds)
	if nodes != wantNodes || rels != wantRels {
		b.Errorf("graph has %d nodes, %d rels; want %d, %d", nodes, rels, wantNodes, wantRels)
	}
}
