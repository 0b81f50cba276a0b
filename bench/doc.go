// Package bench holds issue 13's query-set benchmark, built only with the
// bench tag (scripts/bench.sh): BenchmarkQuerySet measures both stores,
// the raw Cypher and @neo4j/graphql side by side, and
// TestPeerAnswersAsTheAPI checks that the raw Cypher and the peer answer
// every query of the set as the API does, which keeps the comparison
// honest:
//
//	go test -tags bench -run TestPeerAnswersAsTheAPI ./bench
//
// It is out of `go test ./...` (and so of CI) because it starts a Neo4j
// and a Node.js server of its own: 81–142 s on the shared 2-core machine
// (load average 12–17), over the ~60 s a CI check may take.
package bench
