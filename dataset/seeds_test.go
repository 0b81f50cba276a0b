package dataset

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/dataset/data"
)

// sharedSeeds is the original article directory, outside the module.
const sharedSeeds = "../../shared/seeds"

// recordedSeeds are the SHA-256 sums of the original articles. A clone of
// the module alone has no sharedSeeds; there the embedded copies are checked
// against these sums instead, so a drifted copy still fails.
var recordedSeeds = map[string]string{
	"000_7a6dea6409ba7262.txt": "308778ca790a4e2216eac54c3e6456287d30b6db43a9b82f6d507ae49d4785a4",
	"001_5551da8d7998cf34.txt": "10124179d05f4c66d3cb777e834f8b2153baee2c716814de43a83128100d241f",
	"002_c7c84230df0db919.txt": "c9b6a444bc0074fab1300ff87ff379be9b31e35342d8723fd31d1564b579ffdb",
	"003_f7cc6cf0b39218d2.txt": "ec23cd94f344c2c16ef68e8dd9fe1d8f70d14629f20315609a86372b2dc731a6",
	"004_197bfae8d1a8e2c1.txt": "d421509fe0d7440f547dfd5cd527f1c965a1bee45b84635736d139538441259a",
}

// seeds returns the original articles: sharedSeeds when it exists (CI
// requires it), otherwise the embedded copies once they match recordedSeeds.
func seeds(t *testing.T) (fs.FS, string) {
	t.Helper()
	if _, err := os.Stat(sharedSeeds); err == nil {
		return os.DirFS(sharedSeeds), sharedSeeds
	} else if os.Getenv("CI") == "true" {
		t.Fatalf("shared seeds (required with CI=true): %v", err)
	}
	copies, err := fs.Sub(data.FS, "sources")
	if err != nil {
		t.Fatal(err)
	}
	checkRecorded(t, copies, "dataset/data/sources")
	return copies, "dataset/data/sources (hash-checked)"
}

// checkRecorded fails unless dir holds exactly the recorded articles.
func checkRecorded(t *testing.T, dir fs.FS, name string) {
	t.Helper()
	entries, err := fs.ReadDir(dir, ".")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".txt") {
			continue
		}
		seen[e.Name()] = true
		b, err := fs.ReadFile(dir, e.Name())
		if err != nil {
			t.Fatal(err)
		}
		want, ok := recordedSeeds[e.Name()]
		got := fmt.Sprintf("%x", sha256.Sum256(b))
		switch {
		case !ok:
			t.Errorf("%s/%s has no recorded hash in recordedSeeds", name, e.Name())
		case got != want:
			t.Errorf("%s/%s: sha256 %s, recorded %s", name, e.Name(), got, want)
		}
	}
	for f := range recordedSeeds {
		if !seen[f] {
			t.Errorf("%s has no %s", name, f)
		}
	}
}

// TestRecordedSeeds keeps recordedSeeds honest where the originals exist.
func TestRecordedSeeds(t *testing.T) {
	dir, name := seeds(t)
	checkRecorded(t, dir, name)
}

