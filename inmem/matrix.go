package inmem

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// cellCounts are the matrix cells of the current commitments, maintained
// as commitments are indexed and unindexed, so that a matrix filtered by
// nothing but actors and kinds (the dashboard's) reads them instead of
// every commitment: rows[actor][column].
type cellCounts map[string]*[]cellCount

// sortedRows caches the unfiltered matrix's rows in order, made from the
// counts at one generation (Store.cellGen, advanced by every change to
// the counts), so that a page of the unfiltered matrix costs its rows only.
type sortedRows struct {
	mu   sync.Mutex
	gen  uint64
	rows []cg.MatrixRow
	ok   bool
	// totals holds each cached row's total, its place in rows with its
	// actor; changed lists the actors whose counts changed since gen
	// (recorded only while ok), whose rows allRows moves rather than
	// sorting them all again.
	totals  map[string]int
	changed map[string]bool
}

// patchLimit is the most changed rows allRows moves one by one, each a
// copy of the rows after its places; more, and it sorts them again.
const patchLimit = 32

// cellsChanged records a change to actor's counts. The caller holds mu for
// writing, so no reader is in allRows.
func (s *Store) cellsChanged(actor string) {
	s.cellGen++
	if c := &s.rowCache; c.ok {
		if c.changed == nil {
			c.changed = map[string]bool{}
		}
		c.changed[actor] = true
	}
}

// cellCount is one cell's commitments, evidence and commitments per
// status (in cg.Statuses order), from which its firmest status follows.
type cellCount struct {
	n, evidence int
	statuses    []int
}

// kindTotals counts the current commitments per kind (in
// cg.CommitmentKinds order) and status, maintained beside the cells so that
// the counts of the whole graph, or of some kinds, read them alone.
type kindTotals []cellCount

func (t *kindTotals) add(c *cg.Commitment, d int) {
	if *t == nil {
		*t = make(kindTotals, len(cg.CommitmentKinds))
	}
	col := slices.Index(cg.CommitmentKinds, c.Kind)
	if col < 0 {
		return
	}
	cell := &(*t)[col]
	if cell.statuses == nil {
		cell.statuses = make([]int, len(cg.Statuses))
	}
	cell.n += d
	if i := slices.Index(cg.Statuses, c.Status); i >= 0 {
		cell.statuses[i] += d
	}
}

// countCells adds the (kind, status) counts of a row of cells (all kinds
// when kinds is empty) to n.
func countCells(row []cellCount, kinds []cg.EdgeKind, n map[cg.Count]int) {
	for col, cell := range row {
		kind := cg.CommitmentKinds[col]
		if cell.n == 0 || (len(kinds) > 0 && !slices.Contains(kinds, kind)) {
			continue
		}
		for i, k := range cell.statuses {
			if k > 0 {
				n[cg.Count{Kind: kind, Status: cg.Statuses[i]}] += k
			}
		}
	}
}

// add counts c in (d = 1) or out (d = -1) of its cell.
func (cc cellCounts) add(c *cg.Commitment, d int) {
	row := cc[c.ActorID]
	if row == nil {
		r := make([]cellCount, len(cg.CommitmentKinds))
		row = &r
		cc[c.ActorID] = row
	}
	col := slices.Index(cg.CommitmentKinds, c.Kind)
	if col < 0 {
		return // not a commitment kind: in no cell
	}
	cell := &(*row)[col]
	if cell.statuses == nil {
		cell.statuses = make([]int, len(cg.Statuses))
	}
	cell.n += d
	cell.evidence += d * len(c.Evidence)
	if i := slices.Index(cg.Statuses, c.Status); i >= 0 {
		cell.statuses[i] += d
	}
	if d < 0 && rowEmpty(*row) {
		delete(cc, c.ActorID)
	}
}

func rowEmpty(row []cellCount) bool {
	for _, c := range row {
		if c.n > 0 {
			return false
		}
	}
	return true
}

// row is the matrix row of actor from the counts, its cells limited to
// kinds (all when empty); ok is false when it has none.
func (cc cellCounts) row(actor string, kinds []cg.EdgeKind) (cg.MatrixRow, bool) {
	counts := cc[actor]
	if counts == nil {
		return cg.MatrixRow{}, false
	}
	r := cg.MatrixRow{ActorID: actor}
	for col, cell := range *counts {
		kind := cg.CommitmentKinds[col]
		if cell.n == 0 || (len(kinds) > 0 && !slices.Contains(kinds, kind)) {
			continue
		}
		mc := cg.MatrixCell{ActorID: actor, Kind: kind, Commitments: cell.n, EvidenceCount: cell.evidence}
		first := true
		for i, n := range cell.statuses {
			if st := cg.Statuses[i]; n > 0 && (first || st.Firmer(mc.Status)) {
				mc.Status, first = st, false
			}
		}
		r.Total += cell.n
		r.Cells = append(r.Cells, mc)
	}
	return r, r.Total > 0
}

