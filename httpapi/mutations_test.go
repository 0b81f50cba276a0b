package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/httpapi"
	"github.com/coalitiongraph/coalitiongraph/internal/apitest"
)

const aliceKey = "alice-secret-key"

func writableHandler(t *testing.T, readsNeedKey bool) (http.Handler, cg.Store) {
	t.Helper()
	store := seedStore(t)
	if _, ok := store.(cg.Writer); !ok {
		t.Fatalf("the embedded store does not record writes")
	}
	keys, err := httpapi.ParseAPIKeys("alice:"+httpapi.HashKey(aliceKey)+", bob:"+httpapi.HashKey("bob-key"), "test")
	if err != nil {
		t.Fatal(err)
	}
	cfg := httpapi.Defaults()
	cfg.APIKeys = keys
	cfg.ReadsNeedKey = readsNeedKey
	return httpapi.NewHandler(store, cfg), store
}

// postAs sends a GraphQL request with a bearer key ("" for none).
func postAs(t *testing.T, h http.Handler, key, query string, vars map[string]any) gqlResponse {
	t.Helper()
	return apitest.PostAs(t, h, key, query, vars)
}

const recordMutation = `mutation($in: RecordCommitmentInput!) {
  recordCommitment(input: $in) { id version status recordedBy reason actor { id } evidence { quote source { file } } }
}`

func newCommitmentInput(id string) map[string]any {
	return map[string]any{
		"requestId": "req-" + id,
		"id":        id, "kind": "OFFERS_TROOPS", "actor": "POL", "target": "UKR", "status": "CONSIDERING",
		"date": "2025-09", "reason": "new reporting",
		"evidence": []any{map[string]any{"source": "src-000", "quote": "Poland clarified it will not send forces into Ukraine"}},
	}
}

func TestMutationsNeedAKey(t *testing.T) {
	h, _ := writableHandler(t, false)
	for _, key := range []string{"", "wrong-key"} {
		resp := postAs(t, h, key, recordMutation, map[string]any{"in": newCommitmentInput("c-pol-new")})
		if resp.Status != http.StatusUnauthorized {
			t.Errorf("key %q: status %d, want 401", key, resp.Status)
		}
		if len(resp.Errors) != 1 || resp.Errors[0].Code() != "UNAUTHENTICATED" {
			t.Errorf("key %q: errors %+v", key, resp.Errors)
		}
	}
	var data struct{ Commitments struct{ TotalCount int } }
	mustData(t, postAs(t, h, "", `{ commitments(filter: {ids: ["c-pol-new"]}) { totalCount } }`, nil), &data)
	if data.Commitments.TotalCount != 0 {
		t.Errorf("an unauthenticated mutation wrote")
	}
}

func TestReadsCanNeedAKey(t *testing.T) {
	h, _ := writableHandler(t, true)
	if resp := postAs(t, h, "", `{ sources { id } }`, nil); resp.Status != http.StatusUnauthorized || len(resp.Errors) == 0 || resp.Errors[0].Code() != "UNAUTHENTICATED" {
		t.Errorf("keyless read: status %d errors %+v", resp.Status, resp.Errors)
	}
	if resp := postAs(t, h, "bob-key", `{ sources { id } }`, nil); resp.Status != 200 || len(resp.Errors) > 0 {
		t.Errorf("read with a key: status %d errors %+v", resp.Status, resp.Errors)
	}
}

