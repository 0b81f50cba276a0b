package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coalitiongraph/coalitiongraph/httpapi"
	"github.com/coalitiongraph/coalitiongraph/internal/apitest"
	"github.com/coalitiongraph/coalitiongraph/internal/testsupport"
)

const (
	// outageTimeout is the handler's request timeout in these tests, short
	// so that the outage tests are quick.
	outageTimeout = 3 * time.Second
	// hangFactor: an answer later than this many times its deadline counts
	// as a hang. The tests check that requests end instead of hanging, not
	// how fast: on a busy 2-core machine scheduling and encoding can add
	// seconds, so the allowance is generous.
	hangFactor = 3
	// recoveryDeadline bounds the wait for readiness and a first answer
	// after Neo4j restarts (neo.Start has already waited for it to accept
	// connections): the driver's pool must notice the server is back and a
	// cold JVM plan the first queries, which on a busy 2-core machine took
	// tens of seconds.
	recoveryDeadline = 5 * time.Minute
)

// polandQuery is answered by every healthy store with Poland's commitments.
const polandQuery = `{ commitments(filter: {actors: ["POL"]}) { totalCount nodes { id } } }`

// leaks are fragments of driver and network errors that must never reach a
// client: addresses, ports, driver type names, Go error text.
func leaks(msg, uri string) []string {
	var out []string
	for _, s := range []string{"127.0.0.1", "localhost", uri[strings.LastIndexByte(uri, ':'):], "bolt", "neo4j:",
		"ConnectivityError", "dial", "connection refused", "context deadline", "TransactionExecutionLimit"} {
		if strings.Contains(strings.ToLower(msg), strings.ToLower(s)) {
			out = append(out, s)
		}
	}
	return out
}

// readyz returns /readyz's status and body through h.
func readyz(h http.Handler) (int, string) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	return rec.Code, rec.Body.String()
}

