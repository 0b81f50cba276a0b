package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// testAsOf asks what Poland had committed at several moments while a new
// troop offer of its moves from CONSIDERING (effective 24 August) to
// OFFERED (28 August) to PLEDGED (2 September). "As of" is as known then:
// a written version from its effectiveAt, a curated fact from the end of
// the latest day its earliest source may have been published (src-c from
// 13 August, src-a from 21 August, src-b, dated only to August, from 1
// September), whatever the fact's own date, dated or not.
func testAsOf(t *testing.T, s cg.WritableStore) {
	ctx := t.Context()
	id := "c30-pol-troops"
	m1 := cg.WriteMeta{By: editor, At: ts("2025-08-25T08:00:00Z"), EffectiveAt: ts("2025-08-24T00:00:00Z"), Reason: "first report"}
	v1 := must(s.RecordCommitment(ctx, &cg.Commitment{ID: id, Kind: cg.OffersTroops, ActorID: "POL", TargetID: "UKR",
		Status: cg.StatusConsidering, Date: cg.MustDate("2025-08-20"),
		Evidence: []cg.Evidence{{SourceID: "src-b", Quote: "Poland is considering troops"}}}, m1))(t)
	m2 := cg.WriteMeta{By: editor, At: ts("2025-08-28T12:00:00Z"), EffectiveAt: ts("2025-08-28T00:00:00Z"), Reason: "offer made"}
	v2 := must(s.ChangeCommitment(ctx, cg.CommitmentChange{ID: id, BaseVersion: 1, Status: cg.StatusOffered,
		Evidence: []cg.Evidence{{SourceID: "src-a", Quote: "Poland offered a battalion"}}}, m2))(t)
	m3 := cg.WriteMeta{By: editor, At: ts("2025-09-02T09:00:00Z"), EffectiveAt: ts("2025-09-02T00:00:00Z"), Reason: "pledged"}
	v3 := must(s.ChangeCommitment(ctx, cg.CommitmentChange{ID: id, BaseVersion: 2, Status: cg.StatusPledged, Date: ptr(cg.MustDate("2025-09-02")),
		Evidence: []cg.Evidence{{SourceID: "src-c", Quote: "Poland pledged a battalion"}}}, m3))(t)
	if v1.Version != 1 || v2.Version != 2 || v3.Version != 3 {
		t.Fatalf("versions %d, %d, %d; want 1, 2, 3", v1.Version, v2.Version, v3.Version)
	}
	versions := []*cg.Commitment{nil, v1, v2, v3}
	c02, c17 := c(2)[0], c(17)[0]
	pol := []string{"POL"}

	t.Run("what had Poland committed", func(t *testing.T) {
		for _, tc := range []struct {
			asOf    string // "" is now
			want    []string
			version int // of c30 in effect; 0 when absent
		}{
			{"2025-08-12T23:59:59Z", nil, 0}, // src-c may not be out yet
			{"2025-08-13T00:00:00Z", []string{c17}, 0},
			{"2025-08-20T23:59:59Z", []string{c17}, 0}, // c02 is dated August, but src-a is of the 20th; c30 is dated the 20th but took effect on the 24th
			{"2025-08-21T00:00:00Z", []string{c02, c17}, 0},
			{"2025-08-23T23:59:59.999Z", []string{c02, c17}, 0},
			{"2025-08-24T00:00:00Z", []string{c02, c17, id}, 1},
			{"2025-08-27T23:59:59Z", []string{c02, c17, id}, 1},
			{"2025-08-28T00:00:00Z", []string{c02, c17, id}, 2},
			{"2025-09-05T00:00:00Z", []string{c02, c17, id}, 3},
			{"", []string{c02, c17, id}, 3},
		} {
			t.Run(tc.asOf, func(t *testing.T) {
				var asOf *time.Time
				if tc.want == nil {
					tc.want = []string{}
				}
				if tc.asOf != "" {
					asOf = ptr(ts(tc.asOf))
				}
				sameIDs(t, "commitments", listIDs(t, s, cg.CommitmentFilter{ActorIDs: pol, AsOf: asOf}), tc.want)
				got := read(t, s, id, asOf)
				switch {
				case tc.version == 0 && got != nil:
					t.Errorf("%s: got version %d, want none", id, got.Version)
				case tc.version > 0:
					sameVersion(t, id, got, *versions[tc.version])
				}
			})
		}
	})

	t.Run("filters apply to the version in effect", func(t *testing.T) {
		aug30, sep5 := ptr(ts("2025-08-30T00:00:00Z")), ptr(ts("2025-09-05T00:00:00Z"))
		for _, tc := range []struct {
			name string
			f    cg.CommitmentFilter
			want []string
		}{
			{"status then", cg.CommitmentFilter{ActorIDs: pol, Statuses: []cg.Status{cg.StatusOffered}, AsOf: aug30}, []string{id}},
			{"status later", cg.CommitmentFilter{ActorIDs: pol, Statuses: []cg.Status{cg.StatusOffered}, AsOf: sep5}, nil},
			{"source not yet cited", cg.CommitmentFilter{ActorIDs: pol, SourceIDs: []string{"src-c"}, AsOf: aug30}, []string{c17}},
			{"source cited", cg.CommitmentFilter{ActorIDs: pol, SourceIDs: []string{"src-c"}, AsOf: sep5}, []string{c17, id}},
			{"old date", cg.CommitmentFilter{ActorIDs: pol, From: cg.MustDate("2025-09"), AsOf: aug30}, nil},
			{"new date", cg.CommitmentFilter{ActorIDs: pol, From: cg.MustDate("2025-09"), AsOf: sep5}, []string{id}},
			{"ids", cg.CommitmentFilter{IDs: []string{id, c(1)[0], id, "nope"}, AsOf: aug30}, []string{c(1)[0], id}},
			{"ids, not yet in effect", cg.CommitmentFilter{IDs: []string{id, c(1)[0]}, AsOf: ptr(ts("2025-08-19T00:00:00Z"))}, nil},
			{"long ago nothing, undated or not", cg.CommitmentFilter{AsOf: ptr(ts("2000-01-01T00:00:00Z"))}, nil},
			{"once src-c is out, its facts, undated ones too", cg.CommitmentFilter{AsOf: ptr(ts("2025-08-13T00:00:00Z"))}, c(3, 6, 7, 9, 11, 13, 17, 19, 21)},
			// c01 and c14 also cite src-a; c30 is a write, known from its effectiveAt.
			{"a month-precision source counts from the month's end", cg.CommitmentFilter{SourceIDs: []string{"src-b"}, AsOf: ptr(ts("2025-08-31T23:59:59Z"))}, append(c(1, 14), id)},
			// c06, dated 2025, held in August too; c12 and c16, held then, were not yet known.
			{"held in August, known by the 21st", cg.CommitmentFilter{From: cg.MustDate("2025-08"), To: cg.MustDate("2025-08"), AsOf: ptr(ts("2025-08-21T00:00:00Z"))}, c(1, 2, 3, 6, 8, 10, 11, 14, 15, 18)},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if tc.want == nil {
					tc.want = []string{}
				}
				sameIDs(t, "commitments", listIDs(t, s, tc.f), tc.want)
			})
		}
		mc := func(kind cg.EdgeKind, status cg.Status, n, ev int) cg.MatrixCell {
			return cg.MatrixCell{ActorID: "POL", Kind: kind, Status: status, Commitments: n, EvidenceCount: ev}
		}
		wantCells := []cg.MatrixCell{mc(cg.OffersTroops, cg.StatusOffered, 1, 2), mc(cg.RefusesTroops, cg.StatusRefused, 1, 1),
			mc(cg.OffersEquipment, cg.StatusDelivered, 1, 1)}
		got := must(s.Matrix(ctx, cg.CommitmentFilter{ActorIDs: pol, AsOf: aug30}, cg.MatrixPage{}))(t)
		if !slices.Equal(got.Cells(), wantCells) {
			t.Errorf("matrix as of 30 August:\n got %v\nwant %v", got.Cells(), wantCells)
		}
		sameIDs(t, "matrix actors as of 30 August", rowIDs(got), pol)
		// The related sources are those of the versions in effect: c02
		// cites src-a; c30, from 24 August, src-b, and src-c only from its
		// third version.
		for _, tc := range []struct {
			asOf    *time.Time
			sources []string
		}{
			{ptr(ts("2025-08-21T00:00:00Z")), []string{"src-a"}},
			{aug30, []string{"src-a", "src-b"}},
			{sep5, []string{"src-a", "src-b", "src-c"}},
		} {
			p := must(s.Commitments(ctx, cg.CommitmentFilter{ActorIDs: pol, Kinds: []cg.EdgeKind{cg.OffersTroops, cg.RefusesTroops}, AsOf: tc.asOf},
				cg.Page{}))(t)
			sameIDs(t, "related entities", entityIDs(p.Entities), []string{"POL", "UKR"})
			sameIDs(t, "related sources", sourceIDs(p.Sources), tc.sources)
		}
		// c12 cites src-b alone, not yet known on the 25th.
		wantCounts := []cg.Count{{Kind: cg.OffersTroops, Status: cg.StatusProposed, Count: 1},
			{Kind: cg.OffersTroops, Status: cg.StatusConsidering, Count: 1}, {Kind: cg.OffersTroops, Status: cg.StatusOffered, Count: 1}}
		if got := must(s.Counts(ctx, cg.CommitmentFilter{Kinds: []cg.EdgeKind{cg.OffersTroops}, AsOf: ptr(ts("2025-08-25T00:00:00Z"))}))(t); !slices.Equal(got, wantCounts) {
			t.Errorf("counts as of 25 August:\n got %v\nwant %v", got, wantCounts)
		}
	})

	// As of midday on 19 August: the curated facts src-c states (known
	// from the 13th), dated or not; not src-a's nor src-b's, not c30.
	t.Run("pagination", func(t *testing.T) {
		asOf := ptr(ts("2025-08-19T12:00:00Z"))
		f := cg.CommitmentFilter{AsOf: asOf}
		for _, tc := range []struct {
			o    cg.CommitmentOrder
			want []string
		}{
			{cg.OrderDateAsc, c(17, 6, 21, 9, 19, 3, 11, 7, 13)},
			{cg.OrderDateDesc, c(3, 11, 19, 9, 21, 6, 17, 7, 13)},
			{cg.OrderID, c(3, 6, 7, 9, 11, 13, 17, 19, 21)},
		} {
			for _, first := range []int{1, 2, 4, 8, 9, 10} {
				t.Run(fmt.Sprintf("%s/first=%d", tc.o, first), func(t *testing.T) { walk(t, s, f, tc.o, first, tc.want) })
			}
		}
		// The version in effect orders: as of 30 August c30 sorts by its
		// 20 August date, as of now by 2 September.
		for _, tc := range []struct {
			asOf *time.Time
			want []string
		}{
			{ptr(ts("2025-08-30T00:00:00Z")), append(c(15, 8, 1, 14, 18), id, c(3)[0])}, // c16 cites src-b alone
			{nil, append([]string{id}, c(15, 8, 16, 1, 14, 18)...)},
		} {
			p := must(s.Commitments(ctx, cg.CommitmentFilter{AsOf: tc.asOf}, cg.Page{First: 7, Order: cg.OrderDateDesc}))(t)
			sameIDs(t, "latest seven", commitmentIDs(p.Commitments), tc.want)
		}
		p := must(s.Commitments(ctx, cg.CommitmentFilter{AsOf: ptr(ts("2025-08-30T00:00:00Z"))},
			cg.Page{First: 2, Order: cg.OrderDateDesc, After: cg.EncodeCursor(v2, cg.OrderDateDesc)}))(t)
		sameIDs(t, "after c30 as of 30 August", commitmentIDs(p.Commitments), c(3, 10))
		p = must(s.Commitments(ctx, cg.CommitmentFilter{}, cg.Page{First: 2, Order: cg.OrderDateDesc, After: cg.EncodeCursor(v3, cg.OrderDateDesc)}))(t)
		sameIDs(t, "after c30 now", commitmentIDs(p.Commitments), c(15, 8))
	})

	// What changed between two "as known at" reads: the store gives its
	// version steps, the domain picks and classifies them.
	t.Run("what changed", func(t *testing.T) {
		steps := must(s.VersionSteps(ctx, ptr(ts("2025-08-23T00:00:00Z")), ptr(ts("2025-09-05T00:00:00Z"))))(t)
		srcs := must(s.Sources(ctx, nil))(t)
		source := func(id string) *cg.Source {
			for _, x := range srcs {
				if x.ID == id {
					return x
				}
			}
			return nil
		}
		type change struct {
			kind    cg.VersionChangeKind
			id      string
			version int
		}
		for _, tc := range []struct {
			name         string
			since, until string
			filter       cg.CommitmentFilter
			want         []change
		}{
			// src-b, dated August, is out on 1 September: its facts are new then.
			{"c30's life and src-b's facts", "2025-08-23T00:00:00Z", "2025-09-05T00:00:00Z", cg.CommitmentFilter{}, []change{
				{cg.VersionNew, id, 1}, {cg.VersionStatusChanged, id, 2},
				{cg.VersionNew, c(4)[0], 1}, {cg.VersionNew, c(5)[0], 1}, {cg.VersionNew, c(12)[0], 1}, {cg.VersionNew, c(16)[0], 1}, {cg.VersionNew, c(20)[0], 1},
				{cg.VersionStatusChanged, id, 3}}},
			{"filtered like commitments", "2025-08-23T00:00:00Z", "2025-09-05T00:00:00Z", cg.CommitmentFilter{ActorIDs: pol}, []change{
				{cg.VersionNew, id, 1}, {cg.VersionStatusChanged, id, 2}, {cg.VersionStatusChanged, id, 3}}},
			{"since is exclusive, until inclusive", "2025-08-24T00:00:00Z", "2025-08-28T00:00:00Z", cg.CommitmentFilter{}, []change{
				{cg.VersionStatusChanged, id, 2}}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				since, until := ptr(ts(tc.since)), ptr(ts(tc.until))
				steps := must(s.VersionSteps(ctx, since, until))(t)
				page := must(cg.VersionChanges(steps, source, cg.ChangesQuery{Since: since, Until: until, Filter: tc.filter}))(t)
				var got []change
				for _, ch := range page.Changes {
					got = append(got, change{ch.Kind, ch.Version.ID, ch.Version.Version})
				}
				if !slices.Equal(got, tc.want) {
					t.Errorf("changes:\n got %v\nwant %v", got, tc.want)
				}
			})
		}
		if len(steps) == 0 {
			t.Error("no version steps")
		}
		for _, st := range steps {
			if st.Version.ID == id && st.Version.Version == 3 && (st.Previous == nil || st.Previous.Version != 2 || st.Previous.Status != cg.StatusOffered) {
				t.Errorf("step of %s v3: previous %+v, want v2 OFFERED", id, st.Previous)
			}
		}
	})
}
