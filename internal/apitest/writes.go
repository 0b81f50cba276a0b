package apitest

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/httpapi"
)

// The keys RunWrites's handlers accept: alice's and bob's.
const (
	aliceKey = "alice-secret-key"
	bobKey   = "bob-key"
)

// RunWrites checks, through the handler over a store from newStore, the
// write side of the API: mutations need a key (and reads can), record,
// retry, change, CONFLICT on a stale base, history, asOf, retraction,
// rejected writes with their code and extensions.field, 405 for a mutation
// over GET, and commitmentChanged over a real WebSocket. Each check writes,
// so each gets a store of its own: newStore must return a store holding
// exactly the curated dataset (dataset.Default) and nothing another call
// wrote.
func RunWrites(t *testing.T, newStore func(t *testing.T) cg.WritableStore) {
	h := func(t *testing.T, readsNeedKey bool) http.Handler {
		t.Helper()
		return writableHandler(t, newStore(t), readsNeedKey)
	}
	t.Run("MutationsNeedAKey", func(t *testing.T) { mutationsNeedAKey(t, h(t, false)) })
	t.Run("ReadsCanNeedAKey", func(t *testing.T) { readsCanNeedAKey(t, h(t, true)) })
	t.Run("RecordChangeRetract", func(t *testing.T) { recordChangeRetract(t, h(t, false)) })
	t.Run("BadWritesChangeNothing", func(t *testing.T) { badWritesChangeNothing(t, h(t, false)) })
	t.Run("MutationOverGETIs405", func(t *testing.T) { mutationOverGETIs405(t, h(t, false)) })
	t.Run("SubscriptionSeesChanges", func(t *testing.T) { subscriptionSeesChanges(t, h(t, false)) })
	t.Run("SubscriptionResumes", func(t *testing.T) { subscriptionResumes(t, h(t, false)) })
	t.Run("QuotesAreFoundInTheText", func(t *testing.T) { quotesAreFoundInTheText(t, h(t, false)) })
	t.Run("PutsKeepVersions", func(t *testing.T) { putsKeepVersions(t, h(t, false)) })
}

