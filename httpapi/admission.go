package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"sync"
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

// DefaultReadsBesideWrites is how many queries may start while a
// mutation executes unless Config.ReadsBesideWrites says otherwise: every
// processor but one (at least one query), so that a write's goroutine,
// woken by its network read, its group commit and its fsync, finds a
// processor free instead of queueing behind CPU-bound queries (see
// docs/benchmarks.md, writes beside readers).
func DefaultReadsBesideWrites() int { return max(1, runtime.GOMAXPROCS(0)-1) }

// readAdmission bounds the queries executing at once. Extra ones wait in
// line (FIFO) for at most half their remaining deadline, leaving the other
// half to run, and are refused with OVERLOADED (503, Retry-After) past it.
// Mutations never wait here: a write's lane is its own. While one
// executes, it holds back `held` of the slots (as the first in line, so
// queries that arrive after it wait behind it), so that fewer queries run
// beside writes: a write goes first for the processor. Subscriptions hold
// a connection, not a processor, and are not counted.
type readAdmission struct {
	slots *semaphore.Weighted
	held  int64 // slots a running mutation holds back; 0: none

	mu      sync.Mutex
	writes  int                // mutations executing
	release context.CancelFunc // ends the hold; nil: none
	linger  *time.Timer        // releases the hold after the last write
}

// newReadAdmission is nil (no limit) for a negative n; beside is the
// number of queries that may run while a mutation executes (0: the
// default, negative: n).
func newReadAdmission(n, beside int) *readAdmission {
	if n < 0 {
		return nil
	}
	if n == 0 {
		n = DefaultReadConcurrency()
	}
	if beside == 0 {
		beside = DefaultReadsBesideWrites()
	}
	if beside < 0 || beside > n {
		beside = n
	}
	return &readAdmission{slots: semaphore.NewWeighted(int64(n)), held: int64(n - beside)}
}

func (*readAdmission) ExtensionName() string                          { return "ReadAdmission" }
func (*readAdmission) Validate(schema graphql.ExecutableSchema) error { return nil }

func (a *readAdmission) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	op := graphql.GetOperationContext(ctx).Operation
	if op == nil {
		return next(ctx)
	}
	switch op.Operation {
	case ast.Mutation:
		h := next(ctx)
		return func(ctx context.Context) *graphql.Response {
			a.writeBegins()
			defer a.writeEnds()
			return h(ctx)
		}
	case ast.Query:
	default:
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

// writeLinger is how long the hold outlasts the last mutation: writers
// that write again at once (a client's next request, a batch) find the
// processors as they left them, instead of waiting again for running
// queries to end before the hold takes effect.
const writeLinger = 100 * time.Millisecond

// writeBegins starts the hold when the first of the executing mutations
// begins: a goroutine waits in line for `held` slots and keeps them until
// writeLinger after the last one ends. The mutation itself never waits.
func (a *readAdmission) writeBegins() {
	if a.held == 0 {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.writes++
	if a.linger != nil {
		a.linger.Stop() // a hold lingering after earlier writes goes on
		a.linger = nil
	}
	if a.release != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	a.release = cancel
	go func() {
		if a.slots.Acquire(ctx, a.held) != nil {
			return // the writes ended first
		}
		<-ctx.Done()
		a.slots.Release(a.held)
	}()
}

func (a *readAdmission) writeEnds() {
	if a.held == 0 {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.writes--; a.writes > 0 {
		return
	}
	a.linger = time.AfterFunc(writeLinger, func() {
		a.mu.Lock()
		defer a.mu.Unlock()
		if a.writes == 0 && a.release != nil {
			a.release()
			a.release, a.linger = nil, nil
		}
	})
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
