package httpapi

import (
	"github.com/99designs/gqlgen/graphql/errcode"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// ErrorCodes is every extensions.code the server can answer with, and the
// HTTP status it comes with. docs/errors.md is its table; a test checks the
// two agree and that every code in the server's source is listed here, so a
// new code cannot ship undocumented.
var ErrorCodes = []ErrorCode{
	{string(cg.CodeNotFound), "200 (GraphQL, in errors[]); 404 (exports)"},
	{string(cg.CodeBadInput), "200 (GraphQL, in errors[]); 400 (exports)"},
	{string(cg.CodeConflict), "200 (GraphQL, in errors[])"},
	{string(cg.CodeUnauthenticated), "401"},
	{string(cg.CodeStoreUnavailable), "200 (GraphQL, in errors[]); 503 (exports, /readyz)"},
	{string(cg.CodeTimeout), "200 (GraphQL, in errors[]); 504 (exports)"},
	{string(cg.CodeReadOnly), "200 (GraphQL, in errors[])"},
	{string(cg.CodeCursorExpired), "200 (GraphQL, in errors[])"},
	{string(cg.CodeInternal), "200 (GraphQL, in errors[]); 500 (exports)"},
	{"BAD_REQUEST", "400"},
	{"REQUEST_TOO_LARGE", "413"},
	{codeMethodNotAllowed, "405"},
	{"PERSISTED_QUERY_NOT_FOUND", "200 (Accept: application/json); 400 (application/graphql-response+json)"},
	{codeUntrustedDocument, "200 (Accept: application/json); 400 (application/graphql-response+json)"},
	{codeTrustedDocumentNotFound, "200 (Accept: application/json); 400 (application/graphql-response+json)"},
	{errcode.ParseFailed, "200 (Accept: application/json); 400 (application/graphql-response+json)"},
	{errcode.ValidationFailed, "200 (Accept: application/json); 400 (application/graphql-response+json)"},
	{"DEPTH_LIMIT_EXCEEDED", "200 (Accept: application/json); 400 (application/graphql-response+json)"},
	{"COMPLEXITY_LIMIT_EXCEEDED", "200 (Accept: application/json); 400 (application/graphql-response+json)"},
	{"TOKEN_LIMIT_EXCEEDED", "200 (Accept: application/json); 400 (application/graphql-response+json)"},
	{"ALIAS_LIMIT_EXCEEDED", "200 (Accept: application/json); 400 (application/graphql-response+json)"},
	{"FIELD_REPEAT_LIMIT_EXCEEDED", "200 (Accept: application/json); 400 (application/graphql-response+json)"},
	{"SELECTION_LIMIT_EXCEEDED", "200 (Accept: application/json); 400 (application/graphql-response+json)"},
	{"DIRECTIVE_LIMIT_EXCEEDED", "200 (Accept: application/json); 400 (application/graphql-response+json)"},
	{"INTROSPECTION_LIMIT_EXCEEDED", "200 (Accept: application/json); 400 (application/graphql-response+json)"},
	{"INTROSPECTION_DISABLED", "200 (Accept: application/json); 400 (application/graphql-response+json)"},
	{codeResultLimit, "200 (GraphQL, in errors[])"},
	{"RATE_LIMITED", "429 (with Retry-After)"},
	{codeOverloaded, "503 (with Retry-After)"},
}

// ErrorCode is one entry of ErrorCodes.
type ErrorCode struct {
	Code   string
	Status string
}
