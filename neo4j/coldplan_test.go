package neo4j

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/storetest"
	nd "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// requestKey marks a request's context, so that a call can tell whether it
// runs under the request's context or a detached one.
type requestKey struct{}

func request(parent context.Context) context.Context {
	return context.WithValue(parent, requestKey{}, true)
}

func underRequest(ctx context.Context) bool { return ctx.Value(requestKey{}) != nil }

// newUpColdPlans is newColdPlans after an answer from Neo4j.
func newUpColdPlans(slots int) *coldPlans {
	c := newColdPlans(slots, time.Minute)
	c.saw(nil)
	return c
}

// TestColdRun checks coldRun's rules without Neo4j: which context a call
// runs under, what it remembers, and that a statement runs detached at
// most once at a time.
func TestColdRun(t *testing.T) {
	const stmt = "MATCH (n) RETURN n"
	t.Run("a first run outlives the request that gave up", func(t *testing.T) {
		c := newUpColdPlans(2)
		defer c.close()
		release := make(chan struct{})
		ctx, cancel := context.WithTimeout(request(context.Background()), 20*time.Millisecond)
		defer cancel()
		var detached atomic.Bool
		_, err := coldRun(c, ctx, stmt, func(rctx context.Context) (int, error) {
			detached.Store(!underRequest(rctx))
			select {
			case <-release:
				return 1, nil
			case <-rctx.Done():
				return 0, rctx.Err()
			}
		})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want the request's deadline", err)
		}
		close(release) // the plan finishes after the request gave up
		c.wait()
		if !detached.Load() {
			t.Error("the first run ran under the request's context")
		}
		// Answered once: the next run is the request's own.
		var own bool
		v, err := coldRun(c, request(context.Background()), stmt, func(rctx context.Context) (int, error) {
			own = underRequest(rctx)
			return 2, nil
		})
		if err != nil || v != 2 || !own {
			t.Errorf("second run: v=%d err=%v under the request's context %v, want 2, nil, true", v, err, own)
		}
	})
	t.Run("requests for a statement being planned wait for it", func(t *testing.T) {
		c := newUpColdPlans(2)
		defer c.close()
		release := make(chan struct{})
		// Once the plan is made each waiting request runs the statement
		// itself (under its own context, possibly side by side): what
		// must happen once is the detached run.
		var calls, detached atomic.Int32
		call := func(rctx context.Context) (int, error) {
			calls.Add(1)
			if !underRequest(rctx) {
				detached.Add(1)
				<-release
			}
			return 1, nil
		}
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for range 8 {
			wg.Go(func() {
				_, err := coldRun(c, request(context.Background()), stmt, call)
				errs <- err
			})
		}
		// Let the first run start, then the others find it in flight.
		for calls.Load() == 0 {
			time.Sleep(time.Millisecond)
		}
		if n := calls.Load(); n != 1 {
			t.Errorf("%d runs of the statement while its first run planned, want 1", n)
		}
		close(release)
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if n := detached.Load(); n != 1 {
			t.Errorf("%d detached runs of the statement, want 1", n)
		}
	})
	t.Run("with every slot taken a first run is the request's own", func(t *testing.T) {
		c := newUpColdPlans(1)
		defer c.close()
		release := make(chan struct{})
		started := make(chan struct{})
		go func() {
			_, _ = coldRun(c, request(context.Background()), "other statement", func(context.Context) (int, error) {
				close(started)
				<-release
				return 0, nil
			})
		}()
		<-started
		var own bool
		if _, err := coldRun(c, request(context.Background()), stmt, func(rctx context.Context) (int, error) {
			own = underRequest(rctx)
			return 0, nil
		}); err != nil {
			t.Fatal(err)
		}
		close(release)
		if !own {
			t.Error("a first run was detached beyond the slots")
		}
	})
	t.Run("a failed first run is not remembered", func(t *testing.T) {
		c := newUpColdPlans(2)
		defer c.close()
		boom := errors.New("boom")
		if _, err := coldRun(c, request(context.Background()), stmt, func(context.Context) (int, error) { return 0, boom }); !errors.Is(err, boom) {
			t.Fatalf("err = %v, want boom", err)
		}
		var own bool
		if _, err := coldRun(c, request(context.Background()), stmt, func(rctx context.Context) (int, error) {
			own = underRequest(rctx)
			return 0, nil
		}); err != nil {
			t.Fatal(err)
		}
		if own {
			t.Error("a statement that never answered ran under the request's context")
		}
	})
	t.Run("while Neo4j cannot be reached every run is the request's own", func(t *testing.T) {
		c := newUpColdPlans(2)
		defer c.close()
		down := &nd.ConnectivityError{Inner: errors.New("connection refused")}
		var detached []bool
		for _, outcome := range []error{down, down, nil, nil} {
			_, _ = coldRun(c, request(context.Background()), stmt, func(rctx context.Context) (int, error) {
				detached = append(detached, !underRequest(rctx))
				return 0, outcome
			})
			c.forget()
		}
		// The first run is detached (Neo4j answered before) and fails to
		// reach it; the next two are the request's own, the second of
		// them answered; then detached again.
		if want := []bool{true, false, false, true}; !slices.Equal(detached, want) {
			t.Errorf("detached runs %v, want %v", detached, want)
		}
	})
	t.Run("an outage forgets what answered before it", func(t *testing.T) {
		c := newUpColdPlans(2)
		defer c.close()
		down := &nd.ConnectivityError{Inner: errors.New("connection refused")}
		run := func(outcome error) (detached bool) {
			_, _ = coldRun(c, request(context.Background()), stmt, func(rctx context.Context) (int, error) {
				detached = !underRequest(rctx)
				return 0, outcome
			})
			return detached
		}
		run(nil) // answered: known
		c.saw(down)
		c.saw(nil) // Neo4j back, perhaps restarted with no plans
		if !run(nil) {
			t.Error("the first run after an outage was the request's own: the statement was remembered across it")
		}
		if run(nil) {
			t.Error("a run after the statement answered again was detached")
		}
	})
	t.Run("close ends the detached runs", func(t *testing.T) {
		c := newUpColdPlans(2)
		ctx, cancel := context.WithCancel(request(context.Background()))
		ended := make(chan error, 1)
		started := make(chan struct{})
		go func() {
			_, _ = coldRun(c, ctx, stmt, func(rctx context.Context) (int, error) {
				close(started)
				<-rctx.Done()
				ended <- rctx.Err()
				return 0, rctx.Err()
			})
		}()
		<-started
		cancel() // the request gives up; the run goes on until close
		c.close()
		select {
		case err := <-ended:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("the detached run ended with %v, want canceled", err)
			}
		default:
			t.Error("close returned before the detached run ended")
		}
	})
}

