package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/dataset"
	"github.com/coalitiongraph/coalitiongraph/httpapi"
	"github.com/coalitiongraph/coalitiongraph/inmem"
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

type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
	status int
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

func (e gqlError) code() string { s, _ := e.Extensions["code"].(string); return s }

// post sends a GraphQL request through h and decodes the answer.
func post(t testing.TB, h http.Handler, query string, vars map[string]any) gqlResponse {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var resp gqlResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatalf("decode response %q: %v", rec.Body.String(), err)
	}
	resp.status = rec.Code
	return resp
}

// mustData fails the test on GraphQL errors and decodes data into v.
func mustData(t testing.TB, resp gqlResponse, v any) {
	t.Helper()
	if len(resp.Errors) > 0 {
		t.Fatalf("unexpected errors: %+v", resp.Errors)
	}
	if err := json.Unmarshal(resp.Data, v); err != nil {
		t.Fatalf("decode data %s: %v", resp.Data, err)
	}
}

// countingStore counts the calls a request makes to the store.
type countingStore struct {
	cg.Store
	mu    sync.Mutex
	calls map[string]int
}

func newCountingStore(s cg.Store) *countingStore {
	return &countingStore{Store: s, calls: map[string]int{}}
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
	c.calls = map[string]int{}
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
	return c.Store.Commitments(ctx, f, p)
}

func (c *countingStore) Matrix(ctx context.Context, f cg.CommitmentFilter) ([]cg.MatrixCell, error) {
	c.count("Matrix")
	return c.Store.Matrix(ctx, f)
}

func newHandler(s cg.Store) http.Handler { return httpapi.NewHandler(s, httpapi.Defaults()) }
