package apitest

import (
	"net/http"
	"reflect"
	"slices"
	"testing"
)

// disagreementIsDerived checks, through GraphQL, that only claims with
// different positions are disputed (issue 12's three conflicts, never the
// agreeing accounts), that corroboration counts sources, and that the
// matrix shows the stance layer apart from commitments.
func disagreementIsDerived(t *testing.T, h http.Handler) {
	var data struct {
		Disputes []struct {
			Subject   struct{ ID string }
			Topic     string
			Disputed  bool
			Positions []struct {
				Position      string
				Corroboration int
				Sources       []struct{ File string }
			}
		}
	}
	MustData(t, Post(t, h, `{ disputes { subject { id } topic disputed positions { position corroboration sources { file } } } }`, nil), &data)
	got := map[string]map[string]int{}
	for _, d := range data.Disputes {
		if !d.Disputed {
			t.Errorf("disputes lists %s / %s, which is not disputed", d.Subject.ID, d.Topic)
		}
		ps := map[string]int{}
		for _, p := range d.Positions {
			if p.Corroboration != len(p.Sources) {
				t.Errorf("%s / %s %s: corroboration %d with %d sources", d.Subject.ID, d.Topic, p.Position, p.Corroboration, len(p.Sources))
			}
			ps[p.Position] = p.Corroboration
		}
		got[d.Subject.ID+" / "+d.Topic] = ps
	}
	for topic, want := range map[string]map[string]int{
		"prop-ita-24h / origin of the idea":                 {"meloni": 3, "trump": 1},
		"trump / when he came to back guarantees":           {"shifted-after-aug-18": 1, "proposed-before-the-meeting": 1},
		"ev-white-house-meeting / European leaders present": {"several": 1, "8": 1},
	} {
		if !reflect.DeepEqual(got[topic], want) {
			t.Errorf("dispute %s: positions %v, want %v", topic, got[topic], want)
		}
	}
	for _, agreed := range []string{"FRA / troop deployment", "GBR / troop deployment", "prop-ita-24h / relation to Article 5"} {
		if _, ok := got[agreed]; ok {
			t.Errorf("%s is listed as disputed; its claims agree", agreed)
		}
	}

	var entity struct {
		Entity struct {
			Claims []struct {
				Topic    string
				Disputed bool
				Claims   []struct {
					ID            string
					Position      string
					Corroboration int
				}
			}
		}
	}
	MustData(t, Post(t, h, `{ entity(id: "prop-ita-24h") { claims { topic disputed claims { id position corroboration } } } }`, nil), &entity)
	var art5 bool
	for _, tp := range entity.Entity.Claims {
		if tp.Topic != "relation to Article 5" {
			continue
		}
		art5 = true
		if tp.Disputed || len(tp.Claims) != 4 {
			t.Errorf("relation to Article 5: disputed=%v with %d claims; want 4 agreeing claims", tp.Disputed, len(tp.Claims))
		}
		for _, c := range tp.Claims {
			if c.Position != "similar" || c.Corroboration != 4 {
				t.Errorf("claim %s: position %q corroborated by %d; want similar, by 4 sources", c.ID, c.Position, c.Corroboration)
			}
		}
	}
	if !art5 {
		t.Error("prop-ita-24h has no claims on its relation to Article 5")
	}

	var commitment struct {
		Commitment struct {
			Corroboration int
			Disputes      []struct{ Topic string }
			Accounts      []struct {
				Source   struct{ File string }
				Evidence []struct{ Quote string }
			}
		}
	}
	MustData(t, Post(t, h, `{ commitment(id: "c-ita-proposes-24h") { corroboration disputes { topic } accounts { source { file } evidence { quote } } } }`, nil), &commitment)
	var disputes []string
	for _, d := range commitment.Commitment.Disputes {
		disputes = append(disputes, d.Topic)
	}
	if want := []string{"24-hour rule", "origin of the idea"}; !slices.Equal(disputes, want) {
		t.Errorf("c-ita-proposes-24h shows disputes %q, want %q", disputes, want)
	}
	var files []string
	for _, a := range commitment.Commitment.Accounts {
		files = append(files, a.Source.File)
		if len(a.Evidence) == 0 {
			t.Errorf("account of %s has no quotes", a.Source.File)
		}
	}
	if want := []string{art000, art001, art002, art004}; !slices.Equal(files, want) || commitment.Commitment.Corroboration != len(want) {
		t.Errorf("c-ita-proposes-24h: accounts from %v, corroboration %d; want %v", files, commitment.Commitment.Corroboration, want)
	}

	var matrix struct {
		Matrix struct {
			Rows []struct {
				Actor   struct{ ID string }
				Total   int
				Cells   []struct{ Kind, Status string }
				Stances []struct {
					Kind        *string
					State       string
					DiscussedBy []string
				}
			}
		}
	}
	MustData(t, Post(t, h, `{ matrix { rows { actor { id } total cells { kind status } stances { kind state discussedBy } } } }`, nil), &matrix)
	stances := map[string]string{}
	for _, row := range matrix.Matrix.Rows {
		for _, st := range row.Stances {
			kind := ""
			if st.Kind != nil {
				kind = *st.Kind
			}
			stances[row.Actor.ID+" "+kind] = st.State
		}
		if row.Actor.ID == "FRA" || row.Actor.ID == "GBR" {
			for _, c := range row.Cells {
				if c.Kind == "OFFERS_TROOPS" {
					t.Errorf("%s shown with an OFFERS_TROOPS commitment (%s); its troops are only under discussion", row.Actor.ID, c.Status)
				}
			}
			if row.Total != 0 {
				t.Errorf("%s row counts %d commitments; its stances are not commitments", row.Actor.ID, row.Total)
			}
		}
	}
	for k, want := range map[string]string{"FRA OFFERS_TROOPS": "UNDER_DISCUSSION", "GBR OFFERS_TROOPS": "UNDER_DISCUSSION",
		"crosetto SUPPORTS": "STATED_SUPPORT", "macron ": "STATED_POSITION", "trump OPPOSES": "STATED_OPPOSITION", "merz ": "STATED_POSITION"} {
		if stances[k] != want {
			t.Errorf("matrix stance %q = %q, want %s", k, stances[k], want)
		}
	}
}

