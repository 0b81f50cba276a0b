package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/httpapi"
)

// blockingStore's Sources and Commitments wait until their context ends
// and report how it ended on gave: a store call still working when its
// request's deadline passes.
type blockingStore struct {
	cg.Store
	gave chan error
}

func (s blockingStore) wait(ctx context.Context) error {
	<-ctx.Done()
	s.gave <- ctx.Err()
	return ctx.Err()
}

func (s blockingStore) Sources(ctx context.Context, ids []string) ([]*cg.Source, error) {
	return nil, s.wait(ctx)
}

func (s blockingStore) Commitments(ctx context.Context, f cg.CommitmentFilter, p cg.Page) (*cg.CommitmentPage, error) {
	return nil, s.wait(ctx)
}

// Over a real HTTP connection, a request whose store call outlives the
// deadline answers TIMEOUT no later than the deadline plus a margin, and
// the store call's context ends, so the server stops working on it. The
// margin is generous (a bound, not a speed: a loaded 2-core machine).
func TestPastItsDeadlineTheServerAnswersAndStops(t *testing.T) {
	const deadline = 200 * time.Millisecond
	const margin = 2 * time.Second
	for _, tc := range []struct{ name, query string }{
		{"root resolver", `{ sources { id } }`},
		{"field resolver via a dataloader", `{ entity(id: "FRA") { id commitmentsMade { id } } }`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := blockingStore{Store: seedStore(t), gave: make(chan error, 16)}
			cfg := httpapi.Defaults()
			cfg.RequestTimeout = deadline
			srv := httptest.NewServer(httpapi.NewHandler(s, cfg))
			defer srv.Close()
			// The client's own time-out only keeps a broken server from
			// hanging the test; the bound is checked below.
			client := &http.Client{Timeout: time.Minute}
			start := time.Now()
			resp, err := client.Post(srv.URL+"/graphql", "application/json", strings.NewReader(gqlBody(t, tc.query)))
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			took := time.Since(start)
			if err != nil {
				t.Fatal(err)
			}
			r := rawResponse{status: resp.StatusCode, body: body}
			if err := json.Unmarshal(body, &r); err != nil {
				t.Fatalf("answer %d %s: %v", r.status, body, err)
			}
			if r.code() != "TIMEOUT" {
				t.Fatalf("code %q, want TIMEOUT: %s", r.code(), body)
			}
			if took > deadline+margin {
				t.Errorf("TIMEOUT arrived %v after the request, past its deadline %v plus %v", took, deadline, margin)
			}
			select {
			case err := <-s.gave:
				if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
					t.Errorf("the store call's context ended with %v", err)
				}
			case <-time.After(margin):
				t.Fatalf("the store call was still working %v after the TIMEOUT", margin)
			}
		})
	}
}
