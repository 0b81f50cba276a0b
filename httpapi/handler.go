// Package httpapi serves the API over HTTP: GraphQL at /graphql, GraphiQL
// at /graphiql, exports, health, readiness and Prometheus metrics. Every
// route is listed in routes.go.
package httpapi

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// Config tunes the handler; zero fields take the defaults of Defaults.
type Config struct {
	Logger *slog.Logger
	// Introspection is on by default so that GraphiQL and clients can
	// explore the schema; operators of a closed deployment turn it off.
	Introspection bool
	MaxDepth      int
	MaxComplexity int
	// MaxBodyBytes limits request bodies.
	MaxBodyBytes int64
	// RequestTimeout is the deadline of each request, passed down to the store.
	RequestTimeout time.Duration
	// Registry receives the metrics; nil makes a fresh one.
	Registry *prometheus.Registry
	// APIKeys may write (see ParseAPIKeys); with none, nobody can.
	APIKeys []APIKey
	// ReadsNeedKey makes queries and subscriptions need a key too.
	ReadsNeedKey bool
	// Limits bound a document before validation; zero fields take
	// DefaultDocLimits.
	Limits DocLimits
	// RateLimit is off unless a rate is set.
	RateLimit RateLimit
	// TrustedDocuments, when set (ParseTrustedDocuments), is the allow-list:
	// only these documents run. Without it, automatic persisted queries are on.
	TrustedDocuments map[string]string
	// ReadConcurrency bounds the queries executing at once (0:
	// DefaultReadConcurrency, negative: no bound); more wait in line within
	// their deadline, mutations never do.
	ReadConcurrency int
	// ReadCacheBytes bounds the read cache (cache.go, docs/cache.md): 0
	// is DefaultReadCacheBytes, negative turns it off. A store without a
	// graph version (cg.Versioned) has none.
	ReadCacheBytes int64
	// ReadsBesideWrites bounds the queries that may start while a mutation
	// executes (0: DefaultReadsBesideWrites, negative: ReadConcurrency, no
	// priority for writes): a write goes first for the processors.
	ReadsBesideWrites int
}

// Defaults are the limits of a public deployment.
func Defaults() Config {
	return Config{
		Logger:         slog.New(slog.NewJSONHandler(io.Discard, nil)),
		Introspection:  true,
		MaxDepth:       12,
		MaxComplexity:  20000,
		MaxBodyBytes:   1 << 20,
		RequestTimeout: 10 * time.Second,
	}
}

func (c Config) withDefaults() Config {
	d := Defaults()
	if c.Logger == nil {
		c.Logger = d.Logger
	}
	if c.MaxDepth == 0 {
		c.MaxDepth = d.MaxDepth
	}
	if c.MaxComplexity == 0 {
		c.MaxComplexity = d.MaxComplexity
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = d.MaxBodyBytes
	}
	if c.RequestTimeout == 0 {
		c.RequestTimeout = d.RequestTimeout
	}
	if c.Registry == nil {
		c.Registry = prometheus.NewRegistry()
	}
	return c
}

//go:embed examples.graphql
var exampleQueries string

// NewHandler returns the service's HTTP handler over store.
func NewHandler(store cg.Store, cfg Config) http.Handler {
	cfg = cfg.withDefaults()
	m := newMetrics(cfg.Registry)
	writer, _ := store.(cg.Writer)
	feed, _ := store.(cg.ChangeFeed)
	versions, _ := store.(cg.Versioned)
	store = m.instrument(store)
	var rl *rateLimiter
	if cfg.RateLimit.on() {
		rl = newRateLimiter(cfg.RateLimit)
	}
	mux := http.NewServeMux()
	routes(mux, service{
		cfg:   cfg,
		store: store,
		gql:   newGraphQLServer(cfg, store, writer, feed, versions, m),
		rl:    rl,
		ex:    newExporter(store, cfg),
	})
	return m.wrap(logRequests(cfg.Logger, recoverPanics(cfg.Logger, consistency(mux))))
}

// ConsistencyTokenHeader carries a mutation's extensions.consistencyToken
// back: the request then reads at least the state that write made, on
// whichever instance serves it.
const ConsistencyTokenHeader = "Consistency-Token"

// consistency puts the request's consistency token, if any, on its context
// for the store's reads.
func consistency(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if t := r.Header.Get(ConsistencyTokenHeader); t != "" {
			r = r.WithContext(cg.WithConsistencyToken(r.Context(), t))
		}
		next.ServeHTTP(w, r)
	})
}

// serveGraphQL answers /graphql: methods, the body's size and shape, then
// gqlgen within the request deadline.
func serveGraphQL(cfg Config, gql http.Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !allowedMethod(w, r) {
			return
		}
		if r.Method == http.MethodPost {
			// Read the body here so that an oversized one gets 413 rather
			// than one of gqlgen's decode errors.
			body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, cfg.MaxBodyBytes))
			if err != nil {
				writeError(w, &cg.Error{Code: codeRequestTooLarge, Message: fmt.Sprintf("request body exceeds %d bytes", cfg.MaxBodyBytes)})
				return
			}
			if isBatch(body) {
				writeError(w, &cg.Error{Code: codeBadRequest,
					Message: "batched requests (a JSON array) are not supported: send one JSON object with query, operationName and variables per request"})
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		if r.Header.Get("Upgrade") != "" {
			// A WebSocket lives longer than a request: no request deadline.
			gql.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), cfg.RequestTimeout)
		defer cancel()
		aw, ar := withAdmissionState(&graphQLOverHTTP{ResponseWriter: w}, r.WithContext(ctx))
		serveWithin(aw, ar, gql)
	}
}

func serveHealth(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintln(w, "ok")
}

// serveReady answers /readyz from the store's own readiness check.
func serveReady(store cg.Store, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := store.Ready(ctx); err != nil {
			log.WarnContext(ctx, "not ready", "err", err)
			// The coded message only: probes are often reachable from
			// outside, and the driver's error names hosts and ports.
			reason := "the store is not ready"
			var coded *cg.Error
			if errors.As(err, &coded) && coded.Code != cg.CodeInternal {
				reason = coded.Message
			}
			http.Error(w, "not ready: "+reason, http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	}
}

// recoverPanics turns a panic outside the resolvers into a 500 instead of a
// dropped connection.
func recoverPanics(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					// A deliberate abort (an export cutting a broken stream):
					// the server closes the connection; nothing to add.
					panic(p)
				}
				log.ErrorContext(r.Context(), "panic", "panic", fmt.Sprint(p), "path", r.URL.Path)
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func logRequests(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		log.InfoContext(r.Context(), "request", "method", r.Method, "path", r.URL.Path,
			"status", sw.status, "duration_ms", float64(time.Since(start).Microseconds())/1000)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the underlying writer (flushes,
// WebSocket hijacking).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
