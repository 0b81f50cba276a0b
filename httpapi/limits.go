package httpapi

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// DocLimits bound a GraphQL document before gqlgen validates it. Validation
// is not linear (field merging compares every pair of fields with one
// response name), so a document is measured by a cheap linear pass first
// and refused there: any body up to MaxBodyBytes is answered or refused
// in bounded time.
type DocLimits struct {
	// MaxTokens is the parser's token limit (gqlparser stops lexing there).
	MaxTokens int
	// MaxAliases counts fields whose alias differs from their name, over
	// the whole document.
	MaxAliases int
	// MaxFieldRepeats bounds how often one response name (or one fragment
	// spread) appears in a selection set.
	MaxFieldRepeats int
	// MaxDirectives bounds the directives on one field, fragment spread or
	// inline fragment.
	MaxDirectives int
	// MaxIntrospection bounds __schema and __type fields (aliases count).
	MaxIntrospection int
	// MaxResolvedFields bounds the fields one response resolves (list
	// items times their fields): the backstop behind the complexity
	// estimate, so one request's memory stays bounded whatever the data.
	MaxResolvedFields int
}

// DefaultDocLimits admit graphql-js's full introspection query (about
// 1,100 tokens, no aliases) and every example query with a wide margin.
func DefaultDocLimits() DocLimits {
	return DocLimits{MaxTokens: 10000, MaxAliases: 100, MaxFieldRepeats: 20, MaxDirectives: 10, MaxIntrospection: 2, MaxResolvedFields: 100000}
}

func (l DocLimits) withDefaults() DocLimits {
	d := DefaultDocLimits()
	l.MaxTokens = cmp.Or(l.MaxTokens, d.MaxTokens)
	l.MaxAliases = cmp.Or(l.MaxAliases, d.MaxAliases)
	l.MaxFieldRepeats = cmp.Or(l.MaxFieldRepeats, d.MaxFieldRepeats)
	l.MaxDirectives = cmp.Or(l.MaxDirectives, d.MaxDirectives)
	l.MaxIntrospection = cmp.Or(l.MaxIntrospection, d.MaxIntrospection)
	l.MaxResolvedFields = cmp.Or(l.MaxResolvedFields, d.MaxResolvedFields)
	return l
}

// docLimits is the gqlgen extension that applies DocLimits. It runs as an
// operation parameter mutator, the one hook gqlgen calls before parsing and
// validating; documents already in the query cache passed it before.
type docLimits struct {
	DocLimits
	introspection bool
	cached        func(ctx context.Context, query string) bool
}

func (docLimits) ExtensionName() string                          { return "DocumentLimits" }
func (docLimits) Validate(schema graphql.ExecutableSchema) error { return nil }

func (l docLimits) MutateOperationParameters(ctx context.Context, params *graphql.RawParams) *gqlerror.Error {
	if params.Query == "" || (l.cached != nil && l.cached(ctx, params.Query)) {
		return nil
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: params.Query}, l.MaxTokens)
	if err != nil {
		gqlErr, ok := err.(*gqlerror.Error)
		if ok && strings.Contains(gqlErr.Message, "exceeded token limit") {
			return limitError("TOKEN_LIMIT_EXCEEDED", "tokens", l.MaxTokens, nil,
				fmt.Sprintf("the document has more than %d tokens, the limit", l.MaxTokens), gqlErr.Locations)
		}
		// A syntax error: gqlgen parses again and reports it as usual.
		return nil
	}
	return l.check(doc)
}

