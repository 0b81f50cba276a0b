package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/graph"
	"github.com/coalitiongraph/coalitiongraph/graph/model"
)

// newGraphQLServer assembles gqlgen's server with the limits and error
// handling of a public API.
func newGraphQLServer(cfg Config, store cg.Store, writer cg.Writer, feed cg.ChangeFeed, versions cg.Versioned, m *metrics) *handler.Server {
	gcfg := graph.Config{Resolvers: &graph.Resolver{Store: store, Writer: writer, Feed: feed}}
	setComplexity(&gcfg.Complexity)
	srv := handler.New(graph.NewExecutableSchema(gcfg))

	// Only GET (queries) and JSON POST: no form or multipart transports, so
	// a cross-site form cannot post a request (CSRF).
	srv.AddTransport(transport.Websocket{
		KeepAlivePingInterval: 10 * time.Second,
		// graphql-transport-ws carries the key in connection_init's payload.
		InitFunc: func(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
			if name := principal(cfg.APIKeys, p.Authorization()); name != "" {
				ctx = graph.WithPrincipal(ctx, name)
			} else if cfg.ReadsNeedKey {
				return nil, nil, errors.New("this server needs an API key in connection_init's Authorization")
			}
			return ctx, nil, nil
		},
	})
	srv.AddTransport(transport.Options{})
	srv.AddTransport(getOnlyQueries{})
	srv.AddTransport(transport.POST{})

	// Parsed and validated documents are cached: a repeated query skips
	// parsing and validation.
	cache := lru.New[*ast.QueryDocument](1000)
	srv.SetQueryCache(cache)
	useDocLimits(srv, cfg, cache)
	if cfg.Introspection {
		srv.Use(extension.Introspection{})
	}
	if cfg.TrustedDocuments != nil {
		srv.Use(trustedDocuments{docs: cfg.TrustedDocuments})
	} else {
		srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](1000)})
	}
	srv.Use(depthLimit{max: cfg.MaxDepth})
	srv.Use(complexityLimit{max: cfg.MaxComplexity})
	if a := newReadAdmission(cfg.ReadConcurrency, cfg.ReadsBesideWrites); a != nil {
		srv.Use(a)
	}
	// Fresh dataloaders for every response: one per query, and one per
	// event of a subscription, so a long-lived WebSocket never serves
	// values cached before a later write.
	srv.AroundResponses(func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		return next(graph.WithLoaders(ctx, store))
	})
	srv.AroundOperations(m.aroundOperations)
	srv.AroundOperations(requireKey(cfg.ReadsNeedKey))
	// Innermost: a cached answer is served only after every check above.
	present := func(ctx context.Context, err error) *gqlerror.Error {
		return hideSuggestions(cfg.Introspection, presentError(ctx, cfg.Logger, err))
	}
	if c := newReadCache(versions, cfg.ReadCacheBytes, cfg.Registry, present); c != nil {
		srv.Use(c)
	}

	srv.SetErrorPresenter(present)
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		cfg.Logger.ErrorContext(ctx, "panic in resolver", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		return &cg.Error{Code: cg.CodeInternal, Message: "internal error"}
	})
	return srv
}

// presentError gives clients a message and extensions.code, never the text
// of an internal or driver error: those are logged instead.
func presentError(ctx context.Context, log *slog.Logger, err error) *gqlerror.Error {
	gqlErr := graphql.DefaultErrorPresenter(ctx, err)
	if gqlErr.Path == nil && len(gqlErr.Locations) > 0 {
		gqlErr.Path = pathAt(ctx, gqlErr.Locations[0])
	}
	var coded *cg.Error
	switch {
	case errors.As(err, &coded) && coded.Code != cg.CodeInternal:
		gqlErr.Message = coded.Message
		setCode(gqlErr, string(coded.Code))
		if coded.Field != "" {
			gqlErr.Extensions["field"] = coded.Field
		} else if f := argumentField(ctx, gqlErr.Path); f != "" {
			// A scalar's unmarshaller does not know its argument; the
			// path does: [commitments filter asOf] → filter.asOf.
			gqlErr.Extensions["field"] = f
		}
		if coded.Code == cg.CodeStoreUnavailable {
			log.WarnContext(ctx, "store unavailable", "err", err)
		}
	case errors.Is(err, context.DeadlineExceeded):
		gqlErr.Message = "the request took too long"
		setCode(gqlErr, string(cg.CodeTimeout))
	case hasCode(gqlErr):
		// gqlgen's own parse, validation and limit errors: already safe.
	case gqlErr.Path == nil && isGQLError(err):
		// A request gqlgen could not read (bad JSON, no query): the
		// client's fault. gqlgen echoes the body into the message; cut it.
		msg, _, _ := strings.Cut(gqlErr.Message, " body:")
		if strings.Contains(msg, "Go value of type") || strings.Contains(msg, "Go struct field") {
			// encoding/json names the Go types it decodes into.
			msg = "the body must be one JSON object: query a string, operationName a string, variables and extensions objects"
		}
		gqlErr.Message = msg
		setCode(gqlErr, "BAD_REQUEST")
	default:
		log.ErrorContext(ctx, "internal error", "err", err, "path", gqlErr.Path.String())
		gqlErr.Message = "internal error"
		setCode(gqlErr, string(cg.CodeInternal))
	}
	return gqlErr
}

