package coalitiongraph

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Precision says how exactly a date is known. Articles give "Aug. 20",
// "in March 2025" or "in 2024"; a tracker must not pretend to more.
type Precision string

const (
	PrecisionDay     Precision = "DAY"
	PrecisionMonth   Precision = "MONTH"
	PrecisionYear    Precision = "YEAR"
	PrecisionUnknown Precision = "UNKNOWN"
)

// Date is a calendar date with a precision. The zero value is unknown.
type Date struct {
	Year, Month, Day int
}

// ParseDate reads "2025-08-20", "2025-08", "2025", or "" / "unknown".
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "unknown") {
		return Date{}, nil
	}
	parts := strings.Split(s, "-")
	if len(parts) > 3 {
		return Date{}, fmt.Errorf("date %q: want YYYY, YYYY-MM or YYYY-MM-DD", s)
	}
	var n [3]int
	for i, p := range parts {
		want := 2
		if i == 0 {
			want = 4
		}
		v, err := strconv.Atoi(p)
		if err != nil || len(p) != want {
			return Date{}, fmt.Errorf("date %q: want YYYY, YYYY-MM or YYYY-MM-DD", s)
		}
		n[i] = v
	}
	d := Date{Year: n[0], Month: n[1], Day: n[2]}
	if d.Year < 1 || (len(parts) > 1 && (d.Month < 1 || d.Month > 12)) {
		return Date{}, fmt.Errorf("date %q: month out of range", s)
	}
	if len(parts) == 3 {
		t := time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, time.UTC)
		if t.Day() != d.Day || d.Day < 1 {
			return Date{}, fmt.Errorf("date %q: no such day", s)
		}
	}
	return d, nil
}

// MustDate is ParseDate for literals in code and tests.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// Precision says how much of the date is known.
func (d Date) Precision() Precision {
	switch {
	case d.Year == 0:
		return PrecisionUnknown
	case d.Month == 0:
		return PrecisionYear
	case d.Day == 0:
		return PrecisionMonth
	}
	return PrecisionDay
}

// Known reports whether any part of the date is known.
func (d Date) Known() bool { return d.Year != 0 }

// String gives the date at its own precision: "2025-08-20", "2025-08",
// "2025", or "" when unknown. These strings sort in date order, which the
// stores use as a sort key.
func (d Date) String() string {
	switch d.Precision() {
	case PrecisionYear:
		return fmt.Sprintf("%04d", d.Year)
	case PrecisionMonth:
		return fmt.Sprintf("%04d-%02d", d.Year, d.Month)
	case PrecisionDay:
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
	}
	return ""
}

// Start is the first instant the date may denote.
func (d Date) Start() time.Time {
	m, day := max(d.Month, 1), max(d.Day, 1)
	return time.Date(d.Year, time.Month(m), day, 0, 0, 0, 0, time.UTC)
}

// End is the first instant after the period the date may denote.
func (d Date) End() time.Time {
	switch d.Precision() {
	case PrecisionYear:
		return d.Start().AddDate(1, 0, 0)
	case PrecisionMonth:
		return d.Start().AddDate(0, 1, 0)
	}
	return d.Start().AddDate(0, 0, 1)
}

// Within reports whether the date falls in the day range [from, to]
// (either end may be unknown, meaning open). A date known only to the month
// counts as within when its month overlaps the range; an unknown date is
// within only an open range.
func (d Date) Within(from, to Date) bool {
	if !from.Known() && !to.Known() {
		return true
	}
	if !d.Known() {
		return false
	}
	if from.Known() && !d.End().After(from.Start()) {
		return false
	}
	if to.Known() && !d.Start().Before(to.End()) {
		return false
	}
	return true
}

// CompareSpans orders dates as the intervals they denote, for timelines: by
// when the interval ends, then the later-starting (narrower) first, so
// that a date known only to the month ("2025-08", 1–31 August) comes after
// the days within it (it may be any of them) and before the next month's;
// unknown dates come last.
func CompareSpans(a, b Date) int {
	switch {
	case !a.Known() || !b.Known():
		return cmp.Compare(boolRank(!a.Known()), boolRank(!b.Known()))
	}
	if c := a.End().Compare(b.End()); c != 0 {
		return c
	}
	return b.Start().Compare(a.Start())
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}
