package neo4j

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/storetest"
	nd "github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

var errRollBack = errors.New("roll back")

// explain returns every operator of the plan Neo4j runs cypher with, each
// as "Operator: details" (profileRows).
func explain(t *testing.T, s *Store, cypher string, params map[string]any) []string {
	t.Helper()
	var ops []string
	for _, op := range profileRows(t, s, cypher, params) {
		ops = append(ops, op.name+": "+op.details)
	}
	return ops
}

// profiledOp is an operator of a PROFILE with the rows it produced.
type profiledOp struct {
	name, details string
	rows, dbHits  int64
}

// profileRows runs cypher under PROFILE and returns its operators with
// their rows. It reads a PROFILE, not an EXPLAIN: driver v5.28.4's
// Plan.Children returns the last child in every place (it takes the
// address of its loop variable under Go 1.18 semantics), which hides the
// left branch of every Apply; ProfiledPlan.Children copies each child.
func profileRows(t *testing.T, s *Store, cypher string, params map[string]any) []profiledOp {
	t.Helper()
	ctx := context.Background()
	// A write transaction, rolled back, so that a statement that writes
	// (a load's prune) can be profiled without changing the graph.
	sess := s.session(ctx, nd.AccessModeWrite)
	defer sess.Close(ctx)
	var plan nd.ProfiledPlan
	_, err := sess.ExecuteWrite(ctx, func(tx nd.ManagedTransaction) (any, error) {
		res, err := tx.Run(ctx, "CYPHER replan=force PROFILE "+cypher, params)
		if err != nil {
			return nil, err
		}
		sum, err := res.Consume(ctx)
		if err != nil {
			return nil, err
		}
		plan = sum.Profile()
		return nil, errRollBack
	})
	if !errors.Is(err, errRollBack) {
		t.Fatalf("PROFILE: %v\n%s", err, cypher)
	}
	var ops []profiledOp
	var walk func(p nd.ProfiledPlan)
	walk = func(p nd.ProfiledPlan) {
		ops = append(ops, profiledOp{p.Operator(), fmt.Sprint(p.Arguments()["Details"]), p.Records(), p.DbHits()})
		for _, c := range p.Children() {
			walk(c)
		}
	}
	walk(plan)
	return ops
}

