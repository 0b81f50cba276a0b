package storetest

import (
	"reflect"
	"slices"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
)

func testPuts(t *testing.T, s cg.WritableStore) {
	ctx := t.Context()
	meta := cg.WriteMeta{By: editor, At: ts("2025-08-26T10:00:00Z"), Reason: "new in src-d"}
	sameEntity := func(what string, got *cg.Entity, want cg.Entity) {
		t.Helper()
		if got == nil {
			t.Errorf("%s: nil", what)
		} else if g, w := normEntity(*got), normEntity(want); !reflect.DeepEqual(g, w) {
			t.Errorf("%s:\n got %+v\nwant %+v", what, g, w)
		}
	}
	entity := func(id string) *cg.Entity {
		t.Helper()
		es := must(s.Entities(ctx, cg.EntityFilter{IDs: []string{id}}))(t)
		if len(es) != 1 {
			t.Fatalf("entity %s: %d found", id, len(es))
		}
		return es[0]
	}
	search := func(q string) []string {
		t.Helper()
		return entityIDs(must(s.Entities(ctx, cg.EntityFilter{Search: q}))(t))
	}

	// Sources first: the new entity cites the new source.
	src := cg.Source{ID: "src-d", File: "d.txt", Outlet: "Gazeta D", Title: "Warsaw decides", Published: cg.MustDate("2025-08-26"),
		Text: "Warsaw decides.\nTusk said Poland will send a brigade.\nCanada offered to co-host the talks.\n"}
	if got := must(s.PutSource(ctx, &src, meta))(t); *got != src {
		t.Errorf("created source %+v, want %+v", *got, src)
	}
	sameIDs(t, "sources", sourceIDs(must(s.Sources(ctx, nil))(t)), []string{"src-a", "src-b", "src-c", "src-d"})
	src2 := src
	src2.Title, src2.Published = "Warsaw decides on troops", cg.MustDate("2025-08")
	must(s.PutSource(ctx, &src2, meta))(t)
	if got := must(s.Sources(ctx, []string{"src-d"}))(t); len(got) != 1 || *got[0] != src2 {
		t.Errorf("replaced source: got %v, want %+v", got, src2)
	}

	tusk := cg.Entity{ID: "tusk", Kind: cg.KindPerson, Name: "Donald Tusk", Aliases: []string{"Donek"},
		Description: "Prime Minister of Poland.", Evidence: []cg.Evidence{{SourceID: "src-d", Quote: "Tusk said", AttributedTo: "PAP", Line: 2}}}
	putMeta := meta
	putMeta.RequestID = "req-put-tusk"
	in := tusk
	in.Aliases = slices.Clone(tusk.Aliases)
	first := must(s.PutEntity(ctx, &in, putMeta))(t)
	sameEntity("created", first, tusk)
	in.Aliases[0] = "changed by the caller"
	sameEntity("read back", entity("tusk"), tusk)
	sameIDs(t, "search by alias", search("donek"), []string{"tusk"})
	sameIDs(t, "people", entityIDs(must(s.Entities(ctx, cg.EntityFilter{Kinds: []cg.EntityKind{cg.KindPerson}}))(t)), []string{"macron", "meloni", "tusk"})

	t.Run("replace", func(t *testing.T) {
		repl := cg.Entity{ID: "tusk", Kind: cg.KindPerson, Name: "Donald Franciszek Tusk", Aliases: []string{"Polish PM"}}
		sameEntity("replaced", must(s.PutEntity(ctx, &repl, meta))(t), repl)
		sameEntity("read back", entity("tusk"), repl)
		sameIDs(t, "old alias", search("donek"), []string{})
		sameIDs(t, "new alias", search("polish pm"), []string{"tusk"})
		sameIDs(t, "new name", search("franciszek"), []string{"tusk"})
		sameEntity("the value returned before", first, tusk)
		// A retry of the first put returns what it stored, not the
		// replacement.
		sameEntity("retry", must(s.PutEntity(ctx, &tusk, putMeta))(t), tusk)
		sameEntity("after the retry", entity("tusk"), repl)
	})

	t.Run("kind cannot change", func(t *testing.T) {
		before := snapshot(t, s)
		_, err := s.PutEntity(ctx, &cg.Entity{ID: "tusk", Kind: cg.KindCountry, Name: "Tusk"}, meta)
		wantError(t, err, cg.CodeBadInput, "kind")
		unchanged(t, s, before)
	})

	t.Run("new entities and source in new commitments", func(t *testing.T) {
		must(s.PutEntity(ctx, &cg.Entity{ID: "CAN", Kind: cg.KindCountry, Name: "Canada", Aliases: []string{"Ottawa"}}, meta))(t)
		must(s.PutEntity(ctx, &cg.Entity{ID: "ev-warsaw", Kind: cg.KindEvent, Name: "Warsaw conference", Date: cg.MustDate("2025-09")}, meta))(t)
		must(s.RecordCommitment(ctx, &cg.Commitment{ID: "c31-pol-troops", Kind: cg.OffersTroops, ActorID: "POL", TargetID: "UKR",
			Status: cg.StatusPledged, StatedByID: "tusk", Evidence: []cg.Evidence{{SourceID: "src-d", Quote: "Poland will send a brigade"}}}, meta))(t)
		must(s.RecordCommitment(ctx, &cg.Commitment{ID: "c32-can-venue", Kind: cg.OffersVenue, ActorID: "CAN", TargetID: "ev-warsaw",
			Status: cg.StatusOffered, Evidence: []cg.Evidence{{SourceID: "src-d", Quote: "Canada offered to co-host"}}}, meta))(t)
		sameIDs(t, "stated by", listIDs(t, s, cg.CommitmentFilter{StatedByIDs: []string{"tusk"}}), []string{"c31-pol-troops"})
		sameIDs(t, "source", listIDs(t, s, cg.CommitmentFilter{SourceIDs: []string{"src-d"}}), []string{"c31-pol-troops", "c32-can-venue"})
		sameIDs(t, "actor", listIDs(t, s, cg.CommitmentFilter{ActorIDs: []string{"CAN"}}), []string{"c32-can-venue"})
		sameIDs(t, "target", listIDs(t, s, cg.CommitmentFilter{TargetIDs: []string{"ev-warsaw"}}), []string{"c32-can-venue"})
		e := cg.EdgeRef{ID: "c32-can-venue", Kind: cg.OffersVenue, FromID: "CAN", ToID: "ev-warsaw"}
		if got, want := must(s.Paths(ctx, "CAN", "ev-warsaw", 2))(t), []cg.Path{path("CAN ev-warsaw", e)}; !samePaths(got, want) {
			t.Errorf("paths:%s\nwant:%s", showPaths(got), showPaths(want))
		}
		g := must(s.Neighbourhood(ctx, "CAN", 1))(t)
		sameIDs(t, "neighbourhood", append(entityIDs(g.Entities), commitmentIDs(g.Commitments)...), []string{"CAN", "ev-warsaw", "c32-can-venue"})
	})

	t.Run("replacing an actor keeps its edges", func(t *testing.T) {
		pol := cg.Entity{ID: "POL", Kind: cg.KindCountry, Name: "Republic of Poland", Aliases: []string{"Polish", "Warsaw", "Rzeczpospolita"}}
		must(s.PutEntity(ctx, &pol, meta))(t)
		sameEntity("read back", entity("POL"), pol)
		sameIDs(t, "search", search("rzeczpospolita"), []string{"POL"})
		sameIDs(t, "its commitments", listIDs(t, s, cg.CommitmentFilter{ActorIDs: []string{"POL"}}), append(c(2, 17), "c31-pol-troops"))
		g := must(s.Neighbourhood(ctx, "POL", 0))(t)
		if len(g.Entities) != 1 || g.Entities[0].Name != pol.Name {
			t.Errorf("neighbourhood of POL: %v, want the replaced entity alone", entityIDs(g.Entities))
		}
		if got := must(s.Paths(ctx, "POL", "ITA", cg.MaxHops))(t); len(got) != 7 {
			t.Errorf("paths POL → ITA:%s\nwant 7 (two more via c31)", showPaths(got))
		}
	})

	t.Run("puts keep versions", func(t *testing.T) {
		type version struct {
			Version    int
			Name       string
			RecordedBy string
			Reason     string
			Recorded   bool
		}
		entityHistory := func(id string) []version {
			t.Helper()
			var out []version
			for _, v := range must(s.EntityHistory(ctx, id))(t) {
				if !v.RecordedAt.IsZero() && !v.RecordedAt.Equal(meta.At) {
					t.Errorf("%s v%d recorded at %v, want %v", id, v.Version, v.RecordedAt, meta.At)
				}
				out = append(out, version{v.Version, v.Entity.Name, v.RecordedBy, v.Reason, !v.RecordedAt.IsZero()})
			}
			return out
		}
		sourceHistory := func(id string) []version {
			t.Helper()
			var out []version
			for _, v := range must(s.SourceHistory(ctx, id))(t) {
				if v.Source.Text == "" {
					t.Errorf("%s v%d has no text", id, v.Version)
				}
				out = append(out, version{v.Version, v.Source.Title, v.RecordedBy, v.Reason, !v.RecordedAt.IsZero()})
			}
			return out
		}
		put := func(n string) version { return version{0, n, editor, meta.Reason, true} }
		numbered := func(vs ...version) []version {
			for i := range vs {
				vs[i].Version = i + 1
			}
			return vs
		}
		curated := func(n string) version { return version{Name: n} }
		for _, tc := range []struct {
			name string
			got  []version
			want []version
		}{
			// Created by a put, replaced once; the retry of the first put
			// and the refused kind change added nothing.
			{"entity created and replaced", entityHistory("tusk"), numbered(put("Donald Tusk"), put("Donald Franciszek Tusk"))},
			// A rename keeps the curated name as version 1.
			{"curated entity renamed", entityHistory("POL"), numbered(curated("Poland"), put("Republic of Poland"))},
			{"curated entity never put", entityHistory("ITA"), numbered(curated("Italy"))},
			{"source created and replaced", sourceHistory("src-d"), numbered(put("Warsaw decides"), put("Warsaw decides on troops"))},
			{"curated source never put", sourceHistory("src-a"), numbered(curated("Guarantees talks"))},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if !reflect.DeepEqual(tc.got, tc.want) {
					t.Errorf("history\n got %+v\nwant %+v", tc.got, tc.want)
				}
			})
		}
		t.Run("a renamed source keeps its old file name", func(t *testing.T) {
			m := meta
			m.Reason = "the file was renamed"
			src3 := src2
			src3.File = "d-renamed.txt"
			must(s.PutSource(ctx, &src3, m))(t)
			h := must(s.SourceHistory(ctx, "src-d"))(t)
			if len(h) != 3 || h[1].Source.File != "d.txt" || h[2].Source.File != "d-renamed.txt" || h[2].Reason != m.Reason {
				t.Errorf("history of src-d after the rename: %+v", h)
			}
		})
		t.Run("unknown ids", func(t *testing.T) {
			_, err := s.EntityHistory(ctx, "nobody")
			wantError(t, err, cg.CodeNotFound, "id")
			_, err = s.SourceHistory(ctx, "src-z")
			wantError(t, err, cg.CodeNotFound, "id")
		})
	})
}
