//go:build bench

package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	nd "github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/prometheus/client_golang/prometheus"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/bbolt"
	"github.com/coalitiongraph/coalitiongraph/httpapi"
	"github.com/coalitiongraph/coalitiongraph/internal/testsupport"
	"github.com/coalitiongraph/coalitiongraph/neo4j"
	"github.com/coalitiongraph/coalitiongraph/neo4j/importfiles"
)

// serve serves h on a free 127.0.0.1 port with the timeouts of ./server
// (request timeout 10 s, write timeout 15 s) until the test ends; it
// returns the base URL.
func serve(t testing.TB, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second,
		WriteTimeout: 15 * time.Second, IdleTimeout: 60 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String()
}

// apiHandler is the server's handler with its defaults (read admission
// included) and a registry of its own; without cache, the read cache is
// off, so that each request executes (the benchmark repeats one document,
// which the cache would answer from memory every time but the first).
func apiHandler(s cg.Store, cache bool) http.Handler {
	cfg := httpapi.Defaults()
	cfg.Registry = prometheus.NewRegistry()
	if !cache {
		cfg.ReadCacheBytes = -1
	}
	return httpapi.NewHandler(s, cfg)
}

// embedded opens the default store (bbolt in a temp dir) on ds.
func embedded(t testing.TB, ds *cg.Dataset) (*bbolt.Store, time.Duration) {
	t.Helper()
	start := time.Now()
	s, err := bbolt.Open(filepath.Join(t.TempDir(), "coalitiongraph.db"), ds)
	if err != nil {
		t.Fatalf("open the embedded store: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, time.Since(start)
}

// loadNeo4j opens a store on uri, waits for it and loads ds.
func loadNeo4j(t testing.TB, uri string, ds *cg.Dataset) (*neo4j.Store, neo4j.LoadStats, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Minute)
	defer cancel()
	s := openNeo4j(t, ctx, uri)
	st, err := s.Load(ctx, ds, nil)
	return s, st, err
}

func openNeo4j(t testing.TB, ctx context.Context, uri string) *neo4j.Store {
	t.Helper()
	s, err := neo4j.Open(ctx, neo4j.Config{URI: uri})
	if err != nil {
		t.Fatalf("open Neo4j store: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	// Per attempt as long as a first Ready on an imported graph needs:
	// it creates the uniqueness constraints, which index every node and
	// edge of their label or type before they commit.
	testsupport.WaitReady(t, ctx, s, 10*time.Minute, time.Second)
	return s
}

// importStats are the phases of importNeo4j.
type importStats struct {
	// Files is importfiles.Write; Tool the neo4j-admin run (JVM start
	// included), ToolReport the time the tool's own report gives.
	Files, Tool time.Duration
	ToolReport  string
	FilesBytes  int64
	// Start is Neo4j's start on the imported store, Schema the store's
	// first Ready (constraints and indexes created) and the wait until
	// every index is ONLINE.
	Start, Schema time.Duration
	Nodes, Rels   int
}

// importNeo4j fills an empty database with ds the way an operator would at
// scale: the import files (neo4j/importfiles), `neo4j-admin database import
// full` with the tool's default memory settings (no JVM flags), then a
// Neo4j from the harness started on the imported store and a Store opened
// on it, its schema made and every index online before it returns.
func importNeo4j(t testing.TB, ds *cg.Dataset) (string, *neo4j.Store, importStats, error) {
	t.Helper()
	var st importStats
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Minute)
	defer cancel()
	// Not t.TempDir: a sub-benchmark's name ("size=1000000") is in it,
	// and neo4j-admin takes no ',' or '=' in a file's path.
	work, err := os.MkdirTemp("", "coalitiongraph-bench-import-")
	if err != nil {
		return "", nil, st, fmt.Errorf("import: %w", err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(work) })
	inst := filepath.Join(work, "neo4j")
	filesDir := filepath.Join(work, "files")
	start := time.Now()
	files, err := importfiles.Write(filesDir, ds)
	st.Files = time.Since(start)
	if err != nil {
		return "", nil, st, fmt.Errorf("write the import files: %w", err)
	}
	for _, g := range files.Groups {
		for _, f := range []string{g.Header, g.Data} {
			if fi, err := os.Stat(f); err == nil {
				st.FilesBytes += fi.Size()
			}
		}
		if g.Type == "" {
			st.Nodes += g.Records
		} else {
			st.Rels += g.Records
		}
	}
	start = time.Now()
	out, err := testsupport.Neo4jAdmin(ctx, inst, nil, files.Args("")...)
	st.Tool = time.Since(start)
	if err != nil {
		return "", nil, st, fmt.Errorf("neo4j-admin database import: %w", err)
	}
	st.ToolReport = importReport(out)
	// The files are as large as the store: not kept beside it.
	_ = os.RemoveAll(filesDir)
	start = time.Now()
	srv := testsupport.StartNeo4jIn(t, inst)
	st.Start = time.Since(start)
	start = time.Now()
	s := openNeo4j(t, ctx, srv.URI())
	if err := awaitIndexes(ctx, srv.URI()); err != nil {
		return "", nil, st, err
	}
	st.Schema = time.Since(start)
	return srv.URI(), s, st, nil
}

// importReport is the line of the import tool's output that gives its
// time ("IMPORT DONE in 20s 612ms. ..."), or "".
func importReport(out string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "IMPORT DONE") {
			return strings.TrimSpace(l)
		}
	}
	return ""
}

