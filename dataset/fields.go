package dataset

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// An item's fields, read and checked one at a time, each problem reported
// at its line.

func (it *item) errf(line int, format string, args ...any) {
	if line == 0 {
		line = it.line
	}
	it.l.add(it.file, line, "%s: %s", it.what, fmt.Sprintf(format, args...))
}

// missing reports an absent or empty field unless it was already reported
// as malformed.
func (it *item) missing(key string, line int, format string, args ...any) {
	if !it.bad[key] {
		it.errf(line, format, args...)
	}
}

// str returns a scalar field and the line to blame for it: the value's, or
// the item's when the field is absent.
func (it *item) str(key string) (string, int) {
	return it.l.scalar(it, it.m, key, it.line)
}

func (l *loader) scalar(it *item, m map[string]*yaml.Node, key string, fallback int) (string, int) {
	v, ok := m[key]
	if !ok {
		return "", fallback
	}
	if isNull(v) {
		return "", v.Line
	}
	if v.Kind != yaml.ScalarNode {
		it.errf(v.Line, "%s: want a single value, got %s", key, describe(v))
		it.bad[key] = true
		return "", v.Line
	}
	return v.Value, v.Line
}

// id reads and registers the item's id; owned reports whether this item is
// the one the id now refers to.
func (it *item) id(singular string) (id string, owned bool) {
	id, line := it.str("id")
	switch {
	case id == "":
		it.missing("id", line, "missing id")
		return "", false
	case !idPattern.MatchString(id):
		it.errf(line, "malformed id %q: use only letters, digits, '_', '.' and '-'", id)
		return id, false
	}
	if first, dup := it.l.ids[id]; dup {
		it.errf(line, "duplicate id %q: the first is the %s at %s:%d", id, first.section, first.file, first.line)
		return id, false
	}
	it.l.ids[id] = def{section: singular, file: it.file, line: line}
	return id, true
}

func (it *item) list(key string) []string {
	v, ok := it.m[key]
	if !ok || isNull(v) {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		it.errf(v.Line, "%s: want a list ([a, b] or lines starting with \"- \"), got %s", key, describe(v))
		return nil
	}
	var out []string
	for _, e := range v.Content {
		e = resolve(e)
		if e.Kind != yaml.ScalarNode || isNull(e) {
			it.errf(e.Line, "%s: each entry must be a single value, got %s", key, describe(e))
			continue
		}
		out = append(out, e.Value)
	}
	return out
}

func (it *item) date(key string) cg.Date {
	s, line := it.str(key)
	d, err := cg.ParseDate(s)
	if err != nil {
		it.errf(line, "bad %s: %v", key, err)
	}
	return d
}

func (it *item) ref(key string) ref {
	s, line := it.str(key)
	return ref{field: key, id: s, line: line}
}

// edgeKind reads the kind of an edge, which must belong to the section's
// family: a commitment kind under relations (or the reverse) is misfiled.
func (it *item) edgeKind(commitment bool) (cg.EdgeKind, int) {
	s, line := it.str("kind")
	k := cg.EdgeKind(s)
	want, family := cg.RelationKinds, "relation"
	if commitment {
		want, family = cg.CommitmentKinds, "commitment"
	}
	switch {
	case s == "":
		it.missing("kind", line, "missing kind (want one of %s)", edgeKinds(want))
	case !k.Valid():
		it.errf(line, "unknown %s kind %q (want one of %s)", family, s, edgeKinds(want))
	case commitment && !k.IsCommitment():
		it.errf(line, "%s is a relation kind; put it under relations, or use a commitment kind (%s)", s, edgeKinds(want))
	case !commitment && !k.IsRelation():
		it.errf(line, "%s is a commitment kind; put it under commitments, or use a relation kind (%s)", s, edgeKinds(want))
	}
	return k, line
}

// stance reads a claim's optional stance and the reference to its actor.
func (it *item) stance() (*cg.Stance, ref) {
	v, ok := it.m["stance"]
	if !ok || isNull(v) {
		return nil, ref{}
	}
	if v.Kind != yaml.MappingNode {
		it.errf(v.Line, "stance: want a mapping with actor, kind, state and discussedBy, got %s", describe(v))
		return nil, ref{}
	}
	m := it.l.fields(it.file, v, it.what+": stance", stanceFields)
	st := &cg.Stance{}
	var line int
	st.ActorID, line = it.l.scalar(it, m, "actor", v.Line)
	actor := ref{field: "stance actor", id: st.ActorID, line: line}
	var s string
	s, line = it.l.scalar(it, m, "kind", v.Line)
	if st.Kind = cg.EdgeKind(s); s != "" && !st.Kind.IsCommitment() {
		it.errf(line, "stance kind %q: want the commitment kind of the matrix column it shows in (%s), or none", s, edgeKinds(cg.CommitmentKinds))
	}
	s, line = it.l.scalar(it, m, "state", v.Line)
	if st.State = cg.StanceState(s); !st.State.Valid() {
		it.errf(line, "stance state %q: want one of %s", s, stanceStates())
	}
	st.DiscussedBy, _ = it.l.scalar(it, m, "discussedBy", v.Line)
	return st, actor
}

func stanceStates() string {
	out := make([]string, len(cg.StanceStates))
	for i, s := range cg.StanceStates {
		out[i] = string(s)
	}
	return strings.Join(out, ", ")
}

// evidence reads the evidence list; required says whether the item must
// cite at least one source.
func (it *item) evidence(required bool) ([]cg.Evidence, []*evRec) {
	v, ok := it.m["evidence"]
	if !ok || isNull(v) {
		if required {
			it.errf(0, "missing evidence: cite at least one source and verbatim quote")
		}
		return nil, nil
	}
	if v.Kind != yaml.SequenceNode {
		it.errf(v.Line, "evidence: want a list of {source, quote}, got %s", describe(v))
		return nil, nil
	}
	if len(v.Content) == 0 && required {
		it.errf(v.Line, "missing evidence: cite at least one source and verbatim quote")
		return nil, nil
	}
	// Allocated once at full size so that records can point into it.
	out := make([]cg.Evidence, 0, len(v.Content))
	var recs []*evRec
	for _, e := range v.Content {
		e = resolve(e)
		if e.Kind != yaml.MappingNode {
			it.errf(e.Line, "evidence: each item must be a mapping with source and quote, got %s", describe(e))
			continue
		}
		m := it.l.fields(it.file, e, it.what+": evidence", evidenceFields)
		var ev cg.Evidence
		r := &evRec{it: it, line: e.Line}
		ev.SourceID, r.sourceLine = it.l.scalar(it, m, "source", e.Line)
		ev.Quote, r.quoteLine = it.l.scalar(it, m, "quote", e.Line)
		ev.AttributedTo, _ = it.l.scalar(it, m, "attributedTo", e.Line)
		if strings.TrimSpace(ev.Quote) == "" {
			it.errf(r.quoteLine, "evidence: empty quote; copy the words from the source verbatim")
		}
		out = append(out, ev)
		recs = append(recs, r)
	}
	for i := range recs {
		recs[i].ev = &out[i]
	}
	return out, recs
}

func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if isNull(n) {
			return "nothing"
		}
		return fmt.Sprintf("the value %q", n.Value)
	}
	return "something else"
}

func entityKinds() string {
	s := make([]string, len(cg.EntityKinds))
	for i, k := range cg.EntityKinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

func edgeKinds(ks []cg.EdgeKind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

func statusList(ss []cg.Status) string {
	s := make([]string, len(ss))
	for i, k := range ss {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}
