//go:build bench

// The query-set benchmark (scripts/bench.sh runs
// BenchmarkQuerySet) and its CI-sized guard, TestPeerAnswersAsTheAPI:
// the comparison is honest only while the raw Cypher and the peer give the
// API's answers.

package bench

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coalitiongraph/coalitiongraph/internal/testsupport"
	"github.com/coalitiongraph/coalitiongraph/neo4j"
	"github.com/coalitiongraph/coalitiongraph/storetest"
	nd "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// TestPeerAnswersAsTheAPI loads a small skewed dataset into a Neo4j of its
// own and checks, for every query of the set, that coalitiongraph's API,
// the raw Cypher through the Go driver and @neo4j/graphql (the peer) give
// the same rows, and that the embedded store's API gives them too (search
// aside: BM25 scores are not comparable between the stores).
func TestPeerAnswersAsTheAPI(t *testing.T) {
	dir := peerDir(t)
	ds := storetest.SyntheticSkewed(2000, 100, 1)
	qs := querySet(ds)
	uri := neo4jServer(t)
	s, _, err := loadNeo4j(t, uri, ds)
	if err != nil {
		t.Fatalf("load %d commitments into Neo4j: %v", len(ds.Commitments), err)
	}
	apiURL := serve(t, apiHandler(s, false))
	d := driver(t, uri)
	peerURL := peer(t, dir, uri, qs)
	for _, err := range check(t, qs, apiURL, d, peerURL) {
		t.Error(err)
	}
	for _, q := range qs {
		a, err := ask(t, q, apiURL, d, peerURL)
		if err == nil {
			t.Logf("%s: %d rows, the first %.200s", q.name, len(a.api), a.api[0])
		}
	}
	emb, _ := embedded(t, ds)
	embURL := serve(t, apiHandler(emb, false))
	for _, q := range qs {
		if q.name == "search" {
			continue
		}
		t.Run(q.name, func(t *testing.T) {
			onNeo4j, err := post(apiURL+"/graphql", q.api)
			if err != nil {
				t.Fatalf("Neo4j: %v", err)
			}
			onEmbedded, err := post(embURL+"/graphql", q.api)
			if err != nil {
				t.Fatalf("embedded: %v", err)
			}
			want := canonicalRows(t, q.apiRows(onNeo4j), nil, q.unordered)
			got := canonicalRows(t, q.apiRows(onEmbedded), nil, q.unordered)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("the embedded store answered\n%s\nNeo4j\n%s", excerpt(got), excerpt(want))
			}
		})
	}
}

// TestEndLeftovers checks that a statement still running on Neo4j when a
// run ends is found and terminated, so that it loads no later run.
func TestEndLeftovers(t *testing.T) {
	d := driver(t, neo4jServer(t))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	// Minutes of work with no deadline of Neo4j's own, as a peer statement.
	done := make(chan error, 1)
	go func() {
		_, err := nd.ExecuteQuery(ctx, d, "UNWIND range(1, 2000000000) AS x WITH x WHERE x % 7 = 99 RETURN count(x) AS n",
			nil, nd.EagerResultTransformer)
		done <- err
	}()
	for {
		n, err := endLeftovers(ctx, d)
		if err != nil {
			t.Fatalf("end leftovers: %v", err)
		}
		if n > 0 {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("the long statement ended by itself (err %v) before it was seen running", err)
		case <-time.After(50 * time.Millisecond):
		}
	}
	if err := <-done; err == nil {
		t.Fatal("the long statement ran to its end: not terminated")
	} else {
		t.Logf("the long statement ended with: %v", err)
	}
	if n, err := endLeftovers(ctx, d); n != 0 || err != nil {
		t.Fatalf("after terminating, %d still running (err %v)", n, err)
	}
}

// settings are scripts/bench.sh's knobs.
type settings struct {
	sizes       []int
	duration    time.Duration
	connections []int
	queries     *regexp.Regexp
	out         string
	peerDir     string
	// neo4jLoad is how the empty Neo4j is filled: "import" (the import
	// files and neo4j-admin, then Neo4j started on the store) or "load"
	// (Store.Load's batched statements). reload times an unchanged
	// Store.Load over the filled graph.
	neo4jLoad string
	reload    bool
}

