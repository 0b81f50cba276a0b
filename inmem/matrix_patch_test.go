package inmem

import (
	"math/rand/v2"
	"reflect"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/storetest"
)

// The unfiltered matrix's rows, moved in place after each write, must be
// the rows sorted afresh from the counts, and its pages, cursor by cursor,
// those of a pass over the commitments; after single writes (the rows
// patched) and after bursts of more than patchLimit (sorted again).
func TestPatchedMatrixRowsEqualRecomputation(t *testing.T) {
	ctx := t.Context()
	ds := storetest.SyntheticSkewed(4000, 300, 5)
	ds.Sources = append(ds.Sources, &cg.Source{ID: "src-text", File: "text.txt", Text: "a quote\n"})
	s, err := New(ds)
	if err != nil {
		t.Fatal(err)
	}
	var ends []string
	for _, e := range ds.Entities {
		ends = append(ends, e.ID)
	}
	w := &randomWriter{t: t, s: s, r: rand.New(rand.NewPCG(5, 5)), ends: ends}
	for _, c := range ds.Commitments {
		w.live = append(w.live, c.ID)
	}
	write := w.write
	every := cg.CommitmentFilter{Statuses: cg.Statuses}
	pages := func(f cg.CommitmentFilter) []*cg.Matrix {
		var out []*cg.Matrix
		p := cg.MatrixPage{First: 37}
		for {
			page, err := s.Matrix(ctx, f, p)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, page)
			if !page.HasNext {
				return out
			}
			after := cg.EncodeMatrixCursor(page.Rows[len(page.Rows)-1].Key())
			p.After = after
		}
	}
	if _, err := s.Matrix(ctx, cg.CommitmentFilter{}, cg.MatrixPage{First: 1}); err != nil {
		t.Fatal(err)
	}
	n := 0
	for step := range 120 {
		burst := 1 + w.r.IntN(3)
		if step%20 == 19 {
			burst = patchLimit + 5
		}
		for range burst {
			write(n)
			n++
		}
		patching := len(s.rowCache.changed) <= patchLimit
		s.mu.RLock()
		got := s.allRows()
		want, _ := s.sortRows()
		s.mu.RUnlock()
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("step %d (patched %v): the rows differ from a fresh sort", step, patching)
		}
		if step%10 == 0 {
			if g, w := pages(cg.CommitmentFilter{}), pages(every); !reflect.DeepEqual(g, w) {
				t.Fatalf("step %d: the pages differ from a pass over the commitments", step)
			}
		}
	}
}
