package testsupport

import "time"

// Kill ends the server's JVM at once (SIGKILL), as a crash would: no
// shutdown hook, no checkpoint. Start brings it back on the same data
// directory, where Neo4j recovers from its transaction log.
func (s *Neo4jServer) Kill() {
	s.tb.Helper()
	start := time.Now()
	s.mu.Lock()
	if s.cmd != nil {
		kill(s.cmd, s.in, s.done)
		s.cmd, s.in, s.done = nil, nil, nil
	}
	s.mu.Unlock()
	s.tb.Logf("Neo4j at %s killed in %v", s.uri, time.Since(start).Round(time.Millisecond))
}
