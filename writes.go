package coalitiongraph

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"
)

// WriteMeta says who records a change, when and why.
type WriteMeta struct {
	// By is the name of the API key that made the write.
	By string
	// At is when the write is recorded.
	At time.Time
	// EffectiveAt is when the change took effect in the world; zero means At.
	EffectiveAt time.Time
	Reason      string
	// RequestID makes a write idempotent: a write whose RequestID a store
	// has already applied returns that first outcome instead of applying
	// again, so a client (or a driver) may retry a request whose answer it
	// never got.
	RequestID string
}

// CommitmentChange moves a commitment to a new status, with new evidence.
type CommitmentChange struct {
	ID string
	// BaseVersion is the version the change was based on; if the
	// commitment has moved on since, the change is refused with CONFLICT.
	BaseVersion int
	Status      Status
	// Date, Conditions and Summary replace the old ones when set.
	Date       *Date
	Conditions []string
	Summary    *string
	// Evidence for the change; at least one item. It is added to the
	// commitment's evidence.
	Evidence []Evidence
}

// Writer records new facts. Every change keeps the prior version: nothing
// is overwritten. Each method is one transaction: it applies entirely or not
// at all.
type Writer interface {
	// RecordCommitment records a new commitment as version 1. Recording an
	// id that exists is a CONFLICT, unless the request is a retry (same
	// RequestID), which returns the commitment it recorded.
	RecordCommitment(ctx context.Context, c *Commitment, m WriteMeta) (*Commitment, error)
	// ChangeCommitment records a new version with a new status.
	ChangeCommitment(ctx context.Context, ch CommitmentChange, m WriteMeta) (*Commitment, error)
	// RetractCommitment records a retracted version; m.Reason is required.
	RetractCommitment(ctx context.Context, id string, baseVersion int, m WriteMeta) (*Commitment, error)
	// PutEntity creates an entity or replaces the one with its id. An
	// entity's kind cannot change once edges depend on it.
	PutEntity(ctx context.Context, e *Entity, m WriteMeta) (*Entity, error)
	// PutSource creates a source or replaces the one with its id.
	PutSource(ctx context.Context, s *Source, m WriteMeta) (*Source, error)
	// CommitmentHistory lists every version of a commitment, oldest first.
	CommitmentHistory(ctx context.Context, id string) ([]*Commitment, error)
	// Puts keep versions: replacing an entity or a source adds one.
	PutHistory
	// Every version with the one before it, for "what changed".
	VersionHistory
}

type replayKey struct{}

// WithReplayReport returns a context in which a Writer reports whether a
// write was answered from its request log (a retry of a request it had
// already applied) instead of being applied: the caller publishes a change
// only once, however often a client retries it. replayed may be called
// after the write returns.
func WithReplayReport(ctx context.Context) (_ context.Context, replayed func() bool) {
	b := new(atomic.Bool)
	return context.WithValue(ctx, replayKey{}, b), b.Load
}

// MarkReplayed is how a Writer says that the write on ctx changed nothing
// and returns the outcome of an earlier request with the same RequestID.
// A store that runs a transaction again after losing its commit's answer
// must tell its own first attempt from an earlier request.
func MarkReplayed(ctx context.Context) {
	if b, ok := ctx.Value(replayKey{}).(*atomic.Bool); ok {
		b.Store(true)
	}
}

// WritableStore is a store that also records changes.
type WritableStore interface {
	Store
	Writer
}

