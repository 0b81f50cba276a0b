package httpapi_test

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/coalitiongraph/coalitiongraph/httpapi"
	"github.com/coalitiongraph/coalitiongraph/internal/apitest"
)

// The queries a dashboard and a coalition view send, through the whole
// HTTP handler (no network); e2e runs the same set over Neo4j.
// Run: go test ./httpapi -run '^$' -bench . -benchmem
func BenchmarkQueries(b *testing.B) {
	cfg := httpapi.Defaults()
	cfg.Registry = prometheus.NewRegistry()
	apitest.Bench(b, httpapi.NewHandler(seedStore(b), cfg), cfg.Registry)
}
