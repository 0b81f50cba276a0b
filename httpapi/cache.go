package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"maps"

	"github.com/99designs/gqlgen/graphql"
	"github.com/maypok86/otter/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/graph"
)

// DefaultReadCacheBytes is the read cache's bound unless
// Config.ReadCacheBytes says otherwise.
const DefaultReadCacheBytes = 64 << 20

// entryOverhead is what an entry costs beside its answer's bytes: the key,
// the entry and its place in the cache's tables, roughly.
const entryOverhead = 256

// readCache answers a query again from the answer it gave before, for as
// long as the graph has not changed: every answer is stored with the graph
// version (cg.Versioned) read before it was computed, and served only to a
// request that reads the same version. The version is read on every
// request, before the lookup, in the request's context (so with its
// consistency token): a write on this instance or any other on the same
// database is seen by the next request that would see it in the graph.
// See docs/cache.md.
//
// Only queries are cached, and only answers without errors, computed
// while the version stayed the same (read again after the answer: a write
// meanwhile may have been half seen). Mutations and subscriptions pass by.
type readCache struct {
	versions cg.Versioned
	// present turns a failed version read into the client's error, as
	// the server's error presenter does for any store error.
	present  func(context.Context, error) *gqlerror.Error
	entries  *otter.Cache[[sha256.Size]byte, *cachedAnswer]
	maxEntry int
	hits     prometheus.Counter
	misses   prometheus.Counter
	bypassed prometheus.Counter
	evicted  prometheus.Counter
}

// cachedAnswer is an answer with the graph version it was computed at.
type cachedAnswer struct {
	version    uint64
	data       json.RawMessage
	extensions map[string]any
}

// newReadCache is nil (no cache) when maxBytes is negative or the store
// has no graph version (versions is nil).
func newReadCache(versions cg.Versioned, maxBytes int64, reg *prometheus.Registry, present func(context.Context, error) *gqlerror.Error) *readCache {
	if versions == nil || maxBytes < 0 {
		return nil
	}
	if maxBytes == 0 {
		maxBytes = DefaultReadCacheBytes
	}
	c := &readCache{
		versions: versions,
		present:  present,
		// An answer bigger than an eighth of the cache would push out
		// many others for one: it is not kept.
		maxEntry: int(min(maxBytes/8, 1<<31)),
		hits: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "coalitiongraph_read_cache_hits_total", Help: "Queries answered from the read cache.",
		}),
		misses: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "coalitiongraph_read_cache_misses_total", Help: "Queries the read cache had no answer for at the current graph version (they were executed).",
		}),
		bypassed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "coalitiongraph_read_cache_bypassed_total", Help: "Queries executed without the read cache because the graph version could not be read.",
		}),
		evicted: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "coalitiongraph_read_cache_evictions_total", Help: "Answers the read cache dropped to stay within its byte bound.",
		}),
	}
	c.entries = otter.Must(&otter.Options[[sha256.Size]byte, *cachedAnswer]{
		MaximumWeight: uint64(maxBytes),
		Weigher:       func(_ [sha256.Size]byte, a *cachedAnswer) uint32 { return uint32(a.cost()) },
		OnDeletion: func(e otter.DeletionEvent[[sha256.Size]byte, *cachedAnswer]) {
			if e.WasEvicted() {
				c.evicted.Inc()
			}
		},
	})
	reg.MustRegister(c.hits, c.misses, c.bypassed, c.evicted,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "coalitiongraph_read_cache_bytes", Help: "Bytes the read cache's answers take, as it counts them (answer bytes plus a fixed overhead each).",
		}, func() float64 {
			// Eviction runs in the background; a scrape settles it first.
			c.entries.CleanUp()
			return float64(c.entries.WeightedSize())
		}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "coalitiongraph_read_cache_max_bytes", Help: "The read cache's byte bound.",
		}, func() float64 { return float64(maxBytes) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "coalitiongraph_read_cache_entries", Help: "Answers in the read cache.",
		}, func() float64 { return float64(c.entries.EstimatedSize()) }),
	)
	return c
}

func (a *cachedAnswer) cost() int {
	n := entryOverhead + len(a.data)
	if len(a.extensions) > 0 {
		b, _ := json.Marshal(a.extensions)
		n += len(b)
	}
	return n
}

func (*readCache) ExtensionName() string                          { return "ReadCache" }
func (*readCache) Validate(schema graphql.ExecutableSchema) error { return nil }

// InterceptOperation answers a query from the cache or executes it and
// keeps its answer. It is the innermost operation interceptor: the key,
// depth, complexity and admission checks have run (and charged) before it.
func (c *readCache) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	opCtx := graphql.GetOperationContext(ctx)
	if opCtx.Operation == nil || opCtx.Operation.Operation != ast.Query {
		return next(ctx)
	}
	key, ok := cacheKey(ctx, opCtx)
	if !ok {
		return next(ctx)
	}
	var h graphql.ResponseHandler
	first := true
	return func(rctx context.Context) *graphql.Response {
		if !first {
			// A later part of an incremental (@defer) answer: never cached.
			return h(rctx)
		}
		first = false
		before, err := c.versions.GraphVersion(rctx)
		if err != nil {
			// The version read is a store read: when it fails the store is
			// unreachable or the deadline is spent, and executing the query
			// anyway would only repeat the failure past the deadline. The
			// error is the first root field's, as the query's own would be.
			c.bypassed.Inc()
			return &graphql.Response{Errors: gqlerror.List{c.versionError(rctx, opCtx, err)}}
		}
		if a, ok := c.entries.GetIfPresent(key); ok && a.version == before {
			c.hits.Inc()
			return &graphql.Response{Data: a.data, Extensions: maps.Clone(a.extensions)}
		}
		c.misses.Inc()
		h = next(ctx)
		resp := h(rctx)
		if resp == nil || len(resp.Errors) > 0 || resp.HasNext != nil || len(resp.Data) > c.maxEntry {
			return resp
		}
		if after, err := c.versions.GraphVersion(rctx); err != nil || after != before {
			return resp
		}
		c.entries.Set(key, &cachedAnswer{version: before, data: resp.Data, extensions: maps.Clone(resp.Extensions)})
		return resp
	}
}

// cacheKey is what an answer depends on besides the graph: the document as
// sent, the operation, the variables as coerced (JSON with sorted keys)
// and the caller's key name. The graph version is not in the key but in
// the entry, so that a newer answer replaces an older one in place instead
// of leaving it to be evicted.
func cacheKey(ctx context.Context, opCtx *graphql.OperationContext) ([sha256.Size]byte, bool) {
	vars, err := json.Marshal(opCtx.Variables)
	if err != nil {
		return [sha256.Size]byte{}, false
	}
	h := sha256.New()
	for _, part := range [][]byte{[]byte(opCtx.RawQuery), []byte(opCtx.OperationName), vars, []byte(graph.Principal(ctx))} {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(part)))
		h.Write(n[:])
		h.Write(part)
	}
	var key [sha256.Size]byte
	h.Sum(key[:0])
	return key, true
}

// versionError is a failed version read as the client sees it: presented
// like any store error, at the operation's first root field.
func (c *readCache) versionError(ctx context.Context, opCtx *graphql.OperationContext, err error) *gqlerror.Error {
	gqlErr := c.present(ctx, fmt.Errorf("read cache: graph version: %w", err))
	if gqlErr.Path == nil {
		for _, sel := range opCtx.Operation.SelectionSet {
			if f, ok := sel.(*ast.Field); ok {
				gqlErr.Path = ast.Path{ast.PathName(f.Alias)}
				break
			}
		}
	}
	return gqlErr
}
