package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/httpapi"
)

// hostileDocs are the reproductions of issue 9, each with the code that
// must refuse it. They are built here, not stored, so their sizes are
// visible.
var hostileDocs = []struct {
	name, query, code string
}{
	{"50000 ids", "{ sources { " + strings.Repeat("id ", 50000) + "} }", "TOKEN_LIMIT_EXCEEDED"},
	{"4000 includes", "{ sources { id " + strings.Repeat("@include(if: true) ", 4000) + "} }", "TOKEN_LIMIT_EXCEEDED"},
	{"20000 typenames", "{ " + strings.Repeat("__typename ", 20000) + "}", "TOKEN_LIMIT_EXCEEDED"},
	{"1000 deep aliases", "{ " + deepAliases(1000) + " }", "TOKEN_LIMIT_EXCEEDED"},
	{"21 repeats of a field", "{ sources { " + strings.Repeat("id ", 21) + "} }", "FIELD_REPEAT_LIMIT_EXCEEDED"},
	{"21 repeats in inline fragments", "{ sources { " + strings.Repeat("... on Source { id } ", 21) + "} }", "FIELD_REPEAT_LIMIT_EXCEEDED"},
	{"21 spreads of a fragment", "{ sources { " + strings.Repeat("...F ", 21) + "} } fragment F on Source { id }", "FIELD_REPEAT_LIMIT_EXCEEDED"},
	{"nested repeats (20×20×20)", nestedRepeats(), "FIELD_REPEAT_LIMIT_EXCEEDED"},
	// Found by FuzzGraphQL: a fragment spread inside its own expansion one
	// field down expanded level after level until the request's deadline.
	{"fragment cycle through a field", "{ sources { ...A } } fragment A on Source { commitments { ...A } }", "GRAPHQL_VALIDATION_FAILED"},
	{"fragment cycle through two fragments", "{ sources { ...A } } fragment A on Source { commitments { ...B } } fragment B on Commitment { target { ...A } }", "GRAPHQL_VALIDATION_FAILED"},
	{"11 directives", "{ sources { id " + strings.Repeat("@include(if: true) ", 11) + "} }", "DIRECTIVE_LIMIT_EXCEEDED"},
	{"101 aliases", "{ sources { " + aliases(101, "id") + "} }", "ALIAS_LIMIT_EXCEEDED"},
	{"3 aliases of __schema", "{ " + aliases(3, "__schema { description }") + "}", "INTROSPECTION_LIMIT_EXCEEDED"},
	{"40 aliases of a deep nested list", "{ " + deepAliases(40) + " }", "COMPLEXITY_LIMIT_EXCEEDED"},
	{"unpaginated timeline under sources", "{ sources { commitments { history { evidence { source { commitments { history { id } } } } } } } }", "COMPLEXITY_LIMIT_EXCEEDED"},
}

func aliases(n int, field string) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "a%d: %s ", i, field)
	}
	return b.String()
}

func deepAliases(n int) string {
	return aliases(n, "sources { commitments { history { evidence { quote source { commitments { id } } } } } }")
}

type rawResponse struct {
	status int
	header http.Header
	body   []byte
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func (r rawResponse) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

func do(t testing.TB, h http.Handler, method, body string) rawResponse {
	t.Helper()
	req := httptest.NewRequest(method, "/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	r := rawResponse{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
	if err := json.Unmarshal(r.body, &r); err != nil {
		t.Fatalf("%s: answer is not JSON (%v): %.300s", method, err, r.body)
	}
	return r
}

func gqlBody(t testing.TB, query string) string {
	b, err := json.Marshal(map[string]any{"query": query})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func healthy(t *testing.T, h http.Handler) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("/healthz after hostile input: %d", rec.Code)
	}
}

func TestHostileDocumentsAreRefusedWithTheirCode(t *testing.T) {
	h := newHandler(seedStore(t))
	for _, tc := range hostileDocs {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, h, "POST", gqlBody(t, tc.query))
			if r.code() != tc.code {
				t.Fatalf("code %q, want %q: %.400s", r.code(), tc.code, r.body)
			}
			if len(r.Data) > 0 && string(r.Data) != "null" {
				t.Errorf("a refused document has data: %.200s", r.Data)
			}
			if strings.HasSuffix(tc.code, "_LIMIT_EXCEEDED") && tc.code != "COMPLEXITY_LIMIT_EXCEEDED" {
				ext := r.Errors[0].Extensions
				if ext["limit"] == nil || ext["limitValue"] == nil {
					t.Errorf("refusal does not name its limit and value: %v", ext)
				}
			}
		})
	}
	healthy(t, h)
}

