package neo4j

import (
	"context"
	"fmt"
	"slices"
	"strings"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// Aggregates over the matching commitments: the counts by kind and status,
// and the counts by any dimensions (the matrix is matrix.go's).

var (
	// countsByTemplate groups by the dimensions whose $byX is true; a
	// commitment counts once per distinct source of its evidence when
	// grouped by source, and its month is its date's when the date is
	// known to the month or day (as cg.CommitmentMonth).
	countsByTemplate = `MATCH (a:Entity)-[r:%s]->(t:Entity)
%s
WITH a, r, CASE WHEN $bySOURCE
  THEN COLLECT { MATCH (ev:Evidence {factId: r.id}) RETURN DISTINCT ev.sourceId }
  ELSE [null] END AS sources
UNWIND sources AS source
RETURN CASE WHEN $byACTOR THEN a.id END AS actor,
       CASE WHEN $byKIND THEN type(r) END AS kind,
       CASE WHEN $bySTATUS THEN r.status END AS status,
       source,
       CASE WHEN $byMONTH AND r.datePrecision IN ['DAY', 'MONTH'] THEN substring(r.date, 0, 7) END AS month,
       count(*) AS n`

	countsTemplate = `MATCH (a:Entity)-[r:%s]->(t:Entity)
%s
RETURN type(r) AS kind, r.status AS status, count(r) AS n`
)

// countsByStatusIndex counts one type's commitments by status from the
// type's status index (the status is read from the index, not from each
// relationship), for Counts when nothing but kinds filters.
const countsByStatusIndex = `MATCH ()-[r:%[1]s]->() WHERE r.status IS NOT NULL RETURN '%[1]s' AS kind, r.status AS status, count(*) AS n`

// countsQuery is the statement of Counts and its parameters.
func countsQuery(f cg.CommitmentFilter) (string, map[string]any) {
	l := newLiveFilter(f)
	if f.AsOf != nil || !l.onlyKinds {
		return aggregateQuery(f, countsTemplate, asOfCountsTemplate)
	}
	var parts []string
	for _, k := range l.types {
		parts = append(parts, fmt.Sprintf(countsByStatusIndex, k))
	}
	return "CALL () {\n  " + strings.Join(parts, "\n  UNION ALL\n  ") + "\n}\nRETURN kind, status, n", map[string]any{}
}

// aggregateQuery completes an aggregate's statement: over the live
// relationships, or over the history when f reads as of a moment.
func aggregateQuery(f cg.CommitmentFilter, current, asOf string) (string, map[string]any) {
	if f.AsOf != nil {
		idCond, conds, params := versionConds(f)
		return fmt.Sprintf(asOf, idCond, andConds(conds)), params
	}
	conds, params := commitmentConds(f)
	return fmt.Sprintf(current, commitmentTypesFor(f.Kinds), where(conds)), params
}

// Counts returns the number of matching commitments per kind and status
// that occur, ordered by kind in display order, then status in lifecycle
// order: from the maintained counts when they can answer f
// (maintainedCounts) and a filter of kinds alone does not read less, else
// in one aggregation.
func (s *Store) Counts(ctx context.Context, f cg.CommitmentFilter) ([]cg.Count, error) {
	// Only kinds: their status indexes hold just their commitments, which
	// at one kind of fourteen read faster than every actor's cells (see
	// docs/benchmarks.md, "Counts from the maintained cells").
	kindsOnly := len(f.Kinds) > 0 && f.AsOf == nil && newLiveFilter(f).onlyKinds
	if cellsAnswer(f) && !kindsOnly {
		groups, ok, err := s.maintainedCounts(ctx, f, false)
		if err != nil {
			return nil, err
		}
		if ok {
			out := make([]cg.Count, 0, len(groups))
			for _, g := range groups {
				out = append(out, cg.Count{Kind: g.Kind, Status: g.Status, Count: g.Count})
			}
			slices.SortFunc(out, cg.CompareCounts)
			return out, nil
		}
	}
	return s.aggregatedCounts(ctx, f)
}

// aggregatedCounts is Counts in one aggregation over the matches.
func (s *Store) aggregatedCounts(ctx context.Context, f cg.CommitmentFilter) ([]cg.Count, error) {
	cypher, params := countsQuery(f)
	recs, err := s.read(ctx, "counts", cypher, params)
	if err != nil {
		return nil, err
	}
	out := make([]cg.Count, 0, len(recs))
	for _, rec := range recs {
		m := rec.AsMap()
		out = append(out, cg.Count{Kind: cg.EdgeKind(toString(m["kind"])), Status: cg.Status(toString(m["status"])), Count: toInt(m["n"])})
	}
	slices.SortFunc(out, cg.CompareCounts)
	return out, nil
}

// CountsBy counts the matching commitments by the dimensions, in one
// aggregation over the live graph; each dimension not asked for is null in
// every row, so it does not split the groups. As of a moment, the versions
// in effect are read and grouped by the domain's definition, which the
// aggregation agrees with (the store contract checks both).
func (s *Store) CountsBy(ctx context.Context, f cg.CommitmentFilter, by []cg.CountDimension) ([]cg.GroupCount, error) {
	if err := cg.CheckDimensions(by); err != nil {
		return nil, err
	}
	if cellsAnswer(f) && !slices.Contains(by, cg.BySource) && !slices.Contains(by, cg.ByMonth) {
		groups, ok, err := s.maintainedCounts(ctx, f, slices.Contains(by, cg.ByActor))
		if err != nil {
			return nil, err
		}
		if ok {
			return projectGroups(groups, by), nil
		}
	}
	return s.aggregatedCountsBy(ctx, f, by)
}

// aggregatedCountsBy is CountsBy in one aggregation over the matches (the
// dimensions checked).
func (s *Store) aggregatedCountsBy(ctx context.Context, f cg.CommitmentFilter, by []cg.CountDimension) ([]cg.GroupCount, error) {
	if f.AsOf != nil {
		page, err := s.Commitments(ctx, f, cg.Page{})
		if err != nil {
			return nil, err
		}
		return cg.GroupCommitments(page.Commitments, by), nil
	}
	conds, params := commitmentConds(f)
	for _, d := range cg.CountDimensions {
		params["by"+string(d)] = slices.Contains(by, d)
	}
	recs, err := s.read(ctx, "counts by", fmt.Sprintf(countsByTemplate, commitmentTypesFor(f.Kinds), where(conds)), params)
	if err != nil {
		return nil, err
	}
	out := make([]cg.GroupCount, 0, len(recs))
	for _, rec := range recs {
		m := rec.AsMap()
		out = append(out, cg.GroupCount{
			ActorID: toString(m["actor"]), Kind: cg.EdgeKind(toString(m["kind"])), Status: cg.Status(toString(m["status"])),
			SourceID: toString(m["source"]), Month: toString(m["month"]), Count: toInt(m["n"]),
		})
	}
	slices.SortFunc(out, cg.CompareGroupCounts)
	return out, nil
}
