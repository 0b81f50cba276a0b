package neo4j

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// Listing commitments a page at a time: the filter fragments over the
// live relationships, the keyset orders and cursors, and the one statement
// that returns a page with what it refers to. Reads as of a moment take
// the same shape over the history (history.go).

// Filter fragments (see filter).
const (
	commitmentByID       = `r.id IN $ids`
	commitmentByKind     = `type(r) IN $kinds`
	commitmentByStatus   = `r.status IN $statuses`
	commitmentByActor    = `a.id IN $actors`
	commitmentByTarget   = `t.id IN $targets`
	commitmentBySource   = `EXISTS { MATCH (ev:Evidence {factId: r.id}) WHERE ev.sourceId IN $sources }`
	commitmentByStatedBy = `r.statedBy IN $statedBy`
	// A commitment with an unknown date has no dateStart/dateEnd, so the
	// comparisons are null and exclude it from a bounded range, as
	// cg.Date.Within does.
	commitmentFrom = `r.dateEnd > date($from)`
	commitmentTo   = `r.dateStart < date($to)`
)

// commitmentConds builds the WHERE fragments and parameters of a filter
// over the live relationships (current reads).
func commitmentConds(f cg.CommitmentFilter) ([]string, map[string]any) {
	return filterConds(f, filterFragments{
		id: commitmentByID, kind: commitmentByKind, status: commitmentByStatus, actor: commitmentByActor,
		target: commitmentByTarget, source: commitmentBySource, statedBy: commitmentByStatedBy,
		from: commitmentFrom, to: commitmentTo,
	})
}

// filterFragments names the fragment of each filter field; an empty one
// is not applied here.
type filterFragments struct {
	id, kind, status, actor, target, source, statedBy, from, to string
}

func filterConds(f cg.CommitmentFilter, frag filterFragments) ([]string, map[string]any) {
	q := newFilter(nil)
	q.in(frag.id, "ids", orNil(f.IDs))
	q.in(frag.kind, "kinds", orNil(f.Kinds))
	q.in(frag.status, "statuses", orNil(f.Statuses))
	q.in(frag.actor, "actors", orNil(f.ActorIDs))
	q.in(frag.target, "targets", orNil(f.TargetIDs))
	q.in(frag.source, "sources", orNil(f.SourceIDs))
	q.in(frag.statedBy, "statedBy", orNil(f.StatedByIDs))
	q.dates(frag.from, frag.to, f.From, f.To)
	return q.conds, q.params
}

// Commitments lists the matching commitments a page at a time, with the
// total count and the entities (without their evidence) and sources they
// refer to, in one round trip.
func (s *Store) Commitments(ctx context.Context, f cg.CommitmentFilter, p cg.Page) (*cg.CommitmentPage, error) {
	fromEvidence, err := s.startFromEvidence(ctx, f)
	if err != nil {
		return nil, err
	}
	return s.commitments(ctx, f, p, fromEvidence)
}

// commitments is Commitments with the start of a source filter chosen.
func (s *Store) commitments(ctx context.Context, f cg.CommitmentFilter, p cg.Page, fromEvidence bool) (*cg.CommitmentPage, error) {
	cypher, params, err := commitmentsQuery(f, p, fromEvidence)
	if err != nil {
		return nil, err
	}
	if side, ids, ok := sideListing(f); ok {
		// The listing by actors or by targets without the types' index
		// reads where they are not needed (expandsOnly).
		order, _, _ := cg.ParsePage(p) // commitmentsQuery parsed it
		light, err := s.expandsOnly(ctx, cypher, side, ids, f.Kinds, order, p.First)
		if err != nil {
			return nil, err
		}
		if light {
			s.planAhead(cypher, params)
			cypher, params = sideListingQuery(f, p, false)
		}
	}
	m, err := s.readOne(ctx, "commitments", cypher, params)
	if err != nil {
		return nil, err
	}
	if toInt(m["total"]) == notCounted {
		// The listing counts are not built yet: the total by scan.
		if cypher, params, err = listingQuery(f, p, fromEvidence, false); err != nil {
			return nil, err
		}
		if m, err = s.readOne(ctx, "commitments", cypher, params); err != nil {
			return nil, err
		}
	}
	page := &cg.CommitmentPage{TotalCount: toInt(m["total"])}
	if page.Commitments, err = decodeAll(asList(m["page"]), decodeCommitment); err != nil {
		return nil, err
	}
	if p.First > 0 && len(page.Commitments) > p.First {
		page.Commitments = page.Commitments[:p.First]
		page.HasNextPage = true
	}
	if page.Entities, err = decodeEntities(m["entities"]); err != nil {
		return nil, err
	}
	if page.Sources, err = decodeAll(asList(m["sources"]), decodeSource); err != nil {
		return nil, err
	}
	return page, nil
}

