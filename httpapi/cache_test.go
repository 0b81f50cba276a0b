package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/httpapi"
	"github.com/coalitiongraph/coalitiongraph/internal/apitest"
)

// cacheMetrics reads the read cache's counters from /metrics; a counter
// the handler does not export (the cache is off) reads -1.
func cacheMetrics(t *testing.T, h http.Handler) map[string]float64 {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	out := map[string]float64{}
	for _, name := range []string{"hits_total", "misses_total", "bypassed_total", "evictions_total", "bytes", "max_bytes", "entries"} {
		m := regexp.MustCompile(`(?m)^coalitiongraph_read_cache_` + name + ` (\S+)$`).FindStringSubmatch(rec.Body.String())
		if m == nil {
			out[name] = -1
			continue
		}
		v, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			t.Fatalf("metric %s: %v", name, err)
		}
		out[name] = v
	}
	return out
}

func cacheHandler(t *testing.T, cacheBytes int64) http.Handler {
	t.Helper()
	keys, err := httpapi.ParseAPIKeys("alice:"+httpapi.HashKey("s3cret"), "test")
	if err != nil {
		t.Fatal(err)
	}
	cfg := httpapi.Defaults()
	cfg.APIKeys, cfg.ReadCacheBytes = keys, cacheBytes
	return httpapi.NewHandler(seedStore(t), cfg)
}

const (
	cachedStatus = `query Swe { commitments(filter: {ids: ["c-swe-offers-surveillance"]}) { nodes { status version } } }`
	cacheWrite   = `mutation { changeCommitmentStatus(input: {id: "c-swe-offers-surveillance", baseVersion: 1, status: PLEDGED, reason: "new reporting",
		evidence: [{source: "src-000", quote: "Stockholm offering potential naval and air surveillance assets"}]}) { version } }`
)

// A write through the API is seen by the next query, which the cache had
// answered before it; a repeated query is answered from the cache.
func TestReadCacheSeesEveryWrite(t *testing.T) {
	h := cacheHandler(t, 0)
	status := func() string {
		t.Helper()
		resp := post(t, h, cachedStatus, nil)
		if len(resp.Errors) > 0 {
			t.Fatalf("errors: %v", resp.Errors)
		}
		return string(resp.Data)
	}
	const before = `{"commitments":{"nodes":[{"status":"OFFERED","version":1}]}}`
	const after = `{"commitments":{"nodes":[{"status":"PLEDGED","version":2}]}}`
	steps := []struct {
		name         string
		write        bool
		want         string
		hits, misses float64
	}{
		{name: "first read executes", want: before, hits: 0, misses: 1},
		{name: "second read is a hit", want: before, hits: 1, misses: 1},
		{name: "the write", write: true},
		{name: "read after the write sees it", want: after, hits: 1, misses: 2},
		{name: "and is cached again", want: after, hits: 2, misses: 2},
	}
	for _, st := range steps {
		if st.write {
			resp := apitest.PostAs(t, h, "s3cret", cacheWrite, nil)
			if len(resp.Errors) > 0 {
				t.Fatalf("%s: %v", st.name, resp.Errors)
			}
			continue
		}
		if got := status(); got != st.want {
			t.Errorf("%s: %s, want %s", st.name, got, st.want)
		}
		m := cacheMetrics(t, h)
		if m["hits_total"] != st.hits || m["misses_total"] != st.misses {
			t.Errorf("%s: hits %v misses %v, want %v and %v", st.name, m["hits_total"], m["misses_total"], st.hits, st.misses)
		}
	}
}

