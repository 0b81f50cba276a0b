package neo4j

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/internal/testsupport"
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

// dropMatrixCounts removes the maintained counts and the mark that they
// are maintained, as an imported graph has neither.
func dropMatrixCounts(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	sess := s.session(ctx, nd.AccessModeWrite)
	defer sess.Close(ctx)
	if _, err := nd.ExecuteWrite(ctx, sess, func(tx nd.ManagedTransaction) (bool, error) {
		return true, run(ctx, tx, `MATCH (e:Entity) WHERE e.matrixTotal IS NOT NULL
SET e.matrixTotal = null, e.matrixCells = null, e.matrixEvidence = null
WITH count(*) AS n MATCH (f:ChangeFeed {id: $feed}) SET f.matrixCounts = null
WITH count(*) AS n OPTIONAL MATCH (st:MatrixStripe) DELETE st
WITH count(*) AS n OPTIONAL MATCH (c:ListingDateCount|ListingSourceCount) DELETE c`, map[string]any{"feed": feedID})
	}); err != nil {
		t.Fatalf("drop the counts: %v", err)
	}
}

// checkMaintainedCounts compares counts from the maintained cells with
// the aggregation's, for Counts and CountsBy under every filter the cells
// answer (kinds, statuses, actors, together, and ones matching nothing),
// by every set of dimensions within actor, kind and status.
func checkMaintainedCounts(t *testing.T, s *Store, ds *cg.Dataset) {
	t.Helper()
	ctx := context.Background()
	c0, c1 := ds.Commitments[0], ds.Commitments[1]
	filters := []cg.CommitmentFilter{
		{},
		{Kinds: []cg.EdgeKind{c0.Kind, c1.Kind}},
		{Kinds: []cg.EdgeKind{cg.MemberOf, c0.Kind}},
		{Kinds: []cg.EdgeKind{cg.MemberOf}},
		{Statuses: []cg.Status{c0.Status, cg.StatusWithdrawn}},
		{ActorIDs: []string{c0.ActorID, c1.ActorID, "nobody"}},
		{Kinds: []cg.EdgeKind{c0.Kind}, Statuses: []cg.Status{c0.Status}, ActorIDs: []string{c0.ActorID}},
	}
	dims := [][]cg.CountDimension{
		{cg.ByKind, cg.ByStatus}, {cg.ByKind}, {cg.ByStatus}, {cg.ByActor},
		{cg.ByActor, cg.ByKind}, {cg.ByStatus, cg.ByActor, cg.ByKind},
	}
	for _, f := range filters {
		if !cellsAnswer(f) {
			t.Fatalf("filter %+v: the cells should answer it", f)
		}
		want, err := s.aggregatedCounts(ctx, f)
		if err != nil {
			t.Fatalf("aggregated counts: %v", err)
		}
		groups, ok, err := s.maintainedCounts(ctx, f, false)
		if err != nil || !ok {
			t.Fatalf("filter %+v: maintained counts: ok %v, %v", f, ok, err)
		}
		fromCells := []cg.Count{}
		for _, g := range groups {
			fromCells = append(fromCells, cg.Count{Kind: g.Kind, Status: g.Status, Count: g.Count})
		}
		got, err := s.Counts(ctx, f)
		if err != nil {
			t.Fatalf("Counts(%+v): %v", f, err)
		}
		for what, counts := range map[string][]cg.Count{"cells": fromCells, "Counts": got} {
			if !reflect.DeepEqual(counts, want) {
				t.Fatalf("filter %+v: %s\n%+v\naggregated\n%+v", f, what, counts, want)
			}
		}
		if len(f.Kinds) == 0 && len(f.ActorIDs) == 0 && len(want) == 0 {
			t.Fatalf("Counts(%+v) empty: the test needs commitments", f)
		}
		for _, by := range dims {
			got, err := s.CountsBy(ctx, f, by)
			if err != nil {
				t.Fatalf("CountsBy(%+v, %v): %v", f, by, err)
			}
			want, err := s.aggregatedCountsBy(ctx, f, by)
			if err != nil {
				t.Fatalf("aggregated counts by: %v", err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("CountsBy(%+v, %v): maintained\n%+v\naggregated\n%+v", f, by, got, want)
			}
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
		{"concurrent writes, batched", func(t *testing.T) {
			// 16 writers record, change and retract commitments of actors
			// that overlap between writers, so that the group commit puts
			// several actors' count updates in one transaction, in any
			// order.
			var mu sync.Mutex
			commits, writes, deadlocks := 0, 0, 0
			s.trace = func(phase string, _ time.Duration) {
				mu.Lock()
				defer mu.Unlock()
				switch phase {
				case "commit":
					commits++
				case "transaction":
					writes++
				case "deadlock":
					deadlocks++
				}
			}
			defer func() { s.trace = nil }()
			var wg sync.WaitGroup
			var calls atomic.Int64
			errs := make(chan error, 16)
			for w := range 16 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					var ids []string
					for k := range 4 {
						c := *ds.Commitments[(w*7+k*13)%len(ds.Commitments)]
						c.ID, c.Version = fmt.Sprintf("mx-cc-%d-%d", w, k), 0
						c.Evidence = []cg.Evidence{{SourceID: "mx-src", Quote: "new"}}
						calls.Add(1)
						if _, err := s.RecordCommitment(ctx, &c, meta); err != nil {
							errs <- fmt.Errorf("RecordCommitment(%s): %w", c.ID, err)
							return
						}
						ids = append(ids, c.ID)
						st := firmer(c.Kind)
						if st == c.Status {
							st = cg.StatusWithdrawn
						}
						if k%2 == 1 && st != c.Status {
							calls.Add(1)
							if _, err := s.ChangeCommitment(ctx, cg.CommitmentChange{ID: c.ID, BaseVersion: 1, Status: st,
								Evidence: []cg.Evidence{{SourceID: "mx-src", Quote: "more"}}}, meta); err != nil {
								errs <- fmt.Errorf("ChangeCommitment(%s): %w", c.ID, err)
								return
							}
						}
					}
					calls.Add(1)
					if _, err := s.RetractCommitment(ctx, ids[0], 1, meta); err != nil {
						errs <- fmt.Errorf("RetractCommitment(%s): %w", ids[0], err)
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if int64(writes) != calls.Load() || commits >= writes {
				t.Fatalf("%d writes in %d commits; want %d writes, several a commit", writes, commits, calls.Load())
			}
			t.Logf("%d writes in %d commits, %d batches run again after a deadlock", writes, commits, deadlocks)
		}},
		{"reload after writes", func(t *testing.T) {
			s.atomicRows = 10
			load(t, s, ds)
		}},
		{"built where missing, as on an imported graph", func(t *testing.T) {
			dropMatrixCounts(t, s)
			if _, ok, err := s.maintainedMatrix(ctx, 5, nil); err != nil || ok {
				t.Fatalf("maintained matrix without counts: ok %v, %v", ok, err)
			}
			if m, err := s.Matrix(ctx, cg.CommitmentFilter{}, cg.MatrixPage{First: 5}); err != nil || len(m.Rows) != 5 {
				t.Fatalf("Matrix without counts: %v", err)
			}
			checkListingCounts(t, s, ds, false)
			if err := s.ensureMatrix(ctx); err != nil {
				t.Fatalf("ensureMatrix: %v", err)
			}
		}},
		{"built again over an earlier format's rows (no stripes)", func(t *testing.T) {
			sess := s.session(ctx, nd.AccessModeWrite)
			defer sess.Close(ctx)
			if _, err := nd.ExecuteWrite(ctx, sess, func(tx nd.ManagedTransaction) (bool, error) {
				return true, run(ctx, tx, `MATCH (st:MatrixStripe) DELETE st
WITH count(*) AS n MATCH (f:ChangeFeed {id: $feed}) SET f.matrixCounts = true`, map[string]any{"feed": feedID})
			}); err != nil {
				t.Fatalf("mark the earlier format: %v", err)
			}
			if _, ok, err := s.maintainedCounts(ctx, cg.CommitmentFilter{}, false); err != nil || ok {
				t.Fatalf("counts of the earlier format: ok %v, %v", ok, err)
			}
			if err := s.ensureMatrix(ctx); err != nil {
				t.Fatalf("ensureMatrix: %v", err)
			}
		}},
	} {
		t.Run(step.name, func(t *testing.T) {
			step.do(t)
			checkMaintainedMatrix(t, s)
			checkMaintainedCounts(t, s, ds)
			checkListingCounts(t, s, ds, true)
		})
	}
}

// stripeScan reports whether op is the scan of the matrixStripes stripes'
// label, a read of 64 nodes.
func stripeScan(op string) bool {
	return strings.HasPrefix(op, "NodeByLabelScan") && strings.HasSuffix(op, ": st:MatrixStripe")
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
		// The number of rows is the stripes' sum: the total's index is
		// read once, for the page (a count over it read every actor
		// with commitments, 34,088 at a million, per page).
		if n := strings.Count(plan, "Entity(matrixTotal)"); n != 1 || !strings.Contains(plan, "st:MatrixStripe") {
			t.Errorf("after %v: the total's index read %d times, want once, and the rows from the stripes:\n%s", after, n, plan)
		}
		for _, op := range ops {
			if stripeScan(op) {
				continue
			}
			if strings.Contains(op, "Expand") || strings.HasPrefix(op, "Sort") || strings.HasPrefix(op, "Top") ||
				strings.Contains(op, "AllNodesScan") || strings.Contains(op, "NodeByLabelScan") {
				t.Errorf("after %v: the page has %s:\n%s", after, op, plan)
			}
		}
	}
}

// The unfiltered counts, and those of kinds or of actors, read the
// actors' cells: the actors from the total's index or the named ones from
// the id constraint, and no relationship. And Counts answers from them:
// with a cell changed by hand, its answer follows the cell.
func TestMaintainedCountsPlan(t *testing.T) {
	s := openEmpty(t)
	ds := storetest.Synthetic(300, 40, 5)
	load(t, s, ds)
	for _, f := range []cg.CommitmentFilter{{}, {Kinds: []cg.EdgeKind{cg.OffersTroops}}, {ActorIDs: []string{ds.Commitments[0].ActorID}}} {
		for _, byActor := range []bool{false, true} {
			if !cellsAnswer(f) {
				t.Fatalf("filter %+v: the cells do not answer it", f)
			}
			cypher, params := maintainedCountsQuery(f, selectedCells(f), byActor)
			ops := explain(t, s, cypher, params)
			plan := strings.Join(ops, "\n")
			index := "RANGE INDEX e:Entity(matrixTotal)"
			// Totals of every actor read the stripes, matrixStripes nodes
			// of their label.
			stripes := len(f.ActorIDs) == 0 && !byActor
			switch {
			case len(f.ActorIDs) > 0:
				index = "Entity(id)"
			case stripes:
				index = "st:MatrixStripe"
			}
			if !strings.Contains(plan, index) {
				t.Errorf("filter %+v, by actor %v: the actors are not read from %s:\n%s", f, byActor, index, plan)
			}
			for _, op := range ops {
				if stripes && stripeScan(op) {
					continue
				}
				if strings.Contains(op, "Expand") || strings.Contains(op, "Relationship") ||
					strings.Contains(op, "AllNodesScan") || strings.Contains(op, "NodeByLabelScan") || strings.Contains(op, ":Entity(matrixTotal)") && stripes {
					t.Errorf("filter %+v, by actor %v: the counts have %s:\n%s", f, byActor, op, plan)
				}
			}
		}
	}
	// Counts of everything and by actor must come from the cells: bump
	// one cell of the first actor, and of its stripe, and see it in both
	// answers.
	ctx := context.Background()
	before, err := s.aggregatedCounts(ctx, cg.CommitmentFilter{})
	if err != nil {
		t.Fatalf("aggregated counts: %v", err)
	}
	c := ds.Commitments[0]
	sess := s.session(ctx, nd.AccessModeWrite)
	defer sess.Close(ctx)
	if _, err := nd.ExecuteWrite(ctx, sess, func(tx nd.ManagedTransaction) (bool, error) {
		return true, run(ctx, tx, `MATCH (e:Entity {id: $actor}) SET e.matrixCells = [j IN range(0, size(e.matrixCells) - 1) | e.matrixCells[j] + CASE WHEN j = $i THEN 1000 ELSE 0 END]
WITH e MATCH (st:MatrixStripe {n: e.matrixStripe}) SET st.cells = [j IN range(0, size(st.cells) - 1) | st.cells[j] + CASE WHEN j = $i THEN 1000 ELSE 0 END]`,
			map[string]any{"actor": c.ActorID, "i": int64(matrixCellIndex(c.Kind, c.Status))})
	}); err != nil {
		t.Fatalf("bump a cell: %v", err)
	}
	got, err := s.Counts(ctx, cg.CommitmentFilter{})
	if err != nil {
		t.Fatalf("Counts: %v", err)
	}
	for i := range before {
		if before[i].Kind == c.Kind && before[i].Status == c.Status {
			before[i].Count += 1000
		}
	}
	if !reflect.DeepEqual(got, before) {
		t.Errorf("Counts do not follow the cells:\n%+v\nwant\n%+v", got, before)
	}
	groups, err := s.CountsBy(ctx, cg.CommitmentFilter{ActorIDs: []string{c.ActorID}}, []cg.CountDimension{cg.ByActor})
	if err != nil {
		t.Fatalf("CountsBy: %v", err)
	}
	if len(groups) != 1 || groups[0].Count < 1000 {
		t.Errorf("CountsBy actor does not follow the cells: %+v", groups)
	}
}

// A graph without counts (imported, or written before them) has them
// built in the background when the build outlasts its caller; they then
// equal the aggregation. Close during a build returns cleanly, leaving
// the counts either built or absent, never half made.
func TestMatrixBuildInBackground(t *testing.T) {
	s := openEmpty(t)
	ds := storetest.Synthetic(3000, 120, 9)
	load(t, s, ds)
	ctx := context.Background()
	background := func(s *Store) {
		s.schemaMu.Lock()
		s.buildMatrixInBackground()
		s.schemaMu.Unlock()
	}
	// awaitMaintained waits for the build's goroutine to end: the counts
	// must then be there.
	awaitMaintained := func(s *Store) {
		t.Helper()
		if err := s.AwaitCounts(ctx); err != nil {
			t.Fatalf("AwaitCounts: %v", err)
		}
		if _, ok, err := s.maintainedCounts(ctx, cg.CommitmentFilter{}, false); err != nil || !ok {
			t.Fatalf("after the background build: ok %v, %v", ok, err)
		}
	}

	dropMatrixCounts(t, s)
	if _, ok, err := s.maintainedCounts(ctx, cg.CommitmentFilter{}, false); err != nil || ok {
		t.Fatalf("counts without the cells: ok %v, %v", ok, err)
	}
	// Without the cells Counts aggregates, and still answers.
	if got, err := s.Counts(ctx, cg.CommitmentFilter{}); err != nil || len(got) == 0 {
		t.Fatalf("Counts without the cells: %v, %v", got, err)
	}
	background(s)
	awaitMaintained(s)
	checkMaintainedCounts(t, s, ds)
	checkMaintainedMatrix(t, s)
	// No build under way: AwaitCounts builds them itself.
	dropMatrixCounts(t, s)
	awaitMaintained(s)
	checkListingCounts(t, s, ds, true)

	// Close during the build: a Store of its own, opened on the graph
	// with its counts dropped again.
	s2, err := Open(ctx, Config{URI: testsupport.Neo4jURI(t)})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if err := s2.Ready(ctx); err != nil {
		t.Fatalf("Ready: %v", err)
	}
	dropMatrixCounts(t, s)
	background(s2)
	if err := s2.Close(); err != nil {
		t.Fatalf("Close during the build: %v", err)
	}
	_, ok, err := s.maintainedCounts(ctx, cg.CommitmentFilter{}, false)
	if err != nil {
		t.Fatalf("maintained counts after Close: %v", err)
	}
	t.Logf("the build closed early finished: %v", ok)
	if ok {
		// Built before Close stopped it: whole.
		checkMaintainedCounts(t, s, ds)
	} else {
		// Stopped: nothing left of it, and the next build makes them.
		rec, err := s.readOne(ctx, "rows", `MATCH (e:Entity) WHERE e.matrixTotal IS NOT NULL RETURN count(e) AS n`, nil)
		if err != nil || toInt(rec["n"]) != 0 {
			t.Fatalf("a stopped build left %v rows (%v)", rec["n"], err)
		}
		if err := s.ensureMatrix(ctx); err != nil {
			t.Fatalf("ensureMatrix: %v", err)
		}
		checkMaintainedCounts(t, s, ds)
	}
}