func TestStandardIntrospectionQueryPasses(t *testing.T) {
	q, err := os.ReadFile("testdata/introspection.graphql")
	if err != nil {
		t.Fatal(err)
	}
	h := newHandler(seedStore(t))
	r := do(t, h, "POST", gqlBody(t, string(q)))
	if len(r.Errors) > 0 {
		t.Fatalf("introspection refused: %.500s", r.body)
	}
	var data struct {
		Schema struct {
			QueryType struct{ Name string }
			Types     []struct{ Name string }
		} `json:"__schema"`
	}
	if err := json.Unmarshal(r.Data, &data); err != nil || data.Schema.QueryType.Name != "Query" || len(data.Schema.Types) < 10 {
		t.Fatalf("introspection answered %.300s (%v)", r.Data, err)
	}
}

func TestIntrospectionOffMeansOff(t *testing.T) {
	cfg := httpapi.Defaults()
	cfg.Introspection = false
	h := httpapi.NewHandler(seedStore(t), cfg)
	for _, tc := range []struct{ name, query, code string }{
		{"__schema", "{ __schema { types { name } } }", "INTROSPECTION_DISABLED"},
		{"__type", `{ __type(name: "Entity") { name } }`, "INTROSPECTION_DISABLED"},
		{"__schema in a fragment", "{ ...F } fragment F on Query { s: __schema { description } }", "INTROSPECTION_DISABLED"},
		{"misspelt field", "{ entit }", "GRAPHQL_VALIDATION_FAILED"},
		{"misspelt enum value", "{ entities(kinds: [COUNTR]) { id } }", "GRAPHQL_VALIDATION_FAILED"},
		{"misspelt argument", "{ entities(kind: [COUNTRY]) { id } }", "GRAPHQL_VALIDATION_FAILED"},
		{"misspelt subfield", "{ entities { nam } }", "GRAPHQL_VALIDATION_FAILED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, h, "POST", gqlBody(t, tc.query))
			if r.code() != tc.code {
				t.Fatalf("code %q, want %q: %s", r.code(), tc.code, r.body)
			}
			if bytes.Contains(r.body, []byte("Did you mean")) {
				t.Errorf("suggestion leaks the schema: %s", r.body)
			}
		})
	}
	// __typename is not introspection of the schema: it still answers.
	if r := do(t, h, "POST", gqlBody(t, "{ __typename }")); len(r.Errors) > 0 {
		t.Errorf("__typename refused: %s", r.body)
	}
	healthy(t, h)
}

func TestBadRequestsTellTheTruth(t *testing.T) {
	h := newHandler(seedStore(t))
	for _, tc := range []struct {
		name, method, body string
		status             int
		code, field        string
	}{
		{"asOf yesterday", "POST", gqlBody(t, `{ commitments(filter: {asOf: "yesterday"}) { totalCount } }`), 200, "BAD_USER_INPUT", "filter.asOf"},
		{"asOf a number in variables", "POST", `{"query":"query($f: CommitmentFilter) { commitments(filter: $f) { totalCount } }","variables":{"f":{"asOf":5}}}`, 200, "BAD_USER_INPUT", "filter.asOf"},
		{"batched array", "POST", `[{"query":"{ sources { id } }"}]`, 400, "BAD_REQUEST", ""},
		{"query a number", "POST", `{"query": 5}`, 400, "BAD_REQUEST", ""},
		{"variables a list", "POST", `{"query":"{ sources { id } }","variables":[1]}`, 400, "BAD_REQUEST", ""},
		{"PUT", "PUT", gqlBody(t, "{ sources { id } }"), 405, "METHOD_NOT_ALLOWED", ""},
		{"DELETE", "DELETE", "", 405, "METHOD_NOT_ALLOWED", ""},
		{"PATCH", "PATCH", gqlBody(t, "{ sources { id } }"), 405, "METHOD_NOT_ALLOWED", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, h, tc.method, tc.body)
			if r.status != tc.status || r.code() != tc.code {
				t.Fatalf("%d %q, want %d %q: %s", r.status, r.code(), tc.status, tc.code, r.body)
			}
			if tc.field != "" && r.Errors[0].Extensions["field"] != tc.field {
				t.Errorf("extensions.field %v, want %q: %s", r.Errors[0].Extensions["field"], tc.field, r.body)
			}
			if bytes.Contains(r.body, []byte("Go value")) || bytes.Contains(r.body, []byte("graphql.RawParams")) {
				t.Errorf("message names Go types: %s", r.body)
			}
			if tc.status == 405 && r.header.Get("Allow") == "" {
				t.Errorf("405 without Allow")
			}
		})
	}
	healthy(t, h)
}

