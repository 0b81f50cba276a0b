package neo4j

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/inmem"
	"github.com/coalitiongraph/coalitiongraph/storetest"
)

// TestPathsAgreeWithEmbedded asks Neo4j and the embedded store (itself
// checked against a plain one-sided search, inmem's
// TestPathsAgreeWithReference) for paths between random pairs on skewed
// graphs, where a few hubs carry most edges, and between the hubs
// themselves, where the cap decides which of many paths are kept.
func TestPathsAgreeWithEmbedded(t *testing.T) {
	ctx := context.Background()
	s := openEmpty(t)
	for _, seed := range []uint64{4, 5} {
		ds := storetest.SyntheticSkewed(4000, 600, seed)
		if err := s.clear(ctx); err != nil {
			t.Fatal(err)
		}
		load(t, s, ds)
		ref, err := inmem.New(ds)
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(seed, 13))
		pick := storetest.PathEnds(ds, r)
		nonEmpty, capped, longest := 0, 0, 0
		for i := range 250 {
			from, to := pick(), pick()
			if i%50 == 0 {
				to = from
			}
			maxHops := 1 + r.IntN(cg.MaxHops)
			got, err := s.Paths(ctx, from, to, maxHops)
			if err != nil {
				t.Fatal(err)
			}
			want, err := ref.Paths(ctx, from, to, maxHops)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("seed %d: paths %s → %s within %d:\n got %v\nwant %v", seed, from, to, maxHops, got, want)
			}
			if len(got) > 0 {
				nonEmpty++
				longest = max(longest, len(got[0].Edges))
			}
			if len(got) == cg.MaxPaths {
				capped++
			}
		}
		// The draw must reach the cases that matter, or the comparison
		// proves little.
		if nonEmpty < 50 || capped < 10 || longest < 3 {
			t.Fatalf("seed %d: %d searches found paths, %d reached the cap, longest %d hops: too few to compare", seed, nonEmpty, capped, longest)
		}
		t.Logf("seed %d: %d of 250 found paths, %d reached the cap, longest %d hops", seed, nonEmpty, capped, longest)
	}
}
