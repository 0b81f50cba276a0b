package neo4j

import (
	"context"
	"errors"
	"fmt"

	nd "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// Paths tries first one statement, allShortestPaths of at most two hops
// with a LIMIT, which answers a pair with few short paths (the common
// question) in one round trip. Its work is bounded: it is not tried when
// an end is a hub, within two hops it reads only the ends' edges, and the
// LIMIT stops it listing paths. (Unbounded it had to find every shortest
// path before ordering them, and between entities next to a hub they are
// millions; a third hop already reads the edges of every hub next to an
// end.) When it finds no path and more hops are allowed, or reaches the
// LIMIT, the search is done again from both ends a level at a time, as the
// embedded store does, one statement a level in one read transaction: the
// work is the edges at the levels expanded, and the walk in edge-id order
// (cg.FirstPaths) stops at the cap. Both forms hand the edges on shortest
// paths to that walk, so they answer alike.

// pathLimits bound the single statement: no end with more than endDegree
// edges, and at most found shortest paths, short of which it has found
// them all.
type pathLimits struct{ endDegree, found int }

// firstTry holds the bounds Paths uses. The mid pair of BenchmarkPaths100k
// (about 100 edges at each end) takes one statement; a hub's thousands of
// edges, or more paths than the walk needs many times over, do not.
var firstTry = pathLimits{endDegree: 1000, found: 10 * cg.MaxPaths}

// atOnceHops bounds the single statement's paths: within two hops its
// search reads the ends' edges only.
const atOnceHops = 2

var (
	// pathsAtOnceTemplate finds both ends and the number of edges at each,
	// and when neither is over $endDegree and they differ (allShortestPaths
	// refuses equal ends) at most $found of the shortest paths within the
	// bound (a literal, at most atOnceHops), in no order: ordering them
	// would need them all.
	pathsAtOnceTemplate = `OPTIONAL MATCH (a:Entity {id: $from})
OPTIONAL MATCH (b:Entity {id: $to})
WITH a, b,
  CASE WHEN a IS NULL THEN 0 ELSE COUNT { (a)-[:%[1]s]-() } END AS fromDegree,
  CASE WHEN b IS NULL THEN 0 ELSE COUNT { (b)-[:%[1]s]-() } END AS toDegree
WITH a, b, fromDegree, toDegree,
  a IS NOT NULL AND b IS NOT NULL AND a <> b AND fromDegree <= $endDegree AND toDegree <= $endDegree AS tried
CALL (a, b, tried) {
  WITH a, b WHERE tried
  MATCH p = allShortestPaths((a)-[:%[1]s*..%[2]d]-(b))
  WITH p LIMIT $found
  RETURN collect([r IN relationships(p) | {id: r.id, kind: type(r), from: startNode(r).id, to: endNode(r).id}]) AS paths
}
RETURN a IS NOT NULL AS fromFound, b IS NOT NULL AS toFound, fromDegree, toDegree, tried, paths`

	// pathStep lists the edges at a search's frontier ($ids) that lead to
	// the entities of $only when it is a map (the other side's frontier:
	// the edges where the two meet, if any), else to any entity not in
	// $skip (the levels an edge from the frontier could lead back to).
	// Both are maps so that a hub's thousands of entities are looked up,
	// not scanned.
	pathStep = `UNWIND $ids AS at
MATCH (:Entity {id: at})-[r:` + edgeTypes + `]-(v:Entity)
WHERE CASE WHEN $only IS NULL THEN $skip[v.id] IS NULL ELSE $only[v.id] IS NOT NULL END
` + pathFirstEdges

	// pathMeet lists the edges between two small sets of entities, one
	// pair at a time: between an entity and a hub Neo4j walks the smaller
	// one's edges, where pathStep would read the far end of each of the
	// hub's thousands.
	pathMeet = `UNWIND $ids AS at
MATCH (u:Entity {id: at})
UNWIND $others AS o
MATCH (v:Entity {id: o})
MATCH (u)-[r:` + edgeTypes + `]-(v)
` + pathFirstEdges

	// pathFirstEdges keeps, of the edges leaving each entity in the
	// direction of the walk ($per: "at" when it goes from the frontier to
	// the far ends, "far" when back, "pair" when a far end's paths are not
	// known yet), the first $maxPaths by id: the walk takes an entity's
	// edges in id order and each leads to a path, so a later one could
	// only start paths after the first $maxPaths. Between hubs the edges
	// on shortest paths are thousands, so their ends are read after the
	// cut. Each far end comes with the number of edges at it, a count
	// Neo4j keeps per node.
	pathFirstEdges = `WITH at, r, v ORDER BY r.id
WITH CASE $per WHEN 'at' THEN [at] WHEN 'far' THEN [v.id] ELSE [at, v.id] END AS key,
  collect({at: at, r: r, v: v}) AS edges
UNWIND edges[..$maxPaths] AS e
WITH e.at AS at, e.r AS r, e.v AS far
RETURN at, r.id AS id, type(r) AS kind, startNode(r).id AS from, endNode(r).id AS to,
  COUNT { (far)-[:` + edgeTypes + `]-() } AS degree`
)

// maxMeetPairs bounds the pairs of entities pathMeet checks: beyond it
// one pass over the frontier's edges is cheaper.
const maxMeetPairs = 2000

// pathsAtOnce holds the single statement per bound up to atOnceHops.
var pathsAtOnce = map[int]string{}

func init() {
	for hops := 1; hops <= atOnceHops; hops++ {
		pathsAtOnce[hops] = fmt.Sprintf(pathsAtOnceTemplate, edgeTypes, hops)
	}
}

// Paths returns every shortest path from fromID to toID of at most maxHops
// edges in either direction (at most cg.MaxPaths), ordered by their
// sequences of edge ids. A path from an entity to itself has no edges.
func (s *Store) Paths(ctx context.Context, fromID, toID string, maxHops int) ([]cg.Path, error) {
	if err := cg.CheckHops(maxHops); err != nil {
		return nil, err
	}
	out, err := s.paths(ctx, fromID, toID, maxHops, firstTry)
	return out.paths, err
}

// pathsAnswer is an answer and whether the search a level at a time gave
// it, which the tests check so that each form is known to be exercised.
type pathsAnswer struct {
	paths    []cg.Path
	levelled bool
	// meets are the lengths of the paths each statement for the edges
	// where the frontiers meet looked for, in the search a level at a time.
	meets []int
}

func (s *Store) paths(ctx context.Context, fromID, toID string, maxHops int, lim pathLimits) (pathsAnswer, error) {
	return readTx(ctx, s, "paths", func(tx nd.ManagedTransaction) (pathsAnswer, error) {
		return searchPaths(ctx, tx, fromID, toID, maxHops, lim)
	})
}

// pathSide is one end's search: each entity's distance from that end, the
// edges that reached it from one a step nearer (every one: each starts
// paths of its own), and the last level with the edges at it.
type pathSide struct {
	end      string
	dist     map[string]int
	toward   map[string][]cg.EdgeRef
	before   []string // the level before the frontier
	frontier []string
	edges    int
	depth    int
}

func newPathSide(id string, degree int) *pathSide {
	return &pathSide{end: id, dist: map[string]int{id: 0}, toward: map[string][]cg.EdgeRef{}, frontier: []string{id}, edges: degree}
}

func searchPaths(ctx context.Context, tx nd.ManagedTransaction, fromID, toID string, maxHops int, lim pathLimits) (pathsAnswer, error) {
	ends, err := runOne(ctx, tx, pathsAtOnce[min(maxHops, atOnceHops)], map[string]any{"from": fromID, "to": toID, "endDegree": int64(lim.endDegree), "found": int64(lim.found)})
	if err != nil {
		return pathsAnswer{}, err
	}
	if found, _ := ends["fromFound"].(bool); !found {
		return pathsAnswer{}, notFound("from", fromID)
	}
	if found, _ := ends["toFound"].(bool); !found {
		return pathsAnswer{}, notFound("to", toID)
	}
	if fromID == toID {
		return pathsAnswer{paths: []cg.Path{{EntityIDs: []string{fromID}, Edges: []cg.EdgeRef{}}}}, nil
	}
	// noneWithin is a length no path is shorter than or as short as, from
	// what the statement found: the levels a search would find nothing at.
	noneWithin := 0
	if tried, _ := ends["tried"].(bool); tried {
		// Paths within its bound are the shortest; none may mean longer
		// ones.
		found := asList(ends["paths"])
		if len(found) < lim.found && (len(found) > 0 || maxHops <= atOnceHops) {
			return pathsAnswer{paths: walkFound(fromID, toID, found)}, nil
		}
		switch {
		case len(found) > 0:
			// allShortestPaths gives paths of one length, the shortest.
			noneWithin = len(asList(found[0])) - 1
		case lim.found > 0:
			noneWithin = min(maxHops, atOnceHops)
		}
	}
	a := pathsAnswer{levelled: true}
	a.paths, err = searchLevels(ctx, tx, fromID, toID, toInt(ends["fromDegree"]), toInt(ends["toDegree"]), maxHops, noneWithin, &a.meets)
	return a, err
}

// walkFound walks every shortest path (short of the LIMIT, so all of them)
// in order: each edge of a path leads one step along a shortest path from
// the entity it leaves, at its place in the path.
func walkFound(fromID, toID string, found []any) []cg.Path {
	next := map[string][]cg.EdgeRef{}
	listed := map[string]bool{}
	for _, p := range found {
		at := fromID
		for _, x := range asList(p) {
			m := asMap(x)
			e := cg.EdgeRef{ID: toString(m["id"]), Kind: cg.EdgeKind(toString(m["kind"])), FromID: toString(m["from"]), ToID: toString(m["to"])}
			// Paths share their edges; each is listed once.
			if !listed[e.ID] {
				listed[e.ID] = true
				next[at] = append(next[at], e)
			}
			at = otherEnd(e, at)
		}
	}
	return cg.FirstPaths(fromID, toID, func(id string, _ int) []cg.EdgeRef { return next[id] })
}

// searchLevels searches from both ends a level at a time, starting from
// the number of edges at each end. No path has noneWithin edges or fewer:
// at those levels the sides only grow, without asking where they meet (a
// round trip that would find nothing); meets records the length each ask
// looked for.
func searchLevels(ctx context.Context, tx nd.ManagedTransaction, fromID, toID string, fromDegree, toDegree, maxHops, noneWithin int, meets *[]int) ([]cg.Path, error) {
	from := newPathSide(fromID, fromDegree)
	to := newPathSide(toID, toDegree)
	for from.depth+to.depth < maxHops {
		// The side with fewer edges at its frontier grows: from one end
		// alone, a hub within reach floods the search with most of the
		// graph.
		grow, other := from, to
		if to.edges < from.edges {
			grow, other = to, from
		}
		d := grow.depth + 1
		// The two searches have not met, so the edges where they meet now
		// lead from this frontier to the other's, and they are all the
		// edges into the middle of the shortest paths: the rest of the
		// level is not needed.
		// The walk goes from the start to the end: on the start's side
		// from the frontier out, on the end's side back into it.
		per := "at"
		if grow == to {
			per = "far"
		}
		if length := from.depth + to.depth + 1; length > noneWithin {
			cypher, params := pathStep, map[string]any{"ids": grow.frontier, "only": set(other.frontier), "skip": nil}
			if len(grow.frontier)*len(other.frontier) <= maxMeetPairs {
				cypher, params = pathMeet, map[string]any{"ids": grow.frontier, "others": other.frontier}
			}
			params["per"], params["maxPaths"] = per, int64(cg.MaxPaths)
			*meets = append(*meets, length)
			recs, err := collect(ctx, tx, cypher, params)
			if err != nil {
				return nil, err
			}
			if len(recs) > 0 {
				middle, _ := grow.reach(recs, d)
				grow.depth, grow.before, grow.frontier = d, grow.frontier, middle
				return walkMeeting(from, to, middle), nil
			}
		}
		// On the last level allowed only entities the other side has
		// reached could be on a path, and there are none.
		if from.depth+to.depth+1 == maxHops {
			break
		}
		skip := set(grow.before)
		for _, id := range grow.frontier {
			skip[id] = true
		}
		// On the start's side which far ends lead to the middle is not
		// known yet: only parallel edges can be cut.
		if per == "at" {
			per = "pair"
		}
		recs, err := collect(ctx, tx, pathStep, map[string]any{"ids": grow.frontier, "only": nil, "skip": skip, "per": per, "maxPaths": int64(cg.MaxPaths)})
		if err != nil {
			return nil, err
		}
		next, edges := grow.reach(recs, d)
		if len(next) == 0 {
			break
		}
		grow.depth, grow.before, grow.frontier, grow.edges = d, grow.frontier, next, edges
	}
	return []cg.Path{}, nil
}

// reach records each edge from the frontier in recs into the side: the
// distance d of the far end when it is first reached, and the edge as one
// that reached it (every one: each starts paths of its own). It returns
// the entities first reached, the next frontier, and the sum of the edges
// at them, which decides the side that grows next.
func (s *pathSide) reach(recs []*nd.Record, d int) (next []string, edges int) {
	for _, rec := range recs {
		u, e := stepEdge(rec)
		v := otherEnd(e, u)
		if _, seen := s.dist[v]; !seen {
			s.dist[v] = d
			next = append(next, v)
			edges += toInt(rec.AsMap()["degree"])
		}
		s.toward[v] = append(s.toward[v], e)
	}
	return next, edges
}

// walkMeeting follows the edges that reached the middle back to the start,
// which leaves on the start's side only what is on a shortest path, and
// walks the paths in order: on the start's side along those edges, past
// the middle along the edges that reached each entity from the end's side.
func walkMeeting(from, to *pathSide, middle []string) []cg.Path {
	ahead := map[string][]cg.EdgeRef{}
	level, seen := middle, map[string]bool{}
	for _, v := range middle {
		seen[v] = true
	}
	for range from.depth {
		var before []string
		for _, v := range level {
			for _, e := range from.toward[v] {
				u := otherEnd(e, v)
				ahead[u] = append(ahead[u], e)
				if !seen[u] {
					seen[u] = true
					before = append(before, u)
				}
			}
		}
		level = before
	}
	return cg.FirstPaths(from.end, to.end, func(u string, k int) []cg.EdgeRef {
		if k < from.depth {
			return ahead[u]
		}
		return to.toward[u]
	})
}

func stepEdge(rec *nd.Record) (at string, e cg.EdgeRef) {
	m := rec.AsMap()
	return toString(m["at"]), cg.EdgeRef{ID: toString(m["id"]), Kind: cg.EdgeKind(toString(m["kind"])), FromID: toString(m["from"]), ToID: toString(m["to"])}
}

func set(ids []string) map[string]any {
	m := make(map[string]any, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

func otherEnd(e cg.EdgeRef, id string) string {
	if e.FromID == id {
		return e.ToID
	}
	return e.FromID
}

// readTx runs fn as one managed read transaction, routed to readers, with
// the caller's consistency token and deadline as read gives a single
// statement.
func readTx[T any](ctx context.Context, s *Store, op string, fn func(nd.ManagedTransaction) (T, error)) (T, error) {
	var zero T
	cfg := nd.SessionConfig{AccessMode: nd.AccessModeRead, DatabaseName: s.db, BookmarkManager: s.driver.ExecuteQueryBookmarkManager()}
	if token := cg.ConsistencyToken(ctx); token != "" {
		bms, err := decodeToken(token)
		if err != nil {
			return zero, err
		}
		cfg.BookmarkManager = nd.NewBookmarkManager(nd.BookmarkManagerConfig{InitialBookmarks: bms})
	}
	sess := s.driver.NewSession(ctx, cfg)
	defer sess.Close(context.Background())
	var domain error
	out, err := retryAcquisition(ctx, func() (T, error) {
		return nd.ExecuteRead(ctx, sess, func(tx nd.ManagedTransaction) (T, error) {
			out, err := fn(tx)
			var ce *cg.Error
			if errors.As(err, &ce) {
				// An answer, not a failure to retry.
				domain = err
				return out, nil
			}
			return out, err
		}, txTimeout(ctx)...)
	})
	if domain != nil {
		return zero, domain
	}
	if err != nil {
		return zero, classify(op, err)
	}
	return out, nil
}

func collect(ctx context.Context, tx nd.ManagedTransaction, cypher string, params map[string]any) ([]*nd.Record, error) {
	res, err := tx.Run(ctx, cypher, params)
	if err != nil {
		return nil, err
	}
	return res.Collect(ctx)
}

func runOne(ctx context.Context, tx nd.ManagedTransaction, cypher string, params map[string]any) (map[string]any, error) {
	recs, err := collect(ctx, tx, cypher, params)
	if err != nil {
		return nil, err
	}
	if len(recs) != 1 {
		return nil, fmt.Errorf("%d records, want 1", len(recs))
	}
	return recs[0].AsMap(), nil
}
