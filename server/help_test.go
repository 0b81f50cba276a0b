package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestHelpListsEveryFlagWithItsEnv runs --help as a user would: it is an
// answer (no error, so exit 0), and every flag it lists names the
// environment variable that also sets it; a new flag without one fails here.
func TestHelpListsEveryFlagWithItsEnv(t *testing.T) {
	for _, arg := range []string{"--help", "-h"} {
		var out bytes.Buffer
		if err := run(context.Background(), []string{arg}, func(string) string { return "" }, &out); err != nil {
			t.Fatalf("run %s = %v, want nil (exit 0)", arg, err)
		}
		lines := strings.Split(out.String(), "\n")
		flags := map[string]bool{}
		for i, l := range lines {
			if !strings.HasPrefix(l, "  -") {
				continue
			}
			name := strings.Fields(l)[0]
			flags[name] = true
			if i+1 >= len(lines) || !strings.Contains(lines[i+1], "env ") {
				t.Errorf("%s: flag %s names no environment variable:\n%s", arg, name, out.String())
			}
		}
		for _, want := range []string{"-addr", "-data-dir", "-memory", "-introspection", "-api-keys-file", "-reads-need-key", "-request-timeout", "-shutdown-grace"} {
			if !flags[want] {
				t.Errorf("%s does not list %s:\n%s", arg, want, out.String())
			}
		}
	}
}

func TestEnvSetsFlagsWithoutOne(t *testing.T) {
	env := map[string]string{"COALITIONGRAPH_REQUEST_TIMEOUT": "3s", "COALITIONGRAPH_SHUTDOWN_GRACE": "4s", "COALITIONGRAPH_MEMORY": "true"}
	c, err := parseConfig(nil, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.requestTimeout.String() != "3s" || c.shutdownGrace.String() != "4s" || !c.memory {
		t.Errorf("config = %+v, want the environment's values", c)
	}
	env["COALITIONGRAPH_REQUEST_TIMEOUT"] = "soon"
	if _, err := parseConfig(nil, func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), "COALITIONGRAPH_REQUEST_TIMEOUT") {
		t.Errorf("bad duration: err = %v, want one naming the variable", err)
	}
}
