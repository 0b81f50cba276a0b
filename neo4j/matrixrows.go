package neo4j

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	nd "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// The maintained matrix. The unfiltered matrix is the common read, and
// one aggregation over every commitment per page costs seconds at a
// million; so each actor's row is kept on its Entity node, changed in the
// transaction of every write that creates, changes or deletes a
// commitment relationship:
//
//   - e.matrixCells: the number of e's commitments per kind and status,
//     a list of len(cg.CommitmentKinds)×len(cg.Statuses) counts at
//     matrixCellIndex (per-status counts, so that a status change or a
//     removal is a decrement, and the firmest status is read from them);
//   - e.matrixEvidence: the sum of their evidence counts per kind;
//   - e.matrixTotal: the row's total, with a range index that gives the
//     matrix's order, so that a page reads its rows from the index and
//     sorts only the ties of its last total.
//
// The three are absent on an entity with no commitments, as the row is,
// so the number of rows is a count of the total's index (the actors with
// commitments, not their commitments). The change feed's counter node
// says the counts are maintained (f.matrixCounts), set where they were
// built; a write does not touch it (the counter is the most contended
// lock of all, see docs/benchmarks.md on the group commit). A graph
// without it (an imported one, or one written before the counts existed)
// has them built in one transaction when the store first reaches it
// (ensureSchema), and until then the matrix is aggregated.
//
// Every write path hands matrixApply the changes it made as rows of
// (actor, kind, status, dn, dev): +1 and the evidence count for a
// relationship written, -1 and minus the evidence count for the one it
// replaced or deleted (the old values read in the same statement before
// the SET or DELETE), a null status where there was none. The counts then
// equal the aggregation by construction on every path: an unchanged
// reload writes no relationship and so sends no change.

// The stripes. Counts of every actor (counts with no actor filter, the
// matrix's number of rows) would sum every actor's row per request, 2 s at
// a million commitments and 34,000 actors; one node with the totals would
// be written by every write. So the rows are summed into matrixStripes
// (:MatrixStripe {n}) nodes, each actor's into the stripe it was given at
// its first change (e.matrixStripe, at random): st.cells, the sum of its
// actors' matrixCells, and st.rows, the number of its actors with
// commitments. matrixApply changes them in the statement that changes the
// actors' rows, in stripe order, after the actors' locks (batchLocks), so
// that the stripes add no lock cycle; a batch of writes adds all its
// differences to one stripe drawn at random instead (batchStripe). So a
// stripe need not hold the sum of its own actors' rows after a write, but
// the stripes together always hold every actor's counts, and a read sums
// matrixStripes lists.
const matrixStripes = 64

// matrixFormat is f.matrixCounts on a graph whose counts are maintained
// in this form: a graph marked by an earlier one (true: rows without
// stripes; 2: without the listing counts, listingcounts.go) is not
// maintained, and is built again.
const matrixFormat = 3

// batchStripe is the stripe a batch of writes moves (matrixApply's
// $mxStripe), drawn at random.
func batchStripe() int64 { return rand.Int64N(matrixStripes) }

// matrixCellIndex is where the count of kind k and status st is kept in
// an entity's matrixCells; -1 outside the vocabulary.
func matrixCellIndex(k cg.EdgeKind, st cg.Status) int {
	ki, si := kindIndex(k), -1
	for i, s := range cg.Statuses {
		if s == st {
			si = i
		}
	}
	if ki < 0 || si < 0 {
		return -1
	}
	return ki*len(cg.Statuses) + si
}

func kindIndex(k cg.EdgeKind) int {
	for i, x := range cg.CommitmentKinds {
		if x == k {
			return i
		}
	}
	return -1
}

// matrixIndexParams are the positions matrixApply writes at, as
// parameters: kind → status → cell, kind → evidence slot.
var matrixIndexParams = func() map[string]any {
	cells, kinds := map[string]any{}, map[string]any{}
	for _, k := range cg.CommitmentKinds {
		byStatus := map[string]any{}
		for _, st := range cg.Statuses {
			byStatus[string(st)] = int64(matrixCellIndex(k, st))
		}
		cells[string(k)], kinds[string(k)] = byStatus, int64(kindIndex(k))
	}
	return map[string]any{"mxCell": cells, "mxKind": kinds,
		"mxCells": int64(len(cg.CommitmentKinds) * len(cg.Statuses)), "mxKinds": int64(len(cg.CommitmentKinds)),
		"mxStripes": int64(matrixStripes), "mxStripe": nil, "feed": feedID}
}()

