package neo4j

import (
	"context"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/storetest"
)

// A batched reload after one item changed in the dataset sends exactly
// that item's row (every other one the graph holds unchanged is left
// out), writes it, and leaves a graph Diff finds equal to the dataset; a
// commitment retracted through the API since is sent, and kept retracted.
func TestBatchedReloadWritesTheChangedItem(t *testing.T) {
	const allCommitments = -1
	s := openEmpty(t)
	defer func() { s.batchSize, s.atomicRows = defaultBatchSize, 0 }()
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		// edit changes the dataset (or the graph, through the API) after
		// the first load.
		edit func(t *testing.T, ds *cg.Dataset)
		// sent is the number of rows the reload must send (allCommitments:
		// the changed source's and every commitment's, whose upserts
		// refresh their first versions' knownFrom); written, versions and
		// kept are what it must report.
		sent, written, versions, kept int
	}{
		{"nothing", func(*testing.T, *cg.Dataset) {}, 0, 0, 0, 0},
		{"a source", func(_ *testing.T, ds *cg.Dataset) { ds.Sources[1].Title += " (retitled)" }, allCommitments, 1, 0, 0},
		{"an entity", func(_ *testing.T, ds *cg.Dataset) { ds.Entities[4].Name += " (renamed)" }, 1, 1, 0, 0},
		{"a relation", func(_ *testing.T, ds *cg.Dataset) { ds.Relations[0].Evidence[0].AttributedTo = "someone else" }, 1, 1, 0, 0},
		{"a commitment", func(_ *testing.T, ds *cg.Dataset) { ds.Commitments[5].Summary += " (edited)" }, 1, 1, 1, 0},
		{"the last commitment", func(_ *testing.T, ds *cg.Dataset) {
			ds.Commitments[len(ds.Commitments)-1].Conditions = append(ds.Commitments[len(ds.Commitments)-1].Conditions, "a new condition")
		}, 1, 1, 1, 0},
		{"a claim", func(_ *testing.T, ds *cg.Dataset) { ds.Claims[0].Position += "-edited" }, 1, 1, 0, 0},
		{"a commitment retracted through the API", func(t *testing.T, ds *cg.Dataset) {
			m := cg.WriteMeta{By: "test", At: time.Now().UTC(), Reason: "withdrawn"}
			if _, err := s.RetractCommitment(ctx, ds.Commitments[2].ID, 1, m); err != nil {
				t.Fatalf("RetractCommitment: %v", err)
			}
		}, 1, 0, 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := s.clear(ctx); err != nil {
				t.Fatal(err)
			}
			s.batchSize, s.atomicRows = 7, 20
			ds := storetest.Fixture()
			if len(ds.Sources) < 2 || len(ds.Relations) == 0 || len(ds.Claims) == 0 || len(ds.Commitments) < 6 {
				t.Fatalf("the fixture lacks an item to edit")
			}
			load(t, s, ds)
			tc.edit(t, ds)
			st := load(t, s, ds)
			total := st.Sources + st.Entities + st.Relations + st.Commitments + st.Claims
			sent := tc.sent
			if sent == allCommitments {
				sent = 1 + st.Commitments
			}
			if st.Skipped != total-sent {
				t.Errorf("Skipped = %d of %d rows; want %d (%d sent)", st.Skipped, total, total-sent, sent)
			}
			if st.Written != tc.written || st.Versions != tc.versions || st.KeptRetracted != tc.kept {
				t.Errorf("reload wrote %d (%d versions, %d kept retracted); want %d (%d, %d)",
					st.Written, st.Versions, st.KeptRetracted, tc.written, tc.versions, tc.kept)
			}
			d, err := s.Diff(ctx, ds)
			if err != nil {
				t.Fatalf("Diff: %v", err)
			}
			for _, sd := range d.Sections {
				if len(sd.Added) > 0 || len(sd.Changed) > 0 {
					t.Errorf("after the reload, %s: %d added, %d changed; want the graph as the dataset", sd.Name, len(sd.Added), len(sd.Changed))
				}
			}
			if len(d.KeptRetracted) != tc.kept {
				t.Errorf("Diff keeps %v retracted; want %d", d.KeptRetracted, tc.kept)
			}
		})
	}
}
