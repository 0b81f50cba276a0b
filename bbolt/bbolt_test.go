package bbolt_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"sync"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/bbolt"
	"github.com/coalitiongraph/coalitiongraph/storetest"
)

func open(t *testing.T, path string, seed *cg.Dataset) *bbolt.Store {
	t.Helper()
	s, err := bbolt.Open(path, seed)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T, ds *cg.Dataset) cg.Store {
		return open(t, filepath.Join(t.TempDir(), "graph.db"), ds)
	})
}

func TestWriteContract(t *testing.T) {
	storetest.RunWriter(t, func(t *testing.T, ds *cg.Dataset) cg.WritableStore {
		return open(t, filepath.Join(t.TempDir(), "graph.db"), ds)
	})
}

// writeSome makes one write of every kind, with request ids, and returns
// the change that made version 2 of c01.
func writeSome(t *testing.T, s cg.WritableStore) (cg.CommitmentChange, cg.WriteMeta) {
	t.Helper()
	ctx := t.Context()
	// A time with nanoseconds in another zone: it must come back equal.
	at := time.Date(2025, 8, 26, 12, 0, 0, 123456789, time.FixedZone("CEST", 2*3600))
	m := func(req string) cg.WriteMeta {
		return cg.WriteMeta{By: "editor-key", At: at, EffectiveAt: at.Add(-time.Hour), Reason: "test", RequestID: req}
	}
	check := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	check(s.PutSource(ctx, &cg.Source{ID: "src-d", File: "d.txt", Published: cg.MustDate("2025-08"), Text: "A new article.\nTusk said it.\nPoland is considering troops.\nFrance pledged a brigade.\n"}, m("r-source")))
	check(s.PutEntity(ctx, &cg.Entity{ID: "tusk", Kind: cg.KindPerson, Name: "Donald Tusk", Aliases: []string{},
		Evidence: []cg.Evidence{{SourceID: "src-d", Quote: "Tusk said"}}}, m("r-entity")))
	check(s.RecordCommitment(ctx, &cg.Commitment{ID: "c30-pol-troops", Kind: cg.OffersTroops, ActorID: "POL", TargetID: "UKR",
		Status: cg.StatusConsidering, StatedByID: "tusk", Date: cg.MustDate("2025-08-26"),
		Evidence: []cg.Evidence{{SourceID: "src-d", Quote: "Poland is considering troops", Line: 3}}}, m("r-record")))
	ch := cg.CommitmentChange{ID: "c01-fra-troops", BaseVersion: 1, Status: cg.StatusPledged, Summary: new(string),
		Evidence: []cg.Evidence{{SourceID: "src-d", Quote: "France pledged"}}}
	check(s.ChangeCommitment(ctx, ch, m("r-change")))
	check(s.RetractCommitment(ctx, "c02-pol-refuses", 1, m("r-retract")))
	check(s.ChangeCommitment(ctx, cg.CommitmentChange{ID: "c01-fra-troops", BaseVersion: 2, Status: cg.StatusDelivered,
		Evidence: []cg.Evidence{{SourceID: "src-a", Quote: "arrived"}}}, cg.WriteMeta{At: at.Add(time.Hour)}))
	return ch, m("r-change")
}

// Everything written, history and request log included, comes back from
// the file as it was; the seed given to later opens is ignored.
func TestReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nested", "dir", "graph.db")
	s := open(t, path, storetest.Fixture())
	ch, m := writeSome(t, s)
	want, wantLog := s.Export()
	if len(wantLog) != 5 {
		t.Fatalf("%d requests logged, want 5", len(wantLog))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	r := open(t, path, &cg.Dataset{Sources: []*cg.Source{{ID: "other", File: "x"}}})
	defer r.Close()
	got, gotLog := r.Export()
	if !reflect.DeepEqual(got, want) {
		for i := range want.Commitments {
			if i < len(got.Commitments) && !reflect.DeepEqual(got.Commitments[i], want.Commitments[i]) {
				t.Errorf("commitment version differs after reopen:\n got %#v\nwant %#v", got.Commitments[i], want.Commitments[i])
			}
		}
		t.Fatal("the reopened store differs")
	}
	if !reflect.DeepEqual(gotLog, wantLog) {
		t.Errorf("request log after reopen:\n got %+v\nwant %+v", gotLog, wantLog)
	}
	h, err := r.CommitmentHistory(t.Context(), "c01-fra-troops")
	if err != nil || len(h) != 3 {
		t.Fatalf("history after reopen: %d versions, %v; want 3", len(h), err)
	}
	// A retry after the restart returns the first outcome.
	v, err := r.ChangeCommitment(t.Context(), ch, m)
	if err != nil || !reflect.DeepEqual(v, h[1]) {
		t.Errorf("retry after reopen: %+v, %v; want version 2", v, err)
	}
	if p, _ := r.Commitments(t.Context(), cg.CommitmentFilter{}, cg.Page{}); p.TotalCount != 21 {
		t.Errorf("%d current commitments after reopen, want 21 (one added, one retracted)", p.TotalCount)
	}
}

