package coalitiongraph_test

import (
	"errors"
	"strings"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/storetest"
)

func TestDatasetCheck(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(ds *cg.Dataset)
		want []string // each must appear in the message; none: valid
	}{
		{"the fixture", func(*cg.Dataset) {}, nil},
		{"nil dataset parts", func(ds *cg.Dataset) { *ds = cg.Dataset{} }, nil},
		{"versions 1 and 2", func(ds *cg.Dataset) {
			v2 := *ds.Commitments[0]
			v2.Version = 2
			ds.Commitments = append(ds.Commitments, &v2)
		}, nil},
		{"a lone version 0", func(ds *cg.Dataset) { ds.Commitments[0].Version = 0 }, nil},
		{"nil items", func(ds *cg.Dataset) {
			ds.Sources = append(ds.Sources, nil)
			ds.Claims = append(ds.Claims, nil)
		}, []string{"nil source", "nil claim"}},
		{"empty id", func(ds *cg.Dataset) { ds.Relations[0].ID = "" }, []string{"relation with an empty id"}},
		{"one id space", func(ds *cg.Dataset) { ds.Claims[0].ID = "ITA" }, []string{`duplicate id "ITA" (entity and claim)`}},
		{"a version twice", func(ds *cg.Dataset) {
			again := *ds.Commitments[0]
			ds.Commitments = append(ds.Commitments, &again)
		}, []string{`duplicate id "c01-fra-troops" or a gap in its versions`}},
		{"a gap", func(ds *cg.Dataset) { ds.Commitments[1].Version = 3 }, []string{"gap in its versions (version 3 where 1 belongs)"}},
		{"vocabulary", func(ds *cg.Dataset) {
			ds.Entities[0].Kind = "CITY"
			ds.Relations[0].Kind = cg.OffersTroops
			ds.Commitments[0].Kind = cg.MemberOf
			ds.Commitments[1].Status = "MAYBE"
		}, []string{`entity ITA: unknown kind "CITY"`, "is not a relation kind", "is not a commitment kind", `unknown status "MAYBE"`}},
		{"dates", func(ds *cg.Dataset) { ds.Entities[0].Date = cg.Date{Year: 2025, Month: 13} }, []string{"entity ITA: date", "is not a valid date"}},
		{"references", func(ds *cg.Dataset) {
			ds.Commitments[0].TargetID = "nope"
			ds.Commitments[0].StatedByID = "who"
			ds.Relations[0].FromID = "x"
			ds.Claims[0].SubjectID = "y"
			ds.Entities[0].Evidence = []cg.Evidence{{SourceID: "src-z"}}
		}, []string{`commitment c01-fra-troops: unknown target "nope"`, `unknown statedBy "who"`, `unknown from "x"`,
			`unknown subject "y"`, `entity ITA: evidence cites unknown source "src-z"`}},
		{"at most ten named", func(ds *cg.Dataset) {
			for _, c := range ds.Commitments[:12] {
				c.ActorID = "nobody"
			}
		}, []string{"; and 2 more"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds := storetest.Fixture()
			tc.edit(ds)
			err := ds.Check()
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Check = %v; want nil", err)
				}
				return
			}
			if cg.ErrorCode(err) != cg.CodeBadInput || !errors.Is(err, cg.ErrInvalidDataset) {
				t.Fatalf("Check = %v; want BAD_USER_INPUT wrapping ErrInvalidDataset", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Check = %v\nwant it to name %q", err, w)
				}
			}
		})
	}
	if err := (*cg.Dataset)(nil).Check(); err != nil {
		t.Errorf("nil dataset: %v", err)
	}
}
