package httpapi_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/dataset"
	"github.com/coalitiongraph/coalitiongraph/httpapi"
	"github.com/coalitiongraph/coalitiongraph/inmem"
)

var exportPaths = []string{"/export/commitments.csv", "/export/graph.graphml", "/export/graph.json",
	"/export/tables/commitments.csv", "/export/tables/evidence.parquet", "/export/dataset.zip"}

func seedDataset(t testing.TB) *cg.Dataset {
	t.Helper()
	ds, err := dataset.Default()
	if err != nil {
		t.Fatalf("load dataset: %v", err)
	}
	return ds
}

func get(t testing.TB, h http.Handler, target string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	return rec
}

// exportCSV fetches the CSV export and returns its rows keyed by column name.
func exportCSV(t *testing.T, h http.Handler, query string) []map[string]string {
	t.Helper()
	rec := get(t, h, "/export/commitments.csv?"+query)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
	}
	r := csv.NewReader(rec.Body)
	records, err := r.ReadAll()
	if err != nil {
		t.Fatalf("parse csv: %v", err)
	}
	if len(records) == 0 {
		t.Fatal("no header row")
	}
	header := records[0]
	rows := make([]map[string]string, 0, len(records)-1)
	for _, rec := range records[1:] {
		row := map[string]string{}
		for i, col := range header {
			row[col] = rec[i]
		}
		rows = append(rows, row)
	}
	return rows
}

func TestExportCSV(t *testing.T) {
	ds := seedDataset(t)
	h := newHandler(seedStore(t))
	rec := get(t, h, "/export/commitments.csv")
	if ct := rec.Header().Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := rec.Header().Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "commitments.csv") {
		t.Errorf("Content-Disposition %q", cd)
	}
	rows := exportCSV(t, h, "")
	if len(rows) != len(ds.Commitments) {
		t.Fatalf("%d rows, want one per commitment (%d)", len(rows), len(ds.Commitments))
	}
	byID := map[string]map[string]string{}
	for _, row := range rows {
		if byID[row["id"]] != nil {
			t.Errorf("commitment %s exported twice", row["id"])
		}
		byID[row["id"]] = row
	}

	pol := byID["c-pol-refuses-troops"]
	want := map[string]string{
		"actor_id": "POL", "actor_name": "Poland", "kind": "REFUSES_TROOPS", "target_id": "UKR",
		"target_name": "Ukraine", "status": "REFUSED", "date": "2025-08", "date_precision": "MONTH",
		"source_files": "000_7a6dea6409ba7262.txt", "evidence_count": "1",
		"first_quote": "Poland clarified it will not send forces into Ukraine",
	}
	for col, v := range want {
		if pol[col] != v {
			t.Errorf("c-pol-refuses-troops %s = %q, want %q", col, pol[col], v)
		}
	}
	usa := byID["c-usa-refuses-troops"]
	if usa["stated_by"] != "Donald Trump" || usa["conditions"] != "no ground forces" ||
		usa["source_files"] != "000_7a6dea6409ba7262.txt 002_c7c84230df0db919.txt" {
		t.Errorf("c-usa-refuses-troops: %v", usa)
	}

	// Every text must survive the round trip byte for byte; the dataset
	// must hold the awkward characters, or this proves nothing.
	var sawComma, sawQuote bool
	for _, c := range ds.Commitments {
		row := byID[c.ID]
		if row == nil {
			t.Errorf("commitment %s missing", c.ID)
			continue
		}
		if row["first_quote"] != c.Evidence[0].Quote {
			t.Errorf("%s first_quote %q, want %q", c.ID, row["first_quote"], c.Evidence[0].Quote)
		}
		if row["summary"] != c.Summary {
			t.Errorf("%s summary %q, want %q", c.ID, row["summary"], c.Summary)
		}
		if row["conditions"] != strings.Join(c.Conditions, "; ") {
			t.Errorf("%s conditions %q", c.ID, row["conditions"])
		}
		for _, s := range []string{c.Evidence[0].Quote, c.Summary} {
			sawComma = sawComma || strings.Contains(s, ",")
			sawQuote = sawQuote || strings.Contains(s, `"`)
		}
	}
	if !sawComma || !sawQuote {
		t.Errorf("dataset lacks a quote or summary with a comma (%v) or a double quote (%v)", sawComma, sawQuote)
	}
}

