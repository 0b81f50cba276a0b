package httpapi_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/coalitiongraph/coalitiongraph/httpapi"
)

// TestSchemaSDL checks that /schema.graphql is a schema a client can load,
// with every type, field and argument of graph/*.graphqls and their
// descriptions, and that it is hidden with introspection.
func TestSchemaSDL(t *testing.T) {
	files, err := filepath.Glob("../graph/*.graphqls")
	if err != nil || len(files) == 0 {
		t.Fatalf("schema files: %v (%d found)", err, len(files))
	}
	var sources []*ast.Source
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, &ast.Source{Name: f, Input: string(src)})
	}
	want := gqlparser.MustLoadSchema(sources...)

	for _, tc := range []struct {
		introspection bool
		status        int
	}{{true, http.StatusOK}, {false, http.StatusNotFound}} {
		cfg := httpapi.Defaults()
		cfg.Introspection = tc.introspection
		h := httpapi.NewHandler(seedStore(t), cfg)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/schema.graphql", nil))
		if rec.Code != tc.status {
			t.Fatalf("introspection=%v: status %d, want %d", tc.introspection, rec.Code, tc.status)
		}
		if !tc.introspection {
			continue
		}
		body, _ := io.ReadAll(rec.Body)
		got, gerr := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: string(body)})
		if gerr != nil {
			t.Fatalf("served SDL does not load: %v\n%s", gerr, body)
		}
		if got.Description != want.Description || want.Description == "" {
			t.Errorf("schema description %q, want %q", got.Description, want.Description)
		}
		described := 0
		for name, wt := range want.Types {
			if wt.BuiltIn {
				continue
			}
			gt := got.Types[name]
			if gt == nil {
				t.Errorf("type %s missing from /schema.graphql", name)
				continue
			}
			if gt.Description != wt.Description {
				t.Errorf("type %s: description %q, want %q", name, gt.Description, wt.Description)
			}
			if wt.Description != "" {
				described++
			}
			for _, wf := range wt.Fields {
				gf := gt.Fields.ForName(wf.Name)
				if gf == nil {
					t.Errorf("field %s.%s missing", name, wf.Name)
					continue
				}
				if gf.Description != wf.Description {
					t.Errorf("field %s.%s: description %q, want %q", name, wf.Name, gf.Description, wf.Description)
				}
				for _, wa := range wf.Arguments {
					if ga := gf.Arguments.ForName(wa.Name); ga == nil || ga.Description != wa.Description {
						t.Errorf("argument %s.%s(%s) missing or described differently", name, wf.Name, wa.Name)
					}
				}
			}
		}
		if described == 0 {
			t.Error("schema.graphqls has no described type: the description check checked nothing")
		}
	}
}
