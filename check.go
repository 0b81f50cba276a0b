package coalitiongraph

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ErrInvalidDataset marks a dataset refused by Check, before a store
// writes or indexes any of it.
var ErrInvalidDataset = errors.New("invalid dataset")

// maxProblems is how many problems Check names; the count of the rest
// follows them.
const maxProblems = 10

// Check reports what keeps ds from being stored faithfully, by any store:
// nil items, empty or repeated ids (all sections share one id space, since
// edges of both families meet in paths and a clash would make an edge id
// ambiguous), kinds and statuses outside the vocabulary, dates that do not
// round-trip, and references to entities or sources missing from ds.
//
// ds.Commitments may hold several versions of a commitment (as a durable
// store reloads them): each version once, numbered 1, 2, … without gaps. A
// commitment given once with Version 0 (a hand-built dataset) is version 1.
//
// The error is BAD_USER_INPUT wrapping ErrInvalidDataset and names the
// first problems found; nil when there are none. A nil ds is empty.
func (ds *Dataset) Check() error {
	if ds == nil {
		return nil
	}
	n := len(ds.Sources) + len(ds.Entities) + len(ds.Relations) + len(ds.Commitments) + len(ds.Claims)
	c := &datasetCheck{seen: make(map[string]string, n),
		sources: make(map[string]bool, len(ds.Sources)), entities: make(map[string]bool, len(ds.Entities))}
	for _, src := range ds.Sources {
		if c.item("source", src == nil) && c.claim("source", src.ID) {
			c.sources[src.ID] = true
			c.date("source", src.ID, src.Published)
			c.date("source", src.ID, src.PublishedNotBefore)
			c.date("source", src.ID, src.PublishedNotAfter)
			if err := ValidatePublication(src); err != nil {
				c.bad("%s", err.(*Error).Message)
			}
		}
	}
	for _, e := range ds.Entities {
		if !c.item("entity", e == nil) || !c.claim("entity", e.ID) {
			continue
		}
		c.entities[e.ID] = true
		if !e.Kind.Valid() {
			c.bad("entity %s: unknown kind %q", e.ID, e.Kind)
		}
		c.date("entity", e.ID, e.Date)
	}
	// Evidence and ends are checked once every source and entity is known,
	// so that the order of the sections does not matter.
	for _, e := range ds.Entities {
		if e != nil {
			c.evidence("entity", e.ID, e.Evidence)
		}
	}
	for _, r := range ds.Relations {
		if !c.item("relation", r == nil) || !c.claim("relation", r.ID) {
			continue
		}
		if !r.Kind.IsRelation() {
			c.bad("relation %s: %q is not a relation kind", r.ID, r.Kind)
		}
		c.end("relation", r.ID, "from", r.FromID)
		c.end("relation", r.ID, "to", r.ToID)
		c.date("relation", r.ID, r.Date)
		c.evidence("relation", r.ID, r.Evidence)
	}
	c.commitments(ds.Commitments)
	for _, cl := range ds.Claims {
		if !c.item("claim", cl == nil) || !c.claim("claim", cl.ID) {
			continue
		}
		c.end("claim", cl.ID, "subject", cl.SubjectID)
		if cl.Position != "" && !ValidPosition(cl.Position) {
			c.bad("claim %s: position %q is not normalised (lower-case words joined by hyphens, at most %d bytes)", cl.ID, cl.Position, MaxPositionLen)
		}
		if st := cl.Stance; st != nil {
			c.end("claim", cl.ID, "stance actor", st.ActorID)
			if st.Kind != "" && !st.Kind.IsCommitment() {
				c.bad("claim %s: stance kind %q is not a commitment kind", cl.ID, st.Kind)
			}
			if !st.State.Valid() {
				c.bad("claim %s: unknown stance state %q", cl.ID, st.State)
			}
		}
		c.evidence("claim", cl.ID, cl.Evidence)
	}
	return c.err()
}

type datasetCheck struct {
	problems          []string
	seen              map[string]string // id → its section
	sources, entities map[string]bool
}