// countable reports whether the maintained counts answer f: no filter but
// actors and kinds, and the current graph.
func countable(f cg.CommitmentFilter) bool {
	return f.AsOf == nil && len(f.IDs) == 0 && len(f.Statuses) == 0 && len(f.TargetIDs) == 0 &&
		len(f.SourceIDs) == 0 && len(f.StatedByIDs) == 0 && !f.From.Known() && !f.To.Known()
}

// Matrix returns the page of matrix rows (cg.PageMatrixRows) among the
// matching commitments. A filter by actors and kinds only reads the
// maintained cell counts, one row per actor; any other filter counts the
// matching commitments in one pass.
func (s *Store) Matrix(ctx context.Context, f cg.CommitmentFilter, p cg.MatrixPage) (*cg.Matrix, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("inmem: matrix: %w", err)
	}
	first, after, err := cg.ParseMatrixPage(p)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var rows []cg.MatrixRow
	switch {
	case countable(f) && len(f.ActorIDs) == 0 && len(f.Kinds) == 0:
		// Kept in order (allRows): the page is cut without a check.
		rows = s.allRows()
		page, more := cg.PageSortedMatrixRows(rows, first, after)
		return &cg.Matrix{Rows: page, TotalRows: len(rows), HasNext: more}, nil
	case countable(f):
		add := func(actor string) {
			if r, ok := s.cells.row(actor, f.Kinds); ok {
				rows = append(rows, r)
			}
		}
		if len(f.ActorIDs) > 0 {
			for _, a := range uniqStrings(f.ActorIDs) {
				add(a)
			}
		} else {
			for a := range s.cells {
				add(a)
			}
		}
	default:
		rows = cg.MatrixRows(s.scanCells(f))
	}
	page, more := cg.PageMatrixRows(rows, first, after)
	return &cg.Matrix{Rows: page, TotalRows: len(rows), HasNext: more}, nil
}

// allRows are the unfiltered matrix's rows in order, from the cache while
// the counts are unchanged; after a few changes the changed actors' rows
// are moved to their new places (a write changes one or two), after many
// they are sorted again. The caller holds mu (for reading): a write, which
// holds it for writing, is the only thing that changes the counts, so
// readers of the same generation share the rows unchanged.
func (s *Store) allRows() []cg.MatrixRow {
	c := &s.rowCache
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ok && c.gen == s.cellGen {
		return c.rows
	}
	if c.ok && len(c.changed) <= patchLimit {
		c.patch(s.cells)
	} else {
		c.rows, c.totals = s.sortRows()
	}
	c.gen, c.ok, c.changed = s.cellGen, true, nil
	return c.rows
}

// patch moves the changed actors' rows: out of the place of their old
// totals, into the place of their new ones.
func (c *sortedRows) patch(cells cellCounts) {
	at := func(k cg.MatrixKey) (int, bool) {
		return slices.BinarySearchFunc(c.rows, k, func(r cg.MatrixRow, k cg.MatrixKey) int { return cg.CompareMatrixKeys(r.Key(), k) })
	}
	for _, actor := range slices.Sorted(maps.Keys(c.changed)) {
		if total, ok := c.totals[actor]; ok {
			if i, found := at(cg.MatrixKey{Total: total, ActorID: actor}); found {
				c.rows = slices.Delete(c.rows, i, i+1)
			}
			delete(c.totals, actor)
		}
		if r, ok := cells.row(actor, nil); ok {
			i, _ := at(r.Key())
			c.rows = slices.Insert(c.rows, i, r)
			c.totals[actor] = r.Total
		}
	}
}

// sortRows makes the unfiltered rows from the counts and sorts them.
func (s *Store) sortRows() ([]cg.MatrixRow, map[string]int) {
	rows := make([]cg.MatrixRow, 0, len(s.cells))
	totals := make(map[string]int, len(s.cells))
	for a := range s.cells {
		if r, ok := s.cells.row(a, nil); ok {
			rows = append(rows, r)
			totals[a] = r.Total
		}
	}
	slices.SortFunc(rows, func(a, b cg.MatrixRow) int { return cg.CompareMatrixKeys(a.Key(), b.Key()) })
	return rows, totals
}

// scanCells counts the cells of the commitments matching f. The caller
// holds mu.
func (s *Store) scanCells(f cg.CommitmentFilter) []cg.MatrixCell {
	type key struct {
		actor string
		kind  cg.EdgeKind
	}
	cells := map[key]*cg.MatrixCell{}
	for _, c := range s.selectCommitments(f, cg.OrderID) {
		k := key{c.ActorID, c.Kind}
		cell, ok := cells[k]
		if !ok {
			cell = &cg.MatrixCell{ActorID: c.ActorID, Kind: c.Kind, Status: c.Status}
			cells[k] = cell
		}
		if c.Status.Firmer(cell.Status) {
			cell.Status = c.Status
		}
		cell.Commitments++
		cell.EvidenceCount += len(c.Evidence)
	}
	out := make([]cg.MatrixCell, 0, len(cells))
	for _, cell := range cells {
		out = append(out, *cell)
	}
	return out
}

func uniqStrings(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}
