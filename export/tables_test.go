package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/dataset"
	"github.com/coalitiongraph/coalitiongraph/export"
	"github.com/coalitiongraph/coalitiongraph/inmem"
)

func snapshot(t *testing.T, f cg.CommitmentFilter) (*cg.Dataset, export.Snapshot) {
	t.Helper()
	ds, err := dataset.Default()
	if err != nil {
		t.Fatalf("load dataset: %v", err)
	}
	st, err := inmem.New(ds)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	s, err := (&export.Exporter{Store: st, CallTimeout: time.Minute}).Snapshot(context.Background(), f)
	if err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	return ds, s
}

// The committed codebook is what the table description generates.
func TestCodebookIsGenerated(t *testing.T) {
	got, err := os.ReadFile("../docs/codebook.md")
	if err != nil {
		t.Fatalf("read codebook: %v", err)
	}
	if string(got) != export.Codebook() {
		t.Error("docs/codebook.md differs from export.Tables: run go generate ./export/")
	}
}

// datapackage.json describes every table and column the CSVs hold, in
// order, and the codebook names every one of them.
func TestDataPackageDescribesEveryColumn(t *testing.T) {
	var dp struct {
		Resources []struct {
			Name, Path string
			Schema     struct {
				Fields []struct{ Name, Type, Description string }
			}
		}
	}
	if err := json.Unmarshal(export.DataPackage(), &dp); err != nil {
		t.Fatalf("parse datapackage.json: %v", err)
	}
	_, s := snapshot(t, cg.CommitmentFilter{})
	if len(dp.Resources) != len(export.Tables) {
		t.Fatalf("%d resources, %d tables", len(dp.Resources), len(export.Tables))
	}
	codebook := export.Codebook()
	for i, tab := range export.Tables {
		res := dp.Resources[i]
		var buf bytes.Buffer
		if err := export.WriteCSV(&buf, tab, s); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatalf("%s: parse csv: %v", tab.Name, err)
		}
		if res.Name != tab.Name || res.Path != tab.Name+".csv" || len(res.Schema.Fields) != len(recs[0]) {
			t.Errorf("resource %s (%s, %d fields) for table %s with %d columns", res.Name, res.Path, len(res.Schema.Fields), tab.Name, len(recs[0]))
			continue
		}
		for j, f := range res.Schema.Fields {
			if f.Name != recs[0][j] || f.Description == "" || f.Type == "" {
				t.Errorf("%s column %d: %+v, header %q", tab.Name, j, f, recs[0][j])
			}
			if !strings.Contains(codebook, "| `"+f.Name+"` |") {
				t.Errorf("codebook lacks %s.%s", tab.Name, f.Name)
			}
		}
		if len(recs)-1 != len(s[tab.Name]) {
			t.Errorf("%s: %d csv rows, %d in the snapshot", tab.Name, len(recs)-1, len(s[tab.Name]))
		}
	}
}

