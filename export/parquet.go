package export

import (
	"fmt"
	"io"
	"time"

	"github.com/parquet-go/parquet-go"
)

// Parquet columns carry the Table Schema types as logical types: strings
// as UTF-8, integers as INT64, dates as DATE and datetimes as microsecond
// timestamps in UTC, so pyarrow and pandas load them typed without hints.
func parquetNode(f Field) parquet.Node {
	var n parquet.Node
	switch f.Type {
	case TypeInteger:
		n = parquet.Int(64)
	case TypeBoolean:
		n = parquet.Leaf(parquet.BooleanType)
	case TypeDate:
		n = parquet.Date()
	case TypeDateTime:
		n = parquet.Timestamp(parquet.Microsecond)
	default:
		n = parquet.String()
	}
	if f.Required {
		return parquet.Required(n)
	}
	return parquet.Optional(n)
}

// ParquetSchema is the Parquet schema of a table.
func ParquetSchema(t Table) *parquet.Schema {
	g := parquet.Group{}
	for _, f := range t.Fields {
		g[f.Name] = parquetNode(f)
	}
	return parquet.NewSchema(t.Name, g)
}

func parquetValue(f Field, v any) parquet.Value {
	switch v := v.(type) {
	case nil:
		return parquet.NullValue()
	case string:
		return parquet.ByteArrayValue([]byte(v))
	case int:
		return parquet.Int64Value(int64(v))
	case bool:
		return parquet.BooleanValue(v)
	case time.Time:
		if f.Type == TypeDate {
			return parquet.Int32Value(int32(v.Unix() / 86400))
		}
		return parquet.Int64Value(v.UnixMicro())
	}
	panic(fmt.Sprintf("export: cell of type %T in %s", v, f.Name)) // rows are built in this package
}

// WriteParquet writes one table of a snapshot as a Parquet file.
func WriteParquet(w io.Writer, t Table, s Snapshot) error {
	schema := ParquetSchema(t)
	// A Group orders its columns by name; index maps each Parquet column
	// to its place in the table's rows.
	index := map[string]int{}
	for i, f := range t.Fields {
		index[f.Name] = i
	}
	cols := schema.Columns()
	pw := parquet.NewWriter(w, schema)
	rows := make([]parquet.Row, 0, len(s[t.Name]))
	for _, r := range s[t.Name] {
		pr := make(parquet.Row, len(cols))
		for c, path := range cols {
			i := index[path[0]]
			f := t.Fields[i]
			def := 0
			if !f.Required && r[i] != nil {
				def = 1
			}
			pr[c] = parquetValue(f, r[i]).Level(0, def, c)
		}
		rows = append(rows, pr)
	}
	if _, err := pw.WriteRows(rows); err != nil {
		return fmt.Errorf("export: write %s.parquet: %w", t.Name, err)
	}
	if err := pw.Close(); err != nil {
		return fmt.Errorf("export: write %s.parquet: %w", t.Name, err)
	}
	return nil
}
