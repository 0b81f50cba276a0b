package neo4j

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// BenchmarkPaths100k times Paths over the bench's skewed 100k graph
// (storetest.SyntheticSkewed(100000, 5000, 1)) between: the entity making
// the most commitments and the one receiving the most (hubs); the two
// closest to 100 made and received, the query set's pair (mid); a pair
// whose shortest paths run through hubs and number 88,234 (via-hubs); and
// two entities of median degree (normal). Like BenchmarkListings100k it loads
// the graph only when the database does not hold it, so that two builds
// can be run alternately against one server given by NEO4J_URI:
//
//	NEO4J_URI=bolt://… go test -run '^$' -bench Paths100k -benchtime 5x ./neo4j/
func BenchmarkPaths100k(b *testing.B) {
	ctx := context.Background()
	s, ds := openSkewed100k(b)
	made, received := map[string]int{}, map[string]int{}
	degree := map[string]int{}
	for _, c := range ds.Commitments {
		made[c.ActorID]++
		received[c.TargetID]++
		degree[c.ActorID]++
		degree[c.TargetID]++
	}
	near := func(m map[string]int, want int) string {
		var best string
		dist := func(id string) int { return max(m[id]-want, want-m[id]) }
		for id := range m {
			if best == "" || dist(id) < dist(best) || (dist(id) == dist(best) && id < best) {
				best = id
			}
		}
		return best
	}
	byDegree := make([]string, 0, len(degree))
	for id := range degree {
		byDegree = append(byDegree, id)
	}
	slices.SortFunc(byDegree, func(x, y string) int {
		if degree[x] != degree[y] {
			return degree[x] - degree[y]
		}
		return strings.Compare(x, y)
	})
	median := len(byDegree) / 2
	topActor, topTarget := topEnds(ds)
	for _, bc := range []struct {
		name     string
		from, to string
		maxHops  int
	}{
		{"hubs", topActor, topTarget, 3},
		{"mid", near(made, 100), near(received, 100), 3},
		// Of 60 random pairs, the one with the most shortest paths
		// (88,234 of 3 hops, through hubs and their parallel edges).
		{"via-hubs", "e01523", "e01977", 3},
		{"normal", byDegree[median], byDegree[median+1], 4},
	} {
		b.Run(bc.name, func(b *testing.B) {
			call := func() []cg.Path {
				// A bound, so that a search that blows up ends the run
				// with an error instead of holding the machine.
				ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
				defer cancel()
				ps, err := s.Paths(ctx, bc.from, bc.to, bc.maxHops)
				if err != nil {
					b.Fatal(err)
				}
				return ps
			}
			ps := call() // once untimed: planning is not in the figure
			hops := 0
			if len(ps) > 0 {
				hops = len(ps[0].Edges)
			}
			b.Logf("%s (%d edges) → %s (%d edges): %d paths of %d hops", bc.from, degree[bc.from], bc.to, degree[bc.to], len(ps), hops)
			for b.Loop() {
				call()
			}
		})
	}
}