// The listings' and aggregates' plans read only what a kind, actor or
// target filter selects: no expansion over commitment types the filter
// left out, no scan of every node or relationship, and no scan of a label
// or type when an end is named (the entity id constraint's index anchors
// the pattern instead).
func TestPlansUseTheFilters(t *testing.T) {
	s := openEmpty(t)
	load(t, s, storetest.Synthetic(2000, 40, 3))
	kind := cg.OffersTroops
	for _, tc := range []struct {
		name string
		f    cg.CommitmentFilter
		// noScan: an end is named, so nothing may scan a label or type.
		noScan bool
		// seek: a listing's page and total seek an index (the types'
		// date or id index, the count store, the sources' evidence)
		// instead of scanning a type and filtering it.
		seek bool
	}{
		{"kind", cg.CommitmentFilter{Kinds: []cg.EdgeKind{kind}}, false, true},
		{"kind and actor", cg.CommitmentFilter{Kinds: []cg.EdgeKind{kind}, ActorIDs: []string{"e00001"}}, true, true},
		{"actor", cg.CommitmentFilter{ActorIDs: []string{"e00001"}}, true, true},
		{"target", cg.CommitmentFilter{TargetIDs: []string{"e00002"}}, true, true},
		// In the probe form (a source cited by many; the other form is
		// TestSourceListingPlanSeeksEvidence's) a source's total probes
		// each commitment's evidence by its id, so it scans the types.
		{"source", cg.CommitmentFilter{SourceIDs: []string{"src-1"}}, false, false},
		{"kind and source", cg.CommitmentFilter{Kinds: []cg.EdgeKind{kind}, SourceIDs: []string{"src-1"}}, false, false},
		{"dates", cg.CommitmentFilter{From: cg.Date{Year: 2025, Month: 3}, To: cg.Date{Year: 2025, Month: 3}}, false, true},
		{"kind and dates", cg.CommitmentFilter{Kinds: []cg.EdgeKind{kind}, From: cg.Date{Year: 2025}}, false, true},
		// A search's hits, or a node lookup: each type's id index sought.
		{"ids", cg.CommitmentFilter{IDs: []string{"c000001", "c000002"}}, false, true},
	} {
		for _, q := range []struct {
			name  string
			build func(cg.CommitmentFilter) (string, map[string]any)
		}{
			{"counts", func(f cg.CommitmentFilter) (string, map[string]any) {
				return countsQuery(f)
			}},
			{"matrix", func(f cg.CommitmentFilter) (string, map[string]any) {
				return matrixQuery(f, cg.DefaultMatrixRows, &cg.MatrixKey{Total: 3, ActorID: "e00001"})
			}},
			// A page with its total count and related items, in id and
			// in date order.
			{"listing", listing(cg.Page{First: 20})},
			{"listing by date", listing(cg.Page{First: 20, Order: cg.OrderDateDesc})},
			{"listing after a cursor", listing(cg.Page{First: 20, After: cg.EncodeCursor(
				&cg.Commitment{ID: "c000100", Date: cg.Date{Year: 2025, Month: 6}}, cg.OrderDateAsc)})},
			{"listing by id", listing(cg.Page{First: 20, Order: cg.OrderID})},
		} {
			t.Run(q.name+" by "+tc.name, func(t *testing.T) {
				// The plan of a read over the loaded graph: each is planned
				// cold (2-3 s), two at once.
				t.Parallel()
				cypher, params := q.build(tc.f)
				ops := explain(t, s, cypher, params)
				plan := strings.Join(ops, "\n")
				for _, op := range ops {
					name := strings.SplitN(op, ":", 2)[0]
					if name == "AllNodesScan" || strings.HasSuffix(name, "AllRelationshipsScan") {
						t.Fatalf("plan scans everything (%s):\n%s", op, plan)
					}
					if len(tc.f.Kinds) > 0 {
						for _, k := range cg.CommitmentKinds {
							if k != kind && (strings.Contains(op, ":"+string(k)) || strings.Contains(op, "|"+string(k))) {
								t.Fatalf("plan reads %s, which the kind filter leaves out:\n%s", k, plan)
							}
						}
					}
					if len(tc.f.IDs) > 0 && strings.HasPrefix(q.name, "listing") && strings.Contains(name, "RelationshipIndex") &&
						!strings.Contains(op, "(id)") {
						t.Fatalf("listing by ids reads an index other than the id's (%s):\n%s", op, plan)
					}
					if tc.seek && strings.HasPrefix(q.name, "listing") && (strings.HasPrefix(name, "NodeByLabelScan") ||
						strings.Contains(name, "RelationshipTypeScan")) {
						t.Fatalf("listing scans a type where an index seek was possible (%s):\n%s", op, plan)
					}
					// A listing by an end reads a type's date or id index in
					// order, with the entity as a filter, where the entity is
					// dense in the type (the entity page's selection,
					// sideListing): LIMIT bounds that read, which
					// TestEntityPagesOnASkewedGraph's ListingPlans counts.
					denseRead := strings.Contains(name, "RelationshipIndexScan") &&
						(strings.Contains(op, "(x)-[r:") || strings.Contains(op, "]->(x)"))
					if tc.noScan && (strings.HasPrefix(name, "NodeByLabelScan") || strings.Contains(name, "RelationshipTypeScan") ||
						(strings.Contains(name, "IndexScan") && !denseRead)) {
						t.Fatalf("plan scans although an end is named (%s):\n%s", op, plan)
					}
				}
			})
		}
	}
}

