package inmem

import (
	"context"
	"fmt"

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

// distances runs a breadth-first search from the entity up to limit edges.
func (s *Store) distances(from string, limit int) map[string]int {
	dist := map[string]int{from: 0}
	frontier := []string{from}
	for d := 0; d < limit && len(frontier) > 0; d++ {
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
	m := s.meet(fromID, toID, maxHops)
	if m == nil {
		return []cg.Path{}, nil
	}
	return cg.FirstPaths(fromID, toID, func(u string, k int) []cg.EdgeRef { return s.next(m, u, k) }), nil
}

// degree is the number of edges at an entity, the cost of expanding it.
func (s *Store) degree(id string) int {
	return len(s.byActor[id]) + len(s.byTarget[id]) + len(s.relByFrom[id]) + len(s.relByTo[id])
}

// side is one end's breadth-first search: each entity's distance from
// that end and the entities of each level, the last one the frontier.
type side struct {
	dist   map[string]int
	levels [][]string
}

func newSide(id string) *side {
	return &side{dist: map[string]int{id: 0}, levels: [][]string{{id}}}
}

func (sd *side) depth() int { return len(sd.levels) - 1 }

// meeting is where the two searches met: hops is the length of the
// shortest paths, and the entities at distance from.depth() from the start
// and to.depth() from the end are the middle of every one of them.
type meeting struct {
	from, to *side
	hops     int
	// onPath holds the entities of the start's side on a shortest path;
	// on the end's side, being one step nearer the end is enough.
	onPath map[string]bool
	// levels caches along's answers.
	levels map[int][]string
}

// meet searches from both ends at once, a level at a time, always
// expanding the side whose frontier has fewer edges. Searching from one end
// alone visits everything within maxHops of it: through a hub with
// thousands of edges, most of the graph. The searches stop at the first
// level where they meet, which fixes the length of the shortest paths; nil
// when they do not meet within maxHops.
func (s *Store) meet(fromID, toID string, maxHops int) *meeting {
	from, to := newSide(fromID), newSide(toID)
	for from.depth()+to.depth() < maxHops {
		grow, other := from, to
		if s.edgesAt(to.levels[to.depth()]) < s.edgesAt(from.levels[from.depth()]) {
			grow, other = to, from
		}
		// On the last level the search may take, only the entities the
		// other side has reached matter: the rest are not recorded.
		last := from.depth()+to.depth()+1 == maxHops
		d := grow.depth() + 1
		var next, middle []string
		for _, u := range grow.levels[d-1] {
			s.eachEdge(u, func(e cg.EdgeRef) {
				v := otherEnd(e, u)
				if _, seen := grow.dist[v]; seen {
					return
				}
				if _, met := other.dist[v]; met {
					// Both balls were disjoint before this level, so v is
					// on the other side's frontier and on a shortest path.
					middle = append(middle, v)
				} else if last {
					return
				}
				grow.dist[v] = d
				next = append(next, v)
			})
		}
		if len(middle) > 0 {
			grow.levels = append(grow.levels, middle)
			return s.markOnPath(from, to, middle)
		}
		if len(next) == 0 {
			return nil
		}
		grow.levels = append(grow.levels, next)
	}
	return nil
}

func (s *Store) edgesAt(level []string) int {
	n := 0
	for _, id := range level {
		n += s.degree(id)
	}
	return n
}

// markOnPath finds the start's side of the shortest paths: the middle and,
// level by level back towards the start, the entities with an edge to one
// found on the level after. Each level is found from whichever of the two
// (the one found, or the search's level before it) has fewer edges.
func (s *Store) markOnPath(from, to *side, middle []string) *meeting {
	m := &meeting{from: from, to: to, hops: from.depth() + to.depth(), onPath: map[string]bool{}}
	for _, v := range middle {
		m.onPath[v] = true
	}
	found := middle
	for k := from.depth() - 1; k >= 0; k-- {
		var level []string
		if s.edgesAt(found) < s.edgesAt(from.levels[k]) {
			for _, w := range found {
				s.eachEdge(w, func(e cg.EdgeRef) {
					v := otherEnd(e, w)
					if dv, ok := from.dist[v]; ok && dv == k && !m.onPath[v] {
						m.onPath[v] = true
						level = append(level, v)
					}
				})
			}
		} else {
			for _, u := range from.levels[k] {
				hit := false
				s.eachEdge(u, func(e cg.EdgeRef) {
					v := otherEnd(e, u)
					hit = hit || (m.onPath[v] && from.dist[v] == k+1)
				})
				if hit {
					level = append(level, u)
				}
			}
			for _, v := range level {
				m.onPath[v] = true
			}
		}
		found = level
	}
	return m
}

// next lists the edges from u (k steps from the start) one step along a
// shortest path: on the start's side to an entity found on the path, past
// the middle to one a step nearer the end. It walks whichever is cheaper:
// u's own edges, or the edges of the entities one step along. From a hub
// (a Zipf target with 200,000 edges at 1M) the entities one step along
// are often a handful, the end itself on the last step: walking the hub's
// edges was nearly all of a 1M path query's time.
func (s *Store) next(m *meeting, u string, k int) []cg.EdgeRef {
	var out []cg.EdgeRef
	if along := m.along(k + 1); s.fewerEdges(along, s.degree(u)) {
		for _, v := range along {
			s.eachEdge(v, func(e cg.EdgeRef) {
				if v != u && otherEnd(e, v) == u {
					out = append(out, e)
				}
			})
		}
		return out
	}
	s.eachEdge(u, func(e cg.EdgeRef) {
		v := otherEnd(e, u)
		if v == u {
			return
		}
		if k+1 <= m.from.depth() {
			if dv, ok := m.from.dist[v]; ok && dv == k+1 && m.onPath[v] {
				out = append(out, e)
			}
		} else if dv, ok := m.to.dist[v]; ok && dv == m.hops-k-1 {
			out = append(out, e)
		}
	})
	return out
}

// along lists the entities k steps from the start on a shortest path:
// those of the start's level k found on the path, or past the middle the
// end's level hops-k, complete since the search met beyond it. Computed
// once per level and query.
func (m *meeting) along(k int) []string {
	if m.levels == nil {
		m.levels = map[int][]string{}
	}
	if l, ok := m.levels[k]; ok {
		return l
	}
	var l []string
	if k <= m.from.depth() {
		for _, v := range m.from.levels[k] {
			if m.onPath[v] {
				l = append(l, v)
			}
		}
	} else {
		l = m.to.levels[m.hops-k]
	}
	m.levels[k] = l
	return l
}

// fewerEdges reports whether the entities have fewer edges in all than
// limit, counting no further than it.
func (s *Store) fewerEdges(ids []string, limit int) bool {
	n := 0
	for _, id := range ids {
		if n += s.degree(id); n >= limit {
			return false
		}
	}
	return true
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
	within := s.distances(id, depth)
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
