package neo4j

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/storetest"
	nd "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// checkMaintainedMatrix pages through the unfiltered matrix at several
// page sizes, each page both from the maintained counts and by
// aggregation, with the maintained page's cursor; they must be equal, and
// the counts maintained.
func checkMaintainedMatrix(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	for _, first := range []int{0, 1, 7, 50} {
		var after *cg.MatrixKey
		for pages := 0; ; pages++ {
			got, ok, err := s.maintainedMatrix(ctx, first, after)
			if err != nil {
				t.Fatalf("maintained matrix (first %d, after %v): %v", first, after, err)
			}
			if !ok {
				t.Fatalf("matrix counts are not maintained")
			}
			want, err := s.aggregatedMatrix(ctx, cg.CommitmentFilter{}, first, after)
			if err != nil {
				t.Fatalf("aggregated matrix: %v", err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("first %d after %v: maintained page\n%+v\naggregated page\n%+v", first, after, got, want)
			}
			if !got.HasNext || len(got.Rows) == 0 || pages > 1000 {
				if pages == 0 && len(got.Rows) == 0 && first != 0 {
					t.Fatalf("empty matrix: the test needs commitments")
				}
				break
			}
			k := got.Rows[len(got.Rows)-1].Key()
			after = &k
		}
	}
}

// TestMaintainedMatrixEqualsAggregation runs loads, reloads, writes and a
// rebuild in turn and compares the maintained matrix with the aggregated
// one after each.
func TestMaintainedMatrixEqualsAggregation(t *testing.T) {
	s := openEmpty(t)
	ctx := context.Background()
	ds := storetest.Synthetic(400, 30, 11)
	at := time.Now()
	meta := cg.WriteMeta{By: "test", At: at, Reason: "test"}
	// changed moves statuses, evidence counts, a kind and an actor of
	// the dataset's commitments, for a changed reload.
	changed := func(ds *cg.Dataset, round int) *cg.Dataset {
		out := storetest.Synthetic(400, 30, 11)
		for i, c := range out.Commitments {
			switch (i + round) % 9 {
			case 0:
				c.Status = cg.StatusWithdrawn
			case 1:
				c.Evidence = append(c.Evidence, cg.Evidence{SourceID: c.Evidence[0].SourceID, Quote: fmt.Sprintf("again %d", round)})
			case 2:
				if len(c.Evidence) > 1 {
					c.Evidence = c.Evidence[:1]
				}
			case 3:
				// Another kind that allows the status: the load deletes the old
				// relationship (pruneMoved) and makes the new one.
				for _, k := range cg.CommitmentKinds {
					if k != c.Kind && k.Allows(c.Status) {
						c.Kind = k
						break
					}
				}
			case 4:
				// Another actor, of the same entity kind.
				for _, c2 := range out.Commitments {
					if c2.ActorID != c.ActorID && c2.ActorID != c.TargetID && c2.Kind == c.Kind {
						c.ActorID = c2.ActorID
						break
					}
				}
			}
		}
		if err := out.Check(); err != nil {
			t.Fatalf("changed dataset: %v", err)
		}
		return out
	}
	newOne := func(id string) *cg.Commitment {
		c := *ds.Commitments[0]
		c.ID, c.Status, c.Version = id, cg.StatusProposed, 0
		if !c.Kind.Allows(c.Status) {
			c.Status = cg.StatusWithdrawn
		}
		c.Evidence = []cg.Evidence{{SourceID: "mx-src", Quote: "new"}}
		return &c
	}
	firmer := func(k cg.EdgeKind) cg.Status {
		for _, st := range k.AllowedStatuses() {
			if st != cg.StatusWithdrawn {
				return st
			}
		}
		return cg.StatusWithdrawn
	}
	for _, step := range []struct {
		name string
		do   func(t *testing.T)
	}{
		{"first load, batched", func(t *testing.T) {
			s.batchSize, s.atomicRows = 60, 10
			load(t, s, ds)
		}},
		{"unchanged reload, batched, rows skipped", func(t *testing.T) {
			if st := load(t, s, ds); st.Written != 0 {
				t.Fatalf("unchanged reload wrote %d", st.Written)
			}
		}},
		{"unchanged reload, every row sent", func(t *testing.T) {
			s.sendUnchanged = true
			defer func() { s.sendUnchanged = false }()
			if st := load(t, s, ds); st.Written != 0 {
				t.Fatalf("unchanged reload wrote %d", st.Written)
			}
		}},
		{"changed reload, batched", func(t *testing.T) {
			if st := load(t, s, changed(ds, 0)); st.Written == 0 || st.Moved == 0 {
				t.Fatalf("changed reload: %+v; want rows written and moved", st)
			}
		}},
		{"changed reload, one transaction", func(t *testing.T) {
			s.atomicRows = 0
			if st := load(t, s, changed(ds, 1)); st.Written == 0 || st.Moved == 0 {
				t.Fatalf("changed reload: %+v; want rows written and moved", st)
			}
		}},
		{"record", func(t *testing.T) {
			if _, err := s.PutSource(ctx, &cg.Source{ID: "mx-src", File: "mx.txt", Text: "new, more and more\n"}, meta); err != nil {
				t.Fatalf("PutSource: %v", err)
			}
			for i := range 3 {
				if _, err := s.RecordCommitment(ctx, newOne(fmt.Sprintf("mx-new-%d", i)), meta); err != nil {
					t.Fatalf("RecordCommitment: %v", err)
				}
			}
		}},
		{"change status and evidence", func(t *testing.T) {
			c := newOne("mx-new-0")
			if _, err := s.ChangeCommitment(ctx, cg.CommitmentChange{ID: c.ID, BaseVersion: 1, Status: firmer(c.Kind),
				Evidence: []cg.Evidence{{SourceID: c.Evidence[0].SourceID, Quote: "more"}, {SourceID: c.Evidence[0].SourceID, Quote: "and more"}}}, meta); err != nil {
				t.Fatalf("ChangeCommitment: %v", err)
			}
		}},
		{"retract", func(t *testing.T) {
			for _, id := range []string{"mx-new-0", "mx-new-1", ds.Commitments[5].ID} {
				h, err := s.CommitmentHistory(ctx, id)
				if err != nil || len(h) == 0 {
					t.Fatalf("CommitmentHistory(%s): %v", id, err)
				}
				if _, err := s.RetractCommitment(ctx, id, h[len(h)-1].Version, meta); err != nil {
					t.Fatalf("RetractCommitment(%s): %v", id, err)
				}
			}
		}},
		{"reload after writes", func(t *testing.T) {
			s.atomicRows = 10
			load(t, s, ds)
		}},
		{"built where missing, as on an imported graph", func(t *testing.T) {
			// An imported graph has no counts and no row number: remove
			// them, and with them the mark that they are maintained.
			sess := s.session(ctx, nd.AccessModeWrite)
			defer sess.Close(ctx)
			if _, err := nd.ExecuteWrite(ctx, sess, func(tx nd.ManagedTransaction) (bool, error) {
				return true, run(ctx, tx, `MATCH (e:Entity) WHERE e.matrixTotal IS NOT NULL
SET e.matrixTotal = null, e.matrixCells = null, e.matrixEvidence = null
WITH count(*) AS n MATCH (f:ChangeFeed {id: $feed}) SET f.matrixCounts = null`, map[string]any{"feed": feedID})
			}); err != nil {
				t.Fatalf("drop the counts: %v", err)
			}
			if _, ok, err := s.maintainedMatrix(ctx, 5, nil); err != nil || ok {
				t.Fatalf("maintained matrix without counts: ok %v, %v", ok, err)
			}
			if m, err := s.Matrix(ctx, cg.CommitmentFilter{}, cg.MatrixPage{First: 5}); err != nil || len(m.Rows) != 5 {
				t.Fatalf("Matrix without counts: %v", err)
			}
			if err := s.ensureMatrix(ctx); err != nil {
				t.Fatalf("ensureMatrix: %v", err)
			}
		}},
	} {
		t.Run(step.name, func(t *testing.T) {
			step.do(t)
			checkMaintainedMatrix(t, s)
		})
	}
}

// The unfiltered matrix page reads its rows from the total's index in
// order, and expands no relationship: its cost is the page's rows.
func TestMaintainedMatrixPlan(t *testing.T) {
	s := openEmpty(t)
	load(t, s, storetest.Synthetic(300, 40, 5))
	k := cg.MatrixKey{Total: 3, ActorID: "e-0010"}
	for _, after := range []*cg.MatrixKey{nil, &k} {
		ops := explain(t, s, maintainedMatrixPage, maintainedMatrixParams(cg.DefaultMatrixRows, after))
		plan := strings.Join(ops, "\n")
		if !strings.Contains(plan, "RANGE INDEX e:Entity(matrixTotal)") || !strings.Contains(plan, "PartialTop") {
			t.Errorf("after %v: the page is not read in the total's index order:\n%s", after, plan)
		}
		for _, op := range ops {
			if strings.Contains(op, "Expand") || strings.HasPrefix(op, "Sort") || strings.HasPrefix(op, "Top") ||
				strings.Contains(op, "AllNodesScan") || strings.Contains(op, "NodeByLabelScan") {
				t.Errorf("after %v: the page has %s:\n%s", after, op, plan)
			}
		}
	}
}