// check walks every literal selection once for aliases, directives and
// introspection, then the merged selection sets for repeats.
func (l docLimits) check(doc *ast.QueryDocument) *gqlerror.Error {
	aliases, introspection := 0, 0
	var walk func(ss ast.SelectionSet, path ast.Path) *gqlerror.Error
	walk = func(ss ast.SelectionSet, path ast.Path) *gqlerror.Error {
		for _, sel := range ss {
			var dirs ast.DirectiveList
			var pos *ast.Position
			p := path
			switch s := sel.(type) {
			case *ast.Field:
				dirs, pos = s.Directives, s.Position
				p = append(append(ast.Path{}, path...), ast.PathName(responseKey(s)))
				if s.Alias != "" && s.Alias != s.Name {
					if aliases++; aliases > l.MaxAliases {
						return limitError("ALIAS_LIMIT_EXCEEDED", "aliases", l.MaxAliases, p,
							fmt.Sprintf("the document has more than %d aliases, the limit", l.MaxAliases), locs(pos))
					}
				}
				if s.Name == "__schema" || s.Name == "__type" {
					if !l.introspection {
						return limitError("INTROSPECTION_DISABLED", "introspection", 0, p,
							"introspection is disabled on this server", locs(pos))
					}
					if introspection++; introspection > l.MaxIntrospection {
						return limitError("INTROSPECTION_LIMIT_EXCEEDED", "introspection", l.MaxIntrospection, p,
							fmt.Sprintf("the document has more than %d __schema or __type fields, the limit", l.MaxIntrospection), locs(pos))
					}
				}
				if err := walk(s.SelectionSet, p); err != nil {
					return err
				}
			case *ast.FragmentSpread:
				dirs, pos = s.Directives, s.Position
			case *ast.InlineFragment:
				dirs, pos = s.Directives, s.Position
				if err := walk(s.SelectionSet, p); err != nil {
					return err
				}
			}
			if len(dirs) > l.MaxDirectives {
				return limitError("DIRECTIVE_LIMIT_EXCEEDED", "directives", l.MaxDirectives, p,
					fmt.Sprintf("a selection has %d directives, more than the limit of %d", len(dirs), l.MaxDirectives), locs(pos))
			}
		}
		return nil
	}
	for _, op := range doc.Operations {
		if len(op.Directives) > l.MaxDirectives {
			return limitError("DIRECTIVE_LIMIT_EXCEEDED", "directives", l.MaxDirectives, nil,
				fmt.Sprintf("the operation has %d directives, more than the limit of %d", len(op.Directives), l.MaxDirectives), locs(op.Position))
		}
		if err := walk(op.SelectionSet, nil); err != nil {
			return err
		}
	}
	for _, f := range doc.Fragments {
		if len(f.Directives) > l.MaxDirectives {
			return limitError("DIRECTIVE_LIMIT_EXCEEDED", "directives", l.MaxDirectives, nil,
				fmt.Sprintf("fragment %q has %d directives, more than the limit of %d", f.Name, len(f.Directives), l.MaxDirectives), locs(f.Position))
		}
		if err := walk(f.SelectionSet, nil); err != nil {
			return err
		}
	}
	m := merger{l: l, frags: doc.Fragments, budget: 10 * l.MaxTokens}
	for _, op := range doc.Operations {
		if err := m.group([]ast.SelectionSet{op.SelectionSet}, nil); err != nil {
			return err
		}
	}
	return nil
}

func responseKey(f *ast.Field) string {
	if f.Alias != "" {
		return f.Alias
	}
	return f.Name
}

// merger bounds field merging. Fields with one response key merge, and so
// do their selections, across inline fragments and fragment spreads:
// gqlparser compares every pair in a merged group, and 20 repeats of 20
// repeats of 20 fields are 8,000 fields in one group. So the repeat limit
// applies to merged groups, not only to one literal selection set, and
// the expansion of fragments has a budget.
type merger struct {
	l      docLimits
	frags  ast.FragmentDefinitionList
	budget int
}

// chain is a persistent list: the fragments spread on the way to a field,
// or the response keys above a group. Persistent, so that each field keeps
// its own without copying, and a path is built only for an error.
type chain struct {
	name string
	up   *chain
}

func (c *chain) has(name string) bool {
	for ; c != nil; c = c.up {
		if c.name == name {
			return true
		}
	}
	return false
}

func (c *chain) path() ast.Path {
	var p ast.Path
	for ; c != nil; c = c.up {
		p = append(p, ast.PathName(c.name))
	}
	slices.Reverse(p)
	return p
}

// origin is a selection set to merge with the fragments spread on the way
// to it: a fragment spread again inside its own expansion, at any depth,
// is a cycle (a validation error of its own) and is not expanded again.
type origin struct {
	ss    ast.SelectionSet
	frags *chain
}

func (m *merger) group(sets []ast.SelectionSet, path *chain) *gqlerror.Error {
	origins := make([]origin, len(sets))
	for i, ss := range sets {
		origins[i] = origin{ss: ss}
	}
	return m.groupFrom(origins, path)
}

