package neo4j

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// Diff is what Load would do with a dataset, worked out without writing.
type Diff struct {
	// Sections are sources, entities, relations, commitments and claims,
	// in that order.
	Sections []SectionDiff
	// KeptRetracted lists the dataset's commitments that are retracted in
	// the graph: Load leaves them retracted.
	KeptRetracted []string
}

// SectionDiff is the diff of one section of the dataset.
type SectionDiff struct {
	Name string
	// Added lists the ids Load would create, in dataset order.
	Added []string
	// Changed lists the items Load would rewrite (a commitment: record as
	// its next version), with the fields in which the dataset differs from
	// what the graph holds now.
	Changed []ItemDiff
	// Unchanged counts the items Load would leave alone.
	Unchanged int
	// NotInDataset lists, by id, the items in the graph that the dataset
	// does not mention (for commitments, the current ones). Load deletes
	// nothing, so they stay.
	NotInDataset []string
}

// ItemDiff is one changed item.
type ItemDiff struct {
	ID     string
	Fields []FieldDiff
}

// FieldDiff is one field of a changed item, as the graph holds it and as
// the dataset has it. An item rewritten because of how it is stored, with
// no field different, has none.
type FieldDiff struct {
	Field, Stored, Dataset string
}

// storedHashes reads the import hash of every item in the graph, per
// section, and which commitments are retracted.
var storedHashes = `CALL () { MATCH (n:Source) RETURN collect([n.id, n.hash]) AS sources }
CALL () { MATCH (n:Entity) RETURN collect([n.id, n.hash]) AS entities }
CALL () { MATCH (:Entity)-[r:` + relationTypes + `]->(:Entity) RETURN collect([r.id, r.hash]) AS relations }
CALL () { MATCH (:Entity)-[r:` + commitmentTypes + `]->(:Entity) RETURN collect([r.id, r.hash]) AS commitments }
CALL () { MATCH (n:Claim) RETURN collect([n.id, n.hash]) AS claims }
CALL () {
  MATCH (x:CommitmentVersion)
  WITH x.commitmentId AS cid, max(x.version) AS ver
  MATCH (v:CommitmentVersion {key: cid + '@' + toString(ver)})
  WHERE v.retracted
  RETURN collect(cid) AS retracted
}
RETURN sources, entities, relations, commitments, claims, retracted`

// Diff compares ds with the graph as Load would: an item is added when
// its id is new to the graph, changed when its content differs from what
// the dataset said when it was last loaded (changes made through the API
// since are not undone by an unchanged dataset), and otherwise unchanged.
// The dataset is checked as Load checks it.
func (s *Store) Diff(ctx context.Context, ds *cg.Dataset) (*Diff, error) {
	plan, err := planLoad(ds, s.batchSize)
	if err != nil {
		return nil, err
	}
	if ds == nil {
		ds = &cg.Dataset{}
	}
	m, err := s.readOne(ctx, "diff", storedHashes, nil)
	if err != nil {
		return nil, err
	}
	hashes := func(key string) map[string]string {
		out := map[string]string{}
		for _, pair := range asList(m[key]) {
			p := asList(pair)
			out[toString(p[0])] = toString(p[1])
		}
		return out
	}
	retracted := map[string]bool{}
	for _, id := range toStrings(m["retracted"]) {
		retracted[id] = true
	}

	d := &Diff{}
	// section sorts the dataset's ids of one section against the graph's;
	// fields reads the stored items of the changed ids and compares them.
	section := func(name string, ids []string, stored map[string]string, fields func(changed []string) (map[string][]FieldDiff, error)) error {
		sd := SectionDiff{Name: name}
		inDataset := map[string]bool{}
		var changed []string
		for _, id := range ids {
			inDataset[id] = true
			h, ok := stored[id]
			switch {
			case name == "commitments" && retracted[id]:
				d.KeptRetracted = append(d.KeptRetracted, id)
			case !ok:
				sd.Added = append(sd.Added, id)
			case h == plan.hashes[id]:
				sd.Unchanged++
			default:
				changed = append(changed, id)
			}
		}
		if len(changed) > 0 {
			diffs, err := fields(changed)
			if err != nil {
				return err
			}
			for _, id := range changed {
				sd.Changed = append(sd.Changed, ItemDiff{ID: id, Fields: diffs[id]})
			}
		}
		for id := range stored {
			if !inDataset[id] {
				sd.NotInDataset = append(sd.NotInDataset, id)
			}
		}
		slices.Sort(sd.NotInDataset)
		d.Sections = append(d.Sections, sd)
		return nil
	}

	srcIDs, srcByID := indexed(ds.Sources, func(x *cg.Source) string { return x.ID })
	if err := section("sources", srcIDs, hashes("sources"), func(ids []string) (map[string][]FieldDiff, error) {
		got, err := s.Sources(ctx, ids)
		return compare(got, err, func(x *cg.Source) string { return x.ID }, func(x *cg.Source) []FieldDiff { return sourceFields(x, srcByID[x.ID]) })
	}); err != nil {
		return nil, err
	}
	entIDs, entByID := indexed(ds.Entities, func(x *cg.Entity) string { return x.ID })
	if err := section("entities", entIDs, hashes("entities"), func(ids []string) (map[string][]FieldDiff, error) {
		got, err := s.Entities(ctx, cg.EntityFilter{IDs: ids})
		return compare(got, err, func(x *cg.Entity) string { return x.ID }, func(x *cg.Entity) []FieldDiff { return entityFields(x, entByID[x.ID]) })
	}); err != nil {
		return nil, err
	}
	relIDs, relByID := indexed(ds.Relations, func(x *cg.Relation) string { return x.ID })
	if err := section("relations", relIDs, hashes("relations"), func(ids []string) (map[string][]FieldDiff, error) {
		got, err := s.Relations(ctx, cg.RelationFilter{})
		return compare(got, err, func(x *cg.Relation) string { return x.ID }, func(x *cg.Relation) []FieldDiff {
			if want, ok := relByID[x.ID]; ok {
				return relationFields(x, want)
			}
			return nil
		})
	}); err != nil {
		return nil, err
	}
	comIDs, comByID := indexed(ds.Commitments, func(x *cg.Commitment) string { return x.ID })
	if err := section("commitments", comIDs, hashes("commitments"), func(ids []string) (map[string][]FieldDiff, error) {
		got, err := s.Commitments(ctx, cg.CommitmentFilter{IDs: ids}, cg.Page{})
		if err != nil {
			return nil, err
		}
		return compare(got.Commitments, nil, func(x *cg.Commitment) string { return x.ID }, func(x *cg.Commitment) []FieldDiff {
			return commitmentFields(x, comByID[x.ID])
		})
	}); err != nil {
		return nil, err
	}
	claimIDs, claimByID := indexed(ds.Claims, func(x *cg.Claim) string { return x.ID })
	if err := section("claims", claimIDs, hashes("claims"), func(ids []string) (map[string][]FieldDiff, error) {
		got, err := s.Claims(ctx, cg.ClaimFilter{})
		return compare(got, err, func(x *cg.Claim) string { return x.ID }, func(x *cg.Claim) []FieldDiff {
			if want, ok := claimByID[x.ID]; ok {
				return claimFields(x, want)
			}
			return nil
		})
	}); err != nil {
		return nil, err
	}
	return d, nil
}

