package dataset

import (
	"reflect"
	"strings"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// TestDisagreementFromTheArticles holds the curated positions to what the
// articles say (issue 12): the agreeing accounts are not disputed, the three
// real conflicts are, each with the sources on either side.
func TestDisagreementFromTheArticles(t *testing.T) {
	ds, err := Default()
	if err != nil {
		t.Fatalf("embedded dataset does not load:\n%v", err)
	}
	topics := map[string]*cg.Topic{}
	for _, tp := range cg.Topics(ds.Claims) {
		topics[tp.SubjectID+" / "+tp.Topic] = tp
	}
	text := map[string]string{}
	for _, s := range ds.Sources {
		text[s.ID] = s.Text
	}
	for _, tc := range []struct {
		topic    string
		disputed bool
		// position → the sources stating it
		positions map[string][]string
		// a phrase each side's source says, checked in its text
		says map[string]string
	}{
		{"FRA / troop deployment", false, map[string][]string{"under-discussion": {"src-000", "src-002"}},
			map[string]string{"src-000": "Discussions in Washington considered deploying French", "src-002": "the possibility of sending French and British troops"}},
		{"GBR / troop deployment", false, map[string][]string{"under-discussion": {"src-000", "src-002"}}, nil},
		{"prop-ita-24h / relation to Article 5", false, map[string][]string{"similar": {"src-000", "src-001", "src-002", "src-004"}},
			map[string]string{"src-000": "resembles NATO’s Article 5", "src-001": "similar to NATO's Article 5", "src-002": "similar in essence to NATO's Article 5", "src-004": "similar to Nato’s collective defence clause"}},
		{"prop-ita-24h / origin of the idea", true, map[string][]string{"meloni": {"src-000", "src-001", "src-002"}, "trump": {"src-003"}},
			map[string]string{"src-001": "Meloni first brought up the idea", "src-003": "Trump introduced the idea inspired by Article 5"}},
		{"trump / when he came to back guarantees", true, map[string][]string{"shifted-after-aug-18": {"src-000"}, "proposed-before-the-meeting": {"src-003"}},
			map[string]string{"src-000": "shifted his stance after a White House meeting", "src-003": "on Saturday, following Trump’s summit"}},
		{"ev-white-house-meeting / European leaders present", true, map[string][]string{"several": {"src-000"}, "8": {"src-001"}},
			map[string]string{"src-000": "several European leaders on Aug. 18", "src-001": "one of eight European leaders"}},
	} {
		t.Run(tc.topic, func(t *testing.T) {
			tp := topics[tc.topic]
			if tp == nil {
				t.Fatalf("no claims on %s", tc.topic)
			}
			if tp.Disputed() != tc.disputed {
				t.Errorf("disputed = %v, want %v", tp.Disputed(), tc.disputed)
			}
			got := map[string][]string{}
			for _, p := range tp.Positions {
				got[p.Position] = p.SourceIDs
			}
			if !reflect.DeepEqual(got, tc.positions) {
				t.Errorf("positions %v, want %v", got, tc.positions)
			}
			for src, phrase := range tc.says {
				if !strings.Contains(text[src], phrase) {
					t.Errorf("%s does not say %q", src, phrase)
				}
			}
		})
	}
}

// TestStancesFromTheArticles: the stances issue 12 names are in the stance
// layer, and France and the UK only as discussed by others.
func TestStancesFromTheArticles(t *testing.T) {
	ds, err := Default()
	if err != nil {
		t.Fatalf("embedded dataset does not load:\n%v", err)
	}
	got := map[string]string{}
	for _, c := range cg.StanceCells(ds.Claims, cg.CommitmentFilter{}, nil) {
		got[c.ActorID+" "+string(c.Kind)] = string(c.State) + " " + strings.Join(c.DiscussedBy, "; ")
	}
	want := map[string]string{
		"FRA OFFERS_TROOPS": "UNDER_DISCUSSION discussions in Washington; some European countries",
		"GBR OFFERS_TROOPS": "UNDER_DISCUSSION discussions in Washington; some European countries",
		"crosetto SUPPORTS": "STATED_SUPPORT ",
		"macron ":           "STATED_POSITION ",
		"trump OPPOSES":     "STATED_OPPOSITION ",
		"merz ":             "STATED_POSITION ",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("stance cells\n got %v\nwant %v", got, want)
	}
	for _, c := range ds.Commitments {
		if (c.ActorID == "FRA" || c.ActorID == "GBR") && strings.HasPrefix(string(c.Kind), "OFFERS_") {
			t.Errorf("commitment %s shows %s offering; the articles only say others discussed it", c.ID, c.ActorID)
		}
	}
}