// writableHandler serves s with alice's and bob's keys.
func writableHandler(t *testing.T, s cg.WritableStore, readsNeedKey bool) http.Handler {
	t.Helper()
	keys, err := httpapi.ParseAPIKeys("alice:"+httpapi.HashKey(aliceKey)+", bob:"+httpapi.HashKey(bobKey), "test")
	if err != nil {
		t.Fatalf("parse the test keys: %v", err)
	}
	cfg := Config()
	cfg.APIKeys = keys
	cfg.ReadsNeedKey = readsNeedKey
	return httpapi.NewHandler(s, cfg)
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

func mutationsNeedAKey(t *testing.T, h http.Handler) {
	for _, key := range []string{"", "wrong-key"} {
		resp := PostAs(t, h, key, recordMutation, map[string]any{"in": newCommitmentInput("c-pol-new")})
		if resp.Status != http.StatusUnauthorized {
			t.Errorf("key %q: status %d, want 401", key, resp.Status)
		}
		if len(resp.Errors) != 1 || resp.Errors[0].Code() != "UNAUTHENTICATED" {
			t.Errorf("key %q: errors %+v", key, resp.Errors)
		}
	}
	var data struct{ Commitments struct{ TotalCount int } }
	MustData(t, Post(t, h, `{ commitments(filter: {ids: ["c-pol-new"]}) { totalCount } }`, nil), &data)
	if data.Commitments.TotalCount != 0 {
		t.Errorf("an unauthenticated mutation wrote")
	}
}

func readsCanNeedAKey(t *testing.T, h http.Handler) {
	if resp := Post(t, h, `{ sources { id } }`, nil); resp.Status != http.StatusUnauthorized || len(resp.Errors) == 0 || resp.Errors[0].Code() != "UNAUTHENTICATED" {
		t.Errorf("keyless read: status %d errors %+v", resp.Status, resp.Errors)
	}
	if resp := PostAs(t, h, bobKey, `{ sources { id } }`, nil); resp.Status != http.StatusOK || len(resp.Errors) > 0 {
		t.Errorf("read with a key: status %d errors %+v", resp.Status, resp.Errors)
	}
}

func recordChangeRetract(t *testing.T, h http.Handler) {
	var rec struct {
		RecordCommitment struct {
			ID, Status, RecordedBy, Reason string
			Version                        int
		}
	}
	MustData(t, PostAs(t, h, aliceKey, recordMutation, map[string]any{"in": newCommitmentInput("c-pol-new")}), &rec)
	if c := rec.RecordCommitment; c.Version != 1 || c.RecordedBy != "alice" || c.Status != "CONSIDERING" || c.Reason != "new reporting" {
		t.Fatalf("recorded %+v", c)
	}
	// A retry of the same request returns the same commitment.
	MustData(t, PostAs(t, h, aliceKey, recordMutation, map[string]any{"in": newCommitmentInput("c-pol-new")}), &rec)
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
	MustData(t, PostAs(t, h, bobKey, change, map[string]any{"in": in}), &ch)
	if c := ch.ChangeCommitmentStatus; c.Version != 2 || c.Status != "WITHDRAWN" || c.RecordedBy != "bob" || len(c.History) != 2 || c.History[0].Status != "CONSIDERING" {
		t.Fatalf("changed %+v", c)
	}
	// The same base again is stale.
	resp := PostAs(t, h, aliceKey, change, map[string]any{"in": in})
	if len(resp.Errors) != 1 || resp.Errors[0].Code() != "CONFLICT" || len(resp.Errors[0].Path) == 0 || resp.Errors[0].Path[0] != "changeCommitmentStatus" {
		t.Fatalf("stale change: %+v", resp.Errors)
	}

	// asOf: before the change took effect, the first version shows.
	var asOf struct {
		Commitments struct{ Nodes []struct{ Status string } }
	}
	MustData(t, Post(t, h, `query($t: Time) { commitments(filter: {ids: ["c-pol-new"], asOf: $t}) { nodes { status } } }`,
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
	MustData(t, PostAs(t, h, aliceKey, retract, nil), &rt)
	if !rt.RetractCommitment.Retracted || rt.RetractCommitment.Version != 3 {
		t.Fatalf("retracted %+v", rt.RetractCommitment)
	}
	var after struct{ Commitments struct{ TotalCount int } }
	MustData(t, Post(t, h, `{ commitments(filter: {ids: ["c-pol-new"]}) { totalCount } }`, nil), &after)
	if after.Commitments.TotalCount != 0 {
		t.Errorf("a retracted commitment is still in current reads")
	}
}

func badWritesChangeNothing(t *testing.T, h http.Handler) {
	snapshot := func() string {
		return string(Post(t, h, `{ commitments(first: 100) { totalCount nodes { id version status } } entities { id name } }`, nil).Data)
	}
	before := snapshot()
	with := func(field string, v any) map[string]any {
		in := newCommitmentInput("c-bad")
		in[field] = v
		return in
	}
	dup := with("id", firstCommitmentID(t, h))
	dup["requestId"] = "another"
	tests := []struct {
		name, code, field string
		in                map[string]any
	}{
		{"troops from an event", "BAD_USER_INPUT", "input.kind", with("actor", "ev-alaska-summit")},
		{"no evidence", "BAD_USER_INPUT", "input.evidence", with("evidence", []any{})},
		{"bad date", "BAD_USER_INPUT", "input.date", with("date", "Aug 2025")},
		{"unknown source", "BAD_USER_INPUT", "input.evidence[0].source", with("evidence", []any{map[string]any{"source": "src-999", "quote": "x"}})},
		{"existing id", "CONFLICT", "input.id", dup},
		{"id of 40,000 characters", "BAD_USER_INPUT", "input.id", with("id", strings.Repeat("c", 40000))},
		{"request id too long", "BAD_USER_INPUT", "input.requestId", with("requestId", strings.Repeat("r", cg.MaxIDLen+1))},
		{"quote not in the source", "BAD_USER_INPUT", "input.evidence[0].quote",
			with("evidence", []any{map[string]any{"source": "src-000", "quote": "Poland will send a brigade to Kyiv"}})},
		{"quote too long", "BAD_USER_INPUT", "input.evidence[0].quote",
			with("evidence", []any{map[string]any{"source": "src-000", "quote": strings.Repeat("q", cg.MaxQuoteLen+1)}})},
		{"too many evidence items", "BAD_USER_INPUT", "input.evidence", with("evidence", repeat(
			map[string]any{"source": "src-000", "quote": "Poland clarified it will not send forces into Ukraine"}, cg.MaxList+1))},
		{"too many conditions", "BAD_USER_INPUT", "input.conditions", with("conditions", repeat("if asked", cg.MaxList+1))},
		{"summary too long", "BAD_USER_INPUT", "input.summary", with("summary", strings.Repeat("s", cg.MaxTextLen+1))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := PostAs(t, h, aliceKey, recordMutation, map[string]any{"in": tt.in})
			if len(resp.Errors) != 1 {
				t.Fatalf("errors %+v", resp.Errors)
			}
			e := resp.Errors[0]
			if e.Code() != tt.code || e.Extensions["field"] != tt.field {
				t.Errorf("code %s field %v, want %s %s (%s)", e.Code(), e.Extensions["field"], tt.code, tt.field, e.Message)
			}
			if len(e.Path) == 0 || e.Path[0] != "recordCommitment" {
				t.Errorf("path %v", e.Path)
			}
		})
	}
	// Entities and sources are refused the same way.
	const putSource = `mutation($in: SourceInput!) { putSource(input: $in) { id file } }`
	const putEntity = `mutation($in: EntityInput!) { putEntity(input: $in) { id name } }`
	source := func(edit func(map[string]any)) map[string]any {
		in := map[string]any{"id": "src-new", "file": "new.txt", "title": "New", "text": "A new article.\n"}
		edit(in)
		return in
	}
	entity := func(edit func(map[string]any)) map[string]any {
		in := map[string]any{"id": "tusk", "kind": "PERSON", "name": "Donald Tusk"}
		edit(in)
		return in
	}
	puts := []struct {
		name, mutation, field string
		in                    map[string]any
	}{
		{"source: a path as file", putSource, "input.file", source(func(in map[string]any) { in["file"] = "../../../../etc/passwd" })},
		{"source: a curated source moved to a path", putSource, "input.file", source(func(in map[string]any) { in["id"], in["file"] = "src-000", "../../../../etc/passwd" })},
		{"source: no text", putSource, "input.text", source(func(in map[string]any) { delete(in, "text") })},
		{"source: a curated source's text changed", putSource, "input.text", source(func(in map[string]any) { in["id"] = "src-000" })},
		{"source: id of 40,000 characters", putSource, "input.id", source(func(in map[string]any) { in["id"] = strings.Repeat("s", 40000) })},
		{"entity: id of 40,000 characters", putEntity, "input.id", entity(func(in map[string]any) { in["id"] = strings.Repeat("e", 40000) })},
		{"entity: too many aliases", putEntity, "input.aliases", entity(func(in map[string]any) { in["aliases"] = repeat("Donek", cg.MaxList+1) })},
		{"entity: name too long", putEntity, "input.name", entity(func(in map[string]any) { in["name"] = strings.Repeat("n", cg.MaxNameLen+1) })},
		{"entity: quote not in the source", putEntity, "input.evidence[0].quote", entity(func(in map[string]any) {
			in["evidence"] = []any{map[string]any{"source": "src-000", "quote": "Tusk was hacked"}}
		})},
	}
	for _, tt := range puts {
		t.Run(tt.name, func(t *testing.T) {
			resp := PostAs(t, h, aliceKey, tt.mutation, map[string]any{"in": tt.in})
			if len(resp.Errors) != 1 {
				t.Fatalf("errors %+v", resp.Errors)
			}
			if e := resp.Errors[0]; e.Code() != "BAD_USER_INPUT" || e.Extensions["field"] != tt.field {
				t.Errorf("code %s field %v, want BAD_USER_INPUT %s (%s)", e.Code(), e.Extensions["field"], tt.field, e.Message)
			}
		})
	}
	if after := snapshot(); after != before {
		t.Errorf("rejected writes changed the data")
	}
	var src struct{ Sources []struct{ ID, File string } }
	MustData(t, Post(t, h, `{ sources { id file } }`, nil), &src)
	for _, s := range src.Sources {
		if strings.ContainsAny(s.File, `/\`) {
			t.Errorf("source %s has file %q", s.ID, s.File)
		}
	}
}

func repeat[T any](v T, n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// quotesAreFoundInTheText checks that sources serve their text, that a
// quote on a write is found in it, and that the line the API answers is
// where the quote is, for a curated source and one the API created.
func quotesAreFoundInTheText(t *testing.T, h http.Handler) {
	var cur struct{ Source struct{ Text string } }
	MustData(t, Post(t, h, `{ source(id: "src-000") { text } }`, nil), &cur)
	if len(cur.Source.Text) < 1000 {
		t.Fatalf("src-000 serves %d bytes of text, want its article", len(cur.Source.Text))
	}
	const text = "Warsaw, 26 August.\nTusk said Poland would send a brigade.\n"
	MustData(t, PostAs(t, h, aliceKey, `mutation($in: SourceInput!) { putSource(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"id": "src-api", "file": "api.txt", "title": "Warsaw decides", "text": text}}), &struct{}{})
	for _, tt := range []struct {
		source, quote, text string
	}{
		{"src-000", "Poland clarified it will not send forces into Ukraine", cur.Source.Text},
		{"src-api", "Poland would send a brigade", text},
	} {
		t.Run(tt.source, func(t *testing.T) {
			in := newCommitmentInput("c-quoted-" + tt.source)
			in["evidence"] = []any{map[string]any{"source": tt.source, "quote": tt.quote}}
			var got struct {
				RecordCommitment struct {
					Evidence []struct {
						Quote string
						Line  int
					}
				}
			}
			MustData(t, PostAs(t, h, aliceKey, `mutation($in: RecordCommitmentInput!) { recordCommitment(input: $in) { evidence { quote line } } }`,
				map[string]any{"in": in}), &got)
			ev := got.RecordCommitment.Evidence
			i := strings.Index(tt.text, tt.quote)
			if len(ev) != 1 || i < 0 || ev[0].Line != 1+strings.Count(tt.text[:i], "\n") {
				t.Errorf("evidence %+v, want %q on line %d", ev, tt.quote, 1+strings.Count(tt.text[:max(i, 0)], "\n"))
			}
		})
	}
	var back struct{ Source struct{ Text string } }
	MustData(t, Post(t, h, `{ source(id: "src-api") { text } }`, nil), &back)
	if back.Source.Text != text {
		t.Errorf("src-api serves text %q, want %q", back.Source.Text, text)
	}
}

// firstCommitmentID is the id of a commitment the curated dataset holds.
func firstCommitmentID(t *testing.T, h http.Handler) string {
	t.Helper()
	var data struct {
		Commitments struct{ Nodes []struct{ ID string } }
	}
	MustData(t, Post(t, h, `{ commitments(first: 1) { nodes { id } } }`, nil), &data)
	if len(data.Commitments.Nodes) == 0 {
		t.Fatal("the store holds no commitment; RunWrites needs the curated dataset")
	}
	return data.Commitments.Nodes[0].ID
}

func mutationOverGETIs405(t *testing.T, h http.Handler) {
	q := url.QueryEscape(`mutation { retractCommitment(input: {id: "x", baseVersion: 1, reason: "r"}) { id } }`)
	req := httptest.NewRequest(http.MethodGet, "/graphql?query="+q, nil)
	req.Header.Set("Authorization", "Bearer "+aliceKey)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("status %d, want 405", rec.Code)
	}
}

// putsKeepVersions renames a curated entity and a curated source's title
// through the API and reads their history, whole and as of a time before
// the put.
func putsKeepVersions(t *testing.T, h http.Handler) {
	before := time.Now().UTC()
	var cur struct {
		Entity struct{ Name string }
		Source struct{ Title, Text string }
	}
	MustData(t, Post(t, h, `{ entity(id: "POL") { name } source(id: "src-000") { title text } }`, nil), &cur)
	MustData(t, PostAs(t, h, aliceKey, `mutation { putEntity(input: {id: "POL", kind: COUNTRY, name: "Hacked"}) { name } }`, nil), &struct{}{})
	MustData(t, PostAs(t, h, aliceKey, `mutation($in: SourceInput!) { putSource(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"id": "src-000", "file": "renamed.txt", "title": "A new title", "text": cur.Source.Text}}), &struct{}{})
	type version struct {
		Version    int
		RecordedBy *string
		Entity     *struct{ Name string }
		Source     *struct{ File, Title string }
	}
	var got struct {
		Entity struct{ History, Before []version }
		Source struct{ History, Before []version }
	}
	MustData(t, Post(t, h, `query($before: Time) {
  entity(id: "POL") { history { version recordedBy entity { name } } before: history(asOf: $before) { version entity { name } } }
  source(id: "src-000") { history { version recordedBy source { file title } } before: history(asOf: $before) { version source { title } } }
}`, map[string]any{"before": before.Format(time.RFC3339Nano)}), &got)
	eh, sh := got.Entity.History, got.Source.History
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"entity: two versions", len(eh) == 2},
		{"entity: the curated name first", len(eh) == 2 && eh[0].Version == 1 && eh[0].Entity.Name == cur.Entity.Name && eh[0].RecordedBy == nil},
		{"entity: the new name by alice", len(eh) == 2 && eh[1].Version == 2 && eh[1].Entity.Name == "Hacked" && eh[1].RecordedBy != nil && *eh[1].RecordedBy == "alice"},
		{"entity: as of before the put", len(got.Entity.Before) == 1 && got.Entity.Before[0].Entity.Name == cur.Entity.Name},
		{"source: the old file kept", len(sh) == 2 && sh[0].Source.Title == cur.Source.Title && sh[0].Source.File != "renamed.txt" && sh[1].Source.File == "renamed.txt"},
		{"source: as of before the put", len(got.Source.Before) == 1 && got.Source.Before[0].Source.Title == cur.Source.Title},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.ok {
				t.Errorf("history %+v", got)
			}
		})
	}
}