// coalitionInheritsFromWholes: "who opposes the Italian plan?" answers
// Russia, inherited from the security guarantees the plan is part of, and
// kept apart from the plan's own opponents; the US proposal is linked to
// the Italian one as src-003 ties them.
func coalitionInheritsFromWholes(t *testing.T, h http.Handler) {
	var data struct {
		Coalition struct {
			Opponents []struct{ ID string }
			Inherited []struct {
				Role       string
				Commitment struct {
					ID    string
					Actor struct{ ID string }
				}
				From struct{ ID string }
				Via  struct {
					ID   string
					Kind string
				}
			}
		}
	}
	MustData(t, Post(t, h, `{ coalition(id: "prop-ita-24h") { opponents { id }
		inherited { role commitment { id actor { id } } from { id } via { id kind } } } }`, nil), &data)
	var found bool
	for _, in := range data.Coalition.Inherited {
		if in.Via.Kind != "PART_OF" || in.From.ID != "prop-security-guarantees" {
			t.Errorf("inherited %s via %s %s from %s; want only PART_OF prop-security-guarantees", in.Commitment.ID, in.Via.Kind, in.Via.ID, in.From.ID)
		}
		if in.Commitment.ID == "c-rus-opposes-guarantees" {
			found = true
			if in.Role != "OPPONENT" || in.Commitment.Actor.ID != "RUS" {
				t.Errorf("c-rus-opposes-guarantees inherited as %s by %s; want OPPONENT, RUS", in.Role, in.Commitment.Actor.ID)
			}
		}
	}
	if !found {
		t.Errorf("the Italian plan's coalition does not inherit Russia's opposition to the guarantees: %+v", data.Coalition.Inherited)
	}
	for _, o := range data.Coalition.Opponents {
		if o.ID == "c-rus-opposes-guarantees" {
			t.Error("Russia's opposition to the guarantees is listed among the plan's own opponents; it is inherited")
		}
	}

	var sub struct {
		Subgraph struct {
			Edges []struct{ Kind, From, To string }
		}
	}
	MustData(t, Post(t, h, `{ subgraph(id: "prop-us-art5", depth: 1) { edges { kind from to } } }`, nil), &sub)
	want := map[string]bool{"VARIANT_OF prop-us-art5 prop-ita-24h": false, "PART_OF prop-us-art5 prop-security-guarantees": false}
	for _, e := range sub.Subgraph.Edges {
		k := e.Kind + " " + e.From + " " + e.To
		if _, ok := want[k]; ok {
			want[k] = true
		}
	}
	for k, ok := range want {
		if !ok {
			t.Errorf("no edge %s around prop-us-art5", k)
		}
	}
}
