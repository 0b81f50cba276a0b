package httpapi

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/coalitiongraph/coalitiongraph/graph"
)

// workBudget counts the fields one response resolves.
type workBudget struct {
	left     atomic.Int64
	exceeded atomic.Bool
}

type workBudgetKey struct{}

const codeResultLimit = "RESULT_LIMIT_EXCEEDED"

// useWorkLimit refuses a response that would resolve more than max fields.
// The complexity limit estimates; this counts. Past the limit every field
// fails at once (so nothing below it is resolved) and the whole response
// becomes one coded error: a partial answer cut at an arbitrary field
// would look complete.
func useWorkLimit(srv *handler.Server, max int) {
	srv.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		b := &workBudget{}
		b.left.Store(int64(max))
		ctx = context.WithValue(ctx, workBudgetKey{}, b)
		// A list the graph writes itself resolves its fields without the
		// field middleware below: it charges them here, all at once.
		ctx = graph.WithFieldCharge(ctx, func(n int) bool {
			if b.left.Add(-int64(n)) < 0 {
				b.exceeded.Store(true)
				return false
			}
			return true
		})
		resp := next(ctx)
		if !b.exceeded.Load() {
			return resp
		}
		err := &gqlerror.Error{
			Message:    fmt.Sprintf("the answer would have more than %d fields, the limit: ask for fewer items (first) or fewer fields", max),
			Extensions: map[string]any{"limit": "resolvedFields", "limitValue": max},
		}
		errcode.Set(err, codeResultLimit)
		return &graphql.Response{Errors: gqlerror.List{err}}
	})
	srv.AroundFields(func(ctx context.Context, next graphql.Resolver) (any, error) {
		if b, ok := ctx.Value(workBudgetKey{}).(*workBudget); ok && b.left.Add(-1) < 0 {
			b.exceeded.Store(true)
			return nil, errWorkLimit
		}
		return next(ctx)
	})
}

var errWorkLimit = &gqlerror.Error{Message: "result limit exceeded", Extensions: map[string]any{"code": codeResultLimit}}