// A listing under a source that few commitments cite starts from the
// sources' evidence: the page and the total seek the evidence_source
// index, then each fact id in every allowed type's id index, and scan no
// type, label or everything. The probe form, which a source cited by many
// keeps, scans the types, and the check says so. Both forms give the
// dataset's commitments, each once however many of the sources' evidence
// cite it, in the same pages, with the total their number.
func TestSourceListingFromEvidence(t *testing.T) {
	s := openEmpty(t)
	ds := storetest.Synthetic(2000, 40, 3)
	load(t, s, ds)
	addFewSource(t, s, ds)
	ctx := context.Background()
	t.Run("answers", func(t *testing.T) { sourceFormsAgree(t, s, ds) })
	for _, tc := range []struct {
		f    cg.CommitmentFilter
		want bool
	}{
		{cg.CommitmentFilter{SourceIDs: []string{fewSource}}, true},
		{cg.CommitmentFilter{SourceIDs: []string{fewSource, "src-1"}}, false},
		{cg.CommitmentFilter{SourceIDs: []string{"src-1"}}, false},
		{cg.CommitmentFilter{SourceIDs: []string{fewSource}, ActorIDs: []string{"e00001"}}, false},
	} {
		if got, err := s.startFromEvidence(ctx, tc.f); err != nil || got != tc.want {
			t.Errorf("startFromEvidence(%v, actors %v) = %v, %v; want %v", tc.f.SourceIDs, tc.f.ActorIDs, got, err, tc.want)
		}
	}
	// seeks says what in ops departs from the evidence form: a scan, no
	// seek of the sources' evidence, or not two seeks (page and total) of
	// each type's id index.
	seeks := func(ops []string, types []cg.EdgeKind, want int) string {
		evidence, byID := false, map[string]int{}
		for _, op := range ops {
			name, details, _ := strings.Cut(op, ": ")
			switch {
			case strings.Contains(name, "Scan"):
				return "it scans (" + op + ")"
			case strings.HasPrefix(name, "NodeIndexSeek") && strings.Contains(details, "Evidence(sourceId)"):
				evidence = true
			case strings.Contains(name, "Relationship") && strings.Contains(name, "IndexSeek"):
				for _, k := range types {
					if strings.Contains(details, ":"+string(k)+"(id)") {
						byID[string(k)]++
					}
				}
			}
		}
		if !evidence {
			return "no seek of the sources' evidence"
		}
		for _, k := range types {
			if byID[string(k)] != want {
				return fmt.Sprintf("%d seeks of %s by id, want %d (the page, and the total unless counted)", byID[string(k)], k, want)
			}
		}
		return ""
	}
	for _, f := range []cg.CommitmentFilter{
		{SourceIDs: []string{fewSource}},
		{SourceIDs: []string{fewSource}, Kinds: []cg.EdgeKind{cg.OffersTroops, cg.Supports}},
		{SourceIDs: []string{fewSource}, Statuses: []cg.Status{cg.StatusOffered}, From: cg.Date{Year: 2025}},
	} {
		types := newLiveFilter(f).types
		// One source alone (with kinds or without) takes its total from
		// the listing counts (listingcounts.go): only the page seeks.
		want := 2
		if newLiveFilter(f).countedTotal(f) != "" {
			want = 1
		}
		for _, p := range []cg.Page{{First: 20}, {First: 20, Order: cg.OrderDateDesc}, {First: 20, Order: cg.OrderID},
			{First: 5, After: cg.EncodeCursor(&cg.Commitment{ID: "c000100", Date: cg.Date{Year: 2025, Month: 6}}, cg.OrderDateAsc)}} {
			t.Run(fmt.Sprintf("plan: kinds %v statuses %v order %q after %q", f.Kinds, f.Statuses, p.Order, p.After), func(t *testing.T) {
				t.Parallel() // reads the loaded graph, as TestPlansUseTheFilters' plans
				cypher, params, err := commitmentsQuery(f, p, true)
				if err != nil {
					t.Fatal(err)
				}
				ops := explain(t, s, cypher, params)
				if why := seeks(ops, types, want); why != "" {
					t.Errorf("the listing from the evidence does not seek: %s:\n%s", why, strings.Join(ops, "\n"))
				}
				cypher, params, err = commitmentsQuery(f, p, false)
				if err != nil {
					t.Fatal(err)
				}
				if ops := explain(t, s, cypher, params); seeks(ops, types, want) == "" {
					t.Errorf("the probe form passes the check:\n%s", strings.Join(ops, "\n"))
				}
			})
		}
	}
}