// commitmentIDs runs a predicate over the dataset: the expected result of a
// filter, worked out without the store.
func commitmentIDs(ds *cg.Dataset, keep func(*cg.Commitment) bool) []string {
	var out []string
	for _, c := range ds.Commitments {
		if keep(c) {
			out = append(out, c.ID)
		}
	}
	slices.Sort(out)
	return out
}

func citesSource(c *cg.Commitment, id string) bool {
	return slices.ContainsFunc(c.Evidence, func(e cg.Evidence) bool { return e.SourceID == id })
}

func TestExportFilters(t *testing.T) {
	ds := seedDataset(t)
	h := newHandler(seedStore(t))
	aug20 := cg.MustDate("2025-08-20")
	tests := []struct {
		query string
		keep  func(*cg.Commitment) bool
	}{
		{"kind=REFUSES_TROOPS", func(c *cg.Commitment) bool { return c.Kind == cg.RefusesTroops }},
		{"kind=REFUSES_TROOPS,OFFERS_AIR_SUPPORT", func(c *cg.Commitment) bool {
			return c.Kind == cg.RefusesTroops || c.Kind == cg.OffersAirSupport
		}},
		{"kind=REFUSES_TROOPS&kind=OFFERS_AIR_SUPPORT", func(c *cg.Commitment) bool {
			return c.Kind == cg.RefusesTroops || c.Kind == cg.OffersAirSupport
		}},
		{"actor=POL", func(c *cg.Commitment) bool { return c.ActorID == "POL" }},
		{"status=REFUSED&actor=USA", func(c *cg.Commitment) bool { return c.Status == cg.StatusRefused && c.ActorID == "USA" }},
		{"target=prop-ita-24h", func(c *cg.Commitment) bool { return c.TargetID == "prop-ita-24h" }},
		{"source=src-001", func(c *cg.Commitment) bool { return citesSource(c, "src-001") }},
		{"statedBy=trump", func(c *cg.Commitment) bool { return c.StatedByID == "trump" }},
		{"from=2025-08-20&to=2025-08-20", func(c *cg.Commitment) bool { return c.Date.Within(aug20, aug20) }},
		{"actor=" + url.QueryEscape("POL, USA"), func(c *cg.Commitment) bool { return c.ActorID == "POL" || c.ActorID == "USA" }},
		{"id=c-pol-refuses-troops", func(c *cg.Commitment) bool { return c.ID == "c-pol-refuses-troops" }},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			want := commitmentIDs(ds, tt.keep)
			if len(want) == 0 || len(want) == len(ds.Commitments) {
				t.Fatalf("filter selects %d of %d commitments: the test proves nothing", len(want), len(ds.Commitments))
			}
			var got []string
			for _, row := range exportCSV(t, h, tt.query) {
				got = append(got, row["id"])
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("csv: got %v, want %v", got, want)
			}
			g := exportJSON(t, h, tt.query)
			got = got[:0]
			for _, e := range g.Edges {
				if e.Family == "commitment" {
					got = append(got, e.ID)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("json: got %v, want %v", got, want)
			}
		})
	}
}

func TestExportBadParameters(t *testing.T) {
	h := newHandler(seedStore(t))
	tests := []struct {
		query, field string
	}{
		{"kind=FOO", "kind"},
		{"kind=REFUSES_TROOPS,FOO", "kind"},
		{"kind=HOLDS_OFFICE", "kind"}, // a relation kind, not a commitment kind
		{"status=MAYBE", "status"},
		{"from=2025-13", "from"},
		{"to=yesterday", "to"},
		{"from=2025-08-01&from=2025-08-02", "from"},
		{"asOf=Aug-20", "asOf"},
		{"asOf=2025-08-20&asOf=2025-08-21", "asOf"},
		{"kinds=REFUSES_TROOPS", "kinds"},
	}
	for _, path := range exportPaths {
		for _, tt := range tests {
			t.Run(path+"?"+tt.query, func(t *testing.T) {
				rec := get(t, h, path+"?"+tt.query)
				if rec.Code != http.StatusBadRequest {
					t.Fatalf("status %d, want 400", rec.Code)
				}
				if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
					t.Errorf("Content-Type %q", ct)
				}
				var body gqlResponse
				if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
					t.Fatalf("decode %q: %v", rec.Body.String(), err)
				}
				if len(body.Errors) != 1 {
					t.Fatalf("errors %+v", body.Errors)
				}
				e := body.Errors[0]
				if e.Code() != "BAD_USER_INPUT" || e.Extensions["field"] != tt.field || e.Message == "" {
					t.Errorf("error %+v, want code BAD_USER_INPUT, field %s", e, tt.field)
				}
			})
		}
	}
}

