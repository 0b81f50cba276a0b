package graph

import (
	"context"
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

	mu    sync.Mutex
	cur   *batch[K, V]
	cache map[K]*batch[K, V]
}

type batch[K comparable, V any] struct {
	keys []K
	done chan struct{}
	vals map[K]V
	err  error
}

// batchWait is how long a loader waits for more keys before it calls the
// store. Resolver goroutines for one level start within microseconds of
// each other; a millisecond is ample and adds little latency.
const batchWait = time.Millisecond

func newLoader[K comparable, V any](ctx context.Context, fetch func(context.Context, []K) (map[K]V, error)) *loader[K, V] {
	return &loader[K, V]{ctx: ctx, fetch: fetch, wait: batchWait, maxBatch: 1000, cache: map[K]*batch[K, V]{}}
}

// Load returns the value for key (the zero value when the store has none).
func (l *loader[K, V]) Load(key K) (V, error) {
	l.mu.Lock()
	b, ok := l.cache[key]
	if !ok {
		if l.cur == nil {
			b = &batch[K, V]{done: make(chan struct{})}
			l.cur = b
			time.AfterFunc(l.wait, func() { l.dispatch(b) })
		}
		b = l.cur
		b.keys = append(b.keys, key)
		l.cache[key] = b
		if len(b.keys) >= l.maxBatch {
			l.cur = nil
			go l.run(b)
		}
	}
	l.mu.Unlock()
	<-b.done
	return b.vals[key], b.err
}

// LoadAll loads several keys, in one batch where possible.
func (l *loader[K, V]) LoadAll(keys []K) ([]V, error) {
	out := make([]V, len(keys))
	errs := make([]error, len(keys))
	var wg sync.WaitGroup
	for i, k := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
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
	if l.cur != b {
		// Already dispatched because it filled up.
		l.mu.Unlock()
		return
	}
	l.cur = nil
	l.mu.Unlock()
	l.run(b)
}

func (l *loader[K, V]) run(b *batch[K, V]) {
	b.vals, b.err = l.fetch(l.ctx, b.keys)
	close(b.done)
}