// sourceFormsAgree walks the listing under sources in both forms and
// checks each against the dataset: the pages joined are the commitments
// with evidence from a source (fewSource's were added to ds by
// addFewSource: one cites it twice, one beside src-1), each once, the same
// in both forms, and every page's total is their number.
func sourceFormsAgree(t *testing.T, s *Store, ds *cg.Dataset) {
	ctx := context.Background()
	var few []*cg.Commitment
	for i, c := range ds.Commitments[:fewCited] {
		cc := *c
		cc.ID = fmt.Sprintf("cfew%03d", i)
		cc.Evidence = []cg.Evidence{{SourceID: fewSource}}
		if i == 1 {
			cc.Evidence = append(cc.Evidence, cg.Evidence{SourceID: "src-1"})
		}
		few = append(few, &cc)
	}
	all := slices.Concat(ds.Commitments, few)
	for _, f := range []cg.CommitmentFilter{
		{SourceIDs: []string{fewSource}},
		{SourceIDs: []string{fewSource, "src-1"}},
		{SourceIDs: []string{"src-1", "src-2"}, Kinds: []cg.EdgeKind{cg.OffersTroops}},
		{SourceIDs: []string{fewSource}, Kinds: []cg.EdgeKind{cg.OffersTroops, cg.Supports}},
		{SourceIDs: []string{fewSource, "nope"}, Statuses: []cg.Status{cg.StatusOffered, cg.StatusStated}},
	} {
		// Read-only walks over the loaded graph, planned cold: the
		// filters' walks run two at once.
		t.Run(fmt.Sprintf("%v %v %v", f.SourceIDs, f.Kinds, f.Statuses), func(t *testing.T) {
			t.Parallel()
			want := map[string]bool{}
			for _, c := range all {
				cited := slices.ContainsFunc(c.Evidence, func(e cg.Evidence) bool { return slices.Contains(f.SourceIDs, e.SourceID) })
				if cited && (len(f.Kinds) == 0 || slices.Contains(f.Kinds, c.Kind)) &&
					(len(f.Statuses) == 0 || slices.Contains(f.Statuses, c.Status)) {
					want[c.ID] = true
				}
			}
			if len(want) == 0 {
				t.Fatalf("filter %v selects nothing in the dataset", f)
			}
			for _, o := range []cg.CommitmentOrder{cg.OrderDateAsc, cg.OrderDateDesc, cg.OrderID} {
				for _, first := range []int{0, 3, 50} {
					if first == 3 && len(want) > 30 {
						continue
					}
					var walked [2][]string
					for i, fromEvidence := range []bool{false, true} {
						after := ""
						for {
							p, err := s.commitments(ctx, f, cg.Page{First: first, After: after, Order: o}, fromEvidence)
							if err != nil {
								t.Fatal(err)
							}
							if p.TotalCount != len(want) {
								t.Errorf("%v %v first %d from evidence %v: total %d, want %d", f.SourceIDs, o, first, fromEvidence, p.TotalCount, len(want))
							}
							for _, c := range p.Commitments {
								walked[i] = append(walked[i], c.ID)
							}
							if !p.HasNextPage {
								break
							}
							after = cg.EncodeCursor(p.Commitments[len(p.Commitments)-1], o)
						}
						got := slices.Sorted(slices.Values(walked[i]))
						if !slices.Equal(got, slices.Compact(slices.Clone(got))) || !slices.Equal(got, slices.Sorted(maps.Keys(want))) {
							t.Errorf("%v %v %v first %d from evidence %v: %d commitments (%d distinct), want the dataset's %d",
								f.SourceIDs, f.Kinds, o, first, fromEvidence, len(got), len(slices.Compact(slices.Clone(got))), len(want))
						}
					}
					if !slices.Equal(walked[0], walked[1]) {
						t.Errorf("%v %v %v first %d: the forms' pages differ", f.SourceIDs, f.Kinds, o, first)
					}
				}
			}
		})
	}
}

