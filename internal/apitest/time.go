package apitest

import (
	"net/http"
	"slices"
	"testing"
	"time"
)

// timeAxes checks the curated dataset's two time axes through the API:
// "as known at" an instant shows only facts some source stating them was
// out by then, and the timeline orders dates as intervals, undated
// entries apart.
func timeAxes(t *testing.T, h http.Handler) {
	type source struct {
		ID        string
		KnownFrom *time.Time
		Published *struct{ Text string }
		NotBefore *struct{ Start string } `json:"publishedNotBefore"`
	}
	var all struct {
		Sources     []source
		Commitments struct {
			Nodes []struct {
				ID        string
				KnownFrom *time.Time
				Sources   []source
			}
		}
	}
	MustData(t, Post(t, h, `{ sources { id knownFrom published { text } publishedNotBefore { start } }
  commitments(first: 100) { nodes { id knownFrom sources { id knownFrom } } } }`, nil), &all)

	asOf := func(t *testing.T, at time.Time) []string {
		t.Helper()
		var data struct {
			Commitments struct{ Nodes []struct{ ID string } }
		}
		MustData(t, Post(t, h, `query($t: Time) { commitments(filter: {asOf: $t}, first: 100) { nodes { id } } }`,
			map[string]any{"t": at.Format(time.RFC3339Nano)}), &data)
		var ids []string
		for _, n := range data.Commitments.Nodes {
			ids = append(ids, n.ID)
		}
		return ids
	}

	// Item 8 of issue 12: as known at any instant before a source could
	// have been published (its earliest day, or the instant before it counts
	// as known), none of its facts shows, unless another source stating
	// the fact was out by then.
	t.Run("nothing before its source", func(t *testing.T) {
		for _, src := range all.Sources {
			var instants []time.Time
			if src.KnownFrom != nil {
				instants = append(instants, src.KnownFrom.Add(-time.Nanosecond))
			}
			if src.NotBefore != nil {
				day, _ := time.Parse(time.DateOnly, src.NotBefore.Start)
				instants = append(instants, day.Add(-time.Nanosecond))
			}
			for _, at := range instants {
				shown := asOf(t, at)
				for _, c := range all.Commitments.Nodes {
					if !slices.Contains(shown, c.ID) {
						continue
					}
					var byOther bool
					for _, s := range c.Sources {
						byOther = byOther || (s.ID != src.ID && s.KnownFrom != nil && !s.KnownFrom.After(at))
					}
					if !byOther && slices.ContainsFunc(c.Sources, func(s source) bool { return s.ID == src.ID }) {
						t.Errorf("as of %s, %s shows though only %s, not yet out, states it", at.Format(time.RFC3339Nano), c.ID, src.ID)
					}
				}
			}
		}
	})

	t.Run("as known at", func(t *testing.T) {
		var byDay19, at20200101 []string // nothing was known in 2020
		for _, c := range all.Commitments.Nodes {
			if c.KnownFrom != nil && !c.KnownFrom.After(time.Date(2025, 8, 19, 23, 59, 59, 0, time.UTC)) {
				byDay19 = append(byDay19, c.ID)
			}
		}
		if len(byDay19) == 0 {
			t.Fatal("nothing in the dataset is known by 19 August; src-003 (out by 17 August) should be")
		}
		for _, tc := range []struct {
			name  string
			at    time.Time
			want  []string
			not   []string
			exact bool
		}{
			// src-000, dated 2025-08-21, first reports Poland's refusal.
			{name: "Poland's refusal not before its article", at: time.Date(2025, 8, 21, 23, 59, 59, 0, time.UTC), not: []string{"c-pol-refuses-troops"}},
			{name: "Poland's refusal once out", at: time.Date(2025, 8, 22, 0, 0, 0, 0, time.UTC), want: []string{"c-pol-refuses-troops"}},
			// The undated "about 10 European states" is not known always.
			{name: "long before, nothing", at: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), want: at20200101, exact: true},
			{name: "reported by 19 August", at: time.Date(2025, 8, 19, 23, 59, 59, 0, time.UTC), want: byDay19, exact: true},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got := asOf(t, tc.at)
				for _, id := range tc.not {
					if slices.Contains(got, id) {
						t.Errorf("%s shows as of %s", id, tc.at)
					}
				}
				for _, id := range tc.want {
					if !slices.Contains(got, id) {
						t.Errorf("%s missing as of %s (got %v)", id, tc.at, got)
					}
				}
				if tc.exact && len(got) != len(tc.want) {
					t.Errorf("as of %s: %v, want %v", tc.at, got, tc.want)
				}
			})
		}
	})

	t.Run("timeline", func(t *testing.T) {
		type entry struct {
			Date struct {
				Text, Precision string
				Start, End      *string
			}
			Undated    bool
			Type       string
			Commitment *struct{ ID string }
		}
		var data struct{ All, Known, Ranged []entry }
		MustData(t, Post(t, h, `{
  all: timeline { date { text precision start end } undated type commitment { id } }
  known: timeline(filter: {asOf: "2025-08-19T23:59:59Z"}) { date { text precision start end } undated type commitment { id } }
  ranged: timeline(from: "2025-08-20", to: "2025-08-20") { date { text precision start end } undated type commitment { id } }
}`, nil), &data)
		if len(data.All) == 0 {
			t.Fatal("empty timeline")
		}
		seenUndated := false
		for i, e := range data.All {
			if e.Undated != (e.Date.Precision == "UNKNOWN") {
				t.Errorf("entry %d (%s): undated %v at precision %s", i, e.Date.Text, e.Undated, e.Date.Precision)
			}
			if e.Undated {
				seenUndated = true
				continue
			}
			if seenUndated {
				t.Errorf("entry %d (%s) is dated but follows an undated one", i, e.Date.Text)
			}
			if e.Date.Start == nil || e.Date.End == nil {
				t.Fatalf("entry %d (%s) has no start or end", i, e.Date.Text)
			}
			if i > 0 && !data.All[i-1].Undated && *data.All[i-1].Date.End > *e.Date.End {
				t.Errorf("entry %d (%s, ends %s) after one ending %s: not in interval order", i, e.Date.Text, *e.Date.End, *data.All[i-1].Date.End)
			}
		}
		if !seenUndated {
			t.Error("the undated commitment is dropped from the timeline")
		}
		// A month-precision date spans its month: after its days.
		pos := func(list []entry, text string) int {
			return slices.IndexFunc(list, func(e entry) bool { return e.Date.Text == text })
		}
		if day, month := pos(data.All, "2025-08-15"), pos(data.All, "2025-08"); day < 0 || month < 0 || month < day {
			t.Errorf("2025-08 at %d, 2025-08-15 at %d: a month must follow the days within it", month, day)
		}
		if m := data.All[pos(data.All, "2025-08")].Date; *m.Start != "2025-08-01" || *m.End != "2025-08-31" {
			t.Errorf("2025-08 spans %s–%s, want 2025-08-01–2025-08-31", *m.Start, *m.End)
		}
		// asOf applies: nothing src-000 alone states (dated 21 August).
		for _, e := range data.Known {
			if e.Commitment != nil && e.Commitment.ID == "c-pol-refuses-troops" {
				t.Error("the timeline as of 19 August shows Poland's refusal, reported on the 21st")
			}
		}
		if len(data.Known) >= len(data.All) {
			t.Errorf("the timeline as of 19 August has %d entries of %d: asOf does not apply", len(data.Known), len(data.All))
		}
		// A range keeps the undated apart, and the month overlapping it.
		if pos(data.Ranged, "2025-08") < 0 || !slices.ContainsFunc(data.Ranged, func(e entry) bool { return e.Undated }) {
			t.Errorf("timeline of 20 August: want the month-precision and the undated entries too, got %+v", data.Ranged)
		}
	})

	t.Run("what changed since", func(t *testing.T) {
		since := time.Date(2025, 8, 18, 0, 0, 0, 0, time.UTC)
		var want []string
		for _, c := range all.Commitments.Nodes {
			if c.KnownFrom != nil && c.KnownFrom.After(since) {
				want = append(want, c.ID)
			}
		}
		var got []string
		var total int
		after := ""
		for range 20 {
			var data struct {
				Changes struct {
					TotalCount int
					PageInfo   struct {
						HasNextPage bool
						EndCursor   *string
					}
					Nodes []struct {
						Kind       string
						At         time.Time
						Commitment struct {
							ID        string
							KnownFrom *time.Time
						}
					}
				}
			}
			vars := map[string]any{"since": since.Format(time.RFC3339)}
			if after != "" {
				vars["after"] = after
			}
			MustData(t, Post(t, h, `query($since: Time, $after: String) {
  changes(since: $since, first: 4, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { kind at commitment { id knownFrom } } } }`, vars), &data)
			total = data.Changes.TotalCount
			for _, n := range data.Changes.Nodes {
				got = append(got, n.Commitment.ID)
				if n.Kind != "NEW" || !n.At.After(since) || n.Commitment.KnownFrom == nil || !n.At.Equal(*n.Commitment.KnownFrom) {
					t.Errorf("change %+v: want a NEW curated fact known after %s, at its knownFrom", n, since)
				}
			}
			if !data.Changes.PageInfo.HasNextPage {
				break
			}
			after = *data.Changes.PageInfo.EndCursor
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) || total != len(want) {
			t.Errorf("changes since %s: %v (total %d), want %v", since, got, total, want)
		}
		if len(want) == 0 {
			t.Error("nothing in the dataset became known after 18 August; src-000 (21 August) did")
		}
	})
}