// TestExportAsOf reads the curated commitments as they stood on a day: a
// fact dated later than that is absent, one dated earlier present.
func TestExportAsOf(t *testing.T) {
	h := newHandler(seedStore(t))
	ids := func(query string) []string {
		rec := get(t, h, "/export/commitments.csv?"+query)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: status %d %s", query, rec.Code, rec.Body.String())
		}
		rows, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rows[1:] {
			out = append(out, r[0])
		}
		return out
	}
	all := ids("")
	early := ids("asOf=2025-08-16")
	late := ids("asOf=2025-08-20T23:59:59Z")
	if !(len(early) < len(late) && len(late) <= len(all)) {
		t.Fatalf("as of the 16th %d commitments, the 20th %d, now %d", len(early), len(late), len(all))
	}
	for _, id := range early {
		if !slices.Contains(late, id) {
			t.Errorf("%s was in effect on the 16th but not on the 20th", id)
		}
	}
}

// When reads need a key, so do exports: they hand out everything a query can.
func TestExportNeedsKeyWhenReadsDo(t *testing.T) {
	keys, err := httpapi.ParseAPIKeys("analyst:"+httpapi.HashKey("s3cret"), "test")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name         string
		readsNeedKey bool
		auth         string
		want         int
	}{
		{"open reads, no key", false, "", http.StatusOK},
		{"reads need key, none sent", true, "", http.StatusUnauthorized},
		{"reads need key, wrong key", true, "Bearer guess", http.StatusUnauthorized},
		{"reads need key, valid key", true, "Bearer s3cret", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := httpapi.Defaults()
			cfg.APIKeys, cfg.ReadsNeedKey = keys, tt.readsNeedKey
			h := httpapi.NewHandler(seedStore(t), cfg)
			for _, path := range exportPaths {
				req := httptest.NewRequest(http.MethodGet, path, nil)
				if tt.auth != "" {
					req.Header.Set("Authorization", tt.auth)
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != tt.want {
					t.Errorf("%s: status %d, want %d", path, rec.Code, tt.want)
				}
				if tt.want == http.StatusUnauthorized {
					var body gqlResponse
					if json.Unmarshal(rec.Body.Bytes(), &body) != nil || len(body.Errors) != 1 ||
						body.Errors[0].Code() != "UNAUTHENTICATED" || rec.Header().Get("WWW-Authenticate") == "" {
						t.Errorf("%s: %s", path, rec.Body.String())
					}
				}
			}
		})
	}
}

// bigStore is the curated dataset plus n synthetic commitments, enough for
// several export pages.
func bigStore(t testing.TB, n int) (cg.Store, int) {
	t.Helper()
	ds := seedDataset(t)
	base := ds.Commitments[0]
	for i := range n {
		c := *base
		c.ID = fmt.Sprintf("synthetic-%05d", i)
		c.Date = cg.Date{Year: 2020 + i%6, Month: 1 + i%12, Day: 1 + i%28}
		ds.Commitments = append(ds.Commitments, &c)
	}
	s, err := inmem.New(ds)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	return s, len(ds.Commitments)
}

// pageRecorder records the page requests an export makes.
type pageRecorder struct {
	cg.Store
	mu    sync.Mutex
	pages []cg.Page
	// failAfter makes every Commitments call after the first failAfter fail.
	failAfter int
}

func (p *pageRecorder) Commitments(ctx context.Context, f cg.CommitmentFilter, pg cg.Page) (*cg.CommitmentPage, error) {
	p.mu.Lock()
	p.pages = append(p.pages, pg)
	n := len(p.pages)
	p.mu.Unlock()
	if p.failAfter > 0 && n > p.failAfter {
		return nil, errors.New("driver: connection reset")
	}
	return p.Store.Commitments(ctx, f, pg)
}

