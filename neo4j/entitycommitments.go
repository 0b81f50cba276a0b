package neo4j

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

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
	order, _, _ := q.Parse() // entityCommitmentsQuery parsed it
	light, err := s.expandsOnly(ctx, cypher, q.Side, q.EntityIDs, q.Kinds, order, q.Page.First)
	if err != nil {
		return nil, err
	}
	if light {
		s.planAhead(cypher, params)
		if cypher, params, err = entityPagesQuery(q, false); err != nil {
			return nil, err
		}
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
// parameters for entities that may be dense in a type (the statement
// with the types' index reads).
func entityCommitmentsQuery(q cg.EntityCommitmentsQuery) (string, map[string]any, error) {
	return entityPagesQuery(q, true)
}

// entityPagesQuery builds EntityCommitments' statement and its
// parameters; indexes: with the branches that read a type's index for an
// entity dense in it (expandsOnly).
func entityPagesQuery(q cg.EntityCommitmentsQuery, indexes bool) (string, map[string]any, error) {
	order, after, err := q.Parse()
	if err != nil {
		return "", nil, err
	}
	sel, params := newEntitySelection(q.Side, q.Kinds, q.Statuses, order, after, q.Page.First, indexes)
	params["entities"] = orNil(slices.Compact(slices.Sorted(slices.Values(q.EntityIDs))))
	params["perPage"] = int64(math.MaxInt32)
	if q.Page.First > 0 {
		params["perPage"] = int64(q.Page.First)
	}
	total := sel.total("id, page, ")
	if q.Page.First == 0 && after == nil {
		total = entityWholeTotal
	}
	page := sel.rows + sel.limited() + "\n  RETURN collect(" + commitmentProjection + ") AS page"
	cypher := fmt.Sprintf(entityCommitmentsTemplate, sel.side.node, sel.degrees+sel.dense, sel.imports, page, total,
		slimEntityProjection, sourceProjection)
	return cypher, params, nil
}

// entitySelection is the commitments on one side of each entity of
// $entities that kinds and statuses select, as the parts of a statement
// that reads them entity by entity after `UNWIND $entities AS id MATCH
// (<side.node>:Entity {id: id})`. The entity page (EntityCommitments) and
// the listing filtered by actors only or by targets only (Commitments,
// sideListing) share it, so that a giant entity's commitments are read in
// a type's index order and counted from its degrees in both.
type entitySelection struct {
	side  entitySide
	order cg.CommitmentOrder
	// degrees and dense are the WITHs that read the entity's degree per
	// type and choose per type whether its index is read ("" when no
	// type is named, or the order or page is not an index's).
	degrees, dense string
	// imports are the page subquery's imports.
	imports string
	// rows is the page subquery up to its rows (r and the other end, the
	// entity imported); limited sorts and cuts them.
	rows string
	// byDegrees: only kinds select, so that the degrees are the total.
	byDegrees bool
	// conds are the filter's conditions, for a total that expands.
	conds []string
	// pattern is the entity's pattern over the selected types.
	pattern string
}

// newEntitySelection builds the selection and its parameters: the
// filter's, the cursor's and $limit, one more than first (which says
// whether there is a next page); indexes: the statement reads a type's
// index for an entity dense in it where the order and page allow
// (readsIndexes), else every entity expands (expandsOnly).
func newEntitySelection(side cg.Side, kinds []cg.EdgeKind, statuses []cg.Status, order cg.CommitmentOrder,
	after *cg.CursorKey, first int, indexes bool) (entitySelection, map[string]any) {
	conds, params := commitmentConds(cg.CommitmentFilter{Kinds: kinds, Statuses: statuses})
	pageConds := conds
	if after != nil {
		pageConds = append(slices.Clone(conds), afterCursor[order])
		params["afterKey"], params["afterID"] = after.Key(), after.ID
		params["afterName"], params["afterCount"] = after.Name, int64(after.Count)
	}
	params["limit"] = int64(math.MaxInt64)
	if first > 0 {
		params["limit"] = int64(first) + 1
	}
	sel := entitySelection{side: entitySideMade, order: order, conds: conds}
	if side == cg.SideReceived {
		sel.side = entitySideReceived
	}
	sel.pattern = fmt.Sprintf(sel.side.pattern, commitmentTypesFor(kinds))
	sel.imports = sel.side.node
	sel.rows = fmt.Sprintf("MATCH %s\n  %s", sel.pattern, where(pageConds))
	if types := filterTypes(kinds); types != nil {
		sel.degrees = sel.side.degrees(types)
		sel.byDegrees = len(statuses) == 0
		if indexes && readsIndexes(types, order, first) {
			sel.imports += ", dense"
			sel.dense = sel.side.dense(types)
			sel.rows = sel.side.densePage(types, order, after, conds, pageConds)
		}
	}
	return sel, params
}

// readsIndexes says whether a selection of types in order with a page
// of first can read the types' indexes (for an entity dense in one).
func readsIndexes(types []cg.EdgeKind, order cg.CommitmentOrder, first int) bool {
	return types != nil && denseOrders[order] && first > 0
}

// expandsOnly says whether a selection's statement can be the one
// without the branches that read a type's index (newEntitySelection's
// indexes), whose full statement is full, over the entities ids on side:
// when Neo4j has not planned full yet (it has not answered: coldPlans)
// and no entity of ids is dense in a type of kinds (the statement's own
// rule, from the same degrees), asked in a round trip of its own.
//
// Neo4j's time to plan a statement grows with its text, and the per-type
// index reads are most of it: the entity page's statement plans in 1.9 s
// with them, 0.28 s without (docs/benchmarks.md, "Planning the store's
// statements (session 15)"), while an entity dense in no type, almost
// every one, expands all its types at once in either. Once full has
// answered its plan is cached, so it runs for every entity without the
// round trip (the warm-up plans it for the common reads). Either
// statement gives the same answer, so the two reads need not share a
// transaction: an entity that turns dense between them is expanded, as a
// small one is.
func (s *Store) expandsOnly(ctx context.Context, full string, side cg.Side, ids []string, kinds []cg.EdgeKind,
	order cg.CommitmentOrder, first int) (bool, error) {
	types := filterTypes(kinds)
	if !readsIndexes(types, order, first) || s.cold.answered(full) {
		return false, nil
	}
	if len(ids) == 0 {
		return true, nil
	}
	es := entitySideMade
	if side == cg.SideReceived {
		es = entitySideReceived
	}
	cypher := fmt.Sprintf(denseProbeTemplate, es.node, es.degrees(types), es.dense(types))
	m, err := s.readOne(ctx, "entity degrees", cypher, map[string]any{
		"entities": slices.Compact(slices.Sorted(slices.Values(ids))), "limit": int64(first) + 1})
	if err != nil {
		return false, err
	}
	dense, _ := m["dense"].(bool)
	return !dense, nil
}

// denseProbeTemplate says whether an entity of $entities is dense in a
// type: %[1]s the anchor variable, %[2]s and %[3]s the WITHs of its
// degrees and of its dense types (entitySide.degrees, dense).
const denseProbeTemplate = `UNWIND $entities AS id
MATCH (%[1]s:Entity {id: id})%[2]s%[3]s
RETURN count(CASE WHEN any(k IN keys(dense) WHERE dense[k]) THEN 1 END) > 0 AS dense`

// limited is the clause that sorts the rows and keeps a page of them.
func (sel entitySelection) limited() string {
	return "\n  WITH a, r, t ORDER BY " + orderBy[sel.order] + " LIMIT $limit"
}

// total is the clause that gives the entity's total as total, carrying
// the variables carry ("x, y, " or "").
func (sel entitySelection) total(carry string) string {
	if sel.byDegrees {
		return fmt.Sprintf(entityDegreeTotal, carry)
	}
	return fmt.Sprintf(entityTotalTemplate, sel.side.node, sel.pattern, where(sel.conds))
}

// filterTypes is the commitment types a kind filter selects, all of them
// for none; nil when it names kinds but no commitment kind (then only its
// `type(r) IN $kinds` condition, which matches nothing, decides).
func filterTypes(kinds []cg.EdgeKind) []cg.EdgeKind {
	if len(kinds) == 0 {
		return cg.CommitmentKinds
	}
	var out []cg.EdgeKind
	for _, k := range cg.CommitmentKinds {
		if slices.Contains(kinds, k) {
			out = append(out, k)
		}
	}
	return out
}

// A giant entity's page. Expanding an entity's commitments and sorting
// them costs its degree: 200k relationships for the top actor at 1M, past
// any deadline. The per-type date and id indexes hold every commitment
// in page order, so reading a type's index in order and keeping the
// entity's finds a page after about limit × (commitments of the type ÷
// the entity's of the type) entries. Both degrees are O(1) to read (the
// entity's from its relationship groups, the type's from the count
// store), so each entity chooses per type in the statement: the index
// when degree² ≥ limit × type count (the two costs equal), the expansion
// otherwise; an entity dense in no type expands all types at once, as a
// small one always did. The totals come from the same degrees when only
// kinds select. A read in the index's order assumes the entity's
// commitments are spread over the type's dates: its worst case is the
// type's whole index, not the graph.

// denseOrders are the orders an index reads in: the date orders from the
// types' date indexes, the id order from their id constraints' indexes.
var denseOrders = map[cg.CommitmentOrder]bool{cg.OrderID: true, cg.OrderDateAsc: true, cg.OrderDateDesc: true}

// entitySide is a side's entity variable (the page's subqueries import
// it), the pattern around it (the listing's (a)-[r]->(t)), the pattern
// that reads a type from its index with the entity as a filter (x, which
// must equal the anchor), and the other end, which a branch returns.
type entitySide struct{ node, other, pattern, indexed, degree string }

var (
	entitySideMade = entitySide{node: "a", other: "t", pattern: "(a)-[r:%s]->(t:Entity)",
		indexed: "(x)-[r:%s]->(t)", degree: "COUNT { (a)-[:%s]->() }"}
	entitySideReceived = entitySide{node: "t", other: "a", pattern: "(a:Entity)-[r:%s]->(t)",
		indexed: "(a)-[r:%s]->(x)", degree: "COUNT { ()-[:%s]->(t) }"}
)

// degrees is the WITH that reads the entity's degree per type into deg.
func (s entitySide) degrees(types []cg.EdgeKind) string {
	parts := make([]string, len(types))
	for i, k := range types {
		parts[i] = fmt.Sprintf("%s: "+s.degree, k, k)
	}
	return fmt.Sprintf("\nWITH id, %s, {%s} AS deg", s.node, strings.Join(parts, ", "))
}

// dense is the WITH that decides per type whether the index is read.
func (s entitySide) dense(types []cg.EdgeKind) string {
	parts := make([]string, len(types))
	for i, k := range types {
		parts[i] = fmt.Sprintf("%[1]s: deg.%[1]s * deg.%[1]s >= $limit * COUNT { ()-[:%[1]s]->() }", k)
	}
	return fmt.Sprintf("\nWITH id, %s, deg, {%s} AS dense", s.node, strings.Join(parts, ", "))
}

// densePage is the page's subquery up to its rows (r and the other end),
// choosing per type (see above).
func (s entitySide) densePage(types []cg.EdgeKind, order cg.CommitmentOrder, after *cg.CursorKey, conds, pageConds []string) string {
	ret := "r, " + s.other
	expand := func(guard, typ string) string {
		return fmt.Sprintf("WITH %s, dense WHERE %s\n    MATCH "+s.pattern+"\n    %s\n    WITH %s ORDER BY %s LIMIT $limit\n    RETURN %s",
			s.node, guard, typ, where(pageConds), ret, orderBy[order], ret)
	}
	var branches []string
	parts := listingParts(order, after, false, false)
	for _, k := range types {
		var b strings.Builder
		fmt.Fprintf(&b, "WITH %s, dense WHERE dense.%s", s.node, k)
		var got []string
		for i, p := range parts {
			index, pc := "id", p.conds
			switch {
			case slices.Contains(p.conds, knownDate):
				index = "date"
			case !slices.ContainsFunc(p.conds, func(c string) bool { return strings.HasPrefix(c, "r.id ") }):
				// The id index's hint needs a predicate on the id.
				pc = append(slices.Clone(pc), `r.id IS NOT NULL`)
			}
			// A later part (unknown dates, which sort last) is read only
			// when the earlier ones left the page short.
			read := fmt.Sprintf("MATCH "+s.indexed+" USING INDEX r:%s(%s)\n      WHERE x = %s%s\n      WITH %s ORDER BY %s LIMIT $limit",
				k, k, index, s.node, andConds(slices.Concat(conds, pc)), ret, p.order)
			if i > 0 {
				// A subquery of its own under the guard, so that the
				// guard runs before the index is read.
				read = fmt.Sprintf("WITH %s WHERE size(%s) < $limit\n      CALL (%s) {\n      %s\n      RETURN %s\n      }",
					s.node, strings.Join(got, " + "), s.node, read, ret)
			}
			name := fmt.Sprintf("p%d", i)
			fmt.Fprintf(&b, "\n    CALL (%s) {\n      %s\n      RETURN collect({r: r, %s: %s}) AS %s\n    }",
				strings.Join(append([]string{s.node}, got...), ", "), read, s.other, s.other, name)
			got = append(got, name)
		}
		fmt.Fprintf(&b, "\n    UNWIND %s AS row\n    RETURN row.r AS r, row.%s AS %s", strings.Join(got, " + "), s.other, s.other)
		branches = append(branches, b.String(), expand("NOT dense."+string(k), string(k)))
	}
	// An entity dense in no type takes one branch that expands every
	// type at once; the per-type branches are not run for it.
	anyDense := "any(k IN keys(dense) WHERE dense[k])"
	return fmt.Sprintf(`CALL (%[1]s, dense) {
    %[2]s
    UNION ALL
    WITH %[1]s, dense WHERE %[3]s
    CALL (%[1]s, dense) {
    %[4]s
    }
    RETURN %[5]s
  }`, s.node, expand("NOT "+anyDense, joinKinds(types)), anyDense,
		strings.Join(branches, "\n    UNION ALL\n    "), ret)
}

var (
	// entityCommitmentsTemplate: %[1]s the anchor variable, %[2]s the
	// WITHs of its degrees, %[3]s the page's imports, %[4]s the page's
	// subquery, %[5]s the total, %[6]s and %[7]s the entity and source
	// projections.
	entityCommitmentsTemplate = `UNWIND $entities AS id
MATCH (%[1]s:Entity {id: id})%[2]s
CALL (%[3]s) {
  %[4]s
}
%[5]s
WITH collect({id: id, total: total, page: page}) AS pages
WITH pages, reduce(rows = [], p IN pages | rows + p.page[..$perPage]) AS rows
CALL (rows) {
  MATCH (e:Entity)
  WHERE e.id IN ` + rowsEntityIDs + `
  WITH e ORDER BY e.id
  RETURN collect(%[6]s) AS entities
}
CALL (rows) {
  MATCH (s:Source)
  WHERE s.id IN ` + rowsSourceIDs + `
  WITH s ORDER BY s.id
  RETURN collect(%[7]s) AS sources
}
RETURN pages, entities, sources`

	// entityTotalTemplate counts an entity's matches: %[1]s the anchor
	// variable, %[2]s its pattern, %[3]s the filter's WHERE.
	entityTotalTemplate = `CALL (%[1]s) {
  MATCH %[2]s
  %[3]s
  RETURN count(r) AS total
}`
	// entityDegreeTotal sums the degrees read before the page, carrying
	// %s.
	entityDegreeTotal = `WITH %sreduce(n = 0, k IN keys(deg) | n + deg[k]) AS total`
	// entityWholeTotal: a page of every match counts itself.
	entityWholeTotal = `WITH id, page, size(page) AS total`
)
