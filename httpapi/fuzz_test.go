package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzGraphQL posts arbitrary documents and variables to the real handler.
// Whatever the input, the answer is a GraphQL response in JSON with a
// status the API documents, and never INTERNAL: every refusal is the
// client's and coded. Seeds: testdata/fuzz/FuzzGraphQL.
// Run: go test ./httpapi -run '^$' -fuzz FuzzGraphQL -fuzztime 20s
func FuzzGraphQL(f *testing.F) {
	f.Add("{ sources { id file } }", "")
	f.Add(`query($f: CommitmentFilter) { commitments(filter: $f, first: 3) { totalCount nodes { id } } }`, `{"f":{"asOf":"2025-08-19"}}`)
	f.Add("{ entities(kinds: [COUNTRY]) { id name ...on Entity { aliases } } }", "")
	f.Add(`{ coalition(id: "coalition-of-the-willing") { offers { id } } }`, "")
	f.Add("{ a: __schema { description } b: __typename }", "")
	f.Add("mutation { retractCommitment(input: {id: \"x\", reason: \"r\"}) { id } }", "")
	h := newHandler(seedStore(f))
	f.Fuzz(func(t *testing.T, query, variables string) {
		req := map[string]any{"query": query}
		if json.Valid([]byte(variables)) {
			req["variables"] = json.RawMessage(variables)
		}
		body, err := json.Marshal(req)
		if err != nil {
			t.Skip() // not valid UTF-8 in a way json cannot carry
		}
		rec := httptest.NewRecorder()
		r := httptest.NewRequest("POST", "/graphql", strings.NewReader(string(body)))
		r.Header.Set("Content-Type", "application/json")
		h.ServeHTTP(rec, r)
		switch rec.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge,
			http.StatusMethodNotAllowed, http.StatusUnauthorized, http.StatusForbidden:
		default:
			t.Fatalf("status %d: %.300s", rec.Code, rec.Body.Bytes())
		}
		var resp rawResponse
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
			t.Fatalf("answer is not JSON: %v: %.300s", err, rec.Body.Bytes())
		}
		for _, e := range resp.Errors {
			if e.Extensions["code"] == "INTERNAL" || e.Extensions["code"] == nil {
				t.Fatalf("uncoded or internal error for %q: %s", query, rec.Body.Bytes())
			}
			if strings.Contains(e.Message, "Go value") || strings.Contains(e.Message, "Go struct") {
				t.Fatalf("message names Go types: %s", e.Message)
			}
		}
	})
}
