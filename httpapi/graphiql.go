package httpapi

import (
	"bytes"
	"embed"
	"encoding/json"
	"html/template"
	"io/fs"
	"net/http"
)

// GraphiQL is served from the binary: its files, at the versions pinned by
// graphiql/package.json, are vendored in graphiql/dist
// (scripts/graphiql-vendor.sh), so it works offline and behind firewalls.
//
//go:embed graphiql/index.html graphiql/init.js graphiql/dist
var graphiqlFiles embed.FS

// graphiqlPage serves the page, with the example queries, at /graphiql.
func graphiqlPage() http.HandlerFunc {
	tmpl := template.Must(template.ParseFS(graphiqlFiles, "graphiql/index.html"))
	examples, err := json.Marshal(exampleQueries)
	if err != nil {
		panic(err)
	}
	var b bytes.Buffer
	// html/template escapes the JSON for the <script> context it sits in.
	if err := tmpl.Execute(&b, template.JS(examples)); err != nil {
		panic(err)
	}
	html := b.Bytes()
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:")
		_, _ = w.Write(html)
	}
}

// graphiqlAssets serves the page's assets under /graphiql/assets/.
func graphiqlAssets() http.Handler {
	dist, _ := fs.Sub(graphiqlFiles, "graphiql")
	files := http.FileServerFS(dist)
	return http.StripPrefix("/graphiql/assets/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "init.js" {
			files.ServeHTTP(w, withPath(r, "/init.js"))
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=86400")
		files.ServeHTTP(w, withPath(r, "/dist/"+r.URL.Path))
	}))
}

func withPath(r *http.Request, p string) *http.Request {
	r2 := r.Clone(r.Context())
	r2.URL.Path = p
	return r2
}
