package bbolt_test

import (
	"path/filepath"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/bbolt"
	"github.com/coalitiongraph/coalitiongraph/storetest"
)

// BenchmarkWrite measures durable write throughput: one fsynced bbolt
// transaction per write, on the file system of the temporary directory.
//
//	go test ./bbolt -run '^$' -bench Write
func BenchmarkWrite(b *testing.B) {
	storetest.BenchWrites(b, func(b *testing.B, ds *cg.Dataset) cg.WritableStore {
		s, err := bbolt.Open(filepath.Join(b.TempDir(), "graph.db"), ds)
		if err != nil {
			b.Fatal(err)
		}
		return s
	})
}