func readSettings(b *testing.B) settings {
	s := settings{sizes: []int{10_000}, duration: 10 * time.Second, connections: []int{1, 8, 32}, queries: regexp.MustCompile(``)}
	ints := func(env string, dst *[]int) {
		if v := os.Getenv(env); v != "" {
			*dst = nil
			for _, f := range strings.Split(v, ",") {
				n, err := strconv.Atoi(strings.TrimSpace(f))
				if err != nil || n < 1 {
					b.Fatalf("%s=%q: want positive integers separated by commas", env, v)
				}
				*dst = append(*dst, n)
			}
		}
	}
	ints("BENCH_SIZES", &s.sizes)
	ints("BENCH_CONNECTIONS", &s.connections)
	if v := os.Getenv("BENCH_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second {
			b.Fatalf("BENCH_DURATION=%q: want a duration of at least 1s", v)
		}
		s.duration = d
	}
	if v := os.Getenv("BENCH_QUERIES"); v != "" {
		s.queries = regexp.MustCompile(v)
	}
	s.neo4jLoad = "import"
	if os.Getenv("NEO4J_URI") != "" {
		s.neo4jLoad = "load" // the import tool needs the store's files
	}
	switch v := os.Getenv("BENCH_NEO4J_LOAD"); v {
	case "":
	case "import", "load":
		if v == "import" && os.Getenv("NEO4J_URI") != "" {
			b.Fatalf("BENCH_NEO4J_LOAD=import: not with NEO4J_URI, whose store the import tool cannot write")
		}
		s.neo4jLoad = v
	default:
		b.Fatalf("BENCH_NEO4J_LOAD=%q: want import or load", v)
	}
	s.reload = true
	switch v := os.Getenv("BENCH_RELOAD"); v {
	case "", "1":
	case "0":
		s.reload = false
	default:
		b.Fatalf("BENCH_RELOAD=%q: want 0 or 1", v)
	}
	if v := os.Getenv(testsupport.PageCacheEnv); v != "" {
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err != nil || n < 1 {
			b.Fatalf("%s=%q (NEO4J_PAGECACHE_MB of scripts/bench.sh): want a positive number of MiB", testsupport.PageCacheEnv, v)
		}
	}
	s.out = os.Getenv("BENCH_OUT")
	s.peerDir = peerDir(b)
	return s
}

// cell is one (store or side, query, connections) run.
type cell struct {
	res loadResult
	err error
	// leftover is how many Neo4j transactions were still running when the
	// run ended (and were terminated before the next run).
	leftover int
}

type sizeResult struct {
	size, entities int
	picks          picks
	loadavg        [2]string // before, after
	generate       time.Duration
	heapMiB        float64 // Go heap in use after generating the dataset
	embeddedOpen   time.Duration
	embeddedWarm   time.Duration
	neo4jLoad      time.Duration
	neo4jLoadErr   error
	imported       *importStats // nil when loaded with Store.Load
	reload         *neo4j.LoadStats
	reloadErr      error
	checkTook      time.Duration
	checkErrs      []error
	started        time.Time
	queries        []query
	// runs[side][query][connections]
	runs map[string]map[string]map[int]cell
}

const (
	sideEmbedded = "embedded"
	sideAPI      = "neo4j API"
	sidePeer     = "peer"
	sideRaw      = "raw"
	sideCached   = "API cached"
)

// BenchmarkQuerySet is the benchmark of scripts/bench.sh; run it through
// the script, which installs the peer and the load tool.
func BenchmarkQuerySet(b *testing.B) {
	set := readSettings(b)
	var results []*sizeResult
	for b.Loop() {
		for _, n := range set.sizes {
			b.Run(fmt.Sprintf("size=%d", n), func(b *testing.B) {
				for b.Loop() {
					results = append(results, runSize(b, set, n))
				}
			})
			// After each size, so that a run stopped later keeps what
			// it measured.
			md := report(set, results)
			if set.out == "" {
				fmt.Println(md)
				continue
			}
			if err := writeSection(set.out, md); err != nil {
				b.Fatalf("write %s: %v", set.out, err)
			}
			b.Logf("results so far in %s", set.out)
		}
	}
}

