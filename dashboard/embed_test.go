package dashboard

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

func TestHandlerRoutes(t *testing.T) {
	files := fstest.MapFS{
		"index.html":           {Data: []byte("<!doctype html><p>app</p>")},
		"assets/index-abc.js":  {Data: []byte("console.log(1)")},
		"assets/index-abc.css": {Data: []byte("body{}")},
	}
	h := handler(files)
	tests := []struct {
		name, method, path string
		status             int
		contentType        string
		location           string
		body               string
		cache              string
	}{
		{name: "bare prefix redirects", method: "GET", path: "/dashboard", status: 301, location: "/dashboard/"},
		{name: "redirect keeps the query", method: "GET", path: "/dashboard?x=1", status: 301, location: "/dashboard/?x=1"},
		{name: "root is the app", method: "GET", path: "/dashboard/", status: 200, contentType: "text/html; charset=utf-8", body: "<p>app</p>", cache: "no-cache"},
		{name: "script", method: "GET", path: "/dashboard/assets/index-abc.js", status: 200, contentType: "text/javascript; charset=utf-8", body: "console.log(1)", cache: "public, max-age=31536000, immutable"},
		{name: "stylesheet", method: "GET", path: "/dashboard/assets/index-abc.css", status: 200, contentType: "text/css; charset=utf-8"},
		{name: "app route falls back to the app", method: "GET", path: "/dashboard/actor/POL", status: 200, contentType: "text/html; charset=utf-8", body: "<p>app</p>"},
		{name: "missing asset is 404", method: "GET", path: "/dashboard/assets/old-123.js", status: 404},
		{name: "dot-dot stays inside", method: "GET", path: "/dashboard/../embed.go", status: 404},
		{name: "head", method: "HEAD", path: "/dashboard/", status: 200, contentType: "text/html; charset=utf-8"},
		{name: "post refused", method: "POST", path: "/dashboard/", status: 405},
		{name: "outside the prefix", method: "GET", path: "/elsewhere", status: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d (body %q)", rec.Code, tt.status, rec.Body.String())
			}
			if tt.contentType != "" && rec.Header().Get("Content-Type") != tt.contentType {
				t.Errorf("Content-Type %q, want %q", rec.Header().Get("Content-Type"), tt.contentType)
			}
			if tt.location != "" && rec.Header().Get("Location") != tt.location {
				t.Errorf("Location %q, want %q", rec.Header().Get("Location"), tt.location)
			}
			if tt.body != "" && !strings.Contains(rec.Body.String(), tt.body) {
				t.Errorf("body %q does not contain %q", rec.Body.String(), tt.body)
			}
			if tt.cache != "" && rec.Header().Get("Cache-Control") != tt.cache {
				t.Errorf("Cache-Control %q, want %q", rec.Header().Get("Cache-Control"), tt.cache)
			}
		})
	}
}

// TestEmbeddedBundle checks the committed build: the page exists and every
// asset it references is embedded and served with its content type.
func TestEmbeddedBundle(t *testing.T) {
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	res, err := http.Get(srv.URL + "/dashboard/")
	if err != nil {
		t.Fatalf("get the page: %v", err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("page status %d", res.StatusCode)
	}
	refs := regexp.MustCompile(`(?:src|href)="(/dashboard/assets/[^"]+)"`).FindAllStringSubmatch(string(page), -1)
	if len(refs) < 2 {
		t.Fatalf("page references %d assets, want a script and a stylesheet: %s", len(refs), page)
	}
	want := map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
	for _, ref := range refs {
		res, err := http.Get(srv.URL + ref[1])
		if err != nil {
			t.Fatalf("get %s: %v", ref[1], err)
		}
		res.Body.Close()
		ext := ref[1][strings.LastIndex(ref[1], "."):]
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != want[ext] {
			t.Errorf("%s: status %d, Content-Type %q", ref[1], res.StatusCode, res.Header.Get("Content-Type"))
		}
	}
	// The lazily loaded network chunk must be embedded too.
	sub, _ := fs.Sub(dist, "dist")
	chunks, _ := fs.Glob(sub, "assets/cytoscape*.js")
	if len(chunks) != 1 {
		t.Errorf("cytoscape chunks embedded: %v, want one", chunks)
	}
}