// awaitIndexes waits until every index of the database is ONLINE: the
// range indexes Ready creates (dates, statuses, versions) fill in the
// background over an imported graph, and a query timed before then would
// scan instead of seek.
func awaitIndexes(ctx context.Context, uri string) error {
	d, err := nd.NewDriverWithContext(uri, nd.NoAuth())
	if err != nil {
		return fmt.Errorf("await indexes: %w", err)
	}
	defer d.Close(context.Background())
	if _, err := nd.ExecuteQuery(ctx, d, `CALL db.awaitIndexes($seconds)`, map[string]any{"seconds": 1800},
		nd.EagerResultTransformer); err != nil {
		return fmt.Errorf("await indexes: %w", err)
	}
	res, err := nd.ExecuteQuery(ctx, d, `SHOW INDEXES YIELD name, state WHERE state <> 'ONLINE' RETURN name, state`, nil,
		nd.EagerResultTransformer)
	if err != nil {
		return fmt.Errorf("list indexes: %w", err)
	}
	if len(res.Records) > 0 {
		return fmt.Errorf("indexes not online after the wait: %v", res.Records[0].Values)
	}
	return nil
}

func driver(t testing.TB, uri string) nd.DriverWithContext {
	t.Helper()
	d, err := nd.NewDriverWithContext(uri, nd.NoAuth(), func(c *nd.Config) { c.MaxConnectionPoolSize = 100 })
	if err != nil {
		t.Fatalf("driver for %s: %v", uri, err)
	}
	t.Cleanup(func() { _ = d.Close(context.Background()) })
	return d
}

// rawRows runs a query's Cypher through the driver: its rows.
func rawRows(ctx context.Context, d nd.DriverWithContext, q query) ([]any, error) {
	res, err := nd.ExecuteQuery(ctx, d, q.cypher, q.params, nd.EagerResultTransformer, nd.ExecuteQueryWithReadersRouting())
	if err != nil {
		return nil, err
	}
	rows := make([]any, 0, len(res.Records))
	for _, rec := range res.Records {
		v, _ := rec.Get("row")
		rows = append(rows, v)
	}
	return rows, nil
}

// rawHandler answers GET /raw/{i} with query i's rows as JSON: the raw
// Cypher through the Go driver behind the same HTTP and JSON as the API,
// the floor the API's resolvers, loaders and encoding add to.
func rawHandler(d nd.DriverWithContext, qs []query) http.Handler {
	mux := http.NewServeMux()
	for i, q := range qs {
		mux.HandleFunc(fmt.Sprintf("GET /raw/%d", i), func(w http.ResponseWriter, r *http.Request) {
			ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
			defer cancel()
			rows, err := rawRows(ctx, d, q)
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			w.Header().Set("content-type", "application/json")
			_ = json.NewEncoder(w).Encode(rows)
		})
	}
	return mux
}

