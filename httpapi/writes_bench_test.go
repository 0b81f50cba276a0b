package httpapi_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/trace"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coalitiongraph/coalitiongraph/bbolt"
	"github.com/coalitiongraph/coalitiongraph/dataset"
	"github.com/coalitiongraph/coalitiongraph/httpapi"
)

// benchReadQuery is a typical listing: a page of commitments with the
// names and evidence a dashboard shows.
const benchReadQuery = `{ commitments(first: 20) { totalCount nodes { id kind status actor { name } target { name } evidence { quote source { file } } } } }`

// BenchmarkWritesBesideReaders measures writes over HTTP against the real
// handler over the embedded store (bbolt in a temp dir, fsync on every
// commit group), served on a free port: W writers change their own
// commitment's status, first alone, then beside 64 readers sending
// benchReadQuery as fast as answers come. Each case makes b.N writes in each
// phase and reports writes/s alone and beside readers, their ratio and the
// readers' reads/s, side by side in one run; readLimit is the handler's
// ReadConcurrency (-1 unlimited, 0 its default) and besideWrites its
// ReadsBesideWrites (-1 no priority for writes, 0 its default). The load
// generator shares the machine with the server, as clients on one host
// would.
//
//	go test ./httpapi -run '^$' -bench WritesBesideReaders -benchtime 200x
func BenchmarkWritesBesideReaders(b *testing.B) {
	for _, tc := range []struct{ writers, readLimit, beside int }{
		{1, -1, 0}, {1, 0, -1}, {1, 0, 0}, {1, 1, 0},
		{8, -1, 0}, {8, 0, -1}, {8, 0, 0}, {8, 1, 0},
		{64, -1, 0}, {64, 0, -1}, {64, 0, 0}, {64, 1, 0},
	} {
		b.Run(fmt.Sprintf("writers=%d/readLimit=%d/besideWrites=%d", tc.writers, tc.readLimit, tc.beside), func(b *testing.B) {
			url := benchServer(b, tc.readLimit, tc.beside)
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
			defer client.CloseIdleConnections()
			ws := make([]*benchWriter, tc.writers)
			for i := range ws {
				ws[i] = newBenchWriter(b, client, url, fmt.Sprintf("c-bench-%d", i))
			}
			b.ResetTimer()
			alone := writeFor(b, ws, b.N)

			stop := make(chan struct{})
			var reads, refused atomic.Int64
			var rg sync.WaitGroup
			for range 64 {
				rg.Go(func() {
					for {
						select {
						case <-stop:
							return
						default:
						}
						status, err := benchPost(client, url, "", benchReadQuery, nil, nil)
						if err != nil {
							b.Error(err)
							return
						}
						switch status {
						case http.StatusOK:
							reads.Add(1)
						case http.StatusServiceUnavailable:
							refused.Add(1)
						default:
							b.Errorf("read answered %d", status)
							return
						}
					}
				})
			}
			// Let the readers fill the server before the clock starts.
			for reads.Load() < 64 {
				time.Sleep(time.Millisecond)
			}
			r0, start := reads.Load(), time.Now()
			beside := writeFor(b, ws, b.N)
			readRate := float64(reads.Load()-r0) / time.Since(start).Seconds()
			close(stop)
			rg.Wait()
			b.StopTimer()

			b.ReportMetric(0, "ns/op")
			b.ReportMetric(alone, "writes/s-alone")
			b.ReportMetric(beside, "writes/s-beside-64-readers")
			b.ReportMetric(alone/beside, "alone/beside")
			b.ReportMetric(readRate, "reads/s")
			b.ReportMetric(float64(refused.Load()), "reads-refused")
		})
	}
}