func TestExportPagesThroughTheStore(t *testing.T) {
	s, total := bigStore(t, 1234)
	rec := &pageRecorder{Store: s}
	h := newHandler(rec)
	rows := exportCSV(t, h, "")
	if len(rows) != total {
		t.Fatalf("%d rows, want %d", len(rows), total)
	}
	seen := map[string]bool{}
	prev := ""
	for _, row := range rows {
		if seen[row["id"]] {
			t.Fatalf("%s exported twice", row["id"])
		}
		seen[row["id"]] = true
		// Date order, unknown dates last, as the API lists them.
		if d := row["date"]; prev != "" && d != "" && d < prev {
			t.Fatalf("row %s dated %s after %s", row["id"], d, prev)
		}
		if row["date"] != "" {
			prev = row["date"]
		}
	}
	wantPages := (total + 499) / 500
	if len(rec.pages) != wantPages {
		t.Errorf("%d store calls, want %d pages of 500", len(rec.pages), wantPages)
	}
	for i, p := range rec.pages {
		if p.First != 500 || (i == 0) != (p.After == "") {
			t.Errorf("page %d: %+v", i, p)
		}
	}

	// The graph exports page the same way.
	rec.pages = nil
	g := exportJSON(t, h, "")
	commitments := 0
	for _, e := range g.Edges {
		if e.Family == "commitment" {
			commitments++
		}
	}
	if commitments != total || len(rec.pages) != wantPages {
		t.Errorf("graph.json: %d commitments in %d pages", commitments, len(rec.pages))
	}
}

// A store failure before the first byte is an error response; after it, the
// connection is cut so that no client takes a partial file for a whole one.
func TestExportStoreFailures(t *testing.T) {
	s, _ := bigStore(t, 1234)
	t.Run("before the first byte", func(t *testing.T) {
		h := httpapi.NewHandler(faultyStore{Store: s, mode: "unavailable"}, httpapi.Defaults())
		for _, path := range exportPaths {
			rec := get(t, h, path)
			var body gqlResponse
			if rec.Code != http.StatusServiceUnavailable || json.Unmarshal(rec.Body.Bytes(), &body) != nil ||
				len(body.Errors) != 1 || body.Errors[0].Code() != "STORE_UNAVAILABLE" {
				t.Errorf("%s: %d %s", path, rec.Code, rec.Body.String())
			}
		}
		rec := get(t, httpapi.NewHandler(faultyStore{Store: s, mode: "internal"}, httpapi.Defaults()), exportPaths[0])
		if rec.Code != http.StatusInternalServerError || strings.Contains(rec.Body.String(), "driver") {
			t.Errorf("internal error: %d %s", rec.Code, rec.Body.String())
		}
	})
	for _, path := range exportPaths {
		t.Run("mid-stream "+path, func(t *testing.T) {
			srv := httptest.NewServer(httpapi.NewHandler(&pageRecorder{Store: s, failAfter: 1}, httpapi.Defaults()))
			defer srv.Close()
			resp, err := http.Get(srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if tidyExport(path) {
				// The tidy tables read their snapshot before the first
				// byte, so a failing page is an error response instead.
				if resp.StatusCode != http.StatusInternalServerError {
					t.Errorf("status %d, want 500 before any byte", resp.StatusCode)
				}
				return
			}
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			body, err := io.ReadAll(resp.Body)
			if err == nil {
				t.Errorf("read %d bytes without error; want the transfer cut", len(body))
			}
			if len(body) == 0 {
				t.Errorf("nothing streamed before the failure")
			}
		})
	}
}

func tidyExport(path string) bool {
	return strings.HasPrefix(path, "/export/tables/") || path == "/export/dataset.zip"
}

// discardWriter is a ResponseWriter that counts and drops the body, so the
// benchmark measures the export rather than a recorder's buffer growth.
type discardWriter struct {
	header http.Header
	status int
	n      int
}

func (d *discardWriter) Header() http.Header         { return d.header }
func (d *discardWriter) WriteHeader(status int)      { d.status = status }
func (d *discardWriter) Write(p []byte) (int, error) { d.n += len(p); return len(p), nil }

func BenchmarkExport(b *testing.B) {
	s, total := bigStore(b, 20000)
	h := newHandler(s)
	for _, path := range exportPaths {
		b.Run(strings.TrimPrefix(path, "/export/"), func(b *testing.B) {
			var size int
			for b.Loop() {
				w := &discardWriter{header: http.Header{}, status: http.StatusOK}
				h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
				if w.status != http.StatusOK {
					b.Fatalf("status %d", w.status)
				}
				size = w.n
			}
			b.ReportMetric(float64(size)/float64(total), "bytes/commitment")
			b.ReportMetric(float64(size), "bytes")
		})
	}
}
