package testsupport

import (
	"fmt"
	"strings"
)

// FirstDiff names the first line where two multi-line snapshots differ,
// so a failing comparison of whole graphs shows one line, not megabytes.
func FirstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d of %d/%d:\ngot:  %.600s\nwant: %.600s", i+1, len(g), len(w), gl, wl)
		}
	}
	return "equal"
}
