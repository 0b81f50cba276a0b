package inmem

import (
	"context"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/storetest"
)

// BenchmarkMatrix is the matrix of 100,000 commitments by 1,000 actors
// (storetest.Synthetic(100000, 1000, 1): 1,000 rows), side by side:
//
//   - old/one-pass: every row from one pass over every commitment, what
//     each matrix request computed before pages (it also looked up the
//     row actors, left out here);
//
//   - counts/all-rows: every row from the maintained counts;
//
//   - counts/first50: the first page of 50 (the dashboard's request), and
//     the page of 50 after the middle row;
//
//   - counts/kind/first50: a kind filter, from the counts;
//
//   - scan/source/first50: a filter the counts do not answer (one pass
//     over the source's commitments).
//
//     go test ./inmem -run '^$' -bench 'Matrix$' -benchtime 2s -count 2
func BenchmarkMatrix(b *testing.B) {
	s, err := New(storetest.Synthetic(100_000, 1000, 1))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	whole, err := s.Matrix(ctx, cg.CommitmentFilter{}, cg.MatrixPage{})
	if err != nil {
		b.Fatal(err)
	}
	mid := cg.EncodeMatrixCursor(whole.Rows[len(whole.Rows)/2].Key())
	page := func(f cg.CommitmentFilter, p cg.MatrixPage) func() error {
		return func() error { _, err := s.Matrix(ctx, f, p); return err }
	}
	for _, bc := range []struct {
		name string
		run  func() error
	}{
		{"old/one-pass", func() error {
			s.mu.RLock()
			defer s.mu.RUnlock()
			if rows := cg.MatrixRows(s.scanCells(cg.CommitmentFilter{})); len(rows) != len(whole.Rows) {
				b.Fatalf("%d rows, want %d", len(rows), len(whole.Rows))
			}
			return nil
		}},
		{"counts/all-rows", page(cg.CommitmentFilter{}, cg.MatrixPage{})},
		{"counts/first50", page(cg.CommitmentFilter{}, cg.MatrixPage{First: cg.DefaultMatrixRows})},
		{"counts/first50-after-half", page(cg.CommitmentFilter{}, cg.MatrixPage{First: cg.DefaultMatrixRows, After: mid})},
		{"counts/kind/first50", page(cg.CommitmentFilter{Kinds: []cg.EdgeKind{cg.OffersTroops}}, cg.MatrixPage{First: cg.DefaultMatrixRows})},
		{"scan/source/first50", page(cg.CommitmentFilter{SourceIDs: []string{"src-1"}}, cg.MatrixPage{First: cg.DefaultMatrixRows})},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if err := bc.run(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
