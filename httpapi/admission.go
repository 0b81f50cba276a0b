package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"golang.org/x/sync/semaphore"
)

// codeOverloaded refuses a read that found no free slot within its wait.
const codeOverloaded = "OVERLOADED"

// overloadedRetryAfter is the Retry-After of an OVERLOADED answer: long
// enough for the queue ahead of it to move.
const overloadedRetryAfter = time.Second

// DefaultReadConcurrency is how many queries execute at once unless
// Config.ReadConcurrency says otherwise: two a processor keeps the
// processors busy while one waits, and few enough that a write's goroutine,
// woken after its fsync, does not queue behind dozens of runnable readers
// for the CPU (see docs/benchmarks.md, writes beside readers).
func DefaultReadConcurrency() int { return 2 * runtime.GOMAXPROCS(0) }

// readAdmission bounds the queries executing at once. Extra ones wait in
// line (FIFO) for at most half their remaining deadline, leaving the other
// half to run, and are refused with OVERLOADED (503, Retry-After) past it.
// Mutations never wait here: a write's lane is its own, so writes keep
// their rate however many readers queue. Subscriptions hold a connection,
// not a processor, and are not counted.
type readAdmission struct{ slots *semaphore.Weighted }

// newReadAdmission is nil (no limit) for a negative n.
func newReadAdmission(n int) *readAdmission {
	if n < 0 {
		return nil
	}
	if n == 0 {
		n = DefaultReadConcurrency()
	}
	return &readAdmission{slots: semaphore.NewWeighted(int64(n))}
}

func (*readAdmission) ExtensionName() string                          { return "ReadAdmission" }
func (*readAdmission) Validate(schema graphql.ExecutableSchema) error { return nil }

func (a *readAdmission) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	op := graphql.GetOperationContext(ctx).Operation
	if op == nil || op.Operation != ast.Query {
		return next(ctx)
	}
	h := next(ctx)
	// gqlgen runs a query when its response handler is first called: that
	// is the work a slot is held for.
	return func(ctx context.Context) *graphql.Response {
		if err := a.wait(ctx); err != nil {
			return &graphql.Response{Errors: gqlerror.List{err}}
		}
		defer a.slots.Release(1)
		return h(ctx)
	}
}

func (a *readAdmission) wait(ctx context.Context) *gqlerror.Error {
	if a.slots.TryAcquire(1) {
		return nil
	}
	wctx := ctx
	if deadline, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		wctx, cancel = context.WithTimeout(ctx, time.Until(deadline)/2)
		defer cancel()
	}
	if a.slots.Acquire(wctx, 1) == nil {
		return nil
	}
	if st, ok := ctx.Value(admissionStateKey{}).(*admissionState); ok {
		st.refused.Store(true)
	}
	return &gqlerror.Error{
		Message:    fmt.Sprintf("the server is busy with other queries; retry after %s s", retryAfter(overloadedRetryAfter)),
		Extensions: map[string]any{"code": codeOverloaded},
	}
}

// admissionState tells the HTTP layer that a query was refused for want
// of a slot, so that the answer becomes 503 with Retry-After.
type admissionState struct{ refused atomic.Bool }

type admissionStateKey struct{}

// withAdmissionState lets the GraphQL layer's refusal reach the status line.
func withAdmissionState(w http.ResponseWriter, r *http.Request) (http.ResponseWriter, *http.Request) {
	st := &admissionState{}
	return &overloadedTo503{ResponseWriter: w, st: st}, r.WithContext(context.WithValue(r.Context(), admissionStateKey{}, st))
}

type overloadedTo503 struct {
	http.ResponseWriter
	st    *admissionState
	wrote bool
}

func (w *overloadedTo503) WriteHeader(code int) {
	if w.wrote {
		return
	}
	w.wrote = true
	if w.st.refused.Load() && code < 300 {
		w.Header().Set("Retry-After", retryAfter(overloadedRetryAfter))
		code = http.StatusServiceUnavailable
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *overloadedTo503) Write(b []byte) (int, error) {
	if !w.wrote {
		// gqlgen writes a 200's body without calling WriteHeader.
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

func (w *overloadedTo503) Unwrap() http.ResponseWriter { return w.ResponseWriter }
