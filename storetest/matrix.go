package storetest

import (
	"slices"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// rowIDs are the actors of m's rows, in row order.
func rowIDs(m *cg.Matrix) []string {
	ids := []string{}
	for _, r := range m.Rows {
		ids = append(ids, r.ActorID)
	}
	return ids
}

// checkRows checks what every matrix page holds: rows in matrix order
// (total descending, then actor id), each total the sum of its cells, the
// cells in column order and of the row's actor, and totalRows rows in all.
func checkRows(t *testing.T, m *cg.Matrix, totalRows int) {
	t.Helper()
	if m.TotalRows != totalRows {
		t.Errorf("TotalRows %d, want %d", m.TotalRows, totalRows)
	}
	for i, r := range m.Rows {
		if i > 0 && cg.CompareMatrixKeys(m.Rows[i-1].Key(), r.Key()) >= 0 {
			t.Errorf("row %d %v after %v: not in matrix order", i, r.Key(), m.Rows[i-1].Key())
		}
		n := 0
		for j, c := range r.Cells {
			n += c.Commitments
			if c.ActorID != r.ActorID {
				t.Errorf("row %s holds a cell of %s", r.ActorID, c.ActorID)
			}
			if j > 0 && cg.CompareMatrixCells(r.Cells[j-1], c) >= 0 {
				t.Errorf("row %s: cells %v not in column order", r.ActorID, r.Cells)
			}
		}
		if n != r.Total || n == 0 {
			t.Errorf("row %s: total %d, its cells hold %d", r.ActorID, r.Total, n)
		}
	}
}

// testMatrixPages pages through the matrix under several filters, as of
// now and as of a past instant: pages of 1, 2 and 5 rows, each from the
// previous page's last row, give the rows of one whole page, in order,
// and every page the same TotalRows.
func testMatrixPages(t *testing.T, s cg.Store) {
	ctx := t.Context()
	for _, tc := range []struct {
		name string
		f    cg.CommitmentFilter
	}{
		{"all", cg.CommitmentFilter{}},
		{"kinds", cg.CommitmentFilter{Kinds: []cg.EdgeKind{cg.OffersTroops, cg.RefusesTroops, cg.Supports}}},
		{"actors", cg.CommitmentFilter{ActorIDs: []string{"FRA", "ITA", "POL", "nope"}}},
		{"source", cg.CommitmentFilter{SourceIDs: []string{"src-c"}}},
		{"status", cg.CommitmentFilter{Statuses: []cg.Status{cg.StatusStated, cg.StatusRefused}}},
		{"as of", cg.CommitmentFilter{AsOf: ptr(time.Date(2025, 8, 19, 12, 0, 0, 0, time.UTC))}},
		{"no match", cg.CommitmentFilter{ActorIDs: []string{"nope"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			whole := must(s.Matrix(ctx, tc.f, cg.MatrixPage{}))(t)
			if whole.HasNext {
				t.Errorf("a whole matrix has a next page")
			}
			checkRows(t, whole, len(whole.Rows))
			if tc.name != "no match" && len(whole.Rows) < 2 {
				t.Fatalf("%d rows: too few to page", len(whole.Rows))
			}
			for _, first := range []int{1, 2, 5} {
				var got []cg.MatrixRow
				after := ""
				for pages := 0; ; pages++ {
					if pages > len(whole.Rows) {
						t.Fatalf("first %d: more pages than rows", first)
					}
					p := must(s.Matrix(ctx, tc.f, cg.MatrixPage{First: first, After: after}))(t)
					checkRows(t, p, whole.TotalRows)
					if len(p.Rows) > first {
						t.Fatalf("first %d: a page of %d rows", first, len(p.Rows))
					}
					got = append(got, p.Rows...)
					if !p.HasNext {
						break
					}
					if len(p.Rows) == 0 {
						t.Fatalf("first %d: an empty page with a next page", first)
					}
					after = cg.EncodeMatrixCursor(p.Rows[len(p.Rows)-1].Key())
				}
				if !slices.EqualFunc(got, whole.Rows, sameRow) {
					t.Errorf("first %d: pages give\n  %v\none page gives\n  %v", first, got, whole.Rows)
				}
			}
		})
	}
	t.Run("bad cursor", func(t *testing.T) {
		for _, after := range []string{"nope", cg.EncodeCursor(Fixture().Commitments[0], cg.OrderID)} {
			_, err := s.Matrix(ctx, cg.CommitmentFilter{}, cg.MatrixPage{First: 1, After: after})
			if cg.ErrorCode(err) != cg.CodeBadInput {
				t.Errorf("after %q: %v, want BAD_USER_INPUT", after, err)
			}
		}
	})
}

func sameRow(a, b cg.MatrixRow) bool {
	return a.ActorID == b.ActorID && a.Total == b.Total && slices.Equal(a.Cells, b.Cells)
}
