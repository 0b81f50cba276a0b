// Package graph is the GraphQL layer: gqlgen's generated executor
// (generated.go, model/) and thin resolvers that translate GraphQL fields
// into store calls, through per-request dataloaders for nested fields.
package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/graph/model"
)

// Resolver is the root resolver; one serves every request.
type Resolver struct {
	Store cg.Store
	// Writer records mutations; nil makes the API read-only.
	Writer cg.Writer
	// Feed carries changes to subscriptions; nil disables them.
	Feed cg.ChangeFeed
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// MaxFirst caps page sizes, as GitHub's API does, so a single request
// cannot ask for the whole graph at once.
const MaxFirst = 100

func pageSize(first *int, def int) (int, error) {
	if first == nil {
		return def, nil
	}
	if *first < 1 || *first > MaxFirst {
		return 0, &cg.Error{Code: cg.CodeBadInput, Field: "first",
			Message: fmt.Sprintf("first must be between 1 and %d, got %d", MaxFirst, *first)}
	}
	return *first, nil
}

func parseDateArg(field string, s *string) (cg.Date, error) {
	if s == nil {
		return cg.Date{}, nil
	}
	d, err := cg.ParseDate(*s)
	if err != nil {
		return cg.Date{}, &cg.Error{Code: cg.CodeBadInput, Field: field, Message: err.Error()}
	}
	return d, nil
}

// commitmentFilter converts the GraphQL filter input to the store's.
func commitmentFilter(in *model.CommitmentFilter) (cg.CommitmentFilter, error) {
	if in == nil {
		return cg.CommitmentFilter{}, nil
	}
	fromArg, fromField, toArg, toField := in.From, "filter.from", in.To, "filter.to"
	if in.HeldDuring != nil {
		if in.From != nil || in.To != nil {
			return cg.CommitmentFilter{}, &cg.Error{Code: cg.CodeBadInput, Field: "filter.heldDuring",
				Message: "give heldDuring or from/to, not both: they are the same filter"}
		}
		fromArg, fromField, toArg, toField = in.HeldDuring.From, "filter.heldDuring.from", in.HeldDuring.To, "filter.heldDuring.to"
	}
	from, err := parseDateArg(fromField, fromArg)
	if err != nil {
		return cg.CommitmentFilter{}, err
	}
	to, err := parseDateArg(toField, toArg)
	if err != nil {
		return cg.CommitmentFilter{}, err
	}
	return cg.CommitmentFilter{
		IDs: in.Ids, Kinds: in.Kinds, Statuses: in.Statuses, ActorIDs: in.Actors,
		TargetIDs: in.Targets, SourceIDs: in.Sources, StatedByIDs: in.StatedBy,
		From: from, To: to, AsOf: in.AsOf,
	}, nil
}

func encodeFilter(f cg.CommitmentFilter) string {
	b, err := json.Marshal(f)
	if err != nil {
		panic(fmt.Sprintf("graph: encode filter: %v", err)) // plain data; cannot fail
	}
	return string(b)
}

func decodeFilter(s string) (cg.CommitmentFilter, error) {
	var f cg.CommitmentFilter
	if err := json.Unmarshal([]byte(s), &f); err != nil {
		return f, fmt.Errorf("decode matrix filter: %w", err)
	}
	return f, nil
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func knownDate(d cg.Date) *cg.Date {
	if !d.Known() {
		return nil
	}
	return &d
}

func filterCommitments(cs []*cg.Commitment, kinds []cg.EdgeKind, statuses []cg.Status) []*cg.Commitment {
	out := []*cg.Commitment{}
	for _, c := range cs {
		if (len(kinds) == 0 || contains(kinds, c.Kind)) && (len(statuses) == 0 || contains(statuses, c.Status)) {
			out = append(out, c)
		}
	}
	return out
}

// pointers points at each of items, for a schema list of objects that the
// store answers as values.
func pointers[T any](items []T) []*T {
	out := make([]*T, len(items))
	for i := range items {
		out[i] = &items[i]
	}
	return out
}

// nonNil turns a missing list into an empty one: the schema's lists are
// non-null, and a loader has no entry for a key with no items.
func nonNil[T any](items []T) []T {
	if items == nil {
		return []T{}
	}
	return items
}

func relationsOfKind(rs []*cg.Relation, kind cg.EdgeKind, end func(*cg.Relation) string, id string) []*cg.Relation {
	out := []*cg.Relation{}
	for _, r := range rs {
		if r.Kind == kind && end(r) == id {
			out = append(out, r)
		}
	}
	return out
}

func from(r *cg.Relation) string { return r.FromID }
func to(r *cg.Relation) string   { return r.ToID }

// claimCorroboration is how many sources state c's position on its topic,
// among its subject's claims.
func claimCorroboration(c *cg.Claim, subjectClaims []*cg.Claim) int {
	for _, t := range cg.Topics(subjectClaims) {
		if t.Topic == c.Topic {
			if p := t.PositionOf(c.ID); p != nil {
				return p.Corroboration()
			}
		}
	}
	// Not among its subject's claims (a store answering two reads
	// differently): it is at least its own sources.
	return len(cg.Accounts(c.Evidence))
}

// optionalKind is null for a stance without a matrix column.
func optionalKind(k cg.EdgeKind) *cg.EdgeKind {
	if k == "" {
		return nil
	}
	return &k
}

// selectsField reports whether the request selects the named field
// directly under the field being resolved.
func selectsField(ctx context.Context, name string) bool {
	if graphql.GetFieldContext(ctx) == nil {
		return true
	}
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		if f.Name == name {
			return true
		}
	}
	return false
}

// inherited lists the commitments aimed at the proposals id is part of
// (cg.Wholes), in role order, then as the wholes and their commitments come.
func (r *Resolver) inherited(ctx context.Context, id string) ([]*model.InheritedCommitment, error) {
	l := loadersFor(ctx)
	rels, err := l.relationsOf.LoadNow(ctx, id)
	if err != nil {
		return nil, err
	}
	wholes := cg.Wholes(rels, id)
	out := []*model.InheritedCommitment{}
	if len(wholes) == 0 {
		return out, nil
	}
	ids := make([]string, len(wholes))
	for i, w := range wholes {
		ids[i] = w.ToID
	}
	res, err := r.Store.Commitments(ctx, cg.CommitmentFilter{TargetIDs: uniq(ids)}, cg.Page{})
	if err != nil {
		return nil, err
	}
	l.setRelated(res)
	for _, w := range wholes {
		for _, c := range res.Commitments {
			if c.TargetID == w.ToID {
				out = append(out, &model.InheritedCommitment{Role: cg.RoleOf(c), Commitment: c, Via: w})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		return slices.Index(cg.CoalitionRoles, out[i].Role) < slices.Index(cg.CoalitionRoles, out[j].Role)
	})
	return out, nil
}

// buildCoalition sorts the commitments aimed at a proposal or group into
// the roles a coalition view shows.
func buildCoalition(subject *cg.Entity, cs []*cg.Commitment, actors []*cg.Entity) *model.Coalition {
	co := &model.Coalition{Subject: subject, Proposers: []*cg.Commitment{}, Supporters: []*cg.Commitment{},
		Offers: []*cg.Commitment{}, Considering: []*cg.Commitment{}, Refusals: []*cg.Commitment{},
		Opponents: []*cg.Commitment{}, ByKind: []*model.CommitmentGroup{}, Inherited: []*model.InheritedCommitment{}}
	groups := map[cg.EdgeKind]*model.CommitmentGroup{}
	for _, k := range cg.CommitmentKinds {
		groups[k] = &model.CommitmentGroup{Kind: k}
	}
	for _, c := range cs {
		groups[c.Kind].Commitments = append(groups[c.Kind].Commitments, c)
		switch cg.RoleOf(c) {
		case cg.RoleProposer:
			co.Proposers = append(co.Proposers, c)
		case cg.RoleSupporter:
			co.Supporters = append(co.Supporters, c)
		case cg.RoleRefusal:
			co.Refusals = append(co.Refusals, c)
		case cg.RoleOpponent:
			co.Opponents = append(co.Opponents, c)
		case cg.RoleConsidering:
			co.Considering = append(co.Considering, c)
		default:
			co.Offers = append(co.Offers, c)
		}
	}
	for _, k := range cg.CommitmentKinds {
		if len(groups[k].Commitments) > 0 {
			co.ByKind = append(co.ByKind, groups[k])
		}
	}
	sort.SliceStable(actors, func(i, j int) bool { return actors[i].Name < actors[j].Name })
	co.Actors = actors
	return co
}

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func uniq(ids []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// relations lists the entity's relations of one kind where the entity is at
// the given end.
func (r *Resolver) relations(ctx context.Context, id string, kind cg.EdgeKind, end func(*cg.Relation) string) ([]*cg.Relation, error) {
	rs, err := loadersFor(ctx).relationsOf.Load(ctx, id)
	if err != nil {
		return nil, err
	}
	return relationsOfKind(rs, kind, end, id), nil
}

// timeline merges events and commitments in date order; on the same date
// events come first, since commitments are usually made at them.
func timeline(events []*cg.Entity, commitments []*cg.Commitment) []*model.TimelineEntry {
	out := make([]*model.TimelineEntry, 0, len(events)+len(commitments))
	for _, e := range events {
		out = append(out, &model.TimelineEntry{Date: &e.Date, Undated: !e.Date.Known(), Type: model.TimelineEntryTypeEvent, Event: e})
	}
	for _, c := range commitments {
		out = append(out, &model.TimelineEntry{Date: &c.Date, Undated: !c.Date.Known(), Type: model.TimelineEntryTypeCommitment, Commitment: c})
	}
	id := func(e *model.TimelineEntry) string {
		if e.Event != nil {
			return e.Event.ID
		}
		return e.Commitment.ID
	}
	// Interval order (cg.CompareSpans), events before the commitments of
	// the same span, then by id so that the order is stable.
	slices.SortStableFunc(out, func(a, b *model.TimelineEntry) int {
		if c := cg.CompareSpans(*a.Date, *b.Date); c != 0 {
			return c
		}
		if a.Type != b.Type {
			if a.Type == model.TimelineEntryTypeEvent {
				return -1
			}
			return 1
		}
		return strings.Compare(id(a), id(b))
	})
	return out
}

func subgraphEdges(g *cg.Subgraph) []*cg.EdgeRef {
	out := make([]*cg.EdgeRef, 0, len(g.Commitments)+len(g.Relations))
	for _, c := range g.Commitments {
		out = append(out, &cg.EdgeRef{ID: c.ID, Kind: c.Kind, FromID: c.ActorID, ToID: c.TargetID})
	}
	for _, r := range g.Relations {
		out = append(out, &cg.EdgeRef{ID: r.ID, Kind: r.Kind, FromID: r.FromID, ToID: r.ToID})
	}
	return out
}

func vocabulary() *model.Vocabulary {
	v := &model.Vocabulary{EntityKinds: cg.EntityKinds, RelationKinds: cg.RelationKinds, Statuses: cg.Statuses}
	for _, k := range cg.CommitmentKinds {
		v.CommitmentKinds = append(v.CommitmentKinds, &model.KindInfo{
			Kind: k, Description: k.Description(), Cameo: nullable(k.CAMEO()), Statuses: k.AllowedStatuses()})
	}
	return v
}

// evidenceSourceLookup fetches the sources evidence cites through the
// request's loader, for the domain's knowledge-time rules (cg.KnownFrom,
// cg.Reported).
func evidenceSourceLookup(ctx context.Context, ev []cg.Evidence) (func(id string) *cg.Source, error) {
	srcs, err := loadersFor(ctx).source.LoadAll(ctx, uniq(evidenceSources(ev)))
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*cg.Source, len(srcs))
	for _, s := range srcs {
		if s != nil {
			byID[s.ID] = s
		}
	}
	return func(id string) *cg.Source { return byID[id] }, nil
}

// timelineEvents are the events a timeline with filter f shows: in its
// date range (undated ones apart, as for commitments), citing its sources,
// known at its asOf; none when f selects commitments by what only
// commitments have.
func (r *queryResolver) timelineEvents(ctx context.Context, f cg.CommitmentFilter) ([]*cg.Entity, error) {
	if len(f.IDs)+len(f.Kinds)+len(f.Statuses)+len(f.ActorIDs)+len(f.TargetIDs)+len(f.StatedByIDs) > 0 {
		return nil, nil
	}
	all, err := r.Store.Entities(ctx, cg.EntityFilter{Kinds: []cg.EntityKind{cg.KindEvent}})
	if err != nil {
		return nil, err
	}
	var out []*cg.Entity
	for _, e := range all {
		if e.Date.Known() && !e.Date.Within(f.From, f.To) {
			continue
		}
		if len(f.SourceIDs) > 0 && !slices.ContainsFunc(e.Evidence, func(ev cg.Evidence) bool { return slices.Contains(f.SourceIDs, ev.SourceID) }) {
			continue
		}
		if f.AsOf != nil {
			look, err := evidenceSourceLookup(ctx, e.Evidence)
			if err != nil {
				return nil, err
			}
			if at, ok := cg.EvidenceKnownFrom(e.Evidence, look); !cg.KnownAt(at, ok, *f.AsOf) {
				continue
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// matrixStances is the stance layer of a matrix under f: the claims'
// stances shaped by the domain's one rule (cg.StanceCells), whichever
// store answered.
func (r *Resolver) matrixStances(ctx context.Context, f cg.CommitmentFilter) ([]cg.StanceCell, error) {
	claims, err := r.Store.Claims(ctx, cg.ClaimFilter{SourceIDs: f.SourceIDs})
	if err != nil {
		return nil, err
	}
	var sources func(string) *cg.Source
	if f.AsOf != nil {
		// As known at an instant, a stance counts from its sources'
		// publication; only such a read needs them.
		all, err := r.Store.Sources(ctx, nil)
		if err != nil {
			return nil, err
		}
		srcByID := byID(all, func(s *cg.Source) string { return s.ID })
		sources = func(id string) *cg.Source { return srcByID[id] }
	}
	return cg.StanceCells(claims, f, sources), nil
}
