package neo4j

import (
	"context"
	"errors"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/internal/testsupport"
	"github.com/coalitiongraph/coalitiongraph/storetest"
)

// A load larger than one transaction commits batch by batch: stopped
// half-way it leaves what it committed, and run again it converges on the
// graph an uninterrupted load gives.
func TestBatchedLoadResumes(t *testing.T) {
	ds := storetest.Synthetic(300, 40, 7)
	s := openEmpty(t)
	want := func() string {
		load(t, s, ds)
		return testsupport.GraphContent(t, testsupport.Neo4jURI(t))
	}()
	wantNodes, wantRels := stats(t, s)

	for _, tc := range []struct {
		name      string
		stopAfter int // batches committed before the load is stopped
	}{
		{"stopped after the first batch", 1},
		{"stopped among the commitments", 12},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := s.clear(context.Background()); err != nil {
				t.Fatal(err)
			}
			s.batchSize, s.atomicRows = 20, 50
			defer func() { s.batchSize, s.atomicRows = defaultBatchSize, 0 }()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			batches := 0
			_, err := s.Load(ctx, ds, func(done, total int) {
				batches++
				if batches == tc.stopAfter {
					cancel()
				}
			})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Load = %v; want it stopped by the cancelled context", err)
			}
			// What the stopped load committed stays: a reader sees part
			// of the dataset.
			nodes, rels := stats(t, s)
			if nodes == 0 || nodes >= wantNodes && rels >= wantRels {
				t.Errorf("after the stopped load: %d nodes, %d rels; want some but not all of %d, %d", nodes, rels, wantNodes, wantRels)
			}
			st, err := s.Load(context.Background(), ds, nil)
			if err != nil {
				t.Fatalf("re-run Load: %v", err)
			}
			if got := testsupport.GraphContent(t, testsupport.Neo4jURI(t)); got != want {
				t.Errorf("the re-run load did not converge: %s", testsupport.FirstDiff(got, want))
			}
			total := st.Sources + st.Entities + st.Relations + st.Commitments + st.Claims
			if st.Written == 0 || st.Written >= total || st.Versions != 0 {
				t.Errorf("re-run wrote %d of %d items (%d versions); want only the uncommitted ones, no versions", st.Written, total, st.Versions)
			}
			// And once more, nothing left to write.
			if st := load(t, s, ds); st.Written != 0 {
				t.Errorf("a third load wrote %d items; want 0", st.Written)
			}
		})
	}
}

// A batched reload moves an edge whose id the dataset gives to another
// kind or other ends: the old relationship goes in the batch that writes
// the new one, and no other edge is touched.
func TestBatchedLoadMovesEdges(t *testing.T) {
	ds := storetest.Synthetic(300, 40, 7)
	s := openEmpty(t)
	s.batchSize, s.atomicRows = 20, 50
	load(t, s, ds)
	_, wantRels := stats(t, s)

	kindMoved, endMoved := ds.Commitments[0], ds.Commitments[1]
	for _, k := range cg.CommitmentKinds {
		if k != kindMoved.Kind {
			kindMoved.Kind = k
			break
		}
	}
	for _, e := range ds.Entities {
		if e.ID != endMoved.ActorID && e.ID != endMoved.TargetID && endMoved.Kind.Fits(kindOf(ds, endMoved.ActorID), e.Kind) {
			endMoved.TargetID = e.ID
			break
		}
	}
	st := load(t, s, ds)
	if st.Moved != 2 {
		t.Errorf("Moved = %d; want 2", st.Moved)
	}
	// Each moved commitment's new version adds a version node and its
	// evidence's citations; the live graph keeps one edge per id.
	for _, c := range []*cg.Commitment{kindMoved, endMoved} {
		recs, err := s.read(context.Background(), "check", `MATCH (a:Entity)-[r]->(t:Entity) WHERE r.id = $id
RETURN type(r) AS kind, a.id AS actor, t.id AS target`, map[string]any{"id": c.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 1 {
			t.Fatalf("commitment %s: %d relationships, want 1", c.ID, len(recs))
		}
		if m := recs[0].AsMap(); m["kind"] != string(c.Kind) || m["actor"] != c.ActorID || m["target"] != c.TargetID {
			t.Errorf("commitment %s stored as %v, want %s %s→%s", c.ID, m, c.Kind, c.ActorID, c.TargetID)
		}
	}
	if _, rels := stats(t, s); rels < wantRels {
		t.Errorf("after the move: %d rels; want at least the %d before", rels, wantRels)
	}
}

func kindOf(ds *cg.Dataset, id string) cg.EntityKind {
	for _, e := range ds.Entities {
		if e.ID == id {
			return e.Kind
		}
	}
	return ""
}

// A batched reload leaves out the rows the graph holds unchanged (read in
// one statement first) and writes the rest as a load that sends every row
// does: the same items written, the same versions, the same graph.
func TestBatchedReloadSkipsUnchanged(t *testing.T) {
	s := openEmpty(t)
	defer func() { s.batchSize, s.atomicRows = defaultBatchSize, 0 }()
	for _, tc := range []struct {
		name string
		edit func(ds *cg.Dataset)
		// resent is whether every commitment must be sent again (a
		// changed source refreshes their first versions' knownFrom).
		resent bool
	}{
		{"unchanged", func(*cg.Dataset) {}, false},
		{"a commitment edited", func(ds *cg.Dataset) { ds.Commitments[3].Summary += " (edited)" }, false},
		{"an entity renamed", func(ds *cg.Dataset) { ds.Entities[2].Name += " (renamed)" }, false},
		{"a source retitled", func(ds *cg.Dataset) { ds.Sources[0].Title += " (retitled)" }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// reload loads the dataset, edits it and loads it again, in
			// batches (which skip) or in one transaction (which sends
			// every row).
			reload := func(batched bool) (LoadStats, string) {
				if err := s.clear(context.Background()); err != nil {
					t.Fatal(err)
				}
				s.batchSize, s.atomicRows = defaultBatchSize, 0
				if batched {
					s.batchSize, s.atomicRows = 20, 50
				}
				ds := storetest.Synthetic(300, 40, 7)
				load(t, s, ds)
				tc.edit(ds)
				return load(t, s, ds), testsupport.GraphContent(t, testsupport.Neo4jURI(t))
			}
			got, gotSnap := reload(true)
			want, wantSnap := reload(false)
			if got.Written != want.Written || got.Versions != want.Versions || got.KeptRetracted != want.KeptRetracted {
				t.Errorf("batched reload wrote %d (%d versions, %d kept retracted); one transaction wrote %d (%d, %d)",
					got.Written, got.Versions, got.KeptRetracted, want.Written, want.Versions, want.KeptRetracted)
			}
			if want.Versions == 0 && gotSnap != wantSnap {
				t.Errorf("graphs differ: %s", testsupport.FirstDiff(gotSnap, wantSnap))
			}
			total := got.Sources + got.Entities + got.Relations + got.Commitments + got.Claims
			wantSkipped := total - got.Written
			if tc.resent {
				wantSkipped -= got.Commitments
			}
			if got.Skipped != wantSkipped || want.Skipped != 0 {
				t.Errorf("skipped %d rows (one transaction %d); want %d of %d", got.Skipped, want.Skipped, wantSkipped, total)
			}
		})
	}
}
