package httpapi

import (
	"encoding/json"
	"mime"
	"net/http"

	"github.com/vektah/gqlparser/v2/ast"
)

// introspectionMaxDepth bounds operations that select only __schema, __type
// and __typename at the top. graphql-js's getIntrospectionQuery (what
// GraphiQL, Apollo, graphql-codegen and Python's gql send) nests 15 fields
// deep through its TypeRef fragment, past the limit for data; the schema's
// own types are finite, so this bound still holds such a query to a fixed size.
//
// Until the limits work lands this is the only exemption from the depth
// limit, and it is still a limit.
const introspectionMaxDepth = 16

// introspectionOnly reports whether op reads nothing but the schema.
func introspectionOnly(op *ast.OperationDefinition) bool {
	if op.Operation != ast.Query || len(op.SelectionSet) == 0 {
		return false
	}
	for _, sel := range op.SelectionSet {
		f, ok := sel.(*ast.Field)
		if !ok {
			return false
		}
		switch f.Name {
		case "__schema", "__type", "__typename":
		default:
			return false
		}
	}
	return true
}

// graphQLOverHTTP adjusts gqlgen's answers to a request that could not be
// executed (parse, validation, variable coercion, limits; 405 for a
// mutation over GET) to what the GraphQL-over-HTTP draft asks:
//   - with Accept: application/json such failures SHOULD answer 200, not 422;
//   - with application/graphql-response+json they answer 4xx and the body
//     SHOULD carry no "data" entry (gqlgen writes "data": null);
//   - every error carries extensions.code, the 405 included.
//
// Execution errors (status 200 from gqlgen) pass through untouched.
type graphQLOverHTTP struct {
	http.ResponseWriter
	refused bool
	status  int
}

func (w *graphQLOverHTTP) WriteHeader(code int) {
	if code >= 400 && code < 500 {
		w.refused, w.status = true, code
		if code == http.StatusUnprocessableEntity {
			code = http.StatusBadRequest
			if !w.graphQLResponseJSON() {
				code = http.StatusOK
			}
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *graphQLOverHTTP) graphQLResponseJSON() bool {
	mt, _, _ := mime.ParseMediaType(w.Header().Get("Content-Type"))
	return mt == "application/graphql-response+json"
}

func (w *graphQLOverHTTP) Write(b []byte) (int, error) {
	if !w.refused {
		return w.ResponseWriter.Write(b)
	}
	// gqlgen writes a refusal's whole body in one Write.
	var body map[string]json.RawMessage
	if err := json.Unmarshal(b, &body); err != nil {
		return w.ResponseWriter.Write(b)
	}
	if string(body["data"]) == "null" {
		delete(body, "data")
	}
	if w.status == http.StatusMethodNotAllowed {
		var errs []map[string]any
		if json.Unmarshal(body["errors"], &errs) == nil {
			for _, e := range errs {
				ext, _ := e["extensions"].(map[string]any)
				if ext == nil {
					ext = map[string]any{}
					e["extensions"] = ext
				}
				if _, ok := ext["code"]; !ok {
					ext["code"] = codeMethodNotAllowed
				}
			}
			if raw, err := json.Marshal(errs); err == nil {
				body["errors"] = raw
			}
		}
	}
	out, err := json.Marshal(body)
	if err != nil {
		return w.ResponseWriter.Write(b)
	}
	if _, err := w.ResponseWriter.Write(out); err != nil {
		return 0, err
	}
	return len(b), nil
}

func (w *graphQLOverHTTP) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// codeMethodNotAllowed is the code of a mutation sent over GET (405).
const codeMethodNotAllowed = "METHOD_NOT_ALLOWED"
