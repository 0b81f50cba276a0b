package importfiles_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/dataset"
	"github.com/coalitiongraph/coalitiongraph/internal/testsupport"
	"github.com/coalitiongraph/coalitiongraph/neo4j"
	"github.com/coalitiongraph/coalitiongraph/neo4j/importfiles"
	"github.com/coalitiongraph/coalitiongraph/storetest"
	nd "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// hostile is text the CSV files must carry unchanged: quotes, commas, line
// breaks of both kinds, the tool's default array delimiter, and the
// control character the files use as theirs (outside a list).
const hostile = "say \"no\", then; \"\"maybe\"\"\nline two\r\nend \x1f ,\""

// curatedHostile is the curated dataset with hostile text in string and
// list properties of entities and commitments.
func curatedHostile(t *testing.T) *cg.Dataset {
	ds, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	e := ds.Entities[0]
	e.Description = hostile
	e.Aliases = append(e.Aliases, "a, \"b\"; c", "d\ne")
	c := ds.Commitments[0]
	c.Summary = hostile
	c.Conditions = append(c.Conditions, "x; y", "\"z\",\nw")
	return ds
}

// TestImportEqualsLoad writes the import files of a dataset, imports them
// with the real neo4j-admin into an empty database, opens a Store on it and
// compares the graph and the store's answers with those of Load of the
// same dataset into the same, emptied, database; a write on the imported
// graph then works and reaches the change feed.
func TestImportEqualsLoad(t *testing.T) {
	for _, tc := range []struct {
		name string
		ds   func(t *testing.T) *cg.Dataset
	}{
		{"curated with hostile text", curatedHostile},
		{"synthetic", func(*testing.T) *cg.Dataset { return storetest.Synthetic(300, 40, 7) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
			defer cancel()
			ds := tc.ds(t)
			inst := t.TempDir()
			files, err := importfiles.Write(filepath.Join(t.TempDir(), "files"), ds)
			if err != nil {
				t.Fatalf("Write: %v", err)
			}
			if out, err := testsupport.Neo4jAdmin(ctx, inst, nil, files.Args("")...); err != nil {
				t.Fatalf("import: %v", err)
			} else {
				t.Logf("import: %s", lastLine(out))
			}
			srv := testsupport.StartNeo4jIn(t, inst)
			s, err := neo4j.Open(ctx, neo4j.Config{URI: srv.URI()})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			testsupport.WaitReady(t, ctx, s, 30*time.Second, 200*time.Millisecond)

			imported := testsupport.GraphContent(t, srv.URI())
			importedAnswers := answers(t, s, ds)
			if files.Stats.Commitments != len(ds.Commitments) || files.Stats.Entities != len(ds.Entities) {
				t.Errorf("files hold %d commitments, %d entities; dataset %d, %d",
					files.Stats.Commitments, files.Stats.Entities, len(ds.Commitments), len(ds.Entities))
			}

			checkWrite(t, s, ds)

			clearGraph(t, srv.URI())
			if _, err := s.Load(ctx, ds, nil); err != nil {
				t.Fatalf("Load: %v", err)
			}
			loaded := testsupport.GraphContent(t, srv.URI())
			if imported != loaded {
				t.Errorf("imported graph differs from the loaded one: %s", testsupport.FirstDiff(imported, loaded))
			}
			if a := answers(t, s, ds); !reflect.DeepEqual(importedAnswers, a) {
				for k := range a {
					if !reflect.DeepEqual(importedAnswers[k], a[k]) {
						t.Errorf("%s: imported store answers\n%.800s\nloaded store answers\n%.800s", k, importedAnswers[k], a[k])
					}
				}
			}
			if tc.name == "curated with hostile text" {
				e, err := s.Entities(ctx, cg.EntityFilter{IDs: []string{ds.Entities[0].ID}})
				if err != nil || len(e) != 1 {
					t.Fatalf("Entities: %v, %d", err, len(e))
				}
				if e[0].Description != hostile || !reflect.DeepEqual(e[0].Aliases, ds.Entities[0].Aliases) {
					t.Errorf("entity round trip: description %q aliases %q; want %q, %q", e[0].Description, e[0].Aliases, hostile, ds.Entities[0].Aliases)
				}
			}
		})
	}
}