func runSize(b *testing.B, set settings, n int) *sizeResult {
	r := &sizeResult{size: n, entities: max(100, n/20), started: time.Now().UTC(),
		runs: map[string]map[string]map[int]cell{}}
	r.loadavg[0] = loadavg()
	start := time.Now()
	ds := storetest.SyntheticSkewed(n, r.entities, 1)
	r.generate = time.Since(start)
	runtime.GC()
	var mem runtime.MemStats
	runtime.ReadMemStats(&mem)
	r.heapMiB = float64(mem.HeapAlloc) / (1 << 20)
	b.Logf("size %d: dataset generated in %v, Go heap %.0f MiB", n, r.generate.Round(time.Millisecond), r.heapMiB)
	r.picks = pick(ds)
	for _, q := range querySet(ds) {
		if set.queries.MatchString(q.name) {
			r.queries = append(r.queries, q)
		}
	}
	b.Logf("size %d: %d entities, top actor %s (%d made), top target %s (%d received), mid actor %s (%d), mid target %s (%d)",
		n, r.entities, r.picks.topActor, r.picks.topActorN, r.picks.topTarget, r.picks.topTargetN,
		r.picks.midActor, r.picks.midActorN, r.picks.midTarget, r.picks.midTargetN)

	emb, took := embedded(b, ds)
	r.embeddedOpen = took
	// As the server does at start (server/main.go), untimed: the text
	// index and the matrix rows, built otherwise by the first search or
	// matrix page, which at 1M outlasted a 4 s run.
	warm, err := emb.WarmUp(context.Background())
	if err != nil {
		b.Fatalf("embedded warm-up: %v", err)
	}
	r.embeddedWarm = warm
	embURL := serve(b, apiHandler(emb, false))
	b.Logf("embedded store opened in %v, warmed up in %v", took.Round(time.Millisecond), warm.Round(time.Millisecond))

	var (
		uri string
		s   *neo4j.Store
	)
	if set.neo4jLoad == "import" {
		var st importStats
		uri, s, st, err = importNeo4j(b, ds)
		r.imported, r.neo4jLoadErr = &st, err
		if err != nil {
			b.Logf("Neo4j import of %d commitments FAILED: %v", n, err)
		} else {
			b.Logf("Neo4j imported: files %v (%d nodes, %d relationships, %.0f MiB), neo4j-admin %v (%s), start %v, schema and indexes online %v",
				st.Files.Round(time.Millisecond), st.Nodes, st.Rels, float64(st.FilesBytes)/(1<<20), st.Tool.Round(time.Millisecond),
				st.ToolReport, st.Start.Round(time.Millisecond), st.Schema.Round(time.Millisecond))
		}
	} else {
		uri = neo4jServer(b)
		var st neo4j.LoadStats
		s, st, err = loadNeo4j(b, uri, ds)
		r.neo4jLoad, r.neo4jLoadErr = st.Duration, err
		if err != nil {
			b.Logf("Neo4j load of %d commitments FAILED: %v", n, err)
		} else {
			b.Logf("Neo4j loaded in %v (%d statements)", st.Duration.Round(time.Millisecond), st.Statements)
		}
	}
	if err == nil && set.reload {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
		st, rerr := s.Load(ctx, ds, nil)
		cancel()
		r.reload, r.reloadErr = &st, rerr
		// The reload's rows took about 10 GB of this process at 1M (RSS
		// 5.4 GB without it, 15.6 GB with): handed back before the timed
		// runs, beside which Neo4j's page cache fills.
		debug.FreeOSMemory()
		if rerr != nil {
			b.Logf("unchanged reload FAILED after %v: %v", st.Duration.Round(time.Millisecond), rerr)
		} else {
			b.Logf("unchanged reload in %v (%d written, %d statements)", st.Duration.Round(time.Millisecond), st.Written, st.Statements)
		}
	}
	var apiURL, cachedURL, peerURL, rawURL string
	var d nd.DriverWithContext
	if err == nil {
		// The server warms the plans of its common reads at start
		// (server/main.go, neo4j/warmup.go) and so does the API here,
		// untimed: the giant entity's statements take seconds to plan
		// cold, and a call cut by the request deadline while Neo4j plans
		// leaves no plan cached, so that under load each retry planned
		// again and was cut again (docs/benchmarks.md, "Giant-entity
		// reads at 1M (session 12)").
		// The maintained counts (matrix, listing totals) first: a first
		// Ready whose build outlasts it leaves the build to the background
		// (store.go), and the reads they serve would be timed scanning
		// beside it.
		cctx, ccancel := context.WithTimeout(context.Background(), 30*time.Minute)
		cstart := time.Now()
		cerr := s.AwaitCounts(cctx)
		ccancel()
		b.Logf("maintained counts built %v after the schema (err %v)", time.Since(cstart).Round(time.Millisecond), cerr)
		wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Minute)
		wst, werr := s.WarmUp(wctx)
		wcancel()
		b.Logf("plan warm-up: %d reads in %v (err %v)", wst.Planned, wst.Duration.Round(time.Millisecond), werr)
		apiURL = serve(b, apiHandler(s, false))
		cachedURL = serve(b, apiHandler(s, true))
		d = driver(b, uri)
		rawURL = serve(b, rawHandler(d, r.queries))
		peerURL = peer(b, set.peerDir, uri, r.queries)
		start := time.Now()
		r.checkErrs = check(b, r.queries, apiURL, d, peerURL)
		r.checkTook = time.Since(start)
		lctx, lcancel := context.WithTimeout(context.Background(), time.Minute)
		if n, lerr := endLeftovers(lctx, d); n > 0 || lerr != nil {
			b.Logf("after the answers check: %d statements left running terminated (err %v)", n, lerr)
		}
		lcancel()
		b.Logf("answers checked in %v", r.checkTook.Round(time.Millisecond))
		for _, e := range r.checkErrs {
			b.Logf("CHECK FAILED: %v", e)
		}
	}
	// A query whose raw or peer answer differs is not timed beside the
	// API; one the API alone failed to answer (apiFailure) is.
	wrong := map[string]bool{}
	for _, e := range r.checkErrs {
		if !errors.As(e, new(apiFailure)) {
			wrong[strings.SplitN(e.Error(), ":", 2)[0]] = true
		}
	}
	record := func(side, q string, c int, res loadResult, err error) {
		if r.runs[side] == nil {
			r.runs[side] = map[string]map[int]cell{}
		}
		if r.runs[side][q] == nil {
			r.runs[side][q] = map[int]cell{}
		}
		x := cell{res: res, err: err}
		if d != nil && side != sideEmbedded {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			n, lerr := endLeftovers(ctx, d)
			cancel()
			if lerr != nil {
				b.Logf("%s %s c=%d: ending the statements left running: %v", side, q, c, lerr)
			}
			x.leftover = n
		}
		r.runs[side][q][c] = x
		if err != nil {
			b.Logf("%s %s c=%d: %v", side, q, c, err)
		} else {
			b.Logf("%-10s %-18s c=%-2d %8.1f req/s p50 %7.1f ms p99 %7.1f ms errors %d left running %d", side, q, c, res.RPS, res.P50, res.P99, res.failed(), x.leftover)
		}
	}
	for i, q := range r.queries {
		for _, c := range set.connections {
			// Side by side: the four runs of one query and connection
			// count follow each other, so that they share the machine's
			// load of the moment.
			res, err := load(set.peerDir, embURL+"/graphql", q.api, c, set.duration)
			record(sideEmbedded, q.name, c, res, err)
			if apiURL == "" {
				continue
			}
			res, err = load(set.peerDir, apiURL+"/graphql", q.api, c, set.duration)
			record(sideAPI, q.name, c, res, err)
			if wrong[q.name] {
				continue // a peer or raw answer that differs is not timed
			}
			res, err = load(set.peerDir, peerURL, q.peerDocument(), c, set.duration)
			record(sidePeer, q.name, c, res, err)
			res, err = load(set.peerDir, fmt.Sprintf("%s/raw/%d", rawURL, i), "", c, set.duration)
			record(sideRaw, q.name, c, res, err)
			res, err = load(set.peerDir, cachedURL+"/graphql", q.api, c, set.duration)
			record(sideCached, q.name, c, res, err)
		}
	}
	r.loadavg[1] = loadavg()
	return r
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:3], " ")
}

