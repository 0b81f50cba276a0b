package dataset

import (
	"io/fs"
	"strings"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/dataset/data"
)

// TestIssue12Corrections holds one check per data correction of issue 12.
// Each names what the article says, so a check fails if the data drifts
// back to what the article does not say.
func TestIssue12Corrections(t *testing.T) {
	// The embedded copies, which TestSourceCopiesMatchSharedSeeds holds
	// equal to the originals.
	ds, err := Default()
	if err != nil {
		t.Fatalf("embedded dataset does not load:\n%v", err)
	}
	sources := map[string]*cg.Source{}
	for _, s := range ds.Sources {
		sources[s.ID] = s
	}
	entities := map[string]*cg.Entity{}
	for _, e := range ds.Entities {
		entities[e.ID] = e
	}
	text := func(t *testing.T, id string) string {
		t.Helper()
		s := sources[id]
		if s == nil {
			t.Fatalf("no source %s", id)
		}
		b, err := fs.ReadFile(data.FS, "sources/"+s.File)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	tests := []struct {
		name  string
		check func(t *testing.T)
	}{
		{"c-hun-venue: Hungary is not coded as offering a venue", func(t *testing.T) {
			for _, c := range ds.Commitments {
				if c.ActorID == "HUN" && c.Kind == cg.OffersVenue {
					t.Errorf("commitment %s codes Hungary as offering a venue; src-000 only says it %q", c.ID, "has also emerged as an alternative host")
				}
			}
			var found bool
			for _, c := range ds.Claims {
				for _, ev := range c.Evidence {
					if c.SubjectID == "ev-putin-zelensky-talks" && ev.SourceID == "src-000" && strings.Contains(ev.Quote, "emerged as an alternative host") {
						found = true
					}
				}
			}
			if !found {
				t.Error("the fact that Hungary emerged as an alternative host is lost: no claim on ev-putin-zelensky-talks quotes it")
			}
		}},
		{"prop-ita-24h: dated to the August plan, not March", func(t *testing.T) {
			e := entities["prop-ita-24h"]
			if e == nil {
				t.Fatal("no prop-ita-24h")
			}
			if got := e.Date.String(); got != "2025-08" {
				t.Errorf("prop-ita-24h date = %q; want 2025-08 (Bloomberg reported the plan on Aug. 20), not the March 2025 idea", got)
			}
			if !strings.Contains(text(t, "src-001"), "Bloomberg reported on Aug. 20") {
				t.Error("src-001 no longer says the plan was reported on Aug. 20")
			}
		}},
		{"ev-coalition-call: announced, not held", func(t *testing.T) {
			e := entities["ev-coalition-call"]
			if e == nil {
				t.Fatal("no ev-coalition-call")
			}
			if !strings.Contains(e.Description, `"will occur"`) || !strings.Contains(e.Description, "does not say it was held") {
				t.Errorf("description %q does not say the call was only announced", e.Description)
			}
			for _, r := range ds.Relations {
				if r.ToID == "ev-coalition-call" && r.Role == "participant" {
					t.Errorf("relation %s has role %q, as if the call had been held", r.ID, r.Role)
				}
			}
		}},
		{"src-002: title from its text", func(t *testing.T) {
			const want = "Ukraine is offered NATO-like security without joining the Alliance"
			if got := sources["src-002"].Title; got != want {
				t.Errorf("src-002 title = %q; want %q", got, want)
			}
			if !strings.Contains(text(t, "src-002"), "\n"+want+"\n") {
				t.Errorf("src-002 has no line %q", want)
			}
		}},
		{"src-003: outlet inferred from whom it credits, and marked so", func(t *testing.T) {
			s := sources["src-003"]
			if s.Outlet != "24brussels" || !s.OutletInferred || !strings.Contains(s.OutletReasoning, `"reports 24brussels"`) {
				t.Errorf("src-003 outlet %q (inferred %v, %q); want 24brussels, inferred from %q", s.Outlet, s.OutletInferred, s.OutletReasoning, "reports 24brussels")
			}
			if !strings.Contains(text(t, "src-003"), "reports 24brussels") {
				t.Error("src-003 no longer says it reports 24brussels")
			}
		}},
		{"publication bounds are the articles' own", func(t *testing.T) {
			for _, tc := range []struct {
				id, notBefore, notAfter string
				quotes                  []string // what the reasoning rests on, in the article
			}{
				{"src-001", "2025-08-20", "", []string{"Bloomberg reported on Aug. 20", "saying on Aug. 20"}},
				{"src-002", "2025-08-18", "", []string{"the meeting in Washington"}},
				{"src-003", "2025-08-16", "2025-08-17", []string{"on Saturday, following Trump’s summit", "will occur on Sunday", "visit Washington on Monday"}},
				{"src-004", "2025-08-20", "2025-08-26", []string{"Russia said on Wednesday"}},
			} {
				s := sources[tc.id]
				if s.Published.Known() || s.PublishedNotBefore.String() != tc.notBefore || s.PublishedNotAfter.String() != tc.notAfter {
					t.Errorf("%s: published %q, bounds %q–%q; want bounds %q–%q", tc.id, s.Published, s.PublishedNotBefore, s.PublishedNotAfter, tc.notBefore, tc.notAfter)
				}
				if !s.PublishedInferred() || s.PublishedReasoning == "" {
					t.Errorf("%s: bounds not marked inferred with their reasoning", tc.id)
				}
				for _, q := range tc.quotes {
					if !strings.Contains(text(t, tc.id), q) {
						t.Errorf("%s: the reasoning rests on %q, which the article does not say", tc.id, q)
					}
				}
			}
			if s := sources["src-000"]; s.Published.String() != "2025-08-21" || s.PublishedInferred() {
				t.Errorf("src-000: published %s (inferred %v); want the stated 2025-08-21", s.Published, s.PublishedInferred())
			}
		}},
		{"src-001: author from its byline", func(t *testing.T) {
			if got := sources["src-001"].Author; got != "Abbey Fenbert" {
				t.Errorf("src-001 author = %q; want Abbey Fenbert", got)
			}
		}},
		{"inferred dates are marked inferred, with their reasoning", func(t *testing.T) {
			inferred := map[string]bool{"c-usa-proposes-art5": true, "c-rus-opposes-guarantees": true, "c-nato-mc-supports-ukr": true}
			for _, c := range ds.Commitments {
				if inferred[c.ID] {
					delete(inferred, c.ID)
					if !c.DateInferred() || !strings.Contains(c.DateReasoning, "src-") {
						t.Errorf("%s: date %s is inferred from other sentences but not marked so with its reasoning: %q", c.ID, c.Date, c.DateReasoning)
					}
				}
			}
			for id := range inferred {
				t.Errorf("no commitment %s", id)
			}
		}},
		{"every stated title, outlet and date is in its article", func(t *testing.T) {
			for _, s := range ds.Sources {
				body := text(t, s.ID)
				if s.Title != "" && !strings.Contains(body, s.Title) {
					t.Errorf("%s: title %q is not in the article", s.ID, s.Title)
				}
				if s.Author != "" && !strings.Contains(body, s.Author) {
					t.Errorf("%s: author %q is not in the article", s.ID, s.Author)
				}
				if s.Outlet != "" && !strings.Contains(body, s.Outlet) {
					t.Errorf("%s: outlet %q is not in the article", s.ID, s.Outlet)
				}
				if s.Published.Known() && !strings.Contains(body, "date "+s.Published.String()) {
					t.Errorf("%s: published %s is not stated in the article", s.ID, s.Published)
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.check)
	}
}
