package httpapi_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/httpapi"
)

// TestStoreCallsBoundedByDepth checks that nested fields go through the
// dataloaders: the number of store calls depends on the query's shape, not
// on how many items it returns.
func TestStoreCallsBoundedByDepth(t *testing.T) {
	store := newCountingStore(seedStore(t))
	h := newHandler(store)
	tests := []struct {
		name     string
		query    string
		maxCalls int
		minItems int // the query must return at least this many commitments, or the bound proves nothing
	}{
		{
			name: "commitments with actors, targets, speakers and sources",
			query: `{ commitments(first: 100) { nodes { id actor { name } target { name } statedBy { name }
				evidence { quote source { file outlet } } } } }`,
			// Commitments, which brings the actors, targets, speakers and
			// sources along.
			maxCalls: 1, minItems: 15,
		},
		{
			name:  "one commitment with its actor and sources",
			query: `{ commitment(id: "c-usa-offers-air-support") { id actor { name } target { name } sources { id } evidence { source { file } } } }`,
			// Commitments (by id), with what it refers to.
			maxCalls: 1, minItems: 2,
		},
		{
			name: "coalition with actors and evidence sources",
			query: `{ coalition(id: "prop-ita-24h", alsoTargets: ["UKR", "coalition-of-the-willing"]) { subject { id } actors { id name }
				byKind { kind commitments { id actor { name } evidence { quote source { file } } } } } }`,
			// Commitments, which brings the subject along as their target.
			maxCalls: 1, minItems: 15,
		},
		{
			name:  "coalition of a subject nothing aims at",
			query: `{ coalition(id: "european-leaders") { subject { id name } actors { id } offers { id } } }`,
			// Commitments find none, so the subject needs Entities.
			maxCalls: 2, minItems: 1,
		},
		{
			name:  "timeline with actors",
			query: `{ timeline { date { text } event { id name } commitment { id actor { name } target { name } } } }`,
			// Entities for the events, beside Commitments with the rest.
			maxCalls: 2, minItems: 15,
		},
		{
			name: "matrix with cell commitments and their actors",
			query: `{ matrix { rows { actor { id name } cells { kind commitments { id target { name }
				evidence { source { file } } } } } } }`,
			// Matrix with the row actors; Claims for the stance layer and
			// Entities for the actors with stances only; Commitments for
			// all cells, with their targets and sources.
			maxCalls: 4, minItems: 15,
		},
		{
			name: "every actor's page",
			query: `{ entities(kinds: [COUNTRY]) { id commitmentsMade { id target { name } } commitmentsReceived { id }
				offices { role } officeHolders { from { name } } events { to { name } } claims { topic } } }`,
			// Entities; then one batch each of made-by (with targets),
			// aimed-at, relations and claims; then names for relation
			// ends: at most one Entities batch per parent loader, however
			// many actors.
			maxCalls: 6, minItems: 10,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store.reset()
			resp := post(t, h, tt.query, nil)
			if len(resp.Errors) > 0 {
				t.Fatalf("errors: %+v", resp.Errors)
			}
			if n := strings.Count(string(resp.Data), `"id"`); n < tt.minItems {
				t.Fatalf("only %d items returned; the bound would prove nothing", n)
			}
			if got := store.total(); got > tt.maxCalls {
				t.Errorf("%d store calls (%v), want at most %d", got, store.calls, tt.maxCalls)
			}
		})
	}
}

func TestIntrospectionSwitch(t *testing.T) {
	for _, on := range []bool{true, false} {
		cfg := httpapi.Defaults()
		cfg.Introspection = on
		resp := post(t, httpapi.NewHandler(seedStore(t), cfg), `{ __schema { queryType { name } } }`, nil)
		if got := len(resp.Errors) == 0; got != on {
			t.Errorf("introspection %v: answered %v (%+v)", on, got, resp.Errors)
		}
	}
}

// faultyStore fails in the ways a real backend can.
type faultyStore struct {
	cg.Store
	mode string
}

