package dataset

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	cg "github.com/coalitiongraph/coalitiongraph"
)

var idPattern = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// The sections of a dataset file and the fields each item may have; any
// other field is a typo that would otherwise be dropped silently.
var (
	sections     = []string{"sources", "entities", "relations", "commitments", "claims"}
	sourceFields = []string{"id", "file", "outlet", "outletReasoning", "title", "author", "published",
		"publishedNotBefore", "publishedNotAfter", "publishedReasoning"}
	entityFields   = []string{"id", "kind", "name", "aliases", "description", "date", "evidence"}
	relationFields = []string{"id", "kind", "from", "to", "role", "date", "evidence"}
	commitFields   = []string{"id", "kind", "actor", "target", "status", "date", "statedBy", "conditions", "summary", "evidence"}
	claimFields    = []string{"id", "subject", "topic", "text", "position", "stance", "evidence"}
	stanceFields   = []string{"actor", "kind", "state", "discussedBy"}
	evidenceFields = []string{"source", "quote", "attributedTo"}
)

// needsEvidence are the entity kinds that exist only because an article
// reports them; countries and people need no citation to exist.
var needsEvidence = []cg.EntityKind{cg.KindProposal, cg.KindEvent, cg.KindAgreement}

// relationShapes explain the endpoints each relation kind accepts, for
// messages about edges that do not fit.
var relationShapes = map[cg.EdgeKind]string{
	cg.HoldsOffice:    "a PERSON to a COUNTRY, ORGANISATION or GROUP",
	cg.MemberOf:       "a COUNTRY, PERSON, ORGANISATION or GROUP to an ORGANISATION or GROUP",
	cg.ParticipatedIn: "an actor (COUNTRY, PERSON, ORGANISATION, GROUP) to an EVENT",
	cg.Signed:         "an actor (COUNTRY, PERSON, ORGANISATION, GROUP) to an AGREEMENT",
	cg.PartOf:         "a PROPOSAL to a PROPOSAL",
	cg.VariantOf:      "a PROPOSAL to a PROPOSAL",
	cg.AlternativeTo:  "a PROPOSAL to a PROPOSAL",
}

// item is one list entry of a section, kept with its position for the
// checks that need the whole dataset.
type item struct {
	l    *loader
	file string
	line int
	what string // "commitment c-pol-refuses-troops", for messages
	m    map[string]*yaml.Node
	// owned is false when the item's id is missing, malformed or taken, so
	// that nothing is looked up under it.
	owned bool
	// bad holds fields already reported as malformed, so that they are not
	// reported again as missing.
	bad map[string]bool
}

// def is where an id is defined.
type def struct {
	section string // singular: "source", "entity" …
	file    string
	line    int
	kind    cg.EntityKind // entities only
}

type evRec struct {
	it         *item
	ev         *cg.Evidence
	line       int // the evidence item
	sourceLine int
	quoteLine  int
}

type ref struct {
	field string
	id    string
	line  int
}

type sourceRec struct {
	it       *item
	s        *cg.Source
	fileLine int
}

type entityRec struct {
	it *item
	e  *cg.Entity
	ev []*evRec
}

type relationRec struct {
	it       *item
	r        *cg.Relation
	from, to ref
	kindLine int
	ev       []*evRec
}

type commitRec struct {
	it                      *item
	c                       *cg.Commitment
	actor, target, statedBy ref
	statusLine              int
	ev                      []*evRec
}

type claimRec struct {
	it      *item
	c       *cg.Claim
	subject ref
	actor   ref // the stance's, when there is one
	ev      []*evRec
}

type loader struct {
	files    []File
	sources  fs.FS
	problems []Problem
	syntax   bool
	ids      map[string]def
	texts    map[string]string // source id → article text, when readable

	srcs    []*sourceRec
	ents    []*entityRec
	rels    []*relationRec
	commits []*commitRec
	claims  []*claimRec
}

func newLoader(files []File, sources fs.FS) *loader {
	return &loader{files: files, sources: sources, ids: map[string]def{}, texts: map[string]string{}}
}

