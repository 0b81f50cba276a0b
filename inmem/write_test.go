package inmem_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/inmem"
	"github.com/coalitiongraph/coalitiongraph/storetest"
)

var at = time.Date(2025, 8, 26, 10, 0, 0, 0, time.UTC)

func change(base int, quote string) cg.CommitmentChange {
	return cg.CommitmentChange{ID: "c01-fra-troops", BaseVersion: base, Status: cg.StatusPledged,
		Evidence: []cg.Evidence{{SourceID: "src-a", Quote: quote}}}
}

// The commit hook sees each write before it is visible, and a failing
// commit leaves the store as it was.
func TestCommitHook(t *testing.T) {
	ctx := t.Context()
	var s *inmem.Store
	var seen []inmem.Change
	fail := errors.New("disk full")
	failing := false
	s, err := inmem.New(storetest.Fixture(), inmem.WithCommit(func(ch inmem.Change) error {
		// Reads go on during a commit and do not see the write yet.
		p, err := s.Commitments(ctx, cg.CommitmentFilter{IDs: []string{"c01-fra-troops"}}, cg.Page{})
		if err != nil || p.Commitments[0].Version != ch.Commitment.Version-1 {
			t.Errorf("during the commit of version %d, reads show %+v (%v)", ch.Commitment.Version, p.Commitments, err)
		}
		if failing {
			return fail
		}
		seen = append(seen, ch)
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.ChangeCommitment(ctx, change(1, "first"), cg.WriteMeta{At: at, RequestID: "r1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 || seen[0].Op != inmem.OpChange || seen[0].RequestID != "r1" || seen[0].Commitment != got {
		t.Errorf("committed %+v; want the change that made %+v", seen, got)
	}

	failing = true
	before, beforeLog := s.Export()
	_, err = s.ChangeCommitment(ctx, change(2, "second"), cg.WriteMeta{At: at, RequestID: "r2"})
	if !errors.Is(err, fail) {
		t.Errorf("failed commit: error %v, want one wrapping %v", err, fail)
	}
	after, afterLog := s.Export()
	if !reflect.DeepEqual(before, after) || !reflect.DeepEqual(beforeLog, afterLog) {
		t.Error("a write whose commit failed changed the store")
	}
	// Its request id was not taken: the retry applies.
	failing = false
	if got, err := s.ChangeCommitment(ctx, change(2, "second"), cg.WriteMeta{At: at, RequestID: "r2"}); err != nil || got.Version != 3 {
		t.Errorf("retry after a failed commit: %v, %v; want version 3", got, err)
	}
}

// A store rebuilt from Export and its request log reads the same and
// remembers the requests.
func TestExportRoundTrip(t *testing.T) {
	ctx := t.Context()
	s, err := inmem.New(storetest.Fixture())
	if err != nil {
		t.Fatal(err)
	}
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.ChangeCommitment(ctx, change(1, "first"), cg.WriteMeta{At: at, RequestID: "r1"}))
	must(s.RetractCommitment(ctx, "c02-pol-refuses", 1, cg.WriteMeta{At: at, Reason: "wrong", RequestID: "r2"}))
	must(s.PutEntity(ctx, &cg.Entity{ID: "tusk", Kind: cg.KindPerson, Name: "Donald Tusk"}, cg.WriteMeta{RequestID: "r3"}))
	must(s.PutSource(ctx, &cg.Source{ID: "src-d", File: "d.txt", Text: "A new article.\n"}, cg.WriteMeta{RequestID: "r4"}))

	ds, log := s.Export()
	if len(log) != 4 || len(ds.Commitments) != 23 {
		t.Fatalf("exported %d requests and %d commitment versions, want 4 and 23", len(log), len(ds.Commitments))
	}
	r, err := inmem.New(ds, inmem.WithRequests(log))
	if err != nil {
		t.Fatal(err)
	}
	ds2, log2 := r.Export()
	if !reflect.DeepEqual(ds, ds2) || !reflect.DeepEqual(log, log2) {
		t.Error("the rebuilt store exports something else")
	}
	if p, _ := r.Commitments(ctx, cg.CommitmentFilter{}, cg.Page{}); p.TotalCount != 20 {
		t.Errorf("rebuilt store lists %d commitments, want 20 (one retracted)", p.TotalCount)
	}
	got, err := r.ChangeCommitment(ctx, change(1, "first"), cg.WriteMeta{At: at, RequestID: "r1"})
	if err != nil || got.Version != 2 {
		t.Errorf("retry on the rebuilt store: %v, %v; want version 2", got, err)
	}
}

func TestNewRejectsBadVersions(t *testing.T) {
	for _, tc := range []struct {
		name     string
		versions []int
		want     string
	}{
		{"duplicate", []int{1, 1}, "duplicate id"},
		{"gap", []int{1, 3}, "gap"},
		{"not from 1", []int{2}, "gap"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds := storetest.Fixture()
			c := *ds.Commitments[0]
			ds.Commitments[0].Version = tc.versions[0]
			for _, v := range tc.versions[1:] {
				next := c
				next.Version = v
				ds.Commitments = append(ds.Commitments, &next)
			}
			_, err := inmem.New(ds)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}