// indexed lists items' ids in order and maps them to the items (planLoad
// has already refused nil items and repeated ids).
func indexed[T any](items []*T, id func(*T) string) ([]string, map[string]*T) {
	ids := make([]string, 0, len(items))
	by := make(map[string]*T, len(items))
	for _, it := range items {
		ids = append(ids, id(it))
		by[id(it)] = it
	}
	return ids, by
}

func compare[T any](stored []*T, err error, id func(*T) string, fields func(*T) []FieldDiff) (map[string][]FieldDiff, error) {
	if err != nil {
		return nil, err
	}
	out := map[string][]FieldDiff{}
	for _, it := range stored {
		out[id(it)] = fields(it)
	}
	return out, nil
}

// fieldDiffs collects the fields that differ.
type fieldDiffs []FieldDiff

func (f *fieldDiffs) add(field, stored, dataset string) {
	if stored != dataset {
		*f = append(*f, FieldDiff{Field: field, Stored: orNone(stored), Dataset: orNone(dataset)})
	}
}

func (f *fieldDiffs) list(field string, stored, dataset []string) {
	f.add(field, strings.Join(stored, "; "), strings.Join(dataset, "; "))
}

// evidence says how the evidence lists differ: the counts, and the items
// one has and the other has not.
func (f *fieldDiffs) evidence(stored, dataset []cg.Evidence) {
	key := func(e cg.Evidence) string {
		return fmt.Sprintf("%s:%d %q", e.SourceID, e.Line, clipText(e.Quote, 50)) + orEmpty(" ("+e.AttributedTo+")", e.AttributedTo)
	}
	var s, d []string
	for _, e := range stored {
		s = append(s, key(e))
	}
	for _, e := range dataset {
		d = append(d, key(e))
	}
	if slices.Equal(s, d) {
		return
	}
	describe := func(items, other []string) string {
		out := fmt.Sprintf("%d item(s)", len(items))
		var only []string
		for _, it := range items {
			if !slices.Contains(other, it) {
				only = append(only, it)
			}
		}
		if len(only) > 0 {
			out += ", with " + strings.Join(only, ", ")
		}
		return out
	}
	*f = append(*f, FieldDiff{Field: "evidence", Stored: describe(s, d), Dataset: describe(d, s)})
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func orEmpty(s, cond string) string {
	if cond == "" {
		return ""
	}
	return s
}

func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
