package httpapi_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/coalitiongraph/coalitiongraph/httpapi"
)

func hashOf(doc string) string {
	h := sha256.Sum256([]byte(doc))
	return hex.EncodeToString(h[:])
}

// send posts body and returns the status, the first error's code and whether data came.
func send(t *testing.T, h http.Handler, body map[string]any) (int, string, bool) {
	t.Helper()
	b, _ := json.Marshal(body)
	r := httptest.NewRequest("POST", "/graphql", strings.NewReader(string(b)))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Accept", "application/graphql-response+json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	var resp struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
		t.Fatalf("%s: %v", w.Body, err)
	}
	code := ""
	if len(resp.Errors) > 0 {
		code, _ = resp.Errors[0].Extensions["code"].(string)
	}
	return w.Code, code, len(resp.Data) > 0 && string(resp.Data) != "null"
}

func pq(hash string) map[string]any {
	return map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}}
}

func TestTrustedDocuments(t *testing.T) {
	listed := `{ entity(id: "FRA") { name } }`
	other := `{ entity(id: "DEU") { name } }`
	file, _ := json.Marshal(map[string]string{"sha256:" + hashOf(listed): listed})
	docs, err := httpapi.ParseTrustedDocuments(file, "trusted.json")
	if err != nil {
		t.Fatal(err)
	}
	cfg := httpapi.Defaults()
	cfg.TrustedDocuments = docs
	h := httpapi.NewHandler(seedStore(t), cfg)
	for _, tc := range []struct {
		name   string
		body   map[string]any
		status int
		code   string
	}{
		{"listed id", map[string]any{"extensions": pq(hashOf(listed))}, 200, ""},
		{"listed id as documentId", map[string]any{"extensions": map[string]any{"documentId": "sha256:" + hashOf(listed)}}, 200, ""},
		{"listed text", map[string]any{"query": listed}, 200, ""},
		{"unlisted text", map[string]any{"query": other}, 400, "UNTRUSTED_DOCUMENT"},
		{"unlisted text with its own hash", map[string]any{"query": other, "extensions": pq(hashOf(other))}, 400, "UNTRUSTED_DOCUMENT"},
		{"unknown id", map[string]any{"extensions": pq(hashOf(other))}, 400, "TRUSTED_DOCUMENT_NOT_FOUND"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, code, data := send(t, h, tc.body)
			if status != tc.status || code != tc.code || data != (tc.code == "") {
				t.Errorf("status %d code %q data %v, want %d %q %v", status, code, data, tc.status, tc.code, tc.code == "")
			}
		})
	}
}

func TestParseTrustedDocumentsRefusesBadFiles(t *testing.T) {
	for _, tc := range []struct{ name, file, want string }{
		{"not JSON", `[`, "trusted.json: want a JSON object"},
		{"wrong id", `{"abc": "{ __typename }"}`, `trusted.json: document "abc": its sha256 is`},
		{"empty", `{}`, "trusted.json: no documents"},
	} {
		if _, err := httpapi.ParseTrustedDocuments([]byte(tc.file), "trusted.json"); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to contain %q", tc.name, err, tc.want)
		}
	}
}

// TestAutomaticPersistedQueries: without an allow-list, a client may send a
// hash alone once the server has seen the query with it.
func TestAutomaticPersistedQueries(t *testing.T) {
	h := httpapi.NewHandler(seedStore(t), httpapi.Defaults())
	q := `{ entity(id: "FRA") { name } }`
	if status, code, _ := send(t, h, map[string]any{"extensions": pq(hashOf(q))}); status != 400 || code != "PERSISTED_QUERY_NOT_FOUND" {
		t.Errorf("unknown hash: %d %q, want 400 PERSISTED_QUERY_NOT_FOUND", status, code)
	}
	if status, code, data := send(t, h, map[string]any{"query": q, "extensions": pq(hashOf(q))}); status != 200 || code != "" || !data {
		t.Errorf("query with hash: %d %q %v", status, code, data)
	}
	if status, code, data := send(t, h, map[string]any{"extensions": pq(hashOf(q))}); status != 200 || code != "" || !data {
		t.Errorf("hash alone after registration: %d %q %v", status, code, data)
	}
}
