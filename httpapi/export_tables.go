package httpapi

import (
	"context"
	"encoding/json"
	"io"
	"net/http"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/export"
)

// serveDataPackage answers the tidy tables' datapackage.json, whose
// relative paths resolve beside the tables under /export/tables/.
func serveDataPackage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(export.DataPackage())
}

// zip writes every table, read from one snapshot.
func (e *exporter) zip(ctx context.Context, f cg.CommitmentFilter, w io.Writer) error {
	s, err := e.Snapshot(ctx, f)
	if err != nil {
		return err
	}
	return export.WriteZip(w, s)
}

// table reads the snapshot before writing, so a failing store gets an
// error status rather than a truncated file.
func (e *exporter) table(t export.Table, write func(io.Writer, export.Table, export.Snapshot) error) func(context.Context, cg.CommitmentFilter, io.Writer) error {
	return func(ctx context.Context, f cg.CommitmentFilter, w io.Writer) error {
		s, err := e.Snapshot(ctx, f)
		if err != nil {
			return err
		}
		return write(w, t, s)
	}
}

type exportIndexTable struct {
	Name          string `json:"name"`
	Description   string `json:"description"`
	FollowsFilter bool   `json:"followsFilter"`
	CSV           string `json:"csv"`
	Parquet       string `json:"parquet"`
}

type exportIndex struct {
	Filters     []string           `json:"filters"`
	DataPackage string             `json:"datapackage"`
	Zip         string             `json:"zip"`
	Tables      []exportIndexTable `json:"tables"`
	Graphs      map[string]string  `json:"graphs"`
	Legacy      map[string]string  `json:"legacy"`
}

func (e *exporter) index(w http.ResponseWriter, r *http.Request) {
	ix := exportIndex{
		Filters:     exportParamNames,
		DataPackage: "/export/tables/datapackage.json", Zip: "/export/dataset.zip",
		Graphs: map[string]string{"graphml": "/export/graph.graphml", "nodeLinkJSON": "/export/graph.json"},
		Legacy: map[string]string{"commitments": "/export/commitments.csv"},
	}
	for _, t := range export.Tables {
		ix.Tables = append(ix.Tables, exportIndexTable{Name: t.Name, Description: t.Description, FollowsFilter: t.FollowsFilter,
			CSV: "/export/tables/" + t.Name + ".csv", Parquet: "/export/tables/" + t.Name + ".parquet"})
	}
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(ix)
}
