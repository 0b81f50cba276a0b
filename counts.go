package coalitiongraph

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// CountDimension is what CountsBy groups commitments by.
type CountDimension string

const (
	ByActor  CountDimension = "ACTOR"
	ByKind   CountDimension = "KIND"
	ByStatus CountDimension = "STATUS"
	// BySource counts a commitment once under each distinct source of its
	// evidence, so the groups of a source count add up to more than the
	// commitments when some cite several sources.
	BySource CountDimension = "SOURCE"
	// ByMonth groups by the month of the commitment's date; commitments
	// dated to a year only, or undated, fall in the group with no month.
	ByMonth CountDimension = "MONTH"
)

// CountDimensions are the dimensions, in the order groups sort by.
var CountDimensions = []CountDimension{ByActor, ByKind, ByStatus, BySource, ByMonth}

// GroupCount is the number of commitments in one group; only the fields of
// the dimensions asked for are set.
type GroupCount struct {
	ActorID  string
	Kind     EdgeKind
	Status   Status
	SourceID string
	// Month is "2025-08"; "" for commitments without a month.
	Month string
	Count int
}

// CheckDimensions refuses an empty, unknown or repeated dimension.
func CheckDimensions(by []CountDimension) error {
	bad := func(msg string) error { return &Error{Code: CodeBadInput, Field: "by", Message: msg} }
	if len(by) == 0 {
		return bad("name at least one dimension to count by")
	}
	for i, d := range by {
		if !slices.Contains(CountDimensions, d) {
			return bad(fmt.Sprintf("unknown dimension %q", d))
		}
		if slices.Contains(by[:i], d) {
			return bad(fmt.Sprintf("dimension %s given twice", d))
		}
	}
	return nil
}

// CommitmentMonth is the month of c's date as "2025-08", "" when its date
// is known to the year only, or not at all.
func CommitmentMonth(c *Commitment) string {
	if p := c.Date.Precision(); p == PrecisionDay || p == PrecisionMonth {
		return fmt.Sprintf("%04d-%02d", c.Date.Year, c.Date.Month)
	}
	return ""
}

// GroupCommitments counts cs by the dimensions (checked) and sorts the
// groups with CompareGroupCounts. It is the definition a store's own
// aggregation must agree with.
func GroupCommitments(cs []*Commitment, by []CountDimension) []GroupCount {
	has := func(d CountDimension) bool { return slices.Contains(by, d) }
	n := map[GroupCount]int{}
	for _, c := range cs {
		var g GroupCount
		if has(ByActor) {
			g.ActorID = c.ActorID
		}
		if has(ByKind) {
			g.Kind = c.Kind
		}
		if has(ByStatus) {
			g.Status = c.Status
		}
		if has(ByMonth) {
			g.Month = CommitmentMonth(c)
		}
		if !has(BySource) {
			n[g]++
			continue
		}
		seen := map[string]bool{}
		for _, e := range c.Evidence {
			if !seen[e.SourceID] {
				seen[e.SourceID] = true
				g.SourceID = e.SourceID
				n[g]++
			}
		}
	}
	out := make([]GroupCount, 0, len(n))
	for g, count := range n {
		g.Count = count
		out = append(out, g)
	}
	slices.SortFunc(out, CompareGroupCounts)
	return out
}

// CompareGroupCounts orders groups by actor id, kind and status in
// vocabulary order, source id, then month with the month-less group last.
func CompareGroupCounts(a, b GroupCount) int {
	month := func(m string) string {
		if m == "" {
			return "~" // after every digit
		}
		return m
	}
	return cmp.Or(
		strings.Compare(a.ActorID, b.ActorID),
		kindOrder[a.Kind]-kindOrder[b.Kind],
		statusOrder[a.Status]-statusOrder[b.Status],
		strings.Compare(a.SourceID, b.SourceID),
		strings.Compare(month(a.Month), month(b.Month)),
	)
}