func isGQLError(err error) bool {
	var e *gqlerror.Error
	return errors.As(err, &e)
}

func setCode(e *gqlerror.Error, code string) {
	if e.Extensions == nil {
		e.Extensions = map[string]any{}
	}
	e.Extensions["code"] = code
}

func hasCode(e *gqlerror.Error) bool {
	_, ok := e.Extensions["code"]
	return ok
}

// pathAt finds the field of the request's operation at or before a
// location, so that validation errors (an unknown enum value, say) carry
// the path of the field they concern, not only a line and column.
func pathAt(ctx context.Context, loc gqlerror.Location) ast.Path {
	if !graphql.HasOperationContext(ctx) {
		return nil
	}
	opCtx := graphql.GetOperationContext(ctx)
	doc := opCtx.Doc
	if doc == nil {
		// Validation failed, so gqlgen kept no document: parse it again
		// (syntax only) to find the fields.
		var err error
		if doc, err = parser.ParseQuery(&ast.Source{Input: opCtx.RawQuery}); err != nil {
			return nil
		}
	}
	var best ast.Path
	var walk func(ss ast.SelectionSet, path ast.Path)
	walk = func(ss ast.SelectionSet, path ast.Path) {
		for _, sel := range ss {
			switch s := sel.(type) {
			case *ast.Field:
				p := append(append(ast.Path{}, path...), ast.PathName(s.Alias))
				if before(s.Position, loc) {
					best = p
				}
				walk(s.SelectionSet, p)
			case *ast.InlineFragment:
				walk(s.SelectionSet, path)
			}
		}
	}
	for _, op := range doc.Operations {
		walk(op.SelectionSet, nil)
	}
	return best
}

func before(p *ast.Position, loc gqlerror.Location) bool {
	return p != nil && (p.Line < loc.Line || (p.Line == loc.Line && p.Column <= loc.Column))
}

// getOnlyQueries is gqlgen's GET transport, except that a mutation sent
// over GET gets 405 Method Not Allowed, as the GraphQL-over-HTTP spec asks
// (gqlgen answers 406).
type getOnlyQueries struct{ transport.GET }

func (g getOnlyQueries) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	g.GET.Do(&notAcceptableTo405{ResponseWriter: w}, r, exec)
}

type notAcceptableTo405 struct{ http.ResponseWriter }

func (w *notAcceptableTo405) WriteHeader(code int) {
	if code == http.StatusNotAcceptable {
		w.Header().Set("Allow", "POST")
		code = http.StatusMethodNotAllowed
	}
	w.ResponseWriter.WriteHeader(code)
}

// depthLimit rejects operations nested deeper than max fields (fragments
// included), before any resolver runs.
type depthLimit struct{ max int }

func (depthLimit) ExtensionName() string                          { return "DepthLimit" }
func (depthLimit) Validate(schema graphql.ExecutableSchema) error { return nil }

func (d depthLimit) MutateOperationContext(ctx context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	op := opCtx.Doc.Operations.ForName(opCtx.OperationName)
	if op == nil {
		return nil
	}
	depth, path := selectionDepth(op.SelectionSet, opCtx.Doc.Fragments, nil, map[string]bool{})
	if depth <= d.max {
		return nil
	}
	err := &gqlerror.Error{
		Message: fmt.Sprintf("operation is nested %d fields deep, which exceeds the limit of %d", depth, d.max),
		Path:    path,
	}
	errcode.Set(err, "DEPTH_LIMIT_EXCEEDED")
	return err
}

// selectionDepth returns the depth of the deepest field and its path.
func selectionDepth(ss ast.SelectionSet, frags ast.FragmentDefinitionList, path ast.Path, visiting map[string]bool) (int, ast.Path) {
	best, bestPath := 0, path
	for _, sel := range ss {
		var d int
		var p ast.Path
		switch s := sel.(type) {
		case *ast.Field:
			fp := append(append(ast.Path{}, path...), ast.PathName(s.Alias))
			if s.Name == "__schema" || s.Name == "__type" {
				// Introspection has its own bound (gqlparser's
				// MaxIntrospectionDepth rule and DocLimits.MaxIntrospection):
				// the standard query of graphql-js is 15 fields deep.
				d, p = 1, fp
				break
			}
			d, p = selectionDepth(s.SelectionSet, frags, fp, visiting)
			d++
		case *ast.InlineFragment:
			d, p = selectionDepth(s.SelectionSet, frags, path, visiting)
		case *ast.FragmentSpread:
			if visiting[s.Name] {
				continue // cycles are a validation error of their own
			}
			if f := frags.ForName(s.Name); f != nil {
				visiting[s.Name] = true
				d, p = selectionDepth(f.SelectionSet, frags, path, visiting)
				delete(visiting, s.Name)
			}
		}
		if d > best {
			best, bestPath = d, p
		}
	}
	return best, bestPath
}

