package neo4j

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/storetest"
)

// commitmentHashJSON is how commitmentHash was computed, through
// encoding/json, which the hashes stored in graphs come from.
func commitmentHashJSON(c *cg.Commitment) string {
	type evidence struct {
		Source, Quote, AttributedTo string
		Line                        int
	}
	content := struct {
		Kind, Actor, Target, Status, Date string
		DateReasoning                     string `json:",omitempty"`
		StatedBy, Summary                 string
		Conditions                        []string
		ValidFrom                         time.Time
		Evidence                          []evidence
	}{string(c.Kind), c.ActorID, c.TargetID, string(c.Status), c.Date.String(), c.DateReasoning, c.StatedByID, c.Summary,
		c.Conditions, c.ValidFrom.UTC(), nil}
	for _, e := range c.Evidence {
		content.Evidence = append(content.Evidence, evidence{e.SourceID, e.Quote, e.AttributedTo, e.Line})
	}
	b, err := json.Marshal(content)
	if err != nil {
		panic(err)
	}
	sum := sha256.Sum256(append([]byte("commitment content 1\n"), b...))
	return base64.RawStdEncoding.EncodeToString(sum[:16])
}

// The hand-written content encoding hashes every commitment as the JSON
// one did: otherwise a reload after the change would version every
// commitment of a graph anew.
func TestCommitmentHashIsJSONs(t *testing.T) {
	var cs []*cg.Commitment
	cs = append(cs, storetest.Fixture().Commitments...)
	cs = append(cs, storetest.Synthetic(300, 30, 5).Commitments...)
	base := *storetest.Fixture().Commitments[0]
	odd := []string{"", "plain", `quote " and \ backslash`, "<b>&amp;</b>", "tab\tnew\nline\rcr", "\b\f\x00\x1f\x7f",
		"naïve “curly” — dash", "line\u2028para\u2029sep", "bad \xff\xfe utf-8", "emoji 🇺🇦"}
	for _, s := range odd {
		c := base
		c.Summary, c.ActorID, c.DateReasoning, c.StatedByID = s, s, s, s
		c.Conditions = []string{s, "x"}
		c.Evidence = []cg.Evidence{{SourceID: s, Quote: s, AttributedTo: s, Line: -3}, {SourceID: "src", Line: 1 << 40}}
		cs = append(cs, &c)
	}
	for _, edit := range []func(c *cg.Commitment){
		func(c *cg.Commitment) { c.Conditions = []string{} },
		func(c *cg.Commitment) { c.Conditions = nil; c.Evidence = nil },
		func(c *cg.Commitment) { c.Evidence = []cg.Evidence{} },
		func(c *cg.Commitment) {
			c.ValidFrom = time.Date(2025, 8, 19, 10, 30, 0, 123456789, time.FixedZone("x", 3600))
		},
		func(c *cg.Commitment) { c.ValidFrom = time.Time{}; c.Date = cg.Date{} },
	} {
		c := base
		edit(&c)
		cs = append(cs, &c)
	}
	for i, c := range cs {
		if got, want := commitmentHash(c), commitmentHashJSON(c); got != want {
			b := appendCommitmentContent(nil, c)
			t.Errorf("commitment %d (%s): hash %s, JSON's %s; content %s", i, c.ID, got, want, b)
		}
	}
	// A buffer reused from a longer content leaves nothing behind.
	var buf []byte
	for _, c := range []*cg.Commitment{cs[len(cs)-8], cs[0]} {
		if got, want := commitmentHashBuf(c, &buf), commitmentHashJSON(c); got != want {
			t.Errorf("with a reused buffer, %s: hash %s, want %s", c.ID, got, want)
		}
	}
}
