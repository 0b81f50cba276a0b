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

// TestLoaderSet checks that values set on a loader are served without a
// fetch, leave a primed batch, and never replace what was fetched.
func TestLoaderSet(t *testing.T) {
	tests := []struct {
		name        string
		steps       func(l *loader[string, int])
		load        []string
		want        []int
		wantFetches [][]string
	}{
		{
			name:  "set keys load without a fetch",
			steps: func(l *loader[string, int]) { l.Set(map[string]int{"a": 1, "b": 2}) },
			load:  []string{"a", "b"}, want: []int{1, 2}, wantFetches: nil,
		},
		{
			name: "set keys leave the primed batch",
			steps: func(l *loader[string, int]) {
				l.Prime("a", "b", "c")
				l.Set(map[string]int{"a": 1})
			},
			load: []string{"b", "a"}, want: []int{20, 1}, wantFetches: [][]string{{"b", "c"}},
		},
		{
			name: "a primed batch emptied by set is not fetched",
			steps: func(l *loader[string, int]) {
				l.Prime("a")
				l.Set(map[string]int{"a": 1, "b": 2})
			},
			load: []string{"a", "b"}, want: []int{1, 2}, wantFetches: nil,
		},
		{
			name: "set does not replace a fetched value",
			steps: func(l *loader[string, int]) {
				if _, err := l.LoadNow("a"); err != nil {
					t.Fatal(err)
				}
				l.Set(map[string]int{"a": 1})
			},
			load: []string{"a"}, want: []int{10}, wantFetches: [][]string{{"a"}},
		},
		{
			name:  "keys not set are fetched",
			steps: func(l *loader[string, int]) { l.Set(map[string]int{"a": 1}) },
			load:  []string{"c"}, want: []int{30}, wantFetches: [][]string{{"c"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			var fetches [][]string
			l := newLoader(context.Background(), func(_ context.Context, keys []string) (map[string]int, error) {
				mu.Lock()
				fetches = append(fetches, slices.Clone(keys))
				mu.Unlock()
				out := map[string]int{}
				for _, k := range keys {
					out[k] = 10 * int(k[0]-'a'+1)
				}
				return out, nil
			})
			tt.steps(l)
			for i, k := range tt.load {
				got, err := l.Load(k)
				if err != nil || got != tt.want[i] {
					t.Errorf("Load(%q) = %d, %v; want %d", k, got, err, tt.want[i])
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if !slices.EqualFunc(fetches, tt.wantFetches, slices.Equal) {
				t.Errorf("fetched %q, want %q", fetches, tt.wantFetches)
			}
		})
	}
}

// A panicking batch releases every waiter with an INTERNAL error, and a
// caller whose request is over stops waiting for a batch that hangs.
func TestLoaderPanicsAndCancellation(t *testing.T) {
	l := newLoader(t.Context(), func(ctx context.Context, keys []string) (map[string]int, error) { panic("boom") })
	var wg sync.WaitGroup
	for _, k := range []string{"a", "b", "c"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := l.Load(k)
			var ce *cg.Error
			if !errors.As(err, &ce) || ce.Code != cg.CodeInternal || strings.Contains(ce.Message, "boom") {
				t.Errorf("Load(%s) after a panic: %v; want INTERNAL", k, err)
			}
		}()
	}
	wg.Wait()

	ctx, cancel := context.WithCancel(t.Context())
	release := make(chan struct{})
	defer close(release)
	h := newLoader(ctx, func(ctx context.Context, keys []string) (map[string]int, error) { <-release; return nil, nil })
	done := make(chan error, 1)
	go func() { _, err := h.LoadNow("a"); done <- err }()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Load after the request ended: %v; want context.Canceled", err)
	}
}
