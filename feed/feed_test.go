package feed

import (
	"context"
	"fmt"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
)

func event(id string, version int) cg.ChangeEvent {
	return cg.ChangeEvent{Type: cg.ChangeStatusChanged, Commitment: &cg.Commitment{ID: id, Version: version}}
}

// receive takes n events from ch, failing after a generous wait.
func receive(t *testing.T, ch <-chan cg.ChangeEvent, n int) []cg.ChangeEvent {
	t.Helper()
	var out []cg.ChangeEvent
	for len(out) < n {
		select {
		case ev, ok := <-ch:
			if !ok {
				t.Fatalf("closed after %d of %d events", len(out), n)
			}
			out = append(out, ev)
		case <-time.After(10 * time.Second):
			t.Fatalf("%d of %d events", len(out), n)
		}
	}
	return out
}

func cursors(evs []cg.ChangeEvent) []int64 {
	out := make([]int64, len(evs))
	for i, ev := range evs {
		out[i] = ev.Cursor
	}
	return out
}

func ptr(c int64) *int64 { return &c }

func TestResume(t *testing.T) {
	tests := []struct {
		name      string
		published int
		after     *int64
		want      []int64
		code      cg.Code
	}{
		{name: "live only", published: 3, after: nil, want: []int64{104}},
		{name: "after the first", published: 3, after: ptr(101), want: []int64{102, 103, 104}},
		{name: "after the newest", published: 3, after: ptr(103), want: []int64{104}},
		{name: "from the start", published: 3, after: ptr(100), want: []int64{101, 102, 103, 104}},
		{name: "pruned", published: 5, after: ptr(101), code: cg.CodeCursorExpired},
		{name: "oldest kept", published: 5, after: ptr(102), want: []int64{103, 104, 105, 106}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := New(Options{Start: 100, Retain: 3})
			for i := range tt.published {
				b.Publish(event(fmt.Sprint("c", i), 1))
			}
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			ch, err := b.Changes(ctx, tt.after)
			if tt.code != "" {
				if cg.ErrorCode(err) != tt.code {
					t.Fatalf("err = %v, want %s", err, tt.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			b.Publish(event("live", 1))
			got := cursors(receive(t, ch, len(tt.want)))
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Fatalf("cursors %v, want %v", got, tt.want)
			}
		})
	}
}

func TestPublishDropsDuplicates(t *testing.T) {
	b := New(Options{})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	ch, err := b.Changes(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		ev   cg.ChangeEvent
		want bool
	}{
		{event("a", 1), true},
		{event("a", 2), true},
		{event("a", 2), false}, // same (id, version)
		{event("a", 1), false}, // older version
		{event("b", 1), true},
	}
	for i, s := range steps {
		if _, ok := b.Publish(s.ev); ok != s.want {
			t.Fatalf("step %d: published %v, want %v", i, ok, s.want)
		}
	}
	withCursor := cg.ChangeEvent{Cursor: 2, Commitment: &cg.Commitment{ID: "c", Version: 1}}
	if _, ok := b.Publish(withCursor); ok {
		t.Fatal("an event at a cursor already passed was published")
	}
	got := receive(t, ch, 3)
	for i, want := range []string{"a@1", "a@2", "b@1"} {
		if s := fmt.Sprintf("%s@%d", got[i].Commitment.ID, got[i].Commitment.Version); s != want {
			t.Fatalf("event %d is %s, want %s", i, s, want)
		}
	}
}

// A subscriber that stops reading for longer than its buffer catches up
// from the backlog: every event once, in order.
func TestSlowSubscriberCatchesUp(t *testing.T) {
	b := New(Options{Retain: 5000})
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	ch, err := b.Changes(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	const n = 4 * subscriberBuffer
	for i := range n {
		b.Publish(event(fmt.Sprint("c", i%7), i/7+1))
	}
	got := receive(t, ch, n)
	for i, ev := range got {
		if ev.Cursor != int64(i+1) {
			t.Fatalf("event %d has cursor %d", i, ev.Cursor)
		}
	}
	select {
	case ev := <-ch:
		t.Fatalf("an event more: %d", ev.Cursor)
	case <-time.After(50 * time.Millisecond):
	}
}

// Events published while a resumed subscriber reads its backlog reach it
// once: the seam.
func TestResumeWhilePublishing(t *testing.T) {
	b := New(Options{Retain: 100000})
	for i := range 1000 {
		b.Publish(event(fmt.Sprint("c", i), 1))
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 1000 {
			b.Publish(event(fmt.Sprint("d", i), 1))
		}
	}()
	ch, err := b.Changes(ctx, ptr(500))
	if err != nil {
		t.Fatal(err)
	}
	got := receive(t, ch, 1500)
	<-done
	for i, ev := range got {
		if ev.Cursor != int64(501+i) {
			t.Fatalf("event %d has cursor %d, want %d", i, ev.Cursor, 501+i)
		}
	}
}
