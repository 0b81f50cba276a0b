package coalitiongraph

import (
	"context"
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"time"
)

// What changed between two instants of knowledge time: the difference
// between reading "as known at" since and "as known at" until, told as
// the commitment versions that became known in between (see KnownFrom),
// each against the version before it. A curated fact is new once its
// earliest source is out; a written change when its writer says it took
// effect. Versions known at no instant (their sources have no upper bound
// on publication) are in no window.

// VersionChangeKind says what a version changed.
type VersionChangeKind string

const (
	// VersionNew is a commitment's first version.
	VersionNew VersionChangeKind = "NEW"
	// VersionStatusChanged is a version that moved the status.
	VersionStatusChanged VersionChangeKind = "STATUS_CHANGED"
	// VersionEvidenceAdded is a version that only added evidence.
	VersionEvidenceAdded VersionChangeKind = "EVIDENCE_ADDED"
	// VersionEdited is a version that changed the date, conditions or summary.
	VersionEdited VersionChangeKind = "CHANGED"
	// VersionRetracted is a version that retracted the record.
	VersionRetracted VersionChangeKind = "RETRACTED"
)

// VersionChangeKinds lists the kinds in the order the schema lists them.
var VersionChangeKinds = []VersionChangeKind{VersionNew, VersionStatusChanged, VersionEvidenceAdded, VersionEdited, VersionRetracted}

// VersionStep is one version of a commitment with the version before it
// (nil for version 1), as a store's history holds them.
type VersionStep struct {
	Version, Previous *Commitment
}

// VersionHistory is what a Writer gives for "what changed": every
// version's step. Stores may return more than the window (the domain
// selects by KnownFrom itself), never less.
type VersionHistory interface {
	// VersionSteps lists the steps of every commitment's versions whose
	// knownFrom may fall in (since, until] (nil ends are open).
	VersionSteps(ctx context.Context, since, until *time.Time) ([]VersionStep, error)
}

// VersionChange is one version that became known in a window.
type VersionChange struct {
	Kind     VersionChangeKind
	Version  *Commitment
	Previous *Commitment
	// At is when the version became known (KnownFrom).
	At time.Time
	// AddedEvidence is the evidence this version added to the previous one.
	AddedEvidence []Evidence
}

// ChangesQuery asks for a page of changes: those known in (Since, Until],
// nil ends open, whose version (for a retraction, the retracted one)
// matches Filter (AsOf is not allowed: the window is the time), oldest
// first.
type ChangesQuery struct {
	Since, Until *time.Time
	Filter       CommitmentFilter
	First        int
	After        string
}

// ChangesPage is one page of changes.
type ChangesPage struct {
	Changes     []VersionChange
	TotalCount  int
	HasNextPage bool
}

// VersionChanges answers q over a store's version steps, with source to
// look up the sources evidence cites.
func VersionChanges(steps []VersionStep, source func(id string) *Source, q ChangesQuery) (*ChangesPage, error) {
	if q.Filter.AsOf != nil {
		return nil, &Error{Code: CodeBadInput, Field: "filter.asOf", Message: "changes are selected by since and until (knowledge time); asOf does not apply"}
	}
	if q.First < 0 {
		return nil, &Error{Code: CodeBadInput, Field: "first", Message: "first must not be negative"}
	}
	if q.Since != nil && q.Until != nil && q.Until.Before(*q.Since) {
		return nil, &Error{Code: CodeBadInput, Field: "until", Message: "until is before since"}
	}
	var after *changeKey
	if q.After != "" {
		k, err := decodeChangeCursor(q.After)
		if err != nil {
			return nil, err
		}
		after = &k
	}
	var all []VersionChange
	for _, st := range steps {
		v := st.Version
		at, ok := KnownFrom(v, source)
		if !ok || (q.Since != nil && !at.After(*q.Since)) || (q.Until != nil && at.After(*q.Until)) {
			continue
		}
		shown := v
		if v.Retracted && st.Previous != nil {
			shown = st.Previous
		}
		if !q.Filter.Matches(shown) {
			continue
		}
		all = append(all, classify(st, at))
	}
	slices.SortFunc(all, func(a, b VersionChange) int { return keyOf(a).compare(keyOf(b)) })
	page := &ChangesPage{TotalCount: len(all)}
	if after != nil {
		i, _ := slices.BinarySearchFunc(all, *after, func(c VersionChange, k changeKey) int { return keyOf(c).compare(k) })
		for i < len(all) && keyOf(all[i]).compare(*after) <= 0 {
			i++
		}
		all = all[i:]
	}
	if q.First > 0 && len(all) > q.First {
		all, page.HasNextPage = all[:q.First], true
	}
	page.Changes = all
	return page, nil
}

