package storetest

import (
	"slices"
	"strings"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
)

const editor = "editor-key"

func testRecord(t *testing.T, s cg.WritableStore) {
	ctx := t.Context()
	d := cg.MustDate
	meta := cg.WriteMeta{By: editor, At: ts("2025-08-25T09:30:00.25Z"), EffectiveAt: ts("2025-08-24T12:00:00Z"),
		Reason: "reported by src-b", RequestID: "req-record-c30"}
	in := &cg.Commitment{ID: "c30-ita-air", Kind: cg.OffersAirSupport, ActorID: "ITA", TargetID: "UKR", Status: cg.StatusPledged,
		Date: d("2025-08-24"), StatedByID: "meloni", Conditions: []string{"over the Black Sea"}, Summary: "Italy pledges air patrols.",
		Evidence: []cg.Evidence{{SourceID: "src-b", Quote: "Italy pledged air patrols", AttributedTo: "officials"}},
		// The store sets these itself.
		Version: 7, RecordedBy: "someone else", Reason: "ignored", Retracted: true}
	want := *in
	want.Conditions, want.Evidence = slices.Clone(in.Conditions), slices.Clone(in.Evidence)
	// The store finds the quote in the source's text.
	want.Evidence[0].Line = 12
	want.Retracted = false
	want = stamped(want, 1, meta)

	got, err := s.RecordCommitment(ctx, in, meta)
	if err != nil {
		t.Fatalf("RecordCommitment: %v", err)
	}
	sameVersion(t, "recorded", got, want)
	// The store keeps its own copy of the input.
	in.Evidence[0].Quote, in.Conditions[0] = "changed by the caller", "changed by the caller"
	sameVersion(t, "read back", read(t, s, want.ID, nil), want)
	sameHistory(t, s, want.ID, want)

	t.Run("visible to filters", func(t *testing.T) {
		plus := func(ids []string) []string { return append(ids, want.ID) }
		for _, tc := range []struct {
			name string
			f    cg.CommitmentFilter
			want []string
		}{
			{"actor", cg.CommitmentFilter{ActorIDs: []string{"ITA"}}, plus(c(3, 10, 14))},
			{"target", cg.CommitmentFilter{TargetIDs: []string{"UKR"}}, plus(c(1, 2, 4, 5, 8, 9, 10, 12, 13, 14, 17, 18, 20, 21))},
			{"kind", cg.CommitmentFilter{Kinds: []cg.EdgeKind{cg.OffersAirSupport}}, plus(c(4, 8, 9))},
			{"source", cg.CommitmentFilter{SourceIDs: []string{"src-b"}}, plus(c(1, 4, 5, 12, 14, 16, 20))},
			{"stated by", cg.CommitmentFilter{StatedByIDs: []string{"meloni"}}, plus(c(3, 10, 11, 14))},
			{"status", cg.CommitmentFilter{Statuses: []cg.Status{cg.StatusPledged}}, plus(c(8, 20))},
			{"dates", cg.CommitmentFilter{From: d("2025-08-23"), To: d("2025-08-24")}, plus(c(2, 6, 12))},
			{"all", cg.CommitmentFilter{}, plus(allByID)},
		} {
			t.Run(tc.name, func(t *testing.T) { sameIDs(t, "commitments", listIDs(t, s, tc.f), tc.want) })
		}
		p := must(s.Commitments(ctx, cg.CommitmentFilter{}, cg.Page{First: 2, Order: cg.OrderDateDesc}))(t)
		sameIDs(t, "latest two", commitmentIDs(p.Commitments), []string{want.ID, c(15)[0]})
		if p.TotalCount != 22 || !p.HasNextPage {
			t.Errorf("TotalCount %d, HasNextPage %v; want 22, true", p.TotalCount, p.HasNextPage)
		}
	})

	t.Run("visible to aggregates and paths", func(t *testing.T) {
		mc := func(kind cg.EdgeKind, status cg.Status, n, ev int) cg.MatrixCell {
			return cg.MatrixCell{ActorID: "ITA", Kind: kind, Status: status, Commitments: n, EvidenceCount: ev}
		}
		wantCells := []cg.MatrixCell{
			mc(cg.Proposes, cg.StatusProposed, 1, 2), mc(cg.Supports, cg.StatusStated, 1, 1),
			mc(cg.RefusesTroops, cg.StatusRefused, 1, 2), mc(cg.OffersAirSupport, cg.StatusPledged, 1, 1),
		}
		if got := must(s.Matrix(ctx, cg.CommitmentFilter{ActorIDs: []string{"ITA"}}, cg.MatrixPage{}))(t); !slices.Equal(got.Cells(), wantCells) {
			t.Errorf("matrix:\n got %v\nwant %v", got, wantCells)
		}
		wantCounts := []cg.Count{
			{Kind: cg.OffersAirSupport, Status: cg.StatusProposed, Count: 1},
			{Kind: cg.OffersAirSupport, Status: cg.StatusOffered, Count: 1},
			{Kind: cg.OffersAirSupport, Status: cg.StatusPledged, Count: 2},
		}
		if got := must(s.Counts(ctx, cg.CommitmentFilter{Kinds: []cg.EdgeKind{cg.OffersAirSupport}}))(t); !slices.Equal(got, wantCounts) {
			t.Errorf("counts:\n got %v\nwant %v", got, wantCounts)
		}
		e := cg.EdgeRef{ID: want.ID, Kind: cg.OffersAirSupport, FromID: "ITA", ToID: "UKR"}
		wantPaths := []cg.Path{path("ITA UKR", eItaSupports), path("ITA UKR", eItaRefuses), path("ITA UKR", e)}
		if got := must(s.Paths(ctx, "ITA", "UKR", 1))(t); !samePaths(got, wantPaths) {
			t.Errorf("paths:%s\nwant:%s", showPaths(got), showPaths(wantPaths))
		}
	})

	t.Run("an existing id is a conflict", func(t *testing.T) {
		again := *in
		again.Evidence = []cg.Evidence{{SourceID: "src-b", Quote: "Italy pledged air patrols"}}
		_, err := s.RecordCommitment(ctx, &again, cg.WriteMeta{By: editor, At: ts("2025-08-25T10:00:00Z"), RequestID: "req-other"})
		wantError(t, err, cg.CodeConflict, "id")
		sameHistory(t, s, want.ID, want)
	})

	t.Run("a retry returns the recorded commitment", func(t *testing.T) {
		got := must(s.RecordCommitment(ctx, in, meta))(t)
		sameVersion(t, "retry", got, want)
		sameHistory(t, s, want.ID, want)
		if n := len(listIDs(t, s, cg.CommitmentFilter{})); n != 22 {
			t.Errorf("%d commitments after the retry, want 22", n)
		}
	})

	t.Run("a retry after a change still returns version 1", func(t *testing.T) {
		chMeta := cg.WriteMeta{By: editor, At: ts("2025-08-26T10:00:00Z"), Reason: "delivered"}
		change := cg.CommitmentChange{ID: want.ID, BaseVersion: 1, Status: cg.StatusDelivered,
			Evidence: []cg.Evidence{{SourceID: "src-a", Quote: "Italian jets flew"}}}
		v2 := must(s.ChangeCommitment(ctx, change, chMeta))(t)
		if v2.Version != 2 {
			t.Fatalf("change made version %d, want 2", v2.Version)
		}
		sameVersion(t, "retry", must(s.RecordCommitment(ctx, in, meta))(t), want)
		if h := must(s.CommitmentHistory(ctx, want.ID))(t); len(h) != 2 {
			t.Errorf("history has %d versions, want 2", len(h))
		}
		// A request id names one write: reusing it for another is refused.
		before := snapshot(t, s, want.ID, "c31-ita-air")
		_, err := s.RetractCommitment(ctx, want.ID, 2, cg.WriteMeta{By: editor, At: ts("2025-08-27T10:00:00Z"), Reason: "r", RequestID: meta.RequestID})
		wantError(t, err, cg.CodeConflict, "requestId")
		_, err = s.PutEntity(ctx, &cg.Entity{ID: "tusk", Kind: cg.KindPerson, Name: "Donald Tusk"}, cg.WriteMeta{RequestID: meta.RequestID})
		wantError(t, err, cg.CodeConflict, "requestId")
		other := *in
		other.ID = "c31-ita-air" // free, but the request id is not
		_, err = s.RecordCommitment(ctx, &other, meta)
		wantError(t, err, cg.CodeConflict, "requestId")
		unchanged(t, s, before, want.ID, other.ID)
	})
}