// complexityLimit is gqlgen's complexity limit, but its error names the
// costliest top-level field in its path.
type complexityLimit struct{ max int }

func (complexityLimit) ExtensionName() string { return "ComplexityLimit" }

var complexitySchema graphql.ExecutableSchema

func (complexityLimit) Validate(schema graphql.ExecutableSchema) error {
	complexitySchema = schema
	return nil
}

func (c complexityLimit) MutateOperationContext(ctx context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	op := opCtx.Doc.Operations.ForName(opCtx.OperationName)
	if op == nil {
		return nil
	}
	total := complexity.Calculate(ctx, complexitySchema, op, opCtx.Variables)
	if total <= c.max {
		return chargeComplexity(ctx, total)
	}
	var worst ast.Path
	worstCost := -1
	for _, sel := range op.SelectionSet {
		f, ok := sel.(*ast.Field)
		if !ok {
			continue
		}
		one := *op
		one.SelectionSet = ast.SelectionSet{sel}
		if cost := complexity.Calculate(ctx, complexitySchema, &one, opCtx.Variables); cost > worstCost {
			worstCost, worst = cost, ast.Path{ast.PathName(f.Alias)}
		}
	}
	err := &gqlerror.Error{
		Message: fmt.Sprintf("operation has complexity %d, which exceeds the limit of %d", total, c.max),
		Path:    worst,
	}
	errcode.Set(err, "COMPLEXITY_LIMIT_EXCEEDED")
	return err
}

// setComplexity makes list fields cost what they may return: paginated
// fields their page size, every other list its assumed size (listSizes),
// so nested lists multiply and aliases add up.
func setComplexity(c *graph.ComplexityRoot) {
	assumeListSizes(c, listSizes)
	pageCost := func(child int, first *int, def int) int {
		// Out-of-range page sizes are the resolver's to reject with a
		// clearer error; here they count as the most they could be.
		n := def
		if first != nil && *first > 0 {
			n = min(*first, graph.MaxFirst)
		}
		return 1 + n*child
	}
	c.Query.Commitments = func(child int, _ *model.CommitmentFilter, _ *cg.CommitmentOrder, first *int, _ *string) int {
		return pageCost(child, first, 20)
	}
	c.Query.Entities = func(child int, _ []cg.EntityKind, first *int) int { return pageCost(child, first, graph.MaxFirst) }
	c.Query.Changes = func(child int, _ *time.Time, _ *time.Time, _ *model.CommitmentFilter, first *int, _ *string) int {
		return pageCost(child, first, 20)
	}
	c.Query.Search = func(child int, _ string, _ []cg.EntityKind, first *int) int { return pageCost(child, first, 10) }
	// A Relay connection answers first or last items (last, when given,
	// bounds the page as first does), defaultPage when neither is given.
	windowCost := func(child int, first, last *int) int {
		if first == nil && last == nil {
			return pageCost(child, nil, graph.DefaultPage)
		}
		if first == nil || (last != nil && *last > 0 && *last < *first) {
			first = last
		}
		return pageCost(child, first, graph.DefaultPage)
	}
	c.Query.EntitiesConnection = func(child int, _ []cg.EntityKind, first *int, _ *string, last *int, _ *string) int {
		return windowCost(child, first, last)
	}
	commitments := func(child int, _ []cg.EdgeKind, _ []cg.Status, _ *cg.CommitmentOrder, first *int, _ *string, last *int, _ *string) int {
		return windowCost(child, first, last)
	}
	c.Entity.CommitmentsMadeConnection, c.Entity.CommitmentsReceivedConnection = commitments, commitments
	c.Commitment.HistoryConnection = func(child int, first *int, _ *string, last *int, _ *string) int {
		return windowCost(child, first, last)
	}
	c.Source.Facts = func(child int, first *int, _ *string, last *int, _ *string) int {
		return windowCost(child, first, last)
	}
	c.Query.SearchText = func(child int, _ string, first *int, _ *string) int { return pageCost(child, first, graph.DefaultPage) }
	// A matrix answers a page of rows (cg.MatrixPageSize): its selection
	// costs the page size times, rows included at one each.
	c.Query.Matrix = func(child int, _ *model.CommitmentFilter, first *int, _ *string) int {
		n := cg.DefaultMatrixRows
		if first != nil && *first > 0 {
			n = min(*first, cg.MaxMatrixRows)
		}
		return 1 + n*child
	}
	// nodes answers one object an id, at most MaxFirst of them.
	c.Query.Nodes = func(child int, ids []string) int { return 1 + min(len(ids), graph.MaxFirst)*child }
}
