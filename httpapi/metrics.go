package httpapi

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"

	cg "github.com/coalitiongraph/coalitiongraph"
)

type metrics struct {
	mu sync.Mutex
	// opNames bounds the operation label: names are chosen by clients.
	opNames   map[string]bool
	requests  *prometheus.CounterVec
	operation *prometheus.HistogramVec
	storeCall *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		opNames: map[string]bool{},
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "coalitiongraph_http_requests_total", Help: "HTTP requests by path and status code.",
		}, []string{"path", "code"}),
		operation: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "coalitiongraph_graphql_operation_seconds", Help: "GraphQL operation latency by operation name.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}, []string{"operation"}),
		storeCall: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "coalitiongraph_store_call_seconds", Help: "Store call latency by method and outcome.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16),
		}, []string{"method", "outcome"}),
	}
	reg.MustRegister(m.requests, m.operation, m.storeCall)
	return m
}

// wrap counts requests by route pattern (routes.go), which keeps the path
// label's cardinality bounded by the routes: the mux sets r.Pattern on the
// request it is handed, so it is known here once next returns. Requests
// that match no route are "other".
func (m *metrics) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		m.requests.WithLabelValues(routeLabel(r.Pattern), strconv.Itoa(sw.status)).Inc()
	})
}

// routeLabel is a pattern without its method ("GET /healthz" is
// "/healthz"), as the label was before patterns carried methods.
func routeLabel(pattern string) string {
	if pattern == "" {
		return "other"
	}
	if _, path, ok := strings.Cut(pattern, " "); ok {
		return path
	}
	return pattern
}

func (m *metrics) aroundOperations(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	name := ""
	if op := graphql.GetOperationContext(ctx).Operation; op != nil {
		name = op.Name
	}
	name = m.operationLabel(name)
	start := time.Now()
	h := next(ctx)
	return func(ctx context.Context) *graphql.Response {
		resp := h(ctx)
		m.operation.WithLabelValues(name).Observe(time.Since(start).Seconds())
		return resp
	}
}

// maxOperationNames is how many distinct operation names get a label of
// their own; later ones are counted as "other".
const maxOperationNames = 200

func (m *metrics) operationLabel(name string) string {
	if name == "" {
		return "anonymous"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.opNames[name] {
		if len(m.opNames) >= maxOperationNames {
			return "other"
		}
		m.opNames[name] = true
	}
	return name
}

func (m *metrics) instrument(s cg.Store) cg.Store { return &instrumentedStore{Store: s, m: m} }

// instrumentedStore times every store call.
type instrumentedStore struct {
	cg.Store
	m *metrics
}

func (s *instrumentedStore) observe(method string, start time.Time, err error) {
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	s.m.storeCall.WithLabelValues(method, outcome).Observe(time.Since(start).Seconds())
}

func (s *instrumentedStore) Sources(ctx context.Context, ids []string) (out []*cg.Source, err error) {
	defer func(t time.Time) { s.observe("Sources", t, err) }(time.Now())
	return s.Store.Sources(ctx, ids)
}

func (s *instrumentedStore) Entities(ctx context.Context, f cg.EntityFilter) (out []*cg.Entity, err error) {
	defer func(t time.Time) { s.observe("Entities", t, err) }(time.Now())
	return s.Store.Entities(ctx, f)
}

func (s *instrumentedStore) Relations(ctx context.Context, f cg.RelationFilter) (out []*cg.Relation, err error) {
	defer func(t time.Time) { s.observe("Relations", t, err) }(time.Now())
	return s.Store.Relations(ctx, f)
}

func (s *instrumentedStore) Claims(ctx context.Context, f cg.ClaimFilter) (out []*cg.Claim, err error) {
	defer func(t time.Time) { s.observe("Claims", t, err) }(time.Now())
	return s.Store.Claims(ctx, f)
}

func (s *instrumentedStore) Commitments(ctx context.Context, f cg.CommitmentFilter, p cg.Page) (out *cg.CommitmentPage, err error) {
	defer func(t time.Time) { s.observe("Commitments", t, err) }(time.Now())
	return s.Store.Commitments(ctx, f, p)
}

func (s *instrumentedStore) Matrix(ctx context.Context, f cg.CommitmentFilter, p cg.MatrixPage) (out *cg.Matrix, err error) {
	defer func(t time.Time) { s.observe("Matrix", t, err) }(time.Now())
	return s.Store.Matrix(ctx, f, p)
}

func (s *instrumentedStore) Counts(ctx context.Context, f cg.CommitmentFilter) (out []cg.Count, err error) {
	defer func(t time.Time) { s.observe("Counts", t, err) }(time.Now())
	return s.Store.Counts(ctx, f)
}

func (s *instrumentedStore) Paths(ctx context.Context, from, to string, maxHops int) (out []cg.Path, err error) {
	defer func(t time.Time) { s.observe("Paths", t, err) }(time.Now())
	return s.Store.Paths(ctx, from, to, maxHops)
}

func (s *instrumentedStore) Neighbourhood(ctx context.Context, id string, depth int) (out *cg.Subgraph, err error) {
	defer func(t time.Time) { s.observe("Neighbourhood", t, err) }(time.Now())
	return s.Store.Neighbourhood(ctx, id, depth)
}

func (s *instrumentedStore) SearchText(ctx context.Context, q cg.TextQuery) (out *cg.TextPage, err error) {
	defer func(t time.Time) { s.observe("SearchText", t, err) }(time.Now())
	return s.Store.SearchText(ctx, q)
}

func (s *instrumentedStore) CountsBy(ctx context.Context, f cg.CommitmentFilter, by []cg.CountDimension) (out []cg.GroupCount, err error) {
	defer func(t time.Time) { s.observe("CountsBy", t, err) }(time.Now())
	return s.Store.CountsBy(ctx, f, by)
}
