package httpapi

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/dashboard"
	"github.com/coalitiongraph/coalitiongraph/export"
)

// service is what the handlers are made from.
type service struct {
	cfg   Config
	store cg.Store
	gql   http.Handler
	rl    *rateLimiter
	ex    *exporter
}

// routes lists every route the service answers, one line each, with the
// handler maker that serves it (beside its concern elsewhere in the
// package). The patterns are also the metrics' path labels.
func routes(mux *http.ServeMux, s service) {
	mux.Handle("/graphql", authenticate(s.cfg.APIKeys, limitRate(s.rl, serveGraphQL(s.cfg, s.gql))))
	mux.Handle("GET /graphiql", graphiqlPage())
	mux.Handle("GET /graphiql/assets/", graphiqlAssets())
	mux.Handle("GET /schema.graphql", serveSchema(s.cfg))
	mux.Handle("/dashboard", dashboard.Handler())
	mux.Handle("/dashboard/", dashboard.Handler())
	mux.Handle("GET /healthz", http.HandlerFunc(serveHealth))
	mux.Handle("GET /readyz", serveReady(s.store, s.cfg.Logger))
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.cfg.Registry, promhttp.HandlerOpts{}))

	mux.Handle("GET /export/{$}", http.HandlerFunc(s.ex.index))
	mux.Handle("GET /export/commitments.csv", s.ex.serve("text/csv; charset=utf-8", "commitments.csv", s.ex.CommitmentsCSV))
	mux.Handle("GET /export/graph.graphml", s.ex.serve("application/graphml+xml; charset=utf-8", "graph.graphml", s.ex.GraphML))
	mux.Handle("GET /export/graph.json", s.ex.serve("application/json", "graph.json", s.ex.GraphJSON))
	mux.Handle("GET /export/dataset.zip", s.ex.serve("application/zip", "coalitiongraph.zip", s.ex.zip))
	mux.Handle("GET /export/tables/datapackage.json", http.HandlerFunc(serveDataPackage))
	for _, t := range export.Tables {
		mux.Handle("GET /export/tables/"+t.Name+".csv", s.ex.serve("text/csv; charset=utf-8", t.Name+".csv", s.ex.table(t, export.WriteCSV)))
		mux.Handle("GET /export/tables/"+t.Name+".parquet", s.ex.serve("application/vnd.apache.parquet", t.Name+".parquet", s.ex.table(t, export.WriteParquet)))
	}
}