// TestOutage takes a dedicated Neo4j down under a running handler and
// brings it back: while it is down every query fails within the request timeout with
// STORE_UNAVAILABLE and nothing internal, /readyz says 503 and why, and a
// server process started meanwhile serves /healthz; once Neo4j is back both
// recover without a restart.
func TestOutage(t *testing.T) {
	neo := testsupport.StartNeo4j(t)
	s := loadedStore(t, neo.URI())
	cfg := httpapi.Defaults()
	cfg.RequestTimeout = outageTimeout
	// The outage's queries run at once and must each meet the store's
	// failure, not queue behind one another for a query slot (they would
	// be OVERLOADED after half their deadline, which is not what is tested).
	cfg.ReadConcurrency = 16
	h := handler(s, cfg)

	var before struct {
		Commitments struct {
			TotalCount int
			Nodes      []struct{ ID string }
		}
	}
	// A fresh JVM may need longer than the short request timeout for its
	// first queries: wait for an answer instead of racing it.
	waitReady(t, func() (int, string) { return readyz(h) })
	_, first := waitAnswer(t, func() apitest.Response { return apitest.Post(t, h, polandQuery, nil) })
	apitest.MustData(t, first, &before)
	if before.Commitments.TotalCount == 0 {
		t.Fatalf("Poland has no commitments in Neo4j: the check after the restart would prove nothing")
	}

	neo.Stop()

	t.Run("queries fail within the request timeout with STORE_UNAVAILABLE", func(t *testing.T) {
		// Several at once: the first ones meet the pool's dead connections,
		// the later ones a refused connect; none may wait for another.
		const n = 6
		type result struct {
			resp    apitest.Response
			elapsed time.Duration
		}
		results := make([]result, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				start := time.Now()
				results[i] = result{apitest.Post(t, h, polandQuery, nil), time.Since(start)}
			})
		}
		wg.Wait()
		// And one alone, after the pool has seen the failures.
		start := time.Now()
		results = append(results, result{apitest.Post(t, h, polandQuery, nil), time.Since(start)})
		for i, r := range results {
			t.Logf("query %d during the outage: answered in %v", i, r.elapsed.Round(time.Millisecond))
			if r.elapsed > hangFactor*outageTimeout {
				t.Errorf("query %d took %v; the request timeout is %v", i, r.elapsed, outageTimeout)
			}
			if r.resp.Status != http.StatusOK || len(r.resp.Errors) != 1 {
				t.Errorf("query %d: status %d, errors %+v; want one GraphQL error", i, r.resp.Status, r.resp.Errors)
				continue
			}
			e := r.resp.Errors[0]
			if e.Code() != "STORE_UNAVAILABLE" {
				t.Errorf("query %d: code %q (%s), want STORE_UNAVAILABLE", i, e.Code(), e.Message)
			}
			if len(e.Path) == 0 || e.Path[0] != "commitments" {
				t.Errorf("query %d: path %v, want commitments", i, e.Path)
			}
			if l := leaks(e.Message, neo.URI()); len(l) > 0 {
				t.Errorf("query %d: message %q leaks %q", i, e.Message, l)
			}
		}
	})

	t.Run("readyz is 503 with a reason", func(t *testing.T) {
		start := time.Now()
		code, body := readyz(h)
		elapsed := time.Since(start)
		t.Logf("/readyz during the outage: %d in %v: %q", code, elapsed.Round(time.Millisecond), strings.TrimSpace(body))
		if code != http.StatusServiceUnavailable {
			t.Errorf("/readyz %d, want 503", code)
		}
		if !strings.Contains(body, "unavailable") {
			t.Errorf("/readyz body %q gives no reason", body)
		}
		if l := leaks(body, neo.URI()); len(l) > 0 {
			t.Errorf("/readyz body %q leaks %q", body, l)
		}
		// /readyz has its own 2 s budget, whatever the request timeout.
		if elapsed > hangFactor*2*time.Second {
			t.Errorf("/readyz took %v", elapsed)
		}
	})

	// A server process started while Neo4j is down, against the same URI.
	proc := startServer(t, neo.URI())
	t.Run("a server process starts without Neo4j", func(t *testing.T) {
		checkProcessDown(t, proc, neo.URI())
	})

	neo.Start()

	t.Run("recovers without a restart", func(t *testing.T) {
		start := time.Now()
		waitReady(t, func() (int, string) { return readyz(h) })
		t.Logf("handler ready %v after Neo4j restarted", time.Since(start).Round(time.Millisecond))
		// Ready only proves Neo4j answers; a freshly started JVM may still
		// need longer than the request timeout to plan the first queries.
		var after struct {
			Commitments struct {
				TotalCount int
				Nodes      []struct{ ID string }
			}
		}
		attempts, resp := waitAnswer(t, func() apitest.Response { return apitest.Post(t, h, polandQuery, nil) })
		t.Logf("handler answered %v after Neo4j restarted, at attempt %d", time.Since(start).Round(time.Millisecond), attempts)
		apitest.MustData(t, resp, &after)
		if fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("after the restart %+v, before %+v", after, before)
		}

		waitReady(t, proc.readyz)
		_, resp = waitAnswer(t, func() apitest.Response { return proc.post(t, polandQuery) })
		t.Logf("server process ready and answering %v after Neo4j restarted", time.Since(start).Round(time.Millisecond))
		var fromProc struct {
			Commitments struct {
				TotalCount int
				Nodes      []struct{ ID string }
			}
		}
		apitest.MustData(t, resp, &fromProc)
		if fmt.Sprint(fromProc) != fmt.Sprint(before) {
			t.Errorf("server process after the restart answered %+v, before %+v", fromProc, before)
		}
	})
}

