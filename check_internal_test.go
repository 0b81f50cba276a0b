package coalitiongraph

import "testing"

// roundTrips agrees with formatting and parsing back, over every kind of
// part out of range.
func TestDateRoundTrips(t *testing.T) {
	n := 0
	for _, y := range []int{-1, 0, 1, 999, 2024, 2025, 9999, 10000} {
		for m := -1; m <= 13; m++ {
			for day := -1; day <= 32; day++ {
				d := Date{Year: y, Month: m, Day: day}
				back, err := ParseDate(d.String())
				if want := err == nil && back == d; d.roundTrips() != want {
					t.Errorf("%+v: roundTrips %v, parsing its string back %v", d, d.roundTrips(), want)
				}
				n++
			}
		}
	}
	if n < 1000 {
		t.Fatalf("only %d dates tried", n)
	}
}