func (c *datasetCheck) bad(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

// item reports whether an item is there to be checked.
func (c *datasetCheck) item(section string, isNil bool) bool {
	if isNil {
		c.bad("nil %s", section)
	}
	return !isNil
}

func (c *datasetCheck) claim(section, id string) bool {
	if id == "" {
		c.bad("%s with an empty id", section)
		return false
	}
	if prev, ok := c.seen[id]; ok {
		c.bad("duplicate id %q (%s and %s)", id, prev, section)
		return false
	}
	c.seen[id] = section
	return true
}

// The checks below name the item as "section id" only when reporting, so
// that a valid dataset costs no strings.

func (c *datasetCheck) date(section, id string, d Date) {
	if !d.roundTrips() {
		c.bad("%s %s: date %+v is not a valid date", section, id, d)
	}
}

func (c *datasetCheck) end(section, id, role, ref string) {
	if !c.entities[ref] {
		c.bad("%s %s: unknown %s %q", section, id, role, ref)
	}
}

func (c *datasetCheck) evidence(section, id string, ev []Evidence) {
	for _, e := range ev {
		if !c.sources[e.SourceID] {
			c.bad("%s %s: evidence cites unknown source %q", section, id, e.SourceID)
		}
	}
}

// commitments checks each commitment's versions as a group, in id order:
// the id is claimed once for all of them.
func (c *datasetCheck) commitments(all []*Commitment) {
	sorted := make([]*Commitment, 0, len(all))
	for _, cm := range all {
		if c.item("commitment", cm == nil) {
			sorted = append(sorted, cm)
		}
	}
	// A durable store's commitments come in id order already: one pass
	// finds it.
	byID := func(a, b *Commitment) int { return strings.Compare(a.ID, b.ID) }
	if !slices.IsSortedFunc(sorted, byID) {
		slices.SortStableFunc(sorted, byID)
	}
	for len(sorted) > 0 {
		n := 1
		for n < len(sorted) && sorted[n].ID == sorted[0].ID {
			n++
		}
		versions := sorted[:n]
		sorted = sorted[n:]
		id := versions[0].ID
		if !c.claim("commitment", id) {
			continue
		}
		if err := checkVersions(versions); err != nil {
			c.bad("%v", err)
		}
		for _, v := range versions {
			if !v.Kind.IsCommitment() {
				c.bad("commitment %s: %q is not a commitment kind", id, v.Kind)
			}
			if !v.Status.Valid() {
				c.bad("commitment %s: unknown status %q", id, v.Status)
			}
			c.end("commitment", id, "actor", v.ActorID)
			c.end("commitment", id, "target", v.TargetID)
			if v.StatedByID != "" {
				c.end("commitment", id, "statedBy", v.StatedByID)
			}
			c.date("commitment", id, v.Date)
			c.evidence("commitment", id, v.Evidence)
		}
	}
}

// checkVersions requires the versions of one commitment to be numbered
// 1…n, in any order; a lone version 0 counts as version 1.
func checkVersions(group []*Commitment) error {
	if len(group) == 1 && group[0].Version <= 1 && group[0].Version >= 0 {
		return nil
	}
	nums := make([]int, len(group))
	for i, v := range group {
		nums[i] = v.Version
	}
	slices.Sort(nums)
	for i, n := range nums {
		if n != i+1 {
			return fmt.Errorf("duplicate id %q or a gap in its versions (version %d where %d belongs)", group[0].ID, n, i+1)
		}
	}
	return nil
}

func (c *datasetCheck) err() error {
	if len(c.problems) == 0 {
		return nil
	}
	msg := strings.Join(c.problems[:min(maxProblems, len(c.problems))], "; ")
	if len(c.problems) > maxProblems {
		msg += fmt.Sprintf("; and %d more", len(c.problems)-maxProblems)
	}
	return &Error{Code: CodeBadInput, Message: "invalid dataset: " + msg, Err: ErrInvalidDataset}
}

// roundTrips reports whether ParseDate(d.String()) gives d back, which is
// what a store that keeps dates as text needs, without formatting one.
func (d Date) roundTrips() bool {
	switch {
	case d.Year == 0:
		return d.Month == 0 && d.Day == 0
	case d.Year < 1 || d.Year > 9999:
		return false
	case d.Month == 0:
		return d.Day == 0
	case d.Month < 1 || d.Month > 12:
		return false
	case d.Day == 0:
		return true
	}
	return d.Day >= 1 && time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, time.UTC).Day() == d.Day
}