func command(name string, args ...string) string {
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
}

func machine() string {
	cpu := "?"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	mem := "?"
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		f := strings.Fields(string(b))
		if len(f) > 1 {
			kb, _ := strconv.Atoi(f[1])
			mem = fmt.Sprintf("%.0f GiB", float64(kb)/(1<<20))
		}
	}
	return fmt.Sprintf("%d cores (%s), %s RAM, %s", runtime.NumCPU(), cpu, mem, runtime.GOOS)
}

func ms(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

func rps(v float64) string {
	if v >= 100 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

func ratio(a, b float64) string {
	if b == 0 || a == 0 || math.IsNaN(a/b) {
		return "–"
	}
	return fmt.Sprintf("%.2f", a/b)
}

// report renders the results as the "Query set" section of
// docs/benchmarks.md.
func report(set settings, results []*sizeResult) string {
	var w strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&w, format, args...) }
	p("%s\n\n", sectionStart)
	p("## Query set: both stores, raw Cypher and @neo4j/graphql (issue 13)\n\n")
	p("`scripts/bench.sh` (here `SIZES=%s DURATION=%s CONNECTIONS=%s`), %s.\n\n", joinInts(set.sizes), set.duration, joinInts(set.connections),
		time.Now().UTC().Format("2006-01-02 15:04 MST"))
	p("- Machine: %s; shared with other sessions' work (load averages below).\n", machine())
	p("- Versions: %s, %s, Neo4j 5.26 Community from the test harness (`internal/testsupport`: heap `-Xmx1g`, page cache %s MiB), node %s, "+
		"@neo4j/graphql 7.6.3 on graphql-yoga 5.24.1 (neo4j-driver 5.28.2), autocannon 8.0.0 (pinned in `bench/peer/package-lock.json`).\n",
		runtime.Version(), command("java", "-version"), pageCacheMiB(), command("node", "--version"))
	p("- Data: `storetest.SyntheticSkewed(size, size/20, 1)`: actors and targets Zipf-distributed (exponent 1.2), so a few " +
		"entities make or receive thousands of commitments and most a handful; the same data in both stores.\n")
	p("- Sides: **embedded** = the API over the default store (bbolt, temp dir); **API** = the API over Neo4j; **peer** = " +
		"@neo4j/graphql over the same Neo4j (type definitions in `bench/queries_test.go`: entities native, commitment queries " +
		"as root `@cypher` fields, see there why); **raw** = the query's Cypher through the Go driver behind a bare HTTP " +
		"handler that JSON-encodes the rows (the floor). Each is served on 127.0.0.1; the handler has the server's defaults " +
		"(read admission 2 a core) and its read cache off; **cached** = the API over Neo4j with the read cache on (its default), " +
		"which answers the repeated document from memory. Answers of API, raw and peer were checked equal (same rows) before timing; " +
		"that check is each query's first run on each side, so Neo4j has planned every statement before it is timed; before it, " +
		"the API's store ran the server's plan warm-up (`neo4j/warmup.go`), untimed, as the server does at start.\n")
	p("- Load: autocannon, one connection count per run of %s, the five sides of a (query, connections) back to back. "+
		"req/s is the mean over the run; p50/p99 in ms; err = errors + non-2xx answers (timeouts at 20 s included).\n", set.duration)
	p("- Ratios: **API÷peer** = throughput ratio; **p99 peer÷API** ≥ 2 is the issue's \"at no more than half its p99\"; " +
		"**API÷raw p50** is the latency over the floor.\n\n")
	for _, r := range results {
		p("### %d commitments, %d entities\n\n", r.size, r.entities)
		p("Started %s; load average before %s, after %s. Dataset generated in %v (Go heap %.0f MiB after). "+
			"Embedded store opened (bbolt file written, indexes built) in %v, then warmed up (text index and matrix rows, as the server does at start) in %v, untimed. ",
			r.started.Format("15:04 MST"), r.loadavg[0], r.loadavg[1], r.generate.Round(time.Millisecond), r.heapMiB,
			r.embeddedOpen.Round(time.Millisecond), r.embeddedWarm.Round(time.Millisecond))
		switch {
		case r.neo4jLoadErr != nil:
			p("**Neo4j load failed**: `%v`; only the embedded store was measured.\n\n", r.neo4jLoadErr)
		case r.imported != nil:
			st := r.imported
			p("Neo4j filled (empty database) by `neo4j-admin database import full` with the tool's default memory settings: "+
				"writing the import files (`importfiles.Write`, %d nodes, %d relationships, %.0f MiB) **%v**, the import tool **%v** "+
				"(wall, JVM start included; its report: %s), then Neo4j started on the store in %v and the store's schema made "+
				"and every index ONLINE in %v before timing.",
				st.Nodes, st.Rels, float64(st.FilesBytes)/(1<<20), st.Files.Round(time.Millisecond), st.Tool.Round(time.Millisecond),
				orDash(st.ToolReport), st.Start.Round(time.Millisecond), st.Schema.Round(time.Millisecond))
		default:
			p("Neo4j load (empty database, `Store.Load`) %v.", r.neo4jLoad.Round(time.Millisecond))
		}
		switch {
		case r.neo4jLoadErr != nil:
		case r.reload == nil:
			p(" Unchanged reload not measured (`BENCH_RELOAD=0`).")
		case r.reloadErr != nil:
			p(" Unchanged reload (`Store.Load` of the same dataset) **failed** after %v: `%v`.", r.reload.Duration.Round(time.Millisecond),
				strings.SplitN(r.reloadErr.Error(), "\n", 2)[0])
		default:
			p(" Unchanged reload (`Store.Load` of the same dataset) **%v** (%d items written, %d statements).",
				r.reload.Duration.Round(time.Millisecond), r.reload.Written, r.reload.Statements)
		}
		if r.neo4jLoadErr == nil {
			p(" Answers checked in %v.\n\n", r.checkTook.Round(time.Millisecond))
		}
		p("Asked: coalition of %s (%d commitments received), listings by actor %s (%d made) and target %s (%d received), "+
			"entity page of %s, timeline of %s (%d made), paths %s→%s (≤ 3 hops), search \"Entity 42\" (first 10), "+
			"listings by kind OFFERS_TROOPS, source src-1, dates 2025-03; matrix and counts of everything.\n\n",
			r.picks.midTarget, r.picks.midTargetN, r.picks.topActor, r.picks.topActorN, r.picks.topTarget, r.picks.topTargetN,
			r.picks.topActor, r.picks.midActor, r.picks.midActorN, r.picks.midActor, r.picks.midTarget)
		for _, e := range r.checkErrs {
			if errors.As(e, new(apiFailure)) {
				p("- **The API gave no answer** (raw and peer agree, and are timed): %s\n", strings.SplitN(e.Error(), "\n", 2)[0])
				continue
			}
			p("- **Answers differ, not timed beside the API**: %s\n", strings.SplitN(e.Error(), "\n", 2)[0])
		}
		if len(r.checkErrs) > 0 {
			p("\n")
		}
		p("| query | c | embedded req/s | p50 | p99 | err | API req/s | p50 | p99 | err | peer req/s | p50 | p99 | err | raw req/s | p50 | p99 | err | API÷peer | p99 peer÷API | API÷raw p50 | cached req/s | p50 | p99 | err |\n")
		p("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
		for _, q := range r.queries {
			for _, c := range set.connections {
				p("| %s | %d", q.name, c)
				for _, side := range []string{sideEmbedded, sideAPI, sidePeer, sideRaw} {
					x, ok := r.runs[side][q.name][c]
					switch {
					case !ok:
						p(" | – | – | – | –")
					case x.err != nil:
						p(" | failed | | |")
					case x.res.Requests == 0:
						// Not one answer within the run: a rate of 0 and
						// no latencies would read as measured.
						p(" | none in %s | – | – | %d", set.duration, x.res.failed())
					default:
						p(" | %s | %s | %s | %d", rps(x.res.RPS), ms(x.res.P50), ms(x.res.P99), x.res.failed())
					}
				}
				api, peer, raw := r.runs[sideAPI][q.name][c].res, r.runs[sidePeer][q.name][c].res, r.runs[sideRaw][q.name][c].res
				p(" | %s | %s | %s", ratio(api.RPS, peer.RPS), ratio(peer.P99, api.P99), ratio(api.P50, raw.P50))
				if x, ok := r.runs[sideCached][q.name][c]; ok && x.err == nil && x.res.Requests == 0 {
					p(" | none in %s | – | – | %d |\n", set.duration, x.res.failed())
				} else if ok && x.err == nil {
					p(" | %s | %s | %s | %d |\n", rps(x.res.RPS), ms(x.res.P50), ms(x.res.P99), x.res.failed())
				} else {
					p(" | – | – | – | – |\n")
				}
			}
		}
		p("\n")
		p("\"none in %s\": no request was answered within the run (the first one still running when it ended).\n\n", set.duration)
		var left []string
		for _, q := range r.queries {
			for _, c := range set.connections {
				for _, side := range []string{sideAPI, sidePeer, sideRaw, sideCached} {
					if n := r.runs[side][q.name][c].leftover; n > 0 {
						left = append(left, fmt.Sprintf("%s %s c=%d: %d", side, q.name, c, n))
					}
				}
			}
		}
		if len(left) > 0 {
			p("Neo4j transactions still running when a run ended, terminated before the next run so that they do not load it: %s.\n\n",
				strings.Join(left, "; "))
		} else {
			p("No Neo4j transaction was still running when a run ended (each is checked, and any terminated, before the next run).\n\n")
		}
		p("Geometric means over the connection counts:\n\n| query | API÷peer req/s | API÷raw req/s | p99 peer÷API |\n|---|--:|--:|--:|\n")
		for _, q := range r.queries {
			var a, b, c []float64
			for _, conn := range set.connections {
				api, peer, raw := r.runs[sideAPI][q.name][conn].res, r.runs[sidePeer][q.name][conn].res, r.runs[sideRaw][q.name][conn].res
				a = append(a, safe(api.RPS, peer.RPS))
				b = append(b, safe(api.RPS, raw.RPS))
				c = append(c, safe(peer.P99, api.P99))
			}
			p("| %s | %s | %s | %s |\n", q.name, geo(a), geo(b), geo(c))
		}
		p("\n")
	}
	p("%s\n", sectionEnd)
	return w.String()
}

// pageCacheMiB is the harness Neo4j's page cache (testsupport.PageCacheEnv).
func pageCacheMiB() string {
	if v := strings.TrimSpace(os.Getenv(testsupport.PageCacheEnv)); v != "" {
		return v
	}
	return "128"
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return "`" + s + "`"
}

func safe(a, b float64) float64 {
	if a == 0 || b == 0 {
		return math.NaN()
	}
	return a / b
}

func geo(xs []float64) string {
	sum, n := 0.0, 0
	for _, x := range xs {
		if math.IsNaN(x) {
			return "–"
		}
		sum += math.Log(x)
		n++
	}
	if n == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f", math.Exp(sum/float64(n)))
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}

const (
	sectionStart = "<!-- bench.sh: query set (generated; edit bench/suite_test.go instead) -->"
	sectionEnd   = "<!-- bench.sh: end of query set -->"
)

// writeSection puts md in place of the generated section of the file at
// path, or at its end when it has none.
func writeSection(path, md string) error {
	b, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	text := string(b)
	if i := strings.Index(text, sectionStart); i >= 0 {
		if j := strings.Index(text, sectionEnd); j > i {
			text = text[:i] + strings.TrimSuffix(md, "\n") + text[j+len(sectionEnd):]
			return os.WriteFile(path, []byte(text), 0o644)
		}
	}
	if text != "" && !strings.HasSuffix(text, "\n\n") {
		text += "\n"
	}
	return os.WriteFile(path, []byte(text+md), 0o644)
}