func TestRecordChangeRetract(t *testing.T) {
	h, _ := writableHandler(t, false)

	var rec struct {
		RecordCommitment struct {
			ID, Status, RecordedBy, Reason string
			Version                        int
		}
	}
	mustData(t, postAs(t, h, aliceKey, recordMutation, map[string]any{"in": newCommitmentInput("c-pol-new")}), &rec)
	if c := rec.RecordCommitment; c.Version != 1 || c.RecordedBy != "alice" || c.Status != "CONSIDERING" || c.Reason != "new reporting" {
		t.Fatalf("recorded %+v", c)
	}
	// A retry of the same request returns the same commitment.
	mustData(t, postAs(t, h, aliceKey, recordMutation, map[string]any{"in": newCommitmentInput("c-pol-new")}), &rec)
	if rec.RecordCommitment.Version != 1 {
		t.Fatalf("retry gave %+v", rec.RecordCommitment)
	}

	change := `mutation($in: ChangeCommitmentStatusInput!) { changeCommitmentStatus(input: $in) { version status recordedBy history { version status } } }`
	in := map[string]any{"id": "c-pol-new", "baseVersion": 1, "status": "WITHDRAWN", "reason": "Warsaw said no",
		"evidence": []any{map[string]any{"source": "src-000", "quote": "Poland clarified it will not send forces into Ukraine"}}}
	var ch struct {
		ChangeCommitmentStatus struct {
			Version    int
			Status     string
			RecordedBy string
			History    []struct {
				Version int
				Status  string
			}
		}
	}
	mustData(t, postAs(t, h, "bob-key", change, map[string]any{"in": in}), &ch)
	if c := ch.ChangeCommitmentStatus; c.Version != 2 || c.Status != "WITHDRAWN" || c.RecordedBy != "bob" || len(c.History) != 2 || c.History[0].Status != "CONSIDERING" {
		t.Fatalf("changed %+v", c)
	}
	// The same base again is stale.
	resp := postAs(t, h, aliceKey, change, map[string]any{"in": in})
	if len(resp.Errors) != 1 || resp.Errors[0].Code() != "CONFLICT" || len(resp.Errors[0].Path) == 0 || resp.Errors[0].Path[0] != "changeCommitmentStatus" {
		t.Fatalf("stale change: %+v", resp.Errors)
	}

	// asOf: before the change took effect, the first version shows.
	var asOf struct {
		Commitments struct{ Nodes []struct{ Status string } }
	}
	mustData(t, postAs(t, h, "", `query($t: Time) { commitments(filter: {ids: ["c-pol-new"], asOf: $t}) { nodes { status } } }`,
		map[string]any{"t": "2025-09-15T00:00:00Z"}), &asOf)
	if len(asOf.Commitments.Nodes) != 1 || asOf.Commitments.Nodes[0].Status != "CONSIDERING" {
		t.Errorf("as of 2025-09-15: %+v", asOf.Commitments.Nodes)
	}

	retract := `mutation { retractCommitment(input: {id: "c-pol-new", baseVersion: 2, reason: "misattributed"}) { version retracted } }`
	var rt struct {
		RetractCommitment struct {
			Version   int
			Retracted bool
		}
	}
	mustData(t, postAs(t, h, aliceKey, retract, nil), &rt)
	if !rt.RetractCommitment.Retracted || rt.RetractCommitment.Version != 3 {
		t.Fatalf("retracted %+v", rt.RetractCommitment)
	}
	var after struct{ Commitments struct{ TotalCount int } }
	mustData(t, postAs(t, h, "", `{ commitments(filter: {ids: ["c-pol-new"]}) { totalCount } }`, nil), &after)
	if after.Commitments.TotalCount != 0 {
		t.Errorf("a retracted commitment is still in current reads")
	}
}