func classify(st VersionStep, at time.Time) VersionChange {
	v, prev := st.Version, st.Previous
	ch := VersionChange{Version: v, Previous: prev, At: at}
	switch {
	case prev == nil:
		ch.Kind, ch.AddedEvidence = VersionNew, v.Evidence
	case v.Retracted:
		ch.Kind = VersionRetracted
	case v.Status != prev.Status:
		ch.Kind = VersionStatusChanged
	case v.Date != prev.Date || v.Summary != prev.Summary || !slices.Equal(v.Conditions, prev.Conditions):
		ch.Kind = VersionEdited
	default:
		ch.Kind = VersionEvidenceAdded
	}
	if prev != nil && !v.Retracted && len(v.Evidence) > len(prev.Evidence) {
		ch.AddedEvidence = v.Evidence[len(prev.Evidence):]
	}
	return ch
}

// changeKey orders changes: by when known, then commitment id, then version.
type changeKey struct {
	at      time.Time
	id      string
	version int
}

func keyOf(c VersionChange) changeKey { return changeKey{c.At, c.Version.ID, c.Version.Version} }

func (k changeKey) compare(o changeKey) int {
	if c := k.at.Compare(o.at); c != 0 {
		return c
	}
	if c := strings.Compare(k.id, o.id); c != 0 {
		return c
	}
	return k.version - o.version
}

// EncodeChangeCursor is the cursor after change c in a changes listing.
func EncodeChangeCursor(c VersionChange) string {
	raw := "c1|" + strconv.FormatInt(c.At.UnixNano(), 10) + "|" + strconv.Itoa(c.Version.Version) + "|" + c.Version.ID
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

func decodeChangeCursor(s string) (changeKey, error) {
	bad := &Error{Code: CodeBadInput, Field: "after", Message: "not a cursor of a changes listing"}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return changeKey{}, bad
	}
	parts := strings.SplitN(string(b), "|", 4)
	if len(parts) != 4 || parts[0] != "c1" {
		return changeKey{}, bad
	}
	ns, err1 := strconv.ParseInt(parts[1], 10, 64)
	v, err2 := strconv.Atoi(parts[2])
	if err1 != nil || err2 != nil {
		return changeKey{}, bad
	}
	return changeKey{time.Unix(0, ns).UTC(), parts[3], v}, nil
}

// Matches reports whether c matches every field of the filter but AsOf,
// the same way the stores select commitments.
func (f CommitmentFilter) Matches(c *Commitment) bool {
	in := func(list []string, v string) bool { return len(list) == 0 || slices.Contains(list, v) }
	if !in(f.IDs, c.ID) || !in(f.ActorIDs, c.ActorID) || !in(f.TargetIDs, c.TargetID) || !in(f.StatedByIDs, c.StatedByID) {
		return false
	}
	if len(f.Kinds) > 0 && !slices.Contains(f.Kinds, c.Kind) {
		return false
	}
	if len(f.Statuses) > 0 && !slices.Contains(f.Statuses, c.Status) {
		return false
	}
	if len(f.SourceIDs) > 0 && !slices.ContainsFunc(c.Evidence, func(e Evidence) bool { return slices.Contains(f.SourceIDs, e.SourceID) }) {
		return false
	}
	return c.Date.Within(f.From, f.To)
}
