package coalitiongraph

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// wantCoded checks err against a code and field; an empty code wants nil.
func wantCoded(t *testing.T, err error, code Code, field string) {
	t.Helper()
	if code == "" {
		if err != nil {
			t.Fatalf("unexpected error %v", err)
		}
		return
	}
	var ce *Error
	if !errors.As(err, &ce) || ce.Code != code || ce.Field != field {
		t.Fatalf("error %v, want %s on %q", err, code, field)
	}
}

// TestPlanOrder: each plan refuses in the shared order (NOT_FOUND, then
// BAD_USER_INPUT, then CONFLICT) whatever else is wrong too, so that every
// store refuses a write with the same error.
func TestPlanOrder(t *testing.T) {
	at := time.Date(2025, 9, 1, 12, 0, 0, 0, time.UTC)
	long := WriteMeta{At: at, Reason: strings.Repeat("x", MaxTextLen+1)}
	ok := WriteMeta{At: at, By: "key", Reason: "why"}
	cur := &Commitment{ID: "c1", Kind: OffersTroops, ActorID: "POL", TargetID: "UKR", Status: StatusPledged, Version: 2,
		Evidence: []Evidence{{SourceID: "src-000", Quote: "Poland will send troops"}}}
	retracted := *cur
	retracted.Retracted = true
	newC := func() *Commitment {
		return &Commitment{ID: "c-new", Kind: OffersTroops, ActorID: "POL", TargetID: "UKR", Status: StatusPledged,
			Evidence: []Evidence{{SourceID: "src-000", Quote: "Poland will send troops"}}}
	}
	change := func(base int, status Status) CommitmentChange {
		return CommitmentChange{ID: "c1", BaseVersion: base, Status: status,
			Evidence: []Evidence{{SourceID: "src-000", Quote: "no longer on the table"}}}
	}
	bad := newC()
	bad.ActorID = "ATL"
	look := testLookup()
	tests := []struct {
		name  string
		plan  func() error
		code  Code
		field string
	}{
		{"record", func() error { _, err := PlanRecord(newC(), WriteState{Lookup: look}, ok); return err }, "", ""},
		{"record invalid and taken: invalid", func() error {
			_, err := PlanRecord(bad, WriteState{Lookup: look, Section: "entity"}, long)
			return err
		}, CodeBadInput, "actor"},
		{"record taken, meta too long: taken", func() error {
			_, err := PlanRecord(newC(), WriteState{Lookup: look, Section: "commitment"}, long)
			return err
		}, CodeConflict, "id"},
		{"record meta too long", func() error { _, err := PlanRecord(newC(), WriteState{Lookup: look}, long); return err }, CodeBadInput, "reason"},
		{"change", func() error {
			_, err := PlanChange(change(2, StatusWithdrawn), WriteState{Lookup: look, Current: cur}, ok)
			return err
		}, "", ""},
		{"change of nothing, invalid: not found", func() error {
			_, err := PlanChange(change(2, "MAYBE"), WriteState{Lookup: look}, long)
			return err
		}, CodeNotFound, "id"},
		{"change invalid and stale: invalid", func() error {
			_, err := PlanChange(change(1, "MAYBE"), WriteState{Lookup: look, Current: cur}, ok)
			return err
		}, CodeBadInput, "status"},
		{"change stale, meta too long: stale", func() error {
			_, err := PlanChange(change(1, StatusWithdrawn), WriteState{Lookup: look, Current: cur}, long)
			return err
		}, CodeConflict, "baseVersion"},
		{"change of a retracted one", func() error {
			_, err := PlanChange(change(2, StatusWithdrawn), WriteState{Lookup: look, Current: &retracted}, ok)
			return err
		}, CodeConflict, "id"},
		{"retract", func() error { _, err := PlanRetract("c1", 2, WriteState{Current: cur}, ok); return err }, "", ""},
		{"retract nothing without a reason: not found", func() error {
			_, err := PlanRetract("c1", 2, WriteState{}, WriteMeta{At: at})
			return err
		}, CodeNotFound, "id"},
		{"retract stale without a reason: no reason", func() error {
			_, err := PlanRetract("c1", 1, WriteState{Current: cur}, WriteMeta{At: at})
			return err
		}, CodeBadInput, "reason"},
		{"retract stale", func() error { _, err := PlanRetract("c1", 1, WriteState{Current: cur}, ok); return err }, CodeConflict, "baseVersion"},
		{"put entity", func() error {
			_, err := PlanPutEntity(&Entity{ID: "POL", Kind: KindCountry, Name: "Polska"}, WriteState{Lookup: look, Section: "entity"}, ok)
			return err
		}, "", ""},
		{"put entity of another kind under a commitment's id: kind", func() error {
			_, err := PlanPutEntity(&Entity{ID: "POL", Kind: KindPerson, Name: "Polska"}, WriteState{Lookup: look, Section: "commitment"}, ok)
			return err
		}, CodeBadInput, "kind"},
		{"put entity with unknown evidence under a commitment's id: evidence", func() error {
			e := &Entity{ID: "c1", Kind: KindEvent, Name: "x", Evidence: []Evidence{{SourceID: "src-999", Quote: "q"}}}
			_, err := PlanPutEntity(e, WriteState{Lookup: look, Section: "commitment"}, ok)
			return err
		}, CodeBadInput, "evidence[0].source"},
		{"put entity under a commitment's id, meta too long: taken", func() error {
			_, err := PlanPutEntity(&Entity{ID: "c1", Kind: KindEvent, Name: "x"}, WriteState{Lookup: look, Section: "commitment"}, long)
			return err
		}, CodeConflict, "id"},
		{"put source", func() error {
			_, err := PlanPutSource(&Source{ID: "src-000", Title: "t", Text: "Tusk said Poland will send troops.\nThe offer is no longer on the table.\n"},
				WriteState{Lookup: look, Section: "source"}, ok)
			return err
		}, "", ""},
		{"put source with new text under an entity's id: text", func() error {
			_, err := PlanPutSource(&Source{ID: "src-000", Title: "t", Text: "other"}, WriteState{Lookup: look, Section: "entity"}, ok)
			return err
		}, CodeBadInput, "text"},
		// A source checks its meta before the id's section, as it always did.
		{"put source under an entity's id, meta too long: meta", func() error {
			_, err := PlanPutSource(&Source{ID: "POL", Title: "t", Text: "x"}, WriteState{Lookup: look, Section: "entity"}, long)
			return err
		}, CodeBadInput, "reason"},
		{"put source under an entity's id", func() error {
			_, err := PlanPutSource(&Source{ID: "POL", Title: "t", Text: "x"}, WriteState{Lookup: look, Section: "entity"}, ok)
			return err
		}, CodeConflict, "id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantCoded(t, tt.plan(), tt.code, tt.field) })
	}
}

// TestPlanResults: a plan returns the value to store, stamped, its
// evidence located, and sharing nothing with what it was given.
func TestPlanResults(t *testing.T) {
	at := time.Date(2025, 9, 1, 12, 0, 0, 0, time.UTC)
	m := WriteMeta{At: at, By: "key", Reason: "why"}
	look := testLookup()
	c := &Commitment{ID: "c-new", Kind: OffersTroops, ActorID: "POL", TargetID: "UKR", Status: StatusPledged,
		Evidence: []Evidence{{SourceID: "src-000", Quote: "no longer on the table", Line: 9}}}
	v, err := PlanRecord(c, WriteState{Lookup: look}, m)
	if err != nil {
		t.Fatal(err)
	}
	if v.Version != 1 || v.Evidence[0].Line != 2 || v.RecordedBy != "key" || !v.ValidFrom.Equal(at) {
		t.Errorf("recorded %+v, want version 1, the quote on line 2, stamped", v)
	}
	if c.Evidence[0].Line != 9 {
		t.Errorf("the given commitment changed: line %d", c.Evidence[0].Line)
	}
	next, err := PlanChange(CommitmentChange{ID: "c-new", BaseVersion: 1, Status: StatusWithdrawn,
		Evidence: []Evidence{{SourceID: "src-000", Quote: "Poland will send troops"}}}, WriteState{Lookup: look, Current: v}, m)
	if err != nil {
		t.Fatal(err)
	}
	if next.Version != 2 || next.Status != StatusWithdrawn || len(next.Evidence) != 2 || next.Evidence[1].Line != 1 || v.Status != StatusPledged {
		t.Errorf("changed %+v from %+v, want version 2 withdrawn with both quotes, the first version unchanged", next, v)
	}
	gone, err := PlanRetract("c-new", 2, WriteState{Current: next}, m)
	if err != nil {
		t.Fatal(err)
	}
	if gone.Version != 3 || !gone.Retracted || next.Retracted {
		t.Errorf("retracted %+v, want version 3 retracted, version 2 not", gone)
	}
	e := &Entity{ID: "POL", Kind: KindCountry, Name: "Polska", Aliases: []string{"PL"},
		Evidence: []Evidence{{SourceID: "src-000", Quote: "Poland will send troops", Line: 7}}}
	stored, err := PlanPutEntity(e, WriteState{Lookup: look, Section: "entity"}, m)
	if err != nil {
		t.Fatal(err)
	}
	if stored == e || stored.Evidence[0].Line != 1 || e.Evidence[0].Line != 7 {
		t.Errorf("put entity %+v from %+v, want a copy with the quote on line 1", stored, e)
	}
	if stored.Aliases[0] = "x"; e.Aliases[0] != "PL" {
		t.Errorf("the stored entity shares its aliases with the given one")
	}
	src := &Source{ID: "src-new", Title: "t", Text: "text"}
	sv, err := PlanPutSource(src, WriteState{Lookup: look}, m)
	if err != nil {
		t.Fatal(err)
	}
	if sv == src || *sv != *src {
		t.Errorf("put source %+v, want a copy of %+v", sv, src)
	}
}