// Answers with errors, mutations and a cache turned off are never served
// from the cache.
func TestReadCacheKeepsOnlyGoodQueryAnswers(t *testing.T) {
	for _, tc := range []struct {
		name       string
		cacheBytes int64
		key, query string
		wantHits   float64 // after three requests; -1: no cache metrics at all
		wantMisses float64
	}{
		{name: "a good query", query: cachedStatus, wantHits: 2, wantMisses: 1},
		{name: "cache off", cacheBytes: -1, query: cachedStatus, wantHits: -1, wantMisses: -1},
		{name: "an answer with an error", query: `{ commitments(first: -1) { totalCount } }`, wantHits: 0, wantMisses: 3},
		{name: "a partial answer", query: `{ a: commitments(first: 1) { totalCount } b: commitments(first: -1) { totalCount } }`, wantHits: 0, wantMisses: 3},
		{name: "a mutation", key: "s3cret", query: `mutation { putSource(input: {id: "src-cache", file: "cache.txt", title: "Cache", text: "Cached."}) { id } }`, wantHits: 0, wantMisses: 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := cacheHandler(t, tc.cacheBytes)
			var first string
			for i := range 3 {
				resp := apitest.PostAs(t, h, tc.key, tc.query, nil)
				if i == 0 {
					first = string(resp.Data) + fmt.Sprint(resp.Errors)
				} else if got := string(resp.Data) + fmt.Sprint(resp.Errors); got != first && tc.key == "" {
					t.Errorf("request %d answered %s, the first %s", i+1, got, first)
				}
			}
			m := cacheMetrics(t, h)
			if m["hits_total"] != tc.wantHits || m["misses_total"] != tc.wantMisses {
				t.Errorf("hits %v misses %v, want %v and %v", m["hits_total"], m["misses_total"], tc.wantHits, tc.wantMisses)
			}
		})
	}
}

// Distinct queries beyond the bound push older answers out: the bytes the
// cache holds stay within it.
func TestReadCacheStaysWithinItsBytes(t *testing.T) {
	const bound = 32 << 10
	h := cacheHandler(t, bound)
	for i := range 400 {
		resp := post(t, h, `query($first: Int) { commitments(first: $first) { nodes { id summary } } }`, map[string]any{"first": 1 + i%50})
		if len(resp.Errors) > 0 {
			t.Fatal(resp.Errors)
		}
		resp = post(t, h, fmt.Sprintf(`{ search(query: "a", first: %d) { __typename } e%d: entities(first: 5) { id name } }`, 1+i%10, i), nil)
		if len(resp.Errors) > 0 {
			t.Fatal(resp.Errors)
		}
	}
	m := cacheMetrics(t, h)
	if m["max_bytes"] != bound {
		t.Errorf("max bytes %v, want %d", m["max_bytes"], bound)
	}
	if m["bytes"] <= 0 || m["bytes"] > bound {
		t.Errorf("the cache holds %v bytes, bound %d", m["bytes"], bound)
	}
	if m["evictions_total"] <= 0 {
		t.Errorf("evictions %v: 800 distinct answers should not fit in %d bytes", m["evictions_total"], bound)
	}
}

// unreachableVersions is a store whose graph version cannot be read, as
// when Neo4j is down: every other read still works.
type unreachableVersions struct{ cg.Store }

func (unreachableVersions) GraphVersion(context.Context) (uint64, error) {
	return 0, &cg.Error{Code: cg.CodeStoreUnavailable, Message: "the store is unavailable"}
}

// A failed version read answers the store's error at the first root field,
// never an answer without one (cached or not) and never a leaked cause.
func TestReadCacheAnswersAFailedVersionReadAsTheStoreError(t *testing.T) {
	cfg := httpapi.Defaults()
	h := httpapi.NewHandler(unreachableVersions{seedStore(t)}, cfg)
	for i := range 2 {
		resp := apitest.Post(t, h, cachedStatus, nil)
		if resp.Status != http.StatusOK || len(resp.Errors) != 1 {
			t.Fatalf("request %d: status %d, errors %+v; want one error", i+1, resp.Status, resp.Errors)
		}
		e := resp.Errors[0]
		if e.Code() != string(cg.CodeStoreUnavailable) || len(e.Path) == 0 || e.Path[0] != "commitments" {
			t.Errorf("request %d: code %q path %v, want STORE_UNAVAILABLE at commitments", i+1, e.Code(), e.Path)
		}
	}
	if m := cacheMetrics(t, h); m["hits_total"] != 0 || m["bypassed_total"] != 2 {
		t.Errorf("hits %v bypassed %v, want 0 and 2", m["hits_total"], m["bypassed_total"])
	}
}
