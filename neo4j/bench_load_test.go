package neo4j

import "testing"

// BenchmarkLoad1M loads 1,000,000 commitments among 10,000 entities into
// an empty database in batched transactions, then reloads them unchanged.
// It runs under the test harness's heap (-Xmx1g, smaller than a default
// Neo4j's), which one transaction of the whole load could not use:
//
//	go test -run '^$' -bench Load1M -benchtime 1x -timeout 60m ./neo4j/
func BenchmarkLoad1M(b *testing.B) { benchmarkLoad(b, 1_000_000, 10_000) }
