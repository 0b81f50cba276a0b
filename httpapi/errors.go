package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// The codes of requests refused before GraphQL runs.
const (
	codeBadRequest      = "BAD_REQUEST"
	codeRequestTooLarge = "REQUEST_TOO_LARGE"
	codeRateLimited     = "RATE_LIMITED"
)

// httpStatus is the status an answer outside GraphQL execution carries for
// each code (exports, requests refused before GraphQL runs); ErrorCodes and
// docs/errors.md document it, and a test checks the three agree. A coded
// error whose code is missing here answers 500, like an uncoded one.
var httpStatus = map[cg.Code]int{
	cg.CodeBadInput:         http.StatusBadRequest,
	cg.CodeNotFound:         http.StatusNotFound,
	cg.CodeUnauthenticated:  http.StatusUnauthorized,
	cg.CodeStoreUnavailable: http.StatusServiceUnavailable,
	cg.CodeTimeout:          http.StatusGatewayTimeout,
	cg.CodeInternal:         http.StatusInternalServerError,
	codeBadRequest:          http.StatusBadRequest,
	codeRequestTooLarge:     http.StatusRequestEntityTooLarge,
	codeMethodNotAllowed:    http.StatusMethodNotAllowed,
	codeRateLimited:         http.StatusTooManyRequests,
}

// writeError answers err in the GraphQL error shape, so that clients parse
// one kind of error from every route, with the status of its code
// (httpStatus). An uncoded error is INTERNAL with a fixed message: its text
// may name hosts or credentials.
func writeError(w http.ResponseWriter, err error) {
	e := clientError(err)
	status, ok := httpStatus[e.Code]
	if !ok {
		status = http.StatusInternalServerError
	}
	encodeError(w, status, e)
}

// writeExecutionError answers err as a GraphQL execution error, which the
// GraphQL-over-HTTP draft answers with 200 whatever the code: for a request
// that reached execution and could not finish (serveWithin's timeout).
func writeExecutionError(w http.ResponseWriter, err error) {
	encodeError(w, http.StatusOK, clientError(err))
}

func clientError(err error) *cg.Error {
	if coded := (*cg.Error)(nil); errors.As(err, &coded) && coded.Code != cg.CodeInternal {
		return coded
	}
	return &cg.Error{Code: cg.CodeInternal, Message: "internal error"}
}

func encodeError(w http.ResponseWriter, status int, e *cg.Error) {
	ext := map[string]any{"code": string(e.Code)}
	if e.Field != "" {
		ext["field"] = e.Field
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []any{map[string]any{"message": e.Message, "extensions": ext}},
	})
}
