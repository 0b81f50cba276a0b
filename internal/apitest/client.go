// Package apitest is the API-level contract: checks, through the HTTP
// handler and GraphQL, that hold whatever store sits behind it. httpapi's
// tests run it over the embedded store and e2e's over a real Neo4j, so that
// the two stores are held to the same answers, not just the same Store
// contract.
package apitest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// Response is a decoded GraphQL response with the HTTP status it came with.
type Response struct {
	Data   json.RawMessage `json:"data"`
	Errors []Error         `json:"errors"`
	Status int             `json:"-"`
}

// Error is one GraphQL error.
type Error struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// Code is extensions.code, "" when absent.
func (e Error) Code() string { s, _ := e.Extensions["code"].(string); return s }

// Post sends a GraphQL request through h and decodes the answer.
func Post(t testing.TB, h http.Handler, query string, vars map[string]any) Response {
	t.Helper()
	return PostAs(t, h, "", query, vars)
}

// PostAs is Post with a bearer API key ("" for none).
func PostAs(t testing.TB, h http.Handler, key, query string, vars map[string]any) Response {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatalf("encode request: %v", err)
	}
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var resp Response
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatalf("decode response %q (status %d): %v", rec.Body.String(), rec.Code, err)
	}
	resp.Status = rec.Code
	return resp
}

// MustData fails the test on GraphQL errors and decodes data into v.
func MustData(t testing.TB, resp Response, v any) {
	t.Helper()
	if len(resp.Errors) > 0 {
		t.Fatalf("unexpected errors: %+v", resp.Errors)
	}
	if err := json.Unmarshal(resp.Data, v); err != nil {
		t.Fatalf("decode data %s: %v", resp.Data, err)
	}
}
