// Package dataset loads the curated dataset (docs/dataset.md) into a
// coalitiongraph.Dataset. It refuses data it cannot vouch for: every
// problem is reported with the file and line to fix, all at once, so that a
// curator can correct a whole file in one pass instead of one error per run.
package dataset

import (
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"

	"github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/dataset/data"
)

// embeddedPrefix names the embedded files the way a curator finds them in
// the repository, so messages from Default point straight at the file.
const embeddedPrefix = "dataset/data/"

// File is one dataset file's content and the name problems are reported
// under.
type File struct {
	Name string
	Data []byte
}

// Problem is one thing wrong with the data.
type Problem struct {
	File string
	// Line is 1-based; 0 when the YAML parser could not say where.
	Line int
	Msg  string
}

func (p Problem) String() string {
	if p.Line == 0 {
		return fmt.Sprintf("%s: %s", p.File, p.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
}

// Errors is every problem found while loading, in file order, then line
// order.
type Errors struct {
	Problems []Problem
}

func (e *Errors) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Load reads every *.yaml file at the top of files, in name order, and
// resolves each source's `file:` in sources (the article texts). A non-nil
// error is a *Errors unless files itself cannot be listed.
func Load(files fs.FS, sources fs.FS) (*coalitiongraph.Dataset, error) {
	fl, err := readFS(files, "")
	if err != nil {
		return nil, err
	}
	return LoadAll(fl, sources)
}

// LoadFiles loads dataset files from disk, in the order given; problems
// name each file by the path given.
func LoadFiles(paths []string, sources fs.FS) (*coalitiongraph.Dataset, error) {
	fl, probs := readPaths(paths)
	if len(probs) > 0 {
		return nil, &Errors{Problems: probs}
	}
	return LoadAll(fl, sources)
}

// Default loads the curated dataset embedded in the binary.
func Default() (*coalitiongraph.Dataset, error) {
	fl, src, err := Embedded()
	if err != nil {
		return nil, err
	}
	return LoadAll(fl, src)
}

// LoadWith loads the embedded dataset together with extra files from disk,
// validated as one dataset: the extra files may refer to ids of the
// embedded ones, and an id defined in both is a duplicate. Sources cited by
// the extra files are looked up among the embedded article copies.
func LoadWith(extra []string) (*coalitiongraph.Dataset, error) {
	fl, src, err := Embedded()
	if err != nil {
		return nil, err
	}
	more, probs := readPaths(extra)
	if len(probs) > 0 {
		return nil, &Errors{Problems: probs}
	}
	return LoadAll(append(fl, more...), src)
}

// Embedded returns the embedded dataset files (named dataset/data/<file>) and
// the embedded article copies, for callers that combine them with files of
// their own before LoadAll.
func Embedded() ([]File, fs.FS, error) {
	fl, err := readFS(data.FS, embeddedPrefix)
	if err != nil {
		return nil, nil, err
	}
	src, err := fs.Sub(data.FS, "sources")
	if err != nil {
		return nil, nil, fmt.Errorf("embedded sources: %w", err)
	}
	return fl, src, nil
}

// LoadAll parses and checks files as one dataset, in the order given. A
// non-nil error is a *Errors.
func LoadAll(files []File, sources fs.FS) (*coalitiongraph.Dataset, error) {
	l := newLoader(files, sources)
	ds := l.run()
	if len(l.problems) > 0 {
		return nil, &Errors{Problems: l.sorted()}
	}
	return ds, nil
}

func readFS(files fs.FS, prefix string) ([]File, error) {
	names, err := fs.Glob(files, "*.yaml")
	if err != nil {
		return nil, fmt.Errorf("list dataset files: %w", err)
	}
	sort.Strings(names)
	out := make([]File, 0, len(names))
	for _, n := range names {
		b, err := fs.ReadFile(files, n)
		if err != nil {
			return nil, fmt.Errorf("read dataset file %s: %w", n, err)
		}
		out = append(out, File{Name: prefix + n, Data: b})
	}
	return out, nil
}

func readPaths(paths []string) ([]File, []Problem) {
	var out []File
	var probs []Problem
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			probs = append(probs, Problem{File: p, Msg: fmt.Sprintf("cannot read: %v", err)})
			continue
		}
		out = append(out, File{Name: p, Data: b})
	}
	return out, probs
}
