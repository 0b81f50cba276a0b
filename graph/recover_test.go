package graph

import (
	"context"
	"errors"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// TestOwnGoroutinesRecover: a panic in a goroutine the resolvers start
// themselves (not gqlgen's, whose panics gqlgen recovers) becomes an
// INTERNAL error instead of ending the process. Loaders missing from the
// context make every goroutine of nodes(ids:) panic; without recoverInto
// the test binary dies.
func TestOwnGoroutinesRecover(t *testing.T) {
	tests := []struct {
		name string
		run  func(ctx context.Context) error
	}{
		{"nodes(ids:)", func(ctx context.Context) error {
			_, err := nodes(context.WithValue(ctx, loadersKey{}, &Loaders{}), []string{"POL", "src-000"})
			return err
		}},
	}
	t.Run("a subscription's filter", func(t *testing.T) {
		events := make(chan cg.ChangeEvent, 1)
		events <- cg.ChangeEvent{Cursor: 1} // no commitment: the actor filter panics on it
		r := &subscriptionResolver{&Resolver{Feed: staticFeed(events)}}
		out, err := r.CommitmentChanged(t.Context(), []string{"POL"}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, open := <-out; open {
			t.Fatal("the subscription delivered a change its filter panicked on")
		}
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run(t.Context())
			var coded *cg.Error
			if !errors.As(err, &coded) || coded.Code != cg.CodeInternal {
				t.Fatalf("got %v, want an INTERNAL error", err)
			}
		})
	}
}

// staticFeed is a cg.ChangeFeed that hands out one channel.
type staticFeed chan cg.ChangeEvent

func (f staticFeed) Changes(context.Context, *int64) (<-chan cg.ChangeEvent, error) { return f, nil }
