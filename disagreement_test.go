package coalitiongraph_test

import (
	"reflect"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
)

func claim(id, subject, topic, position, text string, sources ...string) *cg.Claim {
	c := &cg.Claim{ID: id, SubjectID: subject, Topic: topic, Position: position, Text: text}
	for _, s := range sources {
		c.Evidence = append(c.Evidence, cg.Evidence{SourceID: s, Quote: id})
	}
	return c
}

func TestTopicsDeriveDisagreement(t *testing.T) {
	type topic struct {
		subject, topic string
		disputed       bool
		// positions: position → its sources
		positions map[string][]string
	}
	for _, tc := range []struct {
		name   string
		claims []*cg.Claim
		want   []topic
	}{
		{"same position in several sources corroborates, however worded", []*cg.Claim{
			claim("a", "FRA", "troops", "under-discussion", "discussions in Washington", "src-000"),
			claim("b", "FRA", "troops", "under-discussion", "some European countries are studying", "src-002"),
		}, []topic{{"FRA", "troops", false, map[string][]string{"under-discussion": {"src-000", "src-002"}}}}},
		{"different positions are disputed", []*cg.Claim{
			claim("a", "prop", "origin", "meloni", "x", "src-001", "src-000"),
			claim("b", "prop", "origin", "trump", "y", "src-003"),
			claim("c", "prop", "origin", "meloni", "z", "src-002", "src-000"),
		}, []topic{{"prop", "origin", true, map[string][]string{"meloni": {"src-000", "src-001", "src-002"}, "trump": {"src-003"}}}}},
		{"one topic name on two subjects is two topics", []*cg.Claim{
			claim("a", "macron", "membership", "not-under-consideration", "x", "src-000"),
			claim("b", "trump", "membership", "dismissed", "y", "src-003"),
		}, []topic{
			{"macron", "membership", false, map[string][]string{"not-under-consideration": {"src-000"}}},
			{"trump", "membership", false, map[string][]string{"dismissed": {"src-003"}}},
		}},
		{"claims without a position agree only when their text does", []*cg.Claim{
			claim("a", "s", "t", "", "same", "src-a"),
			claim("b", "s", "t", "", "same", "src-b"),
			claim("c", "s", "u", "", "one", "src-a"),
			claim("d", "s", "u", "", "other", "src-b"),
		}, []topic{
			{"s", "t", false, map[string][]string{"": {"src-a", "src-b"}}},
			{"s", "u", true, nil},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := cg.Topics(tc.claims)
			if len(got) != len(tc.want) {
				t.Fatalf("%d topics, want %d", len(got), len(tc.want))
			}
			for i, w := range tc.want {
				g := got[i]
				if g.SubjectID != w.subject || g.Topic != w.topic || g.Disputed() != w.disputed {
					t.Errorf("topic %d = %s/%s disputed=%v, want %s/%s disputed=%v", i, g.SubjectID, g.Topic, g.Disputed(), w.subject, w.topic, w.disputed)
				}
				if w.positions == nil {
					continue
				}
				ps := map[string][]string{}
				for _, p := range g.Positions {
					ps[p.Position] = p.SourceIDs
					if p.Corroboration() != len(p.SourceIDs) {
						t.Errorf("corroboration %d, want %d", p.Corroboration(), len(p.SourceIDs))
					}
				}
				if !reflect.DeepEqual(ps, w.positions) {
					t.Errorf("positions %v, want %v", ps, w.positions)
				}
			}
		})
	}
}

func TestDisputesListsOnlyDisputedTopicsInOrder(t *testing.T) {
	claims := []*cg.Claim{
		claim("1", "z", "t", "a", "", "s1"), claim("2", "z", "t", "b", "", "s2"),
		claim("3", "a", "u", "a", "", "s1"), claim("4", "a", "u", "a", "", "s2"),
		claim("5", "a", "t", "a", "", "s1"), claim("6", "a", "t", "b", "", "s1"),
	}
	var got []string
	for _, tp := range cg.Disputes(claims) {
		got = append(got, tp.SubjectID+"/"+tp.Topic)
	}
	if want := []string{"a/t", "z/t"}; !reflect.DeepEqual(got, want) {
		t.Errorf("disputes %v, want %v", got, want)
	}
}

