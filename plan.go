package coalitiongraph

import "fmt"

// Write planning: every Writer method reads the state its write decides
// on into a WriteState and hands it, with the request, to one of the Plan
// functions below, which check it in the shared order (NOT_FOUND, then
// BAD_USER_INPUT, then CONFLICT) and return the value to store. A store
// does the I/O around them: reading the state, writing the result, the
// request log. That is what makes every store refuse the same writes with
// the same errors.

// WriteState is what a store has read for one write.
type WriteState struct {
	// Lookup answers for the entities and sources the write cites, and for
	// the entity or source a put replaces.
	Lookup Lookup
	// Section is what holds the write's id ("commitment", "entity",
	// "source"), "" when it is free. Ids are one space (see IDTaken).
	Section string
	// Current is the latest version of the commitment a change or
	// retraction is for, retracted or not; nil when there is none.
	Current *Commitment
}

// NothingGiven is the BAD_USER_INPUT error for a write given no item.
func NothingGiven(field string) *Error {
	return &Error{Code: CodeBadInput, Field: field, Message: "no " + field + " given"}
}

// PlanRecord checks the recording of c as a new commitment and returns its
// version 1 (FirstVersion), evidence located, on a copy: the caller may
// reuse c.
func PlanRecord(c *Commitment, st WriteState, m WriteMeta) (*Commitment, error) {
	if err := ValidateCommitment(c, st.Lookup); err != nil {
		return nil, err
	}
	if st.Section != "" {
		return nil, IDTaken(c.ID, st.Section)
	}
	if err := ValidateMeta(m); err != nil {
		return nil, err
	}
	cc := c.Clone()
	cc.Evidence = Located(cc.Evidence, st.Lookup)
	return FirstVersion(cc, m), nil
}

// PlanChange checks a change of the current version and returns the next
// (NextVersion): NOT_FOUND without a commitment, CONFLICT for one retracted
// or a change based on another version.
func PlanChange(ch CommitmentChange, st WriteState, m WriteMeta) (*Commitment, error) {
	cur := st.Current
	if cur == nil {
		return nil, UnknownCommitment(ch.ID)
	}
	if err := ValidateChange(cur, ch, st.Lookup); err != nil {
		return nil, err
	}
	if err := CheckBase(cur, ch.BaseVersion); err != nil {
		return nil, err
	}
	if err := ValidateMeta(m); err != nil {
		return nil, err
	}
	// NextVersion copies the change's slices; Date and Summary are
	// copied by value.
	ch.Evidence = Located(ch.Evidence, st.Lookup)
	return NextVersion(cur, ch, m), nil
}

// PlanRetract checks the retraction of commitment id at baseVersion and
// returns the retracted version (Retraction).
func PlanRetract(id string, baseVersion int, st WriteState, m WriteMeta) (*Commitment, error) {
	cur := st.Current
	if cur == nil {
		return nil, UnknownCommitment(id)
	}
	if err := ValidateRetraction(m); err != nil {
		return nil, err
	}
	if err := CheckBase(cur, baseVersion); err != nil {
		return nil, err
	}
	return Retraction(cur, m), nil
}

// PlanPutEntity checks the creation or replacement of e (the one it
// replaces is st.Lookup's) and returns the entity to store: a copy, its
// evidence located.
func PlanPutEntity(e *Entity, st WriteState, m WriteMeta) (*Entity, error) {
	existing, _ := st.Lookup.Entity(e.ID)
	if err := ValidateEntity(e, existing); err != nil {
		return nil, err
	}
	if err := ValidateEntityEvidence(e, st.Lookup); err != nil {
		return nil, err
	}
	if st.Section != "" && st.Section != "entity" {
		return nil, IDTaken(e.ID, st.Section)
	}
	if err := ValidateMeta(m); err != nil {
		return nil, err
	}
	stored := e.Clone()
	stored.Evidence = Located(stored.Evidence, st.Lookup)
	return stored, nil
}

// PlanPutSource checks the creation or replacement of src (the one it
// replaces is st.Lookup's) and returns the source to store, a copy.
func PlanPutSource(src *Source, st WriteState, m WriteMeta) (*Source, error) {
	existing, _ := st.Lookup.Source(src.ID)
	if err := ValidateSource(src, existing); err != nil {
		return nil, err
	}
	if err := ValidateMeta(m); err != nil {
		return nil, err
	}
	if st.Section != "" && st.Section != "source" {
		return nil, IDTaken(src.ID, st.Section)
	}
	stored := *src
	return &stored, nil
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
