package httpapi_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/coalitiongraph/coalitiongraph/httpapi"
)

// TestErrorCodesDocumented checks docs/errors.md's table against
// httpapi.ErrorCodes, both ways, status included.
func TestErrorCodesDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/errors.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("^\\| `([A-Z_]+)` \\| ([^|]+) \\| ([^|]*) \\|$")
	documented := map[string][2]string{}
	for i, l := range strings.Split(string(doc), "\n") {
		m := row.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		if _, dup := documented[m[1]]; dup {
			t.Errorf("docs/errors.md:%d: %s listed twice", i+1, m[1])
		}
		documented[m[1]] = [2]string{strings.TrimSpace(m[2]), strings.TrimSpace(m[3])}
	}
	listed := map[string]bool{}
	for _, c := range httpapi.ErrorCodes {
		listed[c.Code] = true
		d, ok := documented[c.Code]
		switch {
		case !ok:
			t.Errorf("%s is not in docs/errors.md's table", c.Code)
		case d[0] != c.Status:
			t.Errorf("docs/errors.md: %s has status %q, httpapi.ErrorCodes says %q", c.Code, d[0], c.Status)
		case d[1] == "":
			t.Errorf("docs/errors.md: %s has no meaning", c.Code)
		}
	}
	for code := range documented {
		if !listed[code] {
			t.Errorf("docs/errors.md documents %s, which httpapi.ErrorCodes does not list", code)
		}
	}
}

// TestEveryEmittedCodeListed reads the server's source: every constant of
// the domain's Code type or named code…, and every string literal given to
// setCode, errcode.Set or limitError or as a "code" map value in httpapi
// and graph, must be in httpapi.ErrorCodes. A new code fails here until it is
// listed (and then documented, by the test above).
func TestEveryEmittedCodeListed(t *testing.T) {
	listed := map[string]bool{}
	for _, c := range httpapi.ErrorCodes {
		listed[c.Code] = true
	}
	found := map[string]string{}
	fset := token.NewFileSet()
	for _, dir := range []string{"..", ".", "../graph"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") || strings.HasSuffix(name, "generated.go") {
				continue
			}
			f, err := parser.ParseFile(fset, name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			lit := func(e ast.Expr) {
				if b, ok := e.(*ast.BasicLit); ok && b.Kind == token.STRING {
					if v, err := strconv.Unquote(b.Value); err == nil {
						found[v] = fset.Position(b.Pos()).String()
					}
				}
			}
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.ValueSpec:
					isCode := false
					if id, ok := n.Type.(*ast.Ident); ok && id.Name == "Code" && dir == ".." {
						isCode = true
					}
					for _, name := range n.Names {
						if strings.HasPrefix(name.Name, "code") || strings.HasPrefix(name.Name, "Code") {
							isCode = true
						}
					}
					if isCode {
						for _, v := range n.Values {
							lit(v)
						}
					}
				case *ast.CallExpr:
					var fn string
					switch f := n.Fun.(type) {
					case *ast.Ident:
						fn = f.Name
					case *ast.SelectorExpr:
						if x, ok := f.X.(*ast.Ident); ok {
							fn = x.Name + "." + f.Sel.Name
						}
					}
					if fn == "setCode" || fn == "errcode.Set" || fn == "limitError" {
						for _, a := range n.Args {
							lit(a)
						}
					}
				case *ast.KeyValueExpr:
					if k, ok := n.Key.(*ast.BasicLit); ok && k.Value == `"code"` {
						lit(n.Value)
					}
				}
				return true
			})
		}
	}
	code := regexp.MustCompile(`^[A-Z][A-Z0-9_]+$`)
	n := 0
	for v, where := range found {
		if !code.MatchString(v) {
			continue
		}
		n++
		if !listed[v] {
			t.Errorf("%s: code %s is emitted but not in httpapi.ErrorCodes (nor docs/errors.md)", where, v)
		}
	}
	if n < 10 {
		t.Errorf("found only %d codes in the source: the scan is broken", n)
	}
}
