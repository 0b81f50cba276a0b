package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coalitiongraph/coalitiongraph/httpapi"
	"github.com/coalitiongraph/coalitiongraph/internal/apitest"
	"github.com/coalitiongraph/coalitiongraph/internal/testsupport"
	"github.com/coalitiongraph/coalitiongraph/neo4j"
)

// Several server processes on one Neo4j: the change feed carries every
// write to every instance's subscribers, subscribers resume across an
// instance's restart, and a consistency token carries a client's writes to
// its reads on another instance. Run alone:
//
//	go test ./e2e -run TestInstances -v
//
// COALITIONGRAPH_FEED_SAMPLES sets how many writes the latency measure
// takes (default 100); its p50/p99 are logged for docs/benchmarks.md.

const instanceKey = "feed-test-key"

// instance is one server process with an API key.
type instance struct {
	cmd    *exec.Cmd
	addr   string
	client *http.Client
}

// startInstance starts the server binary on uri's Neo4j on a free port
// and returns once it is ready (/readyz 200).
func startInstance(t *testing.T, uri string) *instance {
	t.Helper()
	cmd, addr := runServer(t, uri, 30*time.Second, "COALITIONGRAPH_API_KEYS=feed:"+httpapi.HashKey(instanceKey))
	in := &instance{cmd: cmd, addr: addr, client: &http.Client{Timeout: time.Minute}}
	p := &serverProcess{addr: in.addr, client: in.client}
	waitReady(t, p.readyz)
	return in
}

func (in *instance) url() string { return "http://" + in.addr }

// kill ends the process at once (SIGKILL), as a crash would.
func (in *instance) kill() {
	_ = in.cmd.Process.Kill()
	_ = in.cmd.Wait()
}

type gqlAnswer struct {
	Data       json.RawMessage
	Errors     []struct{ Message string }
	Extensions map[string]any
}

// post sends a GraphQL request with the API key and optional headers; a
// failed request comes back as an answer's error.
func (in *instance) post(t *testing.T, query string, vars map[string]any, header map[string]string) gqlAnswer {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequest(http.MethodPost, in.url()+"/graphql", bytes.NewReader(body))
	if err != nil {
		panic(err) // the URL is ours
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+instanceKey)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	var a gqlAnswer
	resp, err := in.client.Do(req)
	if err != nil {
		a.Errors = append(a.Errors, struct{ Message string }{fmt.Sprintf("POST %s/graphql: %v", in.addr, err)})
		return a
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		a.Errors = append(a.Errors, struct{ Message string }{fmt.Sprintf("answer of %s (%d): %v", in.addr, resp.StatusCode, err)})
	}
	return a
}

const (
	recordOnInstance = `mutation($in: RecordCommitmentInput!) { recordCommitment(input: $in) { id version } }`
	changeOnInstance = `mutation($in: ChangeCommitmentStatusInput!) { changeCommitmentStatus(input: $in) { id version } }`
	evidenceQuote    = "Poland clarified it will not send forces into Ukraine"
)

