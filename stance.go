package coalitiongraph

import (
	"slices"
	"strings"
)

// StanceState is how a stance stands, shown in the matrix as a cell state of
// its own so that it is never mistaken for a commitment: France's troops
// "under discussion" by others are not an offer France made.
type StanceState string

const (
	// StanceUnderDiscussion: others discussed it ("Discussions in
	// Washington considered deploying French and British forces"); the
	// actor is not said to offer or consider anything.
	StanceUnderDiscussion StanceState = "UNDER_DISCUSSION"
	// StanceStatedSupport: the actor spoke for it.
	StanceStatedSupport StanceState = "STATED_SUPPORT"
	// StanceStatedOpposition: the actor spoke against it or dismissed it.
	StanceStatedOpposition StanceState = "STATED_OPPOSITION"
	// StanceStatedPosition: the actor said where things stand or what it
	// expects, for or against nothing ("NATO membership is not under
	// consideration"; a summit "within two weeks").
	StanceStatedPosition StanceState = "STATED_POSITION"
)

// StanceStates lists every stance state.
var StanceStates = []StanceState{StanceUnderDiscussion, StanceStatedSupport, StanceStatedOpposition, StanceStatedPosition}

// Valid reports whether s is in the vocabulary.
func (s StanceState) Valid() bool { return contains(StanceStates, s) }

// Stance is a position an actor takes, or something others discussed about
// it, that the articles report without a commitment. It rides on the claim
// that reports it; the claim's subject is what the stance is about.
type Stance struct {
	// ActorID is whose row of the matrix shows it.
	ActorID string
	// Kind is the matrix column it shows in (OFFERS_TROOPS for troops
	// under discussion); "" when no commitment kind fits (a stated position).
	Kind  EdgeKind
	State StanceState
	// DiscussedBy is who discussed it, in the article's words
	// ("discussions in Washington"); "" when the actor stated it itself.
	DiscussedBy string
}

// StanceCell is the stance layer of one matrix cell: the stances of one
// actor, column and state.
type StanceCell struct {
	ActorID string
	Kind    EdgeKind
	State   StanceState
	// DiscussedBy are the distinct DiscussedBy of its stances, in claim
	// order, "" left out.
	DiscussedBy []string
	// Claims record the stances, ordered by id.
	Claims []*Claim
}

// StanceCells shapes the stance layer of a matrix from claims, under the
// matrix's filter: the one rule every view of the matrix (GraphQL, exports)
// applies, whichever store the claims come from. Actors, kinds (a stance
// without a column has no kind to match), targets (the claim's subject) and
// sources filter stances as they filter commitments; ids, statuses, speakers
// and dates select commitments only, so a filter using them has no stances.
// AsOf reads them as known at that instant, like commitments: a claim counts
// from its earliest source's publication (EvidenceKnownFrom, sources looked
// up with source), and a claim no source dates is in no "as known at" read.
// Cells are ordered like matrix cells (actor id, column order, a stance
// without a column last), then by state.
func StanceCells(claims []*Claim, f CommitmentFilter, source func(id string) *Source) []StanceCell {
	if len(f.IDs) > 0 || len(f.Statuses) > 0 || len(f.StatedByIDs) > 0 || f.From.Known() || f.To.Known() {
		return []StanceCell{}
	}
	type key struct {
		actor string
		kind  EdgeKind
		state StanceState
	}
	idx := map[key]int{}
	out := []StanceCell{}
	for _, c := range sortedClaims(claims) {
		st := c.Stance
		if st == nil ||
			(len(f.ActorIDs) > 0 && !contains(f.ActorIDs, st.ActorID)) ||
			(len(f.Kinds) > 0 && !contains(f.Kinds, st.Kind)) ||
			(len(f.TargetIDs) > 0 && !contains(f.TargetIDs, c.SubjectID)) ||
			(len(f.SourceIDs) > 0 && !citesAny(c.Evidence, f.SourceIDs)) {
			continue
		}
		if f.AsOf != nil {
			if at, ok := EvidenceKnownFrom(c.Evidence, source); !KnownAt(at, ok, *f.AsOf) {
				continue
			}
		}
		k := key{st.ActorID, st.Kind, st.State}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, StanceCell{ActorID: st.ActorID, Kind: st.Kind, State: st.State, DiscussedBy: []string{}})
		}
		cell := &out[i]
		cell.Claims = append(cell.Claims, c)
		if st.DiscussedBy != "" && !contains(cell.DiscussedBy, st.DiscussedBy) {
			cell.DiscussedBy = append(cell.DiscussedBy, st.DiscussedBy)
		}
	}
	slices.SortFunc(out, func(a, b StanceCell) int {
		if a.ActorID != b.ActorID {
			return strings.Compare(a.ActorID, b.ActorID)
		}
		if a.Kind != b.Kind {
			return column(a.Kind) - column(b.Kind)
		}
		return strings.Compare(string(a.State), string(b.State))
	})
	return out
}

// column is a kind's matrix column; a stance without a kind comes last.
func column(k EdgeKind) int {
	if i, ok := kindOrder[k]; ok {
		return i
	}
	return len(kindOrder)
}

func sortedClaims(claims []*Claim) []*Claim {
	out := slices.Clone(claims)
	slices.SortStableFunc(out, func(a, b *Claim) int { return strings.Compare(a.ID, b.ID) })
	return out
}

func citesAny(evidence []Evidence, sourceIDs []string) bool {
	for _, ev := range evidence {
		if contains(sourceIDs, ev.SourceID) {
			return true
		}
	}
	return false
}
