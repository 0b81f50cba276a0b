package model

import (
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// MarshalTime writes the Time scalar as RFC 3339 (gqlgen's format).
func MarshalTime(t time.Time) graphql.Marshaler {
	if t.IsZero() {
		return graphql.Null
	}
	return graphql.WriterFunc(func(w io.Writer) {
		_, _ = io.WriteString(w, strconv.Quote(t.Format(time.RFC3339Nano)))
	})
}

// UnmarshalTime reads the Time scalar: RFC 3339 or a day, YYYY-MM-DD (the
// start of that day, UTC). A bad value is the client's: BAD_USER_INPUT,
// where gqlgen's own scalar gave an uncoded error shown as INTERNAL.
func UnmarshalTime(v any) (time.Time, error) {
	switch s := v.(type) {
	case nil:
		return time.Time{}, nil
	case string:
		return cg.ParseInstant(s)
	default:
		return time.Time{}, cg.Errorf(cg.CodeBadInput, "a Time is a string (RFC 3339 or YYYY-MM-DD), not %s", jsonKind(v))
	}
}

func jsonKind(v any) string {
	switch v.(type) {
	case bool:
		return "a boolean"
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	default:
		return "a number"
	}
}