// startFromEvidence says whether a listing of the live commitments under
// f should start from its sources' evidence (liveFilter.fromEvidence):
// when f names sources and no end (an end's index selects fewer), and
// seeking the sources' fact ids in every type's id index costs no more
// than probing every commitment of the types. A seek and a probe cost
// about the same (docs/benchmarks.md), so their numbers are compared; the
// sources' evidence is bounded by their CITES (their evidence's and their
// versions'), which the degree store holds, as the count store holds the
// types' commitments, so the question costs a small round trip whatever
// the sources' size.
func (s *Store) startFromEvidence(ctx context.Context, f cg.CommitmentFilter) (bool, error) {
	if len(f.SourceIDs) == 0 || f.AsOf != nil || len(f.ActorIDs) > 0 || len(f.TargetIDs) > 0 {
		return false, nil
	}
	types := newLiveFilter(f).types
	m, err := s.readOne(ctx, "commitments: sources' evidence", sourceEvidenceCost(types), map[string]any{"sources": f.SourceIDs})
	if err != nil {
		return false, err
	}
	return toInt(m["cites"])*len(types) <= toInt(m["commitments"]), nil
}

// sourceEvidenceCost counts the commitments of the types and the sources'
// CITES.
func sourceEvidenceCost(types []cg.EdgeKind) string {
	var counts []string
	for _, k := range types {
		counts = append(counts, fmt.Sprintf("MATCH ()-[r:%s]->() RETURN count(r) AS n", k))
	}
	return `CALL () {
  ` + strings.Join(counts, "\n  UNION ALL\n  ") + `
}
WITH sum(n) AS commitments
CALL () {
  MATCH (s:Source) WHERE s.id IN $sources
  RETURN sum(COUNT { (s)<-[:CITES]-() }) AS cites
}
RETURN commitments, cites`
}

// commitmentsQuery builds the one statement of a commitment listing and
// its parameters; fromEvidence starts a listing under sources from their
// evidence (startFromEvidence).
func commitmentsQuery(f cg.CommitmentFilter, p cg.Page, fromEvidence bool) (string, map[string]any, error) {
	return listingQuery(f, p, fromEvidence, true)
}

// listingQuery is commitmentsQuery; counted: the total from the listing
// counts where they cover f (listingcounts.go), else by scan.
func listingQuery(f cg.CommitmentFilter, p cg.Page, fromEvidence, counted bool) (string, map[string]any, error) {
	order, after, err := cg.ParsePage(p)
	if err != nil {
		return "", nil, err
	}
	// A listing of every match counts them as it lists them.
	whole := p.First == 0 && after == nil
	var cypher string
	var params map[string]any
	setPage := func(after *cg.CursorKey) {
		if after != nil {
			params["afterKey"], params["afterID"] = after.Key(), after.ID
			params["afterName"], params["afterCount"] = after.Name, int64(after.Count)
		}
		// One more than asked for says whether there is a next page. List
		// slices take 32-bit bounds.
		params["limit"], params["pageSize"] = int64(math.MaxInt64), int64(math.MaxInt32)
		if p.First > 0 {
			params["limit"], params["pageSize"] = int64(p.First)+1, int64(p.First)
		}
	}
	if f.AsOf != nil {
		var idCond string
		var conds []string
		idCond, conds, params = versionConds(f)
		pageConds := conds
		if after != nil {
			pageConds = append(slices.Clone(conds), versionAfter[order])
		}
		setPage(after)
		cypher = fmt.Sprintf(asOfCommitmentsTemplate, idCond, andConds(pageConds), versionOrderBy[order])
		if whole {
			cypher += wholeTotal
		} else {
			cypher = fmt.Sprintf(asOfTotalTemplate, idCond, andConds(conds)) + cypher
		}
	} else if _, _, ok := sideListing(f); ok {
		cypher, params = sideListingQuery(f, p, true)
		return cypher, params, nil
	} else {
		l := newLiveFilter(f)
		// The total from the listing counts where they cover the filter
		// (listingcounts.go), decided before the page's start.
		countedTotal := ""
		if counted {
			countedTotal = l.countedTotal(f)
		}
		if fromEvidence && len(f.SourceIDs) > 0 {
			l = l.fromEvidence()
		}
		params = l.params
		setPage(after)
		dated := f.From.Known() || f.To.Known()
		end := liveEnd(p)
		switch {
		case whole:
			cypher = l.page(order, after, dated, end.projection) + wholeTotal
		case countedTotal != "":
			cypher = countedTotal + l.page(order, after, dated, end.projection)
		default:
			cypher = l.total() + l.page(order, after, dated, end.projection)
		}
		return cypher + end.related, params, nil
	}
	cypher += relatedReturn
	return cypher, params, nil
}

