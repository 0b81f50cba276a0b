package graph

import (
	"context"
	"runtime"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// TestMarshalInOrder checks what the generated list marshallers that call
// marshalInOrder rely on: each item is marshalled on the caller's
// goroutine, one after another, with its index in its field context; a
// panic in one is reported as an error on its path and nulls the list, as
// graphql.MarshalSliceConcurrently does.
func TestMarshalInOrder(t *testing.T) {
	ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter, graphql.DefaultRecover)
	caller := goroutineID()
	var order []int
	ret := marshalInOrder(ctx, 3, 0, false, func(ctx context.Context, i int) graphql.Marshaler {
		if id := goroutineID(); id != caller {
			t.Errorf("item %d marshalled on goroutine %s, the caller is %s", i, id, caller)
		}
		if fc := graphql.GetFieldContext(ctx); fc == nil || fc.Index == nil || *fc.Index != i {
			t.Errorf("item %d: field context %+v", i, fc)
		}
		order = append(order, i)
		return graphql.MarshalInt(i)
	})
	if len(ret) != 3 || len(order) != 3 || order[0] != 0 || order[1] != 1 || order[2] != 2 {
		t.Fatalf("marshalled %v, in order %v", ret, order)
	}

	ret = marshalInOrder(ctx, 3, 0, false, func(ctx context.Context, i int) graphql.Marshaler {
		if i == 1 {
			panic("item 1 broke")
		}
		return graphql.MarshalInt(i)
	})
	if ret != nil {
		t.Errorf("a panicking item left the list %v, want null", ret)
	}
	errs := graphql.GetErrors(ctx)
	if len(errs) != 1 || len(errs[0].Path) != 1 || errs[0].Path[0] != ast.PathIndex(1) {
		t.Errorf("errors %+v, want one on the item's path [1]", errs)
	}
}

// goroutineID is the running goroutine's number, from its stack header.
func goroutineID() string {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	return strings.Fields(string(buf))[1]
}