// withMatrixParams adds matrixApply's parameters to params, the
// differences going to each actor's stripe ($mxStripe null).
func withMatrixParams(params map[string]any) map[string]any {
	for k, v := range matrixIndexParams {
		params[k] = v
	}
	return params
}

// matrixApply adds the changes in the rows (actor, kind, status, dn, dev)
// to the actors' counts, as one update per actor, then the actors'
// differences to their stripes (matrixStripes), one update per stripe in
// stripe order, each stripe locked (SET st.n) before its sums are read.
// An actor's differences go to its own stripe (e.matrixStripe, given at
// random at its first change), or all to $mxStripe when it is set (a
// batch of writes, batchStripe): the stripes are only ever summed, so
// which stripe holds a difference changes no answer, and a batch that
// takes one stripe at random waits for another batch's commit only when
// the two drew the same one, where the stripes of its actors would make
// most concurrent batches of many actors wait. It ends with an update,
// so it closes a unit subquery (matrixApplyList).
const matrixApply = `
    WITH actor, kind, status, dn, dev WHERE status IS NOT NULL
    WITH actor, $mxCell[kind][status] AS i, $mxKind[kind] AS k, sum(dn) AS cn, sum(dev) AS ce
    WHERE cn <> 0 OR ce <> 0
    WITH actor, collect({i: i, k: k, n: cn, ev: ce}) AS ds
    MATCH (e:Entity {id: actor})
    WITH e, ds, coalesce(e.matrixTotal, 0) > 0 AS had,
         coalesce(e.matrixStripe, toInteger(floor(rand() * $mxStripes))) AS stripe,
         [j IN range(0, $mxCells - 1) | reduce(n = 0, d IN ds | n + CASE WHEN d.i = j THEN d.n ELSE 0 END)] AS diff,
         [j IN range(0, $mxKinds - 1) | reduce(n = coalesce(e.matrixEvidence[j], 0), d IN ds | n + CASE WHEN d.k = j THEN d.ev ELSE 0 END)] AS evidence
    WITH e, had, stripe, diff, evidence, [j IN range(0, $mxCells - 1) | coalesce(e.matrixCells[j], 0) + diff[j]] AS cells
    WITH e, had, stripe, diff, evidence, cells, reduce(n = 0, c IN cells | n + c) AS total
    SET e.matrixTotal = CASE WHEN total = 0 THEN null ELSE total END,
        e.matrixCells = CASE WHEN total = 0 THEN null ELSE cells END,
        e.matrixEvidence = CASE WHEN total = 0 THEN null ELSE evidence END,
        e.matrixStripe = stripe
    WITH coalesce($mxStripe, stripe) AS stripe, collect(diff) AS diffs,
         sum(CASE WHEN total > 0 THEN 1 ELSE 0 END - CASE WHEN had THEN 1 ELSE 0 END) AS dr
    ORDER BY stripe
    MERGE (st:MatrixStripe {n: stripe})
    SET st.n = st.n
    WITH st, diffs, dr
    SET st.cells = [j IN range(0, $mxCells - 1) | reduce(n = coalesce(st.cells[j], 0), v IN diffs | n + v[j])],
        st.rows = coalesce(st.rows, 0) + dr`

// unwindNested unwinds the list mx, nested depth lists deep, to its
// innermost lists: the clauses, and the variable that holds one of them.
func unwindNested(depth int) (clauses, from string) {
	var unwind strings.Builder
	from = "mx"
	for i := 1; i < depth; i++ {
		fmt.Fprintf(&unwind, "UNWIND %s AS mx%d ", from, i)
		from = fmt.Sprintf("mx%d", i)
	}
	return unwind.String(), from
}

// matrixApplyList applies the changes in the list mx, nested depth lists
// deep (1: a list of changes), in a unit subquery that keeps the
// statement's one row.
func matrixApplyList(depth int) string {
	unwind, from := unwindNested(depth)
	return `
  CALL (mx) {
    ` + unwind + `UNWIND ` + from + ` AS d
    WITH d.actor AS actor, d.kind AS kind, d.status AS status, d.n AS dn, d.ev AS dev` + matrixApply + `
  }`
}