func csvRows(t *testing.T, tab string, s export.Snapshot) []map[string]string {
	t.Helper()
	table, ok := export.TableByName(tab)
	if !ok {
		t.Fatalf("no table %s", tab)
	}
	var buf bytes.Buffer
	if err := export.WriteCSV(&buf, table, s); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("parse %s.csv: %v", tab, err)
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

// Lists are long rows: every quote of every fact is one evidence row, and
// each commitment's conditions are rows of commitment_conditions.
func TestTidyTables(t *testing.T) {
	ds, s := snapshot(t, cg.CommitmentFilter{})
	want := 0
	for _, c := range ds.Commitments {
		want += len(c.Evidence)
	}
	for _, e := range ds.Entities {
		want += len(e.Evidence)
	}
	for _, r := range ds.Relations {
		want += len(r.Evidence)
	}
	for _, c := range ds.Claims {
		want += len(c.Evidence)
	}
	ev := csvRows(t, "evidence", s)
	if len(ev) != want {
		t.Errorf("%d evidence rows, want one per quote: %d", len(ev), want)
	}
	var multi *cg.Commitment
	for _, c := range ds.Commitments {
		if len(c.Evidence) > 1 {
			multi = c
			break
		}
	}
	if multi == nil {
		t.Fatal("no commitment with several quotes in the dataset")
	}
	var quotes []string
	for _, r := range ev {
		if r["fact_type"] == "commitment" && r["fact"] == multi.ID {
			quotes = append(quotes, r["quote"])
			if r["source"] == "" || r["line"] == "" {
				t.Errorf("evidence row %v lacks source or line", r)
			}
		}
	}
	if len(quotes) != len(multi.Evidence) || quotes[0] != multi.Evidence[0].Quote {
		t.Errorf("%s: quotes %q, want %d", multi.ID, quotes, len(multi.Evidence))
	}

	conds := 0
	for _, c := range ds.Commitments {
		conds += len(c.Conditions)
	}
	if got := len(csvRows(t, "commitment_conditions", s)); got != conds || conds == 0 {
		t.Errorf("%d condition rows, want %d", got, conds)
	}

	byID := map[string]map[string]string{}
	for _, r := range csvRows(t, "commitments", s) {
		byID[r["id"]] = r
	}
	pol := byID["c-pol-refuses-troops"]
	if pol["actor"] != "POL" || pol["target"] != "UKR" || pol["kind"] != "REFUSES_TROOPS" || pol["status"] != "REFUSED" {
		t.Errorf("c-pol-refuses-troops %v", pol)
	}
	for _, c := range ds.Commitments {
		r := byID[c.ID]
		if r["date_precision"] != string(c.Date.Precision()) {
			t.Errorf("%s: precision %q for %s", c.ID, r["date_precision"], c.Date)
		}
		if !c.Date.Known() {
			continue
		}
		start, err1 := time.Parse(time.DateOnly, r["date_start"])
		end, err2 := time.Parse(time.DateOnly, r["date_end"])
		if err1 != nil || err2 != nil || !start.Equal(c.Date.Start()) || !end.AddDate(0, 0, 1).Equal(c.Date.End()) {
			t.Errorf("%s: %s → %q..%q", c.ID, c.Date, r["date_start"], r["date_end"])
		}
	}
	if len(byID) != len(ds.Commitments) {
		t.Errorf("%d commitment rows, want %d", len(byID), len(ds.Commitments))
	}
}

// The intervals are what a day, a month and a year mean.
func TestDateInterval(t *testing.T) {
	for _, tc := range []struct{ date, start, end string }{
		{"2025-08-20", "2025-08-20", "2025-08-20"},
		{"2025-02", "2025-02-01", "2025-02-28"},
		{"2024", "2024-01-01", "2024-12-31"},
	} {
		d := cg.MustDate(tc.date)
		if s, e := d.Start().Format(time.DateOnly), d.End().AddDate(0, 0, -1).Format(time.DateOnly); s != tc.start || e != tc.end {
			t.Errorf("%s: %s..%s, want %s..%s", tc.date, s, e, tc.start, tc.end)
		}
	}
}

// Filters select commitments and what hangs off them; reference tables stay whole.
func TestSnapshotFollowsFilter(t *testing.T) {
	ds, s := snapshot(t, cg.CommitmentFilter{Kinds: []cg.EdgeKind{"REFUSES_TROOPS"}})
	rows := csvRows(t, "commitments", s)
	if len(rows) != 2 {
		t.Errorf("%d refusals, want 2", len(rows))
	}
	for _, r := range csvRows(t, "evidence", s) {
		if r["fact_type"] == "commitment" && r["fact"] != rows[0]["id"] && r["fact"] != rows[1]["id"] {
			t.Errorf("evidence of unselected commitment %s", r["fact"])
		}
	}
	if got := len(csvRows(t, "entities", s)); got != len(ds.Entities) {
		t.Errorf("%d entities, want all %d", got, len(ds.Entities))
	}
}

// Parquet files read back with typed columns: dates as DATE, counts as
// INT64, optional columns null where the CSV is empty.
func TestParquetReadsBack(t *testing.T) {
	ds, s := snapshot(t, cg.CommitmentFilter{})
	for _, tab := range export.Tables {
		var buf bytes.Buffer
		if err := export.WriteParquet(&buf, tab, s); err != nil {
			t.Fatalf("%s: %v", tab.Name, err)
		}
		f, err := parquet.OpenFile(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatalf("%s: open parquet: %v", tab.Name, err)
		}
		if f.NumRows() != int64(len(s[tab.Name])) {
			t.Errorf("%s: %d rows, want %d", tab.Name, f.NumRows(), len(s[tab.Name]))
		}
		for _, fld := range tab.Fields {
			col, ok := f.Schema().Lookup(fld.Name)
			if !ok {
				t.Errorf("%s: no column %s", tab.Name, fld.Name)
				continue
			}
			lt := col.Node.Type().LogicalType()
			switch fld.Type {
			case export.TypeDate:
				if lt == nil || !strings.EqualFold(lt.String(), "DATE") {
					t.Errorf("%s.%s: logical type %v, want DATE", tab.Name, fld.Name, lt)
				}
			case export.TypeString:
				if lt == nil || !strings.EqualFold(lt.String(), "STRING") {
					t.Errorf("%s.%s: logical type %v, want STRING", tab.Name, fld.Name, lt)
				}
			case export.TypeInteger:
				if col.Node.Type().Kind() != parquet.Int64 {
					t.Errorf("%s.%s: kind %v, want INT64", tab.Name, fld.Name, col.Node.Type().Kind())
				}
			}
		}
	}

	type commitment struct {
		ID            string     `parquet:"id"`
		Actor         string     `parquet:"actor"`
		DateStart     *time.Time `parquet:"date_start,date,optional"`
		DatePrecision string     `parquet:"date_precision"`
		StatedBy      *string    `parquet:"stated_by,optional"`
		EvidenceCount int64      `parquet:"evidence_count"`
		Retracted     bool       `parquet:"retracted"`
	}
	tab, _ := export.TableByName("commitments")
	var buf bytes.Buffer
	if err := export.WriteParquet(&buf, tab, s); err != nil {
		t.Fatal(err)
	}
	got, err := parquet.Read[commitment](bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatalf("read commitments.parquet: %v", err)
	}
	want := map[string]*cg.Commitment{}
	for _, c := range ds.Commitments {
		want[c.ID] = c
	}
	for _, r := range got {
		c := want[r.ID]
		if c == nil || r.Actor != c.ActorID || int(r.EvidenceCount) != len(c.Evidence) || r.DatePrecision != string(c.Date.Precision()) {
			t.Errorf("row %+v for %+v", r, c)
			continue
		}
		if c.Date.Known() != (r.DateStart != nil) || (r.DateStart != nil && !r.DateStart.Equal(c.Date.Start())) {
			t.Errorf("%s: date_start %v for %s", r.ID, r.DateStart, c.Date)
		}
		if (c.StatedByID == "") != (r.StatedBy == nil) {
			t.Errorf("%s: stated_by %v for %q", r.ID, r.StatedBy, c.StatedByID)
		}
	}
}

// The claims table carries positions, the derived agreement and the stance
// layer: France's troops are under discussion by others, not offered, and
// agreeing accounts are not disputed.
func TestClaimsTableShowsPositionsAndStances(t *testing.T) {
	_, s := snapshot(t, cg.CommitmentFilter{})
	byID := map[string]map[string]string{}
	for _, r := range csvRows(t, "claims", s) {
		byID[r["id"]] = r
	}
	for _, tc := range []struct {
		id   string
		want map[string]string
	}{
		{"claim-fra-troops-000", map[string]string{"position": "under-discussion", "corroboration": "2", "disputed": "false",
			"stance_actor": "FRA", "stance_kind": "OFFERS_TROOPS", "stance_state": "UNDER_DISCUSSION", "stance_discussed_by": "discussions in Washington"}},
		{"claim-ita-plan-article5-001", map[string]string{"position": "similar", "corroboration": "4", "disputed": "false", "stance_state": ""}},
		{"claim-ita-plan-origin-trump-003", map[string]string{"position": "trump", "corroboration": "1", "disputed": "true"}},
		{"claim-macron-no-membership", map[string]string{"stance_actor": "macron", "stance_kind": "", "stance_state": "STATED_POSITION"}},
	} {
		r := byID[tc.id]
		if r == nil {
			t.Errorf("no claims row %s", tc.id)
			continue
		}
		for col, want := range tc.want {
			if r[col] != want {
				t.Errorf("%s: %s = %q, want %q", tc.id, col, r[col], want)
			}
		}
	}
}
