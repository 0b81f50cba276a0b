package neo4j

import (
	"context"
	"fmt"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// Walks of the graph: the neighbourhood of one entity here, the shortest
// paths between two in paths.go (the domain's CheckHops and CheckDepth
// bound them).

var (
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
	// neighbourhoodQuery holds one statement per allowed bound, selected by
	// the validated int.
	neighbourhoodQuery = map[int]string{}
)

func init() {
	for depth := 0; depth <= cg.MaxHops; depth++ {
		neighbourhoodQuery[depth] = fmt.Sprintf(neighbourhoodTemplate, edgeTypes, depth, commitmentTypes, relationTypes)
	}
}

func notFound(field, id string) error {
	return cg.UnknownEnd(field, id)
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
