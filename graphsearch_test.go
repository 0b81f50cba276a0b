package coalitiongraph

import "testing"

func TestGraphSearchLimits(t *testing.T) {
	for _, tc := range []struct {
		name  string
		check func(int) error
		n     int
		ok    bool
		field string
	}{
		{"hops 0", CheckHops, 0, false, "maxHops"},
		{"hops 1", CheckHops, 1, true, ""},
		{"hops MaxHops", CheckHops, MaxHops, true, ""},
		{"hops MaxHops+1", CheckHops, MaxHops + 1, false, "maxHops"},
		{"depth -1", CheckDepth, -1, false, "depth"},
		{"depth 0", CheckDepth, 0, true, ""},
		{"depth MaxHops", CheckDepth, MaxHops, true, ""},
		{"depth MaxHops+1", CheckDepth, MaxHops + 1, false, "depth"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.check(tc.n)
			if tc.ok {
				if err != nil {
					t.Errorf("refused: %v", err)
				}
				return
			}
			e, ok := err.(*Error)
			if !ok || e.Code != CodeBadInput || e.Field != tc.field {
				t.Errorf("error %#v; want BAD_USER_INPUT on %s", err, tc.field)
			}
		})
	}
}
