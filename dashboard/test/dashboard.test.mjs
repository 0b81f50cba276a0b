// The dashboard in a real browser against the real server and the curated
// dataset. Screenshots go to $DASHBOARD_SCREENSHOTS (default
// artifacts/screenshots, gitignored).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoDir, screenshotDir, startBrowser, startServer, watchProblems } from "./server.mjs";

const artifacts = screenshotDir();

/** The evidence of a commitment as the dataset has it, so the test follows the data. */
function datasetEvidence(id) {
  const yaml = readFileSync(join(repoDir, "dataset/data/commitments.yaml"), "utf8");
  const start = yaml.indexOf(`- id: ${id}\n`);
  assert.ok(start >= 0, `commitment ${id} in dataset/data/commitments.yaml`);
  const next = yaml.indexOf("\n  - id: ", start + 1);
  const block = yaml.slice(start, next < 0 ? undefined : next);
  const quote = /quote: "([^"]+)"/.exec(block)?.[1];
  const source = /source: (\S+)/.exec(block)?.[1];
  const sources = readFileSync(join(repoDir, "dataset/data/sources.yaml"), "utf8");
  const file = new RegExp(`id: ${source}\\s+file: (\\S+)`).exec(sources)?.[1];
  assert.ok(quote && file, `quote and source file of ${id}`);
  return { quote, source, file };
}

const cell = (actor, kind) => `#matrix tr[data-actor="${actor}"] td.cell[data-kind="${kind}"]`;

let server;
let browser;
// A write key for the live test, configured by its hash as the server expects.
const apiKey = randomBytes(16).toString("hex");

before(async () => {
  server = await startServer({ COALITIONGRAPH_API_KEYS: `dashboard-test:sha256:${createHash("sha256").update(apiKey).digest("hex")}` });
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function openDashboard(t, { width = 1280, height = 800 } = {}) {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width, height });
  const problems = watchProblems(page);
  t.after(() => page.close());
  await page.goto(`${server.url}/dashboard`);
  await page.waitForSelector('#matrix[aria-busy="false"] td.cell');
  return { page, problems };
}

