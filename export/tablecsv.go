package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"
)

// cellText is a cell as CSV and the codebook write it: dates as
// YYYY-MM-DD, datetimes as RFC 3339, booleans as true/false, empty for null.
func cellText(f Field, v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case bool:
		return strconv.FormatBool(v)
	case time.Time:
		if f.Type == TypeDate {
			return v.Format(time.DateOnly)
		}
		return v.Format(time.RFC3339Nano)
	}
	panic(fmt.Sprintf("export: cell of type %T in %s", v, f.Name)) // rows are built in this package
}

// WriteCSV writes one table of a snapshot as CSV with a header row.
func WriteCSV(w io.Writer, t Table, s Snapshot) error {
	cw := csv.NewWriter(w)
	header := make([]string, len(t.Fields))
	for i, f := range t.Fields {
		header[i] = f.Name
	}
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("export: write %s.csv: %w", t.Name, err)
	}
	rec := make([]string, len(t.Fields))
	for _, r := range s[t.Name] {
		for i, f := range t.Fields {
			rec[i] = cellText(f, r[i])
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("export: write %s.csv: %w", t.Name, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("export: write %s.csv: %w", t.Name, err)
	}
	return nil
}
