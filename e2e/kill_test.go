package e2e

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/internal/testsupport"
	"github.com/coalitiongraph/coalitiongraph/neo4j"
)

// TestNeo4jKillDuringWrites kills a dedicated Neo4j (SIGKILL) while writers
// stream acknowledged writes through one store, restarts it on the same data
// directory, and checks that every acknowledged write is there and that
// writes succeed again through the same store, without restarting it. Run
// alone: go test ./e2e -run TestNeo4jKillDuringWrites -v
func TestNeo4jKillDuringWrites(t *testing.T) {
	neo := testsupport.StartNeo4j(t)
	ctx := context.Background()
	// Not loadedStore: its two minutes were too few for a freshly started
	// JVM to take the curated dataset on a busy 2-core machine. A fresh
	// server's database is empty, so there is nothing to clear.
	s, err := neo4j.Open(ctx, neo4j.Config{URI: neo.URI()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	lctx, lcancel := context.WithTimeout(ctx, 10*time.Minute)
	defer lcancel()
	testsupport.WaitReady(t, lctx, s, 10*time.Second, 200*time.Millisecond)
	if _, err := s.Load(lctx, curated(t), nil); err != nil {
		t.Fatalf("load the curated dataset: %v", err)
	}
	// A commitment of the curated dataset lends its fields: valid by
	// construction, whatever the write rules.
	page, err := s.Commitments(lctx, cg.CommitmentFilter{}, cg.Page{First: 1})
	if err != nil || len(page.Commitments) == 0 {
		t.Fatalf("a curated commitment to copy: %v", err)
	}
	model := page.Commitments[0]

	const writers = 4
	var (
		mu       sync.Mutex
		acked    []string
		failures = map[cg.Code]int{}
		firstErr = map[cg.Code]string{} // the first error of each code, with its chain's types
		next     atomic.Int64
		stop     = make(chan struct{})
		lastGood atomic.Int64 // unix nanos of the latest acknowledged write
	)
	write := func() {
		i := next.Add(1)
		c := *model
		c.ID = fmt.Sprintf("kill-%06d", i)
		c.Version = 0
		wctx, cancel := context.WithTimeout(ctx, outageTimeout)
		defer cancel()
		_, err := s.RecordCommitment(wctx, &c, cg.WriteMeta{By: "kill-test", At: time.Now(), RequestID: fmt.Sprintf("kill-req-%06d", i)})
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			code := cg.ErrorCode(err)
			failures[code]++
			if _, ok := firstErr[code]; !ok {
				firstErr[code] = fmt.Sprintf("%v [chain %s]", err, errorChain(err))
			}
			return
		}
		acked = append(acked, c.ID)
		lastGood.Store(time.Now().UnixNano())
	}
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				write()
			}
		})
	}
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(acked) }
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(recoveryDeadline)
		for !cond() {
			if time.Now().After(deadline) {
				close(stop)
				wg.Wait()
				t.Fatalf("%s: not within %v", what, recoveryDeadline)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	waitFor("50 writes before the kill", func() bool { return count() >= 50 })
	beforeKill := count()
	neo.Kill()
	killedAt := time.Now()
	neo.Start()
	restarted := time.Now()
	// Readiness is polled beside the writers, as a probe would: it must
	// not say ready before writes work.
	rctx, rcancel := context.WithTimeout(ctx, recoveryDeadline)
	testsupport.WaitReady(t, rctx, s, 10*time.Second, 200*time.Millisecond)
	rcancel()
	readyAt := time.Now()
	// Ready commits a write transaction, so a write right after it goes
	// through (a generous deadline: on a busy machine a cold JVM still
	// plans the write's statements).
	wctx, wcancel := context.WithTimeout(ctx, time.Minute)
	probe := *model
	probe.ID, probe.Version = "kill-after-ready", 0
	_, err = s.RecordCommitment(wctx, &probe, cg.WriteMeta{By: "kill-test", At: time.Now(), RequestID: "kill-after-ready"})
	wcancel()
	if err != nil {
		t.Errorf("a write right after Ready: %v", err)
	} else {
		mu.Lock()
		acked = append(acked, probe.ID)
		mu.Unlock()
	}
	afterReady := time.Now()
	waitFor("a write after the restart", func() bool { return lastGood.Load() > restarted.UnixNano() })
	firstGood := time.Unix(0, lastGood.Load())
	afterRestart := count()
	waitFor("50 more writes after the restart", func() bool { return count() >= afterRestart+50 })
	close(stop)
	wg.Wait()

	mu.Lock()
	ids := append([]string(nil), acked...)
	fails := fmt.Sprint(failures)
	mu.Unlock()
	t.Logf("%d writes acknowledged (%d before the kill), failures by code %s", len(ids), beforeKill, fails)
	t.Logf("first good write %v after Neo4j was back (%v after the kill); ready %v after it was back, a write right after Ready took %v",
		firstGood.Sub(restarted).Round(time.Millisecond), firstGood.Sub(killedAt).Round(time.Millisecond),
		readyAt.Sub(restarted).Round(time.Millisecond), afterReady.Sub(readyAt).Round(time.Millisecond))

	all, err := s.Commitments(ctx, cg.CommitmentFilter{}, cg.Page{})
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]bool{}
	for _, c := range all.Commitments {
		stored[c.ID] = true
	}
	lost := 0
	for _, id := range ids {
		if !stored[id] {
			lost++
			if lost <= 10 {
				t.Errorf("acknowledged write %s is missing after the restart", id)
			}
		}
	}
	t.Logf("acknowledged writes lost: %d of %d", lost, len(ids))
	for code, e := range firstErr {
		t.Logf("first %s: %s", code, e)
	}
	for code, n := range failures {
		switch code {
		case cg.CodeStoreUnavailable, cg.CodeTimeout:
		default:
			t.Errorf("%d write(s) failed with %s during the outage; want STORE_UNAVAILABLE or TIMEOUT; the first: %s", n, code, firstErr[code])
		}
	}
}

// errorChain names the types of err and of everything it wraps, through
// Unwrap and through the driver's Inner, Err and Errors fields, so that a
// misclassified failure says which driver error it was.
func errorChain(err error) string {
	var parts []string
	var walk func(e error, depth int)
	walk = func(e error, depth int) {
		if e == nil || depth > 16 {
			return
		}
		parts = append(parts, fmt.Sprintf("%T", e))
		if v := reflect.ValueOf(e); v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.Struct {
			for _, name := range []string{"Inner", "Err"} {
				if f := v.Elem().FieldByName(name); f.IsValid() && f.CanInterface() {
					if inner, ok := f.Interface().(error); ok && inner != nil {
						walk(inner, depth+1)
						return
					}
				}
			}
			if f := v.Elem().FieldByName("Errors"); f.IsValid() && f.CanInterface() {
				if inner, ok := f.Interface().([]error); ok {
					for _, ie := range inner {
						walk(ie, depth+1)
					}
					return
				}
			}
		}
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			walk(u.Unwrap(), depth+1)
		case interface{ Unwrap() []error }:
			for _, ie := range u.Unwrap() {
				walk(ie, depth+1)
			}
		}
	}
	walk(err, 0)
	return strings.Join(parts, " > ")
}
