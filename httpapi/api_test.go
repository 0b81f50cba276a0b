package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/bbolt"
	"github.com/coalitiongraph/coalitiongraph/inmem"
	"github.com/coalitiongraph/coalitiongraph/internal/apitest"
)

// TestAPIContract holds the embedded store to the API-level contract that
// e2e holds Neo4j to.
func TestAPIContract(t *testing.T) {
	apitest.Run(t, newHandler(seedStore(t)))
}

// TestWriteContract holds the embedded store, in memory and on disk, to
// the API-level write contract that e2e holds Neo4j to.
func TestWriteContract(t *testing.T) {
	stores := []struct {
		name string
		open func(t *testing.T, ds *cg.Dataset) (cg.WritableStore, error)
	}{
		{"inmem", func(t *testing.T, ds *cg.Dataset) (cg.WritableStore, error) { return inmem.New(ds) }},
		{"bbolt", func(t *testing.T, ds *cg.Dataset) (cg.WritableStore, error) {
			s, err := bbolt.Open(filepath.Join(t.TempDir(), "graph.db"), ds)
			if err == nil {
				t.Cleanup(func() { _ = s.Close() })
			}
			return s, err
		}},
	}
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			apitest.RunWrites(t, func(t *testing.T) cg.WritableStore {
				s, err := st.open(t, seedDataset(t))
				if err != nil {
					t.Fatalf("open %s store: %v", st.name, err)
				}
				return s
			})
		})
	}
}

func TestHTTPProtocol(t *testing.T) {
	srv := httptest.NewServer(newHandler(seedStore(t)))
	defer srv.Close()
	get := func(path string, header http.Header) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		for k, v := range header {
			req.Header[k] = v
		}
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	q := url.QueryEscape(`{ entity(id: "POL") { name } }`)
	tests := []struct {
		name        string
		path        string
		header      http.Header
		status      int
		contentType string
	}{
		{name: "query over GET", path: "/graphql?query=" + q, status: 200},
		{name: "graphql-response+json honoured", path: "/graphql?query=" + q, header: http.Header{"Accept": {"application/graphql-response+json"}}, status: 200, contentType: "application/graphql-response+json"},
		{name: "health", path: "/healthz", status: 200},
		{name: "ready", path: "/readyz", status: 200},
		{name: "metrics", path: "/metrics", status: 200, contentType: "text/plain"},
		{name: "graphiql page", path: "/graphiql", status: 200, contentType: "text/html"},
		{name: "graphiql from the binary", path: "/graphiql/assets/graphiql.min.js", status: 200, contentType: "text/javascript"},
		{name: "graphiql's explorer plugin", path: "/graphiql/assets/plugin-explorer.umd.js", status: 200, contentType: "text/javascript"},
		{name: "graphiql's start", path: "/graphiql/assets/init.js", status: 200, contentType: "text/javascript"},
		{name: "only the vendored files", path: "/graphiql/assets/package.json", status: 404},
		{name: "schema SDL", path: "/schema.graphql", status: 200, contentType: "text/plain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := get(tt.path, tt.header)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.contentType != "" && !strings.HasPrefix(resp.Header.Get("Content-Type"), tt.contentType) {
				t.Errorf("content type %q, want %q", resp.Header.Get("Content-Type"), tt.contentType)
			}
		})
	}

	t.Run("form posts are refused", func(t *testing.T) {
		resp, err := http.Post(srv.URL+"/graphql", "application/x-www-form-urlencoded", strings.NewReader("query={__typename}"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode < 400 {
			t.Errorf("status %d for a form post", resp.StatusCode)
		}
	})
	t.Run("oversized body is refused", func(t *testing.T) {
		big := `{"query":"{ __typename }","variables":{"pad":"` + strings.Repeat("x", 2<<20) + `"}}`
		resp, err := http.Post(srv.URL+"/graphql", "application/json", strings.NewReader(big))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var got gqlResponse
		if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
			t.Fatalf("status %d, body not JSON: %v", resp.StatusCode, err)
		}
		if resp.StatusCode != http.StatusRequestEntityTooLarge || len(got.Errors) != 1 || got.Errors[0].Code() != "REQUEST_TOO_LARGE" {
			t.Errorf("a 2 MiB body: status %d, errors %+v; want 413 and REQUEST_TOO_LARGE", resp.StatusCode, got.Errors)
		}
	})
}
