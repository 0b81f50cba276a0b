package main

import (
	"testing"
	"time"
)

func TestProgressLine(t *testing.T) {
	for _, tc := range []struct {
		done, total int
		elapsed     time.Duration
		want        string
	}{
		{0, 100, 0, "loaded 0/100 items (0%)"},
		{250, 1000, 5 * time.Second, "loaded 250/1000 items (25%), 50 items/s, about 15s left"},
		{1000, 1000, 4 * time.Second, "loaded 1000/1000 items (100%), 250 items/s"},
		{0, 0, time.Second, "loaded 0/0 items (0%)"},
	} {
		if got := progressLine(tc.done, tc.total, tc.elapsed); got != tc.want {
			t.Errorf("progressLine(%d, %d, %v) = %q; want %q", tc.done, tc.total, tc.elapsed, got, tc.want)
		}
	}
}