// matrixChange is the Cypher map of one change for matrixApplyList.
func matrixChange(actor, kind, status, n, ev string) string {
	return fmt.Sprintf("{actor: %s, kind: %s, status: %s, n: %s, ev: %s}", actor, kind, status, n, ev)
}

// Building the counts where they are missing: clear any left over (a
// graph maintained once, then written by a build without them), then
// apply every commitment as a change. In one transaction that takes the
// counter's lock first (matrixClear's SET), as every write does, so that
// no write runs between; it changes no answer, so it does not advance the
// graph version.
const (
	matrixMaintained = `OPTIONAL MATCH (f:ChangeFeed {id: $feed}) RETURN coalesce(f.matrixCounts = $mxFormat, false) AS maintained`

	matrixClear = `MERGE (f:ChangeFeed {id: $feed})
SET f.matrixCounts = $mxFormat
WITH f
CALL () {
  MATCH (e:Entity) WHERE e.matrixTotal IS NOT NULL
  REMOVE e.matrixTotal, e.matrixCells, e.matrixEvidence
}
CALL () {
  MATCH (st:MatrixStripe)
  DELETE st
}`
)

var matrixBuild = `MATCH (a:Entity)-[r:` + commitmentTypes + `]->(:Entity)
WITH a.id AS actor, type(r) AS kind, r.status AS status, 1 AS dn, coalesce(r.evidenceCount, 0) AS dev` + matrixApply

// ensureMatrix builds the counts if the graph lacks them.
func (s *Store) ensureMatrix(ctx context.Context) error {
	m, err := s.readOne(ctx, "matrix counts", matrixMaintained, map[string]any{"feed": feedID, "mxFormat": matrixFormat})
	if err != nil {
		return err
	}
	if toBool(m["maintained"]) {
		return nil
	}
	return s.buildMatrix(ctx)
}

// AwaitCounts returns once the graph's maintained counts (the matrix's,
// this file, and the listing totals', listingcounts.go) are built,
// building them if no build is under way, or when ctx ends: until then
// the reads they serve aggregate or scan (benchmarks time after it).
func (s *Store) AwaitCounts(ctx context.Context) error {
	for {
		m, err := s.readOne(ctx, "matrix counts", matrixMaintained, map[string]any{"feed": feedID, "mxFormat": matrixFormat})
		if err != nil {
			return err
		}
		if toBool(m["maintained"]) {
			return nil
		}
		s.schemaMu.Lock()
		building := s.matrixStop != nil
		s.schemaMu.Unlock()
		if !building {
			return s.ensureMatrix(ctx)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("neo4j: await the maintained counts: %w", ctx.Err())
		case <-time.After(time.Second):
		}
	}
}

// matrixBuildTimeout bounds a background build (a million commitments
// take seconds to tens of seconds).
const matrixBuildTimeout = 30 * time.Minute

// buildMatrixInBackground builds the counts in a goroutine of their own,
// once per Store, under ensureSchema's lock; Close ends it.
func (s *Store) buildMatrixInBackground() {
	if s.matrixStop != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), matrixBuildTimeout)
	s.matrixStop = cancel
	s.matrixBuild.Add(1)
	go func() {
		defer s.matrixBuild.Done()
		defer cancel()
		// Best effort: without the counts the matrix is aggregated.
		_ = s.ensureMatrix(ctx)
		// Done: AwaitCounts no longer waits for it.
		s.schemaMu.Lock()
		s.matrixStop = nil
		s.schemaMu.Unlock()
	}()
}

// endMatrixBuild stops a background build and waits for it.
func (s *Store) endMatrixBuild() {
	s.schemaMu.Lock()
	stop := s.matrixStop
	s.schemaMu.Unlock()
	if stop != nil {
		stop()
	}
	s.matrixBuild.Wait()
}

