package bbolt_test

import (
	"fmt"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/storetest"
)

// Concurrent writers share transactions (group commit); what each was told
// must be what the file holds. Writers race on new ids, on chains of
// changes to one commitment (each based on the version it last saw), on
// puts of an entity that records refer to, and on retries of one request
// id. Every acknowledged write must be in memory and, after reopening, in
// the file, with versions numbered without gaps; a commitment's versions
// must be the acknowledged ones in order; a retried request must have made
// one write.
func TestConcurrentWritesAreDurableAndOrdered(t *testing.T) {
	path := filepath.Join(t.TempDir(), "graph.db")
	s := open(t, path, storetest.Fixture())
	ctx := t.Context()
	at := time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)
	ev := []cg.Evidence{{SourceID: "src-b", Quote: "a new report"}}
	meta := func(req string) cg.WriteMeta { return cg.WriteMeta{By: "test", At: at, Reason: "test", RequestID: req} }

	const writers, each = 16, 12
	var (
		mu       sync.Mutex
		recorded []string
		changes  = map[int]int{} // version -> acknowledged changes of c01 that made it
		putNames = map[string]bool{}
		retried  []*cg.Commitment
	)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				switch (w + i) % 4 {
				case 0: // a new commitment
					id := fmt.Sprintf("c-new-%02d-%02d", w, i)
					if _, err := s.RecordCommitment(ctx, &cg.Commitment{ID: id, Kind: cg.OffersAirSupport, ActorID: "ITA", TargetID: "UKR",
						Status: cg.StatusOffered, Date: cg.MustDate("2025-09-01"), Evidence: ev}, meta(id)); err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					recorded = append(recorded, id)
					mu.Unlock()
				case 1: // the next version of one commitment, racing the others
					for {
						h, err := s.CommitmentHistory(ctx, "c01-fra-troops")
						if err != nil {
							t.Error(err)
							return
						}
						base := h[len(h)-1].Version
						status := cg.StatusPledged
						if base%2 == 0 {
							status = cg.StatusOffered
						}
						v, err := s.ChangeCommitment(ctx, cg.CommitmentChange{ID: "c01-fra-troops", BaseVersion: base, Status: status, Evidence: ev}, meta(""))
						if cg.ErrorCode(err) == cg.CodeConflict {
							continue
						}
						if err != nil {
							t.Error(err)
							return
						}
						mu.Lock()
						changes[v.Version]++
						mu.Unlock()
						break
					}
				case 2: // a put of an entity that records refer to
					name := fmt.Sprintf("Italy %02d-%02d", w, i)
					if _, err := s.PutEntity(ctx, &cg.Entity{ID: "ITA", Kind: cg.KindCountry, Name: name}, meta("")); err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					putNames[name] = true
					mu.Unlock()
				case 3: // a retry of one request id, from many writers at once
					v, err := s.RecordCommitment(ctx, &cg.Commitment{ID: "c-retried", Kind: cg.OffersAirSupport, ActorID: "ITA", TargetID: "UKR",
						Status: cg.StatusOffered, Date: cg.MustDate("2025-09-01"), Evidence: ev}, meta("req-retried"))
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					retried = append(retried, v)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	for v, n := range changes {
		if n != 1 {
			t.Errorf("version %d of c01 acknowledged to %d writers", v, n)
		}
	}
	for _, v := range retried[1:] {
		if !reflect.DeepEqual(v, retried[0]) {
			t.Errorf("a retry answered %+v, the first %+v", v, retried[0])
		}
	}
	want, wantLog := s.Export()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	r := open(t, path, nil)
	defer r.Close()
	got, gotLog := r.Export()
	if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotLog, wantLog) {
		t.Fatal("the reopened file differs from what the store held")
	}
	for _, id := range append(recorded, "c-retried") {
		if h, err := r.CommitmentHistory(ctx, id); err != nil || len(h) != 1 {
			t.Errorf("acknowledged record %s after reopen: %d versions, %v", id, len(h), err)
		}
	}
	h, err := r.CommitmentHistory(ctx, "c01-fra-troops")
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 1+len(changes) {
		t.Errorf("c01 has %d versions after reopen, want 1 + %d acknowledged changes", len(h), len(changes))
	}
	for i, v := range h {
		if v.Version != i+1 {
			t.Errorf("c01's version %d is numbered %d", i+1, v.Version)
		}
		if i > 0 && changes[v.Version] != 1 {
			t.Errorf("c01 version %d is in the file but was not acknowledged", v.Version)
		}
	}
	eh, err := r.EntityHistory(ctx, "ITA")
	if err != nil {
		t.Fatal(err)
	}
	// The curated version, then one per acknowledged put.
	if len(eh) != 1+len(putNames) {
		t.Errorf("ITA has %d versions after reopen, want 1 + %d puts", len(eh), len(putNames))
	}
	for i, v := range eh {
		if v.Version != i+1 {
			t.Errorf("ITA's version %d is numbered %d", i+1, v.Version)
		}
		if i > 0 && !putNames[v.Entity.Name] {
			t.Errorf("ITA version %d (%q) was not acknowledged", v.Version, v.Entity.Name)
		}
	}
}
