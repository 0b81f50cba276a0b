package inmem

import (
	"slices"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/storetest"
)

// putCommitment is the write path a later update API builds on: replacing
// a commitment must move it between index lists and orderings, and adding
// one must put it in its place, without a rebuild.
func TestPutCommitment(t *testing.T) {
	s, err := New(storetest.Fixture())
	if err != nil {
		t.Fatal(err)
	}
	ids := func(f cg.CommitmentFilter, o cg.CommitmentOrder) []string {
		t.Helper()
		p, err := s.Commitments(t.Context(), f, cg.Page{Order: o})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range p.Commitments {
			out = append(out, c.ID)
		}
		return out
	}
	old := s.commitments["c02-pol-refuses"]
	moved := *old
	moved.ActorID, moved.Status, moved.Kind = "ITA", cg.StatusRefused, cg.RefusesTroops
	moved.Date = cg.MustDate("2025-08-22")
	moved.Evidence = []cg.Evidence{{SourceID: "src-c", Quote: "q"}}
	added := &cg.Commitment{ID: "c00-new", Kind: cg.Supports, ActorID: "POL", TargetID: "UKR", Status: cg.StatusStated,
		Evidence: []cg.Evidence{{SourceID: "src-b", Quote: "q"}}}
	s.mu.Lock()
	for _, c := range []*cg.Commitment{&moved, added} {
		if err := s.putCommitment(c); err != nil {
			t.Fatal(err)
		}
	}
	bad := &cg.Commitment{ID: "ITA", Kind: cg.Supports, ActorID: "POL", TargetID: "UKR"}
	if err := s.putCommitment(bad); err == nil {
		t.Error("putCommitment with an entity's id: no error")
	}
	s.mu.Unlock()

	for _, tc := range []struct {
		name string
		f    cg.CommitmentFilter
		o    cg.CommitmentOrder
		want []string
	}{
		{"left its old actor", cg.CommitmentFilter{ActorIDs: []string{"POL"}}, cg.OrderID, []string{"c00-new", "c17-pol-equipment"}},
		{"joined its new actor", cg.CommitmentFilter{ActorIDs: []string{"ITA"}}, cg.OrderID, []string{"c02-pol-refuses", "c03-ita-proposes", "c10-ita-supports", "c14-ita-refuses"}},
		{"left its old source", cg.CommitmentFilter{SourceIDs: []string{"src-a"}, Kinds: []cg.EdgeKind{cg.RefusesTroops}}, cg.OrderID, []string{"c14-ita-refuses"}},
		{"joined its new source", cg.CommitmentFilter{SourceIDs: []string{"src-c"}, Kinds: []cg.EdgeKind{cg.RefusesTroops}}, cg.OrderID, []string{"c02-pol-refuses"}},
		{"moved in date order", cg.CommitmentFilter{From: cg.MustDate("2025-08-21")}, cg.OrderDateAsc, []string{"c06-rus-opposes", "c12-coalition-troops", "c08-fra-air", "c16-rus-protests", "c02-pol-refuses", "c15-usa-supports"}},
		{"added undated, first of the undated by id", cg.CommitmentFilter{}, cg.OrderDateDesc, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ids(tc.f, tc.o)
			if tc.want == nil {
				got, tc.want = got[len(got)-4:], []string{"c00-new", "c07-ukr-demands", "c13-nato-logistics", "c20-usa-support"}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %q\nwant %q", got, tc.want)
			}
		})
	}
	if old.ActorID != "POL" {
		t.Error("putCommitment changed the replaced value in place")
	}
	for o, list := range s.ordered {
		if !slices.IsSortedFunc(list, cg.CompareCommitments(o)) || len(list) != 22 {
			t.Errorf("ordering %s: %d commitments, sorted %v", o, len(list), slices.IsSortedFunc(list, cg.CompareCommitments(o)))
		}
	}
}