func TestAccountsSplitEvidenceBySource(t *testing.T) {
	ev := []cg.Evidence{{SourceID: "src-b", Quote: "1"}, {SourceID: "src-a", Quote: "2"}, {SourceID: "src-b", Quote: "3"}}
	got := cg.Accounts(ev)
	want := []cg.Account{
		{SourceID: "src-a", Evidence: []cg.Evidence{ev[1]}},
		{SourceID: "src-b", Evidence: []cg.Evidence{ev[0], ev[2]}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("accounts %+v, want %+v", got, want)
	}
	if n := len(cg.Accounts(nil)); n != 0 {
		t.Errorf("no evidence gives %d accounts", n)
	}
}

func TestValidPosition(t *testing.T) {
	for p, want := range map[string]bool{
		"similar": true, "8": true, "after-aug-18": true, "": false, "Similar": false,
		"two  words": false, "a--b": false, "-a": false, "a-": false, "à": false,
		string(make([]byte, 61)): false,
	} {
		if got := cg.ValidPosition(p); got != want {
			t.Errorf("ValidPosition(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestStanceCells(t *testing.T) {
	st := func(c *cg.Claim, actor string, kind cg.EdgeKind, state cg.StanceState, by string) *cg.Claim {
		c.Stance = &cg.Stance{ActorID: actor, Kind: kind, State: state, DiscussedBy: by}
		return c
	}
	claims := []*cg.Claim{
		st(claim("fra-2", "FRA", "troops", "under-discussion", "", "src-002"), "FRA", cg.OffersTroops, cg.StanceUnderDiscussion, "some European countries"),
		st(claim("fra-0", "FRA", "troops", "under-discussion", "", "src-000"), "FRA", cg.OffersTroops, cg.StanceUnderDiscussion, "discussions in Washington"),
		st(claim("merz", "talks", "timing", "within-two-weeks", "", "src-000"), "merz", "", cg.StanceStatedPosition, ""),
		st(claim("cro", "prop", "nato", "nato-helps", "", "src-004"), "crosetto", cg.Supports, cg.StanceStatedSupport, ""),
		claim("plain", "prop", "nato", "x", "", "src-000"),
	}
	type cell struct {
		actor  string
		kind   cg.EdgeKind
		state  cg.StanceState
		by     []string
		claims []string
	}
	cells := func(cs []cg.StanceCell) []cell {
		out := []cell{}
		for _, c := range cs {
			var ids []string
			for _, cl := range c.Claims {
				ids = append(ids, cl.ID)
			}
			out = append(out, cell{c.ActorID, c.Kind, c.State, c.DiscussedBy, ids})
		}
		return out
	}
	published := map[string]*cg.Source{
		"src-000": {ID: "src-000", Published: cg.MustDate("2025-08-21")},
		"src-004": {ID: "src-004", Published: cg.MustDate("2025-08-20")},
		"src-002": {ID: "src-002"}, // undated: in no "as known at" read
	}
	source := func(id string) *cg.Source { return published[id] }
	at := func(s string) *time.Time {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			panic(err)
		}
		return &t
	}
	fra := cell{"FRA", cg.OffersTroops, cg.StanceUnderDiscussion, []string{"discussions in Washington", "some European countries"}, []string{"fra-0", "fra-2"}}
	cro := cell{"crosetto", cg.Supports, cg.StanceStatedSupport, []string{}, []string{"cro"}}
	merz := cell{"merz", "", cg.StanceStatedPosition, []string{}, []string{"merz"}}
	for _, tc := range []struct {
		name string
		f    cg.CommitmentFilter
		want []cell
	}{
		{"no filter: one cell per actor, column and state, claims without a stance left out", cg.CommitmentFilter{}, []cell{fra, cro, merz}},
		{"actors", cg.CommitmentFilter{ActorIDs: []string{"FRA", "merz"}}, []cell{fra, merz}},
		{"kinds leave out stances without a column", cg.CommitmentFilter{Kinds: []cg.EdgeKind{cg.OffersTroops, cg.Supports}}, []cell{fra, cro}},
		{"targets are the claims' subjects", cg.CommitmentFilter{TargetIDs: []string{"prop"}}, []cell{cro}},
		{"sources", cg.CommitmentFilter{SourceIDs: []string{"src-000"}}, []cell{{"FRA", cg.OffersTroops, cg.StanceUnderDiscussion, []string{"discussions in Washington"}, []string{"fra-0"}}, merz}},
		{"statuses select commitments only", cg.CommitmentFilter{Statuses: []cg.Status{cg.StatusStated}}, []cell{}},
		{"dates select commitments only", cg.CommitmentFilter{From: cg.MustDate("2025-08")}, []cell{}},
		{"as known before every source: none", cg.CommitmentFilter{AsOf: at("2025-08-19T00:00:00Z")}, []cell{}},
		{"as known once src-004 is out", cg.CommitmentFilter{AsOf: at("2025-08-21T00:00:00Z")}, []cell{cro}},
		{"as known once src-000 is out too; the undated src-002 never", cg.CommitmentFilter{AsOf: at("2025-08-22T00:00:00Z")},
			[]cell{{"FRA", cg.OffersTroops, cg.StanceUnderDiscussion, []string{"discussions in Washington"}, []string{"fra-0"}}, cro, merz}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := cells(cg.StanceCells(claims, tc.f, source)); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("cells\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}
