// Command seed loads the curated dataset, and any extra dataset files, into
// Neo4j:
//
//	go run ./seed [--uri bolt://…] [--user … --password …] [--database …] [--dry-run | --check] [extra.yaml …]
//	go run ./seed --import-files DIR [--database …] [extra.yaml …]
//
// NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD and NEO4J_DATABASE give the
// defaults. The dataset is checked in full first: any problem is printed
// as file:line and nothing is written. Seed then waits (up to --wait) for
// Neo4j to answer, so that it can run as a one-shot service beside a
// starting database, and upserts everything in one transaction: running
// it again changes nothing, and a failed run leaves the graph as it was.
// A commitment whose content changed in the files gets a new version
// (history keeps the old one); one retracted in the graph stays retracted.
//
// --dry-run prints what a run would add and change, per section, compared
// with the graph as it is, and what the graph holds that the files do not
// mention (a seed deletes nothing), without writing. --check only checks
// the files, without contacting Neo4j.
//
// --import-files writes, instead of loading, the CSV files of
// `neo4j-admin database import full` for an empty database (the graph a
// first load would write; neo4j/importfiles) and prints the command that
// imports them; the server creates the schema when it first opens the
// imported database. Without contacting Neo4j.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
	"github.com/coalitiongraph/coalitiongraph/dataset"
	"github.com/coalitiongraph/coalitiongraph/neo4j"
	"github.com/coalitiongraph/coalitiongraph/neo4j/importfiles"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, os.Getenv, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(os.Stderr, "seed: %v\n", err)
		}
		os.Exit(1)
	}
}

type options struct {
	cfg    neo4j.Config
	dryRun bool
	check  bool
	// importDir, when set, is where to write the import files.
	importDir string
	wait      time.Duration
	extra     []string
	progress  time.Duration // least time between progress lines
}

func parse(args []string, getenv func(string) string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: %s [flags] [extra.yaml …]\n\nLoads the curated dataset (and extra files) into Neo4j.\n\n", args[0])
		fs.PrintDefaults()
	}
	uri := getenv("NEO4J_URI")
	if uri == "" {
		uri = "bolt://localhost:7687"
	}
	fs.StringVar(&o.cfg.URI, "uri", uri, "Neo4j URI (env NEO4J_URI)")
	fs.StringVar(&o.cfg.User, "user", getenv("NEO4J_USER"), "Neo4j user; empty for no auth (env NEO4J_USER)")
	fs.StringVar(&o.cfg.Password, "password", getenv("NEO4J_PASSWORD"), "Neo4j password (env NEO4J_PASSWORD)")
	fs.StringVar(&o.cfg.Database, "database", getenv("NEO4J_DATABASE"), "database; empty for the server's default (env NEO4J_DATABASE)")
	fs.BoolVar(&o.dryRun, "dry-run", false, "print what would be added and changed in Neo4j, without writing")
	fs.BoolVar(&o.check, "check", false, "only check the dataset files, without contacting Neo4j")
	fs.StringVar(&o.importDir, "import-files", "", "write the CSV files of neo4j-admin database import into this directory and print the command, instead of loading")
	fs.DurationVar(&o.wait, "wait", 60*time.Second, "how long to wait for Neo4j to become reachable")
	fs.DurationVar(&o.progress, "progress-every", time.Second, "least time between progress lines on stderr")
	if err := fs.Parse(args[1:]); err != nil {
		return o, err
	}
	o.extra = fs.Args()
	return o, nil
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	o, err := parse(args, getenv, stderr)
	if err != nil {
		return err
	}
	ds, err := loadDataset(o.extra)
	if err != nil {
		var errs *dataset.Errors
		if errors.As(err, &errs) {
			for _, p := range errs.Problems {
				fmt.Fprintln(stderr, p)
			}
			return fmt.Errorf("the dataset has %d problem(s); nothing was written", len(errs.Problems))
		}
		return fmt.Errorf("load the dataset: %w", err)
	}
	if o.check {
		fmt.Fprintf(stdout, "check: the files hold %s\n", describe(ds))
		return nil
	}
	if o.importDir != "" {
		files, err := importfiles.Write(o.importDir, ds)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote the import files of %s into %s\n", describe(ds), files.Dir)
		fmt.Fprintf(stdout, "stop Neo4j, then import them into an empty database (or add --overwrite-destination=true):\n\n%s\n\n", files.Command(o.cfg.Database))
		fmt.Fprintln(stdout, "start Neo4j; the server creates the schema when it first opens the database")
		return nil
	}

	store, err := neo4j.Open(ctx, o.cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := waitReady(ctx, store, o.wait, stderr); err != nil {
		return err
	}
	if o.dryRun {
		d, err := store.Diff(ctx, ds)
		if err != nil {
			return fmt.Errorf("compare with Neo4j: %w", err)
		}
		fmt.Fprintf(stdout, "dry run: the files hold %s; compared with the graph, nothing written\n", describe(ds))
		printDiff(stdout, d)
		return nil
	}
	// Small loads finish before the first line is due; long ones report
	// about once per interval, and then the last batch too.
	began := time.Now()
	last, printed := began, false
	st, err := store.Load(ctx, ds, func(done, total int) {
		if now := time.Now(); now.Sub(last) >= o.progress || printed && done == total {
			fmt.Fprintln(stderr, progressLine(done, total, now.Sub(began)))
			last, printed = now, true
		}
	})
	if err != nil {
		return fmt.Errorf("load into Neo4j: %w", err)
	}
	nodes, rels, err := store.Stats(ctx)
	if err != nil {
		return fmt.Errorf("count the graph: %w", err)
	}
	fmt.Fprintf(stdout, "loaded %s in %v\n", describe(ds), st.Duration.Round(time.Millisecond))
	fmt.Fprintf(stdout, "%d item(s) new or changed, %d unchanged\n", st.Written,
		st.Sources+st.Entities+st.Relations+st.Commitments+st.Claims-st.Written)
	if st.Versions > 0 {
		fmt.Fprintf(stdout, "%d commitment(s) changed in the files, each recorded as a new version\n", st.Versions)
	}
	if st.KeptRetracted > 0 {
		fmt.Fprintf(stdout, "%d commitment(s) left retracted as the graph has them\n", st.KeptRetracted)
	}
	if st.Moved > 0 {
		fmt.Fprintf(stdout, "replaced %d edge(s) whose kind or ends changed\n", st.Moved)
	}
	fmt.Fprintf(stdout, "graph: %d nodes, %d relationships\n", nodes, rels)
	return nil
}