// A write that fails validation does not touch the file.
func TestRejectedWriteLeavesFileUnchanged(t *testing.T) {
	path := filepath.Join(t.TempDir(), "graph.db")
	s := open(t, path, storetest.Fixture())
	defer s.Close()
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	m := cg.WriteMeta{At: time.Now(), Reason: "r", RequestID: "r1"}
	_, err1 := s.RecordCommitment(ctx, &cg.Commitment{ID: "c30", Kind: cg.OffersTroops, ActorID: "ev-paris", TargetID: "UKR",
		Status: cg.StatusOffered, Evidence: []cg.Evidence{{SourceID: "src-a", Quote: "q"}}}, m)
	_, err2 := s.ChangeCommitment(ctx, cg.CommitmentChange{ID: "c01-fra-troops", BaseVersion: 5, Status: cg.StatusPledged,
		Evidence: []cg.Evidence{{SourceID: "src-a", Quote: "q"}}}, m)
	_, err3 := s.PutEntity(ctx, &cg.Entity{ID: "POL", Kind: cg.KindPerson, Name: "Poland"}, m)
	for i, err := range []error{err1, err2, err3} {
		if err == nil {
			t.Errorf("write %d: no error", i+1)
		}
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("rejected writes changed the file")
	}
}

// A write that cannot be persisted fails with STORE_UNAVAILABLE and is not
// applied in memory.
func TestUnpersistedWriteChangesNothing(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "graph.db"), storetest.Fixture())
	before, beforeLog := s.Export()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := s.ChangeCommitment(t.Context(), cg.CommitmentChange{ID: "c01-fra-troops", BaseVersion: 1, Status: cg.StatusPledged,
		Evidence: []cg.Evidence{{SourceID: "src-a", Quote: "q"}}}, cg.WriteMeta{At: time.Now(), RequestID: "r1"})
	if cg.ErrorCode(err) != cg.CodeStoreUnavailable {
		t.Errorf("write after Close: %v, want STORE_UNAVAILABLE", err)
	}
	after, afterLog := s.Export()
	if !reflect.DeepEqual(before, after) || !reflect.DeepEqual(beforeLog, afterLog) {
		t.Error("the unpersisted write changed the store in memory")
	}
	if cg.ErrorCode(s.Ready(t.Context())) != cg.CodeStoreUnavailable {
		t.Error("Ready after Close: want STORE_UNAVAILABLE")
	}
}

// A second opener of the same file fails fast with a clear error. flock
// locks per open file, so a second open in one process stands in for a
// second process.
func TestSecondOpenFailsFast(t *testing.T) {
	path := filepath.Join(t.TempDir(), "graph.db")
	s := open(t, path, storetest.Fixture())
	defer s.Close()
	start := time.Now()
	_, err := bbolt.Open(path, nil)
	if !errors.Is(err, bbolt.ErrLocked) {
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("second Open took %s", d)
	}
	t.Log(err)
}

// A seed that does not load is not stored: the file stays unseeded and a
// later open with a good seed works.
func TestBadSeed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "graph.db")
	bad := storetest.Fixture()
	bad.Commitments = append(bad.Commitments, bad.Commitments[0])
	if _, err := bbolt.Open(path, bad); err == nil {
		t.Fatal("Open with a duplicate commitment in the seed: no error")
	}
	s := open(t, path, storetest.Fixture())
	defer s.Close()
	if p, _ := s.Commitments(t.Context(), cg.CommitmentFilter{}, cg.Page{}); p.TotalCount != 21 {
		t.Errorf("%d commitments, want the fixture's 21", p.TotalCount)
	}
}

// Opens at the same time leave the collector's target as they found it.
func TestOpenRestoresTheGCTarget(t *testing.T) {
	was := debug.SetGCPercent(137)
	defer debug.SetGCPercent(was)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			s, err := bbolt.Open(filepath.Join(t.TempDir(), fmt.Sprintf("g%d.db", i)), storetest.Fixture())
			if err != nil {
				t.Error(err)
				return
			}
			s.Close()
		})
	}
	wg.Wait()
	if got := debug.SetGCPercent(was); got != 137 {
		t.Fatalf("GC percent after the opens: %d, want 137", got)
	}
}
