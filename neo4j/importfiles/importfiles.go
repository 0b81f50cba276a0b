// Package importfiles writes a dataset as the CSV files of
// `neo4j-admin database import full`, the tool for a first load of
// millions of rows into an empty database: the graph neo4j.Store.Load
// would write (neo4j.BulkGraph), one header file and one data file per
// label set or relationship type, and the command that imports them.
// The store creates its schema (constraints, indexes, full-text indexes)
// when it first opens the imported database (Store.Ready).
package importfiles

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"
)

// ArrayDelimiter separates the elements of a list property. The tool has
// no escape for its array delimiter inside a value, so it is one no text
// of the dataset holds (the default ';' is common in prose); a list
// element that holds it is refused.
const ArrayDelimiter = '\x1f'

// arrayDelimiterArg is ArrayDelimiter as the tool's option spells it.
const arrayDelimiterArg = "U+001F"

// Group is the pair of files of one label set or relationship type.
type Group struct {
	// Labels are a node group's labels; Type is a relationship group's
	// type.
	Labels []string
	Type   string
	// Header and Data are the files' paths.
	Header, Data string
	// Records is the number of data lines.
	Records int
}

// Files are the files Write wrote.
type Files struct {
	Dir    string
	Groups []Group
	// Multiline says whether a value holds a line break, which the tool
	// reads only with --multiline-fields (slower, so only when needed).
	Multiline bool
	Stats     neo4j.LoadStats
}

// Write writes the import files of ds into dir (created if missing),
// replacing files of the same names. It checks ds as Load does. Records
// are written as they are built: memory stays that of the dataset.
func Write(dir string, ds *cg.Dataset) (*Files, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("importfiles: %w", err)
	}
	// The tool's --nodes and --relationships take comma-separated paths.
	if strings.ContainsAny(abs, ",=") {
		return nil, fmt.Errorf("importfiles: directory %q: a path with ',' or '=' cannot be given to neo4j-admin's --nodes", abs)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("importfiles: %w", err)
	}
	w := &writer{dir: abs, open: map[*neo4j.BulkGroup]*groupFile{}}
	st, err := neo4j.BulkGraph(ds, time.Now(), w.record)
	if cerr := w.close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	f := &Files{Dir: abs, Multiline: w.multiline, Stats: st}
	// In the fixed order of the groups, so that the command is the same
	// for the same dataset.
	for _, g := range neo4j.BulkGroups {
		if gf := w.open[g]; gf != nil {
			f.Groups = append(f.Groups, Group{Labels: g.Labels, Type: g.Type, Header: gf.header, Data: gf.data, Records: gf.records})
		}
	}
	return f, nil
}

// Args are the arguments of neo4j-admin that import the files into the
// database (neo4j when ""), which must not exist or be empty.
func (f *Files) Args(database string) []string {
	if database == "" {
		database = "neo4j"
	}
	// The database comes first: --nodes and --relationships take one or
	// more values, and would take a name after them for a file.
	args := []string{"database", "import", "full", database, "--array-delimiter=" + arrayDelimiterArg}
	if f.Multiline {
		args = append(args, "--multiline-fields=true")
	}
	for _, g := range f.Groups {
		files := g.Header + "," + g.Data
		if g.Type == "" {
			args = append(args, "--nodes="+strings.Join(g.Labels, ":")+"="+files)
		} else {
			args = append(args, "--relationships="+g.Type+"="+files)
		}
	}
	return args
}

// Command is the neo4j-admin command line of Args, quoted for a POSIX
// shell.
func (f *Files) Command(database string) string {
	parts := []string{"neo4j-admin"}
	for _, a := range f.Args(database) {
		parts = append(parts, shellQuote(a))
	}
	return strings.Join(parts, " \\\n  ")
}

func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=+,./:") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// writer holds a group's files open from its first record.
type writer struct {
	dir       string
	open      map[*neo4j.BulkGroup]*groupFile
	line      []byte
	multiline bool
}

type groupFile struct {
	header, data string
	f            *os.File
	w            *bufio.Writer
	records      int
}

func (w *writer) record(r neo4j.BulkRecord) error {
	g := r.Group
	gf := w.open[g]
	if gf == nil {
		var err error
		if gf, err = w.create(g); err != nil {
			return err
		}
	}
	line := w.line[:0]
	if g.Type == "" {
		line = appendQuoted(line, r.ID)
	} else {
		line = appendQuoted(line, r.Start)
		line = append(line, ',')
		line = appendQuoted(line, r.End)
	}
	for _, p := range g.Props {
		if p.Name == g.IDProp {
			continue
		}
		line = append(line, ',')
		var err error
		if line, err = w.appendValue(line, p, r.Props[p.Name]); err != nil {
			return fmt.Errorf("importfiles: %s %s: property %s: %w", g.Name, recordName(r), p.Name, err)
		}
	}
	line = append(line, '\n')
	w.line = line
	gf.records++
	if _, err := gf.w.Write(line); err != nil {
		return fmt.Errorf("importfiles: write %s: %w", gf.data, err)
	}
	return nil
}

