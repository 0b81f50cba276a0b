// Package data carries the curated dataset (*.yaml, see docs/dataset.md) and
// byte-for-byte copies of the source articles (sources/*.txt) inside the
// binary, so that a deployed service can load and check its evidence without
// the shared seeds directory.
package data

import "embed"

// FS holds the curated dataset files and the source article copies under
// sources/.
//
//go:embed *.yaml sources/*.txt
var FS embed.FS
