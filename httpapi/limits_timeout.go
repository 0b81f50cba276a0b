package httpapi

import (
	"bytes"
	"context"
	"net/http"
	"sync"
	"time"

	cg "github.com/coalitiongraph/coalitiongraph"
)

// answerMargin is how long after its deadline a request may still answer
// on its own before it gets TIMEOUT: time for a resolver that saw the
// deadline to return its own coded error.
const answerMargin = 250 * time.Millisecond

// serveWithin runs next with r's deadline and answers TIMEOUT if next has
// not answered by the deadline plus answerMargin: a store call that does
// not honour its context must not hold the client. The context is
// cancelled when serveWithin returns, so resolvers that check it stop.
// The answer is buffered (its size is bounded by the result limit) so
// that a late one is never half written.
func serveWithin(w http.ResponseWriter, r *http.Request, next http.Handler) {
	deadline, ok := r.Context().Deadline()
	if !ok {
		next.ServeHTTP(w, r)
		return
	}
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	bw := &bufferedWriter{header: http.Header{}}
	done := make(chan struct{})
	panicked := make(chan any, 1)
	go func() {
		defer close(done)
		defer func() {
			if p := recover(); p != nil {
				panicked <- p
			}
		}()
		next.ServeHTTP(bw, r.WithContext(ctx))
	}()
	timer := time.NewTimer(time.Until(deadline) + answerMargin)
	defer timer.Stop()
	select {
	case <-done:
		select {
		case p := <-panicked:
			panic(p) // recoverPanics answers it
		default:
		}
		bw.mu.Lock()
		defer bw.mu.Unlock()
		for k, v := range bw.header {
			w.Header()[k] = v
		}
		if bw.status == 0 {
			bw.status = http.StatusOK
		}
		w.WriteHeader(bw.status)
		_, _ = w.Write(bw.buf.Bytes())
	case <-timer.C:
		bw.mu.Lock()
		bw.timedOut = true
		bw.mu.Unlock()
		writeExecutionError(w, &cg.Error{Code: cg.CodeTimeout, Message: "the request took too long"})
	}
}

// bufferedWriter holds an answer until serveWithin sends it; after a
// timeout it drops what the abandoned handler still writes.
type bufferedWriter struct {
	mu       sync.Mutex
	header   http.Header
	status   int
	buf      bytes.Buffer
	timedOut bool
}

func (b *bufferedWriter) Header() http.Header { return b.header }

func (b *bufferedWriter) WriteHeader(code int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.status == 0 && !b.timedOut {
		b.status = code
	}
}

func (b *bufferedWriter) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.timedOut {
		return 0, http.ErrHandlerTimeout
	}
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.buf.Write(p)
}