// printDiff prints a dry run's findings: per section what would be added
// (+) and changed (~, with the fields that differ, graph → files), then
// what stays as it is in the graph.
func printDiff(w io.Writer, d *neo4j.Diff) {
	var notInFiles []string
	for _, sd := range d.Sections {
		what := "to change"
		if sd.Name == "commitments" {
			what = "to change (each as a new version)"
		}
		fmt.Fprintf(w, "%s: %d to add, %d %s, %d unchanged\n", sd.Name, len(sd.Added), len(sd.Changed), what, sd.Unchanged)
		for _, id := range sd.Added {
			fmt.Fprintf(w, "  + %s\n", id)
		}
		for _, it := range sd.Changed {
			if len(it.Fields) == 0 {
				fmt.Fprintf(w, "  ~ %s: rewritten in the current storage form, no field differs\n", it.ID)
				continue
			}
			fields := make([]string, len(it.Fields))
			for i, f := range it.Fields {
				fields[i] = fmt.Sprintf("%s %s → %s", f.Field, f.Stored, f.Dataset)
			}
			fmt.Fprintf(w, "  ~ %s: %s\n", it.ID, strings.Join(fields, "; "))
		}
		if len(sd.NotInDataset) > 0 {
			notInFiles = append(notInFiles, fmt.Sprintf("  %s: %s", sd.Name, strings.Join(sd.NotInDataset, ", ")))
		}
	}
	if len(d.KeptRetracted) > 0 {
		fmt.Fprintf(w, "retracted in the graph, left retracted: %s\n", strings.Join(d.KeptRetracted, ", "))
	}
	if len(notInFiles) == 0 {
		fmt.Fprintln(w, "the graph holds nothing the files do not mention")
		return
	}
	fmt.Fprintln(w, "in the graph but not in the files (a seed deletes nothing, so they stay):")
	for _, l := range notInFiles {
		fmt.Fprintln(w, l)
	}
}

func loadDataset(extra []string) (*cg.Dataset, error) {
	if len(extra) == 0 {
		return dataset.Default()
	}
	return dataset.LoadWith(extra)
}

func describe(ds *cg.Dataset) string { return dataset.Count(ds).String() }

// waitReady polls Ready until Neo4j answers or wait has passed, saying
// once on stderr what it is waiting for.
func waitReady(ctx context.Context, store *neo4j.Store, wait time.Duration, stderr io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	said := false
	for {
		attempt, cancelAttempt := context.WithTimeout(ctx, 5*time.Second)
		err := store.Ready(attempt)
		cancelAttempt()
		if err == nil {
			return nil
		}
		if !said {
			fmt.Fprintf(stderr, "waiting up to %v for Neo4j: %v\n", wait, err)
			said = true
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("neo4j not ready after %v: %w", wait, err)
		case <-time.After(time.Second):
		}
	}
}

// progressLine says how far a load is, how fast it goes and, from that
// rate, when it should end.
func progressLine(done, total int, elapsed time.Duration) string {
	line := fmt.Sprintf("loaded %d/%d items (%.0f%%)", done, total, 100*float64(done)/float64(max(total, 1)))
	if done <= 0 || elapsed <= 0 {
		return line
	}
	rate := float64(done) / elapsed.Seconds()
	line += fmt.Sprintf(", %.0f items/s", rate)
	if done < total {
		eta := time.Duration(float64(total-done) / rate * float64(time.Second))
		line += fmt.Sprintf(", about %v left", eta.Round(time.Second))
	}
	return line
}
