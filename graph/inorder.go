package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/graph/model"
)

// marshalInOrder marshals a list's items one after another, on the
// caller's goroutine. gqlgen's generated marshallers give every item of a
// list of objects a goroutine of its own (graphql.MarshalSliceConcurrently,
// whatever its fields; gqlgen has no setting for it), so that their loaders
// can batch. For an evidence item that buys nothing: its only store-backed
// field, source, starts loading its siblings' sources with its
// own (evidenceResolver.Source), and a goroutine per item, with the stack it
// grows, cost about a fifth of the CPU of a coalition's answer
// (docs/benchmarks.md, "Coalition: evidence lists in order").
//
// `go generate .` has internal/inorder call it instead of
// MarshalSliceConcurrently in the marshallers of the lists it names; the
// arguments are MarshalSliceConcurrently's. A panic in an item is reported
// as there: an error on the item's path, and the list is null.
func marshalInOrder(ctx context.Context, length int, _ int64, omitPanicHandler bool,
	marshalElement func(ctx context.Context, i int) graphql.Marshaler) (ret graphql.Array) {
	ret = make(graphql.Array, length)
	for i := range length {
		childCtx := graphql.WithFieldContext(ctx, &graphql.FieldContext{Index: &i})
		if omitPanicHandler {
			ret[i] = marshalElement(childCtx, i)
			continue
		}
		failed := false
		func() {
			defer func() {
				if r := recover(); r != nil {
					graphql.AddError(childCtx, graphql.Recover(childCtx, r))
					failed = true
				}
			}()
			ret[i] = marshalElement(childCtx, i)
		}()
		if failed {
			return nil
		}
	}
	return ret
}

// siblingSources are, for the first item of an evidence list, the sources
// of the whole list: the list field's result, two field contexts up (the
// item's index, then the list field). The first item is resolved first,
// in order; later ones find their sources loaded or on the way.
func siblingSources(ctx context.Context) []string {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Parent == nil || fc.Parent.Index == nil || *fc.Parent.Index != 0 || fc.Parent.Parent == nil {
		return nil
	}
	switch list := fc.Parent.Parent.Result.(type) {
	case []cg.Evidence:
		return evidenceSources(list)
	case []*cg.Evidence:
		out := make([]string, 0, len(list))
		for _, e := range list {
			out = append(out, e.SourceID)
		}
		return out
	}
	return nil
}

// sliceMarshaller is graphql.MarshalSliceConcurrently's signature, which
// marshalInOrder shares.
type sliceMarshaller = func(ctx context.Context, length int, workerLimit int64, omitPanicHandler bool,
	marshalElement func(ctx context.Context, i int) graphql.Marshaler) graphql.Array

// commitmentsMarshaller chooses how a list of commitments is marshalled:
// in order when every field its items select, at any depth, is a plain
// one (plainFields), concurrently otherwise. gqlgen's goroutine per item
// lets the items' loaders batch; a plain field needs none, or needs only
// the entities and sources the list refers to, which it starts loading
// here for the whole list at once (a listing primed them already, so that
// they cost nothing). A coalition, a listing's page and a matrix cell
// select such fields; a field with a store call per item (history,
// disputes, an entity's commitments) keeps the goroutines.
//
// When the loaders hold those entities and sources already and the
// selection is one a written list can hold, the list is not marshalled by
// gqlgen at all but written (writtenCommitments, plainlist.go).
//
// `go generate .` has internal/inorder call it in the marshaller of
// [Commitment!]!; docs/benchmarks.md, "Coalition at 1M (session 13)", has
// the figures.
func commitmentsMarshaller(ctx context.Context, sel ast.SelectionSet, v []*cg.Commitment) sliceMarshaller {
	op := graphql.GetOperationContext(ctx)
	if len(v) < 2 || !plainSelection(op, "Commitment", sel) {
		return graphql.MarshalSliceConcurrently
	}
	l := loadersFor(ctx)
	if plan, ok := newWritePlan(op, "Commitment", sel); ok {
		if written := writtenCommitments(ctx, l, plan, v); written != nil {
			return func(context.Context, int, int64, bool, func(context.Context, int) graphql.Marshaler) graphql.Array {
				return written
			}
		}
	}
	startReferences(ctx, op, sel, v)
	return marshalInOrder
}

