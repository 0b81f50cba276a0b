package neo4j

import (
	"fmt"
	"slices"
	"testing"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// TestDateKeysAreWithin checks dateKeys' parameters against cg.Date.Within
// for every date of three years at each precision (and unknown) and ranges
// whose ends fall on a year's, a month's and a day's edges: a date's key
// meets the conditions of exactly one part when it is within, of none
// otherwise. The conditions are evaluated here as the statement's text
// reads them (dateKeyFrom, dateKeyYear, dateKeyMonth, dateKeyTo, dateKeyKnown).
func TestDateKeysAreWithin(t *testing.T) {
	var dates []cg.Date
	dates = append(dates, cg.Date{})
	for y := 2023; y <= 2026; y++ {
		dates = append(dates, cg.Date{Year: y})
		for m := 1; m <= 12; m++ {
			dates = append(dates, cg.Date{Year: y, Month: m})
			for d := 1; d <= 28; d += 3 {
				dates = append(dates, cg.Date{Year: y, Month: m, Day: d})
			}
			dates = append(dates, cg.Date{Year: y, Month: m, Day: 28})
		}
	}
	ends := []cg.Date{{}, {Year: 2024}, {Year: 2025, Month: 1}, {Year: 2025, Month: 3}, {Year: 2025, Month: 12},
		{Year: 2025, Month: 3, Day: 1}, {Year: 2025, Month: 3, Day: 14}, {Year: 2025, Month: 12, Day: 31}, {Year: 2024, Month: 2, Day: 28}}
	for _, from := range ends {
		for _, to := range ends {
			if !from.Known() && !to.Known() {
				continue
			}
			params := map[string]any{}
			parts := dateKeys(from, to, params)
			t.Run(fmt.Sprintf("%s to %s", from, to), func(t *testing.T) {
				for _, d := range dates {
					k := d.String()
					met := 0
					for _, part := range parts {
						ok := true
						for _, c := range part {
							switch c {
							case dateKeyFrom:
								ok = ok && k >= params["fromKey"].(string)
							case dateKeyYear:
								ok = ok && k == params["fromYear"].(string)
							case dateKeyMonth:
								ok = ok && k == params["fromMonth"].(string)
							case dateKeyTo:
								ok = ok && k < params["toKey"].(string) && !slices.Contains(params["toStarts"].([]string), k)
							case dateKeyKnown:
								ok = ok && k > ""
							default:
								t.Fatalf("unknown condition %q", c)
							}
						}
						if ok {
							met++
						}
					}
					want := 0
					if d.Within(from, to) {
						want = 1
					}
					if met != want {
						t.Errorf("%q: meets %d parts, want %d (within: %v)", k, met, want, want == 1)
					}
				}
			})
		}
	}
	if dateKeys(cg.Date{}, cg.Date{}, map[string]any{}) != nil {
		t.Error("no range gave conditions")
	}
}
