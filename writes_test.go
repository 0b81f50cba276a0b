package coalitiongraph

import (
	"fmt"
	"slices"
	"strings"
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
		Source: func(id string) (*Source, bool) {
			if id != "src-000" {
				return nil, false
			}
			return &Source{ID: id, Text: "Tusk said Poland will send troops.\nThe offer is no longer on the table.\n"}, true
		},
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
	// v1 is curated: known once its source is, the end of the latest day
	// it may have been published (17 August), not from the start of its
	// month.
	sources := map[string]*Source{"src-b": {ID: "src-b", PublishedNotBefore: MustDate("2025-08-16"), PublishedNotAfter: MustDate("2025-08-17")}}
	source := func(id string) *Source { return sources[id] }
	v1 := &Commitment{ID: "c", Kind: ConsidersTroops, Status: StatusConsidering, Version: 1, Date: MustDate("2025-08"),
		Evidence: []Evidence{{SourceID: "src-b", Quote: "considering"}}}
	change := CommitmentChange{ID: "c", BaseVersion: 1, Status: StatusWithdrawn,
		Evidence: []Evidence{{SourceID: "src-000", Quote: "no longer"}}}
	if err := CheckBase(v1, 1); err != nil {
		t.Fatal(err)
	}
	v2 := NextVersion(v1, change, WriteMeta{By: "alice", At: at("2025-09-10T12:00:00Z"), EffectiveAt: at("2025-09-01T00:00:00Z"), Reason: "new report"})
	if v2.Version != 2 || v2.Status != StatusWithdrawn || v2.RecordedBy != "alice" || len(v2.Evidence) != 2 || v1.Status != StatusConsidering {
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
		{"2025-07-31T23:59:59Z", 0},
		{"2025-08-01T00:00:00Z", 0},     // its month began, but nothing had reported it
		{"2025-08-17T23:59:59.999Z", 0}, // its source may still be unpublished
		{"2025-08-18T00:00:00Z", 1},     // the end of the source's latest possible day
		{"2025-08-31T23:59:59Z", 1},
		{"2025-09-01T00:00:00Z", 2}, // effective, though recorded later
		{"2025-10-01T00:00:00Z", 0}, // retracted
	}
	for _, tt := range tests {
		asOf := at(tt.asOf)
		got := InEffect(versions, &asOf, source)
		if (got == nil && tt.want != 0) || (got != nil && got.Version != tt.want) {
			t.Errorf("as of %s: %+v, want version %d", tt.asOf, got, tt.want)
		}
	}
	if InEffect(versions, nil, nil) != nil {
		t.Error("a retracted commitment is in current reads")
	}
	if got := InEffect(versions[:2], nil, nil); got != v2 {
		t.Errorf("current version %+v", got)
	}
}

