package neo4j

import (
	"context"
	"fmt"
	"math"
	"slices"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// EntityCommitments pages the commitments of many entities in one
// statement: each entity is found by its id constraint's index, and for
// each, in its own subquery, the listing's filter fragments, keyset order
// and cursor predicate (commitments.go) count its commitments and take one
// page of them, ORDER BY … LIMIT, with the listing's projection. What the
// pages refer to comes in the same round trip.
func (s *Store) EntityCommitments(ctx context.Context, q cg.EntityCommitmentsQuery) (*cg.EntityCommitments, error) {
	cypher, params, err := entityCommitmentsQuery(q)
	if err != nil {
		return nil, err
	}
	m, err := s.readOne(ctx, "entity commitments", cypher, params)
	if err != nil {
		return nil, err
	}
	res := &cg.EntityCommitments{Pages: map[string]*cg.EntityPage{}}
	for _, v := range asList(m["pages"]) {
		pm := asMap(v)
		p := &cg.EntityPage{TotalCount: toInt(pm["total"])}
		if p.Commitments, err = decodeAll(asList(pm["page"]), decodeCommitment); err != nil {
			return nil, err
		}
		if q.Page.First > 0 && len(p.Commitments) > q.Page.First {
			p.Commitments, p.HasNextPage = p.Commitments[:q.Page.First], true
		}
		res.Pages[toString(pm["id"])] = p
	}
	if res.Entities, err = decodeEntities(m["entities"]); err != nil {
		return nil, err
	}
	if res.Sources, err = decodeAll(asList(m["sources"]), decodeSource); err != nil {
		return nil, err
	}
	res.FillPages(q)
	return res, nil
}

// entityCommitmentsQuery builds EntityCommitments' statement and its
// parameters.
func entityCommitmentsQuery(q cg.EntityCommitmentsQuery) (string, map[string]any, error) {
	order, after, err := q.Parse()
	if err != nil {
		return "", nil, err
	}
	conds, params := commitmentConds(cg.CommitmentFilter{Kinds: q.Kinds, Statuses: q.Statuses})
	ids := slices.Compact(slices.Sorted(slices.Values(q.EntityIDs)))
	params["entities"] = orNil(ids)
	pageConds := conds
	if after != nil {
		pageConds = append(slices.Clone(conds), afterCursor[order])
		params["afterKey"], params["afterID"] = after.Key(), after.ID
		params["afterName"], params["afterCount"] = after.Name, int64(after.Count)
	}
	// One more than asked for says whether there is a next page.
	params["limit"], params["perPage"] = int64(math.MaxInt64), int64(math.MaxInt32)
	if q.Page.First > 0 {
		params["limit"], params["perPage"] = int64(q.Page.First)+1, int64(q.Page.First)
	}
	anchor := entityAnchorMade
	if q.Side == cg.SideReceived {
		anchor = entityAnchorReceived
	}
	pattern := fmt.Sprintf(anchor.pattern, commitmentTypesFor(q.Kinds))
	total := fmt.Sprintf(entityTotalTemplate, anchor.node, pattern, where(conds))
	if q.Page.First == 0 && after == nil {
		total = entityWholeTotal
	}
	cypher := fmt.Sprintf(entityCommitmentsTemplate, anchor.node, pattern, where(pageConds), orderBy[order],
		commitmentProjection, total, slimEntityProjection, sourceProjection)
	return cypher, params, nil
}

// entityAnchor is the side's entity variable (the page's subqueries import
// it) and the pattern around it, the listing's (a)-[r]->(t).
type entityAnchor struct{ node, pattern string }

var (
	entityAnchorMade     = entityAnchor{node: "a", pattern: "(a)-[r:%s]->(t:Entity)"}
	entityAnchorReceived = entityAnchor{node: "t", pattern: "(a:Entity)-[r:%s]->(t)"}
)

var (
	// entityCommitmentsTemplate: %[1]s the anchor variable, %[2]s its
	// pattern, %[3]s the page's WHERE, %[4]s the order, %[5]s the
	// commitment projection, %[6]s the total, %[7]s and %[8]s the entity
	// and source projections.
	entityCommitmentsTemplate = `UNWIND $entities AS id
MATCH (%[1]s:Entity {id: id})
CALL (%[1]s) {
  MATCH %[2]s
  %[3]s
  WITH a, r, t ORDER BY %[4]s LIMIT $limit
  RETURN collect(%[5]s) AS page
}
%[6]s
WITH collect({id: id, total: total, page: page}) AS pages
WITH pages, reduce(rows = [], p IN pages | rows + p.page[..$perPage]) AS rows
CALL (rows) {
  MATCH (e:Entity)
  WHERE e.id IN [c IN rows | c.actor] + [c IN rows | c.target] + [c IN rows WHERE c.statedBy <> '' | c.statedBy]
  WITH e ORDER BY e.id
  RETURN collect(%[7]s) AS entities
}
CALL (rows) {
  MATCH (s:Source)
  WHERE s.id IN reduce(ids = [], c IN rows | ids + [ev IN c.evidence | ev.sourceId])
  WITH s ORDER BY s.id
  RETURN collect(%[8]s) AS sources
}
RETURN pages, entities, sources`

	// entityTotalTemplate counts an entity's matches: %[1]s the anchor
	// variable, %[2]s its pattern, %[3]s the filter's WHERE.
	entityTotalTemplate = `CALL (%[1]s) {
  MATCH %[2]s
  %[3]s
  RETURN count(r) AS total
}`
	// entityWholeTotal: a page of every match counts itself.
	entityWholeTotal = `WITH id, page, size(page) AS total`
)
