package graph

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// loader batches the keys that concurrently resolving fields ask for into
// one store call, and caches results for the rest of the request. gqlgen
// resolves the fields of a list's items in parallel goroutines, so a short
// wait collects the keys of a whole level of the query: the store calls of a
// request are bounded by its depth, not by the size of its results.
type loader[K comparable, V any] struct {
	ctx      context.Context
	fetch    func(ctx context.Context, keys []K) (map[K]V, error)
	wait     time.Duration
	maxBatch int

	mu  sync.Mutex
	cur *batch[K, V]
	// primed holds keys a parent already knows its children will ask for;
	// it is fetched, all at once, when the first of them is loaded.
	primed *batch[K, V]
	cache  map[K]*batch[K, V]
}

type batch[K comparable, V any] struct {
	keys       []K
	started    time.Time
	timer      *time.Timer
	dispatched bool
	done       chan struct{}
	vals       map[K]V
	err        error
}

// batchWait is how long a loader waits for more keys before it calls the
// store. Resolver goroutines for one level start within microseconds of
// each other; a millisecond is ample and adds little latency.
const batchWait = time.Millisecond

// maxBatchWait bounds how long a batch keeps waiting while keys trickle in
// (on a loaded machine goroutines of one level start further apart).
const maxBatchWait = 5 * time.Millisecond

func newLoader[K comparable, V any](ctx context.Context, fetch func(context.Context, []K) (map[K]V, error)) *loader[K, V] {
	return &loader[K, V]{ctx: ctx, fetch: fetch, wait: batchWait, maxBatch: 1000, cache: map[K]*batch[K, V]{}}
}

// Prime announces keys that are about to be loaded. Priming costs nothing
// until one of them is loaded; then they are fetched in one call without
// waiting, which makes the batching of a whole level deterministic.
func (l *loader[K, V]) Prime(keys ...K) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		if _, ok := l.cache[k]; ok {
			continue
		}
		if l.primed == nil {
			l.primed = &batch[K, V]{done: make(chan struct{})}
		}
		l.primed.keys = append(l.primed.keys, k)
		l.cache[k] = l.primed
	}
}

// Set caches values the store has already returned with something else
// (a commitment listing's related entities), so that loading their keys
// costs no call. A key that is already cached or being fetched keeps its
// batch; a key only primed leaves the primed batch, which then does not
// fetch it.
func (l *loader[K, V]) Set(vals map[K]V) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fresh := map[K]V{}
	for k, v := range vals {
		if b, ok := l.cache[k]; !ok || b == l.primed {
			fresh[k] = v
		}
	}
	if len(fresh) == 0 {
		return
	}
	b := &batch[K, V]{dispatched: true, done: make(chan struct{}), vals: fresh}
	close(b.done)
	for k := range fresh {
		l.cache[k] = b
	}
	if l.primed != nil {
		l.primed.keys = slices.DeleteFunc(l.primed.keys, func(k K) bool { return l.cache[k] != l.primed })
		if len(l.primed.keys) == 0 {
			l.primed = nil
		}
	}
}

// Load returns the value for key (the zero value when the store has none).
func (l *loader[K, V]) Load(key K) (V, error) {
	l.mu.Lock()
	b, ok := l.cache[key]
	if ok && b == l.primed {
		l.primed = nil
		b.dispatched = true
		go l.run(b)
	}
	if !ok {
		if l.cur == nil {
			// The timer gets its own variable: b is assigned again below
			// while the timer may already be running.
			nb := &batch[K, V]{done: make(chan struct{}), started: time.Now()}
			l.cur = nb
			nb.timer = time.AfterFunc(l.wait, func() { l.dispatch(nb) })
		} else if time.Since(l.cur.started) < maxBatchWait {
			// Keys are still arriving: give the rest of the level a moment.
			l.cur.timer.Reset(l.wait)
		}
		b = l.cur
		b.keys = append(b.keys, key)
		l.cache[key] = b
		if len(b.keys) >= l.maxBatch {
			l.cur = nil
			b.dispatched = true
			go l.run(b)
		}
	}
	l.mu.Unlock()
	// A caller whose response is abandoned (deadline, disconnect) stops
	// waiting; the batch still completes for any other waiter.
	select {
	case <-b.done:
		return b.vals[key], b.err
	case <-l.ctx.Done():
		var zero V
		return zero, fmt.Errorf("graph: waiting for a batch: %w", l.ctx.Err())
	}
}

// LoadNow loads one key without waiting for others to batch with: for root
// fields, which no sibling will join.
func (l *loader[K, V]) LoadNow(key K) (V, error) {
	l.Prime(key)
	return l.Load(key)
}

// LoadAll loads several keys, in one batch where possible.
func (l *loader[K, V]) LoadAll(keys []K) ([]V, error) {
	l.Prime(keys...)
	out := make([]V, len(keys))
	errs := make([]error, len(keys))
	var wg sync.WaitGroup
	for i, k := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer recoverInto(&errs[i])
			out[i], errs[i] = l.Load(k)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (l *loader[K, V]) dispatch(b *batch[K, V]) {
	l.mu.Lock()
	if l.cur != b || b.dispatched {
		// Already dispatched because it filled up, or by an earlier timer.
		l.mu.Unlock()
		return
	}
	l.cur = nil
	b.dispatched = true
	l.mu.Unlock()
	l.run(b)
}

// run fetches a batch. It may run in a goroutine of its own, where a panic
// would kill the process: it becomes the batch's error (INTERNAL), logged
// with the rest of the request's errors, and every waiter is released.
func (l *loader[K, V]) run(b *batch[K, V]) {
	defer close(b.done)
	defer recoverInto(&b.err)
	b.vals, b.err = l.fetch(l.ctx, b.keys)
}