// recordName says which record a message is about.
func recordName(r neo4j.BulkRecord) string {
	if id, ok := r.Props["id"].(string); ok {
		return id
	}
	if r.Group.Type == "" {
		return r.ID
	}
	return r.Start + "->" + r.End
}

// create writes g's header file and opens its data file.
func (w *writer) create(g *neo4j.BulkGroup) (*groupFile, error) {
	var cols []string
	if g.Type == "" {
		cols = append(cols, g.IDProp+":ID("+g.IDSpace+")")
	} else {
		cols = append(cols, ":START_ID("+g.StartSpace+")", ":END_ID("+g.EndSpace+")")
	}
	for _, p := range g.Props {
		switch {
		case p.Name == g.IDProp:
		case p.Type == neo4j.BulkString:
			cols = append(cols, p.Name)
		default:
			cols = append(cols, p.Name+":"+string(p.Type))
		}
	}
	gf := &groupFile{header: filepath.Join(w.dir, g.Name+".header.csv"), data: filepath.Join(w.dir, g.Name+".csv")}
	if err := os.WriteFile(gf.header, []byte(strings.Join(cols, ",")+"\n"), 0o644); err != nil {
		return nil, fmt.Errorf("importfiles: %w", err)
	}
	f, err := os.Create(gf.data)
	if err != nil {
		return nil, fmt.Errorf("importfiles: %w", err)
	}
	gf.f, gf.w = f, bufio.NewWriterSize(f, 1<<20)
	w.open[g] = gf
	return gf, nil
}

func (w *writer) close() error {
	var first error
	for _, gf := range w.open {
		err := gf.w.Flush()
		if cerr := gf.f.Close(); err == nil {
			err = cerr
		}
		if err != nil && first == nil {
			first = fmt.Errorf("importfiles: write %s: %w", gf.data, err)
		}
	}
	return first
}

// appendValue appends v as p's type reads it. An absent value is an empty
// field, which the tool leaves out; strings are always quoted, so that an
// empty string stays one (the store's date orders compare r.date with the empty string).
func (w *writer) appendValue(line []byte, p neo4j.BulkProp, v any) ([]byte, error) {
	if v == nil {
		return line, nil
	}
	bad := func() ([]byte, error) { return nil, fmt.Errorf("a %T where %s was expected", v, p.Type) }
	switch p.Type {
	case neo4j.BulkString:
		s, ok := v.(string)
		if !ok {
			return bad()
		}
		w.noteLines(s)
		return appendQuoted(line, s), nil
	case neo4j.BulkLong:
		switch n := v.(type) {
		case int64:
			return strconv.AppendInt(line, n, 10), nil
		case int:
			return strconv.AppendInt(line, int64(n), 10), nil
		}
		return bad()
	case neo4j.BulkBoolean:
		b, ok := v.(bool)
		if !ok {
			return bad()
		}
		return strconv.AppendBool(line, b), nil
	case neo4j.BulkDate:
		switch d := v.(type) {
		case string:
			if _, err := time.Parse(time.DateOnly, d); err != nil {
				return nil, fmt.Errorf("not a date: %q", d)
			}
			return append(line, d...), nil
		case dbtype.Date:
			return time.Time(d).AppendFormat(line, time.DateOnly), nil
		}
		return bad()
	case neo4j.BulkDateTime:
		t, ok := v.(time.Time)
		if !ok {
			return bad()
		}
		// With the zone's name, not an offset: Load's datetimes are in
		// the zone UTC, and an offset reads back as another zone.
		return append(t.UTC().AppendFormat(line, "2006-01-02T15:04:05.999999999"), "[UTC]"...), nil
	case neo4j.BulkStrings:
		l, ok := v.([]string)
		if !ok {
			return bad()
		}
		for i, s := range l {
			if strings.ContainsRune(s, ArrayDelimiter) {
				return nil, fmt.Errorf("element %d holds U+001F, the import files' array delimiter, which a list element cannot carry", i)
			}
			w.noteLines(s)
		}
		return appendQuoted(line, strings.Join(l, string(ArrayDelimiter))), nil
	}
	return nil, fmt.Errorf("type %s unknown to the import files", p.Type)
}

func (w *writer) noteLines(s string) {
	if !w.multiline && strings.ContainsAny(s, "\r\n") {
		w.multiline = true
	}
}

// appendQuoted appends s in double quotes, a quote inside doubled (RFC
// 4180, the tool's default). encoding/csv cannot be used: it writes an
// empty string as an empty field, which the tool reads as absent.
func appendQuoted(line []byte, s string) []byte {
	line = append(line, '"')
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			break
		}
		line = append(line, s[:i+1]...)
		line = append(line, '"')
		s = s[i+1:]
	}
	line = append(line, s...)
	return append(line, '"')
}