// peer starts the peer (bench/peer/server.mjs from BENCH_PEER_DIR, which
// scripts/bench.sh --deps fills) on Neo4j at uri; its /graphql URL.
func peer(t testing.TB, dir, uri string, qs []query) string {
	t.Helper()
	defs := filepath.Join(t.TempDir(), "typedefs.graphql")
	if err := os.WriteFile(defs, []byte(peerTypeDefs(qs)), 0o644); err != nil {
		t.Fatalf("write the peer's type definitions: %v", err)
	}
	cmd := exec.Command("node", filepath.Join(dir, "server.mjs"))
	cmd.Env = append(os.Environ(), "NEO4J_URI="+uri, "PEER_TYPEDEFS="+defs, "NODE_ENV=production")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start the peer: %v", err)
	}
	exited := make(chan struct{})
	port := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if p, ok := strings.CutPrefix(sc.Text(), "LISTENING "); ok {
				port <- p
			}
		}
	}()
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = stdin.Close()
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	select {
	case p := <-port:
		return "http://127.0.0.1:" + p + "/graphql"
	case <-exited:
		t.Fatalf("the peer exited before listening: %s", stderr.String())
	case <-time.After(2 * time.Minute):
		t.Fatalf("the peer did not listen within 2 minutes: %s", stderr.String())
	}
	return ""
}

// checkClient bounds one answer of the check: the API has its 10 s
// deadline, the peer none, and a peer query over 1M commitments that never
// ends would hang the run.
var checkClient = &http.Client{Timeout: 5 * time.Minute}

// post sends a GraphQL document and returns its data, failing on errors.
func post(url, doc string) (map[string]any, error) {
	body, _ := json.Marshal(map[string]string{"query": doc})
	resp, err := checkClient.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	var r struct {
		Data   map[string]any
		Errors []any
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("HTTP %d, %.300s: %w", resp.StatusCode, b, err)
	}
	if len(r.Errors) > 0 || resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d, errors %.1000s", resp.StatusCode, b)
	}
	return r.Data, nil
}

func getJSON(url string) ([]any, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d: %.500s", resp.StatusCode, b)
	}
	var rows []any
	return rows, json.Unmarshal(b, &rows)
}

// answers is what each side answered to one query, as canonical rows.
type answers struct {
	api, raw, peer []string
}

// check asks the API at apiURL, the raw Cypher (through the driver) and
// the peer each query, and reports the queries whose answers differ or
// are empty (an empty answer would prove nothing).
func check(t testing.TB, qs []query, apiURL string, d nd.DriverWithContext, peerURL string) []error {
	t.Helper()
	var errs []error
	for _, q := range qs {
		a, err := ask(t, q, apiURL, d, peerURL)
		var failed apiFailure
		if errors.As(err, &failed) {
			// The API gave no answer (a timeout, say): raw and peer are
			// still held to each other, and timed when they agree.
			if !reflect.DeepEqual(a.raw, a.peer) {
				errs = append(errs, fmt.Errorf("%s: the peer answered\n%s\nraw Cypher\n%s", q.name, excerpt(a.peer), excerpt(a.raw)))
			}
			errs = append(errs, fmt.Errorf("%s: %w", q.name, err))
			continue
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", q.name, err))
			continue
		}
		if len(a.api) == 0 || a.api[0] == `{"page":[],"total":0}` {
			errs = append(errs, fmt.Errorf("%s: the API's answer is empty: the comparison would prove nothing", q.name))
		}
		if !reflect.DeepEqual(a.api, a.raw) {
			errs = append(errs, fmt.Errorf("%s: raw Cypher answered\n%s\nthe API\n%s", q.name, excerpt(a.raw), excerpt(a.api)))
		}
		if !reflect.DeepEqual(a.api, a.peer) {
			errs = append(errs, fmt.Errorf("%s: the peer answered\n%s\nthe API\n%s", q.name, excerpt(a.peer), excerpt(a.api)))
		}
	}
	return errs
}

// apiFailure is the API's failure to answer a query that raw and peer
// answered alike.
type apiFailure struct{ err error }

func (e apiFailure) Error() string { return "API: " + e.err.Error() }

