package coalitiongraph

import (
	"cmp"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The matrix's rows come in pages: the actors with the most commitments
// first (ties by actor id), from a keyset cursor that names the last row
// of the previous page by its total and actor. Stores aggregate the
// commitment rows and page them with the functions below (MatrixRows,
// PageMatrixRows); the stance layer joins them in WithStanceRows. These
// are the one definition of a matrix page, whichever store answered.

// Matrix page sizes: what the API answers without first, and the most
// it answers at once. A row holds at most one cell per commitment kind,
// so a page of MaxMatrixRows stays a bounded answer at any graph size.
const (
	DefaultMatrixRows = 50
	MaxMatrixRows     = 100
)

// matrixCursorVersion prefixes every matrix cursor, which a listing's
// cursor can never be mistaken for.
const matrixCursorVersion = "m1"

// MatrixPage asks for a page of matrix rows. A zero First gives every row
// after the cursor (the API never asks so: see MatrixPageSize).
type MatrixPage struct {
	First int
	// After is a cursor from a previous page (EncodeMatrixCursor); ""
	// starts at the top.
	After string
}

// MatrixKey is where a row stands in the matrix's order.
type MatrixKey struct {
	Total   int
	ActorID string
}

// Key is the row's position.
func (r MatrixRow) Key() MatrixKey { return MatrixKey{Total: r.Total, ActorID: r.ActorID} }

// CompareMatrixKeys orders rows: by total descending, then actor id.
func CompareMatrixKeys(a, b MatrixKey) int {
	return cmp.Or(cmp.Compare(b.Total, a.Total), strings.Compare(a.ActorID, b.ActorID))
}

// Before reports whether the row at k comes strictly before r: whether r
// belongs to the pages after a cursor at k.
func (k MatrixKey) Before(r MatrixKey) bool { return CompareMatrixKeys(k, r) < 0 }

// EncodeMatrixCursor makes the opaque cursor of a row's position.
func EncodeMatrixCursor(k MatrixKey) string {
	raw := matrixCursorVersion + "|" + strconv.Itoa(k.Total) + "|" + k.ActorID
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// DecodeMatrixCursor reads a cursor made by EncodeMatrixCursor; anything
// else is a bad input of the field "after".
func DecodeMatrixCursor(s string) (MatrixKey, error) {
	bad := &Error{Code: CodeBadInput, Field: "after", Message: "invalid cursor: not a matrix cursor"}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil {
		return MatrixKey{}, bad
	}
	parts := strings.SplitN(string(raw), "|", 3)
	if len(parts) != 3 || parts[0] != matrixCursorVersion || parts[2] == "" {
		return MatrixKey{}, bad
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil || n < 0 || strconv.Itoa(n) != parts[1] {
		return MatrixKey{}, bad
	}
	return MatrixKey{Total: n, ActorID: parts[2]}, nil
}

// ParseMatrixPage checks a page request and reads its cursor: First must
// not be negative and After is "" or a matrix cursor. after is nil at the
// top.
func ParseMatrixPage(p MatrixPage) (first int, after *MatrixKey, err error) {
	if p.First < 0 {
		return 0, nil, &Error{Code: CodeBadInput, Field: "first", Message: "first must not be negative"}
	}
	if p.After == "" {
		return p.First, nil, nil
	}
	k, err := DecodeMatrixCursor(p.After)
	if err != nil {
		return 0, nil, err
	}
	return p.First, &k, nil
}

// MatrixPageSize is the API's page size: DefaultMatrixRows when first is
// not given, else first, which must be 1 to MaxMatrixRows.
func MatrixPageSize(first *int) (int, error) {
	if first == nil {
		return DefaultMatrixRows, nil
	}
	if *first < 1 || *first > MaxMatrixRows {
		return 0, &Error{Code: CodeBadInput, Field: "first",
			Message: fmt.Sprintf("first must be between 1 and %d, got %d", MaxMatrixRows, *first)}
	}
	return *first, nil
}

// MatrixRows groups cells (in any order) into rows, each with its total
// and its cells in column order, the rows in matrix order.
func MatrixRows(cells []MatrixCell) []MatrixRow {
	idx := map[string]int{}
	var rows []MatrixRow
	for _, c := range cells {
		i, ok := idx[c.ActorID]
		if !ok {
			i = len(rows)
			idx[c.ActorID] = i
			rows = append(rows, MatrixRow{ActorID: c.ActorID})
		}
		rows[i].Total += c.Commitments
		rows[i].Cells = append(rows[i].Cells, c)
	}
	for i := range rows {
		slices.SortFunc(rows[i].Cells, CompareMatrixCells)
	}
	slices.SortFunc(rows, func(a, b MatrixRow) int { return CompareMatrixKeys(a.Key(), b.Key()) })
	return rows
}

// PageMatrixRows is the page of rows after the cursor: rows (in any
// order) sorted, those up to after left out, cut to first (0: all), in a
// slice of its own. Rows already in order (a store's cache) cost a binary
// search and the page.
// hasNext says whether rows held more. A store that pages in its own query
// language passes what it found (first+1 rows at most) through it too.
func PageMatrixRows(rows []MatrixRow, first int, after *MatrixKey) (page []MatrixRow, hasNext bool) {
	compare := func(a, b MatrixRow) int { return CompareMatrixKeys(a.Key(), b.Key()) }
	if !slices.IsSortedFunc(rows, compare) {
		rows = slices.Clone(rows)
		slices.SortFunc(rows, compare)
	}
	return PageSortedMatrixRows(rows, first, after)
}

// PageSortedMatrixRows is PageMatrixRows for rows a store keeps in order
// already, without checking it: at 50,000 rows the check alone cost more
// than the page.
func PageSortedMatrixRows(rows []MatrixRow, first int, after *MatrixKey) (page []MatrixRow, hasNext bool) {
	// Rows in order: the page starts after the cursor's position.
	start := 0
	if after != nil {
		start, _ = slices.BinarySearchFunc(rows, *after, func(r MatrixRow, k MatrixKey) int {
			if k.Before(r.Key()) {
				return 1
			}
			return -1
		})
	}
	page = rows[start:]
	if first > 0 && len(page) > first {
		return slices.Clone(page[:first]), true
	}
	return append([]MatrixRow{}, page...), false
}

// WithStanceRows completes a store's page of commitment rows with the
// rows of actors that have stances and no commitment under the filter
// (stanceOnly, in any order): their total is 0, so they follow every
// commitment row, by actor id, and a page takes them only once the store's
// rows run out. It returns the page's rows, whether more follow, and the
// number of rows in the whole matrix.
func WithStanceRows(m *Matrix, stanceOnly []string, first int, after *MatrixKey) (rows []MatrixRow, hasNext bool, totalRows int) {
	ids := slices.Clone(stanceOnly)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	totalRows = m.TotalRows + len(ids)
	rows = slices.Clone(m.Rows)
	if rows == nil {
		rows = []MatrixRow{}
	}
	if m.HasNext {
		return rows, true, totalRows
	}
	extra := make([]MatrixRow, 0, len(ids))
	for _, id := range ids {
		r := MatrixRow{ActorID: id, Cells: []MatrixCell{}}
		if after == nil || after.Before(r.Key()) {
			extra = append(extra, r)
		}
	}
	more := false
	if first > 0 && len(rows)+len(extra) > first {
		extra, more = extra[:max(0, first-len(rows))], true
	}
	return append(rows, extra...), more, totalRows
}
