package inmem

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

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
	r := rand.New(rand.NewPCG(5, 5))
	m := cg.WriteMeta{By: "test", At: time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC), Reason: "test"}
	live := []string{}
	for _, c := range ds.Commitments {
		live = append(live, c.ID)
	}
	ev := []cg.Evidence{{SourceID: "src-text", Quote: "a quote", Line: 1}}
	write := func(i int) {
		switch op := r.IntN(3); {
		case op == 0 || len(live) == 0:
			kind := cg.CommitmentKinds[r.IntN(len(cg.CommitmentKinds))]
			c := &cg.Commitment{ID: fmt.Sprintf("n%05d", i), Kind: kind,
				ActorID:  ds.Entities[r.IntN(len(ds.Entities))].ID,
				TargetID: ds.Entities[r.IntN(len(ds.Entities))].ID,
				Status:   kind.AllowedStatuses()[0], Evidence: ev}
			if _, err := s.RecordCommitment(ctx, c, m); err != nil {
				t.Fatalf("record: %v", err)
			}
			live = append(live, c.ID)
		case op == 1:
			j := r.IntN(len(live))
			h, err := s.CommitmentHistory(ctx, live[j])
			if err != nil {
				t.Fatal(err)
			}
			cur := h[len(h)-1]
			allowed := cur.Kind.AllowedStatuses()
			if _, err := s.ChangeCommitment(ctx, cg.CommitmentChange{ID: cur.ID, BaseVersion: cur.Version,
				Status: allowed[r.IntN(len(allowed))], Evidence: ev}, m); err != nil {
				t.Fatalf("change %s: %v", cur.ID, err)
			}
		default:
			j := r.IntN(len(live))
			h, err := s.CommitmentHistory(ctx, live[j])
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.RetractCommitment(ctx, live[j], h[len(h)-1].Version, m); err != nil {
				t.Fatalf("retract %s: %v", live[j], err)
			}
			live = append(live[:j], live[j+1:]...)
		}
	}
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
		burst := 1 + r.IntN(3)
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
