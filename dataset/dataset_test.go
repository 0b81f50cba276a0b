package dataset

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
)

var testSources = os.DirFS("testdata/sources")

type want struct {
	line int
	msg  string // a fragment of the message
}

// badCases maps each fixture directory under testdata/bad to the exact
// problems loading it after testdata/base.yaml must report.
var badCases = map[string][]want{
	"syntax":                        {{4, "YAML syntax: did not find expected ',' or ']'"}},
	"unknown-section":               {{2, `unknown section "entitys"`}},
	"unknown-field":                 {{2, "entity ITA: missing name"}, {4, `entity ITA: unknown field "nmae"`}},
	"unknown-evidence-field":        {{10, `commitment c1: evidence: unknown field "page"`}},
	"section-not-list":              {{2, "section entities: want a list"}},
	"item-not-mapping":              {{2, `entities: each item must be a mapping of fields, got the value "ITA"`}},
	"field-not-scalar":              {{4, "entity ITA: name: want a single value, got a list"}},
	"two-documents":                 {{2, "one YAML document"}},
	"missing-id":                    {{5, "entity: missing id"}},
	"malformed-id":                  {{2, `malformed id "Italy (country)"`}},
	"duplicate-id-across-files":     {{3, `duplicate id "POL": the first is the entity at testdata/base.yaml:7`}},
	"duplicate-id-across-sections":  {{6, `duplicate id "ITA": the first is the entity at testdata/bad/duplicate-id-across-sections/x.yaml:2`}},
	"unknown-entity-kind":           {{3, `entity rome: unknown entity kind "CITY"`}},
	"unknown-edge-kind":             {{3, `commitment c1: unknown commitment kind "OFFERS_TANKS"`}},
	"unknown-status":                {{6, `unknown status "MAYBE"`}},
	"missing-status":                {{2, "missing status (OFFERS_TROOPS allows PROPOSED, CONSIDERING"}},
	"status-not-allowed":            {{6, "status OFFERED is not allowed for REFUSES_TROOPS (allowed: REFUSED, WITHDRAWN)"}},
	"relation-kind-in-commitments":  {{3, "HOLDS_OFFICE is a relation kind"}},
	"commitment-kind-in-relations":  {{3, "SUPPORTS is a commitment kind"}},
	"commitment-from-event":         {{4, "OFFERS_TROOPS must be made by a COUNTRY, PERSON, ORGANISATION or GROUP; actor summit is of kind EVENT"}},
	"relation-misfit":               {{3, "HOLDS_OFFICE cannot run from COUNTRY POL to COUNTRY UKR"}},
	"unknown-actor":                 {{4, `actor: unknown entity "FRA"`}},
	"unknown-target":                {{5, `target: unknown entity "ukraine"`}},
	"missing-target":                {{2, `commitment c1: missing "target"`}},
	"actor-not-entity":              {{4, `actor: "src-a" is not an entity but the source at testdata/base.yaml:4`}},
	"unknown-relation-endpoint":     {{5, `relation r1: to: unknown entity "NATO"`}},
	"unknown-subject":               {{3, `claim claim1: subject: unknown entity "prop-nope"`}},
	"claim-no-position":             {{2, "claim claim1: missing position"}},
	"claim-position-not-normalised": {{6, `position "Will not send troops" is not normalised`}},
	"stance-actor-not-actor":        {{8, "stance actor summit is of kind EVENT"}},
	"stance-unknown-state":          {{10, `stance state "OFFERED": want one of UNDER_DISCUSSION`}},
	"unknown-statedby":              {{7, `statedBy: unknown entity "tusk"`}},
	"statedby-not-person":           {{7, "statedBy POL is of kind COUNTRY; want the PERSON"}},
	"unknown-source":                {{8, `evidence: unknown source "src-zzz"`}},
	"evidence-source-not-source":    {{8, `evidence: "POL" is not a source but the entity at testdata/base.yaml:7`}},
	"source-file-missing":           {{3, `source src-b: file "nope.txt" not found among the source articles`}},
	"bad-date":                      {{7, `bad date: date "2025-13-01": month out of range`}},
	"bad-date-words":                {{5, `bad date: date "Aug 20"`}},
	"bad-published":                 {{4, `bad published: date "21.08.2025"`}},
	"commitment-no-evidence":        {{2, "commitment c1: missing evidence"}},
	"commitment-empty-evidence":     {{7, "commitment c1: missing evidence"}},
	"relation-no-evidence":          {{2, "relation r1: missing evidence"}},
	"claim-no-evidence":             {{2, "claim claim1: missing evidence"}},
	"event-no-evidence":             {{5, "entity talks: missing evidence"}},
	"empty-quote":                   {{9, "evidence: empty quote"}},
	"quote-not-verbatim": {{9, "quote not found verbatim in article.txt (source src-a); " +
		`the source has "Italy’s Prime Minister Giorgia Meloni" (quotes, dashes or spacing differ)`}},
	"quote-changed-word": {{9, `quote not found verbatim in article.txt (source src-a); it matches up to "Poland clarified it w" (line 2), ` +
		`then the source has "ill not send forces into Ukrai…" where the quote has "ould not send forces into Ukra…"`}},
	"several": {
		{6, `actor: unknown entity "FRA"`},
		{8, "status PLEDGED is not allowed for SUPPORTS"},
		{13, "entity ITA: missing name"},
	},
}