describe("dashboard", () => {
  test("loads without console errors and measures the first render", async (t) => {
    const { page, problems } = await openDashboard(t);
    assert.equal(new URL(page.url()).pathname, "/dashboard/", "/dashboard redirects to /dashboard/");
    await page.waitForFunction(() => window.__dashboard.networkRenderedAt !== undefined && window.__dashboard.liveMode);
    await page.waitForSelector("#timeline li.day");
    const timing = await page.evaluate(() => ({
      matrix: window.__dashboard.matrixRenderedAt,
      network: window.__dashboard.networkRenderedAt,
      fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime,
      domContentLoaded: performance.getEntriesByType("navigation")[0]?.domContentLoadedEventEnd,
    }));
    const line = `first meaningful render (matrix drawn): ${timing.matrix.toFixed(0)} ms; first contentful paint ${timing.fcp?.toFixed(0)} ms; ` +
      `DOMContentLoaded ${timing.domContentLoaded?.toFixed(0)} ms; network drawn ${timing.network.toFixed(0)} ms`;
    t.diagnostic(line);
    assert.ok(timing.matrix > 0 && timing.matrix < 5000, `matrix rendered in ${timing.matrix} ms`);
    await page.screenshot({ path: join(artifacts, "desktop-1280x800.png") });
    await page.screenshot({ path: join(artifacts, "desktop-1280-full.png"), fullPage: true });
    assert.deepEqual(problems, []);
  });

  test("the matrix shows who refuses, offers and opposes", async (t) => {
    const { page, problems } = await openDashboard(t);
    // The visible text: the screen-reader words around it left out.
    const look = (actor, kind) => page.$eval(cell(actor, kind), (el) => {
      const copy = el.cloneNode(true);
      for (const x of copy.querySelectorAll(".sr-only")) x.remove();
      return { status: el.dataset.status, text: copy.textContent };
    });
    assert.deepEqual(await look("POL", "REFUSES_TROOPS"), { status: "REFUSED", text: "✖refused→ Ukraine" });
    const logistics = await look("POL", "OFFERS_LOGISTICS");
    assert.ok(["OFFERED", "PLEDGED"].includes(logistics.status), `Poland offers logistics: ${logistics.status}`);
    assert.deepEqual(await look("USA", "OFFERS_AIR_SUPPORT"), { status: "OFFERED", text: "+offered→ Ukraine" });
    assert.deepEqual(await look("RUS", "OPPOSES"), { status: "STATED", text: "…opposed→ Security guarantees for Ukraine" });
    assert.deepEqual(await look("RUS", "OFFERS_TROOPS"), { status: "", text: "" }, "an empty cell stays empty");
    // The legend names every status with its symbol.
    const legend = await page.$eval("#legend", (el) => el.textContent);
    for (const word of ["✔ pledged", "+ offered", "? considering", "✖ refused", "… stated"]) assert.ok(legend.includes(word), `legend has ${word}`);
    // Every filled cell's text has WCAG AA contrast (4.5:1) on its background.
    const worst = await page.$$eval("#matrix td.cell.filled", (els) => {
      const rgb = (c) => c.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number);
      const lum = (c) => {
        const [r, g, b] = rgb(c).map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      return Math.min(...els.map((el) => {
        const s = getComputedStyle(el);
        const [a, b] = [lum(s.color), lum(s.backgroundColor)].sort((x, y) => y - x);
        return (a + 0.05) / (b + 0.05);
      }));
    });
    assert.ok(worst >= 4.5, `lowest cell contrast ${worst.toFixed(2)}:1`);
    assert.deepEqual(problems, []);
  });

  test("rows sort by commitments and by name; filters narrow the matrix", async (t) => {
    const { page, problems } = await openDashboard(t);
    const actors = () => page.$$eval("#matrix tbody tr", (rows) => rows.map((r) => r.dataset.actor));
    const totals = await page.$$eval("#matrix tbody td.total", (tds) => tds.map((td) => Number(td.textContent)));
    assert.deepEqual(totals, [...totals].sort((a, b) => b - a), "most commitments first by default");
    assert.equal((await actors())[0], "POL");
    await page.click('button.sort[data-sort="name"]');
    const names = await page.$$eval("#matrix tbody th.actor", (ths) => ths.map((th) => th.textContent));
    assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b, "en")));
    await page.selectOption("#f-sort", "total");
    assert.equal((await actors())[0], "POL");

    await page.selectOption("#f-status", "REFUSED");
    await page.waitForFunction(() => document.querySelectorAll("#matrix tbody tr").length === 2);
    assert.deepEqual((await actors()).sort(), ["POL", "USA"]);
    await page.selectOption("#f-status", "");
    await page.selectOption("#f-kind", "OFFERS_TROOPS");
    await page.waitForFunction(() => document.querySelectorAll("#matrix thead th.kind-col").length === 1);
    // Those who offer troops, and France and the UK, whose troops others discussed: a stance, not an offer.
    assert.deepEqual((await actors()).sort(), ["FRA", "GBR", "LTU", "grp-about-10-european-states"]);
    for (const actor of ["FRA", "GBR"]) {
      assert.deepEqual(await page.$eval(cell(actor, "OFFERS_TROOPS"), (el) => ({ status: el.dataset.status, stance: el.dataset.stance })),
        { status: "", stance: "UNDER_DISCUSSION" }, `${actor} is not shown as offering`);
    }

    // As of: enabled only where the schema has it.
    const asOf = await page.$eval("#f-asof", (el) => ({ disabled: el.disabled, note: document.getElementById("asof-note").textContent }));
    const caps = await page.evaluate(() => window.__dashboard.capabilities);
    assert.equal(asOf.disabled, !caps.asOf);
    if (!caps.asOf) assert.equal(asOf.note, "as-of needs the history API");
    assert.deepEqual(problems, []);
  });

  test("clicking Poland's refusal shows the quote and its source", async (t) => {
    const { page, problems } = await openDashboard(t);
    const want = datasetEvidence("c-pol-refuses-troops");
    await page.click(cell("POL", "REFUSES_TROOPS"));
    await page.waitForSelector('#panel:not([hidden]) article[data-commitment="c-pol-refuses-troops"]');
    const panel = await page.$eval("#panel", (el) => el.textContent);
    assert.ok(panel.includes(want.quote), `panel quotes "${want.quote}"`);
    assert.ok(panel.includes("Poland clarified it will not send forces into Ukraine"));
    assert.ok(panel.includes(want.file), `panel names ${want.file}`);
    assert.equal(await page.$eval("#panel-title", (el) => el.textContent), "Poland — Refuses troops");
    await page.screenshot({ path: join(artifacts, "desktop-evidence-poland.png") });

    await page.keyboard.press("Escape");
    await page.waitForSelector("#panel", { state: "hidden" });
    assert.deepEqual(problems, []);
  });

  test("conflicting reports sit side by side, one column per source", async (t) => {
    const { page, problems } = await openDashboard(t);
    await page.click(cell("ITA", "PROPOSES"));
    await page.waitForSelector("#panel .disputes");
    const disputes = await page.$$eval("#panel .dispute", (ds) => ds.map((d) => ({
      topic: d.dataset.topic,
      columns: d.querySelectorAll(".column").length,
    })));
    const rule = disputes.find((d) => d.topic === "24-hour rule");
    assert.ok(rule, `disputed topics shown: ${JSON.stringify(disputes)}`);
    assert.ok(rule.columns >= 2, `24-hour rule in ${rule.columns} source columns`);
    await page.$eval('#panel .dispute[data-topic="24-hour rule"]', (el) => el.scrollIntoView());
    await page.screenshot({ path: join(artifacts, "desktop-disputes-italy.png") });
    assert.deepEqual(problems, []);
  });

  test("keyboard: arrows move focus, Enter opens evidence, Escape closes it", async (t) => {
    const { page, problems } = await openDashboard(t);
    const focused = () => page.evaluate(() => {
      const el = document.activeElement;
      return { actor: el.closest("tr")?.dataset.actor, kind: el.dataset.kind };
    });
    // Tab reaches the grid at a single cell (roving tabindex).
    assert.equal(await page.$$eval('#matrix td.cell[tabindex="0"]', (els) => els.length), 1);
    await page.focus(cell("POL", "REFUSES_TROOPS"));
    const rows = await page.$$eval("#matrix tbody tr", (rs) => rs.map((r) => r.dataset.actor));
    const kinds = await page.$$eval("#matrix thead th.kind-col", (ths) => ths.map((th) => th.dataset.kind));
    const col = kinds.indexOf("REFUSES_TROOPS");
    const row = rows.indexOf("POL");

    await page.keyboard.press("ArrowRight");
    assert.deepEqual(await focused(), { actor: "POL", kind: kinds[col + 1] });
    await page.keyboard.press("ArrowDown");
    assert.deepEqual(await focused(), { actor: rows[row + 1], kind: kinds[col + 1] });
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("ArrowUp");
    assert.deepEqual(await focused(), { actor: "POL", kind: "REFUSES_TROOPS" });
    await page.keyboard.press("Home");
    assert.deepEqual(await focused(), { actor: "POL", kind: kinds[0] });
    await page.keyboard.press("End");
    assert.deepEqual(await focused(), { actor: "POL", kind: kinds[kinds.length - 1] });
    assert.equal(await page.$$eval('#matrix td.cell[tabindex="0"]', (els) => els.length), 1, "still one tab stop");

    await page.focus(cell("USA", "OFFERS_AIR_SUPPORT"));
    await page.keyboard.press("Enter");
    await page.waitForSelector('#panel:not([hidden]) article[data-commitment="c-usa-offers-air-support"]');
    await page.keyboard.press("Escape");
    await page.waitForSelector("#panel", { state: "hidden" });
    assert.deepEqual(await focused(), { actor: "USA", kind: "OFFERS_AIR_SUPPORT" }, "focus returns to the cell");
    assert.deepEqual(problems, []);
  });

  test("the coalition network and the timeline", async (t) => {
    const { page, problems } = await openDashboard(t);
    await page.waitForFunction(() => window.__dashboard.networkRenderedAt !== undefined);
    assert.equal(await page.$eval("#n-proposal", (el) => el.value), "prop-ita-24h");
    assert.ok(await page.$("#network canvas"), "cytoscape drew on a canvas");
    // By default only what aims at the plan itself.
    assert.equal(await page.$eval("#n-also", (el) => el.checked), false);
    assert.match(await page.$eval("#network-summary", (el) => el.textContent), /Italy proposes/);
    assert.doesNotMatch(await page.$eval("#network-summary", (el) => el.textContent), /Poland/);

    // The related targets come as their own ring, when asked for.
    await page.check("#n-also");
    await page.waitForFunction(() => document.getElementById("network-summary").textContent.includes("Poland"));
    const summary = await page.$eval("#network-summary .related", (el) => el.textContent);
    assert.match(summary, /Poland refuses troops \(refused\) → Ukraine/);
    assert.match(summary, /Sweden surveillance \(offered\) → coalition of the willing/);
    const legend = await page.$eval("#network-legend", (el) => el.textContent);
    assert.ok(legend.includes("Refuses troops") && legend.includes("Air support"));
    await page.$eval("#network-section", (el) => el.scrollIntoView());
    await page.screenshot({ path: join(artifacts, "desktop-1280-network-ring.png") });

    const timeline = await page.$eval("#timeline", (el) => el.textContent);
    for (const s of ["Alaska summit", "2025-08-15", "Poland · refuses troops → Ukraine"]) assert.ok(timeline.includes(s), `timeline has ${s}`);
    await page.click('#timeline li[data-id="c-rus-opposes-guarantees"] button');
    await page.waitForSelector('#panel:not([hidden]) article[data-commitment="c-rus-opposes-guarantees"]');
    assert.deepEqual(problems, []);
  });

  test("at 390 px the body does not overflow; cards replace the grid and panels stack", async (t) => {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    const problems = watchProblems(page);
    t.after(() => page.close());
    await page.goto(`${server.url}/dashboard/`);
    await page.waitForSelector("#cards li.card button.card-cell");
    await page.waitForFunction(() => window.__dashboard.networkRenderedAt !== undefined);
    const m = await page.evaluate(() => ({
      body: document.body.scrollWidth,
      doc: document.documentElement.scrollWidth,
      viewport: document.documentElement.clientWidth,
    }));
    assert.ok(m.body <= m.viewport && m.doc <= m.viewport, `no horizontal overflow: ${JSON.stringify(m)}`);
    assert.equal(await page.isVisible("#matrix"), false, "the grid gives way to cards");

    await page.click('#cards li[data-actor="POL"] button[data-kind="REFUSES_TROOPS"]');
    await page.waitForSelector('#panel:not([hidden]) article[data-commitment="c-pol-refuses-troops"]');
    const boxes = await page.evaluate(() => {
      const r = (id) => document.getElementById(id).getBoundingClientRect();
      return { matrix: r("matrix-section"), panel: r("panel"), network: r("network-section"), doc: document.documentElement.scrollWidth };
    });
    assert.ok(boxes.panel.top >= boxes.matrix.bottom && boxes.network.top >= boxes.panel.bottom, "matrix, evidence, network stack");
    assert.ok(boxes.doc <= 390, `no overflow with the panel open (${boxes.doc})`);
    await page.screenshot({ path: join(artifacts, "phone-390-evidence-poland.png") });
    assert.deepEqual(problems, []);
  });

  test("without a subscription the page refreshes on focus, with no console errors", async (t) => {
    const page = await browser.context.newPage();
    t.after(() => page.close());
    const problems = watchProblems(page);
    // A server without the live API: introspection shows no Subscription type.
    await page.route(`${server.url}/graphql`, (route) => {
      if (route.request().postDataJSON()?.query?.includes("DashboardCapabilities")) {
        return route.fulfill({ json: { data: { __schema: { subscriptionType: null }, query: { fields: [] }, filter: { inputFields: [] } } } });
      }
      return route.continue();
    });
    await page.goto(`${server.url}/dashboard/`);
    await page.waitForFunction(() => window.__dashboard.liveMode === "polling");
    assert.match(await page.$eval("#live-status", (el) => el.textContent), /every 30 s and on window focus/);
    assert.equal(await page.$eval("#f-asof", (el) => el.disabled), true);
    assert.equal(await page.$eval("#asof-note", (el) => el.textContent), "as-of needs the history API");
    const before = await page.evaluate(() => window.__dashboard.refreshes);
    await page.evaluate(() => window.dispatchEvent(new Event("focus")));
    await page.waitForFunction((n) => window.__dashboard.refreshes > n, before);
    assert.deepEqual(problems, []);
  });

  test("a paged matrix shows its first page and the next ones on demand", async (t) => {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    t.after(() => page.close());
    const problems = watchProblems(page);
    // Pages of 5 rows instead of the 50 the dashboard asks for (and counts
    // on in its button), so that the curated matrix's 16 rows take four.
    await page.route(`${server.url}/graphql`, (route) => {
      const body = route.request().postDataJSON();
      if (body?.query?.includes("DashboardMatrix") && body.variables?.first) {
        return route.continue({ postData: JSON.stringify({ ...body, variables: { ...body.variables, first: 5 } }) });
      }
      return route.continue();
    });
    await page.goto(`${server.url}/dashboard/`);
    // Once the page has settled: a refresh draws the first page again.
    await page.waitForFunction(() => window.__dashboard.settled > 0 && window.__dashboard.liveMode);
    await page.waitForSelector("#matrix-more-button");
    const rows = () => page.$$eval("#matrix tbody tr", (rs) => rs.map((r) => r.dataset.actor));
    assert.equal((await rows()).length, 5);
    assert.match(await page.$eval("#matrix-more", (el) => el.textContent), /^5 of 16 actors, those with the most commitments first\. Show 11 more$/);
    for (const n of [10, 15, 16]) {
      await page.click("#matrix-more-button");
      await page.waitForFunction((n) => document.querySelectorAll("#matrix tbody tr").length === n, n);
    }
    assert.equal(await page.isVisible("#matrix-more"), false, "no button once every row is shown");
    assert.equal(new Set(await rows()).size, 16, "each actor once");
    assert.deepEqual(problems, []);
  });

  // Last: it changes the server's data.
  test("live: a status change recorded through the API reaches the open page", async (t) => {
    const { page, problems } = await openDashboard(t);
    await page.waitForFunction(() => window.__dashboard.liveMode === "subscription", null, { timeout: 10_000 });
    assert.equal(await page.$eval(cell("USA", "OFFERS_AIR_SUPPORT"), (el) => el.dataset.status), "OFFERED");
    const ev = datasetEvidence("c-usa-offers-air-support");
    const res = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({
        query: `mutation($input: ChangeCommitmentStatusInput!) { changeCommitmentStatus(input: $input) { id status version } }`,
        variables: { input: { id: "c-usa-offers-air-support", baseVersion: 1, status: "PLEDGED", reason: "dashboard live test", evidence: [{ source: ev.source, quote: ev.quote }] } },
      }),
    });
    const body = await res.json();
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    assert.equal(body.data.changeCommitmentStatus.status, "PLEDGED");
    // No reload: the subscription tells the page, which redraws the cell.
    await page.waitForSelector(`${cell("USA", "OFFERS_AIR_SUPPORT")}[data-status="PLEDGED"]`, { timeout: 10_000 });
    await page.screenshot({ path: join(artifacts, "desktop-live-update.png") });
    assert.deepEqual(problems, []);
  });
});