// With nothing but kinds filtering, counts read the types' status
// indexes: no type scan, no expansion of every commitment.
func TestCountsPlanReadsStatusIndexes(t *testing.T) {
	s := openEmpty(t)
	load(t, s, storetest.Synthetic(2000, 40, 3))
	for _, f := range []cg.CommitmentFilter{{}, {Kinds: []cg.EdgeKind{cg.OffersTroops, cg.Supports}}} {
		t.Run(fmt.Sprintf("kinds %v", f.Kinds), func(t *testing.T) {
			cypher, params := countsQuery(f)
			ops := explain(t, s, cypher, params)
			plan := strings.Join(ops, "\n")
			if !strings.Contains(plan, "RelationshipIndexScan") {
				t.Errorf("counts read no status index:\n%s", plan)
			}
			for _, op := range ops {
				name := strings.SplitN(op, ":", 2)[0]
				if (strings.Contains(name, "Scan") && !strings.Contains(name, "RelationshipIndexScan")) ||
					strings.HasPrefix(name, "Expand") {
					t.Errorf("counts read the commitments (%s):\n%s", op, plan)
				}
			}
		})
	}
}

// listing builds a commitment listing's statement for the page.
func listing(p cg.Page) func(cg.CommitmentFilter) (string, map[string]any) {
	return func(f cg.CommitmentFilter) (string, map[string]any) {
		cypher, params, err := commitmentsQuery(f, p, false)
		if err != nil {
			panic(err)
		}
		return cypher, params
	}
}

// A load batch's prune of moved edges seeks each row's id in each type's
// id index: it scans no type, label or index, whatever the graph's size.
func TestPrunePlanSeeks(t *testing.T) {
	s := openEmpty(t)
	ds := storetest.Synthetic(2000, 40, 3)
	load(t, s, ds)
	// Rows as a reload gives them, one of them moved to another kind.
	var rows []any
	for i, c := range ds.Commitments[:3] {
		kind := c.Kind
		if i == 0 {
			kind = cg.MemberOf
		}
		rows = append(rows, edgeEnds(c.ID, kind, c.ActorID, c.TargetID))
	}
	ops := explain(t, s, pruneMoved, withMatrixParams(map[string]any{"rows": rows}))
	plan := strings.Join(ops, "\n")
	for _, op := range ops {
		if name := strings.SplitN(op, ":", 2)[0]; strings.Contains(name, "Scan") {
			t.Fatalf("prune scans (%s):\n%s", op, plan)
		}
	}
}

// A load's upserts take the label or relationship type as a parameter
// ($type, one statement for every kind): their plans still anchor each
// row on the id indexes and scan no label, type or index, so a batch costs
// its rows whatever the graph's size.
func TestUpsertPlansSeek(t *testing.T) {
	s := openEmpty(t)
	ds := storetest.Synthetic(2000, 40, 3)
	load(t, s, ds)
	plan, err := planLoad(ds, defaultBatchSize)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, st := range plan.steps {
		if st.typ == "" || seen[st.section] {
			continue
		}
		seen[st.section] = true
		st.rows = st.rows[:min(3, len(st.rows))]
		params, err := st.params(time.Now().UTC())
		if err != nil {
			t.Fatal(err)
		}
		ops := explain(t, s, st.cypher, params)
		for _, op := range ops {
			if name := strings.SplitN(op, ":", 2)[0]; strings.Contains(name, "Scan") {
				t.Errorf("%s upsert scans (%s):\n%s", st.what, op, strings.Join(ops, "\n"))
			}
		}
	}
	for _, section := range []string{"entities", "relations", "commitments"} {
		if !seen[section] {
			t.Errorf("no %s step profiled", section)
		}
	}
}

// A load step's type must come from the vocabulary.
func TestLoadTypeChecked(t *testing.T) {
	for _, st := range []step{{section: "commitments", typ: "MEMBER_OF"}, {section: "entities", typ: "Country`) DETACH DELETE (n"}, {section: "relations", typ: "OFFERS_TROOPS"}} {
		if _, err := st.params(time.Now()); err == nil {
			t.Errorf("%s type %q accepted", st.section, st.typ)
		}
	}
	if _, err := (step{section: "commitments", typ: string(cg.OffersTroops)}).params(time.Now()); err != nil {
		t.Errorf("OFFERS_TROOPS refused: %v", err)
	}
}
