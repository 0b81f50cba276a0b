package neo4j

import (
	"context"
	"fmt"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// Walks of the graph: the shortest paths between two entities and the
// neighbourhood of one (the domain's CheckHops and CheckDepth bound them).

var (
	entityExists = `OPTIONAL MATCH (a:Entity {id: $from})
OPTIONAL MATCH (b:Entity {id: $to})
RETURN a IS NOT NULL AS fromFound, b IS NOT NULL AS toFound`

	// pathsTemplate takes the hop bound as a literal: Cypher does not take
	// variable-length bounds as parameters. Paths are ordered by their
	// sequences of edge ids (lists compare element by element), the order
	// the embedded store walks them in, so the cap keeps the same ones.
	pathsTemplate = `OPTIONAL MATCH (a:Entity {id: $from})
OPTIONAL MATCH (b:Entity {id: $to})
CALL (a, b) {
  WITH a, b WHERE a IS NOT NULL AND b IS NOT NULL
  MATCH p = allShortestPaths((a)-[:%s*..%d]-(b))
  WITH p, [r IN relationships(p) | r.id] AS key
  ORDER BY key LIMIT $maxPaths
  RETURN collect({
    entities: [n IN nodes(p) | n.id],
    edges: [r IN relationships(p) | {id: r.id, kind: type(r), from: startNode(r).id, to: endNode(r).id}]
  }) AS paths
}
RETURN a IS NOT NULL AS fromFound, b IS NOT NULL AS toFound, paths`

	// neighbourhoodTemplate finds the entities within the depth (a literal)
	// with collect(DISTINCT …) over a variable-length pattern, which the
	// planner runs as a breadth-first search that visits each entity once
	// instead of enumerating paths; then the edges among them.
	neighbourhoodTemplate = `MATCH (c:Entity {id: $id})
CALL (c) {
  MATCH (c)-[:%s*0..%d]-(m)
  RETURN collect(DISTINCT m) AS seen
}
CALL (seen) {
  UNWIND seen AS e
  WITH e ORDER BY e.id
  RETURN collect(` + entityProjection + `) AS entities
}
CALL (seen) {
  UNWIND seen AS a
  MATCH (a)-[r:%s]->(t:Entity)
  WHERE t IN seen
  WITH a, r, t ORDER BY r.id
  RETURN collect(` + commitmentProjection + `) AS commitments
}
CALL (seen) {
  UNWIND seen AS a
  MATCH (a)-[r:%s]->(b:Entity)
  WHERE b IN seen
  WITH a, r, b ORDER BY r.id
  RETURN collect(` + relationProjection + `) AS relations
}
RETURN entities, commitments, relations`
)

var (
	// pathsQuery and neighbourhoodQuery hold one statement per allowed
	// bound, selected by the validated int.
	pathsQuery         = map[int]string{}
	neighbourhoodQuery = map[int]string{}
)

func init() {
	for hops := 1; hops <= cg.MaxHops; hops++ {
		pathsQuery[hops] = fmt.Sprintf(pathsTemplate, edgeTypes, hops)
	}
	for depth := 0; depth <= cg.MaxHops; depth++ {
		neighbourhoodQuery[depth] = fmt.Sprintf(neighbourhoodTemplate, edgeTypes, depth, commitmentTypes, relationTypes)
	}
}

func notFound(field, id string) error {
	return cg.UnknownEnd(field, id)
}

// Paths returns every shortest path from fromID to toID of at most maxHops
// edges in either direction (at most cg.MaxPaths), ordered by their sequences of
// edge ids. A path from an entity to itself has no edges.
func (s *Store) Paths(ctx context.Context, fromID, toID string, maxHops int) ([]cg.Path, error) {
	if err := cg.CheckHops(maxHops); err != nil {
		return nil, err
	}
	cypher := pathsQuery[maxHops]
	params := map[string]any{"from": fromID, "to": toID, "maxPaths": int64(cg.MaxPaths)}
	if fromID == toID {
		// allShortestPaths refuses equal ends; the answer needs no search.
		cypher = entityExists
	}
	m, err := s.readOne(ctx, "paths", cypher, params)
	if err != nil {
		return nil, err
	}
	if found, _ := m["fromFound"].(bool); !found {
		return nil, notFound("from", fromID)
	}
	if found, _ := m["toFound"].(bool); !found {
		return nil, notFound("to", toID)
	}
	if fromID == toID {
		return []cg.Path{{EntityIDs: []string{fromID}, Edges: []cg.EdgeRef{}}}, nil
	}
	rows, _ := m["paths"].([]any)
	out := make([]cg.Path, 0, len(rows))
	for _, row := range rows {
		pm := asMap(row)
		p := cg.Path{EntityIDs: toStrings(pm["entities"]), Edges: []cg.EdgeRef{}}
		for _, e := range asList(pm["edges"]) {
			em := asMap(e)
			p.Edges = append(p.Edges, cg.EdgeRef{ID: toString(em["id"]), Kind: cg.EdgeKind(toString(em["kind"])),
				FromID: toString(em["from"]), ToID: toString(em["to"])})
		}
		out = append(out, p)
	}
	return out, nil
}

// Neighbourhood returns the entities within depth edges of id and the
// commitments and relations among them, each ordered by id.
func (s *Store) Neighbourhood(ctx context.Context, id string, depth int) (*cg.Subgraph, error) {
	if err := cg.CheckDepth(depth); err != nil {
		return nil, err
	}
	cypher := neighbourhoodQuery[depth]
	recs, err := s.read(ctx, "neighbourhood", cypher, map[string]any{"id": id})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, notFound("id", id)
	}
	m := recs[0].AsMap()
	g := &cg.Subgraph{Entities: []*cg.Entity{}, Commitments: []*cg.Commitment{}, Relations: []*cg.Relation{}}
	if g.Entities, err = decodeEntities(m["entities"]); err != nil {
		return nil, err
	}
	if g.Commitments, err = decodeAll(asList(m["commitments"]), decodeCommitment); err != nil {
		return nil, err
	}
	if g.Relations, err = decodeAll(asList(m["relations"]), decodeRelation); err != nil {
		return nil, err
	}
	return g, nil
}

var _ cg.Store = (*Store)(nil)
