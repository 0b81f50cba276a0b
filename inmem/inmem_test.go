package inmem_test

import (
	"errors"
	"strings"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/inmem"
	"github.com/coalitiongraph/coalitiongraph/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T, ds *cg.Dataset) cg.Store {
		s, err := inmem.New(ds)
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		return s
	})
}

func TestWriteContract(t *testing.T) {
	storetest.RunWriter(t, func(t *testing.T, ds *cg.Dataset) cg.WritableStore {
		s, err := inmem.New(ds)
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		return s
	})
}

// New refuses what the dataset check refuses, though the check runs
// beside the indexing: with the check's own error, and no store. A nil
// item, which the indexing could not take, is refused too.
func TestNewRefusesAnInvalidDataset(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(ds *cg.Dataset)
	}{
		{"an unknown actor", func(ds *cg.Dataset) { ds.Commitments[len(ds.Commitments)-1].ActorID = "nobody" }},
		{"a duplicate commitment id", func(ds *cg.Dataset) { ds.Commitments[1].ID = ds.Commitments[0].ID }},
		{"commitments out of id order, one unknown target", func(ds *cg.Dataset) {
			ds.Commitments[0], ds.Commitments[5] = ds.Commitments[5], ds.Commitments[0]
			ds.Commitments[3].TargetID = "nowhere"
		}},
		{"a nil commitment", func(ds *cg.Dataset) { ds.Commitments[2] = nil }},
		{"a nil entity", func(ds *cg.Dataset) { ds.Entities[0] = nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds := storetest.Synthetic(200, 20, 3)
			tc.edit(ds)
			want := ds.Check()
			if want == nil {
				t.Fatal("the edit left the dataset valid")
			}
			s, err := inmem.New(ds)
			if s != nil || !errors.Is(err, cg.ErrInvalidDataset) || !strings.Contains(err.Error(), want.Error()) {
				t.Errorf("New = %v, %v; want no store and the check's %v", s, err, want)
			}
		})
	}
}
