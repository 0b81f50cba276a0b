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
	commitFields   = []string{"id", "kind", "actor", "target", "status", "date", "dateReasoning", "statedBy", "conditions", "summary", "evidence"}
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
	lines    map[string]int // file name → its line count, once a problem names it
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
	// yaml.v3 places the implied null value of an explicit key ("? name"
	// on a file's last line) on the line after the key, which may be past
	// the file's end (found by FuzzLoad): blame the last line then.
	if n, ok := l.lines[file]; ok {
		line = min(line, n)
	} else {
		for _, f := range l.files {
			if f.Name == file {
				if l.lines == nil {
					l.lines = map[string]int{}
				}
				l.lines[file] = yamlLineCount(f.Data)
				line = min(line, l.lines[file])
				break
			}
		}
	}
	l.problems = append(l.problems, Problem{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// yamlLineCount counts a file's lines as YAML does: CRLF, LF and a lone CR
// each end one.
func yamlLineCount(b []byte) int {
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	return bytes.Count(b, []byte("\n")) + bytes.Count(b, []byte("\r")) + 1
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
		r.c.DateReasoning, _ = it.str("dateReasoning")
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
