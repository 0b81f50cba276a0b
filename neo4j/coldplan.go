package neo4j

import (
	"context"
	"hash/maphash"
	"sync"
	"sync/atomic"
	"time"
)

// Cold plans outlive the request that needs them.
//
// Neo4j plans a statement the first time it runs it and caches the plan;
// the listing's and the entity page's statements of some 30 branches take
// 0.5–3 s to plan on an idle machine and several times that under load.
// A request cut by its deadline while Neo4j plans leaves no plan cached,
// so under load every later request for the statement planned it again
// and was cut again: the giant entity's page answered TIMEOUT at 1M
// (docs/benchmarks.md, "Giant-entity reads at 1M (session 12)"). So the
// first run of a statement the store has not yet seen answer runs under a
// context of its own, bounded by coldRunLimit and ended by Close, and the
// request waits for it no longer than its own deadline: when the request
// gives up, the run goes on, and the plan is cached for the next one.
// Requests for the same statement meanwhile wait for that run instead of
// planning it again beside it.
//
// What this costs is bounded whatever the requests: at most coldRunSlots
// such runs at once, each at most coldRunLimit; with every slot taken a
// first run is the request's own, under its deadline, as before.
//
// Only while Neo4j answers: after a failure to reach it (and before the
// first answer) every run is the request's own, so that a request to a
// Neo4j that is down says STORE_UNAVAILABLE within its deadline, not
// TIMEOUT while a detached run retries the connection.

const (
	// coldRunLimit bounds a first run, planning and answer; the coldest
	// plans measured took 5.6 s on a cold JVM.
	coldRunLimit = time.Minute
	// coldRunSlots is how many first runs may outlive their requests at
	// once: a plan is one core's work, and the machines are small.
	coldRunSlots = 2
	// aheadAfter is how many requests of a shape that ran the light
	// statement (expandsOnly) have the full one planned in the
	// background (planAhead): a shape that recurs then stops paying the
	// degree statement, while one asked a few times, as most of the
	// tests' are, costs Neo4j no 1–3 s plan more.
	aheadAfter = 8
	// coldKnownMax bounds the statements remembered as answered; past it
	// the memory starts again (what Neo4j's own cache of 1,000 plans does
	// by eviction), which costs a statement at most one more detached run.
	coldKnownMax = 4096
)

// coldPlans remembers which statements have answered and runs the first
// run of the others detached from their requests.
type coldPlans struct {
	seed  maphash.Seed
	slots chan struct{}
	limit time.Duration
	// up: the last call that could tell reached Neo4j.
	up atomic.Bool

	mu sync.Mutex
	// known holds the statements that answered at least once (hashed:
	// a statement's text runs to kilobytes).
	known map[uint64]struct{}
	// inflight holds the detached runs under way; the channel closes
	// when the run ends.
	inflight map[uint64]chan struct{}
	// asked counts the requests that could have run a statement that
	// has not answered and ran another (ahead).
	asked map[uint64]int

	// life ends the detached runs (close); runs counts them.
	life context.Context
	end  context.CancelFunc
	runs sync.WaitGroup
}

func newColdPlans(slots int, limit time.Duration) *coldPlans {
	life, end := context.WithCancel(context.Background())
	return &coldPlans{seed: maphash.MakeSeed(), slots: make(chan struct{}, slots), limit: limit,
		known: map[uint64]struct{}{}, inflight: map[uint64]chan struct{}{}, asked: map[uint64]int{}, life: life, end: end}
}

// close ends the detached runs and waits for them.
func (c *coldPlans) close() {
	c.end()
	c.runs.Wait()
}

// wait waits for the detached runs under way (tests).
func (c *coldPlans) wait() { c.runs.Wait() }

// forget drops what the store remembers (tests: after the server's plan
// cache is cleared; saw does the same when Neo4j goes away).
func (c *coldPlans) forget() {
	c.mu.Lock()
	clear(c.known)
	c.mu.Unlock()
}

// saw records what a call's outcome says about Neo4j: an answer means it
// is up, a failure to reach it that it is down; other failures say neither.
func (c *coldPlans) saw(err error) {
	switch {
	case err == nil:
		c.up.Store(true)
	case isUnavailable(err):
		// A Neo4j that went away may come back restarted, with no plans
		// cached: what answered before is cold again, so its first run
		// after the outage is detached again. The memory is cleared
		// under mu with the swap, so that a request that finds the
		// statement forgotten also finds Neo4j down (coldRun checks up
		// again under mu) and runs it as its own: a detached run against
		// a Neo4j that is down retries past the request's deadline
		// (TIMEOUT, not STORE_UNAVAILABLE).
		c.mu.Lock()
		if c.up.Swap(false) {
			clear(c.known)
		}
		c.mu.Unlock()
	}
}