// benchServer starts the handler over a fresh embedded store in a process
// of its own (this test binary, running TestBenchServerProcess) and
// returns its URL. The server must not share a Go scheduler with the 64
// readers' clients: in one process, the clients' goroutines would queue
// the writer's as the readers' handlers do, which no real deployment sees.
func benchServer(b *testing.B, readLimit, beside int) string {
	cmd := exec.Command(os.Args[0], "-test.run=^TestBenchServerProcess$")
	cmd.Env = append(os.Environ(), "BENCH_SERVER_DIR="+b.TempDir(), "BENCH_SERVER_READ_LIMIT="+strconv.Itoa(readLimit),
		"BENCH_SERVER_BESIDE_WRITES="+strconv.Itoa(beside))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { stdin.Close(); cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening ")
	if err != nil || !ok {
		b.Fatalf("bench server: %q %v", line, err)
	}
	go io.Copy(io.Discard, stdout)
	return "http://" + addr + "/graphql"
}

// TestBenchServerProcess is benchServer's server process: it serves until
// its stdin closes. Run directly, it does nothing.
func TestBenchServerProcess(t *testing.T) {
	dir := os.Getenv("BENCH_SERVER_DIR")
	if dir == "" {
		t.Skip("the server process of BenchmarkWritesBesideReaders")
	}
	readLimit, err := strconv.Atoi(os.Getenv("BENCH_SERVER_READ_LIMIT"))
	if err != nil {
		t.Fatal(err)
	}
	beside, err := strconv.Atoi(os.Getenv("BENCH_SERVER_BESIDE_WRITES"))
	if err != nil {
		t.Fatal(err)
	}
	// BENCH_SERVER_TRACE=FILE writes the server's execution trace (go tool
	// trace -pprof=sched FILE: where goroutines waited for a processor).
	if p := os.Getenv("BENCH_SERVER_TRACE"); p != "" {
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := trace.Start(f); err != nil {
			t.Fatal(err)
		}
		defer trace.Stop()
	}
	ds, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	store, err := bbolt.Open(filepath.Join(dir, "graph.db"), ds)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	keys, err := httpapi.ParseAPIKeys("bench:"+httpapi.HashKey("bench-key"), "test")
	if err != nil {
		t.Fatal(err)
	}
	cfg := httpapi.Defaults()
	cfg.APIKeys = keys
	cfg.ReadConcurrency, cfg.ReadsBesideWrites = readLimit, beside
	// The readers all send one query: with the read cache they would
	// measure the cache between writes, not queries executing beside them.
	cfg.ReadCacheBytes = -1
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: httpapi.NewHandler(store, cfg)}
	go srv.Serve(ln)
	defer srv.Close()
	fmt.Println("listening", ln.Addr())
	_, _ = io.Copy(io.Discard, os.Stdin)
}

// benchWriter owns one commitment and flips its status, so that each
// write is a real change (a new version) and writers never conflict.
type benchWriter struct {
	client  *http.Client
	url, id string
	version int
	n       int
}

const benchChange = `mutation($in: ChangeCommitmentStatusInput!) { changeCommitmentStatus(input: $in) { version } }`

func newBenchWriter(b *testing.B, client *http.Client, url, id string) *benchWriter {
	in := map[string]any{"id": id, "kind": "OFFERS_TROOPS", "actor": "POL", "target": "UKR", "status": "CONSIDERING",
		"reason": "benchmark", "evidence": benchEvidence}
	var out struct {
		Data struct{ RecordCommitment struct{ Version int } }
	}
	status, err := benchPost(client, url, "bench-key", `mutation($in: RecordCommitmentInput!) { recordCommitment(input: $in) { version } }`, map[string]any{"in": in}, &out)
	if err != nil || status != http.StatusOK || out.Data.RecordCommitment.Version != 1 {
		b.Fatalf("record %s: %d %+v %v", id, status, out, err)
	}
	return &benchWriter{client: client, url: url, id: id, version: 1}
}

var benchEvidence = []any{map[string]any{"source": "src-000", "quote": "Poland clarified it will not send forces into Ukraine"}}

func (w *benchWriter) write() error {
	w.n++
	status := "OFFERED"
	if w.n%2 == 0 {
		status = "CONSIDERING"
	}
	in := map[string]any{"id": w.id, "baseVersion": w.version, "status": status, "reason": "benchmark", "evidence": benchEvidence}
	var out struct {
		Data   struct{ ChangeCommitmentStatus struct{ Version int } }
		Errors []struct{ Message string }
	}
	code, err := benchPost(w.client, w.url, "bench-key", benchChange, map[string]any{"in": in}, &out)
	if err != nil || code != http.StatusOK || out.Data.ChangeCommitmentStatus.Version != w.version+1 {
		return fmt.Errorf("change %s to version %d: %d %+v %v", w.id, w.version+1, code, out, err)
	}
	w.version++
	return nil
}

// writeFor makes n writes over the writers, each writing in turn, and
// returns writes a second.
func writeFor(b *testing.B, ws []*benchWriter, n int) float64 {
	var left atomic.Int64
	left.Store(int64(n))
	start := time.Now()
	var wg sync.WaitGroup
	for _, w := range ws {
		wg.Go(func() {
			for left.Add(-1) >= 0 {
				if err := w.write(); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	return float64(n) / time.Since(start).Seconds()
}

// benchPost sends one GraphQL request and decodes the answer into out (if
// not nil); it returns the HTTP status.
func benchPost(client *http.Client, url, key, query string, vars map[string]any, out any) (int, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if out == nil {
		_, err = io.Copy(io.Discard, resp.Body)
	} else {
		err = json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode, err
}
