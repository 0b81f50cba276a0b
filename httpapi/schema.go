package httpapi

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/vektah/gqlparser/v2/formatter"

	"github.com/coalitiongraph/coalitiongraph/graph"
)

// schemaSDL is the served schema in SDL, descriptions included, printed from
// the executable schema rather than read from schema.graphqls so that it is
// exactly what the server validates against.
func schemaSDL() []byte {
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	var b bytes.Buffer
	if schema.Description != "" {
		// gqlparser's formatter drops the schema's own description, and
		// omits the schema block when its root types have default names.
		fmt.Fprintf(&b, "\"\"\"\n%s\n\"\"\"\nschema {\n", strings.ReplaceAll(schema.Description, `"""`, `\"""`))
		for _, root := range []struct {
			op string
			t  *ast.Definition
		}{{"query", schema.Query}, {"mutation", schema.Mutation}, {"subscription", schema.Subscription}} {
			if root.t != nil {
				fmt.Fprintf(&b, "  %s: %s\n", root.op, root.t.Name)
			}
		}
		b.WriteString("}\n\n")
	}
	formatter.NewFormatter(&b).FormatSchema(schema)
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
