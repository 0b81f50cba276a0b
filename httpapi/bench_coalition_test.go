package httpapi_test

import (
	"fmt"
	"syscall"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/coalitiongraph/coalitiongraph/httpapi"
	"github.com/coalitiongraph/coalitiongraph/inmem"
	"github.com/coalitiongraph/coalitiongraph/internal/apitest"
	"github.com/coalitiongraph/coalitiongraph/storetest"
)

// BenchmarkCoalition100k is the query set's coalition document over the
// bench's skewed 100k graph on the embedded store, whose store call takes
// about 0.1 ms: what it measures is the GraphQL layer's own cost. Besides
// the time it reports the process's CPU time per request (user and
// system), which a loaded machine disturbs less than the time; compare two
// builds by running both alternately (neo4j's BenchmarkCoalition100k is
// the same document on Neo4j).
//
//	go test ./httpapi -run '^$' -bench Coalition100k -benchtime 400x
func BenchmarkCoalition100k(b *testing.B) {
	s, err := inmem.New(storetest.SyntheticSkewed(100_000, 5000, 1))
	if err != nil {
		b.Fatal(err)
	}
	cfg := httpapi.Defaults()
	cfg.Registry = prometheus.NewRegistry()
	cfg.ReadCacheBytes = -1
	h := httpapi.NewHandler(s, cfg)
	// e00041 receives 101 commitments, the bench's pick near 100.
	req := apitest.NewRequest(fmt.Sprintf(`{ coalition(id: %q) { byKind { kind commitments { id actor { name } status conditions evidence { quote source { id } } } } } }`, "e00041"))
	apitest.Serve(b, h, req())
	b.ReportAllocs()
	var lat apitest.Latencies
	cpu0 := cpuTime(b)
	for b.Loop() {
		lat.Time(func() { apitest.Serve(b, h, req()) })
	}
	b.ReportMetric(float64(cpuTime(b)-cpu0)/float64(b.N)/1e6, "cpu-ms/op")
	lat.Report(b, "")
}

// cpuTime is the process's user and system CPU time so far, in ns.
func cpuTime(b *testing.B) int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
