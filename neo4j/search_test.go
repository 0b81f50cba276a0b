package neo4j

import (
	"strings"
	"testing"
)

func TestLuceneQueryEscapes(t *testing.T) {
	for _, tc := range []struct {
		terms []string
		want  string
	}{
		{[]string{"eastern"}, "eastern"},
		{[]string{"nato's"}, "nato's"},
		{[]string{`a+b`, `c:d`, `(x)`, `"y"`, `z*`, `\`, `a/b`, `~1`, `^2`, `&&`, `||`, `!`, `[]`, `{}`, `?`, `-`}, `a\+b c\:d \(x\) \"y\" z\* \\ a\/b \~1 \^2 \&\& \|\| \! \[\] \{\} \? \-`},
	} {
		var got []string
		for _, term := range tc.terms {
			got = append(got, escapeLucene(term))
		}
		if g := strings.Join(got, " "); g != tc.want {
			t.Errorf("escapeLucene(%q) = %q, want %q", tc.terms, g, tc.want)
		}
	}
	if got, want := luceneQuery([]string{"eastern", "a:b"}), `eastern a\:b`; got != want {
		t.Errorf("luceneQuery = %q, want %q", got, want)
	}
}
