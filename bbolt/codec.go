package bbolt

import (
	"encoding/json"
	"time"

	"github.com/fxamacker/cbor/v2"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// commitmentCodec is how a file's format encodes commitment versions.
// decoder makes a decode func for one goroutine, which may reuse its state
// from one value to the next.
type commitmentCodec struct {
	encode  func(*cg.Commitment) ([]byte, error)
	decoder func() func([]byte, *cg.Commitment) error
}

// jsonCodec is format 1's.
var jsonCodec = commitmentCodec{
	encode: func(c *cg.Commitment) ([]byte, error) { return json.Marshal(c) },
	decoder: func() func([]byte, *cg.Commitment) error {
		return func(b []byte, c *cg.Commitment) error { return json.Unmarshal(b, c) }
	},
}

// binaryCodec is format 2's: CBOR (RFC 8949), each struct a map keyed by
// field name, so that fields can be added and old values still decode.
// Times are RFC 3339 text with nanoseconds, as JSON had them: CBOR's
// default, whole Unix seconds, would drop the nanoseconds.
var binaryCodec = commitmentCodec{
	encode: func(c *cg.Commitment) ([]byte, error) { return cborEnc.Marshal(c) },
	decoder: func() func([]byte, *cg.Commitment) error {
		return func(b []byte, c *cg.Commitment) error {
			if err := cborDec.Unmarshal(b, c); err != nil {
				return err
			}
			c.RecordedAt, c.ValidFrom = utc(c.RecordedAt), utc(c.ValidFrom)
			return nil
		}
	},
}

var (
	cborEnc = must(cbor.EncOptions{Time: cbor.TimeRFC3339Nano}.EncMode())
	cborDec = must(cbor.DecOptions{}.DecMode())
)

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// utc gives a decoded time as the store keeps its times: UTC, or the zero
// time when unset.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}
