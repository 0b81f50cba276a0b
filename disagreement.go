package coalitiongraph

import (
	"regexp"
	"slices"
	"strings"
)

// Disagreement is derived, never assumed: two claims on one subject and
// topic disagree only when they state different positions. Claims that state
// the same position (France's troops in two articles, "similar to Article 5"
// in four) corroborate each other, however differently they are worded.

// MaxPositionLen bounds a position: it names an answer, it does not tell it.
const MaxPositionLen = 60

var positionPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ValidPosition reports whether p is a normalised position: lower-case
// words of letters and digits joined by single hyphens ("similar",
// "after-white-house-meeting", "8"), at most MaxPositionLen bytes, so that
// equal answers are spelt equally.
func ValidPosition(p string) bool {
	return len(p) <= MaxPositionLen && positionPattern.MatchString(p)
}

// Position is one answer given to a topic, with every claim that gives it.
type Position struct {
	Position string
	Claims   []*Claim
	// SourceIDs are the distinct sources the claims cite, ordered by id.
	SourceIDs []string
}

// Corroboration is how many sources state the position.
func (p *Position) Corroboration() int { return len(p.SourceIDs) }

// Topic is every account of one question about one subject.
type Topic struct {
	SubjectID string
	Topic     string
	// Claims are in the order they were given.
	Claims []*Claim
	// Positions are in order of their first claim.
	Positions []*Position
}

// Disputed reports whether the accounts take more than one position.
func (t *Topic) Disputed() bool { return len(t.Positions) > 1 }

// PositionOf returns the position a claim of the topic states, nil when the
// claim is not among the topic's.
func (t *Topic) PositionOf(claimID string) *Position {
	for _, p := range t.Positions {
		for _, c := range p.Claims {
			if c.ID == claimID {
				return p
			}
		}
	}
	return nil
}

// Topics groups claims by subject and topic, in order of first appearance,
// and each topic's claims by position: the one rule for corroboration and
// disagreement that every view (the entity's claims, the disputes listing,
// exports) uses.
func Topics(claims []*Claim) []*Topic {
	type key struct{ subject, topic string }
	var out []*Topic
	idx := map[key]*Topic{}
	for _, c := range claims {
		k := key{c.SubjectID, c.Topic}
		t, ok := idx[k]
		if !ok {
			t = &Topic{SubjectID: c.SubjectID, Topic: c.Topic}
			idx[k] = t
			out = append(out, t)
		}
		t.Claims = append(t.Claims, c)
		var p *Position
		for _, x := range t.Positions {
			if samePosition(x.Claims[0], c) {
				p = x
				break
			}
		}
		if p == nil {
			p = &Position{Position: c.Position}
			t.Positions = append(t.Positions, p)
		}
		p.Claims = append(p.Claims, c)
		for _, ev := range c.Evidence {
			if i, found := slices.BinarySearch(p.SourceIDs, ev.SourceID); !found {
				p.SourceIDs = slices.Insert(p.SourceIDs, i, ev.SourceID)
			}
		}
	}
	return out
}

// samePosition reports whether two claims give the same answer. A claim
// recorded without a position (before positions existed) agrees only with
// one of the same text, which was the rule then.
func samePosition(a, b *Claim) bool {
	if a.Position == "" || b.Position == "" {
		return a.Position == b.Position && a.Text == b.Text
	}
	return a.Position == b.Position
}

// Disputes returns the disputed topics among claims, ordered by subject id,
// then topic.
func Disputes(claims []*Claim) []*Topic {
	var out []*Topic
	for _, t := range Topics(claims) {
		if t.Disputed() {
			out = append(out, t)
		}
	}
	slices.SortStableFunc(out, func(a, b *Topic) int {
		if c := strings.Compare(a.SubjectID, b.SubjectID); c != 0 {
			return c
		}
		return strings.Compare(a.Topic, b.Topic)
	})
	return out
}

// Account is what one source says of a fact: the quotes citing it.
type Account struct {
	SourceID string
	Evidence []Evidence
}

// Accounts splits a fact's evidence by source, ordered by source id, so that
// a commitment several articles report shows each article's wording side
// by side; len(Accounts(ev)) is the fact's corroboration.
func Accounts(evidence []Evidence) []Account {
	var out []Account
	for _, ev := range evidence {
		i, found := slices.BinarySearchFunc(out, ev.SourceID, func(a Account, id string) int { return strings.Compare(a.SourceID, id) })
		if !found {
			out = slices.Insert(out, i, Account{SourceID: ev.SourceID})
		}
		out[i].Evidence = append(out[i].Evidence, ev)
	}
	return out
}
