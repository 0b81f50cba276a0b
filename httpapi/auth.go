package httpapi

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/graph"
)

// APIKey is a named key, kept only as the SHA-256 of its secret.
type APIKey struct {
	Name string
	Hash [sha256.Size]byte
}

// HashKey returns the form in which a secret key is configured:
// "sha256:<hex>".
func HashKey(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return "sha256:" + hex.EncodeToString(h[:])
}

// ParseAPIKeys reads keys configured as "name:sha256:<hex>", separated by
// commas or new lines (the format of COALITIONGRAPH_API_KEYS and of a keys
// file, where lines starting with # are comments). Secrets never appear in
// configuration, only their hashes; origin names where the keys came from
// in error messages.
func ParseAPIKeys(spec, origin string) ([]APIKey, error) {
	var keys []APIKey
	seen := map[string]bool{}
	for i, line := range strings.Split(strings.ReplaceAll(spec, ",", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, hash, ok := strings.Cut(line, ":")
		hexHash, isSHA := strings.CutPrefix(hash, "sha256:")
		raw, err := hex.DecodeString(hexHash)
		if !ok || name == "" || !isSHA || err != nil || len(raw) != sha256.Size {
			return nil, fmt.Errorf("%s: entry %d: want name:sha256:<64 hex digits> (make one with: go run ./server hash-key)", origin, i+1)
		}
		if seen[name] {
			return nil, fmt.Errorf("%s: entry %d: key name %q given twice", origin, i+1, name)
		}
		seen[name] = true
		k := APIKey{Name: name}
		copy(k.Hash[:], raw)
		keys = append(keys, k)
	}
	return keys, nil
}

// keyName returns the name of the key whose hash matches secret, "" when
// none does. Every configured key is compared, in constant time, so timing
// tells nothing about which keys exist.
func keyName(keys []APIKey, secret string) string {
	h := sha256.Sum256([]byte(secret))
	name := ""
	for _, k := range keys {
		if subtle.ConstantTimeCompare(h[:], k.Hash[:]) == 1 {
			name = k.Name
		}
	}
	return name
}

// principal is the name of the key an Authorization value ("Bearer
// <secret>") carries, "" when it carries none or an unknown one. Requests,
// WebSocket connections and exports all authenticate through it.
func principal(keys []APIKey, authorization string) string {
	secret, ok := strings.CutPrefix(authorization, "Bearer ")
	secret = strings.TrimSpace(secret)
	if !ok || secret == "" {
		return ""
	}
	return keyName(keys, secret)
}

// authState travels with a request so that the operation middleware can
// ask the HTTP layer for a 401.
type authState struct{ unauthorized atomic.Bool }

type authStateKey struct{}

// authenticate puts the request's principal (if its key is valid) into the
// context. It refuses nothing itself: whether a key is needed depends on
// the operation, which only the GraphQL layer knows.
func authenticate(keys []APIKey, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if name := principal(keys, r.Header.Get("Authorization")); name != "" {
			ctx = graph.WithPrincipal(ctx, name)
		}
		st := &authState{}
		ctx = context.WithValue(ctx, authStateKey{}, st)
		next.ServeHTTP(&unauthorizedTo401{ResponseWriter: w, st: st}, r.WithContext(ctx))
	})
}

// unauthorizedTo401 turns the status of a response refused for want of a
// key into 401, with the challenge the HTTP spec asks for.
type unauthorizedTo401 struct {
	http.ResponseWriter
	st *authState
}

func (w *unauthorizedTo401) WriteHeader(code int) {
	if w.st.unauthorized.Load() && code < 300 {
		w.Header().Set("WWW-Authenticate", `Bearer realm="coalitiongraph"`)
		code = http.StatusUnauthorized
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *unauthorizedTo401) Write(b []byte) (int, error) {
	if w.st.unauthorized.Load() {
		// gqlgen writes the body without a WriteHeader call when the status is 200.
		w.WriteHeader(http.StatusOK)
		w.st.unauthorized.Store(false)
	}
	return w.ResponseWriter.Write(b)
}

func (w *unauthorizedTo401) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// requireKey refuses, before any resolver runs, mutations without a valid
// key (and queries too when reads need one). Subscriptions are reads.
func requireKey(readsNeedKey bool) func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		op := graphql.GetOperationContext(ctx).Operation
		needs := op != nil && (op.Operation == ast.Mutation || readsNeedKey)
		if !needs || graph.Principal(ctx) != "" {
			return next(ctx)
		}
		if st, ok := ctx.Value(authStateKey{}).(*authState); ok {
			st.unauthorized.Store(true)
		}
		err := &gqlerror.Error{Message: "this operation needs a valid API key: send Authorization: Bearer <key>",
			Extensions: map[string]any{"code": string(cg.CodeUnauthenticated)}}
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{err}})
	}
}
