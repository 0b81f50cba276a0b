package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	cg "github.com/coalitiongraph/coalitiongraph"
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