func TestKnownFrom(t *testing.T) {
	day := func(s string) time.Time { return MustDate(s).Start() }
	for _, tt := range []struct {
		name   string
		src    Source
		want   time.Time
		wantOK bool
	}{
		{"stated day", Source{Published: MustDate("2025-08-21")}, day("2025-08-22"), true},
		{"stated month counts from its end", Source{Published: MustDate("2025-08")}, day("2025-09-01"), true},
		{"bounded both ways", Source{PublishedNotBefore: MustDate("2025-08-16"), PublishedNotAfter: MustDate("2025-08-17")}, day("2025-08-18"), true},
		{"lower bound only: never known", Source{PublishedNotBefore: MustDate("2025-08-20")}, time.Time{}, false},
		{"no date at all", Source{}, time.Time{}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.src.KnownFrom()
			if ok != tt.wantOK || !got.Equal(tt.want) {
				t.Errorf("KnownFrom = %v, %v; want %v, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
	a := &Source{ID: "a", PublishedNotAfter: MustDate("2025-08-26")}
	b := &Source{ID: "b", Published: MustDate("2025-08-21")}
	c := &Source{ID: "c", PublishedNotBefore: MustDate("2025-08-01")}
	if s, at, ok := EarliestKnown([]*Source{c, a, nil, b}); s != b || !at.Equal(day("2025-08-22")) || !ok {
		t.Errorf("EarliestKnown = %v, %v, %v; want b from 2025-08-22", s, at, ok)
	}
	if s, _, ok := EarliestKnown([]*Source{c}); s != nil || ok {
		t.Errorf("EarliestKnown of an unbounded source = %v, %v; want none", s, ok)
	}
	written := &Commitment{ValidFrom: day("2025-09-01"), Evidence: []Evidence{{SourceID: "b"}}}
	if at, ok := KnownFrom(written, func(string) *Source { return b }); !ok || !at.Equal(day("2025-09-01")) {
		t.Errorf("a written version is known from its ValidFrom, got %v, %v", at, ok)
	}
}

func TestValidateSource(t *testing.T) {
	good := func() *Source {
		return &Source{ID: "src-new", File: "new.txt", Title: "New", Text: "Line one.\nLine two.\n"}
	}
	existing := &Source{ID: "src-new", File: "new.txt", Text: "Line one.\nLine two.\n"}
	tests := []struct {
		name     string
		edit     func(s *Source)
		existing *Source
		field    string
	}{
		{"valid", func(s *Source) {}, nil, ""},
		{"same text on replace", func(s *Source) { s.Title = "Renamed" }, existing, ""},
		{"text set on a source that had none", func(s *Source) {}, &Source{ID: "src-new", File: "new.txt"}, ""},
		{"plain name with dots", func(s *Source) { s.File = "000_7a6d.v2.txt" }, nil, ""},
		{"no text", func(s *Source) { s.Text = "" }, nil, "text"},
		{"text changed", func(s *Source) { s.Text = "Other." }, existing, "text"},
		{"text not UTF-8", func(s *Source) { s.Text = "bad \xff" }, nil, "text"},
		{"text too long", func(s *Source) { s.Text = strings.Repeat("x", MaxSourceTextLen+1) }, nil, "text"},
		{"parent directory", func(s *Source) { s.File = "../../../../etc/passwd" }, nil, "file"},
		{"slash", func(s *Source) { s.File = "a/b.txt" }, nil, "file"},
		{"backslash", func(s *Source) { s.File = `a\b.txt` }, nil, "file"},
		{"dot-dot alone", func(s *Source) { s.File = ".." }, nil, "file"},
		{"dot", func(s *Source) { s.File = "." }, nil, "file"},
		{"newline", func(s *Source) { s.File = "a\n.txt" }, nil, "file"},
		{"leading space", func(s *Source) { s.File = " a.txt" }, nil, "file"},
		{"id of 40,000 bytes", func(s *Source) { s.ID = strings.Repeat("s", 40000) }, nil, "id"},
		{"outlet too long", func(s *Source) { s.Outlet = strings.Repeat("o", MaxNameLen+1) }, nil, "outlet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := good()
			tt.edit(s)
			wantField(t, ValidateSource(s, tt.existing), tt.field)
		})
	}
}

func TestEvidenceQuotesAndLines(t *testing.T) {
	look := testLookup()
	tests := []struct {
		name  string
		ev    []Evidence
		field string
		lines []int
	}{
		{"first line", []Evidence{{SourceID: "src-000", Quote: "Poland will send troops"}}, "", []int{1}},
		{"second line", []Evidence{{SourceID: "src-000", Quote: "no longer"}}, "", []int{2}},
		{"a line the client states is replaced", []Evidence{{SourceID: "src-000", Quote: "no longer", Line: 40}}, "", []int{2}},
		{"two items", []Evidence{{SourceID: "src-000", Quote: "Tusk"}, {SourceID: "src-000", Quote: "table."}}, "", []int{1, 2}},
		{"not verbatim", []Evidence{{SourceID: "src-000", Quote: "Poland will send soldiers"}}, "evidence[0].quote", nil},
		{"across lines", []Evidence{{SourceID: "src-000", Quote: "troops. The offer"}}, "evidence[0].quote", nil},
		{"case differs", []Evidence{{SourceID: "src-000", Quote: "poland will send troops"}}, "evidence[0].quote", nil},
		{"quote too long", []Evidence{{SourceID: "src-000", Quote: strings.Repeat("q", MaxQuoteLen+1)}}, "evidence[0].quote", nil},
		{"too many items", slices.Repeat([]Evidence{{SourceID: "src-000", Quote: "Tusk"}}, MaxList+1), "evidence", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateEvidence(tt.ev, look, "evidence")
			wantField(t, err, tt.field)
			if err != nil {
				return
			}
			got := Located(tt.ev, look)
			for i, want := range tt.lines {
				if got[i].Line != want {
					t.Errorf("item %d on line %d, want %d", i, got[i].Line, want)
				}
			}
			if tt.ev[0].Line != 0 && tt.ev[0].Line == got[0].Line {
				t.Errorf("Located changed its input")
			}
		})
	}
}

func TestLengthLimits(t *testing.T) {
	long := func(n int) string { return strings.Repeat("x", n) }
	tests := []struct {
		name  string
		err   error
		field string
	}{
		{"entity id", ValidateEntity(&Entity{ID: long(40000), Kind: KindPerson, Name: "N"}, nil), "id"},
		{"entity id at the limit", ValidateEntity(&Entity{ID: long(MaxIDLen), Kind: KindPerson, Name: "N"}, nil), ""},
		{"entity name", ValidateEntity(&Entity{ID: "e", Kind: KindPerson, Name: long(MaxNameLen + 1)}, nil), "name"},
		{"aliases", ValidateEntity(&Entity{ID: "e", Kind: KindPerson, Name: "N", Aliases: make([]string, MaxList+1)}, nil), "aliases"},
		{"aliases at the limit", ValidateEntity(&Entity{ID: "e", Kind: KindPerson, Name: "N", Aliases: make([]string, MaxList)}, nil), ""},
		{"request id", ValidateMeta(WriteMeta{RequestID: long(MaxIDLen + 1)}), "requestId"},
		{"reason", ValidateMeta(WriteMeta{Reason: long(MaxTextLen + 1)}), "reason"},
		{"target", ValidateTarget(long(40000)), "id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantField(t, tt.err, tt.field) })
	}
}

func wantField(t *testing.T, err error, field string) {
	t.Helper()
	if field == "" {
		if err != nil {
			t.Fatalf("unexpected error %v", err)
		}
		return
	}
	e, ok := err.(*Error)
	if !ok || e.Code != CodeBadInput || e.Field != field {
		t.Fatalf("error %#v, want BAD_USER_INPUT on %s", err, field)
	}
	if len(e.Message) > 300 {
		t.Errorf("message of %d bytes: it should not echo the input", len(e.Message))
	}
}

// BenchmarkQuoteCheck measures what checking a quote against its source
// and computing its line add to a write, on an article of the curated
// size, with the quote near its end (the worst case of the search).
func BenchmarkQuoteCheck(b *testing.B) {
	for _, size := range []int{10 << 10, MaxSourceTextLen} {
		text := strings.Repeat("The coalition met again and discussed the guarantees at length.\n", size/64)
		quote := "Poland clarified it will not send forces into Ukraine"
		text += quote + "\n"
		src := &Source{ID: "src-000", Text: text}
		look := Lookup{Source: func(id string) (*Source, bool) { return src, id == src.ID }}
		ev := []Evidence{{SourceID: "src-000", Quote: quote}}
		b.Run(fmt.Sprintf("%dKiB", size>>10), func(b *testing.B) {
			for b.Loop() {
				if err := ValidateEvidence(ev, look, "evidence"); err != nil {
					b.Fatal(err)
				}
				if Located(ev, look)[0].Line == 0 {
					b.Fatal("no line")
				}
			}
		})
	}
}