func TestBadFixtures(t *testing.T) {
	dirs, err := os.ReadDir("testdata/bad")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if _, ok := badCases[d.Name()]; !ok {
			t.Errorf("fixture testdata/bad/%s has no expectation in badCases", d.Name())
		}
	}
	for name, wants := range badCases {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join("testdata", "bad", name, "x.yaml")
			ds, err := LoadFiles([]string{"testdata/base.yaml", file}, testSources)
			if err == nil {
				t.Fatalf("loaded %+v, want errors", ds)
			}
			if ds != nil {
				t.Errorf("got a dataset along with errors")
			}
			var errs *Errors
			if !errors.As(err, &errs) {
				t.Fatalf("error %T %v, want *Errors", err, err)
			}
			if len(errs.Problems) != len(wants) {
				t.Fatalf("got %d problems, want %d:\n%v", len(errs.Problems), len(wants), err)
			}
			for i, w := range wants {
				p := errs.Problems[i]
				if p.File != file || p.Line != w.line || !strings.Contains(p.Msg, w.msg) {
					t.Errorf("problem %d = %q, want %s:%d: …%s…", i, p.String(), file, w.line, w.msg)
				}
			}
		})
	}
}

func TestErrorsFormat(t *testing.T) {
	e := &Errors{Problems: []Problem{{"a.yaml", 3, "first"}, {"b.yaml", 0, "second"}}}
	if got, want := e.Error(), "a.yaml:3: first\nb.yaml: second"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func evidence(src, quote, by string, line int) []cg.Evidence {
	return []cg.Evidence{{SourceID: src, Quote: quote, AttributedTo: by, Line: line}}
}

func TestGoodFixture(t *testing.T) {
	fromFS, err := Load(os.DirFS("testdata/good"), testSources)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	fromPaths, err := LoadFiles([]string{"testdata/good/1-sources.yaml", "testdata/good/2-facts.yaml"}, testSources)
	if err != nil {
		t.Fatalf("LoadFiles: %v", err)
	}
	if !reflect.DeepEqual(fromFS, fromPaths) {
		t.Errorf("Load and LoadFiles disagree")
	}
	want := &cg.Dataset{
		Sources: []*cg.Source{{ID: "src-a", File: "article.txt", Outlet: "Example Outlet", Title: "A fake article",
			Published: cg.Date{Year: 2025, Month: 8, Day: 21}, Text: articleText(t)}},
		Entities: []*cg.Entity{
			{ID: "POL", Kind: cg.KindCountry, Name: "Poland", Aliases: []string{"Polish", "Warsaw"}},
			{ID: "ITA", Kind: cg.KindCountry, Name: "Italy", Aliases: []string{"Italian"}},
			{ID: "UKR", Kind: cg.KindCountry, Name: "Ukraine"},
			{ID: "meloni", Kind: cg.KindPerson, Name: "Giorgia Meloni", Description: "Prime Minister of Italy"},
			{ID: "summit", Kind: cg.KindEvent, Name: "Washington summit", Date: cg.Date{Year: 2025, Month: 8},
				Evidence: evidence("src-a", "The summit was held on Aug. 20 in Washington.", "", 5)},
			{ID: "prop-24h", Kind: cg.KindProposal, Name: "24-hour guarantee",
				Evidence: evidence("src-a", "“a guarantee within 24 hours”", "", 6)},
		},
		Relations: []*cg.Relation{{ID: "rel-meloni-pm-ita", Kind: cg.HoldsOffice, FromID: "meloni", ToID: "ITA",
			Role: "Prime Minister", Date: cg.Date{Year: 2025},
			Evidence: evidence("src-a", "Italy’s Prime Minister Giorgia Meloni", "", 3)}},
		Commitments: []*cg.Commitment{
			{ID: "c-pol-refuses-troops", Kind: cg.RefusesTroops, ActorID: "POL", TargetID: "UKR", Status: cg.StatusRefused,
				Date: cg.Date{Year: 2025, Month: 8, Day: 20}, Conditions: []string{"no ground forces", "not now"},
				Summary: "Poland will not send forces into Ukraine.", Version: 1,
				Evidence: []cg.Evidence{
					{SourceID: "src-a", Quote: "Poland clarified it will not send forces into Ukraine", Line: 2},
					{SourceID: "src-a", Quote: "forces into Ukraine.", AttributedTo: "Bloomberg", Line: 2},
				}},
			{ID: "c-ita-proposes", Kind: cg.Proposes, ActorID: "ITA", TargetID: "prop-24h", Status: cg.StatusProposed,
				StatedByID: "meloni", Summary: "Italy proposes the 24-hour guarantee.", Version: 1,
				Evidence: evidence("src-a", "Meloni called it", "", 6)},
		},
		Claims: []*cg.Claim{{ID: "claim-article5", SubjectID: "prop-24h", Topic: "relation to Article 5",
			Text: "resembles NATO's Article 5", Position: "similar",
			Stance:   &cg.Stance{ActorID: "meloni", Kind: cg.Supports, State: cg.StanceStatedSupport, DiscussedBy: "the article"},
			Evidence: evidence("src-a", "the plan resembles NATO’s Article 5", "Meloni", 3)}},
	}
	if !reflect.DeepEqual(fromFS, want) {
		t.Errorf("loaded dataset differs:\n got %s\nwant %s", dump(fromFS), dump(want))
	}
	if p := fromFS.Entities[4].Date.Precision(); p != cg.PrecisionMonth {
		t.Errorf("summit date precision = %s, want MONTH", p)
	}
	if p := fromFS.Relations[0].Date.Precision(); p != cg.PrecisionYear {
		t.Errorf("relation date precision = %s, want YEAR", p)
	}
}

// dump prints a dataset item by item, since %+v of the pointers alone says
// nothing.
func dump(ds *cg.Dataset) string {
	var b strings.Builder
	add := func(v any) { fmt.Fprintf(&b, "\n  %+v", v) }
	for _, x := range ds.Sources {
		add(*x)
	}
	for _, x := range ds.Entities {
		add(*x)
	}
	for _, x := range ds.Relations {
		add(*x)
	}
	for _, x := range ds.Commitments {
		add(*x)
	}
	for _, x := range ds.Claims {
		add(*x)
	}
	return b.String()
}

// articleText is the bytes of the test article, which a loaded source
// carries.
func articleText(t *testing.T) string {
	t.Helper()
	b, err := fs.ReadFile(testSources, "article.txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
