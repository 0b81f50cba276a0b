package apitest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// Subscription is one graphql-transport-ws subscription over a real
// WebSocket, for tests.
type Subscription struct {
	conn   *websocket.Conn
	events chan Event
	errs   chan error
}

// Event is one event of commitmentChanged as Subscribe asks for it; Error
// holds the message of an error the server answered instead.
type Event struct {
	Cursor, Type, ID string
	Version          int
	Error            string
	Code             string
}

// ChangeQuery is the subscription Subscribe sends.
const ChangeQuery = `subscription($after: String) { commitmentChanged(after: $after) { cursor type commitment { id version } } }`

// Subscribe connects to the server at base (http://host:port) and
// subscribes to commitmentChanged after the cursor after ("" for live only).
// It returns once the server acknowledged the connection; the subscription
// itself is registered a moment later.
func Subscribe(ctx context.Context, base, after string) (*Subscription, error) {
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		return nil, fmt.Errorf("dial: %w", err)
	}
	conn.SetReadLimit(1 << 20)
	type msg struct {
		ID      string          `json:"id,omitempty"`
		Type    string          `json:"type"`
		Payload json.RawMessage `json:"payload,omitempty"`
	}
	if err := wsjson.Write(ctx, conn, map[string]any{"type": "connection_init", "payload": map[string]any{}}); err != nil {
		return nil, err
	}
	var ack msg
	if err := wsjson.Read(ctx, conn, &ack); err != nil || ack.Type != "connection_ack" {
		conn.CloseNow()
		return nil, fmt.Errorf("got %+v (%v), want connection_ack", ack, err)
	}
	vars := map[string]any{}
	if after != "" {
		vars["after"] = after
	}
	if err := wsjson.Write(ctx, conn, map[string]any{"id": "1", "type": "subscribe",
		"payload": map[string]any{"query": ChangeQuery, "variables": vars}}); err != nil {
		conn.CloseNow()
		return nil, err
	}
	s := &Subscription{conn: conn, events: make(chan Event, 4096), errs: make(chan error, 1)}
	go func() {
		defer close(s.events)
		for {
			var m msg
			if err := wsjson.Read(context.Background(), conn, &m); err != nil {
				s.errs <- err
				return
			}
			switch m.Type {
			case "next":
				var p struct {
					Data *struct {
						CommitmentChanged struct {
							Cursor, Type string
							Commitment   struct {
								ID      string
								Version int
							}
						}
					}
					Errors []struct {
						Message    string
						Extensions struct{ Code string }
					}
				}
				if err := json.Unmarshal(m.Payload, &p); err != nil {
					s.errs <- err
					return
				}
				if len(p.Errors) > 0 {
					s.events <- Event{Error: p.Errors[0].Message, Code: p.Errors[0].Extensions.Code}
					continue
				}
				c := p.Data.CommitmentChanged
				s.events <- Event{Cursor: c.Cursor, Type: c.Type, ID: c.Commitment.ID, Version: c.Commitment.Version}
			case "error":
				var errs []struct {
					Message    string
					Extensions struct{ Code string }
				}
				_ = json.Unmarshal(m.Payload, &errs)
				e := Event{Error: string(m.Payload)}
				if len(errs) > 0 {
					e = Event{Error: errs[0].Message, Code: errs[0].Extensions.Code}
				}
				s.events <- e
			case "complete":
				s.errs <- fmt.Errorf("subscription completed")
				return
			}
		}
	}()
	return s, nil
}

// Events is the subscription's events; it closes when the connection ends.
func (s *Subscription) Events() <-chan Event { return s.events }

// Close closes the connection.
func (s *Subscription) Close() { s.conn.Close(websocket.StatusNormalClosure, "") }

// Next waits up to d for the next event.
func (s *Subscription) Next(d time.Duration) (Event, error) {
	select {
	case ev, ok := <-s.events:
		if !ok {
			return Event{}, <-s.errs
		}
		return ev, nil
	case <-time.After(d):
		return Event{}, fmt.Errorf("no event within %v", d)
	}
}

// subscriptionResumes drops a subscriber, writes while it is away, and
// resumes after the last cursor it saw: it gets exactly what it missed, in
// order, then live events.
func subscriptionResumes(t *testing.T, h http.Handler) {
	srv := httptest.NewServer(h)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	record := func(id string) {
		MustData(t, PostAs(t, h, aliceKey, recordMutation, map[string]any{"in": newCommitmentInput(id)}), &struct{}{})
	}
	first, err := Subscribe(ctx, srv.URL, "")
	if err != nil {
		t.Fatal(err)
	}
	// Registered asynchronously: record until one arrives.
	var seen Event
	for i := 0; seen.Cursor == ""; i++ {
		if i == 50 {
			t.Fatal("no event arrived")
		}
		record(fmt.Sprintf("c-resume-warm-%d", i))
		if ev, err := first.Next(200 * time.Millisecond); err == nil {
			seen = ev
		}
	}
	first.Close()
	// What the first subscriber may have had in flight is part of what it
	// missed, after its cursor.
	var missed []string
	for i := range 3 {
		id := fmt.Sprintf("c-resume-missed-%d", i)
		record(id)
		missed = append(missed, id)
	}
	again, err := Subscribe(ctx, srv.URL, seen.Cursor)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	var got []Event
	for len(got) == 0 || got[len(got)-1].ID != missed[len(missed)-1] {
		ev, err := again.Next(10 * time.Second)
		if err != nil || ev.Error != "" {
			t.Fatalf("resumed after %s, got %v (%v) after %v", seen.Cursor, ev, err, got)
		}
		got = append(got, ev)
	}
	var ids []string
	for i, ev := range got {
		if i > 0 && !cursorBefore(got[i-1].Cursor, ev.Cursor) {
			t.Fatalf("cursors out of order: %v", got)
		}
		if !cursorBefore(seen.Cursor, ev.Cursor) {
			t.Fatalf("event %v is not after the cursor resumed from (%s)", ev, seen.Cursor)
		}
		if strings.HasPrefix(ev.ID, "c-resume-missed-") {
			ids = append(ids, ev.ID)
		}
	}
	if fmt.Sprint(ids) != fmt.Sprint(missed) {
		t.Fatalf("resumed with %v, want %v", ids, missed)
	}
	record("c-resume-live")
	if ev, err := again.Next(10 * time.Second); err != nil || ev.ID != "c-resume-live" {
		t.Fatalf("after the backlog got %+v (%v), want c-resume-live", ev, err)
	}

	bad, err := Subscribe(ctx, srv.URL, "not-a-cursor")
	if err != nil {
		t.Fatal(err)
	}
	defer bad.Close()
	if ev, err := bad.Next(10 * time.Second); err != nil || ev.Code != "BAD_USER_INPUT" {
		t.Fatalf("after a malformed cursor got %+v (%v), want BAD_USER_INPUT", ev, err)
	}
}

// cursorBefore says whether cursor a comes before b: cursors are decimal.
func cursorBefore(a, b string) bool {
	return len(a) < len(b) || len(a) == len(b) && a < b
}