// TestColdPlanOutlivesItsRequest checks on Neo4j that a request cut by its
// deadline while Neo4j plans its statement still leaves the plan cached:
// the listing by actor (the entity page's selection, some 30 branches)
// asked with a deadline far shorter than its planning.
func TestColdPlanOutlivesItsRequest(t *testing.T) {
	s := openEmpty(t)
	load(t, s, storetest.Synthetic(300, 30, 1))
	filter := cg.CommitmentFilter{ActorIDs: []string{"e0001"}}
	page := cg.Page{First: 20, Order: cg.OrderDateAsc}

	clearedPlans(t, s)
	s.cold.forget()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Millisecond)
	_, err := s.Commitments(ctx, filter, page)
	cancel()
	if cg.ErrorCode(err) != cg.CodeTimeout {
		t.Fatalf("Commitments with a 5 ms deadline: %v, want TIMEOUT", err)
	}
	s.cold.wait()
	planned := clearedPlans(t, s)
	if planned == 0 {
		t.Fatal("the request cut by its deadline left no plan in the server's cache")
	}
	t.Logf("the cut request left %d plans in the cache", planned)
}

// TestColdAhead checks ahead's rules without Neo4j: nothing runs before
// the aheadAfter-th request of a statement, then one detached run whose
// answer is remembered; and nothing while the statement has answered, is
// under way, has no free slot, or Neo4j is down.
func TestColdAhead(t *testing.T) {
	const stmt = "MATCH (n) RETURN n"
	for _, tc := range []struct {
		name string
		// prepare sets the cold plans up before aheadAfter requests ask.
		prepare func(c *coldPlans)
		runs    int32
	}{
		{"the aheadAfter-th request runs it once", func(c *coldPlans) {}, 1},
		{"not once it has answered", func(c *coldPlans) {
			_, _ = coldRun(c, context.Background(), stmt, func(context.Context) (int, error) { return 1, nil })
		}, 0},
		{"not without a free slot", func(c *coldPlans) { c.slots <- struct{}{} }, 0},
		{"not while Neo4j is down", func(c *coldPlans) { c.saw(&nd.ConnectivityError{Inner: errors.New("connection refused")}) }, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newUpColdPlans(1)
			defer c.close()
			tc.prepare(c)
			var runs atomic.Int32
			var detached atomic.Bool
			call := func(ctx context.Context) error {
				runs.Add(1)
				detached.Store(!underRequest(ctx))
				return nil
			}
			for i := range aheadAfter - 1 {
				c.ahead(stmt, call)
				c.wait()
				if n := runs.Load(); n != 0 {
					t.Fatalf("after %d requests: %d runs, want none before the %d-th", i+1, n, aheadAfter)
				}
			}
			c.ahead(stmt, call)
			c.wait()
			// Asked again after it answered: nothing more runs.
			c.ahead(stmt, call)
			c.wait()
			if n := runs.Load(); n != tc.runs {
				t.Fatalf("%d runs, want %d", n, tc.runs)
			}
			if tc.runs > 0 && (!detached.Load() || !c.answered(stmt)) {
				t.Fatalf("detached %v, answered %v: want a detached run, remembered", detached.Load(), c.answered(stmt))
			}
		})
	}
}
