// GraphiQL as served by the binary, in a real browser with every request
// outside the server blocked: it must load from the binary alone, fetch the
// schema with the standard introspection query, and its docs pane must list
// the Query type. Screenshots go to dashboard/test-artifacts/ (gitignored).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { dashboardDir, startBrowser, startServer, watchProblems } from "./server.mjs";

const artifacts = join(dashboardDir, "test-artifacts");
mkdirSync(artifacts, { recursive: true });

let server;
let browser;
before(async () => {
  server = await startServer();
  browser = await startBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

test("GraphiQL works offline: docs pane lists Query, explorer plugin present, examples open", async (t) => {
  const page = await browser.context.newPage();
  t.after(() => page.close());
  const blocked = [];
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(server.url + "/") || url.startsWith("data:") || url.startsWith("blob:")) {
      return route.continue();
    }
    blocked.push(url);
    return route.abort();
  });
  const problems = watchProblems(page);
  await page.goto(`${server.url}/graphiql`);
  await page.waitForSelector(".graphiql-container", { timeout: 30_000 });

  // The opening tab holds the example queries.
  await page.waitForFunction(() => document.querySelector(".graphiql-query-editor")?.textContent.includes("query Coalition"));

  await page.getByRole("button", { name: "Show Documentation Explorer" }).click();
  const docs = page.locator(".graphiql-doc-explorer");
  await docs.getByText("Query", { exact: true }).first().waitFor({ timeout: 30_000 });
  assert.match(await docs.textContent(), /query:\s*Query/, "the docs pane lists the root query type");
  await page.getByRole("button", { name: "Show GraphiQL Explorer" }).waitFor();
  await page.screenshot({ path: join(artifacts, "graphiql-docs.png") });

  assert.deepEqual(blocked, [], "GraphiQL asked for something outside the server");
  assert.deepEqual(problems, []);
});