// badInput is a BAD_USER_INPUT error about one input field.
func badInput(field, format string, args ...any) *Error {
	return &Error{Code: CodeBadInput, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Lookup answers what validation needs to know about the stored graph.
type Lookup struct {
	Entity func(id string) (*Entity, bool)
	// Source returns the source with its text, which quotes are checked
	// against.
	Source func(id string) (*Source, bool)
}

// ValidateCommitment checks a commitment to be recorded: a known kind that
// fits its endpoints, an allowed status, known actor, target, speaker and
// sources, and evidence. Errors name the input field at fault, so that
// both stores reject the same writes with the same messages.
func ValidateCommitment(c *Commitment, look Lookup) error {
	if err := checkID("id", c.ID); err != nil {
		return err
	}
	if err := checkLen("summary", c.Summary, MaxTextLen); err != nil {
		return err
	}
	if err := checkList("conditions", c.Conditions, MaxTextLen); err != nil {
		return err
	}
	if !c.Kind.IsCommitment() {
		return badInput("kind", "%q is not a commitment kind", c.Kind)
	}
	actor, ok := look.Entity(c.ActorID)
	if !ok {
		return badInput("actor", "no entity with id %q", c.ActorID)
	}
	target, ok := look.Entity(c.TargetID)
	if !ok {
		return badInput("target", "no entity with id %q", c.TargetID)
	}
	if !c.Kind.Fits(actor.Kind, target.Kind) {
		return badInput("kind", "a %s cannot make a %s commitment (to a %s)", actor.Kind, c.Kind, target.Kind)
	}
	if c.StatedByID != "" {
		p, ok := look.Entity(c.StatedByID)
		if !ok || p.Kind != KindPerson {
			return badInput("statedBy", "statedBy %q is not a known person", c.StatedByID)
		}
	}
	if err := validateStatus(c.Kind, c.Status, "status"); err != nil {
		return err
	}
	return ValidateEvidence(c.Evidence, look, "evidence")
}

// ValidateChange checks a status change against the current version.
func ValidateChange(cur *Commitment, ch CommitmentChange, look Lookup) error {
	if err := validateStatus(cur.Kind, ch.Status, "status"); err != nil {
		return err
	}
	if ch.Summary != nil {
		if err := checkLen("summary", *ch.Summary, MaxTextLen); err != nil {
			return err
		}
	}
	if err := checkList("conditions", ch.Conditions, MaxTextLen); err != nil {
		return err
	}
	if len(cur.Evidence)+len(ch.Evidence) > MaxCommitmentEvidence {
		return badInput("evidence", "a commitment keeps at most %d evidence items; it has %d and the change adds %d",
			MaxCommitmentEvidence, len(cur.Evidence), len(ch.Evidence))
	}
	return ValidateEvidence(ch.Evidence, look, "evidence")
}

func validateStatus(k EdgeKind, s Status, field string) error {
	if !s.Valid() {
		return badInput(field, "unknown status %q", s)
	}
	if !k.Allows(s) {
		return badInput(field, "status %s is not allowed for %s (allowed: %s)", s, k, joinStatuses(k.AllowedStatuses()))
	}
	return nil
}

// ValidateEvidence requires at least one item and at most MaxList, each
// citing a known source with a quote that appears verbatim in the
// source's text (the schema promises it, and the line is computed from
// where it appears: see Located).
func ValidateEvidence(ev []Evidence, look Lookup, field string) error {
	if len(ev) == 0 {
		return badInput(field, "at least one evidence item (source and quote) is required")
	}
	if len(ev) > MaxList {
		return badInput(field, "at most %d evidence items per write, not %d", MaxList, len(ev))
	}
	for i, e := range ev {
		f := fmt.Sprintf("%s[%d]", field, i)
		if err := checkLen(f+".source", e.SourceID, MaxIDLen); err != nil {
			return err
		}
		src, ok := look.Source(e.SourceID)
		if !ok {
			return badInput(f+".source", "no source with id %q", e.SourceID)
		}
		if err := checkLen(f+".quote", e.Quote, MaxQuoteLen); err != nil {
			return err
		}
		if strings.TrimSpace(e.Quote) == "" {
			return badInput(f+".quote", "the quote must not be empty")
		}
		if err := checkLen(f+".attributedTo", e.AttributedTo, MaxNameLen); err != nil {
			return err
		}
		if src.Text == "" {
			return badInput(f+".source", "source %q has no text to check the quote against: put the source with its text first", e.SourceID)
		}
		if !strings.Contains(src.Text, e.Quote) {
			return badInput(f+".quote", "the quote does not appear verbatim in the text of source %q", e.SourceID)
		}
	}
	return nil
}

// Located returns a copy of evidence that ValidateEvidence accepted, each
// item's Line set to the line of its source's text where the quote first
// appears: a client cannot state a line, so every line points at the quote.
func Located(ev []Evidence, look Lookup) []Evidence {
	out := slices.Clone(ev)
	for i, e := range out {
		out[i].Line = 0
		if src, ok := look.Source(e.SourceID); ok {
			if j := strings.Index(src.Text, e.Quote); j >= 0 && e.Quote != "" {
				out[i].Line = 1 + strings.Count(src.Text[:j], "\n")
			}
		}
	}
	return out
}

// ValidateEntity checks an entity to be created or replaced.
func ValidateEntity(e *Entity, existing *Entity) error {
	if err := checkID("id", e.ID); err != nil {
		return err
	}
	if !e.Kind.Valid() {
		return badInput("kind", "unknown entity kind %q", e.Kind)
	}
	if err := checkLen("name", e.Name, MaxNameLen); err != nil {
		return err
	}
	if strings.TrimSpace(e.Name) == "" {
		return badInput("name", "the name must not be empty")
	}
	if err := checkList("aliases", e.Aliases, MaxNameLen); err != nil {
		return err
	}
	if err := checkLen("description", e.Description, MaxTextLen); err != nil {
		return err
	}
	if existing != nil && existing.Kind != e.Kind {
		return badInput("kind", "entity %q is a %s; its kind cannot change to %s", e.ID, existing.Kind, e.Kind)
	}
	return nil
}

// ValidateSource checks a source to be created or replaced (existing is
// the current one, nil for a new source). A source carries its article's
// text, which cannot change once set: the quotes that cite it were checked
// against it and their lines point into it.
func ValidateSource(s *Source, existing *Source) error {
	if err := checkID("id", s.ID); err != nil {
		return err
	}
	for _, f := range []struct{ field, v string }{{"file", s.File}, {"outlet", s.Outlet}, {"title", s.Title}, {"author", s.Author}} {
		if err := checkLen(f.field, f.v, MaxNameLen); err != nil {
			return err
		}
	}
	for _, f := range []struct{ field, v string }{{"outletReasoning", s.OutletReasoning}, {"publishedReasoning", s.PublishedReasoning}} {
		if err := checkLen(f.field, f.v, MaxTextLen); err != nil {
			return err
		}
	}
	if err := ValidatePublication(s); err != nil {
		return err
	}
	if s.File != "" && !plainFileName(s.File) {
		return badInput("file", "file %q must be a plain file name (no path separators, no '..', no control characters)", s.File)
	}
	if strings.TrimSpace(s.File) == "" && strings.TrimSpace(s.Title) == "" && strings.TrimSpace(s.Outlet) == "" {
		return badInput("file", "a source needs a file, a title or an outlet to be cited by")
	}
	if err := checkLen("text", s.Text, MaxSourceTextLen); err != nil {
		return err
	}
	if strings.TrimSpace(s.Text) == "" {
		return badInput("text", "a source needs its article's text, which quotes are checked against")
	}
	if !utf8.ValidString(s.Text) {
		return badInput("text", "the text must be UTF-8")
	}
	if existing != nil && existing.Text != "" && existing.Text != s.Text {
		return badInput("text", "the text of source %q cannot change: quotes were checked against it (put a new source instead)", s.ID)
	}
	return nil
}

// plainFileName accepts a name that names a file in one directory and
// nothing else.
func plainFileName(f string) bool {
	if f == "." || f == ".." || strings.Contains(f, "..") || strings.ContainsAny(f, `/\:`) || strings.TrimSpace(f) != f {
		return false
	}
	for _, r := range f {
		if unicode.IsControl(r) {
			return false
		}
	}
	return utf8.ValidString(f)
}

// NextVersion builds the version that a change makes of cur.
func NextVersion(cur *Commitment, ch CommitmentChange, m WriteMeta) *Commitment {
	next := *cur
	next.Status = ch.Status
	if ch.Date != nil {
		next.Date = *ch.Date
	}
	if ch.Conditions != nil {
		next.Conditions = slices.Clone(ch.Conditions)
	}
	if ch.Summary != nil {
		next.Summary = *ch.Summary
	}
	next.Evidence = append(slices.Clone(cur.Evidence), ch.Evidence...)
	stamp(&next, cur.Version+1, m)
	return &next
}

// Retraction builds the retracted version of cur.
func Retraction(cur *Commitment, m WriteMeta) *Commitment {
	next := *cur
	next.Retracted = true
	stamp(&next, cur.Version+1, m)
	return &next
}

// FirstVersion stamps a commitment being recorded.
func FirstVersion(c *Commitment, m WriteMeta) *Commitment {
	next := *c
	next.Retracted = false
	stamp(&next, 1, m)
	return &next
}

func stamp(c *Commitment, version int, m WriteMeta) {
	c.Version = version
	c.RecordedAt = m.At.UTC()
	c.RecordedBy = m.By
	c.Reason = m.Reason
	c.ValidFrom = m.EffectiveAt.UTC()
	if m.EffectiveAt.IsZero() {
		c.ValidFrom = m.At.UTC()
	}
}

// ValidateEntityEvidence checks an entity's evidence, which is optional:
// each item cites a known source with a non-empty quote.
func ValidateEntityEvidence(e *Entity, look Lookup) error {
	if len(e.Evidence) == 0 {
		return nil
	}
	return ValidateEvidence(e.Evidence, look, "evidence")
}

// ValidateRetraction requires the reason a retraction is recorded for.
func ValidateRetraction(m WriteMeta) error {
	if err := ValidateMeta(m); err != nil {
		return err
	}
	if strings.TrimSpace(m.Reason) == "" {
		return badInput("reason", "a retraction needs a reason")
	}
	return nil
}

// InEffect picks, from a commitment's versions (oldest first), the latest
// one known at asOf (see KnownFrom; source looks up the sources its
// evidence cites), or nil when none was yet or it was retracted. A nil
// asOf means now: the latest version, and source is not called.
func InEffect(versions []*Commitment, asOf *time.Time, source func(id string) *Source) *Commitment {
	var pick *Commitment
	for _, v := range versions {
		if asOf == nil || knownAt(v, source, *asOf) {
			if pick == nil || v.Version > pick.Version {
				pick = v
			}
		}
	}
	if pick == nil || pick.Retracted {
		return nil
	}
	return pick
}

func knownAt(v *Commitment, source func(id string) *Source, asOf time.Time) bool {
	at, ok := KnownFrom(v, source)
	return KnownAt(at, ok, asOf)
}

// Limits on what one write may carry. A store's keys and indexes have
// their own limits (a bbolt key is at most 32 KiB, a Neo4j index entry
// about 8 KiB), and an unbounded list is unbounded work: the domain refuses
// anything longer, the same way on every store, with BAD_USER_INPUT naming
// the field, before a store sees it.
const (
	// MaxIDLen bounds ids and request ids, in bytes.
	MaxIDLen = 128
	// MaxNameLen bounds names, aliases, titles, outlets, file names and
	// attributions, in bytes.
	MaxNameLen = 500
	// MaxQuoteLen bounds one evidence quote, in bytes.
	MaxQuoteLen = 2000
	// MaxTextLen bounds descriptions, summaries, conditions and reasons,
	// in bytes.
	MaxTextLen = 4000
	// MaxSourceTextLen bounds a source's article text, in bytes; the
	// curated articles are 2–4 KB.
	MaxSourceTextLen = 256 << 10
	// MaxList bounds the evidence items, conditions and aliases of one
	// write.
	MaxList = 50
	// MaxCommitmentEvidence bounds the evidence a commitment accumulates
	// over its changes.
	MaxCommitmentEvidence = 500
)

// ValidateTarget checks the length of the id a write creates or changes,
// before a store uses it as a key or a lock: an id no write could create
// is refused the same way whether the write would create it or find it.
func ValidateTarget(id string) error {
	return checkLen("id", id, MaxIDLen)
}

// ValidateMeta checks what every write carries besides its input.
func ValidateMeta(m WriteMeta) error {
	if err := checkLen("requestId", m.RequestID, MaxIDLen); err != nil {
		return err
	}
	return checkLen("reason", m.Reason, MaxTextLen)
}

func checkLen(field, v string, max int) error {
	if len(v) > max {
		return badInput(field, "%s is %d bytes long; at most %d are allowed", field, len(v), max)
	}
	return nil
}

func checkList(field string, vs []string, maxEach int) error {
	if len(vs) > MaxList {
		return badInput(field, "at most %d %s, not %d", MaxList, field, len(vs))
	}
	for i, v := range vs {
		if err := checkLen(fmt.Sprintf("%s[%d]", field, i), v, maxEach); err != nil {
			return err
		}
	}
	return nil
}

func checkID(field, id string) error {
	if err := checkLen(field, id, MaxIDLen); err != nil {
		return err
	}
	if !validID(id) {
		return badInput(field, "id %q must be made of letters, digits, '_', '.' and '-'", id)
	}
	return nil
}

func validID(id string) bool {
	if id == "" {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-') {
			return false
		}
	}
	return true
}

func joinStatuses(ss []Status) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return strings.Join(out, ", ")
}
