package coalitiongraph

import (
	"encoding/base64"
	"errors"
	"slices"
	"testing"
)

func TestCursorRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		c     Commitment
		order CommitmentOrder
		want  CursorKey
	}{
		{Commitment{ID: "c1", Date: MustDate("2025-08-20")}, OrderDateAsc, CursorKey{Order: OrderDateAsc, Date: MustDate("2025-08-20"), ID: "c1"}},
		{Commitment{ID: "c1", Date: MustDate("2025-08")}, OrderDateDesc, CursorKey{Order: OrderDateDesc, Date: MustDate("2025-08"), ID: "c1"}},
		{Commitment{ID: "c1", Date: MustDate("2025")}, "", CursorKey{Order: OrderDateAsc, Date: MustDate("2025"), ID: "c1"}},
		{Commitment{ID: "c1"}, OrderDateAsc, CursorKey{Order: OrderDateAsc, Date: Date{}, ID: "c1"}},
		{Commitment{ID: "c|1", Date: MustDate("2025-08-20")}, OrderID, CursorKey{Order: OrderID, ID: "c|1"}},
		{Commitment{ID: "c1", ActorID: "a", Date: MustDate("2025-08-20")}, OrderActorName, CursorKey{Order: OrderActorName, Date: MustDate("2025-08-20"), ID: "c1"}},
		{Commitment{ID: "c1", Evidence: []Evidence{{SourceID: "s1"}, {SourceID: "s1"}, {SourceID: "s2"}}}, OrderEvidenceCountDesc, CursorKey{Order: OrderEvidenceCountDesc, Count: 3, ID: "c1"}},
		{Commitment{ID: "c1", Evidence: []Evidence{{SourceID: "s1"}, {SourceID: "s1"}, {SourceID: "s2"}}, Date: MustDate("2025")}, OrderSourceCountDesc, CursorKey{Order: OrderSourceCountDesc, Count: 2, Date: MustDate("2025"), ID: "c1"}},
	} {
		s := EncodeCursor(&tc.c, tc.order)
		got, err := DecodeCursor(s, tc.order)
		if err != nil || got != tc.want {
			t.Errorf("%+v %s: decoded %+v, %v; want %+v", tc.c, tc.order, got, err, tc.want)
		}
		if got.Key() != SortKey(&tc.c, tc.order) {
			t.Errorf("%+v %s: Key %q, SortKey %q", tc.c, tc.order, got.Key(), SortKey(&tc.c, tc.order))
		}
	}
}

// The stores compare dates numerically; other backends may compare the
// SortKey strings. Both must give one order.
func TestDateComparisonAgreesWithKeys(t *testing.T) {
	dates := []Date{{}, {Year: 1994}, {Year: 2024}, {Year: 2025}, {Year: 2025, Month: 1}, {Year: 2025, Month: 1, Day: 1},
		{Year: 2025, Month: 1, Day: 31}, {Year: 2025, Month: 2}, {Year: 2025, Month: 10}, {Year: 2025, Month: 10, Day: 2}, {Year: 2025, Month: 12, Day: 31}}
	for _, order := range []CommitmentOrder{OrderDateAsc, OrderDateDesc, OrderID} {
		for _, a := range dates {
			for _, b := range dates {
				for _, ids := range [][2]string{{"a", "b"}, {"b", "a"}, {"a", "a"}} {
					ca, cb := &Commitment{ID: ids[0], Date: a}, &Commitment{ID: ids[1], Date: b}
					got := CompareCommitments(order)(ca, cb)
					want := CompareKeys(order, SortKey(ca, order), ca.ID, SortKey(cb, order), cb.ID)
					if sign(got) != sign(want) {
						t.Errorf("%s %v/%s vs %v/%s: %d, keys say %d", order, a, ids[0], b, ids[1], got, want)
					}
					k, err := DecodeCursor(EncodeCursor(ca, order), order)
					if err != nil || k.Before(cb) != (want < 0) {
						t.Errorf("%s cursor at %v/%s Before %v/%s = %v, want %v (%v)", order, a, ids[0], b, ids[1], k.Before(cb), want < 0, err)
					}
				}
			}
		}
	}
}

func sign(n int) int { return min(max(n, -1), 1) }

func TestUnknownDatesLastBothWays(t *testing.T) {
	cs := []*Commitment{{ID: "u2"}, {ID: "d", Date: MustDate("2025-08-20")}, {ID: "u1"}, {ID: "m", Date: MustDate("2025-08")}, {ID: "y", Date: MustDate("2025")}}
	for order, want := range map[CommitmentOrder][]string{
		OrderDateAsc:  {"y", "m", "d", "u1", "u2"},
		OrderDateDesc: {"d", "m", "y", "u1", "u2"},
		OrderID:       {"d", "m", "u1", "u2", "y"},
	} {
		sorted := slices.Clone(cs)
		slices.SortFunc(sorted, CompareCommitments(order))
		var got []string
		for _, c := range sorted {
			got = append(got, c.ID)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", order, got, want)
		}
	}
}

func TestDecodeCursorRejects(t *testing.T) {
	good := EncodeCursor(&Commitment{ID: "c1", Date: MustDate("2025-08-20")}, OrderDateAsc)
	for name, tc := range map[string]struct {
		s     string
		order CommitmentOrder
	}{
		"empty":          {"", OrderDateAsc},
		"not base64":     {"%%%", OrderDateAsc},
		"other order":    {good, OrderDateDesc},
		"padded":         {good + "=", OrderDateAsc},
		"no id":          {raw("v1|DATE_ASC|2025|"), OrderDateAsc},
		"too few parts":  {raw("v1|DATE_ASC|c1"), OrderDateAsc},
		"bad date":       {raw("v1|DATE_ASC|2025-8|c1"), OrderDateAsc},
		"word for date":  {raw("v1|DATE_ASC|unknown|c1"), OrderDateAsc},
		"key in ID":      {raw("v1|ID|2025|c1"), OrderID},
		"future version": {raw("v2|DATE_ASC|2025|c1"), OrderDateAsc},
	} {
		_, err := DecodeCursor(tc.s, tc.order)
		var e *Error
		if err == nil || ErrorCode(err) != CodeBadInput || !errors.As(err, &e) || e.Field != "after" {
			t.Errorf("%s: %v, want a BAD_USER_INPUT error of field after", name, err)
		}
	}
}

func raw(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func TestNamedCursorRoundTrip(t *testing.T) {
	for _, name := range []string{"", "france", "a|b~c", "žižek"} {
		c := &Commitment{ID: "c1", Date: MustDate("2025-08")}
		got, err := DecodeCursor(EncodeCursorNamed(c, OrderActorName, name), OrderActorName)
		want := CursorKey{Order: OrderActorName, Name: name, Date: c.Date, ID: "c1"}
		if err != nil || got != want {
			t.Errorf("%q: decoded %+v, %v; want %+v", name, got, err, want)
		}
	}
}
