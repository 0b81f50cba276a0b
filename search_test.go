package coalitiongraph

import (
	"errors"
	"slices"
	"testing"
)

func TestFoldName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Zelenskyy", "zelenskyy"},
		{"Zélensky", "zelensky"},
		{"  KYÏV  ", "kyiv"},
		{"Kraków\tand  Łódź", "krakow and łodz"}, // Ł has no decomposition; Lucene's folding maps it, this does not
		{"ＮＡＴＯ", "nato"},                         // compatibility forms
		{"", ""},
	} {
		if got := FoldName(tc.in); got != tc.want {
			t.Errorf("FoldName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSearchTerms(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"reinforcing NATO’s eastern flank", []string{"reinforcing", "nato's", "eastern", "flank"}},
		{"the U.S. president's 24-hour plan", []string{"the", "u.s", "president's", "24", "hour", "plan"}},
		{"1,000 troops, at once", []string{"1,000", "troops", "at", "once"}},
		{`boots^2 (x: -"y"`, []string{"boots", "2", "x", "y"}},
		{"'quoted' ’", []string{"quoted"}},
		{"!!!", nil},
	} {
		if got := SearchTerms(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("SearchTerms(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseTextQuery(t *testing.T) {
	terms, after, err := ParseTextQuery(TextQuery{Text: "Kyiv kyiv KYIV flank", After: TextCursor(TextHit{ID: "UKR", Score: 1.25})})
	if err != nil || !slices.Equal(terms, []string{"kyiv", "flank"}) || after == nil || *after != (TextPosition{1.25, "UKR"}) {
		t.Errorf("got %q %+v %v", terms, after, err)
	}
	for _, tc := range []struct {
		q     TextQuery
		field string
	}{
		{TextQuery{Text: ""}, "query"},
		{TextQuery{Text: "-- !!"}, "query"},
		{TextQuery{Text: "a b c d e f g h i j k l m n o p q r s t u v w x y z aa bb cc dd ee ff gg"}, "query"}, // 33 words
		{TextQuery{Text: "x", First: -1}, "first"},
		{TextQuery{Text: "x", After: IDCursor("x")}, "after"},
		{TextQuery{Text: "x", After: IDCursor("NaN|x")}, "after"},
		{TextQuery{Text: "x", After: "%%%"}, "after"},
	} {
		_, _, err := ParseTextQuery(tc.q)
		var e *Error
		if !errors.As(err, &e) || e.Code != CodeBadInput || e.Field != tc.field {
			t.Errorf("%+v: %v, want BAD_USER_INPUT on %s", tc.q, err, tc.field)
		}
	}
}

// The ASCII path and the general one split alike.
func TestASCIITermsAgree(t *testing.T) {
	for _, s := range []string{"reinforcing NATO's eastern flank", "the U.S. president's 24-hour plan", "1,000 troops, at once,2",
		`boots^2 (x: -"y"`, "'quoted' '", "a.b. c", "x,1 2,y", "Entity 1234", "", "  ", "A'", "'a", "a''b"} {
		if got, want := asciiTerms(s), foldedTerms(s); !slices.Equal(got, want) {
			t.Errorf("%q: ascii %q, general %q", s, got, want)
		}
	}
}