// testRejections makes every kind of invalid write and checks, after each,
// that every read answers as before.
func testRejections(t *testing.T, s cg.WritableStore) {
	ctx := t.Context()
	at := ts("2025-08-25T09:00:00Z")
	meta := cg.WriteMeta{By: editor, At: at, Reason: "test", RequestID: "req-rejected"}
	good := func() *cg.Commitment {
		return &cg.Commitment{ID: "c31-pol-air", Kind: cg.OffersAirSupport, ActorID: "POL", TargetID: "UKR", Status: cg.StatusOffered,
			Evidence: []cg.Evidence{{SourceID: "src-a", Quote: "Poland offered radar planes"}, {SourceID: "src-c", Quote: "Warsaw weighs air help"}}}
	}
	record := func(edit func(c *cg.Commitment)) func() error {
		return func() error {
			c := good()
			edit(c)
			_, err := s.RecordCommitment(ctx, c, meta)
			return err
		}
	}
	ev := []cg.Evidence{{SourceID: "src-a", Quote: "a quote"}}
	change := func(ch cg.CommitmentChange) func() error {
		return func() error { _, err := s.ChangeCommitment(ctx, ch, meta); return err }
	}
	retract := func(id string, base int, reason string) func() error {
		return func() error {
			m := meta
			m.Reason = reason
			_, err := s.RetractCommitment(ctx, id, base, m)
			return err
		}
	}
	putEntity := func(e cg.Entity) func() error {
		return func() error { _, err := s.PutEntity(ctx, &e, meta); return err }
	}
	putSource := func(src cg.Source) func() error {
		return func() error { _, err := s.PutSource(ctx, &src, meta); return err }
	}
	c01 := c(1)[0]
	probes := []string{"c31-pol-air", "c 31", "nope"}
	before := snapshot(t, s, probes...)

	for _, tc := range []struct {
		name  string
		write func() error
		code  cg.Code
		field string
	}{
		{"record: bad id", record(func(c *cg.Commitment) { c.ID = "c 31" }), cg.CodeBadInput, "id"},
		{"record: empty id", record(func(c *cg.Commitment) { c.ID = "" }), cg.CodeBadInput, "id"},
		{"record: a relation kind", record(func(c *cg.Commitment) { c.Kind = cg.MemberOf }), cg.CodeBadInput, "kind"},
		{"record: unknown kind", record(func(c *cg.Commitment) { c.Kind = "OFFERS_PEACE" }), cg.CodeBadInput, "kind"},
		{"record: unknown actor", record(func(c *cg.Commitment) { c.ActorID = "ATL" }), cg.CodeBadInput, "actor"},
		{"record: unknown target", record(func(c *cg.Commitment) { c.TargetID = "ATL" }), cg.CodeBadInput, "target"},
		{"record: troops from an event", record(func(c *cg.Commitment) { c.Kind, c.ActorID = cg.OffersTroops, "ev-washington" }), cg.CodeBadInput, "kind"},
		{"record: support from a proposal", record(func(c *cg.Commitment) { c.Kind, c.ActorID = cg.Supports, "prop-ita-24h" }), cg.CodeBadInput, "kind"},
		{"record: unknown speaker", record(func(c *cg.Commitment) { c.StatedByID = "tusk" }), cg.CodeBadInput, "statedBy"},
		{"record: speaker not a person", record(func(c *cg.Commitment) { c.StatedByID = "FRA" }), cg.CodeBadInput, "statedBy"},
		{"record: status the kind forbids", record(func(c *cg.Commitment) { c.Status = cg.StatusRefused }), cg.CodeBadInput, "status"},
		{"record: unknown status", record(func(c *cg.Commitment) { c.Status = "MAYBE" }), cg.CodeBadInput, "status"},
		{"record: no status", record(func(c *cg.Commitment) { c.Status = "" }), cg.CodeBadInput, "status"},
		{"record: no evidence", record(func(c *cg.Commitment) { c.Evidence = nil }), cg.CodeBadInput, "evidence"},
		{"record: unknown source", record(func(c *cg.Commitment) { c.Evidence[1].SourceID = "src-z" }), cg.CodeBadInput, "evidence[1].source"},
		{"record: empty quote", record(func(c *cg.Commitment) { c.Evidence[1].Quote = " \t" }), cg.CodeBadInput, "evidence[1].quote"},
		{"record: id of a commitment", record(func(c *cg.Commitment) { c.ID = c01 }), cg.CodeConflict, "id"},
		{"record: id of a relation", record(func(c *cg.Commitment) { c.ID = "r-pol-member-nato" }), cg.CodeConflict, "id"},
		{"record: id of an entity", record(func(c *cg.Commitment) { c.ID = "POL" }), cg.CodeConflict, "id"},
		{"record: id of a source", record(func(c *cg.Commitment) { c.ID = "src-a" }), cg.CodeConflict, "id"},

		{"change: unknown commitment", change(cg.CommitmentChange{ID: "nope", BaseVersion: 1, Status: cg.StatusPledged, Evidence: ev}), cg.CodeNotFound, "id"},
		{"change: status the kind forbids", change(cg.CommitmentChange{ID: c(2)[0], BaseVersion: 1, Status: cg.StatusOffered, Evidence: ev}), cg.CodeBadInput, "status"},
		{"change: unknown status", change(cg.CommitmentChange{ID: c(1)[0], BaseVersion: 1, Status: "MAYBE", Evidence: ev}), cg.CodeBadInput, "status"},
		{"change: no evidence", change(cg.CommitmentChange{ID: c(1)[0], BaseVersion: 1, Status: cg.StatusPledged}), cg.CodeBadInput, "evidence"},
		{"change: unknown source", change(cg.CommitmentChange{ID: c(1)[0], BaseVersion: 1, Status: cg.StatusPledged,
			Evidence: []cg.Evidence{{SourceID: "src-z", Quote: "q"}}}), cg.CodeBadInput, "evidence[0].source"},
		{"change: empty quote", change(cg.CommitmentChange{ID: c(1)[0], BaseVersion: 1, Status: cg.StatusPledged,
			Evidence: []cg.Evidence{{SourceID: "src-a", Quote: ""}}}), cg.CodeBadInput, "evidence[0].quote"},
		{"change: base version ahead", change(cg.CommitmentChange{ID: c(1)[0], BaseVersion: 2, Status: cg.StatusPledged, Evidence: ev}), cg.CodeConflict, "baseVersion"},
		{"change: no base version", change(cg.CommitmentChange{ID: c(1)[0], Status: cg.StatusPledged, Evidence: ev}), cg.CodeConflict, "baseVersion"},

		{"retract: no reason", retract(c(1)[0], 1, ""), cg.CodeBadInput, "reason"},
		{"retract: blank reason", retract(c(1)[0], 1, "  "), cg.CodeBadInput, "reason"},
		{"retract: unknown commitment", retract("nope", 1, "wrong"), cg.CodeNotFound, "id"},
		{"retract: stale base version", retract(c(1)[0], 2, "wrong"), cg.CodeConflict, "baseVersion"},

		{"entity: bad id", putEntity(cg.Entity{ID: "donald tusk", Kind: cg.KindPerson, Name: "Donald Tusk"}), cg.CodeBadInput, "id"},
		{"entity: unknown kind", putEntity(cg.Entity{ID: "tusk", Kind: "ROBOT", Name: "Donald Tusk"}), cg.CodeBadInput, "kind"},
		{"entity: no name", putEntity(cg.Entity{ID: "tusk", Kind: cg.KindPerson, Name: " "}), cg.CodeBadInput, "name"},
		{"entity: kind change", putEntity(cg.Entity{ID: "POL", Kind: cg.KindOrganisation, Name: "Poland"}), cg.CodeBadInput, "kind"},
		{"entity: evidence from an unknown source", putEntity(cg.Entity{ID: "tusk", Kind: cg.KindPerson, Name: "Donald Tusk",
			Evidence: []cg.Evidence{{SourceID: "src-z", Quote: "Tusk"}}}), cg.CodeBadInput, "evidence[0].source"},
		{"entity: id of a commitment", putEntity(cg.Entity{ID: c(1)[0], Kind: cg.KindPerson, Name: "Donald Tusk"}), cg.CodeConflict, "id"},
		{"entity: id of a source", putEntity(cg.Entity{ID: "src-a", Kind: cg.KindPerson, Name: "Donald Tusk"}), cg.CodeConflict, "id"},

		{"source: bad id", putSource(cg.Source{ID: "src d", File: "d.txt", Text: "t"}), cg.CodeBadInput, "id"},
		{"source: nothing to cite it by", putSource(cg.Source{ID: "src-d", Published: cg.MustDate("2025-08-26"), Text: "t"}), cg.CodeBadInput, "file"},
		{"source: id of an entity", putSource(cg.Source{ID: "POL", File: "d.txt", Text: "t"}), cg.CodeConflict, "id"},
		{"source: id of a commitment", putSource(cg.Source{ID: c(1)[0], File: "d.txt", Text: "t"}), cg.CodeConflict, "id"},

		// Quotes are checked against the source's text.
		{"record: quote not in the source", record(func(c *cg.Commitment) { c.Evidence[1].Quote = "Warsaw weighs naval help" }), cg.CodeBadInput, "evidence[1].quote"},
		{"record: quote from another source", record(func(c *cg.Commitment) { c.Evidence[0].Quote = "Warsaw weighs air help" }), cg.CodeBadInput, "evidence[0].quote"},
		{"change: quote not in the source", change(cg.CommitmentChange{ID: c01, BaseVersion: 1, Status: cg.StatusPledged,
			Evidence: []cg.Evidence{{SourceID: "src-a", Quote: "France sent a fleet"}}}), cg.CodeBadInput, "evidence[0].quote"},
		{"entity: quote not in the source", putEntity(cg.Entity{ID: "tusk", Kind: cg.KindPerson, Name: "Donald Tusk",
			Evidence: []cg.Evidence{{SourceID: "src-a", Quote: "Tusk said"}}}), cg.CodeBadInput, "evidence[0].quote"},

		// Sources carry their text, which cannot change, and plain file names.
		{"source: no text", putSource(cg.Source{ID: "src-d", File: "d.txt"}), cg.CodeBadInput, "text"},
		{"source: blank text", putSource(cg.Source{ID: "src-d", File: "d.txt", Text: " \n "}), cg.CodeBadInput, "text"},
		{"source: text too long", putSource(cg.Source{ID: "src-d", File: "d.txt", Text: strings.Repeat("x", cg.MaxSourceTextLen+1)}), cg.CodeBadInput, "text"},
		{"source: text changed", func() error {
			src := *must(s.Sources(ctx, []string{"src-a"}))(t)[0]
			src.Text += "One more line.\n"
			_, err := s.PutSource(ctx, &src, meta)
			return err
		}, cg.CodeBadInput, "text"},
		{"source: a path", putSource(cg.Source{ID: "src-d", File: "../../../../etc/passwd", Text: "t"}), cg.CodeBadInput, "file"},
		{"source: a directory", putSource(cg.Source{ID: "src-d", File: "seeds/d.txt", Text: "t"}), cg.CodeBadInput, "file"},
		{"source: a Windows path", putSource(cg.Source{ID: "src-d", File: `..\\d.txt`, Text: "t"}), cg.CodeBadInput, "file"},
		{"source: dot-dot", putSource(cg.Source{ID: "src-d", File: "..", Text: "t"}), cg.CodeBadInput, "file"},
		{"source: control character", putSource(cg.Source{ID: "src-d", File: "d\x00.txt", Text: "t"}), cg.CodeBadInput, "file"},

		// Lengths and list sizes, before any store key or index sees them.
		{"record: id of 40,000 bytes", record(func(c *cg.Commitment) { c.ID = strings.Repeat("c", 40000) }), cg.CodeBadInput, "id"},
		{"record: id just too long", record(func(c *cg.Commitment) { c.ID = strings.Repeat("c", cg.MaxIDLen+1) }), cg.CodeBadInput, "id"},
		{"record: request id too long", func() error {
			m := meta
			m.RequestID = strings.Repeat("r", cg.MaxIDLen+1)
			_, err := s.RecordCommitment(ctx, good(), m)
			return err
		}, cg.CodeBadInput, "requestId"},
		{"record: reason too long", func() error {
			m := meta
			m.Reason = strings.Repeat("r", cg.MaxTextLen+1)
			_, err := s.RecordCommitment(ctx, good(), m)
			return err
		}, cg.CodeBadInput, "reason"},
		{"record: summary too long", record(func(c *cg.Commitment) { c.Summary = strings.Repeat("s", cg.MaxTextLen+1) }), cg.CodeBadInput, "summary"},
		{"record: too many conditions", record(func(c *cg.Commitment) { c.Conditions = make([]string, cg.MaxList+1) }), cg.CodeBadInput, "conditions"},
		{"record: condition too long", record(func(c *cg.Commitment) { c.Conditions = []string{"ok", strings.Repeat("c", cg.MaxTextLen+1)} }), cg.CodeBadInput, "conditions[1]"},
		{"record: too many evidence items", record(func(c *cg.Commitment) {
			for len(c.Evidence) <= cg.MaxList {
				c.Evidence = append(c.Evidence, c.Evidence[0])
			}
		}), cg.CodeBadInput, "evidence"},
		{"record: quote too long", record(func(c *cg.Commitment) { c.Evidence[0].Quote = strings.Repeat("q", cg.MaxQuoteLen+1) }), cg.CodeBadInput, "evidence[0].quote"},
		{"record: attribution too long", record(func(c *cg.Commitment) { c.Evidence[0].AttributedTo = strings.Repeat("a", cg.MaxNameLen+1) }), cg.CodeBadInput, "evidence[0].attributedTo"},
		{"record: source id too long", record(func(c *cg.Commitment) { c.Evidence[0].SourceID = strings.Repeat("s", 40000) }), cg.CodeBadInput, "evidence[0].source"},
		{"change: id of 40,000 bytes", change(cg.CommitmentChange{ID: strings.Repeat("c", 40000), BaseVersion: 1, Status: cg.StatusPledged, Evidence: ev}), cg.CodeBadInput, "id"},
		{"change: too many conditions", change(cg.CommitmentChange{ID: c01, BaseVersion: 1, Status: cg.StatusPledged, Evidence: ev, Conditions: make([]string, cg.MaxList+1)}), cg.CodeBadInput, "conditions"},
		{"change: summary too long", change(cg.CommitmentChange{ID: c01, BaseVersion: 1, Status: cg.StatusPledged, Evidence: ev, Summary: ptr(strings.Repeat("s", cg.MaxTextLen+1))}), cg.CodeBadInput, "summary"},
		{"retract: id of 40,000 bytes", retract(strings.Repeat("c", 40000), 1, "wrong"), cg.CodeBadInput, "id"},
		{"entity: id of 40,000 bytes", putEntity(cg.Entity{ID: strings.Repeat("e", 40000), Kind: cg.KindPerson, Name: "Donald Tusk"}), cg.CodeBadInput, "id"},
		{"entity: name too long", putEntity(cg.Entity{ID: "tusk", Kind: cg.KindPerson, Name: strings.Repeat("n", cg.MaxNameLen+1)}), cg.CodeBadInput, "name"},
		{"entity: too many aliases", putEntity(cg.Entity{ID: "tusk", Kind: cg.KindPerson, Name: "Donald Tusk", Aliases: make([]string, cg.MaxList+1)}), cg.CodeBadInput, "aliases"},
		{"entity: alias too long", putEntity(cg.Entity{ID: "tusk", Kind: cg.KindPerson, Name: "Donald Tusk", Aliases: []string{strings.Repeat("a", cg.MaxNameLen+1)}}), cg.CodeBadInput, "aliases[0]"},
		{"entity: description too long", putEntity(cg.Entity{ID: "tusk", Kind: cg.KindPerson, Name: "Donald Tusk", Description: strings.Repeat("d", cg.MaxTextLen+1)}), cg.CodeBadInput, "description"},
		{"entity: too many evidence items", putEntity(cg.Entity{ID: "tusk", Kind: cg.KindPerson, Name: "Donald Tusk", Evidence: make([]cg.Evidence, cg.MaxList+1)}), cg.CodeBadInput, "evidence"},
		{"source: id of 40,000 bytes", putSource(cg.Source{ID: strings.Repeat("s", 40000), File: "d.txt", Text: "t"}), cg.CodeBadInput, "id"},
		{"source: title too long", putSource(cg.Source{ID: "src-d", File: "d.txt", Title: strings.Repeat("t", cg.MaxNameLen+1), Text: "t"}), cg.CodeBadInput, "title"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, tc.write(), tc.code, tc.field)
			unchanged(t, s, before, probes...)
		})
	}

	// A rejected write is not remembered: its request id is still free.
	t.Run("request id of a rejected write is free", func(t *testing.T) {
		got := must(s.RecordCommitment(ctx, good(), meta))(t)
		if got.ID != "c31-pol-air" || got.Version != 1 {
			t.Errorf("recorded %s v%d, want c31-pol-air v1", got.ID, got.Version)
		}
	})
}

