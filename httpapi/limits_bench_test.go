package httpapi_test

import (
	"strings"
	"testing"
)

// nestedRepeats is the costliest document the pre-validation pass lets
// through that we know of: 20 repeats at each of three levels stay under
// every limit (about 9,000 tokens) but make field merging compare
// repeats of repeats.
func nestedRepeats() string {
	ids := strings.Repeat("id ", 20)
	history := strings.Repeat("history { "+ids+"} ", 20)
	return "{ sources { " + strings.Repeat("commitments { "+history+"} ", 20) + "} }"
}

// BenchmarkHostile answers each hostile document of issue 9 through the
// whole handler; ns/op is the server time to answer or refuse one.
// Run: go test ./httpapi -run '^$' -bench Hostile -benchtime 20x
func BenchmarkHostile(b *testing.B) {
	h := newHandler(seedStore(b))
	cases := append([]struct{ name, query, code string }{
		{"1 MiB of tokens", "{ " + strings.Repeat("a ", 1<<19-20) + "}", ""},
	}, hostileDocs...)
	for _, tc := range cases {
		body := gqlBody(b, tc.query)
		b.Run(strings.ReplaceAll(tc.name, " ", "_"), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				do(b, h, "POST", body)
			}
		})
	}
}
