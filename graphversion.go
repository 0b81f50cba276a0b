package coalitiongraph

import "context"

// Versioned is a store whose every write advances one number, the graph
// version, in the same transaction as the write: recording, changing and
// retracting a commitment, putting an entity or a source, and a bulk Load.
// Reads, failed writes and replayed requests (a retried requestId) leave it
// as it is. Two reads that see the same version see the same graph, so a
// result computed at version v may be served again for as long as the
// version is v: the read cache (httpapi/cache.go, docs/cache.md) keys every
// answer on it.
//
// A read of the version sees at least the writes a read of the graph in the
// same context would (the consistency token of WithConsistencyToken holds
// for it too), and never a version whose write it could not read yet.
type Versioned interface {
	GraphVersion(ctx context.Context) (uint64, error)
}