// TestServerStartsWithoutNeo4j starts the server binary against a port
// nothing listens on: it must serve, live but not ready, and answer
// queries with STORE_UNAVAILABLE. No Neo4j is needed.
func TestServerStartsWithoutNeo4j(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	uri := "bolt://" + l.Addr().String()
	l.Close() // now refused
	checkProcessDown(t, startServer(t, uri), uri)
}

// checkProcessDown checks a server process whose Neo4j is unreachable.
func checkProcessDown(t *testing.T, p *serverProcess, uri string) {
	t.Helper()
	if code, body := p.get(t, "/healthz"); code != http.StatusOK {
		t.Errorf("/healthz %d: %s", code, body)
	}
	if code, body := p.readyz(); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz %d, want 503: %s", code, body)
	}
	start := time.Now()
	resp := p.post(t, polandQuery)
	if len(resp.Errors) != 1 || resp.Errors[0].Code() != "STORE_UNAVAILABLE" {
		t.Errorf("query answered %+v, want STORE_UNAVAILABLE", resp)
	} else if l := leaks(resp.Errors[0].Message, uri); len(l) > 0 {
		t.Errorf("message %q leaks %q", resp.Errors[0].Message, l)
	}
	if d := time.Since(start); d > hangFactor*outageTimeout {
		t.Errorf("query took %v with --request-timeout %v", d, outageTimeout)
	}
}

// waitReady polls /readyz until 200, failing after recoveryDeadline.
func waitReady(t *testing.T, readyz func() (int, string)) {
	t.Helper()
	deadline := time.Now().Add(recoveryDeadline)
	for {
		code, body := readyz()
		if code == http.StatusOK {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready %v after Neo4j restarted: %d %s", recoveryDeadline, code, body)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// waitAnswer repeats a query until it answers without errors, failing after
// recoveryDeadline; it returns how many attempts it took and the answer. Errors on the way
// must still be STORE_UNAVAILABLE, or TIMEOUT: a Neo4j that is back but
// still warming up may answer after the request's deadline.
func waitAnswer(t *testing.T, query func() apitest.Response) (int, apitest.Response) {
	t.Helper()
	deadline := time.Now().Add(recoveryDeadline)
	for attempt := 1; ; attempt++ {
		resp := query()
		if len(resp.Errors) == 0 {
			return attempt, resp
		}
		c := resp.Errors[0].Code()
		if c != "STORE_UNAVAILABLE" && c != "TIMEOUT" {
			t.Fatalf("attempt %d after the restart: %+v", attempt, resp.Errors)
		}
		t.Logf("attempt %d after the restart: %s", attempt, c)
		if time.Now().After(deadline) {
			t.Fatalf("no answer %v after Neo4j restarted: %+v", recoveryDeadline, resp.Errors)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// serverProcess is the server binary running as a child process.
type serverProcess struct {
	addr   string
	client *http.Client
}

// startServer runs the server binary with NEO4J_URI=uri on a free port and
// returns once it listens; t's cleanup kills it.
func startServer(t *testing.T, uri string) *serverProcess {
	t.Helper()
	_, addr := runServer(t, uri, outageTimeout)
	return &serverProcess{addr: addr, client: &http.Client{Timeout: 10 * time.Second}}
}

func (p *serverProcess) get(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := p.client.Get("http://" + p.addr + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// readyz is get("/readyz") that reports a failed request as status 0, for
// polling.
func (p *serverProcess) readyz() (int, string) {
	resp, err := p.client.Get("http://" + p.addr + "/readyz")
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (p *serverProcess) graphql(t *testing.T, query string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	resp, err := p.client.Post("http://"+p.addr+"/graphql", "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatalf("POST /graphql: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// post is graphql, decoded.
func (p *serverProcess) post(t *testing.T, query string) apitest.Response {
	t.Helper()
	body := p.graphql(t, query)
	var resp apitest.Response
	if err := json.Unmarshal([]byte(body), &resp); err != nil {
		t.Fatalf("query answer %q: %v", body, err)
	}
	return resp
}
