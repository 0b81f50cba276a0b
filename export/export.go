// Package export writes the dataset in analysts' formats: the commitments
// as CSV, and the graph as GraphML (Gephi, yEd, networkx.read_graphml) or
// node-link JSON (networkx.node_link_graph). It knows no HTTP: httpapi
// parses a request into a cg.CommitmentFilter and hands an io.Writer.
//
// Exports stream: commitments are read from the store a page at a time and
// written as they come, so an export's memory does not grow with the
// number of commitments. A writer that has a Flush method is flushed after
// each page, so a client starts receiving a large export at once.
package export

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// PageSize is how many commitments an export reads per store call; it also
// sets how often the output is flushed.
const PageSize = 500

// order is the order of exported commitments: by date, as the API lists
// them, ids breaking ties so the files are reproducible.
const order = cg.OrderDateAsc

// Exporter reads what it exports from a store.
type Exporter struct {
	Store cg.Store
	// CallTimeout bounds each store call rather than the whole export: a
	// large export may rightly take longer than one API request. Zero
	// means no bound beyond the caller's context.
	CallTimeout time.Duration
}

// flush sends what has been written so far when w can.
func flush(w io.Writer) {
	if f, ok := w.(interface{ Flush() }); ok {
		f.Flush()
	}
}

// FilterIsEmpty reports whether f selects everything (asOf aside).
func FilterIsEmpty(f cg.CommitmentFilter) bool {
	return len(f.IDs) == 0 && len(f.Kinds) == 0 && len(f.Statuses) == 0 && len(f.ActorIDs) == 0 &&
		len(f.TargetIDs) == 0 && len(f.SourceIDs) == 0 && len(f.StatedByIDs) == 0 &&
		!f.From.Known() && !f.To.Known()
}

func (e *Exporter) call(ctx context.Context, fn func(context.Context) error) error {
	if e.CallTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, e.CallTimeout)
		defer cancel()
	}
	return fn(ctx)
}

// pager reads the commitments f selects a page at a time, in order.
type pager struct {
	e     *Exporter
	f     cg.CommitmentFilter
	after string
	done  bool
}

func (e *Exporter) pages(f cg.CommitmentFilter) *pager { return &pager{e: e, f: f} }

// next returns the next page; ok is false when the listing is over. The
// first page may be empty.
func (p *pager) next(ctx context.Context) (cs []*cg.Commitment, ok bool, err error) {
	if p.done {
		return nil, false, nil
	}
	var page *cg.CommitmentPage
	err = p.e.call(ctx, func(ctx context.Context) (err error) {
		page, err = p.e.Store.Commitments(ctx, p.f, cg.Page{First: PageSize, After: p.after, Order: order})
		return err
	})
	if err != nil {
		return nil, false, fmt.Errorf("export: list commitments: %w", err)
	}
	if !page.HasNextPage || len(page.Commitments) == 0 {
		p.done = true
	} else {
		p.after = cg.EncodeCursor(page.Commitments[len(page.Commitments)-1], order)
	}
	return page.Commitments, true, nil
}

// eachPage calls fn with each page of the commitments f selects.
func (e *Exporter) eachPage(ctx context.Context, f cg.CommitmentFilter, fn func([]*cg.Commitment) error) error {
	p := e.pages(f)
	for {
		cs, ok, err := p.next(ctx)
		if err != nil || !ok {
			return err
		}
		if err := fn(cs); err != nil {
			return err
		}
	}
}

func uniqSorted(ids []string) []string {
	slices.Sort(ids)
	return slices.Compact(ids)
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// dateStart and dateEnd are the first and last day a date may mean ("2025"
// is 2025-01-01 to 2025-12-31), "" when unknown: columns that pandas and
// Arrow read as dates whatever the precision.
func dateStart(d cg.Date) string {
	if !d.Known() {
		return ""
	}
	return d.Start().Format(time.DateOnly)
}

func dateEnd(d cg.Date) string {
	if !d.Known() {
		return ""
	}
	return d.End().AddDate(0, 0, -1).Format(time.DateOnly) // End is exclusive; the column is the last day
}
