package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/coalitiongraph/coalitiongraph/httpapi"
	"github.com/coalitiongraph/coalitiongraph/inmem"
	"github.com/coalitiongraph/coalitiongraph/internal/apitest"
	"github.com/coalitiongraph/coalitiongraph/storetest"
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

// BenchmarkMatrixPage is the dashboard's matrix query over 100,000
// synthetic commitments by 1,000 actors (1,000 rows) through the handler,
// side by side: the first page of 50 rows (what a request answers now)
// and every row, walked in pages of 100 (the answer one request gave before
// pages), each with the answer's bytes.
// Run: go test ./httpapi -run '^$' -bench MatrixPage -benchtime 20x
func BenchmarkMatrixPage(b *testing.B) {
	s, err := inmem.New(storetest.Synthetic(100_000, 1000, 1))
	if err != nil {
		b.Fatal(err)
	}
	cfg := httpapi.Defaults()
	cfg.ReadCacheBytes = -1
	h := httpapi.NewHandler(s, cfg)
	const query = `query($first: Int, $after: String) { matrix(first: $first, after: $after) {
		totalCount pageInfo { hasNextPage endCursor } rows { actor { id name } total cells { kind status commitmentCount evidenceCount } } } }`
	page := func(first int, after *string) (size int, next *string) {
		vars := map[string]any{"first": first}
		if after != nil {
			vars["after"] = *after
		}
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		out := apitest.Serve(b, h, req)
		var d struct {
			Data struct {
				Matrix struct {
					PageInfo struct {
						HasNextPage bool
						EndCursor   *string
					}
				}
			}
		}
		if err := json.Unmarshal(out, &d); err != nil {
			b.Fatal(err)
		}
		if !d.Data.Matrix.PageInfo.HasNextPage {
			return len(out), nil
		}
		return len(out), d.Data.Matrix.PageInfo.EndCursor
	}
	b.Run("first50", func(b *testing.B) {
		n := 0
		for b.Loop() {
			n, _ = page(50, nil)
		}
		b.ReportMetric(float64(n), "answer-B")
	})
	b.Run("every-row", func(b *testing.B) {
		total, pages := 0, 0
		for b.Loop() {
			total, pages = 0, 0
			var after *string
			for {
				n, next := page(100, after)
				total, pages = total+n, pages+1
				if next == nil {
					break
				}
				after = next
			}
		}
		b.ReportMetric(float64(total), "answer-B")
		b.ReportMetric(float64(pages), "requests")
	})
}
