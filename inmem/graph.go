package inmem

import (
	"context"
	"fmt"
	"slices"
	"strings"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// The graph questions treat commitments and relations alike as undirected
// edges. Adjacency needs no index of its own: the actor, target, from and to
// indexes already list every edge at an entity.

// eachEdge calls fn for every edge at the entity; a self-loop comes twice.
func (s *Store) eachEdge(id string, fn func(cg.EdgeRef)) {
	for _, c := range s.byActor[id] {
		fn(cg.EdgeRef{ID: c.ID, Kind: c.Kind, FromID: c.ActorID, ToID: c.TargetID})
	}
	for _, c := range s.byTarget[id] {
		fn(cg.EdgeRef{ID: c.ID, Kind: c.Kind, FromID: c.ActorID, ToID: c.TargetID})
	}
	for _, r := range s.relByFrom[id] {
		fn(cg.EdgeRef{ID: r.ID, Kind: r.Kind, FromID: r.FromID, ToID: r.ToID})
	}
	for _, r := range s.relByTo[id] {
		fn(cg.EdgeRef{ID: r.ID, Kind: r.Kind, FromID: r.FromID, ToID: r.ToID})
	}
}

func otherEnd(e cg.EdgeRef, id string) string {
	if e.FromID == id {
		return e.ToID
	}
	return e.FromID
}

// distances runs a breadth-first search from the entity up to limit edges,
// stopping after the level where stop (if not "") is found.
func (s *Store) distances(from string, limit int, stop string) map[string]int {
	dist := map[string]int{from: 0}
	frontier := []string{from}
	for d := 0; d < limit && len(frontier) > 0; d++ {
		if _, found := dist[stop]; stop != "" && found {
			break
		}
		var next []string
		for _, u := range frontier {
			s.eachEdge(u, func(e cg.EdgeRef) {
				v := otherEnd(e, u)
				if _, seen := dist[v]; !seen {
					dist[v] = d + 1
					next = append(next, v)
				}
			})
		}
		frontier = next
	}
	return dist
}

func (s *Store) checkEntity(field, id string) error {
	if _, ok := s.entities[id]; !ok {
		return cg.UnknownEnd(field, id)
	}
	return nil
}

// Paths returns every shortest path from fromID to toID of at most maxHops
// edges (at most cg.MaxPaths of them), ordered by their sequences of edge ids.
// A path from an entity to itself has no edges.
func (s *Store) Paths(ctx context.Context, fromID, toID string, maxHops int) ([]cg.Path, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("inmem: paths: %w", err)
	}
	if err := cg.CheckHops(maxHops); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.checkEntity("from", fromID); err != nil {
		return nil, err
	}
	if err := s.checkEntity("to", toID); err != nil {
		return nil, err
	}
	if fromID == toID {
		return []cg.Path{{EntityIDs: []string{fromID}, Edges: []cg.EdgeRef{}}}, nil
	}
	distFrom := s.distances(fromID, maxHops, toID)
	hops, ok := distFrom[toID]
	if !ok {
		return []cg.Path{}, nil
	}
	distTo := s.distances(toID, hops, "")

	// An edge u–v lies on a shortest path when v is one step further from
	// the start and one step nearer the end. Walking those edges in id
	// order yields the paths in order of their edge-id sequences, so the
	// cap keeps the first ones rather than arbitrary ones.
	paths := []cg.Path{}
	entities := []string{fromID}
	var edges []cg.EdgeRef
	var walk func(u string, k int)
	walk = func(u string, k int) {
		if u == toID {
			paths = append(paths, cg.Path{EntityIDs: slices.Clone(entities), Edges: slices.Clone(edges)})
			return
		}
		// Only the edges one step along a shortest path are sorted: at a
		// hub with thousands of edges, sorting them all at every visit
		// was the cost of the question.
		var next []cg.EdgeRef
		s.eachEdge(u, func(e cg.EdgeRef) {
			v := otherEnd(e, u)
			df, okF := distFrom[v]
			dt, okT := distTo[v]
			if v != u && okF && okT && df == k+1 && dt == hops-k-1 {
				next = append(next, e)
			}
		})
		slices.SortFunc(next, func(a, b cg.EdgeRef) int { return strings.Compare(a.ID, b.ID) })
		next = slices.CompactFunc(next, func(a, b cg.EdgeRef) bool { return a.ID == b.ID })
		for _, e := range next {
			if len(paths) >= cg.MaxPaths {
				return
			}
			v := otherEnd(e, u)
			entities, edges = append(entities, v), append(edges, e)
			walk(v, k+1)
			entities, edges = entities[:len(entities)-1], edges[:len(edges)-1]
		}
	}
	walk(fromID, 0)
	return paths, nil
}

// Neighbourhood returns the entities within depth edges of id, ordered by
// id, and the commitments and relations with both ends among them, each
// ordered by id.
func (s *Store) Neighbourhood(ctx context.Context, id string, depth int) (*cg.Subgraph, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("inmem: neighbourhood: %w", err)
	}
	if err := cg.CheckDepth(depth); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if err := s.checkEntity("id", id); err != nil {
		return nil, err
	}
	within := s.distances(id, depth, "")
	g := &cg.Subgraph{Entities: []*cg.Entity{}, Commitments: []*cg.Commitment{}, Relations: []*cg.Relation{}}
	for eid := range within {
		g.Entities = append(g.Entities, s.entities[eid].Entity)
		s.eachEdge(eid, func(e cg.EdgeRef) {
			if _, in := within[otherEnd(e, eid)]; !in {
				return
			}
			if c := s.current(e.ID); c != nil {
				g.Commitments = append(g.Commitments, c)
			} else {
				g.Relations = append(g.Relations, s.relations[e.ID])
			}
		})
	}
	g.Entities = sortByID(g.Entities, func(e *cg.Entity) string { return e.ID })
	g.Commitments = sortByID(g.Commitments, commitmentID)
	g.Relations = sortByID(g.Relations, relationID)
	return g, nil
}