func (l *loader) add(file string, line int, format string, args ...any) {
	l.problems = append(l.problems, Problem{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// sorted orders problems by file, in load order, then by line, so that a
// curator can work down each file.
func (l *loader) sorted() []Problem {
	order := map[string]int{}
	for i, f := range l.files {
		if _, ok := order[f.Name]; !ok {
			order[f.Name] = i
		}
	}
	out := slices.Clone(l.problems)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if order[a.File] != order[b.File] {
			return order[a.File] < order[b.File]
		}
		return a.Line < b.Line
	})
	return out
}

func (l *loader) run() *cg.Dataset {
	for _, f := range l.files {
		l.parseFile(f)
	}
	// A file that does not parse takes its ids with it; checking references
	// now would bury the syntax error under "unknown id" noise.
	if l.syntax {
		return nil
	}
	l.check()
	ds := &cg.Dataset{}
	for _, r := range l.srcs {
		ds.Sources = append(ds.Sources, r.s)
	}
	for _, r := range l.ents {
		ds.Entities = append(ds.Entities, r.e)
	}
	for _, r := range l.rels {
		ds.Relations = append(ds.Relations, r.r)
	}
	for _, r := range l.commits {
		ds.Commitments = append(ds.Commitments, r.c)
	}
	for _, r := range l.claims {
		ds.Claims = append(ds.Claims, r.c)
	}
	return ds
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func (l *loader) syntaxError(file string, err error) {
	l.syntax = true
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		l.add(file, n, "YAML syntax: %s", m[2])
		return
	}
	l.add(file, 0, "YAML syntax: %s", strings.TrimPrefix(msg, "yaml: "))
}

func (l *loader) parseFile(f File) {
	dec := yaml.NewDecoder(bytes.NewReader(f.Data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if !errors.Is(err, io.EOF) {
			l.syntaxError(f.Name, err)
		}
		return
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		l.add(f.Name, next.Line, "a dataset file holds one YAML document; put everything under one set of sections")
	case !errors.Is(err, io.EOF):
		l.syntaxError(f.Name, err)
		return
	}
	if len(doc.Content) == 0 {
		return
	}
	root := resolve(doc.Content[0])
	if isNull(root) {
		return
	}
	if root.Kind != yaml.MappingNode {
		l.add(f.Name, root.Line, "want a mapping of sections (%s), got %s", strings.Join(sections, ", "), describe(root))
		return
	}
	top := l.fields(f.Name, root, "", sections)
	for _, name := range sections {
		sec, ok := top[name]
		if !ok || isNull(sec) {
			continue
		}
		if sec.Kind != yaml.SequenceNode {
			l.add(f.Name, sec.Line, "section %s: want a list of items (each starting with \"- \"), got %s", name, describe(sec))
			continue
		}
		for _, n := range sec.Content {
			n = resolve(n)
			if n.Kind != yaml.MappingNode {
				l.add(f.Name, n.Line, "%s: each item must be a mapping of fields, got %s", name, describe(n))
				continue
			}
			l.parseItem(f.Name, name, n)
		}
	}
}

func (l *loader) parseItem(file, section string, n *yaml.Node) {
	singular := map[string]string{"sources": "source", "entities": "entity", "relations": "relation", "commitments": "commitment", "claims": "claim"}[section]
	allowed := map[string][]string{"sources": sourceFields, "entities": entityFields, "relations": relationFields, "commitments": commitFields, "claims": claimFields}[section]
	it := &item{l: l, file: file, line: n.Line, what: singular, bad: map[string]bool{}}
	// Every message names the item by its id, even those about fields
	// before it.
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k, v := resolve(n.Content[i]), resolve(n.Content[i+1]); k.Value == "id" && v.Kind == yaml.ScalarNode && v.Value != "" {
			it.what = singular + " " + v.Value
			break
		}
	}
	it.m = l.fields(file, n, it.what, allowed)
	id, owned := it.id(singular)
	it.owned = owned
	switch section {
	case "sources":
		r := &sourceRec{it: it, s: &cg.Source{ID: id}}
		r.s.File, r.fileLine = it.str("file")
		r.s.Outlet, _ = it.str("outlet")
		r.s.OutletReasoning, _ = it.str("outletReasoning")
		r.s.OutletInferred = r.s.OutletReasoning != ""
		r.s.Title, _ = it.str("title")
		r.s.Author, _ = it.str("author")
		r.s.Published = it.date("published")
		r.s.PublishedNotBefore = it.date("publishedNotBefore")
		r.s.PublishedNotAfter = it.date("publishedNotAfter")
		r.s.PublishedReasoning, _ = it.str("publishedReasoning")
		l.srcs = append(l.srcs, r)
	case "entities":
		r := &entityRec{it: it, e: &cg.Entity{ID: id}}
		k, kl := it.str("kind")
		r.e.Kind = cg.EntityKind(k)
		if owned {
			d := l.ids[id]
			d.kind = r.e.Kind
			l.ids[id] = d
		}
		switch {
		case k == "":
			it.missing("kind", kl, "missing kind (want one of %s)", entityKinds())
		case !r.e.Kind.Valid():
			it.errf(kl, "unknown entity kind %q (want one of %s)", k, entityKinds())
		}
		var nl int
		if r.e.Name, nl = it.str("name"); strings.TrimSpace(r.e.Name) == "" {
			it.missing("name", nl, "missing name")
		}
		r.e.Aliases = it.list("aliases")
		r.e.Description, _ = it.str("description")
		r.e.Date = it.date("date")
		r.e.Evidence, r.ev = it.evidence(slices.Contains(needsEvidence, r.e.Kind))
		l.ents = append(l.ents, r)
	case "relations":
		r := &relationRec{it: it, r: &cg.Relation{ID: id}}
		r.r.Kind, r.kindLine = it.edgeKind(false)
		r.from = it.ref("from")
		r.to = it.ref("to")
		r.r.FromID, r.r.ToID = r.from.id, r.to.id
		r.r.Role, _ = it.str("role")
		r.r.Date = it.date("date")
		r.r.Evidence, r.ev = it.evidence(true)
		l.rels = append(l.rels, r)
	case "commitments":
		r := &commitRec{it: it, c: &cg.Commitment{ID: id, Version: 1}}
		r.c.Kind, _ = it.edgeKind(true)
		r.actor = it.ref("actor")
		r.target = it.ref("target")
		r.statedBy = it.ref("statedBy")
		r.c.ActorID, r.c.TargetID, r.c.StatedByID = r.actor.id, r.target.id, r.statedBy.id
		var s string
		s, r.statusLine = it.str("status")
		r.c.Status = cg.Status(s)
		switch {
		case s == "":
			it.missing("status", r.statusLine, "missing status (%s allows %s)", r.c.Kind, statusList(r.c.Kind.AllowedStatuses()))
		case !r.c.Status.Valid():
			it.errf(r.statusLine, "unknown status %q (want one of %s)", s, statusList(cg.Statuses))
		case r.c.Kind.IsCommitment() && !r.c.Kind.Allows(r.c.Status):
			it.errf(r.statusLine, "status %s is not allowed for %s (allowed: %s)", s, r.c.Kind, statusList(r.c.Kind.AllowedStatuses()))
		}
		r.c.Date = it.date("date")
		r.c.Conditions = it.list("conditions")
		r.c.Summary, _ = it.str("summary")
		r.c.Evidence, r.ev = it.evidence(true)
		l.commits = append(l.commits, r)
	case "claims":
		r := &claimRec{it: it, c: &cg.Claim{ID: id}}
		r.subject = it.ref("subject")
		r.c.SubjectID = r.subject.id
		var tl int
		if r.c.Topic, tl = it.str("topic"); strings.TrimSpace(r.c.Topic) == "" {
			it.missing("topic", tl, "missing topic")
		}
		if r.c.Text, tl = it.str("text"); strings.TrimSpace(r.c.Text) == "" {
			it.missing("text", tl, "missing text")
		}
		switch r.c.Position, tl = it.str("position"); {
		case r.c.Position == "":
			it.missing("position", tl, "missing position: the claim's answer to its topic, normalised (\"similar\", \"meloni\", \"8\"), so that agreeing claims share it")
		case !cg.ValidPosition(r.c.Position):
			it.errf(tl, "position %q is not normalised: lower-case words of letters and digits joined by single hyphens, at most %d bytes", r.c.Position, cg.MaxPositionLen)
		}
		r.c.Stance, r.actor = it.stance()
		r.c.Evidence, r.ev = it.evidence(true)
		l.claims = append(l.claims, r)
	}
}

// fields reads a mapping into field name → value, reporting unknown and
// repeated fields at the line of their key.
func (l *loader) fields(file string, n *yaml.Node, what string, allowed []string) map[string]*yaml.Node {
	prefix := ""
	if what != "" {
		prefix = what + ": "
	}
	m := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			l.add(file, k.Line, "%sa field name must be a plain word, got %s", prefix, describe(k))
			continue
		}
		if !slices.Contains(allowed, k.Value) {
			if what == "" {
				l.add(file, k.Line, "unknown section %q (want %s)", k.Value, strings.Join(allowed, ", "))
			} else {
				l.add(file, k.Line, "%sunknown field %q (want %s)", prefix, k.Value, strings.Join(allowed, ", "))
			}
			continue
		}
		if _, dup := m[k.Value]; dup {
			l.add(file, k.Line, "%s%q given twice", prefix, k.Value)
			continue
		}
		m[k.Value] = v
	}
	return m
}

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
