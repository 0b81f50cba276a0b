// The GraphQL-over-HTTP spec, as graphql-http's server audit checks it:
// every MUST and SHOULD must pass (0 errors, 0 warnings).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { auditServer } from "graphql-http";
import { startServer } from "./server.mjs";

let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

test("graphql-http server audit: 0 errors, 0 warnings", async () => {
  const results = await auditServer({ url: `${server.url}/graphql` });
  const by = (s) => results.filter((r) => r.status === s);
  const problems = [];
  for (const r of [...by("error"), ...by("warn")]) {
    let detail = r.reason;
    if (r.response) {
      detail += ` (status ${r.response.status})`;
    }
    problems.push(`${r.status}: ${r.name}: ${detail}`);
  }
  console.log(`graphql-http audit: ${by("ok").length} ok, ${by("warn").length} warnings, ${by("error").length} errors`);
  assert.deepEqual(problems, []);
});
