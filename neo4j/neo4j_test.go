package neo4j

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/dataset"
	"github.com/coalitiongraph/coalitiongraph/inmem"
	"github.com/coalitiongraph/coalitiongraph/internal/testsupport"
	"github.com/coalitiongraph/coalitiongraph/storetest"
)

func TestMain(m *testing.M) { os.Exit(testsupport.Main(m)) }

// openEmpty opens a store on the shared test server and empties the
// database. Tests in this package share the server and so run one at a
// time (no t.Parallel at the top level); only subtests that read one
// loaded graph run in parallel with each other.
func openEmpty(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), Config{URI: testsupport.Neo4jURI(t)})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := s.Ready(ctx); err != nil {
		t.Fatalf("Ready: %v", err)
	}
	if err := s.clear(ctx); err != nil {
		t.Fatalf("clear: %v", err)
	}
	return s
}

func load(t testing.TB, s *Store, ds *cg.Dataset) LoadStats {
	t.Helper()
	st, err := s.Load(context.Background(), ds, nil)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return st
}

func stats(t testing.TB, s *Store) (nodes, rels int) {
	t.Helper()
	nodes, rels, err := s.Stats(context.Background())
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	return nodes, rels
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T, ds *cg.Dataset) cg.Store {
		s := openEmpty(t)
		load(t, s, ds)
		return s
	})
}

// expectedCounts works out the graph a first load of a dataset makes: a
// node per source, entity, claim and evidence item, and per commitment its
// version-1 history node; a relationship per relation, commitment, claim
// (ABOUT) and evidence item (CITES), and per commitment evidence item the
// version node's CITES; and the change feed's counter node, which holds
// the graph version every load advances.
func expectedCounts(ds *cg.Dataset) (nodes, rels int) {
	n := dataset.Count(ds)
	nodes = n.Sources + n.Entities + n.Claims + n.Evidence + n.Commitments + 1
	rels = n.Relations + n.Commitments + n.Claims + n.Evidence + n.CommitmentEvidence
	return nodes, rels
}

