package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/dataset"
	"github.com/coalitiongraph/coalitiongraph/httpapi"
	"github.com/coalitiongraph/coalitiongraph/inmem"
)

// gatedStore holds every listing of gatedPage items until gate closes,
// saying on entered that one is held.
type gatedStore struct {
	*inmem.Store
	entered chan struct{}
	gate    chan struct{}
}

const gatedPage = 7

func (s *gatedStore) Commitments(ctx context.Context, f cg.CommitmentFilter, p cg.Page) (*cg.CommitmentPage, error) {
	if p.First == gatedPage {
		s.entered <- struct{}{}
		<-s.gate
	}
	return s.Store.Commitments(ctx, f, p)
}

// TestReadAdmission: with one query slot taken, another query waits half
// its deadline and is refused with OVERLOADED, 503 and Retry-After, while a
// mutation is not held behind either; the held query then answers.
func TestReadAdmission(t *testing.T) {
	ds, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	mem, err := inmem.New(ds)
	if err != nil {
		t.Fatal(err)
	}
	store := &gatedStore{Store: mem, entered: make(chan struct{}, 1), gate: make(chan struct{})}
	keys, err := httpapi.ParseAPIKeys("alice:"+httpapi.HashKey("s3cret"), "test")
	if err != nil {
		t.Fatal(err)
	}
	cfg := httpapi.Defaults()
	cfg.APIKeys, cfg.ReadConcurrency, cfg.RequestTimeout = keys, 1, 4*time.Second
	srv := httptest.NewServer(httpapi.NewHandler(store, cfg))
	defer srv.Close()

	type answer struct {
		status int
		header http.Header
		body   gqlResponse
	}
	send := func(key, query string) answer {
		body, _ := json.Marshal(map[string]any{"query": query})
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
			return answer{}
		}
		defer resp.Body.Close()
		var a answer
		a.status, a.header = resp.StatusCode, resp.Header
		if err := json.NewDecoder(resp.Body).Decode(&a.body); err != nil {
			t.Error(err)
		}
		return a
	}
	held := make(chan answer, 1)
	go func() { held <- send("", `{ commitments(first: 7) { totalCount } }`) }()
	<-store.entered

	start := time.Now()
	refused := send("", `{ commitments(first: 1) { totalCount } }`)
	waited := time.Since(start)
	if refused.status != http.StatusServiceUnavailable || refused.header.Get("Retry-After") == "" ||
		len(refused.body.Errors) != 1 || refused.body.Errors[0].Code() != "OVERLOADED" {
		t.Errorf("second query: %d Retry-After %q %+v; want 503 OVERLOADED with Retry-After", refused.status, refused.header.Get("Retry-After"), refused.body)
	}
	if waited < cfg.RequestTimeout/2 {
		t.Errorf("second query refused after %v; it may wait half its deadline (%v)", waited, cfg.RequestTimeout/2)
	}

	wrote := send("s3cret", `mutation { changeCommitmentStatus(input: {id: "c-swe-offers-surveillance", baseVersion: 1, status: PLEDGED, reason: "new reporting",
		evidence: [{source: "src-000", quote: "Stockholm offering potential naval and air surveillance assets"}]}) { version } }`)
	if wrote.status != http.StatusOK || len(wrote.body.Errors) > 0 || string(wrote.body.Data) != `{"changeCommitmentStatus":{"version":2}}` {
		t.Errorf("mutation beside a full query lane: %d %+v", wrote.status, wrote.body)
	}

	close(store.gate)
	if a := <-held; a.status != http.StatusOK || len(a.body.Errors) > 0 {
		t.Errorf("held query: %d %+v", a.status, a.body)
	}
	// The slot is free again: a query runs.
	if a := send("", `{ commitments(first: 1) { totalCount } }`); a.status != http.StatusOK || len(a.body.Errors) > 0 {
		t.Errorf("query after the slot freed: %d %+v", a.status, a.body)
	}
}
