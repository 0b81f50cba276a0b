package client_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/Khan/genqlient/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/coalitiongraph/coalitiongraph/client"
	"github.com/coalitiongraph/coalitiongraph/dataset"
	"github.com/coalitiongraph/coalitiongraph/httpapi"
	"github.com/coalitiongraph/coalitiongraph/inmem"
)

// newServer is the real handler over the curated dataset, on a free port.
func newServer(t *testing.T) graphql.Client {
	t.Helper()
	ds, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	store, err := inmem.New(ds)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpapi.NewHandler(store, httpapi.Defaults()))
	t.Cleanup(srv.Close)
	return graphql.NewClient(srv.URL+"/graphql", srv.Client())
}

func TestGeneratedClientAgainstTheServer(t *testing.T) {
	ctx := context.Background()
	gql := newServer(t)

	e, err := client.Entity(ctx, gql, "FRA")
	if err != nil {
		t.Fatalf("Entity: %v", err)
	}
	if e.Entity == nil || e.Entity.Id != "FRA" || e.Entity.Kind != client.EntityKindCountry || e.Entity.Name == "" {
		t.Fatalf("Entity(FRA) = %+v", e.Entity)
	}

	first := 5
	list, err := client.Entities(ctx, gql, []client.EntityKind{client.EntityKindCountry}, &first)
	if err != nil {
		t.Fatalf("Entities: %v", err)
	}
	if len(list.Entities) == 0 || len(list.Entities) > first {
		t.Fatalf("Entities(COUNTRY, 5) returned %d", len(list.Entities))
	}
	for _, x := range list.Entities {
		if x.Kind != client.EntityKindCountry {
			t.Errorf("Entities(COUNTRY) returned %s of kind %s", x.Id, x.Kind)
		}
	}

	c, err := client.Coalition(ctx, gql, "prop-ita-24h", nil)
	if err != nil {
		t.Fatalf("Coalition: %v", err)
	}
	n := 0
	for _, k := range c.Coalition.ByKind {
		n += len(k.Commitments)
	}
	if c.Coalition.Subject.Id != "prop-ita-24h" || n == 0 {
		t.Fatalf("Coalition(prop-ita-24h) = %+v with %d commitments", c.Coalition.Subject, n)
	}

	// An unknown entity is null, not an error; bad input is a coded error.
	if e, err := client.Entity(ctx, gql, "no-such-entity"); err != nil || e.Entity != nil {
		t.Errorf("Entity(no-such-entity) = %+v, %v; want nil, nil", e.Entity, err)
	}
	bad := -1
	_, err = client.Entities(ctx, gql, nil, &bad)
	var list2 gqlerror.List
	if !errors.As(err, &list2) || len(list2) == 0 || list2[0].Extensions["code"] != "BAD_USER_INPUT" {
		t.Errorf("Entities(first: -1) error = %v, want BAD_USER_INPUT", err)
	}
}