func TestLoadDefaultDataset(t *testing.T) {
	ds, err := dataset.Default()
	if err != nil {
		t.Fatalf("dataset.Default: %v", err)
	}
	s := openEmpty(t)
	var calls, lastDone, lastTotal int
	st, err := s.Load(context.Background(), ds, func(done, total int) {
		if done <= lastDone || done > total {
			t.Errorf("progress(%d, %d) after done=%d", done, total, lastDone)
		}
		calls, lastDone, lastTotal = calls+1, done, total
	})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	t.Logf("loaded the curated dataset in %v: %+v", st.Duration.Round(time.Millisecond), st)
	if calls != st.Statements || lastDone != lastTotal {
		t.Errorf("progress called %d times ending at %d/%d; want %d calls ending complete", calls, lastDone, lastTotal, st.Statements)
	}
	wantNodes, wantRels := expectedCounts(ds)
	if nodes, rels := stats(t, s); nodes != wantNodes || rels != wantRels {
		t.Errorf("graph has %d nodes, %d relationships; want %d, %d", nodes, rels, wantNodes, wantRels)
	}
	if st.Commitments != len(ds.Commitments) || st.Entities != len(ds.Entities) || st.Moved != 0 {
		t.Errorf("stats %+v do not match the dataset", st)
	}

	// Every commitment is a relationship of its kind's type between its
	// actor and target, readable without the store's queries.
	recs, err := s.read(context.Background(), "check", `MATCH (a:Entity)-[r]->(t:Entity) WHERE r.id = $id
RETURN type(r) AS kind, a.id AS actor, t.id AS target, labels(a) AS labels`, map[string]any{"id": ds.Commitments[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	c := ds.Commitments[0]
	if len(recs) != 1 {
		t.Fatalf("commitment %s: %d relationships, want 1", c.ID, len(recs))
	}
	m := recs[0].AsMap()
	if m["kind"] != string(c.Kind) || m["actor"] != c.ActorID || m["target"] != c.TargetID {
		t.Errorf("commitment %s stored as %v, want %s %s→%s", c.ID, m, c.Kind, c.ActorID, c.TargetID)
	}
}

func TestLoadIsIdempotent(t *testing.T) {
	s := openEmpty(t)
	fx := storetest.Fixture()
	load(t, s, fx)
	nodes, rels := stats(t, s)
	wantNodes, wantRels := expectedCounts(fx)
	if nodes != wantNodes || rels != wantRels {
		t.Fatalf("after one load: %d nodes, %d rels; want %d, %d", nodes, rels, wantNodes, wantRels)
	}
	st := load(t, s, storetest.Fixture())
	if n, r := stats(t, s); n != nodes || r != rels {
		t.Errorf("after a second load: %d nodes, %d rels; want %d, %d", n, r, nodes, rels)
	}
	if st.Written != 0 {
		t.Errorf("the second load rewrote %d unchanged items", st.Written)
	}
}

func TestLoadUpdatesInPlace(t *testing.T) {
	s := openEmpty(t)
	ctx := context.Background()
	load(t, s, storetest.Fixture())
	nodes, rels := stats(t, s)

	edited := storetest.Fixture()
	find := func(id string) *cg.Commitment {
		for _, c := range edited.Commitments {
			if c.ID == id {
				return c
			}
		}
		t.Fatalf("no fixture commitment %s", id)
		return nil
	}
	c01 := find("c01-fra-troops")
	c01.Status = cg.StatusPledged
	c01.Conditions = []string{"after a ceasefire"}
	c01.Evidence = c01.Evidence[:1] // one quote fewer
	// A kind and target corrected: the old edge must go, not stay beside.
	c04 := find("c04-usa-air")
	c04.Kind, c04.TargetID = cg.OffersLogistics, "coalition"
	// An entity whose kind was wrong.
	for _, e := range edited.Entities {
		if e.ID == "coalition" {
			e.Kind = cg.KindOrganisation
		}
	}
	before := time.Now()
	st := load(t, s, edited)
	if st.Moved != 1 || st.Written != 3 || st.Versions != 2 {
		t.Errorf("Moved = %d, Written = %d, Versions = %d; want 1 (c04), 3 (c01, c04, coalition), 2 (c01, c04)",
			st.Moved, st.Written, st.Versions)
	}
	// The live graph has two evidence items fewer (c01's); history has a
	// version 2 of c01 and of c04, each citing its evidence.
	wantNodes, wantRels := nodes-2+2, rels-2+len(c01.Evidence)+len(c04.Evidence)
	if n, r := stats(t, s); n != wantNodes || r != wantRels {
		t.Errorf("after the edit: %d nodes, %d rels; want %d, %d", n, r, wantNodes, wantRels)
	}
	// The edits are versions: history shows what each fact was.
	for _, tc := range []struct {
		id   string
		was  cg.Status
		kind cg.EdgeKind
	}{{"c01-fra-troops", cg.StatusOffered, cg.OffersTroops}, {"c04-usa-air", cg.StatusOffered, cg.OffersLogistics}} {
		h, err := s.CommitmentHistory(ctx, tc.id)
		if err != nil {
			t.Fatal(err)
		}
		if len(h) != 2 || h[0].Version != 1 || h[1].Version != 2 || h[0].Status != tc.was || h[1].Kind != tc.kind {
			t.Errorf("history of %s: %v; want version 1 as first loaded and version 2 of kind %s", tc.id, h, tc.kind)
			continue
		}
		v2 := h[1]
		if v2.RecordedBy != ImportRecordedBy || v2.Reason != ImportReason || v2.RecordedAt.Before(before.Add(-time.Second)) ||
			!v2.ValidFrom.Equal(v2.RecordedAt) || !h[0].RecordedAt.IsZero() {
			t.Errorf("provenance of %s: v1 recorded %v; v2 %q %q at %v valid from %v; want v1 none, v2 the import's, now",
				tc.id, h[0].RecordedAt, v2.RecordedBy, v2.Reason, v2.RecordedAt, v2.ValidFrom)
		}
	}
	p, err := s.Commitments(ctx, cg.CommitmentFilter{IDs: []string{"c01-fra-troops", "c04-usa-air"}}, cg.Page{Order: cg.OrderID})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Commitments) != 2 {
		t.Fatalf("got %d commitments, want 2", len(p.Commitments))
	}
	got01, got04 := p.Commitments[0], p.Commitments[1]
	if got01.Status != cg.StatusPledged || got01.Version != 2 || len(got01.Conditions) != 1 || len(got01.Evidence) != 1 {
		t.Errorf("c01 = %+v; want version 2, PLEDGED, one condition, one evidence item", got01)
	}
	if got04.Kind != cg.OffersLogistics || got04.TargetID != "coalition" {
		t.Errorf("c04 = %+v; want OFFERS_LOGISTICS to coalition", got04)
	}
	es, err := s.Entities(ctx, cg.EntityFilter{Kinds: []cg.EntityKind{cg.KindGroup}})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 0 {
		t.Errorf("groups after the kind change: %d, want none", len(es))
	}
	recs, err := s.read(ctx, "check", `MATCH (e:Entity {id: 'coalition'}) RETURN labels(e) AS labels`, nil)
	if err != nil || len(recs) != 1 {
		t.Fatalf("labels: %v, %d records", err, len(recs))
	}
	labels := toStrings(recs[0].AsMap()["labels"])
	if strings.Join(labels, ",") != "Entity,Organisation" && strings.Join(labels, ",") != "Organisation,Entity" {
		t.Errorf("coalition labels %v, want Entity and Organisation only", labels)
	}
}

// snapshot reads the whole graph in a canonical textual form, to show that
// a failed load changed nothing at all.
func snapshot(t *testing.T, s *Store) string {
	t.Helper()
	recs, err := s.read(context.Background(), "snapshot", `MATCH (n)
OPTIONAL MATCH (n)-[r]->(m)
WITH n, r, m ORDER BY elementId(n), elementId(r)
RETURN labels(n) AS labels, properties(n) AS props, type(r) AS type, properties(r) AS rprops, elementId(m) AS to`, nil)
	if err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	// fmt prints maps with sorted keys, so equal graphs print equally.
	var b strings.Builder
	for _, rec := range recs {
		fmt.Fprintln(&b, rec.Values...)
	}
	return b.String()
}

func TestFailedLoadWritesNothing(t *testing.T) {
	s := openEmpty(t)
	load(t, s, storetest.Fixture())
	before := snapshot(t, s)
	// Small batches, so that the failures below come after several
	// statements have already written.
	s.batchSize = 3

	t.Run("context cancelled after the first batch", func(t *testing.T) {
		edited := storetest.Fixture()
		for _, c := range edited.Commitments {
			c.Status = cg.StatusWithdrawn
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		batches := 0
		_, err := s.Load(ctx, edited, func(done, total int) {
			batches++
			if batches == 4 {
				cancel()
			}
		})
		if cg.ErrorCode(err) != cg.CodeStoreUnavailable || !errors.Is(err, context.Canceled) {
			t.Fatalf("Load = %v; want STORE_UNAVAILABLE wrapping context.Canceled", err)
		}
		if batches != 4 {
			t.Errorf("%d batches ran; want the load to stop after the 4th", batches)
		}
		if after := snapshot(t, s); after != before {
			t.Errorf("the graph changed:\nbefore:\n%s\nafter:\n%s", before, after)
		}
	})

	t.Run("Neo4j rejects the last commitment", func(t *testing.T) {
		edited := storetest.Fixture()
		for _, e := range edited.Entities {
			e.Name += " (edited)"
		}
		// An id too long for the id index: valid for planLoad, refused by
		// Neo4j's uniqueness constraint once sources, entities and most
		// commitments are written.
		last := edited.Commitments[len(edited.Commitments)-1]
		last.ID = strings.Repeat("x", 40000)
		_, err := s.Load(context.Background(), edited, nil)
		if err == nil {
			t.Fatal("Load succeeded; want Neo4j to reject the long id")
		}
		if code := cg.ErrorCode(err); code != cg.CodeInternal {
			t.Errorf("error %v: code %s, want INTERNAL", err, code)
		}
		t.Logf("Load failed as intended: %.300s", err)
		if after := snapshot(t, s); after != before {
			t.Errorf("the graph changed:\nbefore:\n%s\nafter:\n%s", before, after)
		}
	})

	t.Run("invalid dataset is refused before writing", func(t *testing.T) {
		edited := storetest.Fixture()
		edited.Commitments[0].TargetID = "nope"
		edited.Relations[0].Kind = cg.OffersTroops
		_, err := s.Load(context.Background(), edited, nil)
		if cg.ErrorCode(err) != cg.CodeBadInput || !strings.Contains(err.Error(), `unknown target "nope"`) ||
			!strings.Contains(err.Error(), "is not a relation kind") {
			t.Fatalf("Load = %v; want BAD_USER_INPUT naming both problems", err)
		}
		if after := snapshot(t, s); after != before {
			t.Errorf("the graph changed")
		}
	})
}

func TestUnavailable(t *testing.T) {
	// A port nothing listens on: connection refused at once, and the
	// driver would retry for as long as it is allowed to.
	s, err := Open(context.Background(), Config{URI: "bolt://127.0.0.1:1"})
	if err != nil {
		t.Fatalf("Open must not fail for an unreachable server: %v", err)
	}
	defer s.Close()
	for _, tc := range []struct {
		name     string
		deadline time.Duration
		call     func(ctx context.Context) error
	}{
		{"Ready", time.Minute, func(ctx context.Context) error { return s.Ready(ctx) }},
		// Without a tighter deadline the retry limit ends the call.
		{"Sources", time.Minute, func(ctx context.Context) error { _, err := s.Sources(ctx, nil); return err }},
		// With one, the deadline does.
		{"Commitments", time.Second, func(ctx context.Context) error {
			_, err := s.Commitments(ctx, cg.CommitmentFilter{}, cg.Page{})
			return err
		}},
		{"Paths", time.Second, func(ctx context.Context) error { _, err := s.Paths(ctx, "a", "b", 2); return err }},
		{"Load", time.Second, func(ctx context.Context) error { _, err := s.Load(ctx, storetest.Fixture(), nil); return err }},
		{"ChangeCommitment", time.Second, func(ctx context.Context) error {
			_, err := s.ChangeCommitment(ctx, cg.CommitmentChange{ID: "c01-fra-troops", BaseVersion: 1, Status: cg.StatusPledged}, cg.WriteMeta{})
			return err
		}},
		{"CommitmentHistory", time.Second, func(ctx context.Context) error { _, err := s.CommitmentHistory(ctx, "c01-fra-troops"); return err }},
		{"Diff", time.Second, func(ctx context.Context) error { _, err := s.Diff(ctx, storetest.Fixture()); return err }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), tc.deadline)
			defer cancel()
			start := time.Now()
			err := tc.call(ctx)
			if cg.ErrorCode(err) != cg.CodeStoreUnavailable {
				t.Errorf("error %v: want STORE_UNAVAILABLE", err)
			}
			// The call ends at the deadline or, without a tighter one, at
			// the retry limit: the driver checks it between attempts, after
			// a backoff of up to about the limit again. The check is that
			// it ends, not how fast, so it allows three times that on a
			// busy machine; a hang would take the full minute.
			bound := min(tc.deadline, 2*maxTransactionRetryTime)
			if d, limit := time.Since(start), 3*bound; d > limit {
				t.Errorf("took %v; want it to end within %v (3 × %v)", d, limit, bound)
			}
		})
	}

	t.Run("malformed URI", func(t *testing.T) {
		if _, err := Open(context.Background(), Config{URI: "http://localhost:7474"}); err == nil {
			t.Error("Open accepted an http:// URI")
		}
	})
}

