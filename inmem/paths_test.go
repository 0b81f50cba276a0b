package inmem_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/inmem"
	"github.com/coalitiongraph/coalitiongraph/storetest"
)

// referencePaths is the plain answer: a breadth-first search from each end
// over the start's neighbourhood, then every shortest path walked in
// edge-id order up to the cap. The neighbourhood comes from a separate
// code path (a one-sided search), so the bidirectional search in Paths is
// checked against something it does not share.
func referencePaths(t *testing.T, s *inmem.Store, from, to string, maxHops int) []cg.Path {
	t.Helper()
	if from == to {
		return []cg.Path{{EntityIDs: []string{from}, Edges: []cg.EdgeRef{}}}
	}
	g, err := s.Neighbourhood(context.Background(), from, maxHops)
	if err != nil {
		t.Fatal(err)
	}
	adj := map[string][]cg.EdgeRef{}
	add := func(e cg.EdgeRef) {
		if e.FromID == e.ToID {
			return
		}
		adj[e.FromID] = append(adj[e.FromID], e)
		adj[e.ToID] = append(adj[e.ToID], e)
	}
	for _, c := range g.Commitments {
		add(cg.EdgeRef{ID: c.ID, Kind: c.Kind, FromID: c.ActorID, ToID: c.TargetID})
	}
	for _, r := range g.Relations {
		add(cg.EdgeRef{ID: r.ID, Kind: r.Kind, FromID: r.FromID, ToID: r.ToID})
	}
	other := func(e cg.EdgeRef, u string) string {
		if e.FromID == u {
			return e.ToID
		}
		return e.FromID
	}
	bfs := func(root string) map[string]int {
		dist := map[string]int{root: 0}
		for q := []string{root}; len(q) > 0; q = q[1:] {
			for _, e := range adj[q[0]] {
				if v := other(e, q[0]); !contains(dist, v) {
					dist[v] = dist[q[0]] + 1
					q = append(q, v)
				}
			}
		}
		return dist
	}
	df, dt := bfs(from), bfs(to)
	hops, ok := df[to]
	if !ok || hops > maxHops {
		return []cg.Path{}
	}
	var all []cg.Path
	var walk func(u string, ents []string, edges []cg.EdgeRef)
	walk = func(u string, ents []string, edges []cg.EdgeRef) {
		if u == to {
			all = append(all, cg.Path{EntityIDs: slices.Clone(ents), Edges: slices.Clone(edges)})
			return
		}
		for _, e := range adj[u] {
			v := other(e, u)
			if df[v] == len(edges)+1 && contains(dt, v) && dt[v] == hops-len(edges)-1 {
				walk(v, append(ents, v), append(edges, e))
			}
		}
	}
	walk(from, []string{from}, nil)
	key := func(p cg.Path) string {
		var ids []string
		for _, e := range p.Edges {
			ids = append(ids, e.ID)
		}
		return strings.Join(ids, "\x00")
	}
	slices.SortFunc(all, func(a, b cg.Path) int { return strings.Compare(key(a), key(b)) })
	if len(all) > cg.MaxPaths {
		all = all[:cg.MaxPaths]
	}
	if all == nil {
		all = []cg.Path{}
	}
	return all
}

func contains(m map[string]int, k string) bool { _, ok := m[k]; return ok }

// TestPathsAgreeWithReference asks for paths between random pairs on
// skewed graphs, where a few hubs carry most edges and a search from one
// end alone floods the graph, and between the hubs themselves, where the
// cap on the number of paths decides which are kept.
func TestPathsAgreeWithReference(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		ds := storetest.SyntheticSkewed(4000, 600, seed)
		s, err := inmem.New(ds)
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(seed, 9))
		pick := storetest.PathEnds(ds, r)
		nonEmpty, capped := 0, 0
		for i := range 300 {
			from, to := pick(), pick()
			if i%50 == 0 {
				to = from
			}
			maxHops := 1 + r.IntN(cg.MaxHops)
			got, err := s.Paths(context.Background(), from, to, maxHops)
			if err != nil {
				t.Fatal(err)
			}
			want := referencePaths(t, s, from, to, maxHops)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("seed %d: paths %s → %s within %d:\n got %v\nwant %v", seed, from, to, maxHops, got, want)
			}
			if len(got) > 0 {
				nonEmpty++
			}
			if len(got) == cg.MaxPaths {
				capped++
			}
		}
		// The comparison means little unless some answers have paths and
		// some hit the cap.
		if nonEmpty < 50 || capped < 5 {
			t.Fatalf("seed %d: only %d answers with paths, %d capped", seed, nonEmpty, capped)
		}
	}
}