// A list element holding the array delimiter cannot be written: Write
// refuses it, naming the item and the property.
func TestWriteRefusesArrayDelimiter(t *testing.T) {
	ds := storetest.Fixture()
	ds.Entities[0].Aliases = []string{"one\x1ftwo"}
	_, err := importfiles.Write(t.TempDir(), ds)
	if err == nil || !strings.Contains(err.Error(), ds.Entities[0].ID) || !strings.Contains(err.Error(), "aliases") {
		t.Fatalf("Write = %v; want an error naming %s and aliases", err, ds.Entities[0].ID)
	}
}

// answers are the store's answers to the questions a reader asks, printed.
func answers(t *testing.T, s *neo4j.Store, ds *cg.Dataset) map[string]string {
	t.Helper()
	ctx := t.Context()
	out := map[string]string{}
	put := func(k string, v any, err error) {
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		out[k] = string(b)
	}
	counts, err := s.Counts(ctx, cg.CommitmentFilter{})
	put("counts", counts, err)
	page, err := s.Commitments(ctx, cg.CommitmentFilter{}, cg.Page{First: 25})
	put("listing page", page, err)
	ent := ds.Commitments[0].ActorID
	es, err := s.Entities(ctx, cg.EntityFilter{IDs: []string{ent}})
	put("entity", es, err)
	ec, err := s.EntityCommitments(ctx, cg.EntityCommitmentsQuery{Side: cg.SideMade, EntityIDs: []string{ent}, Page: cg.Page{First: 10}})
	put("entity commitments", ec, err)
	h, err := s.CommitmentHistory(ctx, ds.Commitments[0].ID)
	put("history", h, err)
	cl, err := s.Claims(ctx, cg.ClaimFilter{})
	put("claims", cl, err)
	rel, err := s.Relations(ctx, cg.RelationFilter{})
	put("relations", rel, err)
	src, err := s.Sources(ctx, []string{ds.Sources[0].ID})
	put("sources", src, err)
	return out
}

// checkWrite records and changes a commitment on the imported graph and
// sees both in the change feed.
func checkWrite(t *testing.T, s *neo4j.Store, ds *cg.Dataset) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	live, err := s.Changes(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	model := ds.Commitments[0]
	// A source of its own: synthetic sources have no text to quote.
	m0 := cg.WriteMeta{By: "test", At: time.Now().UTC(), Reason: "after import"}
	src := &cg.Source{ID: "src-after-import", File: "after-import.txt", Title: "After import", Text: "a report written after the import"}
	if _, err := s.PutSource(ctx, src, m0); err != nil {
		t.Fatalf("PutSource on the imported graph: %v", err)
	}
	ev := []cg.Evidence{{SourceID: src.ID, Quote: "written after the import"}}
	c := &cg.Commitment{ID: "c-after-import", Kind: model.Kind, ActorID: model.ActorID, TargetID: model.TargetID,
		Status: model.Status, Evidence: ev}
	m := cg.WriteMeta{By: "test", At: time.Now().UTC(), Reason: "after import"}
	got, err := s.RecordCommitment(ctx, c, m)
	if err != nil {
		t.Fatalf("RecordCommitment on the imported graph: %v", err)
	}
	next := cg.StatusWithdrawn
	if next == model.Status {
		next = cg.StatusStated
	}
	if _, err := s.ChangeCommitment(ctx, cg.CommitmentChange{ID: c.ID, BaseVersion: got.Version, Status: next, Evidence: ev}, m); err != nil {
		t.Fatalf("ChangeCommitment on the imported graph: %v", err)
	}
	for _, want := range []cg.ChangeType{cg.ChangeRecorded, cg.ChangeStatusChanged} {
		select {
		case e, ok := <-live:
			if !ok {
				t.Fatal("change feed closed")
			}
			if e.Type != want || e.Commitment.ID != c.ID {
				t.Errorf("feed event %s %s; want %s %s", e.Type, e.Commitment.ID, want, c.ID)
			}
		case <-ctx.Done():
			t.Fatalf("no %s event in the feed", want)
		}
	}
}

func clearGraph(t *testing.T, uri string) {
	t.Helper()
	query(t, uri, `MATCH (n) DETACH DELETE n`)
}

func query(t *testing.T, uri, q string) []*nd.Record {
	t.Helper()
	ctx := t.Context()
	d, err := nd.NewDriverWithContext(uri, nd.NoAuth())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(ctx)
	res, err := nd.ExecuteQuery(ctx, d, q, nil, nd.EagerResultTransformer)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return res.Records
}

func lastLine(s string) string {
	l := strings.Split(strings.TrimSpace(s), "\n")
	return l[len(l)-1]
}