func (m *merger) groupFrom(sets []origin, path *chain) *gqlerror.Error {
	byKey := map[string][]origin{}
	var keys []string
	spreads := map[string]int{}
	var collect func(ss ast.SelectionSet, frags *chain) *gqlerror.Error
	collect = func(ss ast.SelectionSet, frags *chain) *gqlerror.Error {
		for _, sel := range ss {
			if m.budget--; m.budget < 0 {
				return limitError("SELECTION_LIMIT_EXCEEDED", "selections", 10*m.l.MaxTokens, path.path(),
					fmt.Sprintf("fragments expand to more than %d selections, the limit", 10*m.l.MaxTokens), nil)
			}
			switch s := sel.(type) {
			case *ast.Field:
				k := responseKey(s)
				if byKey[k] == nil {
					keys = append(keys, k)
				}
				byKey[k] = append(byKey[k], origin{ss: s.SelectionSet, frags: frags})
				if len(byKey[k]) > m.l.MaxFieldRepeats {
					return limitError("FIELD_REPEAT_LIMIT_EXCEEDED", "fieldRepeats", m.l.MaxFieldRepeats,
						(&chain{name: k, up: path}).path(),
						fmt.Sprintf("%q appears more than %d times in one selection set (fragments and repeats of the enclosing field merge), the limit", k, m.l.MaxFieldRepeats), locs(s.Position))
				}
			case *ast.InlineFragment:
				if err := collect(s.SelectionSet, frags); err != nil {
					return err
				}
			case *ast.FragmentSpread:
				if spreads[s.Name]++; spreads[s.Name] > m.l.MaxFieldRepeats {
					return limitError("FIELD_REPEAT_LIMIT_EXCEEDED", "fieldRepeats", m.l.MaxFieldRepeats, path.path(),
						fmt.Sprintf("fragment %q is spread more than %d times in one selection set, the limit", s.Name, m.l.MaxFieldRepeats), locs(s.Position))
				}
				f := m.frags.ForName(s.Name)
				if f == nil || frags.has(s.Name) {
					continue // unknown fragments and cycles are validation errors
				}
				if err := collect(f.SelectionSet, &chain{name: s.Name, up: frags}); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, o := range sets {
		if err := collect(o.ss, o.frags); err != nil {
			return err
		}
	}
	for _, k := range keys {
		var children []origin
		for _, o := range byKey[k] {
			if len(o.ss) > 0 {
				children = append(children, o)
			}
		}
		if len(children) == 0 {
			continue
		}
		if err := m.groupFrom(children, &chain{name: k, up: path}); err != nil {
			return err
		}
	}
	return nil
}

func locs(p *ast.Position) []gqlerror.Location {
	if p == nil {
		return nil
	}
	return []gqlerror.Location{{Line: p.Line, Column: p.Column}}
}

// limitError is a refusal that names its limit and value in extensions, so
// a client can tell which bound it met without parsing the message.
func limitError(code, limit string, value int, path ast.Path, msg string, at []gqlerror.Location) *gqlerror.Error {
	err := &gqlerror.Error{Message: msg, Path: path, Locations: at,
		Extensions: map[string]any{"limit": limit, "limitValue": value}}
	errcode.Set(err, code)
	return err
}

// useDocLimits installs the document limits: gqlgen's own token limit for
// the parse it does, the pre-validation pass, and no schema suggestions in
// messages when introspection is off.
func useDocLimits(srv *handler.Server, cfg Config, cache *lru.LRU[*ast.QueryDocument]) {
	l := cfg.Limits.withDefaults()
	srv.SetParserTokenLimit(l.MaxTokens)
	srv.SetDisableSuggestion(!cfg.Introspection)
	srv.Use(docLimits{DocLimits: l, introspection: cfg.Introspection, cached: func(ctx context.Context, q string) bool {
		_, ok := cache.Get(ctx, q)
		return ok
	}})
	useWorkLimit(srv, l.MaxResolvedFields)
}

var didYouMean = regexp.MustCompile(`\s*Did you mean [^?]*\?`)

// hideSuggestions strips "Did you mean …?" from messages when introspection
// is off: gqlgen's switch covers two validation rules, not all of them
// (enum values, arguments, input fields, types), and each suggestion
// leaks a piece of the schema.
func hideSuggestions(introspection bool, e *gqlerror.Error) *gqlerror.Error {
	if !introspection && e != nil {
		e.Message = didYouMean.ReplaceAllString(e.Message, "")
	}
	return e
}

// allowedMethod answers 405 with Allow to methods /graphql does not serve.
func allowedMethod(w http.ResponseWriter, r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodPost, http.MethodOptions, http.MethodHead:
		return true
	}
	w.Header().Set("Allow", "GET, POST, OPTIONS")
	writeError(w, &cg.Error{Code: codeMethodNotAllowed, Message: fmt.Sprintf("method %s is not allowed on /graphql: use POST, or GET for queries", r.Method)})
	return false
}

func isBatch(body []byte) bool {
	b := bytes.TrimLeft(body, " \t\r\n")
	return len(b) > 0 && b[0] == '['
}

// argumentField names the argument part of an error's path: gqlgen puts
// argument and input-field names after the response keys of the fields.
func argumentField(ctx context.Context, path ast.Path) string {
	if len(path) == 0 || !graphql.HasOperationContext(ctx) {
		return ""
	}
	opCtx := graphql.GetOperationContext(ctx)
	if opCtx.Doc == nil || opCtx.Operation == nil {
		return ""
	}
	ss := opCtx.Operation.SelectionSet
	i := 0
	for ; i < len(path); i++ {
		switch el := path[i].(type) {
		case ast.PathIndex:
			continue
		case ast.PathName:
			f := fieldByKey(ss, opCtx.Doc.Fragments, string(el), 0)
			if f == nil {
				var names []string
				for _, rest := range path[i:] {
					if n, ok := rest.(ast.PathName); ok {
						names = append(names, string(n))
					}
				}
				return strings.Join(names, ".")
			}
			ss = f.SelectionSet
		}
	}
	return ""
}

func fieldByKey(ss ast.SelectionSet, frags ast.FragmentDefinitionList, key string, depth int) *ast.Field {
	if depth > 20 {
		return nil
	}
	for _, sel := range ss {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Alias == key || (s.Alias == "" && s.Name == key) {
				return s
			}
		case *ast.InlineFragment:
			if f := fieldByKey(s.SelectionSet, frags, key, depth+1); f != nil {
				return f
			}
		case *ast.FragmentSpread:
			if fd := frags.ForName(s.Name); fd != nil {
				if f := fieldByKey(fd.SelectionSet, frags, key, depth+1); f != nil {
					return f
				}
			}
		}
	}
	return nil
}
