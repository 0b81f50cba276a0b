package neo4j

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/storetest"
)

func TestWriterContract(t *testing.T) {
	storetest.RunWriter(t, func(t *testing.T, ds *cg.Dataset) cg.WritableStore {
		s := openEmpty(t)
		load(t, s, ds)
		return s
	})
}

var (
	at = time.Date(2025, 9, 1, 10, 0, 0, 0, time.UTC)
	ev = []cg.Evidence{{SourceID: "src-b", Quote: "a new report"}}
)

func history(t *testing.T, s *Store, id string) []*cg.Commitment {
	t.Helper()
	h, err := s.CommitmentHistory(context.Background(), id)
	if err != nil {
		t.Fatalf("CommitmentHistory(%s): %v", id, err)
	}
	return h
}

// TestWriteRetries replays writes as the driver and clients do: the same
// request again after it was applied, the transaction run again after its
// commit (the driver losing the commit's answer), and the transaction body
// run twice in one transaction. Each leaves exactly one new version and
// answers with the first outcome.
func TestWriteRetries(t *testing.T) {
	ctx := context.Background()
	for _, mode := range []string{"same request twice", "replay after commit", "body twice in one transaction"} {
		t.Run(mode, func(t *testing.T) {
			s := openEmpty(t)
			load(t, s, storetest.Fixture())
			call := func(f func() error) {
				t.Helper()
				s.replayAfterCommit = mode == "replay after commit"
				s.repeatInTransaction = mode == "body twice in one transaction"
				defer func() { s.replayAfterCommit, s.repeatInTransaction = false, false }()
				if err := f(); err != nil {
					t.Fatal(err)
				}
				if mode == "same request twice" {
					if err := f(); err != nil {
						t.Fatalf("the retry: %v", err)
					}
				}
			}
			meta := func(req string) cg.WriteMeta {
				return cg.WriteMeta{By: "test", At: at, Reason: "retried", RequestID: req}
			}

			var changed *cg.Commitment
			call(func() (err error) {
				changed, err = s.ChangeCommitment(ctx, cg.CommitmentChange{ID: "c01-fra-troops", BaseVersion: 1,
					Status: cg.StatusPledged, Evidence: ev}, meta("req-change"))
				return err
			})
			if h := history(t, s, "c01-fra-troops"); len(h) != 2 || changed.Version != 2 || h[1].Status != cg.StatusPledged {
				t.Errorf("after a retried change: %d versions, returned version %d; want 2, 2", len(h), changed.Version)
			}

			var recorded *cg.Commitment
			call(func() (err error) {
				recorded, err = s.RecordCommitment(ctx, &cg.Commitment{ID: "c40-ita-air", Kind: cg.OffersAirSupport, ActorID: "ITA",
					TargetID: "UKR", Status: cg.StatusOffered, Evidence: ev}, meta("req-record"))
				return err
			})
			if h := history(t, s, "c40-ita-air"); len(h) != 1 || recorded.Version != 1 {
				t.Errorf("after a retried record: %d versions, returned version %d; want 1, 1", len(h), recorded.Version)
			}

			call(func() error {
				_, err := s.RetractCommitment(ctx, "c02-pol-refuses", 1, meta("req-retract"))
				return err
			})
			if h := history(t, s, "c02-pol-refuses"); len(h) != 2 || !h[1].Retracted {
				t.Errorf("after a retried retraction: %d versions; want 2, the last retracted", len(h))
			}

			var put *cg.Entity
			call(func() (err error) {
				put, err = s.PutEntity(ctx, &cg.Entity{ID: "tusk", Kind: cg.KindPerson, Name: "Donald Tusk", Evidence: ev}, meta("req-put"))
				return err
			})
			es, err := s.Entities(ctx, cg.EntityFilter{IDs: []string{"tusk"}})
			if err != nil || len(es) != 1 || put.Name != "Donald Tusk" || len(es[0].Evidence) != 1 {
				t.Errorf("after a retried put: %v, %v (returned %+v); want one entity with one evidence item", es, err, put)
			}

			// One log entry per request id, and nothing else doubled: the
			// graph is the fixture plus exactly these writes.
			recs, err := s.read(ctx, "check", `MATCH (q:WriteRequest) RETURN q.id AS id ORDER BY id`, nil)
			if err != nil {
				t.Fatal(err)
			}
			var logged []string
			for _, r := range recs {
				logged = append(logged, toString(r.AsMap()["id"]))
			}
			if want := []string{"req-change", "req-put", "req-record", "req-retract"}; !slices.Equal(logged, want) {
				t.Errorf("request log %v, want %v", logged, want)
			}
			fx := storetest.Fixture()
			nodes, rels := expectedCounts(fx)
			c01, c02 := fx.Commitments[0], fx.Commitments[1]
			// The change of c01: a version node citing the old evidence and
			// the new item; the live evidence one item longer.
			nodes, rels = nodes+1+1, rels+len(c01.Evidence)+1+1
			// The record of c40: relationship, live evidence item, version
			// node citing it.
			nodes, rels = nodes+1+1, rels+1+1+1
			// The retraction of c02: a version node citing its evidence;
			// the relationship and its live evidence gone.
			nodes, rels = nodes+1-len(c02.Evidence), rels+len(c02.Evidence)-1-len(c02.Evidence)
			// tusk, its evidence and its one version; four log entries.
			nodes, rels = nodes+3+4, rels+1
			// One change event per commitment write (the feed's counter
			// is in expectedCounts: the load made it).
			nodes += 3
			if n, r := stats(t, s); n != nodes || r != rels {
				t.Errorf("graph has %d nodes, %d rels; want %d, %d", n, r, nodes, rels)
			}
		})
	}

	// Without a request id a replay cannot duplicate either: the change it
	// repeats is based on a version that has moved on.
	t.Run("replay without a request id", func(t *testing.T) {
		s := openEmpty(t)
		load(t, s, storetest.Fixture())
		s.replayAfterCommit = true
		_, err := s.ChangeCommitment(ctx, cg.CommitmentChange{ID: "c01-fra-troops", BaseVersion: 1, Status: cg.StatusPledged, Evidence: ev},
			cg.WriteMeta{By: "test", At: at})
		if cg.ErrorCode(err) != cg.CodeConflict {
			t.Errorf("replayed change without a request id: %v, want CONFLICT", err)
		}
		if h := history(t, s, "c01-fra-troops"); len(h) != 2 {
			t.Errorf("%d versions, want 2", len(h))
		}
	})
}

