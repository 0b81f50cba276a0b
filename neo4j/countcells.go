package neo4j

import (
	"context"
	"fmt"
	"slices"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// Counts from the maintained matrix counts (matrixrows.go). Each actor's
// Entity node keeps its commitments per kind and status, changed with
// every write, so counts by actor, kind and status under a filter of
// kinds, statuses and actors need no pass over the commitments: counts
// that name actors, or are by actor, sum the selected cells of those
// actors (the actors named, or an index read of Entity.matrixTotal); the
// others sum the cells of the matrixStripes stripes, which hold the sum
// of their actors' cells (summing 50,000 actors' cells per request took
// 2 s at a million commitments). Any other filter, a source or month
// dimension, a read as of a moment, or a graph whose counts are not built
// yet is aggregated.
//
// Neo4j's count store would give a kind's total in constant time, but not
// per status; and a total per (kind, status) on one node would be written
// by every write, the lock all writes contend for (see the counter node in
// matrixrows.go): hence stripes, each written only by the writes of its
// actors.

// cellsAnswer reports whether the maintained cells hold the counts of f:
// a live read selecting by kinds, statuses and actors only.
func cellsAnswer(f cg.CommitmentFilter) bool {
	return f.AsOf == nil && len(f.IDs) == 0 && len(f.TargetIDs) == 0 && len(f.SourceIDs) == 0 &&
		len(f.StatedByIDs) == 0 && !f.From.Known() && !f.To.Known()
}

// countCell is one cell of matrixCells that a filter selects.
type countCell struct {
	index  int
	kind   cg.EdgeKind
	status cg.Status
}

// selectedCells are the cells of the kinds and statuses f selects (all of
// a dimension when f names none of it), in kind then status order of the
// vocabulary, which is CompareGroupCounts' order.
func selectedCells(f cg.CommitmentFilter) []countCell {
	var out []countCell
	for _, k := range cg.CommitmentKinds {
		if len(f.Kinds) > 0 && !slices.Contains(f.Kinds, k) {
			continue
		}
		for _, st := range cg.Statuses {
			if len(f.Statuses) > 0 && !slices.Contains(f.Statuses, st) {
				continue
			}
			out = append(out, countCell{index: matrixCellIndex(k, st), kind: k, status: st})
		}
	}
	return out
}

// The statements read the cells only where the counts are maintained
// (else maintained is false and the caller aggregates). The actors'
// condition is one of maintainedCountsActors: all with commitments from
// the total's index, or the named ones from the id constraint's.
const (
	// maintainedStripeTotals sums each selected cell over the stripes
	// (matrixStripes): every actor's counts in matrixStripes nodes.
	maintainedStripeTotals = `OPTIONAL MATCH (f:ChangeFeed {id: $feed})
WITH coalesce(f.matrixCounts = $mxFormat, false) AS maintained
CALL (maintained) {
  WITH maintained WHERE maintained
  MATCH (st:MatrixStripe)
  WITH collect(st.cells) AS rows
  RETURN [j IN $cells | reduce(n = 0, c IN rows | n + coalesce(c[j], 0))] AS sums
}
RETURN maintained, sums`

	// maintainedCountTotals sums each selected cell ($cells, indexes into
	// matrixCells) over the actors, in the database: one list back.
	maintainedCountTotals = `OPTIONAL MATCH (f:ChangeFeed {id: $feed})
WITH coalesce(f.matrixCounts = $mxFormat, false) AS maintained
CALL (maintained) {
  WITH maintained WHERE maintained
  MATCH (e:Entity) %s
  WITH collect(e.matrixCells) AS rows
  RETURN [j IN $cells | reduce(n = 0, c IN rows | n + coalesce(c[j], 0))] AS sums
}
RETURN maintained, sums`

	// maintainedCountRows returns each actor's cells, for counts by actor.
	maintainedCountRows = `OPTIONAL MATCH (f:ChangeFeed {id: $feed})
WITH coalesce(f.matrixCounts = $mxFormat, false) AS maintained
CALL (maintained) {
  WITH maintained WHERE maintained
  MATCH (e:Entity) %s
  RETURN collect([e.id, e.matrixCells]) AS rows
}
RETURN maintained, rows`
)

// maintainedCountsActors selects the actors with commitments, or the named
// ones. The named ones are hinted to the id constraint: planned while the
// counts were not built yet, the total's index looked empty and the planner
// read it and filtered the ids (seen in TestMaintainedCountsPlan).
var maintainedCountsActors = map[bool]string{
	false: "WHERE e.matrixTotal > 0",
	true:  "USING INDEX e:Entity(id) WHERE e.id IN $actors AND e.matrixTotal > 0",
}

// maintainedCountsQuery is the statement and parameters of
// maintainedCounts.
func maintainedCountsQuery(f cg.CommitmentFilter, cells []countCell, byActor bool) (string, map[string]any) {
	idx := make([]int64, len(cells))
	for i, c := range cells {
		idx[i] = int64(c.index)
	}
	params := map[string]any{"feed": feedID, "mxFormat": matrixFormat, "cells": idx}
	named := len(f.ActorIDs) > 0
	if !named && !byActor {
		return maintainedStripeTotals, params
	}
	if named {
		params["actors"] = orNil(f.ActorIDs)
	}
	tmpl := maintainedCountTotals
	if byActor {
		tmpl = maintainedCountRows
	}
	return fmt.Sprintf(tmpl, maintainedCountsActors[named]), params
}

// maintainedCounts counts f's matches (cellsAnswer(f)) by kind and status,
// and by actor when byActor, from the maintained cells: the groups with
// commitments, sorted by CompareGroupCounts. ok is false while the counts
// are not maintained.
func (s *Store) maintainedCounts(ctx context.Context, f cg.CommitmentFilter, byActor bool) (groups []cg.GroupCount, ok bool, err error) {
	cells := selectedCells(f)
	if len(cells) == 0 {
		// Only kinds or statuses outside the vocabulary: nothing matches.
		return []cg.GroupCount{}, true, nil
	}
	cypher, params := maintainedCountsQuery(f, cells, byActor)
	rec, err := s.readOne(ctx, "counts", cypher, params)
	if err != nil {
		return nil, false, err
	}
	if !toBool(rec["maintained"]) {
		return nil, false, nil
	}
	groups = []cg.GroupCount{}
	if !byActor {
		sums := asList(rec["sums"])
		for i, c := range cells {
			if i < len(sums) {
				if n := toInt(sums[i]); n > 0 {
					groups = append(groups, cg.GroupCount{Kind: c.kind, Status: c.status, Count: n})
				}
			}
		}
		slices.SortFunc(groups, cg.CompareGroupCounts)
		return groups, true, nil
	}
	for _, v := range asList(rec["rows"]) {
		row := asList(v)
		if len(row) != 2 {
			continue
		}
		actor, counts := toString(row[0]), asList(row[1])
		for _, c := range cells {
			if c.index < len(counts) {
				if n := toInt(counts[c.index]); n > 0 {
					groups = append(groups, cg.GroupCount{ActorID: actor, Kind: c.kind, Status: c.status, Count: n})
				}
			}
		}
	}
	slices.SortFunc(groups, cg.CompareGroupCounts)
	return groups, true, nil
}

// projectGroups merges groups (by actor, kind and status, sorted) into the
// groups of the dimensions by, sorted.
func projectGroups(groups []cg.GroupCount, by []cg.CountDimension) []cg.GroupCount {
	has := func(d cg.CountDimension) bool { return slices.Contains(by, d) }
	n := map[cg.GroupCount]int{}
	for _, g := range groups {
		var k cg.GroupCount
		if has(cg.ByActor) {
			k.ActorID = g.ActorID
		}
		if has(cg.ByKind) {
			k.Kind = g.Kind
		}
		if has(cg.ByStatus) {
			k.Status = g.Status
		}
		n[k] += g.Count
	}
	out := make([]cg.GroupCount, 0, len(n))
	for k, c := range n {
		k.Count = c
		out = append(out, k)
	}
	slices.SortFunc(out, cg.CompareGroupCounts)
	return out
}
