package graph

import (
	"context"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// TestOwnGoroutinesRecover: a panic in a goroutine the resolvers start
// themselves (not gqlgen's, whose panics gqlgen recovers) becomes an error
// instead of ending the process; without the recovery the test binary
// dies. (nodes(ids:) starts none: its batches wait side by side in the
// resolver's goroutine.)
func TestOwnGoroutinesRecover(t *testing.T) {
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
}

// staticFeed is a cg.ChangeFeed that hands out one channel.
type staticFeed chan cg.ChangeEvent

func (f staticFeed) Changes(context.Context, *int64) (<-chan cg.ChangeEvent, error) { return f, nil }
