package apitest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// The change feed seen through the API: commitmentChanged over a real
// WebSocket (subscriptionResumes, in resume.go, drops and resumes one).

// subscriptionSeesChanges subscribes over a real WebSocket with the
// graphql-transport-ws protocol and records a commitment over HTTP.
func subscriptionSeesChanges(t *testing.T, h http.Handler) {
	srv := httptest.NewServer(h)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer conn.Close(websocket.StatusNormalClosure, "")
	type msg struct {
		ID      string          `json:"id,omitempty"`
		Type    string          `json:"type"`
		Payload json.RawMessage `json:"payload,omitempty"`
	}
	send := func(m any) {
		if err := wsjson.Write(ctx, conn, m); err != nil {
			t.Fatalf("write: %v", err)
		}
	}
	// read runs on another goroutine too, so it reports rather than
	// calling t.Fatal.
	read := func() (msg, error) {
		for {
			var m msg
			if err := wsjson.Read(ctx, conn, &m); err != nil {
				return m, err
			}
			if m.Type != "ping" && m.Type != "pong" {
				return m, nil
			}
		}
	}
	send(map[string]any{"type": "connection_init", "payload": map[string]any{}})
	if m, err := read(); err != nil || m.Type != "connection_ack" {
		t.Fatalf("got %+v (%v), want connection_ack", m, err)
	}
	send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{
		"query": `subscription { commitmentChanged(actors: ["POL"]) { type commitment { id version actor { name } } } }`}})

	// The subscription is registered asynchronously: record until it sees one.
	type result struct {
		m   msg
		err error
	}
	got := make(chan result, 1)
	go func() { m, err := read(); got <- result{m, err} }()
	var r result
	for i := 0; ; i++ {
		id := "c-live-" + string(rune('a'+i))
		MustData(t, PostAs(t, h, aliceKey, recordMutation, map[string]any{"in": newCommitmentInput(id)}), &struct{}{})
		select {
		case r = <-got:
		case <-time.After(200 * time.Millisecond):
			if i < 20 {
				continue
			}
			t.Fatal("no change arrived")
		}
		break
	}
	if r.err != nil {
		t.Fatalf("read: %v", r.err)
	}
	if r.m.Type != "next" || !strings.Contains(string(r.m.Payload), `"type":"RECORDED"`) || !strings.Contains(string(r.m.Payload), `"name":"Poland"`) {
		t.Fatalf("got %s %s", r.m.Type, r.m.Payload)
	}

	// A retry of that request (same requestId) changes nothing and
	// publishes nothing: the next event for its commitment would be a
	// second RECORDED for one record.
	var first struct {
		Data struct {
			CommitmentChanged struct{ Commitment struct{ ID string } }
		}
	}
	if err := json.Unmarshal(r.m.Payload, &first); err != nil || first.Data.CommitmentChanged.Commitment.ID == "" {
		t.Fatalf("event payload %s: %v", r.m.Payload, err)
	}
	replayed := first.Data.CommitmentChanged.Commitment.ID
	MustData(t, PostAs(t, h, aliceKey, recordMutation, map[string]any{"in": newCommitmentInput(replayed)}), &struct{}{})
	MustData(t, PostAs(t, h, aliceKey, recordMutation, map[string]any{"in": newCommitmentInput("c-live-after-replay")}), &struct{}{})
	for {
		m, err := read()
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		if strings.Contains(string(m.Payload), `"id":"`+replayed+`"`) {
			t.Fatalf("a replayed request published another event: %s", m.Payload)
		}
		if strings.Contains(string(m.Payload), `"id":"c-live-after-replay"`) {
			break
		}
	}

	// Each event is resolved afresh: a rename between two events shows in
	// the second, however long the connection has been open.
	MustData(t, PostAs(t, h, aliceKey, `mutation { putEntity(input: {id: "POL", kind: COUNTRY, name: "Republic of Poland"}) { name } }`, nil), &struct{}{})
	MustData(t, PostAs(t, h, aliceKey, recordMutation, map[string]any{"in": newCommitmentInput("c-live-renamed")}), &struct{}{})
	for {
		m, err := read()
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		if !strings.Contains(string(m.Payload), `"id":"c-live-renamed"`) {
			continue // an earlier commitment's event
		}
		if !strings.Contains(string(m.Payload), `"name":"Republic of Poland"`) {
			t.Fatalf("the event after the rename shows %s", m.Payload)
		}
		break
	}
}