// timelineMarshaller is commitmentsMarshaller for a timeline's entries:
// in order when every field they select is plain, the entries'
// commitments' entities and sources started loading first. An entry's
// event is an entity it holds.
func timelineMarshaller(ctx context.Context, sel ast.SelectionSet, v []*model.TimelineEntry) sliceMarshaller {
	op := graphql.GetOperationContext(ctx)
	if len(v) < 2 || !plainSelection(op, "TimelineEntry", sel) {
		return graphql.MarshalSliceConcurrently
	}
	var cs []*cg.Commitment
	for _, e := range v {
		if e.Commitment != nil {
			cs = append(cs, e.Commitment)
		}
	}
	for _, f := range graphql.CollectFields(op, sel, implementorsOf["TimelineEntry"]) {
		if f.Name == "commitment" {
			startReferences(ctx, op, f.Selections, cs)
		}
	}
	return marshalInOrder
}

// matrixRowsMarshaller is commitmentsMarshaller for a matrix page's rows:
// in order when every field they select is plain; the first row's actor
// loads every row's, which the matrix resolver announced. A page of 50
// rows with their cells was some 700 goroutines, and gqlgen's marshalling
// of them most of the matrix page's CPU (docs/benchmarks.md, "The embedded
// store's reads at 1M over HTTP (session 14, lead)").
func matrixRowsMarshaller(ctx context.Context, sel ast.SelectionSet, v []*model.MatrixRow) sliceMarshaller {
	op := graphql.GetOperationContext(ctx)
	if len(v) < 2 || !plainSelection(op, "MatrixRow", sel) {
		return graphql.MarshalSliceConcurrently
	}
	return marshalInOrder
}

// matrixCellsMarshaller marshals a row's cells in order when they show
// only their own values (not their commitments, a store call per cell).
func matrixCellsMarshaller(ctx context.Context, sel ast.SelectionSet, v []*model.MatrixCell) sliceMarshaller {
	if len(v) < 2 || !plainSelection(graphql.GetOperationContext(ctx), "MatrixCell", sel) {
		return graphql.MarshalSliceConcurrently
	}
	return marshalInOrder
}

// startReferences starts loading, for all of v at once, the entities and
// sources that sel shows of each commitment.
func startReferences(ctx context.Context, op *graphql.OperationContext, sel ast.SelectionSet, v []*cg.Commitment) {
	var entities, sources []string
	for _, f := range graphql.CollectFields(op, sel, implementorsOf["Commitment"]) {
		switch f.Name {
		case "actor":
			for _, c := range v {
				entities = append(entities, c.ActorID)
			}
		case "target":
			for _, c := range v {
				entities = append(entities, c.TargetID)
			}
		case "statedBy":
			for _, c := range v {
				if c.StatedByID != "" {
					entities = append(entities, c.StatedByID)
				}
			}
		case "evidence":
			if selects(op, "Evidence", f.Selections, "source") {
				for _, c := range v {
					sources = append(sources, evidenceSources(c.Evidence)...)
				}
			}
		}
	}
	l := loadersFor(ctx)
	l.entity.Start(ctx, uniq(entities)...)
	l.source.Start(ctx, uniq(sources)...)
}

