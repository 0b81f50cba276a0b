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
	"time"

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
func (p panicStore) Matrix(ctx context.Context, f cg.CommitmentFilter, page cg.MatrixPage) (*cg.Matrix, error) {
	p.maybe("Matrix")
	return p.Store.Matrix(ctx, f, page)
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

// The writes panic likewise, so that a panic can be reached through a
// mutation; a method not named in panics writes to the store beneath.
func (p panicStore) writer() cg.Writer { return p.Store.(cg.Writer) }

func (p panicStore) RecordCommitment(ctx context.Context, c *cg.Commitment, m cg.WriteMeta) (*cg.Commitment, error) {
	p.maybe("RecordCommitment")
	return p.writer().RecordCommitment(ctx, c, m)
}
func (p panicStore) ChangeCommitment(ctx context.Context, ch cg.CommitmentChange, m cg.WriteMeta) (*cg.Commitment, error) {
	p.maybe("ChangeCommitment")
	return p.writer().ChangeCommitment(ctx, ch, m)
}
func (p panicStore) RetractCommitment(ctx context.Context, id string, baseVersion int, m cg.WriteMeta) (*cg.Commitment, error) {
	p.maybe("RetractCommitment")
	return p.writer().RetractCommitment(ctx, id, baseVersion, m)
}
func (p panicStore) PutEntity(ctx context.Context, e *cg.Entity, m cg.WriteMeta) (*cg.Entity, error) {
	p.maybe("PutEntity")
	return p.writer().PutEntity(ctx, e, m)
}
func (p panicStore) PutSource(ctx context.Context, src *cg.Source, m cg.WriteMeta) (*cg.Source, error) {
	p.maybe("PutSource")
	return p.writer().PutSource(ctx, src, m)
}
func (p panicStore) CommitmentHistory(ctx context.Context, id string) ([]*cg.Commitment, error) {
	p.maybe("CommitmentHistory")
	return p.writer().CommitmentHistory(ctx, id)
}
func (p panicStore) EntityHistory(ctx context.Context, id string) ([]cg.EntityVersion, error) {
	p.maybe("EntityHistory")
	return p.writer().EntityHistory(ctx, id)
}
func (p panicStore) SourceHistory(ctx context.Context, id string) ([]cg.SourceVersion, error) {
	p.maybe("SourceHistory")
	return p.writer().SourceHistory(ctx, id)
}
func (p panicStore) VersionSteps(ctx context.Context, since, until *time.Time) ([]cg.VersionStep, error) {
	p.maybe("VersionSteps")
	return p.writer().VersionSteps(ctx, since, until)
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
		{"nodes through three loaders at once", `{ nodes(ids: ["POL", "src-000", "c-swe-offers-surveillance"]) { id } }`, []string{"Sources"}},
		{"a mutation's write", `mutation { changeCommitmentStatus(input: {id: "c-swe-offers-surveillance", baseVersion: 1, status: PLEDGED, reason: "new reporting",
			evidence: [{source: "src-000", quote: "Stockholm offering potential naval and air surveillance assets"}]}) { version } }`, []string{"ChangeCommitment"}},
		{"a mutation's record", `mutation { recordCommitment(input: {id: "c-pol-new", kind: OFFERS_TROOPS, actor: "POL", target: "UKR", status: CONSIDERING, reason: "new reporting",
			evidence: [{source: "src-000", quote: "Poland clarified it will not send forces into Ukraine"}]}) { version } }`, []string{"RecordCommitment"}},
		{"a mutation's retraction", `mutation { retractCommitment(input: {id: "c-swe-offers-surveillance", baseVersion: 1, reason: "wrong"}) { version } }`, []string{"RetractCommitment"}},
		{"a mutation's put", `mutation { putEntity(input: {id: "POL", kind: COUNTRY, name: "Poland"}) { id } }`, []string{"PutEntity"}},
		{"a field after a good write", `mutation { retractCommitment(input: {id: "c-swe-offers-surveillance", baseVersion: 1, reason: "wrong"}) { history { version } } }`, []string{"CommitmentHistory"}},
	}
	keys, err := httpapi.ParseAPIKeys("alice:"+httpapi.HashKey("s3cret"), "test")
	if err != nil {
		t.Fatal(err)
	}
	cfg := httpapi.Defaults()
	cfg.APIKeys = keys
	for _, tc := range queries {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(httpapi.NewHandler(panicStore{Store: seedStore(t), panics: set(tc.panics)}, cfg))
			defer srv.Close()
			body, _ := json.Marshal(map[string]any{"query": tc.query})
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer s3cret")
			resp, err := http.DefaultClient.Do(req)
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
