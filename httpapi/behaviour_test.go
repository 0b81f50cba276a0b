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
			name:  "timeline of a range, with its undated entries",
			query: `{ timeline(from: "2025-01-01", to: "2025-12-31") { undated date { text } event { id name } commitment { id actor { name } } } }`,
			// Entities for the events, beside one Commitments under the
			// other filters, which the range cuts into dated and undated.
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
			name:  "an entity's evidence from several sources",
			query: `{ entity(id: "prop-ita-24h") { id evidence { quote source { id file } } } }`,
			// Entities, then Sources for all six items (four sources):
			// the items are marshalled one after another, and the first
			// starts loading the others' sources with its own.
			maxCalls: 2, minItems: 6,
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
			t.Logf("%s: %d store calls %v", tt.name, store.total(), store.calls)
			if got := store.total(); got > tt.maxCalls {
				t.Errorf("%d store calls (%v), want at most %d", got, store.calls, tt.maxCalls)
			}
		})
	}
}

// TestEntityConnectionsFetchOnePage checks that entities' commitment
// connections ask the store for one page each, in one call per side and
// set of arguments for all of them, never for every commitment of each:
// the rows the store answers are at most a page per entity, fewer than the
// entities' totals, and the totals and pages are the listing's.
func TestEntityConnectionsFetchOnePage(t *testing.T) {
	store := newCountingStore(seedStore(t))
	h := newHandler(store)
	const q = `{ entities(kinds: [COUNTRY]) { id
  made: commitmentsMadeConnection(first: 1) { totalCount pageInfo { hasNextPage } nodes { id target { name } evidence { source { id } } } }
  received: commitmentsReceivedConnection(first: 1, statuses: [OFFERED, PLEDGED, REFUSED], orderBy: ACTOR_NAME) { totalCount nodes { id actor { name } } } } }`
	type conn struct {
		TotalCount int
		PageInfo   struct{ HasNextPage bool }
		Nodes      []struct{ ID string }
	}
	var data struct {
		Entities []struct {
			ID             string
			Made, Received conn
		}
	}
	mustData(t, post(t, h, q, nil), &data)
	calls, rows := maps.Clone(store.calls), store.rowCount()
	if len(data.Entities) < 10 {
		t.Fatalf("%d entities: the bound would prove nothing", len(data.Entities))
	}
	totals := 0
	for _, e := range data.Entities {
		totals += e.Made.TotalCount + e.Received.TotalCount
		if len(e.Made.Nodes) > 1 || len(e.Received.Nodes) > 1 || e.Made.PageInfo.HasNextPage != (e.Made.TotalCount > 1) {
			t.Errorf("%s: made %+v, received %+v", e.ID, e.Made, e.Received)
		}
	}
	if want := map[string]int{"Entities": 1, "EntityCommitments": 2}; !reflect.DeepEqual(calls, want) {
		t.Errorf("store calls %v, want %v", calls, want)
	}
	if rows > 2*len(data.Entities) || rows >= totals {
		t.Errorf("the store answered %d commitments for %d entities' pages of 1 (totals %d)", rows, len(data.Entities), totals)
	}
	// The pages are the root listing's first pages for each entity.
	for _, e := range data.Entities[:5] {
		var want struct{ Made, Received conn }
		mustData(t, post(t, h, `query($id: ID!) {
  made: commitments(filter: {actors: [$id]}, first: 1) { totalCount pageInfo { hasNextPage } nodes { id } }
  received: commitments(filter: {targets: [$id], statuses: [OFFERED, PLEDGED, REFUSED]}, orderBy: ACTOR_NAME, first: 1) { totalCount nodes { id } } }`,
			map[string]any{"id": e.ID}), &want)
		if !reflect.DeepEqual(want.Made, e.Made) || !reflect.DeepEqual(want.Received, e.Received) {
			t.Errorf("%s: made %+v received %+v; the listing %+v, %+v", e.ID, e.Made, e.Received, want.Made, want.Received)
		}
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

// evidenceRecorder counts the entity lookups by id, which is how
// Entity.evidence asks for the evidence of entities a commitment listing
// brought without it. With whole set, listings bring no entities at all,
// so that every entity is looked up whole: the answer to compare with.
type evidenceRecorder struct {
	cg.Store
	whole   bool
	mu      sync.Mutex
	lookups int
}

func (s *evidenceRecorder) Entities(ctx context.Context, f cg.EntityFilter) ([]*cg.Entity, error) {
	if len(f.IDs) > 0 {
		s.mu.Lock()
		s.lookups++
		s.mu.Unlock()
	}
	return s.Store.Entities(ctx, f)
}

func (s *evidenceRecorder) Commitments(ctx context.Context, f cg.CommitmentFilter, p cg.Page) (*cg.CommitmentPage, error) {
	page, err := s.Store.Commitments(ctx, f, p)
	if err == nil && s.whole {
		page.Entities = nil
	}
	return page, err
}

// TestEntityEvidenceBatchedWhenShown: the entities a listing brings come
// without their evidence; a field that shows an entity's evidence costs one
// lookup for all of them, and the answer is the one whole entities give.
func TestEntityEvidenceBatchedWhenShown(t *testing.T) {
	const coalition = `coalition(id: "prop-ita-24h", alsoTargets: ["UKR", "coalition-of-the-willing"])`
	tests := []struct {
		name    string
		query   string
		lookups int
	}{
		{"names", `{ commitments(first: 50) { nodes { actor { name } target { id name } evidence { quote source { file } } } } }`, 0},
		{"actor evidence", `{ commitments(first: 50) { nodes { actor { name evidence { quote } } target { name } } } }`, 1},
		{"target evidence in a fragment", `{ commitments(first: 50) { nodes { actor { name } target { ...ev } } } }
			fragment ev on Entity { evidence { quote } }`, 1},
		{"coalition names", `{ ` + coalition + ` { subject { name } actors { name } byKind { commitments { actor { name } } } } }`, 0},
		{"coalition subject evidence", `{ ` + coalition + ` { subject { name evidence { quote } } byKind { commitments { actor { name } } } } }`, 1},
		{"coalition actor evidence", `{ ` + coalition + ` { byKind { commitments { actor { ... on Entity { evidence { line } } } } } } }`, 1},
		// Whichever root field resolves first, the entity is looked up once:
		// whole by entity(id:), or for its evidence after the coalition.
		{"another root field shows evidence", `{ ` + coalition + ` { actors { name } } entity(id: "prop-ita-24h") { evidence { quote } } }`, 1},
		{"two listings", `{ ` + coalition + ` { actors { name } } commitments(first: 50) { nodes { actor { name evidence { quote } } } } }`, 1},
		{"timeline names", `{ timeline { commitment { actor { name } } } }`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seed := seedStore(t)
			store := &evidenceRecorder{Store: seed}
			resp := post(t, newHandler(store), tt.query, nil)
			if len(resp.Errors) > 0 {
				t.Fatalf("errors: %+v", resp.Errors)
			}
			if store.lookups != tt.lookups {
				t.Errorf("%d entity lookups, want %d", store.lookups, tt.lookups)
			}
			if tt.lookups > 0 && !strings.Contains(string(resp.Data), `"evidence":[{`) {
				t.Fatalf("no entity evidence in %s; the comparison would prove nothing", resp.Data)
			}
			whole := post(t, newHandler(&evidenceRecorder{Store: seed, whole: true}), tt.query, nil)
			if string(resp.Data) != string(whole.Data) {
				t.Errorf("answer\n%s\nwith whole entities\n%s", resp.Data, whole.Data)
			}
		})
	}
}

// bareStore is a store whose listings bring no related entities or
// sources, so that a page's fields must load them.
type bareStore struct{ cg.Store }

func (s bareStore) Commitments(ctx context.Context, f cg.CommitmentFilter, p cg.Page) (*cg.CommitmentPage, error) {
	page, err := s.Store.Commitments(ctx, f, p)
	if err != nil {
		return nil, err
	}
	bare := *page
	bare.Entities, bare.Sources = nil, nil
	return &bare, nil
}

// TestPlainCommitmentListsLoadOnce checks a commitment list marshalled in
// order (its fields are plain: graph.commitmentsMarshaller), and a
// timeline's entries (graph.timelineMarshaller), when nothing
// primed what its items refer to: the list starts loading its items'
// actors, targets and sources before the first item, so that they come in
// one store call each, not one per item as loads made one after another
// would; and the answer is the one of the concurrent marshaller.
func TestPlainCommitmentListsLoadOnce(t *testing.T) {
	store := newCountingStore(bareStore{seedStore(t)})
	h := newHandler(store)
	const plain = `{ commitments(first: 100) { nodes { id actor { name } target { name } evidence { quote source { file } } } } }`
	resp := post(t, h, plain, nil)
	if len(resp.Errors) > 0 {
		t.Fatalf("errors: %+v", resp.Errors)
	}
	if n := strings.Count(string(resp.Data), `"actor"`); n < 15 {
		t.Fatalf("only %d commitments returned; the bound would prove nothing", n)
	}
	want := map[string]int{"Commitments": 1, "Entities": 1, "Sources": 1}
	if !maps.Equal(store.calls, want) {
		t.Errorf("store calls %v, want %v", store.calls, want)
	}
	// The same fields beside one that is not plain (a store call per
	// item) are marshalled concurrently: the same answer for them.
	concurrent := post(t, h, `{ commitments(first: 100) { nodes { id actor { name } target { name } evidence { quote source { file } } history { id } } } }`, nil)
	if len(concurrent.Errors) > 0 {
		t.Fatalf("errors: %+v", concurrent.Errors)
	}
	var a, b struct {
		Commitments struct {
			Nodes []map[string]any
		}
	}
	mustData(t, resp, &a)
	mustData(t, concurrent, &b)
	for _, n := range b.Commitments.Nodes {
		delete(n, "history")
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("in order:\n%+v\nconcurrently:\n%+v", a, b)
	}

	// A timeline's entries likewise: Entities for the events, then one
	// for all the entries' actors.
	store.reset()
	resp = post(t, h, `{ timeline { undated event { id } commitment { id actor { name } evidence { source { file } } } } }`, nil)
	if len(resp.Errors) > 0 {
		t.Fatalf("errors: %+v", resp.Errors)
	}
	if n := strings.Count(string(resp.Data), `"actor"`); n < 15 {
		t.Fatalf("only %d timeline commitments returned", n)
	}
	want = map[string]int{"Commitments": 1, "Entities": 2, "Sources": 1}
	if !maps.Equal(store.calls, want) {
		t.Errorf("timeline: store calls %v, want %v", store.calls, want)
	}
}

// TestPathNodesOfIDsNeedNoLoad checks that paths showing only their
// entities' ids make the one Paths call, and that their ids are those
// the entities' loads give when more is shown.
func TestPathNodesOfIDsNeedNoLoad(t *testing.T) {
	store := newCountingStore(seedStore(t))
	h := newHandler(store)
	type paths struct {
		Paths []struct {
			Nodes []struct {
				ID, Name string
				Typename string `json:"__typename"`
			}
			Edges []struct{ ID string }
		}
	}
	ask := func(nodes string) (paths, map[string]int) {
		t.Helper()
		store.reset()
		resp := post(t, h, `{ paths(from: "LTU", to: "RUS", maxHops: 3) { nodes `+nodes+` edges { id } } }`, nil)
		if len(resp.Errors) > 0 {
			t.Fatalf("errors: %+v", resp.Errors)
		}
		var out paths
		mustData(t, resp, &out)
		store.mu.Lock()
		defer store.mu.Unlock()
		return out, maps.Clone(store.calls)
	}
	ids, calls := ask(`{ id __typename }`)
	if want := map[string]int{"Paths": 1}; !maps.Equal(calls, want) {
		t.Errorf("ids only: store calls %v, want %v", calls, want)
	}
	named, calls := ask(`{ id name __typename }`)
	if want := map[string]int{"Paths": 1, "Entities": 1}; !maps.Equal(calls, want) {
		t.Errorf("with names: store calls %v, want %v", calls, want)
	}
	if len(ids.Paths) == 0 || len(ids.Paths) != len(named.Paths) {
		t.Fatalf("%d paths of ids, %d with names; want the same, some", len(ids.Paths), len(named.Paths))
	}
	for i, p := range named.Paths {
		for j, n := range p.Nodes {
			got := ids.Paths[i].Nodes[j]
			if n.Name == "" || got.ID != n.ID || got.Typename != "Entity" {
				t.Errorf("path %d node %d: ids only %+v, with names %+v", i, j, got, n)
			}
		}
	}
}

// bareListings leaves out of a bare page (cg.Page.Bare) all that the
// store contract lets it leave out, and records each listing's Bare.
type bareListings struct {
	cg.Store
	mu   sync.Mutex
	bare []bool
}

func (s *bareListings) Commitments(ctx context.Context, f cg.CommitmentFilter, p cg.Page) (*cg.CommitmentPage, error) {
	s.mu.Lock()
	s.bare = append(s.bare, p.Bare)
	s.mu.Unlock()
	page, err := s.Store.Commitments(ctx, f, p)
	if err != nil || !p.Bare {
		return page, err
	}
	out := *page
	out.Commitments = make([]*cg.Commitment, len(page.Commitments))
	for i, c := range page.Commitments {
		own := *c
		own.Evidence = nil
		out.Commitments[i] = &own
	}
	out.Entities, out.Sources = []*cg.Entity{}, []*cg.Source{}
	return &out, nil
}

// TestTimelineListsBareForOwnValues checks that a timeline showing only
// its commitments' own values asks for a bare listing, and one showing
// their evidence or entities does not, and that each answers as over a
// store that gives full pages.
func TestTimelineListsBareForOwnValues(t *testing.T) {
	seed := seedStore(t)
	full := newHandler(seed)
	for _, tc := range []struct {
		query string
		bare  bool
	}{
		{`{ timeline { undated type date { text } event { id } commitment { __typename id kind status date { text precision } dateInferred conditions summary version } } }`, true},
		{`{ timeline(filter: {actors: ["POL"]}) { undated commitment { id } } }`, true},
		{`{ timeline(from: "2025-08", to: "2025-08") { commitment { id date { text } } } }`, true},
		{`{ timeline { commitment { id evidenceCount } } }`, false},
		{`{ timeline { commitment { id actor { name } } } }`, false},
		{`{ timeline { commitment { id ... on Commitment { evidence { quote } } } } }`, false},
	} {
		store := &bareListings{Store: seed}
		got := post(t, newHandler(store), tc.query, nil)
		if len(got.Errors) > 0 {
			t.Fatalf("%s: errors %+v", tc.query, got.Errors)
		}
		if want := []bool{tc.bare}; !slices.Equal(store.bare, want) {
			t.Errorf("%s: listings asked bare %v, want %v", tc.query, store.bare, want)
		}
		want := post(t, full, tc.query, nil)
		if string(got.Data) != string(want.Data) {
			t.Errorf("%s:\n got %s\nwant %s", tc.query, got.Data, want.Data)
		}
		if strings.Count(string(got.Data), `"id"`) < 4 {
			t.Errorf("%s: %s: too few entries to compare", tc.query, got.Data)
		}
	}
}
