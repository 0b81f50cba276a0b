package testsupport

import (
	"context"
	"testing"
	"time"
)

// Readier is a store that can say whether its backend answers.
type Readier interface {
	Ready(ctx context.Context) error
}

// WaitReady asks s whether it is ready until it is, each try bounded by
// per and tries a pause apart, and fails tb once ctx ends first: a
// Neo4j that has just started (or restarted) takes a while to answer on
// a busy machine, and how long cannot be known in advance.
func WaitReady(tb testing.TB, ctx context.Context, s Readier, per, pause time.Duration) {
	tb.Helper()
	for {
		tctx, cancel := context.WithTimeout(ctx, per)
		err := s.Ready(tctx)
		cancel()
		if err == nil {
			return
		}
		if ctx.Err() != nil {
			tb.Fatalf("the store was not ready: %v", err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(pause):
		}
	}
}