func testChange(t *testing.T, s cg.WritableStore) {
	ctx := t.Context()
	id := c(1)[0]
	v1 := fixtureCommitment(id)
	old := read(t, s, id, nil)
	oldCopy := cloneCommitment(old)

	change1 := cg.CommitmentChange{ID: id, BaseVersion: 1, Status: cg.StatusPledged,
		Date: ptr(cg.MustDate("2025-08-23")), Conditions: []string{"after a ceasefire"}, Summary: ptr("France pledges a brigade."),
		Evidence: []cg.Evidence{{SourceID: "src-c", Quote: "France pledged a brigade", AttributedTo: "the Élysée"}}}
	meta1 := cg.WriteMeta{By: editor, At: ts("2025-08-26T08:00:00Z"), EffectiveAt: ts("2025-08-23T18:00:00.5Z"),
		Reason: "France firmed up its offer", RequestID: "req-change-c01"}
	want2 := v1
	want2.Status, want2.Date, want2.Conditions, want2.Summary = cg.StatusPledged, cg.MustDate("2025-08-23"), []string{"after a ceasefire"}, "France pledges a brigade."
	want2.Evidence = append(slices.Clone(v1.Evidence), onLine(change1.Evidence[0], 15))
	want2 = stamped(want2, 2, meta1)

	sameVersion(t, "version 2", must(s.ChangeCommitment(ctx, change1, meta1))(t), want2)
	change1.Evidence[0].Quote, change1.Conditions[0] = "changed by the caller", "changed by the caller"
	sameVersion(t, "read back", read(t, s, id, nil), want2)
	sameHistory(t, s, id, v1, want2)
	sameVersion(t, "the value read before the change", old, oldCopy)

	t.Run("reads show the new version", func(t *testing.T) {
		sameIDs(t, "offered", listIDs(t, s, cg.CommitmentFilter{Statuses: []cg.Status{cg.StatusOffered}}), c(4, 13))
		sameIDs(t, "pledged", listIDs(t, s, cg.CommitmentFilter{Statuses: []cg.Status{cg.StatusPledged}}), c(1, 8, 20))
		sameIDs(t, "new evidence's source", listIDs(t, s, cg.CommitmentFilter{SourceIDs: []string{"src-c"}}), c(1, 3, 6, 7, 9, 11, 13, 17, 19, 21))
		sameIDs(t, "new date", listIDs(t, s, cg.CommitmentFilter{From: cg.MustDate("2025-08-23")}), c(1, 2, 6, 12))
		p := must(s.Commitments(ctx, cg.CommitmentFilter{}, cg.Page{First: 2, Order: cg.OrderDateDesc}))(t)
		sameIDs(t, "latest two", commitmentIDs(p.Commitments), c(1, 15))
		mc := func(kind cg.EdgeKind, status cg.Status, n, ev int) cg.MatrixCell {
			return cg.MatrixCell{ActorID: "FRA", Kind: kind, Status: status, Commitments: n, EvidenceCount: ev}
		}
		wantCells := []cg.MatrixCell{mc(cg.OffersTroops, cg.StatusPledged, 2, 5), mc(cg.OffersAirSupport, cg.StatusPledged, 2, 2),
			mc(cg.OffersSurveillance, cg.StatusWithdrawn, 1, 1), mc(cg.OffersVenue, cg.StatusDelivered, 1, 1)}
		if got := must(s.Matrix(ctx, cg.CommitmentFilter{ActorIDs: []string{"FRA"}}, cg.MatrixPage{}))(t); !slices.Equal(got.Cells(), wantCells) {
			t.Errorf("matrix:\n got %v\nwant %v", got, wantCells)
		}
		wantCounts := []cg.Count{{Kind: cg.OffersTroops, Status: cg.StatusProposed, Count: 1},
			{Kind: cg.OffersTroops, Status: cg.StatusConsidering, Count: 1}, {Kind: cg.OffersTroops, Status: cg.StatusPledged, Count: 1}}
		if got := must(s.Counts(ctx, cg.CommitmentFilter{Kinds: []cg.EdgeKind{cg.OffersTroops}}))(t); !slices.Equal(got, wantCounts) {
			t.Errorf("counts:\n got %v\nwant %v", got, wantCounts)
		}
	})

	// A change that sets only the status keeps date, conditions and
	// summary; with no EffectiveAt it takes effect when recorded.
	meta2 := cg.WriteMeta{By: "another-key", At: ts("2025-08-29T07:15:00Z")}
	change2 := cg.CommitmentChange{ID: id, BaseVersion: 2, Status: cg.StatusDelivered,
		Evidence: []cg.Evidence{{SourceID: "src-a", Quote: "French troops arrived"}}}
	want3 := want2
	want3.Status = cg.StatusDelivered
	want3.Evidence = append(slices.Clone(want2.Evidence), onLine(change2.Evidence[0], 16))
	want3 = stamped(want3, 3, meta2)
	sameVersion(t, "version 3", must(s.ChangeCommitment(ctx, change2, meta2))(t), want3)
	sameHistory(t, s, id, v1, want2, want3)

	t.Run("a stale base version is a conflict", func(t *testing.T) {
		before := snapshot(t, s)
		stale := change2
		stale.Status = cg.StatusWithdrawn
		_, err := s.ChangeCommitment(ctx, stale, cg.WriteMeta{By: editor, At: ts("2025-08-30T00:00:00Z")})
		wantError(t, err, cg.CodeConflict, "baseVersion")
		unchanged(t, s, before)
	})

	t.Run("a retry returns the first outcome though its base is stale", func(t *testing.T) {
		before := snapshot(t, s)
		retry := change1
		retry.Evidence = []cg.Evidence{{SourceID: "src-c", Quote: "France pledged a brigade", AttributedTo: "the Élysée"}}
		sameVersion(t, "retry", must(s.ChangeCommitment(ctx, retry, meta1))(t), want2)
		unchanged(t, s, before)
		sameHistory(t, s, id, v1, want2, want3)
	})

	t.Run("a request id reused on another commitment is a conflict", func(t *testing.T) {
		before := snapshot(t, s)
		other := cg.CommitmentChange{ID: c(8)[0], BaseVersion: 1, Status: cg.StatusDelivered, Evidence: []cg.Evidence{{SourceID: "src-a", Quote: "q"}}}
		_, err := s.ChangeCommitment(ctx, other, meta1)
		wantError(t, err, cg.CodeConflict, "requestId")
		unchanged(t, s, before)
	})
}