func (in *instance) record(t *testing.T, id string) gqlAnswer {
	t.Helper()
	a, err := in.tryRecord(t, id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// tryRecord and tryChange report rather than fail, for other goroutines.
func (in *instance) tryRecord(t *testing.T, id string) (gqlAnswer, error) {
	a := in.post(t, recordOnInstance, map[string]any{"in": map[string]any{
		"requestId": "req-" + id, "id": id, "kind": "OFFERS_TROOPS", "actor": "POL", "target": "UKR", "status": "CONSIDERING",
		"evidence": []any{map[string]any{"source": "src-000", "quote": evidenceQuote}}}}, nil)
	if len(a.Errors) > 0 {
		return a, fmt.Errorf("record %s on %s: %+v", id, in.addr, a.Errors)
	}
	return a, nil
}

func (in *instance) tryChange(t *testing.T, id string, base int) error {
	status := []string{"OFFERED", "CONSIDERING"}[base%2]
	a := in.post(t, changeOnInstance, map[string]any{"in": map[string]any{
		"requestId": fmt.Sprintf("req-%s-%d", id, base), "id": id, "baseVersion": base, "status": status,
		"evidence": []any{map[string]any{"source": "src-000", "quote": evidenceQuote}}}}, nil)
	if len(a.Errors) > 0 {
		return fmt.Errorf("change %s from version %d on %s: %+v", id, base, in.addr, a.Errors)
	}
	return nil
}

// subscribeOn subscribes on in after the cursor after.
func subscribeOn(t *testing.T, in *instance, after string) *apitest.Subscription {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := apitest.Subscribe(ctx, in.url(), after)
	if err != nil {
		t.Fatalf("subscribe on %s: %v", in.addr, err)
	}
	t.Cleanup(s.Close)
	return s
}

// next is the subscription's next event, failing after a generous wait.
func next(t *testing.T, s *apitest.Subscription) apitest.Event {
	t.Helper()
	ev, err := s.Next(time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Error != "" {
		t.Fatalf("subscription error %s: %s", ev.Code, ev.Error)
	}
	return ev
}

// until reads s up to the event of id and returns the events on the way,
// it included.
func until(t *testing.T, s *apitest.Subscription, id string) []apitest.Event {
	t.Helper()
	var out []apitest.Event
	for {
		ev := next(t, s)
		out = append(out, ev)
		if ev.ID == id {
			return out
		}
	}
}

// loadPatiently empties the database and loads the curated dataset, as
// loadedStore does, but waits up to ten minutes: a JVM just started on a
// busy 2-core machine took longer than loadedStore's two.
func loadPatiently(t *testing.T, uri string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	s, err := neo4j.Open(ctx, neo4j.Config{URI: uri})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	testsupport.WaitReady(t, ctx, s, 30*time.Second, 200*time.Millisecond)
	clearDatabase(t, ctx, uri)
	if _, err := s.Load(ctx, curated(t), nil); err != nil {
		t.Fatalf("load the curated dataset: %v", err)
	}
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	return sorted[min(len(sorted)-1, int(p*float64(len(sorted))))]
}

func TestInstances(t *testing.T) {
	uri := testsupport.Neo4jURI(t)
	loadPatiently(t, uri)
	a, b := startInstance(t, uri), startInstance(t, uri)

	// A live subscription registers a moment after the server's ack:
	// write until one event arrives, and from then on resume from cursors,
	// which leaves no such moment.
	onB := subscribeOn(t, b, "")
	var cursor string
	for i := 0; cursor == ""; i++ {
		if i == 100 {
			t.Fatal("no event reached B's subscriber")
		}
		a.record(t, fmt.Sprintf("c-warm-%d", i))
		if ev, err := onB.Next(500 * time.Millisecond); err == nil && ev.Error == "" {
			cursor = ev.Cursor
		}
	}

	t.Run("WriteOnAReachesB", func(t *testing.T) {
		samples := envInt("COALITIONGRAPH_FEED_SAMPLES", 100)
		var lat []time.Duration
		for i := range samples {
			id := fmt.Sprintf("c-latency-%d", i)
			start := time.Now()
			a.record(t, id)
			until(t, onB, id)
			lat = append(lat, time.Since(start))
		}
		slices.Sort(lat)
		p50, p99 := percentile(lat, 0.5), percentile(lat, 0.99)
		t.Logf("write on A (answered) → delivery on B, %d writes one at a time: p50 %v, p99 %v, max %v",
			samples, p50.Round(time.Millisecond), p99.Round(time.Millisecond), lat[len(lat)-1].Round(time.Millisecond))
		// Measured, not asserted (the project's rule: timings go to
		// docs/benchmarks.md, never into a pass/fail): on a 2-core machine
		// shared with other work any bound would fail on a busy minute.
		// What is asserted is that every write reached B, in until.
		if p50 > time.Second {
			t.Logf("note: the median is over the 1 s design goal (tailer poll %v at most)", 250*time.Millisecond)
		}
	})

	// B restarted in a subtest lives on for the later ones: its process
	// and subscription belong to the whole test.
	whole := t
	t.Run("ResumeAfterBRestarts", func(t *testing.T) {
		last := cursor
		a.record(t, "c-before-kill")
		for _, ev := range until(t, onB, "c-before-kill") {
			last = ev.Cursor
		}
		b.kill()
		if _, err := onB.Next(time.Minute); err == nil {
			t.Fatal("B's subscription still delivers after B was killed")
		}
		var missed []string
		for i := range 5 {
			id := fmt.Sprintf("c-while-b-down-%d", i)
			a.record(t, id)
			missed = append(missed, id)
		}
		b = startInstance(whole, uri)
		onB = subscribeOn(whole, b, last)
		var got []string
		for _, ev := range until(t, onB, missed[len(missed)-1]) {
			got = append(got, ev.ID)
			cursor = ev.Cursor
		}
		if !slices.Equal(got, missed) {
			t.Fatalf("after B restarted the subscriber resumed with %v, want exactly %v", got, missed)
		}
		a.record(t, "c-after-restart")
		if ev := next(t, onB); ev.ID != "c-after-restart" {
			t.Fatalf("live after the backlog: %+v, want c-after-restart", ev)
		}
	})

	t.Run("ThousandWritesOverBoth", func(t *testing.T) {
		a.record(t, "c-mark")
		for _, ev := range until(t, onB, "c-mark") {
			cursor = ev.Cursor
		}
		// Subscribers on both, from one cursor: nothing before it, all
		// after it.
		subs := map[string]*apitest.Subscription{"A": subscribeOn(t, a, cursor), "B": subscribeOn(t, b, cursor)}
		const commitments, versions = 100, 10 // 1,000 writes
		const writers = 4
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		start := time.Now()
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for c := w; c < commitments; c += writers {
					id := fmt.Sprintf("c-many-%03d", c)
					// Each version through the other instance than the last.
					if _, err := []*instance{a, b}[c%2].tryRecord(t, id); err != nil {
						errs <- err
						return
					}
					for v := 1; v < versions; v++ {
						if err := []*instance{a, b}[(c+v)%2].tryChange(t, id, v); err != nil {
							errs <- err
							return
						}
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		t.Logf("%d writes over two instances, %d writers: %v", commitments*versions, writers, time.Since(start).Round(time.Millisecond))
		for name, s := range subs {
			seen := map[string]int{}
			prev := cursor
			for n := 0; n < commitments*versions; n++ {
				ev := next(t, s)
				if !cursorAfter(ev.Cursor, prev) {
					t.Fatalf("%s: cursor %s after %s", name, ev.Cursor, prev)
				}
				prev = ev.Cursor
				if ev.Version != seen[ev.ID]+1 {
					t.Fatalf("%s: %s version %d after %d (event %d)", name, ev.ID, ev.Version, seen[ev.ID], n)
				}
				seen[ev.ID] = ev.Version
			}
			for id, v := range seen {
				if v != versions {
					t.Fatalf("%s: %s reached version %d, want %d", name, id, v, versions)
				}
			}
			if len(seen) != commitments {
				t.Fatalf("%s: events of %d commitments, want %d", name, len(seen), commitments)
			}
			if ev, err := s.Next(500 * time.Millisecond); err == nil {
				t.Fatalf("%s: an event more than the writes: %+v", name, ev)
			}
		}
	})

	// Each instance caches answers (the default); a write through A, a put
	// included (which the feed does not carry), is in B's next answer.
	t.Run("ReadCacheOnBSeesWritesOnA", func(t *testing.T) {
		const read = `{ commitments(filter: {ids: ["c-cached"]}) { totalCount nodes { status version actor { name } } } }`
		ask := func(what string, header map[string]string) string {
			t.Helper()
			r := b.post(t, read, nil, header)
			if len(r.Errors) > 0 {
				t.Fatalf("%s: %+v", what, r.Errors)
			}
			return string(r.Data)
		}
		hits := func() float64 { t.Helper(); return instanceMetric(t, b, "coalitiongraph_read_cache_hits_total") }
		if got := ask("before", nil); got != `{"commitments":{"totalCount":0,"nodes":[]}}` {
			t.Fatalf("before the write: %s", got)
		}
		h0 := hits()
		ask("again", nil)
		if h := hits(); h != h0+1 {
			t.Fatalf("B's hits went from %v to %v on a repeated query, want one more", h0, h)
		}
		steps := []struct {
			name  string
			write func()
			want  string
		}{
			{"record on A", func() { a.record(t, "c-cached") },
				`{"commitments":{"totalCount":1,"nodes":[{"status":"CONSIDERING","version":1,"actor":{"name":"Poland"}}]}}`},
			{"change on A", func() {
				if err := a.tryChange(t, "c-cached", 1); err != nil {
					t.Fatal(err)
				}
			}, `{"commitments":{"totalCount":1,"nodes":[{"status":"CONSIDERING","version":2,"actor":{"name":"Poland"}}]}}`},
			{"put entity on A", func() {
				r := a.post(t, `mutation { putEntity(input: {id: "POL", kind: COUNTRY, name: "Republic of Poland", aliases: ["Warsaw"]}) { id } }`, nil, nil)
				if len(r.Errors) > 0 {
					t.Fatal(r.Errors)
				}
			}, `{"commitments":{"totalCount":1,"nodes":[{"status":"CONSIDERING","version":2,"actor":{"name":"Republic of Poland"}}]}}`},
		}
		for _, st := range steps {
			ask("cached before "+st.name, nil) // B holds the answer before the write
			st.write()
			if got := ask("after "+st.name, nil); got != st.want {
				t.Errorf("B after %s: %s, want %s", st.name, got, st.want)
			}
		}
		r := b.post(t, `mutation { putEntity(input: {id: "POL", kind: COUNTRY, name: "Poland", aliases: ["Warsaw"]}) { id } }`, nil, nil)
		if len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
	})

	t.Run("ConsistencyTokenReadsOnB", func(t *testing.T) {
		w := a.record(t, "c-read-your-write")
		token, _ := w.Extensions["consistencyToken"].(string)
		if token == "" {
			t.Fatalf("the mutation's answer carries no extensions.consistencyToken: %+v", w.Extensions)
		}
		r := b.post(t, `{ commitment(id: "c-read-your-write") { id version } }`, nil, map[string]string{httpapi.ConsistencyTokenHeader: token})
		if len(r.Errors) > 0 || !strings.Contains(string(r.Data), `"c-read-your-write"`) {
			t.Fatalf("read on B with A's token: %s %+v", r.Data, r.Errors)
		}
		bad := b.post(t, `{ commitment(id: "c-read-your-write") { id } }`, nil, map[string]string{httpapi.ConsistencyTokenHeader: "made-up"})
		if len(bad.Errors) == 0 {
			t.Fatalf("a made-up token was taken: %s", bad.Data)
		}
	})
}

// instanceMetric reads one unlabelled sample from in's /metrics.
func instanceMetric(t *testing.T, in *instance, name string) float64 {
	t.Helper()
	resp, err := in.client.Get(in.url() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return f
		}
	}
	t.Fatalf("%s has no %s", in.addr, name)
	return 0
}

// cursorAfter says whether decimal cursor a comes after b.
func cursorAfter(a, b string) bool {
	return len(a) > len(b) || len(a) == len(b) && a > b
}

// envInt reads a positive number from the environment, def when unset.
func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}
