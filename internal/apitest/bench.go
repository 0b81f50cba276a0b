package apitest

import (
	"bytes"
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// BenchQuery is one query of the benchmark set.
type BenchQuery struct {
	Name  string
	Query string
}

// BenchQueries are the queries a dashboard and a coalition view send. Every
// store's benchmarks run this one list, so that their numbers compare.
var BenchQueries = []BenchQuery{
	{"Coalition", `{ coalition(id: "prop-ita-24h", alsoTargets: ["UKR", "coalition-of-the-willing"]) {
		byKind { kind commitments { actor { name } status conditions evidence { quote attributedTo source { file } } } } } }`},
	{"Matrix", `{ matrix(first: 50) { totalCount kinds rows { actor { id name } total cells { kind status commitmentCount evidenceCount } } } }`},
	{"FilteredCommitments", `{ commitments(filter: {statuses: [PLEDGED, OFFERED, REFUSED], from: "2025-08"}, first: 20) {
		totalCount pageInfo { endCursor hasNextPage } nodes { kind status actor { name } target { name } evidence { quote source { file } } } } }`},
}

// Latencies records the duration of each run of a benchmark so that it can
// report percentiles: a mean (ns/op) hides the slow tail a dashboard feels.
type Latencies []time.Duration

// Time runs op once and records how long it took.
func (l *Latencies) Time(op func()) {
	start := time.Now()
	op()
	*l = append(*l, time.Since(start))
}

// Percentile is the p-th percentile (0 < p ≤ 100), nearest rank; 0 when
// nothing was recorded.
func (l Latencies) Percentile(p float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	s := slices.Clone(l)
	slices.Sort(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[max(0, min(i, len(s)-1))]
}

// Report adds prefix+"p50-µs" and prefix+"p99-µs" to b's results.
func (l Latencies) Report(b *testing.B, prefix string) {
	b.ReportMetric(float64(l.Percentile(50).Nanoseconds())/1e3, prefix+"p50-µs")
	b.ReportMetric(float64(l.Percentile(99).Nanoseconds())/1e3, prefix+"p99-µs")
}

// StoreUse sums the store calls the handler registered in reg has made and
// the time they took, from its coalitiongraph_store_call_seconds histogram.
// Calls a request makes in parallel each count their own time.
func StoreUse(b testing.TB, reg *prometheus.Registry) (calls int, busy time.Duration) {
	b.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		b.Fatalf("gather metrics: %v", err)
	}
	var seconds float64
	for _, mf := range mfs {
		if mf.GetName() != "coalitiongraph_store_call_seconds" {
			continue
		}
		for _, m := range mf.GetMetric() {
			calls += int(m.GetHistogram().GetSampleCount())
			seconds += m.GetHistogram().GetSampleSum()
		}
	}
	return calls, time.Duration(seconds * float64(time.Second))
}

// ReportStoreUse adds store-calls/op and store-µs/op, the difference
// between two StoreUse readings spread over n requests.
func ReportStoreUse(b *testing.B, n, calls0, calls1 int, busy0, busy1 time.Duration) {
	b.ReportMetric(float64(calls1-calls0)/float64(n), "store-calls/op")
	b.ReportMetric(float64((busy1-busy0).Nanoseconds())/1e3/float64(n), "store-µs/op")
}

// NewRequest is the POST /graphql request for query, ready to serve again:
// it returns a fresh request each call.
func NewRequest(query string) func() *http.Request {
	body, _ := json.Marshal(map[string]any{"query": query})
	return func() *http.Request {
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		return req
	}
}

// Serve sends req through h and fails b unless the answer is a 200 without
// errors; it returns the body.
func Serve(b testing.TB, h http.Handler, req *http.Request) []byte {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) {
		b.Fatalf("status %d: %s", rec.Code, rec.Body.String())
	}
	return rec.Body.Bytes()
}

// Bench runs each of BenchQueries through h as a sub-benchmark, reporting
// p50 and p99 latency and, from reg (the handler's Config.Registry), store
// calls and store time per request.
func Bench(b *testing.B, h http.Handler, reg *prometheus.Registry) {
	for _, q := range BenchQueries {
		req := NewRequest(q.Query)
		b.Run(q.Name, func(b *testing.B) {
			b.ReportAllocs()
			var lat Latencies
			calls, busy := StoreUse(b, reg)
			for b.Loop() {
				lat.Time(func() { Serve(b, h, req()) })
			}
			lat.Report(b, "")
			calls1, busy1 := StoreUse(b, reg)
			ReportStoreUse(b, len(lat), calls, calls1, busy, busy1)
		})
	}
}

// BenchCache runs each of BenchQueries through off (a handler with the
// read cache turned off) and on (the same store, the cache on), one
// request of each in turn so that both see the same load on a shared
// machine. It reports both percentiles, the p50 ratio off/on, and the
// throughput of each at 8 concurrent requests a processor (RunParallel's
// default parallelism is 1 per processor: 8 makes the queue a server sees).
func BenchCache(b *testing.B, off, on http.Handler) {
	for _, q := range BenchQueries {
		req := NewRequest(q.Query)
		b.Run(q.Name, func(b *testing.B) {
			Serve(b, off, req())
			Serve(b, on, req())
			var lo, lc Latencies
			for b.Loop() {
				lo.Time(func() { Serve(b, off, req()) })
				lc.Time(func() { Serve(b, on, req()) })
			}
			lo.Report(b, "off-")
			lc.Report(b, "on-")
			b.ReportMetric(float64(lo.Percentile(50))/float64(max(lc.Percentile(50), time.Nanosecond)), "off/on-p50")
		})
		for _, h := range []struct {
			name string
			h    http.Handler
		}{{"off", off}, {"on", on}} {
			b.Run(q.Name+"/parallel-"+h.name, func(b *testing.B) {
				b.SetParallelism(8)
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						Serve(b, h.h, req())
					}
				})
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
			})
		}
	}
}
