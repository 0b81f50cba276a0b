package neo4j

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/httpapi"
	"github.com/coalitiongraph/coalitiongraph/internal/apitest"
)

// BenchmarkCoalition100k is the query set's coalition (issue 13) over the
// bench's skewed 100k graph, three ways side by side: the GraphQL API over
// HTTP (loopback, read cache off), the store call it makes
// (Store.Commitments by target), and the bench's raw Cypher statement
// through the same driver. Each client sends them in turn, so that all
// three see the same load on a shared machine; c8 runs eight clients at
// once. It reports each one's p50 and p99 and the API's over raw. Run
// against one server alternately with another build, as
// BenchmarkListings100k:
//
//	NEO4J_URI=bolt://… go test -run '^$' -bench Coalition100k -benchtime 200x ./neo4j/
func BenchmarkCoalition100k(b *testing.B) {
	ctx := context.Background()
	s, ds := openSkewed100k(b)
	target, n := receivingNear(ds, 100)
	b.Logf("coalition of %s: %d commitments", target, n)
	srv := benchAPIServer(b, s)
	body, err := json.Marshal(map[string]any{"query": fmt.Sprintf(
		`{ coalition(id: %q) { byKind { kind commitments { id actor { name } status conditions evidence { quote source { id } } } } } }`, target)})
	if err != nil {
		b.Fatal(err)
	}
	api := func() int {
		resp, err := srv.Client().Post(srv.URL+"/graphql", "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct {
			Data struct {
				Coalition struct {
					ByKind []struct{ Commitments []json.RawMessage }
				}
			}
			Errors []json.RawMessage
		}
		raw, err := io.ReadAll(resp.Body)
		if err != nil {
			b.Fatal(err)
		}
		if err := json.Unmarshal(raw, &out); err != nil || resp.StatusCode != http.StatusOK || len(out.Errors) > 0 {
			b.Fatalf("status %d (%v): %s", resp.StatusCode, err, raw)
		}
		rows := 0
		for _, g := range out.Data.Coalition.ByKind {
			rows += len(g.Commitments)
		}
		return rows
	}
	store := func() int {
		page, err := s.Commitments(ctx, cg.CommitmentFilter{TargetIDs: []string{target}}, cg.Page{})
		if err != nil {
			b.Fatal(err)
		}
		return len(page.Commitments)
	}
	// The bench's statement (bench/queries_test.go): what the document
	// shows, unordered.
	const cypher = `MATCH (a:Entity)-[r:` + "%s" + `]->(t:Entity {id: $target})
RETURN {kind: type(r), id: r.id, actor: a.name, status: r.status, conditions: coalesce(r.conditions, []),
  evidence: COLLECT { MATCH (ev:Evidence {factId: r.id}) WITH ev ORDER BY ev.ord RETURN ev.quote + ' @ ' + ev.sourceId }} AS row`
	statement := fmt.Sprintf(cypher, commitmentTypes)
	raw := func() int {
		recs, err := s.read(ctx, "bench coalition", statement, map[string]any{"target": target})
		if err != nil {
			b.Fatal(err)
		}
		return len(recs)
	}
	// Warm all three (Neo4j plans each statement once), and check that
	// they answer about the same commitments.
	if a, st, r := api(), store(), raw(); a != n || st != n || r != n {
		b.Fatalf("the API shows %d commitments, the store lists %d, raw Cypher %d; the dataset has %d", a, st, r, n)
	}
	for _, clients := range []int{1, 8} {
		b.Run(fmt.Sprintf("c%d", clients), func(b *testing.B) {
			sideBySide(b, clients, func() { api() }, func() { store() }, func() { raw() })
		})
	}
}

// benchAPIServer serves the GraphQL API over s on loopback with the
// server's defaults, its read cache off (the benchmarks time the store).
func benchAPIServer(b *testing.B, s *Store) *httptest.Server {
	cfg := httpapi.Defaults()
	cfg.Registry = prometheus.NewRegistry()
	cfg.ReadCacheBytes = -1
	srv := httptest.NewServer(httpapi.NewHandler(s, cfg))
	b.Cleanup(srv.Close)
	return srv
}

// sideBySide runs api, store and raw in turn from each of clients
// goroutines, b.N rounds in all, so that the three see the same load on a
// shared machine, and reports each one's p50 and p99 and the API's over
// raw. With one client, the process's CPU time around the API's requests
// is theirs (Neo4j runs in its own process): the server's Go CPU per
// request and the client's, which a loaded machine disturbs less than
// their time.
func sideBySide(b *testing.B, clients int, api, store, raw func()) {
	var mu sync.Mutex
	var lat [3]apitest.Latencies
	var apiCPU time.Duration
	next := make(chan struct{})
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			var own [3]apitest.Latencies
			for range next {
				c0 := cpuTime(b)
				own[0].Time(api)
				if clients == 1 {
					apiCPU += cpuTime(b) - c0
				}
				own[1].Time(store)
				own[2].Time(raw)
			}
			mu.Lock()
			for i := range lat {
				lat[i] = append(lat[i], own[i]...)
			}
			mu.Unlock()
		})
	}
	for b.Loop() {
		next <- struct{}{}
	}
	close(next)
	wg.Wait()
	lat[0].Report(b, "api-")
	lat[1].Report(b, "store-")
	lat[2].Report(b, "raw-")
	ratio := func(p float64) float64 {
		return float64(lat[0].Percentile(p)) / float64(max(lat[2].Percentile(p), time.Nanosecond))
	}
	b.ReportMetric(ratio(50), "api/raw-p50")
	b.ReportMetric(ratio(99), "api/raw-p99")
	if clients == 1 {
		b.ReportMetric(float64(apiCPU.Microseconds())/1e3/float64(len(lat[0])), "api-cpu-ms/op")
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// receivingNear is the entity that receives the number of commitments
// closest to want (ties by id), as the bench picks the coalition's subject.
func receivingNear(ds *cg.Dataset, want int) (string, int) {
	received := map[string]int{}
	for _, c := range ds.Commitments {
		received[c.TargetID]++
	}
	return nearest(received, want)
}

// makingNear is the entity that makes the number of commitments closest
// to want (ties by id), as the bench picks the timeline's and paths' actor.
func makingNear(ds *cg.Dataset, want int) (string, int) {
	made := map[string]int{}
	for _, c := range ds.Commitments {
		made[c.ActorID]++
	}
	return nearest(made, want)
}

// nearest is the key whose count is closest to want, ties by key.
func nearest(counts map[string]int, want int) (string, int) {
	best := ""
	dist := func(id string) int { return max(counts[id]-want, want-counts[id]) }
	for id := range counts {
		if best == "" || dist(id) < dist(best) || (dist(id) == dist(best) && id < best) {
			best = id
		}
	}
	return best, counts[best]
}
