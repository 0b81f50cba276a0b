package graph

import (
	"bytes"
	"context"
	"io"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// A commitment list written straight to JSON. gqlgen resolves every field
// of every item through the same machinery: a field context, the field
// middleware, a resolver closure, a marshaller closure, an ordered field
// set, about twenty allocations a field. A coalition of 100 commitments
// with their actors and evidence is some 1,500 fields, and that machinery
// was most of the GraphQL layer's CPU (docs/benchmarks.md, "Coalition at
// 1M (session 13)"). When a list selects only fields that are the items'
// own values, or the entities and sources that the store's listing
// brought along (held in the loaders, so that nothing is loaded and no
// field can fail), the list is written here, field by field in the
// selection's order under its aliases, with the values gqlgen would give;
// anything else takes gqlgen's way. TestPlainListsAnswerAsGqlgen compares
// the two.

// writtenFields are, per object type, the fields a written list can hold,
// with the type of those whose value is an object ("" for the others).
var writtenFields = map[string]map[string]string{
	"Commitment": {
		"__typename": "", "id": "", "kind": "", "status": "", "conditions": "", "summary": "",
		"dateReasoning": "", "evidenceCount": "", "version": "", "retracted": "", "recordedBy": "", "reason": "",
		"actor": "Entity", "target": "Entity", "statedBy": "Entity", "evidence": "Evidence",
	},
	"Entity":   {"__typename": "", "id": "", "kind": "", "name": "", "aliases": "", "description": ""},
	"Evidence": {"__typename": "", "quote": "", "attributedTo": "", "line": "", "source": "Source"},
	"Source":   {"__typename": "", "id": "", "file": ""},
}

// writePlan is what a written list shows of each item: its fields in
// order, each with its key (the alias, quoted, and a colon) and, for an
// object, the plan of its value.
type writePlan []writeStep

type writeStep struct {
	name string
	key  []byte
	sub  writePlan
}

// newWritePlan is the plan of sel on objects of typ, or false when sel
// selects a field a written list cannot hold (or defers one).
func newWritePlan(op *graphql.OperationContext, typ string, sel ast.SelectionSet) (writePlan, bool) {
	fields := writtenFields[typ]
	var plan writePlan
	seen := map[string]bool{}
	for _, f := range graphql.CollectFields(op, sel, implementorsOf[typ]) {
		sub, ok := fields[f.Name]
		if !ok || f.IsDeferred() {
			return nil, false
		}
		// Fields of one alias are merged by CollectFields; gqlgen writes
		// an alias once.
		if seen[f.Alias] {
			continue
		}
		seen[f.Alias] = true
		step := writeStep{name: f.Name}
		var key bytes.Buffer
		graphql.MarshalString(f.Alias).MarshalGQL(&key)
		key.WriteByte(':')
		step.key = key.Bytes()
		if sub != "" {
			if step.sub, ok = newWritePlan(op, sub, f.Selections); !ok {
				return nil, false
			}
		}
		plan = append(plan, step)
	}
	return plan, true
}

// has says whether the plan shows the field name.
func (p writePlan) has(name string) (writePlan, bool) {
	for _, st := range p {
		if st.name == name {
			return st.sub, true
		}
	}
	return nil, false
}

// commitmentFields is how many fields gqlgen would resolve for c under
// the plan, which the result limit counts: every field but __typename,
// and those of an object value unless it is null (an absent speaker).
func (p writePlan) commitmentFields(c *cg.Commitment) int {
	n := 0
	for _, st := range p {
		switch st.name {
		case "__typename":
		case "evidence":
			n += 1 + len(c.Evidence)*st.sub.objectFields()
		case "statedBy":
			n++
			if c.StatedByID != "" {
				n += st.sub.objectFields()
			}
		default:
			n += 1 + st.sub.objectFields()
		}
	}
	return n
}

// objectFields is how many fields gqlgen would resolve for an entity,
// evidence or source under the plan.
func (p writePlan) objectFields() int {
	n := 0
	for _, st := range p {
		if st.name != "__typename" {
			n += 1 + st.sub.objectFields()
		}
	}
	return n
}

// writtenCommitments is v written under plan, an item each, when the
// loaders hold every entity and source it shows (a listing primed them,
// or a load returned them) and charging its
// fields to the result limit leaves some; otherwise nil, and gqlgen
// marshals the list (and reports what is missing or too much).
func writtenCommitments(ctx context.Context, l *Loaders, plan writePlan, v []*cg.Commitment) graphql.Array {
	entities := map[string]*cg.Entity{}
	sources := map[string]*cg.Source{}
	need := func(id string) bool {
		if _, ok := entities[id]; ok {
			return true
		}
		e, ok := l.entity.heldValue(id)
		if !ok || e == nil {
			return false
		}
		entities[id] = e
		return true
	}
	_, actor := plan.has("actor")
	_, target := plan.has("target")
	_, statedBy := plan.has("statedBy")
	evidence, showsEvidence := plan.has("evidence")
	_, source := evidence.has("source")
	source = showsEvidence && source
	n := 0
	for _, c := range v {
		if (actor && !need(c.ActorID)) || (target && !need(c.TargetID)) || (statedBy && c.StatedByID != "" && !need(c.StatedByID)) {
			return nil
		}
		if source {
			for _, ev := range c.Evidence {
				if _, ok := sources[ev.SourceID]; ok {
					continue
				}
				s, ok := l.source.heldValue(ev.SourceID)
				if !ok || s == nil {
					return nil
				}
				sources[ev.SourceID] = s
			}
		}
		n += plan.commitmentFields(c)
	}
	if !chargeFields(ctx, n) {
		return nil
	}
	var b bytes.Buffer
	ends := make([]int, len(v))
	for i, c := range v {
		plan.writeCommitment(&b, c, entities, sources)
		ends[i] = b.Len()
	}
	out := make(graphql.Array, len(v))
	all, start := b.Bytes(), 0
	for i, end := range ends {
		out[i] = rawJSON(all[start:end])
		start = end
	}
	return out
}

// rawJSON is a value already written.
type rawJSON []byte

func (r rawJSON) MarshalGQL(w io.Writer) { _, _ = w.Write(r) }

func (p writePlan) writeCommitment(b *bytes.Buffer, c *cg.Commitment, entities map[string]*cg.Entity, sources map[string]*cg.Source) {
	b.WriteByte('{')
	for i, st := range p {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(st.key)
		switch st.name {
		case "__typename":
			writeString(b, "Commitment")
		case "id":
			writeString(b, c.ID)
		case "kind":
			writeString(b, string(c.Kind))
		case "status":
			writeString(b, string(c.Status))
		case "conditions":
			writeStrings(b, c.Conditions)
		case "summary":
			writeNullable(b, c.Summary)
		case "dateReasoning":
			writeNullable(b, c.DateReasoning)
		case "evidenceCount":
			b.WriteString(strconv.Itoa(len(c.Evidence)))
		case "version":
			b.WriteString(strconv.Itoa(c.Version))
		case "retracted":
			b.WriteString(strconv.FormatBool(c.Retracted))
		case "recordedBy":
			writeNullable(b, c.RecordedBy)
		case "reason":
			writeNullable(b, c.Reason)
		case "actor":
			st.sub.writeEntity(b, entities[c.ActorID])
		case "target":
			st.sub.writeEntity(b, entities[c.TargetID])
		case "statedBy":
			if c.StatedByID == "" {
				b.WriteString("null")
			} else {
				st.sub.writeEntity(b, entities[c.StatedByID])
			}
		case "evidence":
			b.WriteByte('[')
			for j := range c.Evidence {
				if j > 0 {
					b.WriteByte(',')
				}
				st.sub.writeEvidence(b, &c.Evidence[j], sources)
			}
			b.WriteByte(']')
		}
	}
	b.WriteByte('}')
}

func (p writePlan) writeEntity(b *bytes.Buffer, e *cg.Entity) {
	b.WriteByte('{')
	for i, st := range p {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(st.key)
		switch st.name {
		case "__typename":
			writeString(b, "Entity")
		case "id":
			writeString(b, e.ID)
		case "kind":
			writeString(b, string(e.Kind))
		case "name":
			writeString(b, e.Name)
		case "aliases":
			writeStrings(b, e.Aliases)
		case "description":
			writeNullable(b, e.Description)
		}
	}
	b.WriteByte('}')
}

func (p writePlan) writeEvidence(b *bytes.Buffer, ev *cg.Evidence, sources map[string]*cg.Source) {
	b.WriteByte('{')
	for i, st := range p {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(st.key)
		switch st.name {
		case "__typename":
			writeString(b, "Evidence")
		case "quote":
			writeString(b, ev.Quote)
		case "attributedTo":
			writeNullable(b, ev.AttributedTo)
		case "line":
			if ev.Line == 0 {
				b.WriteString("null")
			} else {
				b.WriteString(strconv.Itoa(ev.Line))
			}
		case "source":
			st.sub.writeSource(b, sources[ev.SourceID])
		}
	}
	b.WriteByte('}')
}

func (p writePlan) writeSource(b *bytes.Buffer, s *cg.Source) {
	b.WriteByte('{')
	for i, st := range p {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(st.key)
		switch st.name {
		case "__typename":
			writeString(b, "Source")
		case "id":
			writeString(b, s.ID)
		case "file":
			writeString(b, s.File)
		}
	}
	b.WriteByte('}')
}

// writeString writes s quoted as gqlgen writes a String or ID.
func writeString(b *bytes.Buffer, s string) { graphql.MarshalString(s).MarshalGQL(b) }

// writeNullable writes s, or null for "", as the resolvers' nullable does.
func writeNullable(b *bytes.Buffer, s string) {
	if s == "" {
		b.WriteString("null")
		return
	}
	writeString(b, s)
}

func writeStrings(b *bytes.Buffer, ss []string) {
	b.WriteByte('[')
	for i, s := range ss {
		if i > 0 {
			b.WriteByte(',')
		}
		writeString(b, s)
	}
	b.WriteByte(']')
}

// fieldChargeKey carries the result limit's charge (WithFieldCharge).
type fieldChargeKey struct{}

// WithFieldCharge gives written lists the result limit's account: charge
// takes the fields a list would have gqlgen resolve, and says whether the
// limit leaves room for them. The HTTP layer counts every field it
// resolves against the limit; a written list resolves none of its own.
func WithFieldCharge(ctx context.Context, charge func(fields int) bool) context.Context {
	return context.WithValue(ctx, fieldChargeKey{}, charge)
}

// chargeFields charges n fields to the request's result limit, if it has
// one.
func chargeFields(ctx context.Context, n int) bool {
	charge, ok := ctx.Value(fieldChargeKey{}).(func(int) bool)
	return !ok || charge(n)
}
