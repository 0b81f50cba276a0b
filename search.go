package coalitiongraph

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Text search, the same for every store: names, aliases, descriptions,
// summaries, conditions, claims and the quotes of every fact's evidence.
// Each store ranks with BM25 (Lucene's, in Neo4j's full-text indexes; a
// small index of its own in the embedded store), so scores differ between
// stores while the words that match and the order of a clear best match
// do not.

// fold drops diacritics after a compatibility decomposition, so that
// "Zelenskyy", "Zélensky" and "ZELENSKY" meet on one spelling's letters
// (Neo4j's "standard-folding" analyzer does the same in its indexes).
var fold = transform.Chain(norm.NFKD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)

// FoldName is the form names and words are compared in: without
// diacritics, lowercased, with runs of space collapsed and trimmed. The
// name search of Entities and the text search of both stores fold with it.
func FoldName(s string) string {
	if isASCII(s) {
		return strings.Join(strings.Fields(strings.ToLower(s)), " ")
	}
	folded, _, err := transform.String(fold, s)
	if err != nil {
		folded = s // only on invalid UTF-8, which then compares as it is
	}
	return strings.Join(strings.Fields(strings.ToLower(folded)), " ")
}

// FoldedNames are an entity's name, then its aliases, folded.
func FoldedNames(e *Entity) []string {
	out := make([]string, 0, 1+len(e.Aliases))
	out = append(out, FoldName(e.Name))
	for _, a := range e.Aliases {
		out = append(out, FoldName(a))
	}
	return out
}

// SearchTerms are the words of folded text, split as Lucene's standard
// tokenizer (Unicode word boundaries) splits the articles' prose: runs of
// letters and digits, kept whole across an apostrophe or a full stop
// between two of them ("NATO’s" is one word, "nato's", as Neo4j's folding
// analyzer writes it; so is "U.S"), and across a comma between digits. A
// query matches a document holding any of its terms; documents holding
// more of them, and rarer ones, rank first.
func SearchTerms(s string) []string {
	if isASCII(s) {
		return asciiTerms(s)
	}
	return foldedTerms(s)
}

func foldedTerms(s string) []string {
	rs := []rune(FoldName(s))
	word := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	var out []string
	var cur []rune
	for i, r := range rs {
		switch {
		case word(r):
			cur = append(cur, r)
			continue
		case len(cur) > 0 && i+1 < len(rs) && word(rs[i+1]):
			prev, next := rs[i-1], rs[i+1]
			switch {
			case r == '\'' || r == '’' || r == '.':
				if r == '’' {
					r = '\''
				}
				cur = append(cur, r)
				continue
			case r == ',' && unicode.IsDigit(prev) && unicode.IsDigit(next):
				cur = append(cur, r)
				continue
			}
		}
		if len(cur) > 0 {
			out = append(out, string(cur))
			cur = cur[:0]
		}
	}
	if len(cur) > 0 {
		out = append(out, string(cur))
	}
	return out
}

// MaxSearchTerms bounds the words of a query: each is a lookup and a
// scoring pass, and a sentence-long query is not a search.
const MaxSearchTerms = 32

// TextQuery asks for a page of text-search hits.
type TextQuery struct {
	Text  string
	First int
	// After is a cursor of a previous page's hit (TextCursor); "" starts
	// at the best match.
	After string
}

// TextHit is one matching fact or entity, with exactly one of its
// pointers set.
type TextHit struct {
	ID string
	// Score is the BM25 score of the fact's best-matching text (its own
	// fields, or one of its evidence quotes).
	Score      float64
	Entity     *Entity
	Commitment *Commitment
	Relation   *Relation
	Claim      *Claim
}

// TextPage is one page of hits, best first; ties by id.
type TextPage struct {
	Hits        []TextHit
	TotalCount  int
	HasNextPage bool
}

// TextCursor is the cursor of a hit: its score and id.
func TextCursor(h TextHit) string {
	return EncodeCursor(&Commitment{ID: strconv.FormatFloat(h.Score, 'g', -1, 64) + "|" + h.ID}, OrderID)
}

// TextPosition is where a TextCursor points.
type TextPosition struct {
	Score float64
	ID    string
}

// CompareHits orders hits by score, descending, then by id.
func CompareHits(aScore float64, aID string, bScore float64, bID string) int {
	switch {
	case aScore > bScore:
		return -1
	case aScore < bScore:
		return 1
	}
	return strings.Compare(aID, bID)
}

// ParseTextQuery checks a text query and reads its cursor: the terms to
// look for (at least one, at most MaxSearchTerms, each once) and the
// position after which the page starts, nil at the top.
func ParseTextQuery(q TextQuery) (terms []string, after *TextPosition, err error) {
	if q.First < 0 {
		return nil, nil, &Error{Code: CodeBadInput, Field: "first", Message: "first must not be negative"}
	}
	seen := map[string]bool{}
	for _, t := range SearchTerms(q.Text) {
		if !seen[t] {
			seen[t] = true
			terms = append(terms, t)
		}
	}
	switch {
	case len(terms) == 0:
		return nil, nil, &Error{Code: CodeBadInput, Field: "query", Message: "query must have a word to look for"}
	case len(terms) > MaxSearchTerms:
		return nil, nil, &Error{Code: CodeBadInput, Field: "query", Message: fmt.Sprintf("query has %d words, at most %d", len(terms), MaxSearchTerms)}
	}
	if q.After == "" {
		return terms, nil, nil
	}
	bad := &Error{Code: CodeBadInput, Field: "after", Message: "invalid cursor: not a search cursor"}
	k, err := DecodeCursor(q.After, OrderID)
	if err != nil {
		return nil, nil, bad
	}
	score, id, ok := strings.Cut(k.ID, "|")
	f, convErr := strconv.ParseFloat(score, 64)
	if !ok || id == "" || convErr != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, nil, bad
	}
	return terms, &TextPosition{Score: f, ID: id}, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// asciiTerms is SearchTerms for ASCII text, the common case, without
// folding a copy first: indexing a large graph splits every text.
func asciiTerms(s string) []string {
	word := func(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' }
	digit := func(c byte) bool { return '0' <= c && c <= '9' }
	var out []string
	start := -1
	for i := 0; i <= len(s); i++ {
		if i < len(s) {
			c := s[i]
			if word(c) {
				if start < 0 {
					start = i
				}
				continue
			}
			if start >= 0 && i+1 < len(s) && word(s[i+1]) &&
				(c == '\'' || c == '.' || c == ',' && digit(s[i-1]) && digit(s[i+1])) {
				continue
			}
		}
		if start >= 0 {
			out = append(out, strings.ToLower(s[start:i]))
			start = -1
		}
	}
	return out
}
