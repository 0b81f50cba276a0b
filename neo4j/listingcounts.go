package neo4j

import (
	"context"
	"fmt"
	"slices"
	"strings"

	cg "github.com/coalitiongraph/coalitiongraph"
	nd "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// The maintained listing totals. A listing's page reads in index order and
// stops at its limit, but its exact total reads every match: under a
// source, a probe of every commitment's evidence (1M EXISTS at a
// million); under a date range, every entry of the types' date indexes in
// the range (~117k for a month at a million). So the totals those two
// filters ask for are kept as counts, beside the matrix counts
// (matrixrows.go) and with them:
//
//   - (:ListingDateCount {kind, key, n}): the number of live commitments
//     of type kind whose date sort key (cg.Date.String(): "2025",
//     "2025-03", "2025-03-14") is key. A range's total is the sum over
//     the keys its conditions select (dateKeys, on c.key instead of
//     r.date), an index range seek of a few dozen nodes per type.
//     Unknown dates ("") are not kept: no range selects them.
//   - (:ListingSourceCount {kind, sourceId, n}): the number of live
//     commitments of type kind with evidence citing the source, once per
//     commitment however many of its evidence cite it.
//
// One node per pair, with a scalar n changed by SET c.n = c.n + d: that
// form takes the node's write lock before reading n (the operations
// manual on lost updates), which a list per node updated by index would
// not. They are built with the matrix counts (matrixFormat 3, buildMatrix)
// and so exist exactly where f.matrixCounts says the matrix counts do; a
// read checks that mark in its statement and scans without it.
//
// Who changes them:
//   - the API's writes (record, change, retract): the plan knows the
//     commitment's live state (the latest version) and its next one, so
//     the batch's changes are summed in Go (listingApplyParams) and applied
//     once per wave of the batch (runPlans), in key order, before the
//     wave's statements (the last of which takes the counter). A status change that keeps the date and the
//     sources changes nothing and takes no lock; the one statement
//     takes the batch's count locks in one order (dates, then sources,
//     each sorted), so two batches cannot take them in opposite orders.
//   - Load's upsert and pruneMoved: the old values are read in the
//     statement (r.date, the evidence's sources before writeEvidence
//     replaces them) and applied after matrixApply (listingApplyList),
//     in key order within the statement.
//   - clear and buildMatrix: deleted and built again from the graph.

var listingCountSchema = []string{
	`CREATE CONSTRAINT listing_date_count IF NOT EXISTS FOR (n:ListingDateCount) REQUIRE (n.kind, n.key) IS UNIQUE`,
	`CREATE CONSTRAINT listing_source_count IF NOT EXISTS FOR (n:ListingSourceCount) REQUIRE (n.sourceId, n.kind) IS UNIQUE`,
}

// listingDelta is a change of one count: of the date key or of the source
// (one of them set), for the kind.
type listingDelta struct {
	kind, key, source string
	n                 int
}

// listingKeys are c's counted keys: its date key (none when unknown) and
// its distinct sources.
func listingKeys(c *cg.Commitment) (date string, sources []string) {
	for _, ev := range c.Evidence {
		if !slices.Contains(sources, ev.SourceID) {
			sources = append(sources, ev.SourceID)
		}
	}
	return c.Date.String(), sources
}

// listingDeltas is the change in the counts from the live commitment old
// to new (nil for none: a record has no old, a retraction no new): -1 for
// each of old's keys, +1 for each of new's. listingApplyParams sums them,
// so a change that keeps a key changes nothing there.
func listingDeltas(old, new *cg.Commitment) []listingDelta {
	var out []listingDelta
	add := func(c *cg.Commitment, n int) {
		if c == nil || c.Retracted {
			return
		}
		date, sources := listingKeys(c)
		if date != "" {
			out = append(out, listingDelta{kind: string(c.Kind), key: date, n: n})
		}
		for _, s := range sources {
			out = append(out, listingDelta{kind: string(c.Kind), source: s, n: n})
		}
	}
	add(old, -1)
	add(new, 1)
	return out
}

// listingApplyParams sums deltas per count and orders them as every
// writer takes their locks: dates by key then kind, sources by id then
// kind. Nil when nothing changes.
func listingApplyParams(deltas []listingDelta) map[string]any {
	sum := map[listingDelta]int{}
	for _, d := range deltas {
		n := d.n
		d.n = 0
		sum[d] += n
	}
	var keys []listingDelta
	for d, n := range sum {
		if n != 0 {
			d.n = n
			keys = append(keys, d)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	slices.SortFunc(keys, func(a, b listingDelta) int {
		return strings.Compare(a.key+"\x00"+a.source+"\x00"+a.kind, b.key+"\x00"+b.source+"\x00"+b.kind)
	})
	dates, sources := []any{}, []any{}
	for _, d := range keys {
		if d.source != "" {
			sources = append(sources, map[string]any{"kind": d.kind, "source": d.source, "n": int64(d.n)})
		} else {
			dates = append(dates, map[string]any{"kind": d.kind, "key": d.key, "n": int64(d.n)})
		}
	}
	return map[string]any{"dates": dates, "sources": sources}
}

// listingApply applies listingApplyParams' changes, dates first.
const listingApply = `CALL () {
  UNWIND $dates AS d
  MERGE (c:ListingDateCount {kind: d.kind, key: d.key})
  SET c.n = coalesce(c.n, 0) + d.n
}
CALL () {
  UNWIND $sources AS d
  MERGE (c:ListingSourceCount {sourceId: d.source, kind: d.kind})
  SET c.n = coalesce(c.n, 0) + d.n
}`

// applyListingDeltas runs listingApply for deltas in tx.
func applyListingDeltas(ctx context.Context, tx nd.ManagedTransaction, deltas []listingDelta) error {
	params := listingApplyParams(deltas)
	if params == nil {
		return nil
	}
	return run(ctx, tx, listingApply, params)
}

// countChange is matrixChange with the listing counts' keys: the date
// key and the list of distinct sources.
func countChange(actor, kind, status, n, ev, date, sources string) string {
	return fmt.Sprintf("{actor: %s, kind: %s, status: %s, n: %s, ev: %s, date: %s, sources: %s}", actor, kind, status, n, ev, date, sources)
}

// Cypher expressions of a commitment's sources for countChange: the live
// relationship r's (its Evidence nodes, read before they are replaced)
// and a row's.
const (
	liveSources = `COLLECT { MATCH (ev:Evidence {factId: r.id}) RETURN DISTINCT ev.sourceId }`
	rowSources  = `reduce(ids = [], it IN row.evidence | CASE WHEN it.sourceId IN ids THEN ids ELSE ids + it.sourceId END)`
)

// listingApplyList applies the listing counts' part of the changes in
// mx (as matrixApplyList, which it follows): the changes with a status
// (a relationship that was or is), summed per count, in key order.
func listingApplyList(depth int) string {
	unwind, from := unwindNested(depth)
	return `
  CALL (mx) {
    ` + unwind + `UNWIND ` + from + ` AS d
    WITH d WHERE d.status IS NOT NULL AND d.date > ''
    WITH d.date AS key, d.kind AS kind, sum(d.n) AS dn
    WHERE dn <> 0
    WITH key, kind, dn ORDER BY key, kind
    MERGE (c:ListingDateCount {kind: kind, key: key})
    SET c.n = coalesce(c.n, 0) + dn
  }
  CALL (mx) {
    ` + unwind + `UNWIND ` + from + ` AS d
    WITH d WHERE d.status IS NOT NULL
    UNWIND d.sources AS source
    WITH source, d.kind AS kind, sum(d.n) AS dn
    WHERE dn <> 0
    WITH source, kind, dn ORDER BY source, kind
    MERGE (c:ListingSourceCount {sourceId: source, kind: kind})
    SET c.n = coalesce(c.n, 0) + dn
  }`
}

// Building the counts (buildMatrix, after matrixClear has deleted them):
// a scan of every commitment, grouped, and for the sources a seek of each
// commitment's evidence.
var (
	listingClear = `CALL () {
  MATCH (c:ListingDateCount)
  DELETE c
}
CALL () {
  MATCH (c:ListingSourceCount)
  DELETE c
}`

	listingBuild = `CALL () {
  MATCH ()-[r:` + commitmentTypes + `]->() WHERE r.date > ''
  WITH type(r) AS kind, r.date AS key, count(*) AS n
  CREATE (:ListingDateCount {kind: kind, key: key, n: n})
}
CALL () {
  MATCH ()-[r:` + commitmentTypes + `]->()
  UNWIND ` + liveSources + ` AS source
  WITH type(r) AS kind, source, count(*) AS n
  CREATE (:ListingSourceCount {sourceId: source, kind: kind, n: n})
}`
)

// countedTotal is the CALL that gives the total of the listing under f
// from the listing counts when f is exactly what one count covers (a
// date range, or one source, with kinds or without); "" for other
// filters. Its parameters go into l.params. Where the counts are not
// maintained the total is notCounted, and Commitments asks again with
// the scan: a scan beside the counts in the same statement, behind a
// condition on the mark, is planned and run whatever the mark says
// (TestListingCountsPlan saw every type's commitments read).
func (l liveFilter) countedTotal(f cg.CommitmentFilter) string {
	var counted []string
	switch {
	case l.anchored || l.evidence:
		return ""
	case len(l.conds) == 0 && l.dates != nil:
		for _, d := range l.dates {
			var conds []string
			for _, c := range d {
				conds = append(conds, strings.ReplaceAll(c, "r.date", "c.key"))
			}
			counted = append(counted, fmt.Sprintf("MATCH (c:ListingDateCount) WHERE c.kind IN $countKinds AND %s\n    RETURN c.n AS n",
				strings.Join(conds, " AND ")))
		}
	case len(l.conds) == 1 && l.conds[0] == commitmentBySource && l.dates == nil && len(f.SourceIDs) == 1:
		l.params["countSource"] = f.SourceIDs[0]
		counted = []string{"MATCH (c:ListingSourceCount {sourceId: $countSource}) WHERE c.kind IN $countKinds\n    RETURN c.n AS n"}
	default:
		return ""
	}
	kinds := make([]string, len(l.types))
	for i, k := range l.types {
		kinds[i] = string(k)
	}
	l.params["countKinds"], l.params["feed"], l.params["mxFormat"] = kinds, feedID, int64(matrixFormat)
	return `OPTIONAL MATCH (f:ChangeFeed {id: $feed})
WITH coalesce(f.matrixCounts = $mxFormat, false) AS maintained
CALL () {
  CALL () {
    ` + strings.Join(counted, "\n    UNION ALL\n    ") + `
  }
  RETURN sum(n) AS counted
}
WITH CASE WHEN maintained THEN counted ELSE -1 END AS total
`
}

// notCounted is countedTotal's total where the counts are not maintained.
const notCounted = -1