// buildMatrix builds the counts from the relationships.
func (s *Store) buildMatrix(ctx context.Context) error {
	sess := s.session(ctx, nd.AccessModeWrite)
	defer sess.Close(context.Background())
	_, err := nd.ExecuteWrite(ctx, sess, func(tx nd.ManagedTransaction) (bool, error) {
		if err := run(ctx, tx, matrixClear, map[string]any{"feed": feedID, "mxFormat": matrixFormat}); err != nil {
			return false, err
		}
		if err := run(ctx, tx, listingClear, nil); err != nil {
			return false, err
		}
		if err := run(ctx, tx, matrixBuild, withMatrixParams(map[string]any{})); err != nil {
			return false, err
		}
		return true, run(ctx, tx, listingBuild, nil)
	}, txTimeout(ctx)...)
	if err != nil {
		return classify("build matrix counts", err)
	}
	return nil
}

// maintainedMatrixPage reads a page of rows from the counts: $limit rows
// (one more than asked for) at or below $maxTotal, in index order of the
// total, the ties after the cursor's actor; the number of rows from the
// stripes (a count of the total's index reads every actor with
// commitments, 50,000 at a million); and whether the counts are
// maintained.
const maintainedMatrixPage = `OPTIONAL MATCH (f:ChangeFeed {id: $feed})
WITH coalesce(f.matrixCounts = $mxFormat, false) AS maintained
CALL (maintained) {
  WITH maintained WHERE maintained
  MATCH (st:MatrixStripe)
  RETURN sum(st.rows) AS totalRows
}
CALL (maintained) {
  WITH maintained WHERE maintained
  MATCH (e:Entity) WHERE e.matrixTotal <= $maxTotal
    AND ($afterActor IS NULL OR e.matrixTotal < $maxTotal OR e.id > $afterActor)
  WITH e ORDER BY e.matrixTotal DESC, e.id LIMIT $limit
  RETURN collect({actor: e.id, total: e.matrixTotal, cells: e.matrixCells, evidence: e.matrixEvidence}) AS page
}
RETURN maintained, totalRows, page`

// maintainedMatrixParams are maintainedMatrixPage's parameters.
func maintainedMatrixParams(first int, after *cg.MatrixKey) map[string]any {
	params := map[string]any{"feed": feedID, "mxFormat": matrixFormat, "maxTotal": int64(math.MaxInt64), "afterActor": nil, "limit": int64(math.MaxInt32)}
	if after != nil {
		params["maxTotal"], params["afterActor"] = int64(after.Total), after.ActorID
	}
	if first > 0 {
		params["limit"] = int64(first) + 1
	}
	return params
}

// maintainedMatrix answers an unfiltered matrix page from the counts; ok
// is false while they are not maintained.
func (s *Store) maintainedMatrix(ctx context.Context, first int, after *cg.MatrixKey) (m *cg.Matrix, ok bool, err error) {
	rec, err := s.readOne(ctx, "matrix", maintainedMatrixPage, maintainedMatrixParams(first, after))
	if err != nil {
		return nil, false, err
	}
	if !toBool(rec["maintained"]) {
		return nil, false, nil
	}
	var rows []cg.MatrixRow
	for _, v := range asList(rec["page"]) {
		r := asMap(v)
		row := cg.MatrixRow{ActorID: toString(r["actor"]), Total: toInt(r["total"])}
		counts, evidence := asList(r["cells"]), asList(r["evidence"])
		for ki, k := range cg.CommitmentKinds {
			cell := cg.MatrixCell{ActorID: row.ActorID, Kind: k}
			for _, st := range cg.Statuses {
				i := matrixCellIndex(k, st)
				if i >= len(counts) {
					continue
				}
				if n := toInt(counts[i]); n > 0 {
					if cell.Commitments == 0 || st.Firmer(cell.Status) {
						cell.Status = st
					}
					cell.Commitments += n
				}
			}
			if cell.Commitments == 0 {
				continue
			}
			if ki < len(evidence) {
				cell.EvidenceCount = toInt(evidence[ki])
			}
			row.Cells = append(row.Cells, cell)
		}
		rows = append(rows, row)
	}
	rows = cg.MatrixRows(cellsOf(rows))
	page, more := cg.PageMatrixRows(rows, first, after)
	return &cg.Matrix{Rows: page, TotalRows: toInt(rec["totalRows"]), HasNext: more}, true, nil
}
