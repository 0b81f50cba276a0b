package httpapi_test

import (
	"context"
	"net/http"
	"sync"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/dataset"
	"github.com/coalitiongraph/coalitiongraph/httpapi"
	"github.com/coalitiongraph/coalitiongraph/inmem"
	"github.com/coalitiongraph/coalitiongraph/internal/apitest"
)

// seedStore is the embedded store over the curated dataset.
func seedStore(t testing.TB) cg.Store {
	t.Helper()
	ds, err := dataset.Default()
	if err != nil {
		t.Fatalf("load dataset: %v", err)
	}
	s, err := inmem.New(ds)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	return s
}

// The GraphQL client helpers are apitest's, shared with e2e.
type gqlResponse = apitest.Response

func post(t testing.TB, h http.Handler, query string, vars map[string]any) gqlResponse {
	t.Helper()
	return apitest.Post(t, h, query, vars)
}

func mustData(t testing.TB, resp gqlResponse, v any) {
	t.Helper()
	apitest.MustData(t, resp, v)
}

// countingStore counts the calls a request makes to the store.
type countingStore struct {
	cg.Store
	mu    sync.Mutex
	calls map[string]int
	// rows counts the commitments the store answered, by method.
	rows map[string]int
}

func newCountingStore(s cg.Store) *countingStore {
	return &countingStore{Store: s, calls: map[string]int{}, rows: map[string]int{}}
}

func (c *countingStore) count(m string) {
	c.mu.Lock()
	c.calls[m]++
	c.mu.Unlock()
}

func (c *countingStore) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.calls {
		n += v
	}
	return n
}

func (c *countingStore) reset() {
	c.mu.Lock()
	c.calls, c.rows = map[string]int{}, map[string]int{}
	c.mu.Unlock()
}

func (c *countingStore) Sources(ctx context.Context, ids []string) ([]*cg.Source, error) {
	c.count("Sources")
	return c.Store.Sources(ctx, ids)
}

func (c *countingStore) Entities(ctx context.Context, f cg.EntityFilter) ([]*cg.Entity, error) {
	c.count("Entities")
	return c.Store.Entities(ctx, f)
}

func (c *countingStore) Relations(ctx context.Context, f cg.RelationFilter) ([]*cg.Relation, error) {
	c.count("Relations")
	return c.Store.Relations(ctx, f)
}

func (c *countingStore) Claims(ctx context.Context, f cg.ClaimFilter) ([]*cg.Claim, error) {
	c.count("Claims")
	return c.Store.Claims(ctx, f)
}

func (c *countingStore) Commitments(ctx context.Context, f cg.CommitmentFilter, p cg.Page) (*cg.CommitmentPage, error) {
	c.count("Commitments")
	res, err := c.Store.Commitments(ctx, f, p)
	if err == nil {
		c.addRows("Commitments", len(res.Commitments))
	}
	return res, err
}

func (c *countingStore) EntityCommitments(ctx context.Context, q cg.EntityCommitmentsQuery) (*cg.EntityCommitments, error) {
	c.count("EntityCommitments")
	res, err := c.Store.EntityCommitments(ctx, q)
	if err == nil {
		for _, p := range res.Pages {
			c.addRows("EntityCommitments", len(p.Commitments))
		}
	}
	return res, err
}

func (c *countingStore) addRows(m string, n int) {
	c.mu.Lock()
	c.rows[m] += n
	c.mu.Unlock()
}

func (c *countingStore) rowCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.rows {
		n += v
	}
	return n
}

func (c *countingStore) Matrix(ctx context.Context, f cg.CommitmentFilter, p cg.MatrixPage) (*cg.Matrix, error) {
	c.count("Matrix")
	return c.Store.Matrix(ctx, f, p)
}

func newHandler(s cg.Store) http.Handler { return httpapi.NewHandler(s, httpapi.Defaults()) }

func (c *countingStore) Paths(ctx context.Context, fromID, toID string, maxHops int) ([]cg.Path, error) {
	c.count("Paths")
	return c.Store.Paths(ctx, fromID, toID, maxHops)
}