// listingEnd is how a live listing reads its commitments and what it
// returns beside them.
type listingEnd struct{ projection, related string }

// liveEnd is a live listing's end: a bare page (cg.Page.Bare) reads no
// evidence and no related items.
func liveEnd(p cg.Page) listingEnd {
	if p.Bare {
		return listingEnd{bareCommitmentProjection, bareReturn}
	}
	return listingEnd{commitmentProjection, relatedReturn}
}

// sideListing says whether a listing of the live commitments under f is
// the entity page's selection (entitySelection) of the side of ids: when
// f names actors only or targets only, besides kinds and statuses. Their
// pattern anchors on the entities' index already, but expanding a giant
// actor's relationships to sort them costs its degree (200k at 1M), and
// counting them as much; the selection reads a type's index in order for
// an entity dense in it and counts from the degrees.
func sideListing(f cg.CommitmentFilter) (cg.Side, []string, bool) {
	if f.AsOf != nil || len(f.IDs) > 0 || len(f.SourceIDs) > 0 || len(f.StatedByIDs) > 0 || f.From.Known() || f.To.Known() {
		return "", nil, false
	}
	switch {
	case len(f.ActorIDs) > 0 && len(f.TargetIDs) == 0:
		return cg.SideMade, f.ActorIDs, true
	case len(f.TargetIDs) > 0 && len(f.ActorIDs) == 0:
		return cg.SideReceived, f.TargetIDs, true
	}
	return "", nil, false
}

// sideListingQuery is commitmentsQuery's statement for a listing by
// actors only or by targets only (sideListing) of a page p that parses;
// indexes: with the branches that read a type's index for an entity
// dense in it (expandsOnly).
func sideListingQuery(f cg.CommitmentFilter, p cg.Page, indexes bool) (string, map[string]any) {
	side, ids, _ := sideListing(f)
	order, after, _ := cg.ParsePage(p)
	sel, params := newEntitySelection(side, f.Kinds, f.Statuses, order, after, p.First, indexes)
	// $limit is newEntitySelection's; $pageSize leaves out the row that
	// says there is a next page.
	params["pageSize"] = int64(math.MaxInt32)
	if p.First > 0 {
		params["pageSize"] = int64(p.First)
	}
	params["entities"] = orNil(slices.Compact(slices.Sorted(slices.Values(ids))))
	return sel.listing(p.First == 0 && after == nil, liveEnd(p)), params
}

// listing is the statement of a listing over the selection: each entity's
// page (a commitment has one actor and one target, so the entities' pages
// are disjoint) merged by the order, and the sum of their totals; whole:
// a listing of every match counts itself.
func (sel entitySelection) listing(whole bool, end listingEnd) string {
	anchor := fmt.Sprintf("UNWIND $entities AS id\n  MATCH (%s:Entity {id: id})", sel.side.node)
	page := fmt.Sprintf(`CALL () {
  %s%s%s
  CALL (%s) {
  %s%s
  RETURN r, %s
  }
  WITH a, r, t ORDER BY %s LIMIT $limit
  RETURN collect(%s) AS page
}`, anchor, sel.degrees, sel.dense, sel.imports, sel.rows, sel.limited(), sel.side.other, orderBy[sel.order], end.projection)
	if whole {
		return page + wholeTotal + end.related
	}
	return fmt.Sprintf(`CALL () {
  %s%s
  %s
  RETURN sum(total) AS total
}
`, anchor, sel.degrees, sel.total("")) + page + end.related
}

