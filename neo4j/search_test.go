package neo4j

import "testing"

func TestLuceneQueryEscapes(t *testing.T) {
	for _, tc := range []struct {
		terms []string
		want  string
	}{
		{[]string{"eastern", "flank"}, "eastern flank"},
		{[]string{"nato's"}, "nato's"},
		{[]string{`a+b`, `c:d`, `(x)`, `"y"`, `z*`, `\`, `a/b`, `~1`, `^2`, `&&`, `||`, `!`, `[]`, `{}`, `?`, `-`}, `a\+b c\:d \(x\) \"y\" z\* \\ a\/b \~1 \^2 \&\& \|\| \! \[\] \{\} \? \-`},
	} {
		if got := luceneQuery(tc.terms); got != tc.want {
			t.Errorf("luceneQuery(%q) = %q, want %q", tc.terms, got, tc.want)
		}
	}
}
