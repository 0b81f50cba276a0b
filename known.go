package coalitiongraph

import (
	"slices"
	"time"
)

// The two time axes of a fact. When it held or happened is its Date, an
// interval at its precision ("2025-08" is 1–31 August: Date.Start and
// Date.End). When it became known is the subject of this file: a curated
// fact is known once one source stating it is known to have been
// published; a version written through the API once its writer says it
// took effect (ValidFrom).
//
// Publication dates are read conservatively. A source counts as known from
// the end of the latest day it may have been published: an article dated
// 2025-08-21 is known from 2025-08-22T00:00Z, one published "not after
// 2025-08-17" from 2025-08-18T00:00Z. A source with no upper bound on its
// publication is never known as of a given past instant: nothing in its
// text rules out that it appeared after any moment asked about, so
// "as known at" reads leave it out (current reads still show its facts).

// PublishedEarliest is the first day the source may have been published:
// its stated date, or else its inferred lower bound (unknown when neither).
func (s *Source) PublishedEarliest() Date {
	if s.Published.Known() {
		return s.Published
	}
	return s.PublishedNotBefore
}

// PublishedLatest is the last day the source may have been published: its
// stated date, or else its inferred upper bound (unknown when neither).
func (s *Source) PublishedLatest() Date {
	if s.Published.Known() {
		return s.Published
	}
	return s.PublishedNotAfter
}

// PublishedInferred reports whether the publication date is bounded from
// the text rather than stated in it.
func (s *Source) PublishedInferred() bool {
	return !s.Published.Known() && (s.PublishedNotBefore.Known() || s.PublishedNotAfter.Known())
}

// KnownFrom is the instant from which the source counts as known: the end
// of its latest possible publication day; false when nothing bounds it.
func (s *Source) KnownFrom() (time.Time, bool) {
	latest := s.PublishedLatest()
	if !latest.Known() {
		return time.Time{}, false
	}
	return latest.End(), true
}

// EarliestKnown picks, among sources (nil entries are skipped), the one
// known first (see Source.KnownFrom) and when; ties go to the smaller id.
// With no source known at any instant it returns nil and false.
func EarliestKnown(sources []*Source) (*Source, time.Time, bool) {
	var best *Source
	var at time.Time
	for _, s := range sources {
		if s == nil {
			continue
		}
		t, ok := s.KnownFrom()
		if !ok {
			continue
		}
		if best == nil || t.Before(at) || (t.Equal(at) && s.ID < best.ID) {
			best, at = s, t
		}
	}
	return best, at, best != nil
}

// EvidenceSources returns the distinct sources evidence cites, in the order
// first cited, looked up with source (which returns nil for unknown ids);
// none when source is nil.
func EvidenceSources(ev []Evidence, source func(id string) *Source) []*Source {
	if source == nil {
		return nil
	}
	var ids []string
	for _, e := range ev {
		if !slices.Contains(ids, e.SourceID) {
			ids = append(ids, e.SourceID)
		}
	}
	out := make([]*Source, 0, len(ids))
	for _, id := range ids {
		if s := source(id); s != nil {
			out = append(out, s)
		}
	}
	return out
}

// Reported is the source of the evidence that was published first, as far
// as the sources' dates tell (see EarliestKnown): the fact's "reported"
// date is that source's publication. nil when no cited source is dated or
// bounded above.
func Reported(ev []Evidence, source func(id string) *Source) *Source {
	s, _, _ := EarliestKnown(EvidenceSources(ev, source))
	return s
}

// KnownFrom is the instant from which a version of a commitment counts as
// known for asOf reads: a written version's ValidFrom (what its writer
// states, by default when it was recorded); a curated one's earliest
// source's KnownFrom. False when neither says: such a version is in no
// "as known at" read, only in current ones.
func KnownFrom(c *Commitment, source func(id string) *Source) (time.Time, bool) {
	if !c.ValidFrom.IsZero() {
		return c.ValidFrom, true
	}
	_, t, ok := EarliestKnown(EvidenceSources(c.Evidence, source))
	return t, ok
}

// EvidenceKnownFrom is when something resting on evidence (an event, a
// relation, a claim, a curated commitment) counts as known: its earliest
// source's KnownFrom.
func EvidenceKnownFrom(ev []Evidence, source func(id string) *Source) (time.Time, bool) {
	_, t, ok := EarliestKnown(EvidenceSources(ev, source))
	return t, ok
}

// KnownAt reports whether something known from (at, ok) is known at asOf.
func KnownAt(at time.Time, ok bool, asOf time.Time) bool {
	return ok && !at.After(asOf)
}

// ValidatePublication checks what a source says of its own dating: bounds
// only where no date is stated, in order, and with their reasoning; an
// inferred outlet with its reasoning. The field names the input at fault.
func ValidatePublication(s *Source) error {
	bounded := s.PublishedNotBefore.Known() || s.PublishedNotAfter.Known()
	switch {
	case bounded && s.Published.Known():
		return badInput("publishedNotBefore", "source %s states its date (%s): bounds are for a date inferred from the text", quote(s.ID), s.Published)
	case s.PublishedNotBefore.Known() && s.PublishedNotAfter.Known() && !s.PublishedNotBefore.Start().Before(s.PublishedNotAfter.End()):
		return badInput("publishedNotAfter", "source %s: published not after %s is before not before %s", quote(s.ID), s.PublishedNotAfter, s.PublishedNotBefore)
	case bounded && s.PublishedReasoning == "":
		return badInput("publishedReasoning", "source %s: inferred publication bounds need their reasoning", quote(s.ID))
	case s.OutletInferred && (s.Outlet == "" || s.OutletReasoning == ""):
		return badInput("outletReasoning", "source %s: an inferred outlet needs the outlet and its reasoning", quote(s.ID))
	}
	return nil
}