// TestAsOf checks the asOf filter against the embedded store, whose
// semantics (cg.InEffect) the contract suite does not yet cover for
// stores without history: a commitment is in effect from its date's start
// (or its ValidFrom), and always when neither is known.
func TestAsOf(t *testing.T) {
	s := openEmpty(t)
	fx := storetest.Fixture()
	fx.Commitments[0].ValidFrom = time.Date(2025, 8, 25, 12, 0, 0, 0, time.UTC) // c01, dated 2025-08-20
	load(t, s, fx)
	ref, err := inmem.New(fx)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, at := range []string{"2024-06-01T00:00:00Z", "2025-03-01T00:00:00Z", "2025-08-19T23:59:59Z",
		"2025-08-20T00:00:00Z", "2025-08-25T11:00:00Z", "2025-08-25T12:00:00Z", "2026-01-01T00:00:00Z"} {
		asOf, err := time.Parse(time.RFC3339, at)
		if err != nil {
			t.Fatal(err)
		}
		f := cg.CommitmentFilter{AsOf: &asOf}
		want, err := ref.Commitments(ctx, f, cg.Page{Order: cg.OrderID})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Commitments(ctx, f, cg.Page{Order: cg.OrderID})
		if err != nil {
			t.Fatal(err)
		}
		ids := func(p *cg.CommitmentPage) (out []string) {
			for _, c := range p.Commitments {
				out = append(out, c.ID)
			}
			return out
		}
		if g, w := strings.Join(ids(got), " "), strings.Join(ids(want), " "); g != w {
			t.Errorf("as of %s:\n got %s\nwant %s", at, g, w)
		}
	}
}

// A reload that changes a claim's position or takes its stance away leaves
// the claim as the dataset now has it, no stale stance property behind.
func TestLoadReplacesClaimPositionAndStance(t *testing.T) {
	s := openEmpty(t)
	ctx := context.Background()
	load(t, s, storetest.Fixture())
	edited := storetest.Fixture()
	want := map[string]*cg.Claim{}
	for _, c := range edited.Claims {
		switch c.ID {
		case "cl-coalition-size-b":
			c.Position, c.Stance = "about-ten", nil
		case "cl-ita-plan-art5-a":
			c.Stance = &cg.Stance{ActorID: "ITA", State: cg.StanceStatedPosition}
		}
		want[c.ID] = c
	}
	load(t, s, edited)
	got, err := s.Claims(ctx, cg.ClaimFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range got {
		w := want[c.ID]
		if w == nil || c.Position != w.Position || !reflect.DeepEqual(c.Stance, w.Stance) {
			t.Errorf("claim %s: position %q stance %+v; want %q %+v", c.ID, c.Position, c.Stance, w.Position, w.Stance)
		}
	}
}
