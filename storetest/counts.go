package storetest

import (
	"reflect"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
)

func testCountsBy(t *testing.T, s cg.Store) {
	ctx := t.Context()
	fra := cg.CommitmentFilter{ActorIDs: []string{"FRA"}}
	for _, tc := range []struct {
		name string
		f    cg.CommitmentFilter
		by   []cg.CountDimension
		want []cg.GroupCount
	}{
		{"kind", cg.CommitmentFilter{ActorIDs: []string{"USA"}}, []cg.CountDimension{cg.ByKind}, []cg.GroupCount{
			{Kind: cg.Supports, Count: 1}, {Kind: cg.RefusesTroops, Count: 1}, {Kind: cg.OffersAirSupport, Count: 1}, {Kind: cg.OffersSupport, Count: 1}}},
		// c01 cites src-a twice and src-b once: once under each.
		{"source", fra, []cg.CountDimension{cg.BySource}, []cg.GroupCount{
			{SourceID: "src-a", Count: 3}, {SourceID: "src-b", Count: 1}, {SourceID: "src-c", Count: 3}}},
		// c19 is dated to the day, c09 to the month: both March.
		{"month", fra, []cg.CountDimension{cg.ByMonth}, []cg.GroupCount{
			{Month: "2025-02", Count: 1}, {Month: "2025-03", Count: 2}, {Month: "2025-08", Count: 3}}},
		// Year-dated (c06, c17) and undated (c07, c13, c20) have no month.
		{"month of the undated", cg.CommitmentFilter{IDs: c(6, 7, 13, 17, 20, 2)}, []cg.CountDimension{cg.ByMonth}, []cg.GroupCount{
			{Month: "2025-08", Count: 1}, {Month: "", Count: 5}}},
		{"actor and status", cg.CommitmentFilter{Kinds: []cg.EdgeKind{cg.RefusesTroops}}, []cg.CountDimension{cg.ByStatus, cg.ByActor}, []cg.GroupCount{
			{ActorID: "ITA", Status: cg.StatusRefused, Count: 1}, {ActorID: "POL", Status: cg.StatusRefused, Count: 1}, {ActorID: "USA", Status: cg.StatusRefused, Count: 1}}},
		{"no match", cg.CommitmentFilter{ActorIDs: []string{"nobody"}}, []cg.CountDimension{cg.ByActor}, []cg.GroupCount{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := must(s.CountsBy(ctx, tc.f, tc.by))(t)
			if len(got) == 0 {
				got = []cg.GroupCount{}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
	// Every combination agrees with the domain's definition over the
	// listing, now and as of a moment.
	early := time.Date(2025, 8, 19, 0, 0, 0, 0, time.UTC)
	for _, f := range []cg.CommitmentFilter{{}, {SourceIDs: []string{"src-b"}}, {AsOf: &early}} {
		for mask := 1; mask < 1<<len(cg.CountDimensions); mask++ {
			var by []cg.CountDimension
			for i, d := range cg.CountDimensions {
				if mask&(1<<i) != 0 {
					by = append(by, d)
				}
			}
			page := must(s.Commitments(ctx, f, cg.Page{}))(t)
			want := cg.GroupCommitments(page.Commitments, by)
			if got := must(s.CountsBy(ctx, f, by))(t); !reflect.DeepEqual(nonEmpty(got), nonEmpty(want)) {
				t.Errorf("%+v by %v:\n got %+v\nwant %+v", f, by, got, want)
			}
		}
	}
	for _, by := range [][]cg.CountDimension{nil, {"WEEK"}, {cg.ByKind, cg.ByKind}} {
		_, err := s.CountsBy(ctx, cg.CommitmentFilter{}, by)
		wantError(t, err, cg.CodeBadInput, "by")
	}
}

func nonEmpty(gs []cg.GroupCount) []cg.GroupCount {
	if len(gs) == 0 {
		return []cg.GroupCount{}
	}
	return gs
}
