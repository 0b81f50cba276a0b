package neo4j

import (
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/storetest"
)

// BenchmarkWrites measures write throughput (writes/s) through the Writer,
// one write at a time, each its own transaction:
//
//	go test -run '^$' -bench Writes -benchtime 5s ./neo4j/
func BenchmarkWrites(b *testing.B) {
	storetest.BenchWrites(b, func(b *testing.B, ds *cg.Dataset) cg.WritableStore {
		s := openEmpty(b)
		load(b, s, ds)
		return s
	})
}
