package bbolt_test

import (
	"path/filepath"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/storetest"
)

// The versions puts make come back from the file, curated version 1
// included, and numbering goes on after a reopen.
func TestPutHistorySurvivesReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "graph.db")
	at := time.Date(2025, 8, 26, 10, 0, 0, 0, time.UTC)
	m := cg.WriteMeta{By: "editor-key", At: at, Reason: "renamed"}
	s := open(t, path, storetest.Fixture())
	if _, err := s.PutEntity(t.Context(), &cg.Entity{ID: "POL", Kind: cg.KindCountry, Name: "Republic of Poland"}, m); err != nil {
		t.Fatal(err)
	}
	src := *storetest.Fixture().Sources[1] // src-a
	src.Title = "Guarantees talks, updated"
	if _, err := s.PutSource(t.Context(), &src, m); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, path, nil)
	defer s.Close()
	m.At = at.Add(time.Hour)
	if _, err := s.PutEntity(t.Context(), &cg.Entity{ID: "POL", Kind: cg.KindCountry, Name: "Poland"}, m); err != nil {
		t.Fatal(err)
	}
	eh, err := s.EntityHistory(t.Context(), "POL")
	if err != nil {
		t.Fatal(err)
	}
	sh, err := s.SourceHistory(t.Context(), "src-a")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		got  []string
		want []string
	}{
		{"entity", names(eh, func(v cg.EntityVersion) string { return v.Entity.Name }, func(v cg.EntityVersion) int { return v.Version }),
			[]string{"1 Poland", "2 Republic of Poland", "3 Poland"}},
		{"source", names(sh, func(v cg.SourceVersion) string { return v.Source.Title }, func(v cg.SourceVersion) int { return v.Version }),
			[]string{"1 Guarantees talks", "2 Guarantees talks, updated"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.got) != len(tc.want) {
				t.Fatalf("history %q, want %q", tc.got, tc.want)
			}
			for i := range tc.got {
				if tc.got[i] != tc.want[i] {
					t.Errorf("history %q, want %q", tc.got, tc.want)
				}
			}
		})
	}
	if eh[2].RecordedAt.IsZero() || !eh[0].RecordedAt.IsZero() {
		t.Errorf("stamps: curated %v, third %v", eh[0].RecordedAt, eh[2].RecordedAt)
	}
}

func names[T any](vs []T, name func(T) string, version func(T) int) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(rune('0'+version(v))) + " " + name(v)
	}
	return out
}

// A file whose sources have no text (written before sources carried it)
// gets the seed's text for the sources whose file matches, once, so that
// writes can cite them again.
func TestOldFileGetsSourceTexts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "graph.db")
	old := storetest.Fixture()
	for _, src := range old.Sources {
		src.Text = ""
	}
	old.Sources[0].File = "moved.txt" // src-c: not the seed's article
	s := open(t, path, old)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, path, storetest.Fixture())
	got, err := s.Sources(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	seed := map[string]string{}
	for _, src := range storetest.Fixture().Sources {
		seed[src.ID] = src.Text
	}
	check := func(s *cg.Source) {
		t.Helper()
		if want := seed[s.ID]; s.ID == "src-c" && s.Text != "" || s.ID != "src-c" && s.Text != want {
			t.Errorf("%s has %d bytes of text", s.ID, len(s.Text))
		}
	}
	for _, src := range got {
		check(src)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Saved: a later open without a seed keeps them.
	s = open(t, path, nil)
	defer s.Close()
	got, err = s.Sources(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range got {
		check(src)
	}
}
