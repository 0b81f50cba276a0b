package httpapi

import (
	"bytes"
	"net/http"

	"github.com/vektah/gqlparser/v2/formatter"

	"github.com/coalitiongraph/coalitiongraph/graph"
)

// schemaSDL is the served schema in SDL, descriptions included, printed from
// the executable schema rather than read from schema.graphqls so that it is
// exactly what the server validates against.
func schemaSDL() []byte {
	var b bytes.Buffer
	formatter.NewFormatter(&b).FormatSchema(graph.NewExecutableSchema(graph.Config{}).Schema())
	return b.Bytes()
}

// serveSchema answers GET /schema.graphql. It is introspection in another
// form, so a server with introspection off does not serve it either.
func serveSchema(cfg Config) http.HandlerFunc {
	sdl := schemaSDL()
	return func(w http.ResponseWriter, r *http.Request) {
		if !cfg.Introspection {
			http.Error(w, "the schema is not published: introspection is disabled", http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(sdl)
	}
}
