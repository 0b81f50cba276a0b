package inmem_test

import (
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
