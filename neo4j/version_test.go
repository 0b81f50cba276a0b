package neo4j

import (
	"context"
	"testing"

	"github.com/coalitiongraph/coalitiongraph/storetest"
)

// Load advances the graph version once per transaction it commits, a
// batched load once per batch; a database cleared and loaded again never
// gives back a version it had.
func TestLoadAdvancesGraphVersion(t *testing.T) {
	ctx := context.Background()
	s := openEmpty(t)
	version := func() uint64 {
		t.Helper()
		v, err := s.GraphVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if v := version(); v != 0 {
		t.Fatalf("an empty database: version %d, want 0", v)
	}
	load(t, s, storetest.Fixture())
	atomic := version()
	if atomic == 0 {
		t.Fatal("a load left the version at 0")
	}
	if _, _, err := s.Stats(ctx); err != nil {
		t.Fatal(err)
	}
	if v := version(); v != atomic {
		t.Errorf("a read moved the version from %d to %d", atomic, v)
	}

	s.batchSize, s.atomicRows = 20, 50
	defer func() { s.batchSize, s.atomicRows = defaultBatchSize, 0 }()
	if err := s.clear(ctx); err != nil {
		t.Fatal(err)
	}
	cleared := version()
	load(t, s, storetest.Fixture())
	if v := version(); v < cleared+2 {
		t.Errorf("a batched load moved the version from %d to %d, want one step a batch (several)", cleared, v)
	}
	before := version()
	// An unchanged batched reload skips every row: no batch is sent, and
	// the version, which readers' caches key on, stays.
	if st := load(t, s, storetest.Fixture()); st.Written != 0 {
		t.Fatalf("unchanged batched reload wrote %d", st.Written)
	}
	if v := version(); v != before {
		t.Errorf("an unchanged batched reload moved the version from %d to %d", before, v)
	}

	if err := s.clear(ctx); err != nil {
		t.Fatal(err)
	}
	load(t, s, storetest.Fixture())
	if v := version(); v <= before {
		t.Errorf("cleared and loaded again: version %d, not past %d", v, before)
	}
}
