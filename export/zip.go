package export

import (
	"archive/zip"
	"fmt"
	"io"
)

// WriteZip writes the whole package: datapackage.json, the codebook and
// every table as CSV and Parquet.
func WriteZip(w io.Writer, s Snapshot) error {
	zw := zip.NewWriter(w)
	add := func(name string, write func(io.Writer) error) error {
		f, err := zw.Create(name)
		if err != nil {
			return fmt.Errorf("export: zip %s: %w", name, err)
		}
		return write(f)
	}
	if err := add("datapackage.json", func(w io.Writer) error { _, err := w.Write(DataPackage()); return err }); err != nil {
		return err
	}
	if err := add("codebook.md", func(w io.Writer) error { _, err := io.WriteString(w, Codebook()); return err }); err != nil {
		return err
	}
	for _, t := range Tables {
		if err := add(t.Name+".csv", func(w io.Writer) error { return WriteCSV(w, t, s) }); err != nil {
			return err
		}
		if err := add(t.Name+".parquet", func(w io.Writer) error { return WriteParquet(w, t, s) }); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("export: zip: %w", err)
	}
	return nil
}
