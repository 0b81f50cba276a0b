package httpapi_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"github.com/coalitiongraph/coalitiongraph/export"
)

// /export/ lists every table, and every listed URL answers with its format.
func TestExportIndexAndTables(t *testing.T) {
	h := newHandler(seedStore(t))
	rec := get(t, h, "/export/")
	if rec.Code != http.StatusOK {
		t.Fatalf("/export/: status %d", rec.Code)
	}
	var ix struct {
		DataPackage, Zip string
		Tables           []struct{ Name, CSV, Parquet string }
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &ix); err != nil {
		t.Fatalf("parse /export/: %v", err)
	}
	if len(ix.Tables) != len(export.Tables) {
		t.Fatalf("%d tables listed, want %d", len(ix.Tables), len(export.Tables))
	}
	for _, tab := range ix.Tables {
		rec := get(t, h, tab.CSV+"?asOf=2030-01-01")
		if rec.Code != http.StatusOK {
			t.Errorf("%s: status %d %s", tab.CSV, rec.Code, rec.Body.String())
			continue
		}
		if _, err := csv.NewReader(rec.Body).ReadAll(); err != nil {
			t.Errorf("%s: %v", tab.CSV, err)
		}
		rec = get(t, h, tab.Parquet)
		if rec.Code != http.StatusOK || !bytes.HasPrefix(rec.Body.Bytes(), []byte("PAR1")) {
			t.Errorf("%s: status %d, not a Parquet file", tab.Parquet, rec.Code)
		}
	}
	if rec := get(t, h, ix.DataPackage); rec.Code != http.StatusOK || !json.Valid(rec.Body.Bytes()) {
		t.Errorf("%s: status %d", ix.DataPackage, rec.Code)
	}
	rec = get(t, h, ix.Zip)
	if rec.Code != http.StatusOK {
		t.Fatalf("%s: status %d", ix.Zip, rec.Code)
	}
	zr, err := zip.NewReader(bytes.NewReader(rec.Body.Bytes()), int64(rec.Body.Len()))
	if err != nil {
		t.Fatalf("open zip: %v", err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	for _, want := range []string{"datapackage.json", "codebook.md", "evidence.csv", "evidence.parquet", "versions.csv"} {
		if !slices.Contains(names, want) {
			t.Errorf("zip lacks %s: %v", want, names)
		}
	}
	// The filters are checked as for the other exports.
	if rec := get(t, h, "/export/tables/commitments.csv?kinds=X"); rec.Code != http.StatusBadRequest {
		t.Errorf("misspelt filter: status %d", rec.Code)
	}
}
