package neo4j

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
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
		levelled, boundaries := 0, 0
		for i := range 250 {
			from, to := pick(), pick()
			if i%50 == 0 {
				to = from
			}
			maxHops := 1 + r.IntN(cg.MaxHops)
			want, err := ref.Paths(ctx, from, to, maxHops)
			if err != nil {
				t.Fatal(err)
			}
			ask := func(lim pathLimits) pathsAnswer {
				t.Helper()
				got, err := s.paths(ctx, from, to, maxHops, lim)
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint(got.paths) != fmt.Sprint(want) {
					t.Fatalf("seed %d: paths %s → %s within %d, limits %+v (levelled %v):\n got %v\nwant %v", seed, from, to, maxHops, lim, got.levelled, got.paths, want)
				}
				return got
			}
			if ask(firstTry).levelled {
				levelled++
			}
			// The search a level at a time alone: no end passes the
			// degree test.
			if from != to && !ask(pathLimits{endDegree: -1, found: 1 << 30}).levelled {
				t.Fatalf("seed %d: paths %s → %s: no end under the degree bound, yet not searched a level at a time", seed, from, to)
			}
			// Under the walk's cap the answer holds every shortest path,
			// n of them. With a LIMIT of n+1 the single statement found
			// them all, and answers when they are within its hops, or when
			// there are none and no more hops are allowed. With a LIMIT of
			// n it may have cut some off and must fall back; one that did
			// not below n would answer fewer paths.
			if n := len(want); n < cg.MaxPaths && from != to {
				longer := n == 0 && maxHops > atOnceHops || n > 0 && len(want[0].Edges) > atOnceHops
				got := ask(pathLimits{endDegree: 1 << 30, found: n + 1})
				if got.levelled != longer {
					t.Fatalf("seed %d: paths %s → %s within %d: %d paths under LIMIT %d: searched a level at a time %v, want %v", seed, from, to, maxHops, n, n+1, got.levelled, longer)
				}
				// The statement found none within its hops: the levels
				// do not look for paths that short again.
				if longer && slices.ContainsFunc(got.meets, func(l int) bool { return l <= atOnceHops }) {
					t.Fatalf("seed %d: paths %s → %s within %d: none within %d hops, yet the levels looked for paths of %v", seed, from, to, maxHops, atOnceHops, got.meets)
				}
				if n > 0 && !longer {
					boundaries++
					got := ask(pathLimits{endDegree: 1 << 30, found: n})
					if !got.levelled {
						t.Fatalf("seed %d: paths %s → %s: LIMIT %d reached, yet no fall back", seed, from, to, n)
					}
					if slices.ContainsFunc(got.meets, func(l int) bool { return l < len(want[0].Edges) }) {
						t.Fatalf("seed %d: paths %s → %s: the LIMIT's paths have %d edges, yet the levels looked for paths of %v", seed, from, to, len(want[0].Edges), got.meets)
					}
					if n > 1 {
						ask(pathLimits{endDegree: 1 << 30, found: n - 1})
					}
				}
			}
			if len(want) > 0 {
				nonEmpty++
				longest = max(longest, len(want[0].Edges))
			}
			if len(want) == cg.MaxPaths {
				capped++
			}
		}
		// The draw must reach the cases that matter, or the comparison
		// proves little.
		if nonEmpty < 50 || capped < 10 || longest < 3 || boundaries < 30 || levelled < 5 {
			t.Fatalf("seed %d: %d searches found paths, %d reached the cap, longest %d hops, %d under the cap within %d hops, %d past the bounds Paths uses: too few to compare", seed, nonEmpty, capped, longest, boundaries, atOnceHops, levelled)
		}
		t.Logf("seed %d: %d of 250 found paths, %d reached the cap, longest %d hops; %d searched a level at a time under the bounds Paths uses, %d checked at the LIMIT", seed, nonEmpty, capped, longest, levelled, boundaries)
	}
}
