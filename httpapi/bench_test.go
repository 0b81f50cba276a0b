package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// The queries a dashboard and a coalition view send, through the whole
// HTTP handler (no network). Run: go test ./httpapi -run '^$' -bench . -benchmem
var benchQueries = map[string]string{
	"Coalition": `{ coalition(id: "prop-ita-24h", alsoTargets: ["UKR", "coalition-of-the-willing"]) {
		byKind { kind commitments { actor { name } status conditions evidence { quote attributedTo source { file } } } } } }`,
	"Matrix": `{ matrix { kinds rows { actor { id name } total cells { kind status commitmentCount evidenceCount } } } }`,
	"FilteredCommitments": `{ commitments(filter: {statuses: [PLEDGED, OFFERED, REFUSED], from: "2025-08"}, first: 20) {
		totalCount pageInfo { endCursor hasNextPage } nodes { kind status actor { name } target { name } evidence { quote source { file } } } } }`,
}

func BenchmarkQueries(b *testing.B) {
	h := newHandler(seedStore(b))
	for name, q := range benchQueries {
		body, _ := json.Marshal(map[string]any{"query": q})
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) {
					b.Fatalf("status %d: %s", rec.Code, rec.Body.String())
				}
			}
		})
	}
}
