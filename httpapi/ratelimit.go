package httpapi

import (
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vektah/gqlparser/v2/gqlerror"
	"golang.org/x/time/rate"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/graph"
)

// RateLimit limits each client (its API key's name, else its address) on
// requests and on complexity per second. A zero rate turns that limit off.
type RateLimit struct {
	RequestsPerSecond   float64
	RequestBurst        int
	ComplexityPerSecond float64
	ComplexityBurst     int
}

func (l RateLimit) on() bool { return l.RequestsPerSecond > 0 || l.ComplexityPerSecond > 0 }

type rateLimiter struct {
	cfg     RateLimit
	mu      sync.Mutex
	clients map[string]*rateClient
}

type rateClient struct {
	requests, cost *rate.Limiter
	seen           atomic.Int64
}

// rateState tells the HTTP layer that an operation was refused for its
// complexity rate, so the answer becomes 429 with Retry-After.
type rateState struct {
	client     *rateClient
	retryAfter atomic.Int64
}

type rateStateKey struct{}

func newRateLimiter(cfg RateLimit) *rateLimiter {
	if cfg.RequestBurst <= 0 {
		cfg.RequestBurst = max(1, int(math.Ceil(cfg.RequestsPerSecond)))
	}
	if cfg.ComplexityBurst <= 0 {
		cfg.ComplexityBurst = max(1, int(math.Ceil(cfg.ComplexityPerSecond)))
	}
	return &rateLimiter{cfg: cfg, clients: map[string]*rateClient{}}
}

func (rl *rateLimiter) client(r *http.Request) *rateClient {
	id := graph.Principal(r.Context())
	if id != "" {
		id = "key:" + id
	} else {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			host = r.RemoteAddr
		}
		id = "addr:" + host
	}
	now := time.Now()
	rl.mu.Lock()
	defer rl.mu.Unlock()
	if len(rl.clients) > 10000 {
		// Forget clients idle for a minute: their buckets are full again.
		for k, c := range rl.clients {
			if now.Sub(time.Unix(0, c.seen.Load())) > time.Minute {
				delete(rl.clients, k)
			}
		}
	}
	c := rl.clients[id]
	if c == nil {
		c = &rateClient{}
		if rl.cfg.RequestsPerSecond > 0 {
			c.requests = rate.NewLimiter(rate.Limit(rl.cfg.RequestsPerSecond), rl.cfg.RequestBurst)
		}
		if rl.cfg.ComplexityPerSecond > 0 {
			c.cost = rate.NewLimiter(rate.Limit(rl.cfg.ComplexityPerSecond), rl.cfg.ComplexityBurst)
		}
		rl.clients[id] = c
	}
	c.seen.Store(now.UnixNano())
	return c
}

// limitRate refuses a request over its client's request rate with 429
// and Retry-After; it leaves the complexity rate to chargeComplexity.
func limitRate(rl *rateLimiter, next http.Handler) http.Handler {
	if rl == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := rl.client(r)
		if c.requests != nil {
			if wait, ok := reserve(c.requests, 1); !ok {
				w.Header().Set("Retry-After", retryAfter(wait))
				writeError(w, &cg.Error{Code: codeRateLimited, Message: fmt.Sprintf("too many requests: at most %g a second; retry after %s s", rl.cfg.RequestsPerSecond, retryAfter(wait))})
				return
			}
		}
		st := &rateState{client: c}
		next.ServeHTTP(&rateLimitedTo429{ResponseWriter: w, st: st}, r.WithContext(context.WithValue(r.Context(), rateStateKey{}, st)))
	})
}

// reserve takes n tokens if they are there now, else says how long to wait.
func reserve(l *rate.Limiter, n int) (time.Duration, bool) {
	res := l.ReserveN(time.Now(), n)
	if !res.OK() {
		return time.Second, false // more than the burst: never, retry later
	}
	if d := res.Delay(); d > 0 {
		res.Cancel()
		return d, false
	}
	return 0, true
}

func retryAfter(d time.Duration) string {
	return strconv.Itoa(max(1, int(math.Ceil(d.Seconds()))))
}

// chargeComplexity takes an operation's complexity from its client's
// budget; an error refuses the operation.
func chargeComplexity(ctx context.Context, cost int) *gqlerror.Error {
	st, ok := ctx.Value(rateStateKey{}).(*rateState)
	if !ok || st.client.cost == nil || cost <= 0 {
		return nil
	}
	wait, ok := reserve(st.client.cost, cost)
	if ok {
		return nil
	}
	st.retryAfter.Store(int64(wait))
	return limitError("RATE_LIMITED", "complexityPerSecond", int(st.client.cost.Limit()), nil,
		fmt.Sprintf("too much complexity a second (this operation costs %d); retry after %s s", cost, retryAfter(wait)), nil)
}

type rateLimitedTo429 struct {
	http.ResponseWriter
	st *rateState
}

func (w *rateLimitedTo429) WriteHeader(code int) {
	if d := w.st.retryAfter.Load(); d > 0 && code < 300 {
		w.Header().Set("Retry-After", retryAfter(time.Duration(d)))
		code = http.StatusTooManyRequests
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *rateLimitedTo429) Write(b []byte) (int, error) {
	if w.st.retryAfter.Load() > 0 {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

func (w *rateLimitedTo429) Unwrap() http.ResponseWriter { return w.ResponseWriter }