func TestBadWritesChangeNothing(t *testing.T) {
	h, _ := writableHandler(t, false)
	snapshot := func() string {
		resp := postAs(t, h, "", `{ commitments(first: 100) { totalCount nodes { id version status } } entities { id name } }`, nil)
		return string(resp.Data)
	}
	before := snapshot()
	event := newCommitmentInput("c-bad")
	event["actor"] = "ev-alaska-summit"
	noEvidence := newCommitmentInput("c-bad")
	noEvidence["evidence"] = []any{}
	badDate := newCommitmentInput("c-bad")
	badDate["date"] = "Aug 2025"
	unknownSource := newCommitmentInput("c-bad")
	unknownSource["evidence"] = []any{map[string]any{"source": "src-999", "quote": "x"}}
	dup := newCommitmentInput("c-pol-refuses-troops")
	dup["requestId"] = "another"
	tests := []struct {
		name, code, field string
		in                map[string]any
	}{
		{"troops from an event", "BAD_USER_INPUT", "input.kind", event},
		{"no evidence", "BAD_USER_INPUT", "input.evidence", noEvidence},
		{"bad date", "BAD_USER_INPUT", "input.date", badDate},
		{"unknown source", "BAD_USER_INPUT", "input.evidence[0].source", unknownSource},
	}
	if existing := firstCommitmentID(t, h); existing != "" {
		dup["id"] = existing
		tests = append(tests, struct {
			name, code, field string
			in                map[string]any
		}{"existing id", "CONFLICT", "", dup})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := postAs(t, h, aliceKey, recordMutation, map[string]any{"in": tt.in})
			if len(resp.Errors) != 1 {
				t.Fatalf("errors %+v", resp.Errors)
			}
			e := resp.Errors[0]
			if e.Code() != tt.code || (tt.field != "" && e.Extensions["field"] != tt.field) {
				t.Errorf("code %s field %v, want %s %s (%s)", e.Code(), e.Extensions["field"], tt.code, tt.field, e.Message)
			}
			if len(e.Path) == 0 || e.Path[0] != "recordCommitment" {
				t.Errorf("path %v", e.Path)
			}
		})
	}
	if after := snapshot(); after != before {
		t.Errorf("rejected writes changed the data")
	}
}

func firstCommitmentID(t *testing.T, h http.Handler) string {
	var data struct {
		Commitments struct{ Nodes []struct{ ID string } }
	}
	mustData(t, postAs(t, h, "", `{ commitments(first: 1) { nodes { id } } }`, nil), &data)
	if len(data.Commitments.Nodes) == 0 {
		return ""
	}
	return data.Commitments.Nodes[0].ID
}

func TestMutationOverGETIs405(t *testing.T) {
	h, _ := writableHandler(t, false)
	q := url.QueryEscape(`mutation { retractCommitment(input: {id: "x", baseVersion: 1, reason: "r"}) { id } }`)
	req := httptest.NewRequest(http.MethodGet, "/graphql?query="+q, nil)
	req.Header.Set("Authorization", "Bearer "+aliceKey)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("status %d, want 405", rec.Code)
	}
}

// TestSubscriptionSeesChanges subscribes over a real WebSocket with the
// graphql-transport-ws protocol and records a commitment over HTTP.
func TestSubscriptionSeesChanges(t *testing.T) {
	h, _ := writableHandler(t, false)
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
	read := func() msg {
		for {
			var m msg
			if err := wsjson.Read(ctx, conn, &m); err != nil {
				t.Fatalf("read: %v", err)
			}
			if m.Type != "ping" && m.Type != "pong" {
				return m
			}
		}
	}
	send(map[string]any{"type": "connection_init", "payload": map[string]any{}})
	if m := read(); m.Type != "connection_ack" {
		t.Fatalf("got %+v, want connection_ack", m)
	}
	send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{
		"query": `subscription { commitmentChanged(actors: ["POL"]) { type commitment { id version actor { name } } } }`}})

	// The subscription is registered asynchronously: record until it sees one.
	got := make(chan msg, 1)
	go func() { got <- read() }()
	var m msg
	for i := 0; ; i++ {
		id := "c-live-" + string(rune('a'+i))
		postAs(t, h, aliceKey, recordMutation, map[string]any{"in": newCommitmentInput(id)})
		select {
		case m = <-got:
		case <-time.After(200 * time.Millisecond):
			if i < 20 {
				continue
			}
			t.Fatal("no change arrived")
		}
		break
	}
	if m.Type != "next" || !strings.Contains(string(m.Payload), `"type":"RECORDED"`) || !strings.Contains(string(m.Payload), `"name":"Poland"`) {
		t.Fatalf("got %s %s", m.Type, m.Payload)
	}
}