// TestConcurrentCreatesOfOneID races writes that would create the same id
// in different sections: exactly one of each round may win.
func TestConcurrentCreatesOfOneID(t *testing.T) {
	s := openEmpty(t)
	load(t, s, storetest.Fixture())
	ctx := context.Background()
	for round := range 3 {
		id := fmt.Sprintf("x-%d", round)
		writes := []func() error{
			func() error {
				_, err := s.RecordCommitment(ctx, &cg.Commitment{ID: id, Kind: cg.Supports, ActorID: "ITA", TargetID: "UKR",
					Status: cg.StatusStated, Evidence: ev}, cg.WriteMeta{At: at})
				return err
			},
			func() error {
				_, err := s.RecordCommitment(ctx, &cg.Commitment{ID: id, Kind: cg.OffersTroops, ActorID: "FRA", TargetID: "UKR",
					Status: cg.StatusOffered, Evidence: ev}, cg.WriteMeta{At: at})
				return err
			},
			func() error {
				_, err := s.PutEntity(ctx, &cg.Entity{ID: id, Kind: cg.KindPerson, Name: "X"}, cg.WriteMeta{At: at})
				return err
			},
			func() error {
				_, err := s.PutSource(ctx, &cg.Source{ID: id, File: "x.txt", Text: "x\n"}, cg.WriteMeta{At: at})
				return err
			},
		}
		var wg sync.WaitGroup
		errs := make([]error, len(writes))
		for i, w := range writes {
			wg.Go(func() { errs[i] = w() })
		}
		wg.Wait()
		wins := 0
		for i, err := range errs {
			switch {
			case err == nil:
				wins++
			case cg.ErrorCode(err) != cg.CodeConflict:
				t.Errorf("round %d, write %d: %v; want success or CONFLICT", round, i, err)
			}
		}
		if wins != 1 {
			t.Errorf("round %d: %d writes created %s (%v); want exactly one", round, wins, id, errs)
		}
	}
}

// TestLoadKeepsHistory: a reload respects what was written through the
// API. An unchanged dataset leaves an API change as it is; a dataset edit
// becomes the next version; a retracted fact stays retracted, out of the
// live graph as Neo4j Browser shows it.
func TestLoadKeepsHistory(t *testing.T) {
	s := openEmpty(t)
	ctx := context.Background()
	load(t, s, storetest.Fixture())
	if _, err := s.ChangeCommitment(ctx, cg.CommitmentChange{ID: "c01-fra-troops", BaseVersion: 1, Status: cg.StatusPledged, Evidence: ev},
		cg.WriteMeta{By: "editor", At: at}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RetractCommitment(ctx, "c02-pol-refuses", 1, cg.WriteMeta{By: "editor", At: at, Reason: "wrong"}); err != nil {
		t.Fatal(err)
	}
	browser := func() []string {
		t.Helper()
		recs, err := s.read(ctx, "check", `MATCH (a)-[r:REFUSES_TROOPS]->(t) RETURN r.id AS id ORDER BY id`, nil)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range recs {
			out = append(out, toString(r.AsMap()["id"]))
		}
		return out
	}
	wantRefusals := []string{"c05-usa-refuses", "c14-ita-refuses"}
	if got := browser(); !slices.Equal(got, wantRefusals) {
		t.Errorf("refusals in the live graph: %v, want %v", got, wantRefusals)
	}

	st := load(t, s, storetest.Fixture())
	if st.Written != 0 || st.KeptRetracted != 1 {
		t.Errorf("reload: Written %d, KeptRetracted %d; want 0, 1", st.Written, st.KeptRetracted)
	}
	if h := history(t, s, "c01-fra-troops"); len(h) != 2 || h[1].Status != cg.StatusPledged {
		t.Errorf("c01 after an unchanged reload: %d versions; want the API's version 2 kept", len(h))
	}
	if got := browser(); !slices.Equal(got, wantRefusals) {
		t.Errorf("refusals after the reload: %v, want %v", got, wantRefusals)
	}

	edited := storetest.Fixture()
	edited.Commitments[0].Summary = "France offers a brigade."
	edited.Commitments[1].Summary = "edited, but retracted"
	st = load(t, s, edited)
	if st.Written != 1 || st.Versions != 1 || st.KeptRetracted != 1 {
		t.Errorf("edited reload: %+v; want Written 1, Versions 1, KeptRetracted 1", st)
	}
	h := history(t, s, "c01-fra-troops")
	if len(h) != 3 || h[2].Summary != "France offers a brigade." || h[2].Status != cg.StatusOffered || h[2].RecordedBy != ImportRecordedBy {
		t.Errorf("c01 after an edited reload: %v; want version 3 as the dataset says, recorded by the import", h)
	}
	if got := history(t, s, "c02-pol-refuses"); len(got) != 2 || !got[1].Retracted {
		t.Errorf("c02 after an edited reload: %v; want it still retracted", got)
	}
}