// answered says whether the statement cypher has answered (since the
// memory was last cleared): Neo4j holds its plan.
func (c *coldPlans) answered(cypher string) bool {
	key := maphash.String(c.seed, cypher)
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.known[key]
	return ok
}

func (c *coldPlans) remember(key uint64) {
	c.mu.Lock()
	c.rememberLocked(key)
	c.mu.Unlock()
}

// rememberLocked is remember with c.mu held.
func (c *coldPlans) rememberLocked(key uint64) {
	if len(c.known) >= coldKnownMax {
		clear(c.known)
	}
	c.known[key] = struct{}{}
}

// coldRun runs call for the statement cypher: under ctx once the
// statement has answered before or when no slot is free; otherwise under
// a context of its own (see the top of the file), and then it returns
// ctx's error if ctx ends first.
func coldRun[T any](c *coldPlans, ctx context.Context, cypher string, call func(context.Context) (T, error)) (T, error) {
	key := maphash.String(c.seed, cypher)
	var zero T
	if !c.up.Load() {
		return runOwn(c, ctx, key, call)
	}
	for {
		c.mu.Lock()
		if _, ok := c.known[key]; ok {
			c.mu.Unlock()
			break
		}
		if running, ok := c.inflight[key]; ok {
			c.mu.Unlock()
			select {
			case <-running:
				continue // answered (known now) or failed (this request runs it)
			case <-ctx.Done():
				return zero, ctx.Err()
			}
		}
		if !c.up.Load() {
			c.mu.Unlock()
			return runOwn(c, ctx, key, call)
		}
		select {
		case c.slots <- struct{}{}:
		default:
			c.mu.Unlock()
			return runOwn(c, ctx, key, call)
		}
		done := make(chan struct{})
		c.inflight[key] = done
		c.mu.Unlock()

		type answer struct {
			v   T
			err error
		}
		out := make(chan answer, 1)
		var v T
		c.detach(key, done, func(rctx context.Context) (err error) {
			v, err = call(rctx)
			return err
		}, func(err error) { out <- answer{v, err} })
		select {
		case a := <-out:
			return a.v, a.err
		case <-ctx.Done():
			return zero, ctx.Err()
		}
	}
	return runOwn(c, ctx, key, call)
}

// ahead counts a request that could have run the statement cypher and
// ran another, and from the aheadAfter-th such request on runs call
// detached, as coldRun's first run, and returns at once: when Neo4j
// answers, the statement has not answered yet, no run of it is under way
// and a slot is free. Else it does nothing; a later request asks again.
// call must not go through coldRun (it would wait for its own run).
func (c *coldPlans) ahead(cypher string, call func(context.Context) error) {
	key := maphash.String(c.seed, cypher)
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.known[key]; ok || !c.up.Load() {
		return
	}
	if _, ok := c.inflight[key]; ok {
		return
	}
	if len(c.asked) >= coldKnownMax {
		clear(c.asked)
	}
	if c.asked[key]++; c.asked[key] < aheadAfter {
		return
	}
	select {
	case c.slots <- struct{}{}:
	default:
		return
	}
	done := make(chan struct{})
	c.inflight[key] = done
	c.detach(key, done, call, func(error) {})
}

// detach runs call for key in a goroutine, under a context of its own
// (c.life, bounded by c.limit), with a slot taken and key under way with
// done; then it records the outcome, frees the slot, closes done and
// calls then with call's error.
func (c *coldPlans) detach(key uint64, done chan struct{}, call func(context.Context) error, then func(error)) {
	c.runs.Add(1)
	go func() {
		defer c.runs.Done()
		rctx, cancel := context.WithTimeout(c.life, c.limit)
		err := call(rctx)
		cancel()
		c.saw(err)
		// Under one lock, so that no request finds the statement
		// neither under way nor answered and runs it again.
		c.mu.Lock()
		delete(c.inflight, key)
		if err == nil {
			c.rememberLocked(key)
		}
		c.mu.Unlock()
		<-c.slots
		close(done)
		then(err)
	}()
}

// runOwn runs call under the request's context and remembers an answer.
func runOwn[T any](c *coldPlans, ctx context.Context, key uint64, call func(context.Context) (T, error)) (T, error) {
	v, err := call(ctx)
	c.saw(err)
	if err == nil {
		c.remember(key)
	}
	return v, err
}
