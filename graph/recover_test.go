package graph

import (
	"context"
	"errors"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/graph/model"
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
		b := NewBroker()
		out := b.Subscribe(t.Context(), func(*cg.Commitment) bool { panic("boom") })
		b.Publish(model.ChangeTypeRecorded, &cg.Commitment{ID: "c"})
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
