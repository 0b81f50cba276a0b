package coalitiongraph

import (
	"testing"
	"time"
)

func testLookup() Lookup {
	ents := map[string]*Entity{
		"POL":    {ID: "POL", Kind: KindCountry, Name: "Poland"},
		"UKR":    {ID: "UKR", Kind: KindCountry, Name: "Ukraine"},
		"tusk":   {ID: "tusk", Kind: KindPerson, Name: "Donald Tusk"},
		"summit": {ID: "summit", Kind: KindEvent, Name: "A summit"},
	}
	return Lookup{
		Entity: func(id string) (*Entity, bool) { e, ok := ents[id]; return e, ok },
		Source: func(id string) bool { return id == "src-000" },
	}
}

func TestValidateCommitment(t *testing.T) {
	good := func() *Commitment {
		return &Commitment{ID: "c-new", Kind: OffersTroops, ActorID: "POL", TargetID: "UKR", Status: StatusPledged,
			StatedByID: "tusk", Evidence: []Evidence{{SourceID: "src-000", Quote: "Poland will send troops"}}}
	}
	tests := []struct {
		name  string
		edit  func(c *Commitment)
		field string
	}{
		{"valid", func(c *Commitment) {}, ""},
		{"bad id", func(c *Commitment) { c.ID = "c new" }, "id"},
		{"relation kind", func(c *Commitment) { c.Kind = MemberOf }, "kind"},
		{"unknown actor", func(c *Commitment) { c.ActorID = "ATL" }, "actor"},
		{"unknown target", func(c *Commitment) { c.TargetID = "ATL" }, "target"},
		{"troops from an event", func(c *Commitment) { c.ActorID = "summit" }, "kind"},
		{"speaker not a person", func(c *Commitment) { c.StatedByID = "POL" }, "statedBy"},
		{"status the kind forbids", func(c *Commitment) { c.Status = StatusRefused }, "status"},
		{"unknown status", func(c *Commitment) { c.Status = "MAYBE" }, "status"},
		{"no evidence", func(c *Commitment) { c.Evidence = nil }, "evidence"},
		{"unknown source", func(c *Commitment) { c.Evidence[0].SourceID = "src-999" }, "evidence[0].source"},
		{"empty quote", func(c *Commitment) { c.Evidence[0].Quote = "  " }, "evidence[0].quote"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good()
			tt.edit(c)
			err := ValidateCommitment(c, testLookup())
			if tt.field == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			e, ok := err.(*Error)
			if !ok || e.Code != CodeBadInput || e.Field != tt.field {
				t.Fatalf("error %#v, want BAD_USER_INPUT on %s", err, tt.field)
			}
		})
	}
}

func TestVersionsAndInEffect(t *testing.T) {
	at := func(s string) time.Time { v, _ := time.Parse(time.RFC3339, s); return v }
	v1 := &Commitment{ID: "c", Kind: ConsidersTroops, Status: StatusConsidering, Version: 1, Date: MustDate("2025-08")}
	change := CommitmentChange{ID: "c", BaseVersion: 1, Status: StatusWithdrawn,
		Evidence: []Evidence{{SourceID: "src-000", Quote: "no longer"}}}
	if err := CheckBase(v1, 1); err != nil {
		t.Fatal(err)
	}
	v2 := NextVersion(v1, change, WriteMeta{By: "alice", At: at("2025-09-10T12:00:00Z"), EffectiveAt: at("2025-09-01T00:00:00Z"), Reason: "new report"})
	if v2.Version != 2 || v2.Status != StatusWithdrawn || v2.RecordedBy != "alice" || len(v2.Evidence) != 1 || v1.Status != StatusConsidering {
		t.Fatalf("next version %+v (v1 now %+v)", v2, v1)
	}
	if err := CheckBase(v2, 1); ErrorCode(err) != CodeConflict {
		t.Fatalf("stale base: %v", err)
	}
	v3 := Retraction(v2, WriteMeta{By: "bob", At: at("2025-10-01T00:00:00Z"), Reason: "misread"})
	versions := []*Commitment{v1, v2, v3}
	tests := []struct {
		asOf string
		want int // version in effect, 0 = none
	}{
		{"2025-07-31T23:59:59Z", 0}, // before the month it was made
		{"2025-08-19T00:00:00Z", 1},
		{"2025-09-01T00:00:00Z", 2}, // effective, though recorded later
		{"2025-10-01T00:00:00Z", 0}, // retracted
	}
	for _, tt := range tests {
		asOf := at(tt.asOf)
		got := InEffect(versions, &asOf)
		if (got == nil && tt.want != 0) || (got != nil && got.Version != tt.want) {
			t.Errorf("as of %s: %+v, want version %d", tt.asOf, got, tt.want)
		}
	}
	if InEffect(versions, nil) != nil {
		t.Error("a retracted commitment is in current reads")
	}
	if got := InEffect(versions[:2], nil); got != v2 {
		t.Errorf("current version %+v", got)
	}
}
