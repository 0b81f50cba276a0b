package httpapi_test

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/coalitiongraph/coalitiongraph/httpapi"
	"github.com/coalitiongraph/coalitiongraph/internal/apitest"
)

// The queries a dashboard and a coalition view send, through the whole
// HTTP handler (no network); e2e runs the same set over Neo4j.
// The read cache is off: these measure executing the queries.
// Run: go test ./httpapi -run '^$' -bench . -benchmem
func BenchmarkQueries(b *testing.B) {
	cfg := httpapi.Defaults()
	cfg.Registry = prometheus.NewRegistry()
	cfg.ReadCacheBytes = -1
	apitest.Bench(b, httpapi.NewHandler(seedStore(b), cfg), cfg.Registry)
}

// BenchmarkReadCache runs the same set with the read cache off and on, side
// by side over one store.
// Run: go test ./httpapi -run '^$' -bench ReadCache
func BenchmarkReadCache(b *testing.B) {
	store := seedStore(b)
	off, on := httpapi.Defaults(), httpapi.Defaults()
	off.ReadCacheBytes = -1
	apitest.BenchCache(b, httpapi.NewHandler(store, off), httpapi.NewHandler(store, on))
}
