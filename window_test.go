package coalitiongraph

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestApplyWindow(t *testing.T) {
	ids := []string{"a", "b", "c", "d", "e"}
	c := IDCursor
	for _, tc := range []struct {
		name       string
		w          Window
		want       string
		prev, next bool
	}{
		{"all", Window{}, "abcde", false, false},
		{"first", Window{First: 2}, "ab", false, true},
		{"first after", Window{First: 2, After: c("b")}, "cd", true, true},
		{"after the last", Window{After: c("e")}, "", true, false},
		{"after a gap", Window{First: 1, After: c("bb")}, "c", true, true},
		{"last", Window{Last: 2}, "de", true, false},
		{"last before", Window{Last: 2, Before: c("d")}, "bc", true, true},
		{"before the first", Window{Before: c("a")}, "", false, true},
		{"between", Window{After: c("a"), Before: c("e")}, "bcd", true, true},
		{"crossed cursors", Window{After: c("d"), Before: c("b")}, "", true, true},
		{"first and last", Window{First: 4, Last: 2}, "cd", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Apply(ids, tc.w, IDCursors(func(s string) string { return s }))
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(p.Items, ""); got != tc.want || p.HasPrevious != tc.prev || p.HasNext != tc.next || p.Total != 5 {
				t.Errorf("got %q prev %v next %v total %d; want %q prev %v next %v", got, p.HasPrevious, p.HasNext, p.Total, tc.want, tc.prev, tc.next)
			}
		})
	}
}

func TestApplyWindowRefuses(t *testing.T) {
	id := func(s string) string { return s }
	for _, tc := range []struct {
		w     Window
		field string
	}{
		{Window{First: -1}, "first"},
		{Window{Last: -1}, "last"},
		{Window{After: "nope"}, "after"},
		{Window{Before: "nope"}, "before"},
		{Window{After: EncodeCursor(&Commitment{ID: "a"}, OrderDateAsc)}, "after"},
	} {
		_, err := Apply([]string{"a"}, tc.w, IDCursors(id))
		var e *Error
		if !errors.As(err, &e) || e.Code != CodeBadInput || e.Field != tc.field {
			t.Errorf("%+v: %v, want BAD_USER_INPUT on %s", tc.w, err, tc.field)
		}
	}
}

// Paging a commitment listing forward and backward with its cursors visits
// every commitment once, in the order.
func TestApplyCommitmentWindowsCoverTheListing(t *testing.T) {
	cs := []*Commitment{{ID: "c3", Date: MustDate("2025-08")}, {ID: "c1", Date: MustDate("2025-08-19")}, {ID: "c2", Date: MustDate("2025-08-19")}, {ID: "c0"}}
	for _, order := range []CommitmentOrder{OrderDateAsc, OrderDateDesc, OrderID} {
		sorted := slices.Clone(cs)
		slices.SortFunc(sorted, CompareCommitments(order))
		var fwd, back []*Commitment
		for w := (Window{First: 1}); ; {
			p, err := Apply(sorted, w, CommitmentCursors(order, nil))
			if err != nil {
				t.Fatal(err)
			}
			fwd = append(fwd, p.Items...)
			if !p.HasNext {
				break
			}
			w.After = EncodeCursor(p.Items[len(p.Items)-1], order)
		}
		for w := (Window{Last: 1}); ; {
			p, err := Apply(sorted, w, CommitmentCursors(order, nil))
			if err != nil {
				t.Fatal(err)
			}
			back = append(p.Items, back...)
			if !p.HasPrevious {
				break
			}
			w.Before = EncodeCursor(p.Items[0], order)
		}
		if !slices.Equal(fwd, sorted) || !slices.Equal(back, sorted) {
			t.Errorf("%s: forward %v, backward %v, want %v", order, fwd, back, sorted)
		}
	}
}

func TestVersionCursors(t *testing.T) {
	vs := []int{1, 2, 3, 10}
	p, err := Apply(vs, Window{After: VersionCursor(2)}, VersionCursors(func(v int) int { return v }))
	if err != nil || !slices.Equal(p.Items, []int{3, 10}) {
		t.Errorf("after version 2: %v, %v", p, err)
	}
	if _, err := Apply(vs, Window{After: IDCursor("x")}, VersionCursors(func(v int) int { return v })); err == nil {
		t.Error("an id cursor was taken for a version cursor")
	}
}
