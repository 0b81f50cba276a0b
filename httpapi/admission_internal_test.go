package httpapi

import (
	"testing"
	"time"
)

// waitUntil polls cond until it holds, failing after a minute: it waits
// for the hold's goroutine, it does not time it.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within a minute", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// While a mutation executes, queries beyond ReadsBesideWrites wait; once
// the writes end (and the hold's linger passes) every slot is free again.
func TestWritesHoldBackQueries(t *testing.T) {
	tests := []struct {
		name                  string
		slots, beside, queued int64 // queued: queries that may run beside a write
	}{
		{"4 slots, 1 beside writes", 4, 1, 1},
		{"4 slots, 3 beside writes", 4, 3, 3},
		{"beside writes above the slots: no hold", 2, 5, 2},
		{"no priority for writes", 4, -1, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newReadAdmission(int(tt.slots), int(tt.beside))
			a.writeBegins()
			a.writeBegins() // a second write in flight shares the hold
			if a.held > 0 {
				waitUntil(t, "the hold takes its slots", func() bool {
					if a.slots.TryAcquire(tt.slots) {
						a.slots.Release(tt.slots)
						return false
					}
					return true
				})
			}
			if !a.slots.TryAcquire(tt.queued) {
				t.Fatalf("%d queries cannot run beside a write", tt.queued)
			}
			if a.slots.TryAcquire(1) {
				t.Fatalf("more than %d queries may run beside a write", tt.queued)
			}
			a.slots.Release(tt.queued)
			a.writeEnds()
			if all := a.slots.TryAcquire(tt.slots); all != (a.held == 0) {
				t.Fatalf("with one write still executing, every slot free: %v", all)
			} else if all {
				a.slots.Release(tt.slots)
			}
			a.writeEnds()
			waitUntil(t, "every slot free after the writes", func() bool {
				if a.slots.TryAcquire(tt.slots) {
					a.slots.Release(tt.slots)
					return true
				}
				return false
			})
		})
	}
}