// ask gets the query's answer from each side; when only the API fails,
// the error is an apiFailure and the raw and peer answers are filled.
func ask(t testing.TB, q query, apiURL string, d nd.DriverWithContext, peerURL string) (answers, error) {
	var a answers
	data, apiErr := post(apiURL+"/graphql", q.api)
	if apiErr == nil {
		a.api = canonicalRows(t, q.apiRows(data), nil, q.unordered)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	raw, err := rawRows(ctx, d, q)
	if err != nil {
		return a, fmt.Errorf("raw: %w", err)
	}
	a.raw = canonicalRows(t, raw, q.fixRaw, q.unordered)
	data, err = post(peerURL, q.peerDocument())
	if err != nil {
		return a, fmt.Errorf("peer: %w", err)
	}
	var rows []any
	if q.peerRows != nil {
		rows = q.peerRows(data)
	} else {
		rows = list(data[q.field()])
	}
	a.peer = canonicalRows(t, rows, q.fixRaw, q.unordered)
	if apiErr != nil {
		return a, apiFailure{apiErr}
	}
	return a, nil
}

func excerpt(rows []string) string {
	s := fmt.Sprintf("%d rows: %s", len(rows), strings.Join(rows, "\n  "))
	if len(s) > 1500 {
		s = s[:1500] + "…"
	}
	return s
}

// loadResult is one autocannon run.
type loadResult struct {
	Requests int     `json:"requests"`
	RPS      float64 `json:"rps"`
	P50      float64 `json:"p50"`
	P99      float64 `json:"p99"`
	Max      float64 `json:"max"`
	Errors   int     `json:"errors"`
	Timeouts int     `json:"timeouts"`
	Non2xx   int     `json:"non2xx"`
}

func (r loadResult) failed() int { return r.Errors + r.Non2xx }

// load runs autocannon (load.mjs) against url for d with c connections;
// body, when set, is POSTed (a GraphQL document).
func load(peerDir, url, doc string, c int, d time.Duration) (loadResult, error) {
	cfg := map[string]any{"url": url, "connections": c, "duration": d.Seconds(), "timeout": 20}
	if doc != "" {
		body, _ := json.Marshal(map[string]string{"query": doc})
		cfg["method"], cfg["body"] = "POST", string(body)
	}
	arg, _ := json.Marshal(cfg)
	cmd := exec.Command("node", filepath.Join(peerDir, "load.mjs"), string(arg))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return loadResult{}, fmt.Errorf("autocannon: %w: %s", err, stderr.String())
	}
	var r loadResult
	if err := json.Unmarshal(bytes.TrimSpace(out), &r); err != nil {
		return loadResult{}, fmt.Errorf("autocannon's output %q: %w", out, err)
	}
	return r, nil
}

// peerDir is where scripts/bench.sh --deps installed the peer and
// autocannon; the test runs the script itself when BENCH_PEER_DIR is unset.
func peerDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("BENCH_PEER_DIR"); d != "" {
		return d
	}
	cmd := exec.Command("bash", filepath.Join("..", "scripts", "bench.sh"), "--deps")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			t.Fatalf("scripts/bench.sh --deps: %v\n%s", err, stderr.String())
		}
		t.Fatalf("scripts/bench.sh --deps: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// neo4jServer is a dedicated Neo4j from the test harness (free port, temp
// dir), or NEO4J_URI when set.
func neo4jServer(t testing.TB) string {
	t.Helper()
	if uri := os.Getenv("NEO4J_URI"); uri != "" {
		return uri
	}
	return testsupport.StartNeo4j(t).URI()
}

// endLeftovers terminates every transaction still running on Neo4j once a
// run is over, and says how many there were. autocannon gives up on a
// request at the end of its run, but Neo4j goes on with the statement: the
// peer's and the raw side's have no deadline of Neo4j's own, and at 1M their
// source and date statements ran for minutes, loading the rows measured
// after them (docs/benchmarks.md, "Query set at 1M (session 13, lead)").
func endLeftovers(ctx context.Context, d nd.DriverWithContext) (int, error) {
	// SHOW and TERMINATE are admin commands: auto-commit, not managed.
	sess := d.NewSession(ctx, nd.SessionConfig{})
	defer sess.Close(ctx)
	res, err := sess.Run(ctx, "SHOW TRANSACTIONS YIELD transactionId, currentQuery RETURN transactionId, currentQuery", nil)
	if err != nil {
		return 0, fmt.Errorf("show transactions: %w", err)
	}
	recs, err := res.Collect(ctx)
	if err != nil {
		return 0, fmt.Errorf("show transactions: %w", err)
	}
	var ids []string
	for _, rec := range recs {
		id, _ := rec.Get("transactionId")
		q, _ := rec.Get("currentQuery")
		if s, _ := q.(string); strings.HasPrefix(s, "SHOW TRANSACTIONS") {
			continue // this one
		}
		if s, ok := id.(string); ok {
			ids = append(ids, s)
		}
	}
	if len(ids) == 0 {
		return 0, nil
	}
	res, err = sess.Run(ctx, "TERMINATE TRANSACTIONS $ids", map[string]any{"ids": ids})
	if err == nil {
		_, err = res.Consume(ctx)
	}
	if err != nil {
		return 0, fmt.Errorf("terminate %d transactions: %w", len(ids), err)
	}
	return len(ids), nil
}
