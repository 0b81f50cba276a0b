package graph

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// fetchRecorder is a fetch that records its batches and answers 10 times a
// key's letter position, nothing for "z".
type fetchRecorder struct {
	mu      sync.Mutex
	batches [][]string
}

func (f *fetchRecorder) fetch(_ context.Context, keys []string) (map[string]int, error) {
	f.mu.Lock()
	f.batches = append(f.batches, slices.Sorted(slices.Values(keys)))
	f.mu.Unlock()
	out := map[string]int{}
	for _, k := range keys {
		if k != "z" {
			out[k] = 10 * int(k[0]-'a'+1)
		}
	}
	return out, nil
}

// TestLoader checks what the loaders rely on: primed values cost no fetch
// and never replace a fetched one, announced keys are fetched together
// with the first of them loaded, and a key the store lacks is the zero
// value.
func TestLoader(t *testing.T) {
	tests := []struct {
		name    string
		steps   func(ctx context.Context, l *loader[string, int])
		load    []string
		want    []int
		batches [][]string
	}{
		{
			name:  "primed keys load without a fetch",
			steps: func(_ context.Context, l *loader[string, int]) { l.Prime("a", 1); l.Prime("b", 2) },
			load:  []string{"a", "b"}, want: []int{1, 2}, batches: nil,
		},
		{
			name: "priming does not replace a fetched value",
			steps: func(ctx context.Context, l *loader[string, int]) {
				if _, err := l.Load(ctx, "a"); err != nil {
					t.Fatal(err)
				}
				l.Prime("a", 1)
			},
			load: []string{"a"}, want: []int{10}, batches: [][]string{{"a"}},
		},
		{
			name:  "announced keys come with the first loaded",
			steps: func(_ context.Context, l *loader[string, int]) { l.Announce("a", "b", "c") },
			load:  []string{"b", "a", "c"}, want: []int{20, 10, 30}, batches: [][]string{{"a", "b", "c"}},
		},
		{
			name: "an announced key already primed is not fetched again",
			steps: func(_ context.Context, l *loader[string, int]) {
				l.Prime("a", 1)
				l.Announce("a", "b")
			},
			load: []string{"b", "a"}, want: []int{20, 1}, batches: [][]string{{"b"}},
		},
		{
			name: "a key announced again after its group was fetched is not fetched again",
			steps: func(ctx context.Context, l *loader[string, int]) {
				l.Announce("a", "b")
				if _, err := l.Load(ctx, "a"); err != nil {
					t.Fatal(err)
				}
				l.Announce("b", "c")
			},
			load: []string{"b", "c"}, want: []int{20, 30}, batches: [][]string{{"a", "b"}, {"c"}},
		},
		{
			name: "loading several at once is one fetch",
			steps: func(ctx context.Context, l *loader[string, int]) {
				if _, err := l.LoadAll(ctx, []string{"c", "a", "b"}); err != nil {
					t.Fatal(err)
				}
			},
			load: []string{"a", "b", "c"}, want: []int{10, 20, 30}, batches: [][]string{{"a", "b", "c"}},
		},
		{
			name: "started keys share the batch of the first loaded",
			steps: func(ctx context.Context, l *loader[string, int]) {
				l.Prime("a", 1)
				l.Start(ctx, "a", "b", "c")
			},
			load: []string{"b", "c", "a"}, want: []int{20, 30, 1}, batches: [][]string{{"b", "c"}},
		},
		{
			name: "a started key already announced comes with its group",
			steps: func(ctx context.Context, l *loader[string, int]) {
				l.Announce("a", "b")
				l.Start(ctx, "c", "a")
			},
			load: []string{"c", "b"}, want: []int{30, 20}, batches: [][]string{{"c"}, {"a", "b"}},
		},
		{
			name:  "a key the store lacks is the zero value",
			steps: func(context.Context, *loader[string, int]) {},
			load:  []string{"z"}, want: []int{0}, batches: [][]string{{"z"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var f fetchRecorder
			l := newLoader(f.fetch)
			tt.steps(t.Context(), l)
			for i, k := range tt.load {
				got, err := l.Load(t.Context(), k)
				if err != nil || got != tt.want[i] {
					t.Errorf("Load(%q) = %d, %v; want %d", k, got, err, tt.want[i])
				}
			}
			f.mu.Lock()
			defer f.mu.Unlock()
			if !slices.EqualFunc(f.batches, tt.batches, slices.Equal) {
				t.Errorf("fetched %q, want %q", f.batches, tt.batches)
			}
		})
	}
}

// A panicking batch releases every waiter with an INTERNAL error that does
// not show the panic, and a fetch runs with the caller's context, so that a
// request that is over stops waiting for a store call that honours it.
func TestLoaderPanicsAndCancellation(t *testing.T) {
	l := newLoader(func(ctx context.Context, keys []string) (map[string]int, error) { panic("boom") })
	l.Announce("a", "b", "c")
	var wg sync.WaitGroup
	for _, k := range []string{"a", "b", "c"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := l.Load(t.Context(), k)
			var ce *cg.Error
			if !errors.As(err, &ce) || ce.Code != cg.CodeInternal || strings.Contains(ce.Message, "boom") {
				t.Errorf("Load(%s) after a panic: %v; want INTERNAL", k, err)
			}
		}()
	}
	wg.Wait()

	ctx, cancel := context.WithCancel(t.Context())
	h := newLoader(func(ctx context.Context, keys []string) (map[string]int, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	})
	done := make(chan error, 1)
	go func() { _, err := h.Load(ctx, "a"); done <- err }()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Load after the request ended: %v; want context.Canceled", err)
	}
}
