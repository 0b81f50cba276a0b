package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/coalitiongraph/coalitiongraph/httpapi"
)

// TestGraphQLOverHTTPStatuses pins what the graphql-http audit checks in
// CI, so that a plain `go test` catches a regression too.
func TestGraphQLOverHTTPStatuses(t *testing.T) {
	h := httpapi.NewHandler(seedStore(t), httpapi.Defaults())
	const gqlJSON = "application/graphql-response+json"
	deep := `{ entity(id: "FRA") { ` + strings.Repeat("commitmentsMade { actor { ", 7) + "id" + strings.Repeat(" } }", 7) + " } }"
	for _, tc := range []struct {
		name, method, query, accept string
		status                      int
		code                        string
		hasData                     bool
	}{
		{"parse failure, json", "POST", "{", "application/json", 200, "GRAPHQL_PARSE_FAILED", false},
		{"parse failure, graphql-response", "POST", "{", gqlJSON, 400, "GRAPHQL_PARSE_FAILED", false},
		{"validation failure, json", "POST", "{nope}", "application/json", 200, "GRAPHQL_VALIDATION_FAILED", false},
		{"validation failure, graphql-response", "POST", "{nope}", gqlJSON, 400, "GRAPHQL_VALIDATION_FAILED", false},
		{"mutation over GET", "GET", `mutation { retractCommitment(input: {id: "x", baseVersion: 1, reason: "r"}) { id } }`, gqlJSON, 405, "METHOD_NOT_ALLOWED", false},
		{"over the depth limit, json", "POST", deep, "application/json", 200, "DEPTH_LIMIT_EXCEEDED", false},
		{"over the depth limit, graphql-response", "POST", deep, gqlJSON, 400, "DEPTH_LIMIT_EXCEEDED", false},
		{"execution result keeps data", "POST", `{ entity(id: "nope") { id } }`, gqlJSON, 200, "", true},
		{"standard introspection depth passes", "POST", "{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } } }", gqlJSON, 200, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r *http.Request
			if tc.method == "GET" {
				r = httptest.NewRequest("GET", "/graphql?query="+url.QueryEscape(tc.query), nil)
			} else {
				b, _ := json.Marshal(map[string]string{"query": tc.query})
				r = httptest.NewRequest("POST", "/graphql", strings.NewReader(string(b)))
				r.Header.Set("Content-Type", "application/json")
			}
			r.Header.Set("Accept", tc.accept)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			var body struct {
				Data   json.RawMessage `json:"data"`
				Errors []struct {
					Extensions map[string]any `json:"extensions"`
				} `json:"errors"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatalf("body is not JSON: %v: %s", err, w.Body)
			}
			if w.Code != tc.status {
				t.Errorf("status %d, want %d: %s", w.Code, tc.status, w.Body)
			}
			if (body.Data != nil) != tc.hasData {
				t.Errorf("data present = %v, want %v: %s", body.Data != nil, tc.hasData, w.Body)
			}
			if tc.code != "" && (len(body.Errors) == 0 || body.Errors[0].Extensions["code"] != tc.code) {
				t.Errorf("want extensions.code %s: %s", tc.code, w.Body)
			}
			if tc.code == "" && len(body.Errors) != 0 {
				t.Errorf("unexpected errors: %s", w.Body)
			}
		})
	}
}