// plainFields are, per object type, the fields that make no store call of
// their own: the object's own values, computed from them, or an entity or
// source the item refers to (loaded for the whole list before its items,
// by commitmentsMarshaller). A field whose value is an object names its
// type, whose selection must be plain too; "" for the others.
var plainFields = map[string]map[string]string{
	"Commitment": {
		"__typename": "", "id": "", "kind": "", "status": "", "date": "PartialDate", "dateInferred": "",
		"dateReasoning": "", "conditions": "", "summary": "", "evidenceCount": "", "corroboration": "",
		"version": "", "recordedAt": "", "recordedBy": "", "reason": "", "validFrom": "", "retracted": "",
		"actor": "Entity", "target": "Entity", "statedBy": "Entity", "evidence": "Evidence",
	},
	// An entity's evidence is a store call when the listing brought the
	// entity without it: not plain.
	"Entity":   {"__typename": "", "id": "", "kind": "", "name": "", "aliases": "", "description": "", "date": "PartialDate"},
	"Evidence": {"__typename": "", "quote": "", "attributedTo": "", "line": "", "source": "Source"},
	"Source": {
		"__typename": "", "id": "", "file": "", "outlet": "", "outletInferred": "", "outletReasoning": "",
		"title": "", "author": "", "published": "PartialDate", "publishedNotBefore": "PartialDate",
		"publishedNotAfter": "PartialDate", "publishedReasoning": "", "publishedInferred": "", "text": "",
	},
	"PartialDate":   {"__typename": "", "text": "", "precision": "", "year": "", "month": "", "day": "", "start": "", "end": ""},
	"TimelineEntry": {"__typename": "", "date": "PartialDate", "undated": "", "type": "", "event": "Entity", "commitment": "Commitment"},
	// A row's actor is loaded for the whole page at once
	// (matrixRowsMarshaller); its stances and a cell's commitments are not
	// plain.
	"MatrixRow":  {"__typename": "", "cursor": "", "total": "", "actor": "Entity", "cells": "MatrixCell"},
	"MatrixCell": {"__typename": "", "kind": "", "status": "", "commitmentCount": "", "evidenceCount": ""},
}

// implementorsOf are the generated executor's lists of what each type of
// plainFields satisfies, so that fragments on its interfaces count.
var implementorsOf = map[string][]string{
	"Commitment": commitmentImplementors, "Entity": entityImplementors, "Evidence": evidenceImplementors,
	"Source": sourceImplementors, "PartialDate": partialDateImplementors, "TimelineEntry": timelineEntryImplementors,
	"MatrixRow": matrixRowImplementors, "MatrixCell": matrixCellImplementors,
}

// plainSelection says whether every field sel selects on an object of typ,
// and below, is plain.
func plainSelection(op *graphql.OperationContext, typ string, sel ast.SelectionSet) bool {
	fields := plainFields[typ]
	for _, f := range graphql.CollectFields(op, sel, implementorsOf[typ]) {
		sub, ok := fields[f.Name]
		if !ok || (sub != "" && !plainSelection(op, sub, f.Selections)) {
			return false
		}
	}
	return true
}

// ownValueFields are the fields of a Commitment shown from its own values
// alone: none reads its evidence or what it refers to, so a bare listing
// (cg.Page.Bare) answers them.
var ownValueFields = map[string]string{
	"__typename": "", "id": "", "kind": "", "status": "", "date": "PartialDate", "dateInferred": "",
	"dateReasoning": "", "conditions": "", "summary": "", "version": "", "recordedAt": "", "recordedBy": "",
	"reason": "", "validFrom": "", "retracted": "",
}

// timelineShowsOwnValues says whether the timeline being resolved shows
// of its commitments only their own values (ownValueFields), so that
// their listing can be bare.
func timelineShowsOwnValues(ctx context.Context) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return false
	}
	op := graphql.GetOperationContext(ctx)
	for _, f := range graphql.CollectFields(op, fc.Field.Selections, implementorsOf["TimelineEntry"]) {
		if f.Name != "commitment" {
			continue
		}
		for _, g := range graphql.CollectFields(op, f.Selections, implementorsOf["Commitment"]) {
			sub, ok := ownValueFields[g.Name]
			if !ok || (sub != "" && !plainSelection(op, sub, g.Selections)) {
				return false
			}
		}
	}
	return true
}

// selectsOnlyID says whether the field being resolved, a list of typ,
// selects nothing of its items but their id and __typename.
func selectsOnlyID(ctx context.Context, typ string) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return false
	}
	for _, f := range graphql.CollectFields(graphql.GetOperationContext(ctx), fc.Field.Selections, implementorsOf[typ]) {
		if f.Name != "id" && f.Name != "__typename" {
			return false
		}
	}
	return true
}

// selects says whether sel selects the field name on an object of typ.
func selects(op *graphql.OperationContext, typ string, sel ast.SelectionSet, name string) bool {
	for _, f := range graphql.CollectFields(op, sel, implementorsOf[typ]) {
		if f.Name == name {
			return true
		}
	}
	return false
}