func (f faultyStore) Commitments(ctx context.Context, flt cg.CommitmentFilter, p cg.Page) (*cg.CommitmentPage, error) {
	switch f.mode {
	case "panic":
		panic("boom: secret internal state")
	case "internal":
		return nil, errors.New("driver: connection to 10.1.2.3:7687 refused, password=hunter2")
	case "unavailable":
		return nil, &cg.Error{Code: cg.CodeStoreUnavailable, Message: "the store is unavailable", Err: errors.New("dial tcp: refused")}
	case "hang":
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return f.Store.Commitments(ctx, flt, p)
}

// Each failure is placed on a root resolver and inside a field resolver
// whose store call a dataloader batch makes (a panic there runs outside
// gqlgen's own recovery of root resolvers).
func TestFailuresNeverLeakInternals(t *testing.T) {
	tests := []struct {
		mode, code string
	}{
		{"panic", "INTERNAL"},
		{"internal", "INTERNAL"},
		{"unavailable", "STORE_UNAVAILABLE"},
		{"hang", "TIMEOUT"},
	}
	paths := []struct {
		name, query string
		path        []any
	}{
		{"root resolver", `{ commitments { totalCount } }`, []any{"commitments"}},
		{"field resolver via a dataloader", `{ entity(id: "FRA") { id commitmentsMade { id } } }`, []any{"entity", "commitmentsMade"}},
	}
	for _, tt := range tests {
		for _, at := range paths {
			t.Run(tt.mode+"/"+at.name, func(t *testing.T) {
				cfg := httpapi.Defaults()
				cfg.RequestTimeout = 200 * time.Millisecond
				h := httpapi.NewHandler(faultyStore{Store: seedStore(t), mode: tt.mode}, cfg)
				start := time.Now()
				resp := post(t, h, at.query, nil)
				if elapsed := time.Since(start); elapsed > 5*time.Second {
					t.Errorf("took %v", elapsed)
				}
				if len(resp.Errors) != 1 {
					t.Fatalf("errors %+v", resp.Errors)
				}
				e := resp.Errors[0]
				if e.Code() != tt.code {
					t.Errorf("code %q, want %q", e.Code(), tt.code)
				}
				for _, secret := range []string{"hunter2", "10.1.2.3", "secret", "dial tcp", "boom"} {
					if strings.Contains(e.Message, secret) {
						t.Errorf("message %q leaks %q", e.Message, secret)
					}
				}
				if !reflect.DeepEqual(e.Path, at.path) {
					t.Errorf("path %v, want %v", e.Path, at.path)
				}
			})
		}
	}
}

func TestMetricsCountOperationsAndStoreCalls(t *testing.T) {
	h := newHandler(seedStore(t))
	post(t, h, `query Refusals { commitments(filter: {kinds: [REFUSES_TROOPS]}) { totalCount } }`, nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`coalitiongraph_http_requests_total{code="200",path="/graphql"} 1`,
		`coalitiongraph_graphql_operation_seconds_count{operation="Refusals"} 1`,
		`coalitiongraph_store_call_seconds_count{method="Commitments",outcome="ok"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// Requests are counted by the route that served them, the export tables
// and the dashboard's assets included; a path no route serves is "other".
func TestMetricsLabelRequestsByRoute(t *testing.T) {
	h := newHandler(seedStore(t))
	for _, path := range []string{"/healthz", "/export/tables/commitments.csv", "/export/tables/commitments.csv", "/export/", "/no/such/path"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, path, nil))
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`coalitiongraph_http_requests_total{code="200",path="/healthz"} 1`,
		`coalitiongraph_http_requests_total{code="200",path="/export/tables/commitments.csv"} 2`,
		`coalitiongraph_http_requests_total{code="200",path="/export/{$}"} 1`,
		`coalitiongraph_http_requests_total{code="404",path="other"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// notReadyStore fails Ready the way a driver does: a coded error wrapping
// text with addresses.
type notReadyStore struct {
	cg.Store
	err error
}

func (s notReadyStore) Ready(context.Context) error { return s.err }

func TestReadyzGivesTheReasonNotTheError(t *testing.T) {
	driverErr := errors.New("ConnectivityError: dial tcp 10.1.2.3:7687: connect: connection refused")
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"coded", &cg.Error{Code: cg.CodeStoreUnavailable, Message: "the graph store is unavailable", Err: driverErr}, "not ready: the graph store is unavailable\n"},
		{"uncoded", fmt.Errorf("ready: %w", driverErr), "not ready: the store is not ready\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			newHandler(notReadyStore{seedStore(t), tt.err}).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
			if rec.Code != http.StatusServiceUnavailable || rec.Body.String() != tt.want {
				t.Errorf("/readyz %d %q, want 503 %q", rec.Code, rec.Body.String(), tt.want)
			}
		})
	}
}

// relatedRecorder records whether each commitment listing asked for the
// entities and sources its commitments refer to.
type relatedRecorder struct {
	cg.Store
	mu      sync.Mutex
	related []bool
}

func (s *relatedRecorder) Commitments(ctx context.Context, f cg.CommitmentFilter, p cg.Page) (*cg.CommitmentPage, error) {
	s.mu.Lock()
	s.related = append(s.related, p.WithRelated)
	s.mu.Unlock()
	return s.Store.Commitments(ctx, f, p)
}

// TestListingsAskForRelatedOnlyWhenSelected: a root listing has the store
// fetch actors, targets and sources only when the query reads them, through
// fragments too.
func TestListingsAskForRelatedOnlyWhenSelected(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  bool
	}{
		{"counts and own fields", `{ commitments { totalCount nodes { id status evidence { quote } } } }`, false},
		{"actor", `{ commitments { nodes { actor { name } } } }`, true},
		{"evidence source in a fragment", `{ commitments { edges { node { ...ev } } } }
			fragment ev on Commitment { evidence { source { file } } }`, true},
		{"timeline without them", `{ timeline { date { text } commitment { id kind } } }`, false},
		{"timeline sources in an inline fragment", `{ timeline { ... on TimelineEntry { commitment { sources { id } } } } }`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := &relatedRecorder{Store: seedStore(t)}
			resp := post(t, newHandler(store), tt.query, nil)
			if len(resp.Errors) > 0 {
				t.Fatalf("errors: %+v", resp.Errors)
			}
			if len(store.related) != 1 || store.related[0] != tt.want {
				t.Errorf("listings asked for related %v, want one asking %v", store.related, tt.want)
			}
		})
	}
}

