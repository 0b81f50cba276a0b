package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/httpapi"
)

// panicStore panics in the methods named in panics and passes the others to
// the store beneath, so that a panic can be placed on each path: a root
// field, a nested field fetched by a dataloader batch (which runs in a
// goroutine of its own), an export stream.
type panicStore struct {
	cg.Store
	panics map[string]bool
}

func (p panicStore) maybe(m string) {
	if p.panics[m] || p.panics["*"] {
		panic("boom in " + m)
	}
}

func (p panicStore) Sources(ctx context.Context, ids []string) ([]*cg.Source, error) {
	p.maybe("Sources")
	return p.Store.Sources(ctx, ids)
}
func (p panicStore) Entities(ctx context.Context, f cg.EntityFilter) ([]*cg.Entity, error) {
	p.maybe("Entities")
	return p.Store.Entities(ctx, f)
}
func (p panicStore) Relations(ctx context.Context, f cg.RelationFilter) ([]*cg.Relation, error) {
	p.maybe("Relations")
	return p.Store.Relations(ctx, f)
}
func (p panicStore) Claims(ctx context.Context, f cg.ClaimFilter) ([]*cg.Claim, error) {
	p.maybe("Claims")
	return p.Store.Claims(ctx, f)
}
func (p panicStore) Commitments(ctx context.Context, f cg.CommitmentFilter, pg cg.Page) (*cg.CommitmentPage, error) {
	p.maybe("Commitments")
	return p.Store.Commitments(ctx, f, pg)
}
func (p panicStore) Matrix(ctx context.Context, f cg.CommitmentFilter) (*cg.Matrix, error) {
	p.maybe("Matrix")
	return p.Store.Matrix(ctx, f)
}
func (p panicStore) Counts(ctx context.Context, f cg.CommitmentFilter) ([]cg.Count, error) {
	p.maybe("Counts")
	return p.Store.Counts(ctx, f)
}
func (p panicStore) Paths(ctx context.Context, from, to string, maxHops int) ([]cg.Path, error) {
	p.maybe("Paths")
	return p.Store.Paths(ctx, from, to, maxHops)
}
func (p panicStore) Neighbourhood(ctx context.Context, id string, depth int) (*cg.Subgraph, error) {
	p.maybe("Neighbourhood")
	return p.Store.Neighbourhood(ctx, id, depth)
}

// No panic, wherever it happens, kills the server: the request gets a coded
// INTERNAL answer (or a 500) without the panic's text, and /healthz answers
// afterwards. A panic in a dataloader batch used to end the process.
func TestPanicsNeverKillTheServer(t *testing.T) {
	queries := []struct {
		name, query string
		panics      []string
	}{
		{"root field", `{ commitments { totalCount } }`, []string{"Commitments"}},
		{"every method, root field", `{ entities { id } }`, []string{"*"}},
		{"nested commitments via a loader", `{ entities { id commitmentsMade { id } } }`, []string{"Commitments"}},
		{"nested relations via a loader", `{ entities { id offices { id } memberships { id } } }`, []string{"Relations"}},
		{"nested claims via a loader", `{ entities { id claims { topic } } }`, []string{"Claims"}},
		{"timeline events fetched beside the commitments", `{ timeline { date { text } } }`, []string{"Entities"}},
	}
	for _, tc := range queries {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(httpapi.NewHandler(panicStore{Store: seedStore(t), panics: set(tc.panics)}, httpapi.Defaults()))
			defer srv.Close()
			body, _ := json.Marshal(map[string]any{"query": tc.query})
			resp, err := http.Post(srv.URL+"/graphql", "application/json", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			var got gqlResponse
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatalf("answer %s: %v", b, err)
			}
			if len(got.Errors) == 0 {
				t.Fatalf("no error: %s", b)
			}
			for _, e := range got.Errors {
				if e.Code() != "INTERNAL" || strings.Contains(e.Message, "boom") {
					t.Errorf("error %+v; want INTERNAL without the panic's text", e)
				}
			}
			healthyAt(t, srv.URL)
		})
	}
	for _, path := range exportPaths {
		t.Run(path, func(t *testing.T) {
			srv := httptest.NewServer(httpapi.NewHandler(panicStore{Store: seedStore(t), panics: set([]string{"*"})}, httpapi.Defaults()))
			defer srv.Close()
			resp, err := http.Get(srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusInternalServerError || strings.Contains(string(b), "boom") {
				t.Errorf("%d %s; want 500 without the panic's text", resp.StatusCode, b)
			}
			healthyAt(t, srv.URL)
		})
	}
}

func set(names []string) map[string]bool {
	m := map[string]bool{}
	for _, n := range names {
		m[n] = true
	}
	return m
}

func healthyAt(t *testing.T, url string) {
	t.Helper()
	resp, err := http.Get(url + "/healthz")
	if err != nil {
		t.Fatalf("healthz after the panic: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("healthz after the panic: %d", resp.StatusCode)
	}
}