func TestSourceCopiesMatchSharedSeeds(t *testing.T) {
	dir, name := seeds(t)
	copies, err := fs.ReadDir(data.FS, "sources")
	if err != nil {
		t.Fatal(err)
	}
	if len(copies) == 0 {
		t.Fatal("no article copies embedded")
	}
	seen := map[string]bool{}
	for _, c := range copies {
		seen[c.Name()] = true
		got, err := fs.ReadFile(data.FS, "sources/"+c.Name())
		if err != nil {
			t.Fatal(err)
		}
		want, err := fs.ReadFile(dir, c.Name())
		if err != nil {
			t.Errorf("copy %s has no original: %v", c.Name(), err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("dataset/data/sources/%s differs from %s/%s", c.Name(), name, c.Name())
		}
	}
	originals, err := fs.ReadDir(dir, ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range originals {
		if strings.HasSuffix(o.Name(), ".txt") && !seen[o.Name()] {
			t.Errorf("%s/%s has no copy in dataset/data/sources", name, o.Name())
		}
	}
}

// TestDefaultDatasetQuotesVerbatim checks the embedded dataset against the
// original articles rather than the copies the loader used, so a drifted
// copy cannot vouch for itself.
func TestDefaultDatasetQuotesVerbatim(t *testing.T) {
	dir, _ := seeds(t)
	ds, err := Default()
	if err != nil {
		t.Fatalf("embedded dataset does not load:\n%v", err)
	}
	if len(ds.Commitments) == 0 {
		t.Fatal("embedded dataset has no commitments")
	}
	files := map[string]string{}
	for _, s := range ds.Sources {
		files[s.ID] = s.File
	}
	texts := map[string]string{}
	check := func(what string, evs []cg.Evidence) {
		for _, ev := range evs {
			name, ok := files[ev.SourceID]
			if !ok {
				t.Errorf("%s: unknown source %q", what, ev.SourceID)
				continue
			}
			text, ok := texts[name]
			if !ok {
				b, err := fs.ReadFile(dir, name)
				if err != nil {
					t.Errorf("%s: %v", what, err)
					continue
				}
				text, texts[name] = string(b), string(b)
			}
			line, found := startLine(text, ev.Quote)
			switch {
			case ev.Quote == "" || !found:
				t.Errorf("%s: quote %q is not verbatim in %s", what, ev.Quote, name)
			case line != ev.Line:
				t.Errorf("%s: quote %q starts on line %d of %s, Evidence.Line is %d", what, ev.Quote, line, name, ev.Line)
			}
		}
	}
	for _, e := range ds.Entities {
		if (e.Kind == cg.KindProposal || e.Kind == cg.KindEvent || e.Kind == cg.KindAgreement) && len(e.Evidence) == 0 {
			t.Errorf("entity %s (%s) has no evidence", e.ID, e.Kind)
		}
		check("entity "+e.ID, e.Evidence)
	}
	for _, r := range ds.Relations {
		if len(r.Evidence) == 0 {
			t.Errorf("relation %s has no evidence", r.ID)
		}
		check("relation "+r.ID, r.Evidence)
	}
	for _, c := range ds.Commitments {
		if len(c.Evidence) == 0 {
			t.Errorf("commitment %s has no evidence", c.ID)
		}
		check("commitment "+c.ID, c.Evidence)
	}
	for _, c := range ds.Claims {
		if len(c.Evidence) == 0 {
			t.Errorf("claim %s has no evidence", c.ID)
		}
		check("claim "+c.ID, c.Evidence)
	}
}

// startLine finds quote in text line by line, independently of the
// loader's offset arithmetic.
func startLine(text, quote string) (int, bool) {
	i := strings.Index(text, quote)
	if i < 0 {
		return 0, false
	}
	pos := 0
	for n, l := range strings.SplitAfter(text, "\n") {
		if i < pos+len(l) {
			return n + 1, true
		}
		pos += len(l)
	}
	return 0, false
}

func writeTemp(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "extra.yaml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadWithRefersToEmbedded(t *testing.T) {
	extra := writeTemp(t, `entities:
  - id: extra-endorsement
    kind: EVENT
    name: Meloni endorses the plan
    evidence:
      - source: src-000
        quote: "Italian Prime Minister Giorgia Meloni has endorsed a proposal"
`)
	ds, err := LoadWith([]string{extra})
	if err != nil {
		var errs *Errors
		if errors.As(err, &errs) {
			for _, p := range errs.Problems {
				if p.File == extra {
					t.Errorf("extra file rejected: %s", p)
				}
			}
		}
		t.Fatalf("LoadWith: %v", err)
	}
	var got *cg.Entity
	for _, e := range ds.Entities {
		if e.ID == "extra-endorsement" {
			got = e
		}
	}
	if got == nil || len(got.Evidence) != 1 || got.Evidence[0].Line != 1 {
		t.Fatalf("extra entity = %+v, want it loaded with evidence on line 1", got)
	}
}

func TestLoadWithDuplicateOfEmbedded(t *testing.T) {
	extra := writeTemp(t, `sources:
  - id: src-000
    file: 000_7a6dea6409ba7262.txt
`)
	_, err := LoadWith([]string{extra})
	var errs *Errors
	if !errors.As(err, &errs) {
		t.Fatalf("LoadWith = %v, want *Errors", err)
	}
	for _, p := range errs.Problems {
		if p.File == extra && p.Line == 2 && strings.Contains(p.Msg, `duplicate id "src-000": the first is the source at dataset/data/sources.yaml:`) {
			return
		}
	}
	t.Errorf("no duplicate-id problem at %s:2 among:\n%v", extra, err)
}
