package coalitiongraph

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
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
	Source func(id string) bool
}

// ValidateCommitment checks a commitment to be recorded: a known kind that
// fits its endpoints, an allowed status, known actor, target, speaker and
// sources, and evidence. Errors name the input field at fault, so that
// both stores reject the same writes with the same messages.
func ValidateCommitment(c *Commitment, look Lookup) error {
	if !validID(c.ID) {
		return badInput("id", "id %q must be made of letters, digits, '_', '.' and '-'", c.ID)
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

// ValidateEvidence requires at least one item, each citing a known source
// with a non-empty quote.
func ValidateEvidence(ev []Evidence, look Lookup, field string) error {
	if len(ev) == 0 {
		return badInput(field, "at least one evidence item (source and quote) is required")
	}
	for i, e := range ev {
		f := fmt.Sprintf("%s[%d]", field, i)
		if !look.Source(e.SourceID) {
			return badInput(f+".source", "no source with id %q", e.SourceID)
		}
		if strings.TrimSpace(e.Quote) == "" {
			return badInput(f+".quote", "the quote must not be empty")
		}
	}
	return nil
}

// ValidateEntity checks an entity to be created or replaced.
func ValidateEntity(e *Entity, existing *Entity) error {
	if !validID(e.ID) {
		return badInput("id", "id %q must be made of letters, digits, '_', '.' and '-'", e.ID)
	}
	if !e.Kind.Valid() {
		return badInput("kind", "unknown entity kind %q", e.Kind)
	}
	if strings.TrimSpace(e.Name) == "" {
		return badInput("name", "the name must not be empty")
	}
	if existing != nil && existing.Kind != e.Kind {
		return badInput("kind", "entity %q is a %s; its kind cannot change to %s", e.ID, existing.Kind, e.Kind)
	}
	return nil
}

// ValidateSource checks a source to be created or replaced.
func ValidateSource(s *Source) error {
	if !validID(s.ID) {
		return badInput("id", "id %q must be made of letters, digits, '_', '.' and '-'", s.ID)
	}
	if strings.TrimSpace(s.File) == "" && strings.TrimSpace(s.Title) == "" && strings.TrimSpace(s.Outlet) == "" {
		return badInput("file", "a source needs a file, a title or an outlet to be cited by")
	}
	return nil
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
	if strings.TrimSpace(m.Reason) == "" {
		return badInput("reason", "a retraction needs a reason")
	}
	return nil
}

// The errors below are the ones every Writer returns for the same
// situations. Stores check a write in this order: NOT_FOUND (the commitment
// to change), BAD_USER_INPUT (the Validate functions), CONFLICT (IDTaken,
// CheckBase); a request id seen before is looked at first of all
// (RequestReused).

// UnknownCommitment is the NOT_FOUND error for a change, retraction or
// history of a commitment that does not exist.
func UnknownCommitment(id string) *Error {
	return &Error{Code: CodeNotFound, Field: "id", Message: fmt.Sprintf("no commitment with id %q", id)}
}

// IDTaken is the CONFLICT error for creating something under an id that
// is in use: sources, entities, relations, claims and commitments share
// one id space (paths mix edges of both families), and a commitment's id
// stays taken after it is retracted. what names what holds it.
func IDTaken(id, what string) *Error {
	return &Error{Code: CodeConflict, Field: "id", Message: fmt.Sprintf("id %q is in use (%s)", id, what)}
}

// RequestReused is the CONFLICT error for a request id that was used
// before for a different write (another operation, or another id).
func RequestReused(requestID string) *Error {
	return &Error{Code: CodeConflict, Field: "requestId",
		Message: fmt.Sprintf("request id %q was already used for a different write", requestID)}
}

// CheckBase refuses a change based on a version other than the current one.
func CheckBase(cur *Commitment, base int) error {
	if cur.Retracted {
		return &Error{Code: CodeConflict, Field: "id", Message: fmt.Sprintf("commitment %q was retracted in version %d", cur.ID, cur.Version)}
	}
	if base != cur.Version {
		return &Error{Code: CodeConflict, Field: "baseVersion",
			Message: fmt.Sprintf("commitment %q is at version %d, not %d: reload it and apply the change again", cur.ID, cur.Version, base)}
	}
	return nil
}

// InEffect picks, from a commitment's versions (oldest first), the one in
// effect at asOf, or nil when none was yet or it was retracted. A nil asOf
// means now: the latest version.
func InEffect(versions []*Commitment, asOf *time.Time) *Commitment {
	var pick *Commitment
	for _, v := range versions {
		if asOf == nil || !v.EffectiveFrom().After(*asOf) {
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