var (
	// wholeTotal is the total of a listing without a page size or cursor.
	wholeTotal = `
WITH page, size(page) AS total`
)

// The end of a commitment listing: the page with what its commitments
// refer to, in the same round trip, the entities without their evidence
// (cg.CommitmentPage). The page holds one commitment more than asked for
// when there is a next page; $pageSize leaves it out. Each related item is
// matched once, through the id constraints' indexes.
var (
	relatedReturn = `
CALL (page) {
  WITH page[..$pageSize] AS rows
  MATCH (e:Entity)
  WHERE e.id IN ` + rowsEntityIDs + `
  WITH e ORDER BY e.id
  RETURN collect(` + slimEntityProjection + `) AS entities
}
CALL (page) {
  WITH page[..$pageSize] AS rows
  MATCH (s:Source)
  WHERE s.id IN ` + rowsSourceIDs + `
  WITH s ORDER BY s.id
  RETURN collect(` + sourceProjection + `) AS sources
}
RETURN total, page, entities, sources`

	// bareReturn ends a bare page: nothing related is read.
	bareReturn = `
RETURN total, page, [] AS entities, [] AS sources`
)

// Keyset pagination: each order's sort and its "after the cursor"
// predicate, following cg.CursorKey's order. The date string is the sort
// key of the date orders (cg.SortKey): it sorts in date order, and ""
// (unknown) goes last in both directions; ties are broken by id. The name
// and count orders sort by their key first, then as DATE_ASC. The actor's
// name is its lowerName (cg.FoldName of its name, as the cursor holds it);
// the evidence count is the one Load and the writes store; the number of
// sources is counted from the Evidence nodes (a stored count would be
// missing from graphs loaded before it existed).
const (
	liveSourceCount = `size(COLLECT { MATCH (ev:Evidence {factId: r.id}) RETURN DISTINCT ev.sourceId })`
	dateAscAfter    = `(CASE WHEN $afterKey = '' THEN r.date = '' AND r.id > $afterID
      ELSE r.date = '' OR r.date > $afterKey OR (r.date = $afterKey AND r.id > $afterID) END)`
)

var (
	orderBy = map[cg.CommitmentOrder]string{
		cg.OrderID:                `r.id`,
		cg.OrderDateAsc:           `r.date = '', r.date, r.id`,
		cg.OrderDateDesc:          `r.date = '', r.date DESC, r.id`,
		cg.OrderActorName:         `a.lowerName, r.date = '', r.date, r.id`,
		cg.OrderEvidenceCountDesc: `r.evidenceCount DESC, r.date = '', r.date, r.id`,
		cg.OrderSourceCountDesc:   liveSourceCount + ` DESC, r.date = '', r.date, r.id`,
	}
	afterCursor = map[cg.CommitmentOrder]string{
		cg.OrderID:      `r.id > $afterID`,
		cg.OrderDateAsc: dateAscAfter,
		cg.OrderDateDesc: `(CASE WHEN $afterKey = '' THEN r.date = '' AND r.id > $afterID
      ELSE r.date = '' OR r.date < $afterKey OR (r.date = $afterKey AND r.id > $afterID) END)`,
		cg.OrderActorName:         `(a.lowerName > $afterName OR (a.lowerName = $afterName AND ` + dateAscAfter + `))`,
		cg.OrderEvidenceCountDesc: `(r.evidenceCount < $afterCount OR (r.evidenceCount = $afterCount AND ` + dateAscAfter + `))`,
		cg.OrderSourceCountDesc: `(` + liveSourceCount + ` < $afterCount OR (` + liveSourceCount + ` = $afterCount AND ` +
			dateAscAfter + `))`,
	}
)