func TestTimeAcceptsADay(t *testing.T) {
	h := newHandler(seedStore(t))
	day := do(t, h, "POST", gqlBody(t, `{ commitments(filter: {asOf: "2025-08-19"}) { totalCount } }`))
	instant := do(t, h, "POST", gqlBody(t, `{ commitments(filter: {asOf: "2025-08-19T00:00:00Z"}) { totalCount } }`))
	if len(day.Errors) > 0 || len(instant.Errors) > 0 {
		t.Fatalf("day: %s; instant: %s", day.body, instant.body)
	}
	if string(day.Data) != string(instant.Data) {
		t.Errorf("a day is not the start of that day, UTC: %s vs %s", day.Data, instant.Data)
	}
}

func TestResultLimitRefusesTheWholeAnswer(t *testing.T) {
	cfg := httpapi.Defaults()
	cfg.Limits.MaxResolvedFields = 10
	h := httpapi.NewHandler(seedStore(t), cfg)
	r := do(t, h, "POST", gqlBody(t, "{ sources { id file commitments { id } } }"))
	if r.code() != "RESULT_LIMIT_EXCEEDED" || len(r.Errors) != 1 || (len(r.Data) > 0 && string(r.Data) != "null") {
		t.Fatalf("want one RESULT_LIMIT_EXCEEDED and no data: %.400s", r.body)
	}
	if r := do(t, h, "POST", gqlBody(t, "{ sources { id } }")); len(r.Errors) > 0 {
		t.Fatalf("a small answer is refused: %s", r.body)
	}
	healthy(t, h)
}

// stuckStore ignores its context until released, like a store call that
// does not honour deadlines.
type stuckStore struct {
	cg.Store
	release chan struct{}
}

func (s stuckStore) Sources(ctx context.Context, ids []string) ([]*cg.Source, error) {
	<-s.release
	return s.Store.Sources(ctx, ids)
}

func TestPastItsDeadlineARequestAnswersTimeout(t *testing.T) {
	s := stuckStore{Store: seedStore(t), release: make(chan struct{})}
	defer close(s.release)
	cfg := httpapi.Defaults()
	cfg.RequestTimeout = 50 * time.Millisecond
	h := httpapi.NewHandler(s, cfg)
	// The store stays stuck until the test ends: the answer can only come
	// from the deadline.
	r := do(t, h, "POST", gqlBody(t, "{ sources { id } }"))
	if r.code() != "TIMEOUT" {
		t.Fatalf("code %q, want TIMEOUT: %s", r.code(), r.body)
	}
	healthy(t, h)
}

func TestRateLimitsAnswer429WithRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		name  string
		limit httpapi.RateLimit
	}{
		{"requests", httpapi.RateLimit{RequestsPerSecond: 0.001, RequestBurst: 2}},
		{"complexity", httpapi.RateLimit{ComplexityPerSecond: 0.001, ComplexityBurst: 30}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := httpapi.Defaults()
			cfg.RateLimit = tc.limit
			h := httpapi.NewHandler(seedStore(t), cfg)
			q := gqlBody(t, "{ sources { id } }") // complexity 21
			if r := do(t, h, "POST", q); r.status != 200 || len(r.Errors) > 0 {
				t.Fatalf("first request: %d %s", r.status, r.body)
			}
			if tc.name == "requests" {
				do(t, h, "POST", q)
			}
			r := do(t, h, "POST", q)
			if r.status != http.StatusTooManyRequests || r.code() != "RATE_LIMITED" || r.header.Get("Retry-After") == "" {
				t.Fatalf("over the limit: %d %q Retry-After %q: %s", r.status, r.code(), r.header.Get("Retry-After"), r.body)
			}
			healthy(t, h)
		})
	}
}