// evidenceRecorder records, for each commitment listing that asks for
// related items, whether it leaves out the entities' evidence, under the
// root field that made it (root fields resolve concurrently, so the order
// of the listings is not theirs to keep); with whole set it always asks for
// whole entities, so that a response can be compared with the one a store
// without the option would give.
type evidenceRecorder struct {
	cg.Store
	whole   bool
	mu      sync.Mutex
	without map[string][]bool
}

func (s *evidenceRecorder) Commitments(ctx context.Context, f cg.CommitmentFilter, p cg.Page) (*cg.CommitmentPage, error) {
	if p.WithRelated {
		s.mu.Lock()
		if s.without == nil {
			s.without = map[string][]bool{}
		}
		root := rootField(ctx)
		s.without[root] = append(s.without[root], p.RelatedWithoutEvidence)
		s.mu.Unlock()
	}
	if s.whole {
		p.RelatedWithoutEvidence = false
	}
	return s.Store.Commitments(ctx, f, p)
}

// rootField names the root field whose resolution made a store call, ""
// for a call outside any field (a loader's batch).
func rootField(ctx context.Context) string {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return ""
	}
	for fc.Parent != nil && fc.Parent.Field.Field != nil {
		fc = fc.Parent
	}
	return fc.Field.Alias
}

// TestRelatedEntitiesWithoutEvidenceOnlyWhenUnshown: a listing leaves out
// its entities' evidence only when nothing in the field shows an entity's
// evidence, and the answer is the one whole entities give.
func TestRelatedEntitiesWithoutEvidenceOnlyWhenUnshown(t *testing.T) {
	const coalition = `coalition(id: "prop-ita-24h", alsoTargets: ["UKR", "coalition-of-the-willing"])`
	tests := []struct {
		name  string
		query string
		want  map[string][]bool // per root field, its listings in the order it makes them
	}{
		{"names", `{ commitments(first: 50) { nodes { actor { name } target { id name } evidence { quote source { file } } } } }`, map[string][]bool{"commitments": {true}}},
		{"actor evidence", `{ commitments(first: 50) { nodes { actor { name evidence { quote } } target { name } } } }`, map[string][]bool{"commitments": {false}}},
		{"target evidence in a fragment", `{ commitments(first: 50) { nodes { actor { name } target { ...ev } } } }
			fragment ev on Entity { evidence { quote } }`, map[string][]bool{"commitments": {false}}},
		{"coalition names", `{ ` + coalition + ` { subject { name } actors { name } byKind { commitments { actor { name } } } } }`, map[string][]bool{"coalition": {true}}},
		{"coalition subject evidence", `{ ` + coalition + ` { subject { name evidence { quote } } byKind { commitments { actor { name } } } } }`, map[string][]bool{"coalition": {false}}},
		{"coalition actor evidence", `{ ` + coalition + ` { byKind { commitments { actor { ... on Entity { evidence { line } } } } } } }`, map[string][]bool{"coalition": {false}}},
		{"another root field shows evidence", `{ ` + coalition + ` { actors { name } } entity(id: "prop-ita-24h") { evidence { quote } } }`, map[string][]bool{"coalition": {true}}},
		// The second listing's actors show evidence: the first's entities,
		// brought without it, must not answer them.
		{"two listings", `{ ` + coalition + ` { actors { name } } commitments(first: 50) { nodes { actor { name evidence { quote } } } } }`, map[string][]bool{"coalition": {true}, "commitments": {false}}},
		{"timeline names", `{ timeline { commitment { actor { name } } } }`, map[string][]bool{"timeline": {true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seed := seedStore(t)
			store := &evidenceRecorder{Store: seed}
			resp := post(t, newHandler(store), tt.query, nil)
			if len(resp.Errors) > 0 {
				t.Fatalf("errors: %+v", resp.Errors)
			}
			if !maps.EqualFunc(store.without, tt.want, slices.Equal) {
				t.Errorf("listings left out entities' evidence %v, want %v", store.without, tt.want)
			}
			whole := post(t, newHandler(&evidenceRecorder{Store: seed, whole: true}), tt.query, nil)
			if string(resp.Data) != string(whole.Data) {
				t.Errorf("answer\n%s\nwith whole entities\n%s", resp.Data, whole.Data)
			}
		})
	}
}
