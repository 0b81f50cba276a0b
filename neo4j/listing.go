package neo4j

import (
	"fmt"
	"slices"
	"strings"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// The statement of a page of live commitments, built so that Neo4j's
// planner can use the graph's indexes (issue 13, item 2). A pattern over
// several relationship types defeats the per-type indexes, so the page is
// a UNION ALL with one branch per commitment type the filter allows, each
// with its own ORDER BY and LIMIT (read in index order where the order
// allows, stopping at the limit), merged by the same order. The date
// orders split each branch in two: the known dates, read in the order of
// the type's date index, and the unknown ones ("" sorts last in both
// directions), in the order of its id constraint's index. The total is
// read from the count store when only kinds filter, otherwise summed over
// the branches. A source filter either starts from the sources' evidence
// (the evidence_source index) and seeks each fact id in every type's id
// index, or probes each commitment's evidence (the Evidence.factId index)
// as the branches read in index order, so that a page stops after enough
// matches but its total probes every commitment of the types. The first
// costs the sources' evidence times the types, the second the
// commitments: Commitments picks the cheaper (sourceEvidenceCost; see
// docs/benchmarks.md for the figures at 100k).

// Filter fragments of the per-type branches, beside commitments.go's.
//
// A date range is decided on the date sort key alone (the date's ISO text
// at its precision: "2025", "2025-03", "2025-03-14"), which the type's
// date index holds, so that a branch seeks the range and counts it from
// the index without reading a relationship's properties. A known date d
// overlaps the day range [F, T) (cg.Date.Within, F the first day of From,
// T the day after To) exactly when
//   - it ends after F: its key sorts at or after F's day, or it is F's
//     year or F's month (the only keys before F's day that reach it), and
//   - it starts before T: its key sorts before T's day, and it is not
//     T's month when T is a month's first day, nor T's year when T is
//     January 1st (those keys sort before T's day but start at T).
//
// The ways of ending after F are three seeks of the index (a range and
// two keys), which the listing's branches take as disjoint parts: each
// key a part of its own, so that a seek of the (date, id) index gives
// its commitments in id order.
const (
	dateKeyFrom  = `r.date >= $fromKey`
	dateKeyYear  = `r.date = $fromYear`
	dateKeyMonth = `r.date = $fromMonth`
	dateKeyTo    = `r.date < $toKey AND NOT r.date IN $toStarts`
	// dateKeyKnown stands for an open start: every known date.
	dateKeyKnown = `r.date > ''`
)

// dateKeys gives the date range's key conditions as disjoint parts (nil
// without a range) and their parameters.
func dateKeys(from, to cg.Date, params map[string]any) [][]string {
	if !from.Known() && !to.Known() {
		return nil
	}
	var upper []string
	if to.Known() {
		t := to.End()
		starts := []string{}
		if t.Day() == 1 {
			starts = append(starts, t.Format("2006-01"))
			if t.Month() == time.January {
				starts = append(starts, t.Format("2006"))
			}
		}
		// Always two keys: Neo4j plans a statement again for a list
		// parameter of another size class (seen in
		// TestWarmUpPlansListingsBySourceAndDate: a year's range and a
		// mid-month one each planned the month's statement again). T's own
		// day pads it: r.date < $toKey leaves it out already.
		for len(starts) < 2 {
			starts = append(starts, isoDay(t))
		}
		upper, params["toKey"], params["toStarts"] = []string{dateKeyTo}, isoDay(t), starts
	}
	if !from.Known() {
		return [][]string{append([]string{dateKeyKnown}, upper...)}
	}
	f := from.Start()
	params["fromKey"], params["fromYear"], params["fromMonth"] = isoDay(f), f.Format("2006"), f.Format("2006-01")
	return [][]string{append([]string{dateKeyFrom}, upper...), append([]string{dateKeyYear}, upper...),
		append([]string{dateKeyMonth}, upper...)}
}

// liveFilter is a filter over the live commitments as per-type branches:
// the types the kinds allow and the conditions on a, r and t.
type liveFilter struct {
	types  []cg.EdgeKind
	conds  []string
	params map[string]any
	// onlyKinds: nothing but the types selects, so that the count store
	// holds the total.
	onlyKinds bool
	// pattern is the branches' pattern with %s for the type: an end has
	// the Entity label only when an id condition anchors it (the id
	// constraint's index), since commitments only join entities and a
	// label test costs a read per row.
	pattern string
	// anchored: an end selects the commitments before any index order
	// could, so a branch sorts what it gives.
	anchored bool
	// evidence: the sources' evidence selects the commitments
	// (fromEvidence).
	evidence bool
	// byIDs: the commitments' ids select them, each branch a seek of its
	// type's id index (hinted: on a small graph the planner read the
	// date index in order and filtered the ids, and a page read in
	// (date, id) order reads that index whole: a search's hits at 1M
	// took 4x raw Cypher's time).
	byIDs bool
	// dates are the date range's disjoint key conditions (dateKeys), nil
	// without a range. Per-type branches take each as a part of their
	// own that seeks the type's date index (hinted, so that it does not
	// depend on the planner's estimates of the range); others take their
	// disjunction.
	dates [][]string
}

func newLiveFilter(f cg.CommitmentFilter) liveFilter {
	frag := filterFragments{
		id: commitmentByID, status: commitmentByStatus, actor: commitmentByActor,
		target: commitmentByTarget, source: commitmentBySource, statedBy: commitmentByStatedBy,
		from: commitmentFrom, to: commitmentTo,
	}
	types := filterTypes(f.Kinds)
	if types == nil {
		// Kinds asked for but none a commitment kind: then the kind
		// condition matches nothing, as it should.
		types = cg.CommitmentKinds
		frag.kind = commitmentByKind
	}
	undated := f
	undated.From, undated.To = cg.Date{}, cg.Date{}
	conds, params := filterConds(undated, frag)
	dates := dateKeys(f.From, f.To, params)
	l := liveFilter{types: types, conds: conds, params: params, onlyKinds: len(conds) == 0 && dates == nil,
		pattern: "(a)-[r:%s]->(t)", anchored: len(f.ActorIDs) > 0 || len(f.TargetIDs) > 0, dates: dates,
		byIDs: len(f.IDs) > 0}
	switch {
	case len(f.ActorIDs) > 0 && len(f.TargetIDs) > 0:
		l.pattern = "(a:Entity)-[r:%s]->(t:Entity)"
	case len(f.ActorIDs) > 0:
		l.pattern = "(a:Entity)-[r:%s]->(t)"
	case len(f.TargetIDs) > 0:
		l.pattern = "(a)-[r:%s]->(t:Entity)"
	}
	return l
}

// fromEvidence is l starting from the sources' evidence: one branch
// that seeks each of their fact ids in the id index of every type l
// allows, instead of the per-commitment probe of commitmentBySource.
func (l liveFilter) fromEvidence() liveFilter {
	l.conds = slices.DeleteFunc(slices.Clone(l.conds), func(c string) bool { return c == commitmentBySource })
	l.evidence, l.anchored, l.onlyKinds = true, true, false
	return l
}

// match is a branch's MATCH of the type alternation k, binding a, r and
// t. From the evidence, each fact id (once, however many of the sources'
// evidence cite it) is sought in each type's id index: the id is unique
// per type only, and over an alternation of types Neo4j plans no index
// seek.
func (l liveFilter) match(k string) string {
	if !l.evidence {
		if l.byIDs && !l.anchored {
			return fmt.Sprintf("MATCH "+l.pattern+" USING INDEX r:%s(id)", k, k)
		}
		if l.dates != nil && !l.anchored {
			return fmt.Sprintf("MATCH "+l.pattern+" USING INDEX r:%s(date)", k, k)
		}
		return fmt.Sprintf("MATCH "+l.pattern, k)
	}
	var seeks []string
	for _, t := range l.types {
		seeks = append(seeks, fmt.Sprintf("MATCH (a)-[r:%s {id: fid}]->(t) RETURN a, r, t", t))
	}
	return `MATCH (ev:Evidence) WHERE ev.sourceId IN $sources
    WITH DISTINCT ev.factId AS fid
    CALL (fid) {
      ` + strings.Join(seeks, "\n      UNION ALL\n      ") + `
    }
    WITH a, r, t`
}

// dateParts are the date range's conditions as the branches take them:
// its disjoint parts for per-type branches, their disjunction as one part
// for the others, one empty part without a range.
func (l liveFilter) dateParts() [][]string {
	switch {
	case l.dates == nil:
		return [][]string{nil}
	case l.anchored || l.evidence:
		var alts []string
		for _, d := range l.dates {
			alts = append(alts, "("+strings.Join(d, " AND ")+")")
		}
		return [][]string{{"(" + strings.Join(alts, " OR ") + ")"}}
	}
	return l.dates
}

// union joins one branch per type, each built by branch from the type;
// anchored, one branch over the types' alternation, which expands each
// anchor once.
func (l liveFilter) union(branch func(types string) []string) string {
	return "    " + strings.Join(l.unionParts(branch), "\n    UNION ALL\n    ")
}

// unionParts are union's branches.
func (l liveFilter) unionParts(branch func(types string) []string) []string {
	var parts []string
	if l.anchored {
		parts = branch(joinKinds(l.types))
	}
	for _, k := range l.types {
		if !l.anchored {
			parts = append(parts, branch(string(k))...)
		}
	}
	return parts
}

// total is the CALL that counts the matches as total.
func (l liveFilter) total() string {
	return `CALL () {
  CALL () {
    ` + strings.Join(l.totalBranches(), "\n    UNION ALL\n    ") + `
  }
  RETURN sum(n) AS total
}
`
}

// totalBranches are the branches of total, each returning a count n.
func (l liveFilter) totalBranches() []string {
	return l.unionParts(func(k string) []string {
		if l.onlyKinds {
			return []string{fmt.Sprintf("MATCH ()-[r:%s]->() RETURN count(r) AS n", k)}
		}
		var out []string
		for _, d := range l.dateParts() {
			out = append(out, fmt.Sprintf("%s\n    %s\n    RETURN count(r) AS n", l.match(k), where(slices.Concat(l.conds, d))))
		}
		return out
	})
}

// listingPart is one part of a type's branch: its conditions beyond the
// filter's and its order.
type listingPart struct {
	conds []string
	order string
}

// Parts of the date orders: the known dates in the order of the date
// index, then the unknown ones by id. A cursor among the known dates
// takes the rest of them (the first condition lets the index seek from
// the cursor's key) and every unknown one; a cursor among the unknown
// takes the unknown after its id.
var (
	knownDate   = `r.date > ''`
	unknownDate = `r.date = ''`
	knownAfter  = map[cg.CommitmentOrder]string{
		cg.OrderDateAsc:  `r.date >= $afterKey AND (r.date > $afterKey OR r.id > $afterID)`,
		cg.OrderDateDesc: `r.date <= $afterKey AND (r.date < $afterKey OR r.id > $afterID)`,
	}
	knownOrder = map[cg.CommitmentOrder]string{
		cg.OrderDateAsc:  `r.date, r.id`,
		cg.OrderDateDesc: `r.date DESC, r.id`,
	}
)

// dateIDSeek lets a seek of the (date, id) index take the date's
// conditions: an index on several properties is sought with a condition
// on each.
const dateIDSeek = `r.id IS NOT NULL`

// parts splits a type's branch by the order and the cursor.
func listingParts(order cg.CommitmentOrder, after *cg.CursorKey, dated, anchored bool) []listingPart {
	switch {
	case anchored && after != nil:
		return []listingPart{{[]string{afterCursor[order]}, orderBy[order]}}
	case anchored:
		return []listingPart{{nil, orderBy[order]}}
	}
	switch order {
	case cg.OrderID:
		if after != nil {
			return []listingPart{{[]string{`r.id > $afterID`}, `r.id`}}
		}
		// An existence test lets the id index give the order.
		return []listingPart{{[]string{`r.id IS NOT NULL`}, `r.id`}}
	case cg.OrderDateAsc, cg.OrderDateDesc:
		known := listingPart{[]string{knownDate}, knownOrder[order]}
		unknown := listingPart{[]string{unknownDate}, `r.id`}
		switch {
		case after == nil:
		case after.Key() == "":
			unknown.conds = append(unknown.conds, `r.id > $afterID`)
			return []listingPart{unknown}
		default:
			known.conds = append(known.conds, knownAfter[order])
		}
		if dated {
			// A date range leaves out the unknown dates, and its own key
			// conditions (dateKeys) hold only known ones: r.date > '' beside
			// them would be a bound the planner may seek by instead of the
			// range's (at 1M it read each type's date index from its first
			// key up to the range's end: 17k entries a type for 2025-03).
			known.conds = known.conds[1:]
			return []listingPart{known}
		}
		return []listingPart{known, unknown}
	}
	if after != nil {
		return []listingPart{{[]string{afterCursor[order]}, orderBy[order]}}
	}
	return []listingPart{{nil, orderBy[order]}}
}

// page is the CALL that returns the page (one more than asked for), each
// commitment read by projection.
func (l liveFilter) page(order cg.CommitmentOrder, after *cg.CursorKey, dated bool, projection string) string {
	parts := listingParts(order, after, dated, l.anchored)
	// In DATE_ASC, a per-type branch reads the type's (date, id) index,
	// which gives the whole order: a branch stops at its limit, where the
	// date index alone gives the dates' order and the branch sorts every
	// commitment of its first date by id (a year key holds 5% of the
	// commitments at 1M: 3,600 a type, each probed under a source).
	byDateID := order.OrDefault() == cg.OrderDateAsc && !l.anchored && !l.evidence && !l.byIDs
	branches := l.union(func(k string) []string {
		var out []string
		match := l.match(k)
		if byDateID {
			match = fmt.Sprintf("MATCH "+l.pattern+" USING INDEX r:%s(date, id)", k, k)
		}
		for _, d := range l.dateParts() {
			for _, p := range parts {
				conds := slices.Concat(l.conds, d, p.conds)
				partOrder := p.order
				if byDateID {
					conds = append(conds, dateIDSeek)
					if partOrder == `r.id` {
						// The unknown dates (r.date = ''): the same order,
						// but only so does the planner see that the index
						// gives it and stop at the limit (by r.id alone it
						// sorted them all: 7,228 a type at 1M, each probed
						// under a source).
						partOrder = `r.date, r.id`
					}
				}
				out = append(out, fmt.Sprintf("%s\n    %s\n    WITH a, r, t ORDER BY %s LIMIT $limit\n    RETURN a, r, t",
					match, where(conds), partOrder))
			}
		}
		return out
	})
	return fmt.Sprintf(`CALL () {
  CALL () {
%s
  }
  WITH a, r, t ORDER BY %s LIMIT $limit
  RETURN collect(%s) AS page
}`, branches, orderBy[order], projection)
}
