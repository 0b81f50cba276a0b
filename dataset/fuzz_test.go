package dataset

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/coalitiongraph/coalitiongraph/inmem"
)

// FuzzLoad feeds one arbitrary dataset file, after the bad fixtures' base
// file, to the loader. Whatever the bytes, it must not panic or hang; it
// answers either a dataset the store accepts or problems that each name a
// file given and a line inside it. The seed corpus is every fixture (and
// testdata/fuzz/FuzzLoad, which holds YAML bombs and odd encodings).
//
//	go test ./dataset -run '^$' -fuzz FuzzLoad -fuzztime 20s
func FuzzLoad(f *testing.F) {
	base, err := os.ReadFile("testdata/base.yaml")
	if err != nil {
		f.Fatal(err)
	}
	seeds, _ := filepath.Glob("testdata/bad/*/x.yaml")
	good, _ := filepath.Glob("testdata/good/*.yaml")
	for _, p := range append(seeds, good...) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		files := []File{{Name: "base.yaml", Data: base}, {Name: "fuzz.yaml", Data: data}}
		ds, err := LoadAll(files, testSources)
		if err != nil {
			if ds != nil {
				t.Fatal("a dataset along with errors")
			}
			var errs *Errors
			if !errors.As(err, &errs) || len(errs.Problems) == 0 {
				t.Fatalf("error %T %v, want *Errors with problems", err, err)
			}
			for _, p := range errs.Problems {
				var lines int
				switch p.File {
				case "base.yaml":
					lines = yamlLines(base)
				case "fuzz.yaml":
					lines = yamlLines(data)
				default:
					t.Fatalf("problem %q names a file not given", p)
				}
				if p.Line < 0 || p.Line > lines || p.Msg == "" {
					t.Fatalf("problem %q: line outside its %d-line file, or no message", p, lines)
				}
			}
			return
		}
		if _, err := inmem.New(ds); err != nil {
			t.Fatalf("the loader accepted a dataset the store refuses: %v", err)
		}
	})
}

// yamlLines counts lines as YAML does: a lone carriage return breaks a line
// too, so a file of `"` and CR has an error on its line 2.
func yamlLines(b []byte) int {
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	return bytes.Count(b, []byte("\n")) + bytes.Count(b, []byte("\r")) + 1
}
