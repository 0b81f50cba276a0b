package inmem_test

import (
	"slices"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/inmem"
	"github.com/coalitiongraph/coalitiongraph/storetest"
)

// The text index is built by the first search and then follows writes:
// a recorded commitment, a retraction and a put entity are found, or no
// longer found, by the next search.
func TestTextIndexFollowsWrites(t *testing.T) {
	s, err := inmem.New(storetest.Fixture())
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	hits := func(q string) []string {
		t.Helper()
		p, err := s.SearchText(ctx, cg.TextQuery{Text: q})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, h := range p.Hits {
			ids = append(ids, h.ID)
		}
		return ids
	}
	if got := hits("zanzibar"); len(got) != 0 {
		t.Fatalf("before any write: %v", got)
	}
	m := cg.WriteMeta{By: "test", At: time.Date(2025, 8, 25, 0, 0, 0, 0, time.UTC), Reason: "test"}
	c := &cg.Commitment{ID: "c-new", Kind: cg.RefusesTroops, ActorID: "POL", TargetID: "UKR", Status: cg.StatusRefused,
		Summary:  "Poland rules out a Zanzibar deployment.",
		Evidence: []cg.Evidence{{SourceID: "src-a", Quote: "Poland clarified it will not send forces into Ukraine"}}}
	if _, err := s.RecordCommitment(ctx, c, m); err != nil {
		t.Fatal(err)
	}
	if got := hits("zanzibar"); !slices.Equal(got, []string{"c-new"}) {
		t.Errorf("after recording: %v", got)
	}
	if _, err := s.RetractCommitment(ctx, "c-new", 1, m); err != nil {
		t.Fatal(err)
	}
	if got := hits("zanzibar"); len(got) != 0 {
		t.Errorf("after retracting: %v", got)
	}
	if got := hits("clarified"); !slices.Equal(got, []string{"c02-pol-refuses"}) {
		t.Errorf("the retracted commitment's quote still found: %v", got)
	}
	e := &cg.Entity{ID: "POL", Kind: cg.KindCountry, Name: "Poland", Aliases: []string{"Polish", "Warsaw", "Rzeczpospolita"}}
	if _, err := s.PutEntity(ctx, e, m); err != nil {
		t.Fatal(err)
	}
	if got := hits("rzeczpospolita warsaw"); !slices.Equal(got, []string{"POL"}) {
		t.Errorf("after putting POL: %v", got)
	}
}
