package coalitiongraph

import (
	"errors"
	"fmt"
)

// Code classifies an error for API clients; the GraphQL layer puts it in
// extensions.code. Messages of coded errors are safe to show to clients;
// anything else is reported as INTERNAL without its message.
type Code string

const (
	CodeNotFound         Code = "NOT_FOUND"
	CodeBadInput         Code = "BAD_USER_INPUT"
	CodeConflict         Code = "CONFLICT"
	CodeUnauthenticated  Code = "UNAUTHENTICATED"
	CodeStoreUnavailable Code = "STORE_UNAVAILABLE"
	CodeTimeout          Code = "TIMEOUT"
	CodeReadOnly         Code = "READ_ONLY"
	CodeInternal         Code = "INTERNAL"
)

// Error is an error with a client-facing code and message.
type Error struct {
	Code    Code
	Message string
	// Field names the input field at fault, when there is one.
	Field string
	Err   error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf makes a coded error.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, INTERNAL when it has none.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}
