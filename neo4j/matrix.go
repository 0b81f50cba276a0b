package neo4j

import (
	"context"
	"math"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// The matrix is one aggregation per page: the matching commitments are
// grouped by actor and kind (over the typed pattern of the kinds asked
// for, or the versions in effect as of an instant), the cells of each
// actor gathered into its row with its total, the rows sorted by total
// descending, then actor id (cg.CompareMatrixKeys), and only the page
// after the cursor returned, with the number of rows. No entity is
// fetched: a view asks for the actors of the rows it shows.
var (
	// matrixTemplate sums the evidence count Load stores on each
	// commitment: counting Evidence nodes per commitment costs an index
	// lookup each, a second over 100,000 commitments. It ends with
	// matrixPage.
	matrixTemplate = `MATCH (a:Entity)-[r:%s]->(t:Entity)
%s
WITH a.id AS actor, type(r) AS kind, collect(DISTINCT r.status) AS statuses, count(r) AS n,
     sum(r.evidenceCount) AS evidence`

	// asOfMatrixTemplate is matrixTemplate over the versions in effect.
	asOfMatrixTemplate = inEffectTemplate + `
WITH v.actor AS actor, v.kind AS kind, collect(DISTINCT v.status) AS statuses, count(v) AS n,
     sum(v.evidenceCount) AS evidence`

	// matrixPage makes rows of the cells and returns the page: $limit
	// rows (one more than asked for, which says whether a next page
	// follows) after the cursor ($afterActor null at the top).
	matrixPage = `
WITH actor, sum(n) AS total, collect({kind: kind, statuses: statuses, n: n, evidence: evidence}) AS cells
ORDER BY total DESC, actor
WITH collect({actor: actor, total: total, cells: cells}) AS rows
RETURN size(rows) AS totalRows,
       [row IN rows WHERE $afterActor IS NULL OR row.total < $afterTotal
          OR (row.total = $afterTotal AND row.actor > $afterActor)][..$limit] AS page`
)

// matrixQuery is the statement of a matrix page and its parameters.
func matrixQuery(f cg.CommitmentFilter, first int, after *cg.MatrixKey) (string, map[string]any) {
	cypher, params := aggregateQuery(f, matrixTemplate, asOfMatrixTemplate)
	params["afterActor"], params["afterTotal"] = nil, int64(0)
	if after != nil {
		params["afterActor"], params["afterTotal"] = after.ActorID, int64(after.Total)
	}
	// List slices take 32-bit bounds.
	params["limit"] = int64(math.MaxInt32)
	if first > 0 {
		params["limit"] = int64(first) + 1
	}
	return cypher + matrixPage, params
}

// Matrix returns a page of matrix rows among the matching commitments in
// one round trip: without a filter from the maintained counts
// (matrixrows.go), else in one aggregation (aggregatedMatrix).
func (s *Store) Matrix(ctx context.Context, f cg.CommitmentFilter, p cg.MatrixPage) (*cg.Matrix, error) {
	first, after, err := cg.ParseMatrixPage(p)
	if err != nil {
		return nil, err
	}
	if unfiltered(f) {
		m, ok, err := s.maintainedMatrix(ctx, first, after)
		if err != nil || ok {
			return m, err
		}
	}
	return s.aggregatedMatrix(ctx, f, first, after)
}

// unfiltered reports whether f selects every live commitment.
func unfiltered(f cg.CommitmentFilter) bool {
	return f.AsOf == nil && len(f.Kinds) == 0 && newLiveFilter(f).onlyKinds
}

// aggregatedMatrix is the matrix page of one aggregation over the
// matching commitments: Neo4j groups, counts, sorts and cuts the page; the
// firmest status and the page's end follow the domain's definitions.
func (s *Store) aggregatedMatrix(ctx context.Context, f cg.CommitmentFilter, first int, after *cg.MatrixKey) (*cg.Matrix, error) {
	cypher, params := matrixQuery(f, first, after)
	rec, err := s.readOne(ctx, "matrix", cypher, params)
	if err != nil {
		return nil, err
	}
	var rows []cg.MatrixRow
	for _, v := range asList(rec["page"]) {
		m := asMap(v)
		row := cg.MatrixRow{ActorID: toString(m["actor"]), Total: toInt(m["total"])}
		for _, c := range asList(m["cells"]) {
			cm := asMap(c)
			cell := cg.MatrixCell{ActorID: row.ActorID, Kind: cg.EdgeKind(toString(cm["kind"])),
				Commitments: toInt(cm["n"]), EvidenceCount: toInt(cm["evidence"])}
			for i, st := range toStrings(cm["statuses"]) {
				if st := cg.Status(st); i == 0 || st.Firmer(cell.Status) {
					cell.Status = st
				}
			}
			row.Cells = append(row.Cells, cell)
		}
		rows = append(rows, row)
	}
	// The cells' column order and the page's end are the domain's.
	rows = cg.MatrixRows(cellsOf(rows))
	page, more := cg.PageMatrixRows(rows, first, after)
	return &cg.Matrix{Rows: page, TotalRows: toInt(rec["totalRows"]), HasNext: more}, nil
}

func cellsOf(rows []cg.MatrixRow) []cg.MatrixCell {
	var out []cg.MatrixCell
	for _, r := range rows {
		out = append(out, r.Cells...)
	}
	return out
}
