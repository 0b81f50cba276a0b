package coalitiongraph

import (
	"errors"
	"fmt"
	"slices"
	"strings"
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
	c := &datasetCheck{seen: map[string]string{}, sources: map[string]bool{}, entities: map[string]bool{}}
	for _, src := range ds.Sources {
		if c.item("source", src == nil, func() string { return src.ID }) {
			c.sources[src.ID] = true
			c.date("source "+src.ID, src.Published)
		}
	}
	for _, e := range ds.Entities {
		if !c.item("entity", e == nil, func() string { return e.ID }) {
			continue
		}
		what := "entity " + e.ID
		c.entities[e.ID] = true
		if !e.Kind.Valid() {
			c.bad("%s: unknown kind %q", what, e.Kind)
		}
		c.date(what, e.Date)
	}
	// Evidence and ends are checked once every source and entity is known,
	// so that the order of the sections does not matter.
	for _, e := range ds.Entities {
		if e != nil {
			c.evidence("entity "+e.ID, e.Evidence)
		}
	}
	for _, r := range ds.Relations {
		if !c.item("relation", r == nil, func() string { return r.ID }) {
			continue
		}
		what := "relation " + r.ID
		if !r.Kind.IsRelation() {
			c.bad("%s: %q is not a relation kind", what, r.Kind)
		}
		c.end(what, "from", r.FromID)
		c.end(what, "to", r.ToID)
		c.date(what, r.Date)
		c.evidence(what, r.Evidence)
	}
	c.commitments(ds.Commitments)
	for _, cl := range ds.Claims {
		if !c.item("claim", cl == nil, func() string { return cl.ID }) {
			continue
		}
		what := "claim " + cl.ID
		c.end(what, "subject", cl.SubjectID)
		c.evidence(what, cl.Evidence)
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

// item checks that an item exists and claims its id; it reports whether
// the item can be checked further.
func (c *datasetCheck) item(section string, isNil bool, id func() string) bool {
	if isNil {
		c.bad("nil %s", section)
		return false
	}
	return c.claim(section, id())
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

func (c *datasetCheck) date(what string, d Date) {
	if back, err := ParseDate(d.String()); err != nil || back != d {
		c.bad("%s: date %+v is not a valid date", what, d)
	}
}

func (c *datasetCheck) end(what, role, id string) {
	if !c.entities[id] {
		c.bad("%s: unknown %s %q", what, role, id)
	}
}

func (c *datasetCheck) evidence(what string, ev []Evidence) {
	for _, e := range ev {
		if !c.sources[e.SourceID] {
			c.bad("%s: evidence cites unknown source %q", what, e.SourceID)
		}
	}
}

// commitments checks each commitment's versions as a group: the id is
// claimed once for all of them.
func (c *datasetCheck) commitments(all []*Commitment) {
	groups := map[string][]*Commitment{}
	var order []string
	for _, cm := range all {
		if cm == nil {
			c.bad("nil commitment")
			continue
		}
		if _, ok := groups[cm.ID]; !ok {
			order = append(order, cm.ID)
		}
		groups[cm.ID] = append(groups[cm.ID], cm)
	}
	for _, id := range order {
		versions := groups[id]
		if !c.claim("commitment", id) {
			continue
		}
		if err := checkVersions(versions); err != nil {
			c.bad("%v", err)
		}
		what := "commitment " + id
		for _, v := range versions {
			if !v.Kind.IsCommitment() {
				c.bad("%s: %q is not a commitment kind", what, v.Kind)
			}
			if !v.Status.Valid() {
				c.bad("%s: unknown status %q", what, v.Status)
			}
			c.end(what, "actor", v.ActorID)
			c.end(what, "target", v.TargetID)
			if v.StatedByID != "" {
				c.end(what, "statedBy", v.StatedByID)
			}
			c.date(what, v.Date)
			c.evidence(what, v.Evidence)
		}
	}
}

// checkVersions requires the versions of one commitment to be numbered
// 1…n, in any order; a lone version 0 counts as version 1.
func checkVersions(group []*Commitment) error {
	if len(group) == 1 && group[0].Version == 0 {
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