func testRetract(t *testing.T, s cg.WritableStore) {
	ctx := t.Context()
	id := c(2)[0]
	v1 := fixtureCommitment(id)
	meta := cg.WriteMeta{By: editor, At: ts("2025-08-27T10:00:00Z"), Reason: "the article said the opposite", RequestID: "req-retract-c02"}
	want := v1
	want.Retracted = true
	want = stamped(want, 2, meta)

	sameVersion(t, "retraction", must(s.RetractCommitment(ctx, id, 1, meta))(t), want)
	sameHistory(t, s, id, v1, want)

	t.Run("leaves current reads", func(t *testing.T) {
		all := slices.DeleteFunc(slices.Clone(allByID), func(x string) bool { return x == id })
		sameIDs(t, "all", listIDs(t, s, cg.CommitmentFilter{}), all)
		sameIDs(t, "by id", listIDs(t, s, cg.CommitmentFilter{IDs: []string{id}}), c())
		sameIDs(t, "by actor", listIDs(t, s, cg.CommitmentFilter{ActorIDs: []string{"POL"}}), c(17))
		sameIDs(t, "by status", listIDs(t, s, cg.CommitmentFilter{Statuses: []cg.Status{cg.StatusRefused}}), c(5, 14))
		wantCells := []cg.MatrixCell{{ActorID: "POL", Kind: cg.OffersEquipment, Status: cg.StatusDelivered, Commitments: 1, EvidenceCount: 1}}
		if got := must(s.Matrix(ctx, cg.CommitmentFilter{ActorIDs: []string{"POL"}}, cg.MatrixPage{}))(t); !slices.Equal(got.Cells(), wantCells) {
			t.Errorf("matrix:\n got %v\nwant %v", got, wantCells)
		}
		wantCounts := []cg.Count{{Kind: cg.RefusesTroops, Status: cg.StatusRefused, Count: 2}}
		if got := must(s.Counts(ctx, cg.CommitmentFilter{Kinds: []cg.EdgeKind{cg.RefusesTroops}}))(t); !slices.Equal(got, wantCounts) {
			t.Errorf("counts:\n got %v\nwant %v", got, wantCounts)
		}
		wantPaths := []cg.Path{
			path("POL UKR ITA", ePolEquipment, eItaSupports),
			path("POL UKR ITA", ePolEquipment, eItaRefuses),
			path("POL nato ITA", ePolNato, eItaNato),
		}
		if got := must(s.Paths(ctx, "POL", "ITA", cg.MaxHops))(t); !samePaths(got, wantPaths) {
			t.Errorf("paths:%s\nwant:%s", showPaths(got), showPaths(wantPaths))
		}
		g := must(s.Neighbourhood(ctx, "POL", 1))(t)
		sameIDs(t, "neighbourhood entities", entityIDs(g.Entities), []string{"POL", "UKR", "nato"})
		sameIDs(t, "neighbourhood commitments", commitmentIDs(g.Commitments), c(13, 17))
		sameIDs(t, "neighbourhood relations", relationIDs(g.Relations), []string{"r-pol-member-nato"})
	})

	t.Run("stays in reads as of before the retraction", func(t *testing.T) {
		before := ptr(ts("2025-08-27T09:59:59Z"))
		sameIDs(t, "as of before", listIDs(t, s, cg.CommitmentFilter{ActorIDs: []string{"POL"}, AsOf: before}), c(2, 17))
		sameVersion(t, "as of before", read(t, s, id, before), v1)
		// c05 cites src-b alone, known only from 1 September.
		wantCounts := []cg.Count{{Kind: cg.RefusesTroops, Status: cg.StatusRefused, Count: 2}}
		if got := must(s.Counts(ctx, cg.CommitmentFilter{Kinds: []cg.EdgeKind{cg.RefusesTroops}, AsOf: before}))(t); !slices.Equal(got, wantCounts) {
			t.Errorf("counts as of before:\n got %v\nwant %v", got, wantCounts)
		}
		if got := read(t, s, id, &meta.At); got != nil {
			t.Errorf("as of the retraction: got version %d, want none", got.Version)
		}
	})

	t.Run("a retracted commitment cannot change", func(t *testing.T) {
		before := snapshot(t, s)
		m := cg.WriteMeta{By: editor, At: ts("2025-08-28T00:00:00Z"), Reason: "again"}
		_, err := s.ChangeCommitment(ctx, cg.CommitmentChange{ID: id, BaseVersion: 2, Status: cg.StatusWithdrawn,
			Evidence: []cg.Evidence{{SourceID: "src-a", Quote: "q"}}}, m)
		wantError(t, err, cg.CodeConflict, "")
		_, err = s.RetractCommitment(ctx, id, 2, m)
		wantError(t, err, cg.CodeConflict, "")
		_, err = s.RecordCommitment(ctx, &v1, m)
		wantError(t, err, cg.CodeConflict, "id")
		unchanged(t, s, before)
	})

	t.Run("a retry returns the retraction", func(t *testing.T) {
		sameVersion(t, "retry", must(s.RetractCommitment(ctx, id, 1, meta))(t), want)
		sameHistory(t, s, id, v1, want)
	})
}

// onLine is ev as a store keeps it: with the line of its source's text
// where the quote is.
func onLine(ev cg.Evidence, line int) cg.Evidence {
	ev.Line = line
	return ev
}
