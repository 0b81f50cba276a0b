package export

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// CommitmentsCSVHeader is the legacy one-row-per-commitment CSV's header,
// kept for the existing /export/commitments.csv route; date_start and
// date_end give the interval a date denotes so that pandas can parse it;
// known_from and reported_by, at the end, when it became known (see
// docs/dataset.md).
var CommitmentsCSVHeader = []string{
	"id", "actor_id", "actor_name", "kind", "target_id", "target_name", "status", "date",
	"date_precision", "date_start", "date_end", "stated_by_id", "stated_by", "conditions", "source_files",
	"first_quote", "evidence_count", "summary", "known_from", "reported_by",
}

// CommitmentsCSV writes the commitments f selects, one row each. Nothing is
// written before the first page has been read, so that a store that is down
// gets an error rather than a truncated file.
func (e *Exporter) CommitmentsCSV(ctx context.Context, f cg.CommitmentFilter, w io.Writer) error {
	cw := csv.NewWriter(w)
	n := e.newNames()
	wroteHeader := false
	return e.eachPage(ctx, f, func(cs []*cg.Commitment) error {
		if err := n.load(ctx, cs); err != nil {
			return err
		}
		if !wroteHeader {
			wroteHeader = true
			if err := cw.Write(CommitmentsCSVHeader); err != nil {
				return fmt.Errorf("export: write csv: %w", err)
			}
		}
		for _, c := range cs {
			quote := ""
			if len(c.Evidence) > 0 {
				quote = c.Evidence[0].Quote
			}
			row := []string{
				c.ID, c.ActorID, n.entityName(c.ActorID), string(c.Kind), c.TargetID, n.entityName(c.TargetID),
				string(c.Status), c.Date.String(), string(c.Date.Precision()), dateStart(c.Date), dateEnd(c.Date),
				c.StatedByID, n.entityName(c.StatedByID),
				strings.Join(c.Conditions, "; "), strings.Join(n.sourceFiles(c.Evidence), " "), quote,
				strconv.Itoa(len(c.Evidence)), c.Summary, "", "",
			}
			source := func(id string) *cg.Source { return n.sources[id] }
			if t, ok := cg.KnownFrom(c, source); ok {
				row[len(row)-2] = t.UTC().Format(time.RFC3339)
			}
			if s := cg.Reported(c.Evidence, source); s != nil {
				row[len(row)-1] = s.ID
			}
			if err := cw.Write(row); err != nil {
				return fmt.Errorf("export: write csv: %w", err)
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return fmt.Errorf("export: write csv: %w", err)
		}
		flush(w)
		return nil
	})
}
