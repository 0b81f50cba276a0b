package coalitiongraph

import (
	"slices"
	"testing"
	"time"
)

func TestVersionChanges(t *testing.T) {
	day := func(s string) time.Time { return MustDate(s).Start() }
	src := &Source{ID: "s", Published: MustDate("2025-08-20")} // known from the 21st
	source := func(id string) *Source {
		if id == "s" {
			return src
		}
		return nil
	}
	ev := func(q string) Evidence { return Evidence{SourceID: "s", Quote: q} }
	v1 := &Commitment{ID: "a", Kind: OffersTroops, ActorID: "POL", TargetID: "UKR", Status: StatusConsidering, Version: 1, Evidence: []Evidence{ev("one")}}
	at := func(s string) WriteMeta { return WriteMeta{By: "alice", At: day(s), Reason: "r " + s} }
	v2 := NextVersion(v1, CommitmentChange{Status: StatusConsidering, Evidence: []Evidence{ev("two")}}, at("2025-08-22"))
	v3 := NextVersion(v2, CommitmentChange{Status: StatusConsidering, Date: ptrTo(MustDate("2025-08-23")), Evidence: []Evidence{ev("three")}}, at("2025-08-23"))
	v4 := NextVersion(v3, CommitmentChange{Status: StatusOffered, Evidence: []Evidence{ev("four")}}, at("2025-08-24"))
	v5 := Retraction(v4, at("2025-08-25"))
	other := &Commitment{ID: "b", Kind: Supports, ActorID: "ITA", TargetID: "UKR", Status: StatusStated, Version: 1, Evidence: []Evidence{ev("b")}}
	unknown := &Commitment{ID: "c", Kind: Supports, ActorID: "ITA", TargetID: "UKR", Status: StatusStated, Version: 1, Evidence: []Evidence{{SourceID: "nowhere"}}}
	steps := []VersionStep{{v5, v4}, {v1, nil}, {v3, v2}, {other, nil}, {v2, v1}, {v4, v3}, {unknown, nil}}
	kinds := func(p *ChangesPage) []string {
		var out []string
		for _, c := range p.Changes {
			out = append(out, string(c.Kind)+" "+c.Version.ID)
		}
		return out
	}
	all, err := VersionChanges(steps, source, ChangesQuery{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"NEW a", "NEW b", "EVIDENCE_ADDED a", "CHANGED a", "STATUS_CHANGED a", "RETRACTED a"}
	if got := kinds(all); !slices.Equal(got, want) {
		t.Errorf("all changes %v, want %v (c is known at no instant)", got, want)
	}
	if got := all.Changes[2].AddedEvidence; len(got) != 1 || got[0].Quote != "two" {
		t.Errorf("evidence added %v, want [two]", got)
	}
	// A retraction is filtered by the version it retracted.
	p, _ := VersionChanges(steps, source, ChangesQuery{Filter: CommitmentFilter{Statuses: []Status{StatusOffered}}})
	if got := kinds(p); !slices.Equal(got, []string{"STATUS_CHANGED a", "RETRACTED a"}) {
		t.Errorf("offered: %v", got)
	}
	// Pages walk the list once.
	var walked []string
	after := ""
	for range 10 {
		p, err := VersionChanges(steps, source, ChangesQuery{First: 4, After: after})
		if err != nil {
			t.Fatal(err)
		}
		walked = append(walked, kinds(p)...)
		if !p.HasNextPage {
			break
		}
		after = EncodeChangeCursor(p.Changes[len(p.Changes)-1])
	}
	if !slices.Equal(walked, want) {
		t.Errorf("walked %v, want %v", walked, want)
	}
	for _, q := range []ChangesQuery{{After: "nope"}, {Filter: CommitmentFilter{AsOf: ptrTo(day("2025-08-01"))}}, {First: -1},
		{Since: ptrTo(day("2025-08-02")), Until: ptrTo(day("2025-08-01"))}} {
		if _, err := VersionChanges(steps, source, q); ErrorCode(err) != CodeBadInput {
			t.Errorf("%+v: %v, want BAD_USER_INPUT", q, err)
		}
	}
}

func ptrTo[T any](v T) *T { return &v }
