// A fact's history in the panel, one copy of each quote after a status
// change, and the "changed since" view, at desktop and phone sizes, on a
// server whose data this file changes through the API (its own server and
// temporary data directory).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { join } from "node:path";
import { DESKTOP, PHONE, axeViolations, openPage, screenshotDir, settled, startBrowser, startServer } from "./server.mjs";

const shots = screenshotDir();
const SIZES = [["desktop", DESKTOP], ["phone", PHONE]];
const ID = "c-usa-offers-air-support";
const REASON = "history test: pledged at the White House meeting";

let server;
let browser;
let quote;
let recordedAt;
const apiKey = randomBytes(16).toString("hex");

async function gql(query, variables, auth = false) {
  const res = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(auth ? { Authorization: `Bearer ${apiKey}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data;
}

before(async () => {
  server = await startServer({ COALITIONGRAPH_API_KEYS: `history-test:sha256:${createHash("sha256").update(apiKey).digest("hex")}` });
  browser = await startBrowser();
  // The change cites the quote the fact already had: the panel must show it once.
  const { commitment } = await gql(`query($id: ID!) { commitment(id: $id) { version evidence { quote line source { id } } } }`, { id: ID });
  quote = commitment.evidence[0];
  const d = await gql(
    `mutation($input: ChangeCommitmentStatusInput!) { changeCommitmentStatus(input: $input) { status version recordedAt } }`,
    { input: { id: ID, baseVersion: commitment.version, status: "PLEDGED", reason: REASON, evidence: [{ source: quote.source.id, quote: quote.quote }] } },
    true,
  );
  assert.equal(d.changeCommitmentStatus.status, "PLEDGED");
  recordedAt = d.changeCommitmentStatus.recordedAt;
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe("history and changes", () => {
  for (const [name, size] of SIZES) {
    test(`${name}: the panel shows each quote once, with its line, and the fact's history: who, when, why`, async (t) => {
      const { page, problems } = await openPage(t, browser, `${server.url}/dashboard/?open=cell:USA:OFFERS_AIR_SUPPORT`, size);
      await settled(page);
      await page.waitForSelector(`#panel:not([hidden]) article[data-commitment="${ID}"]`);
      const quotes = await page.$$eval("#panel article.commitment > .evidence blockquote, #panel article.commitment > .columns blockquote", (qs) => qs.map((q) => q.textContent));
      assert.equal(quotes.filter((q) => q === quote.quote).length, 1, `one copy of the quote: ${JSON.stringify(quotes)}`);
      // How many sources report it: as many as its quotes cite.
      const sources = await page.$$eval("#panel article.commitment > .evidence a.read, #panel article.commitment > .columns a.read", (as) => new Set(as.map((a) => a.dataset.source)).size);
      assert.equal(await page.$eval("#panel .corroboration", (el) => el.textContent), `${sources} ${sources === 1 ? "source" : "sources"}`);
      const link = await page.$eval("#panel article.commitment a.read", (a) => a.getAttribute("href"));
      assert.match(link, new RegExp(`line=${quote.line}`), "the copy kept is the one with its line");

      if (size === PHONE) await page.click("#panel details.history > summary");
      const versions = await page.$$eval("#panel details.history li", (ls) => ls.map((l) => ({ v: l.dataset.version, text: l.textContent })));
      assert.equal(versions.length, 2, JSON.stringify(versions));
      assert.match(versions[0].text, /v1.*offered.*curated/);
      assert.match(versions[1].text, /v2.*pledged.*by history-test/);
      assert.ok(versions[1].text.includes(REASON), "why");
      assert.ok(versions[1].text.includes(recordedAt.slice(0, 16).replace("T", " ")), `when: ${versions[1].text}`);
      await page.$eval("#panel details.history", (el) => el.scrollIntoView());
      await page.screenshot({ path: join(shots, `${name}-history.png`) });
      assert.deepEqual(await axeViolations(page), []);
      assert.deepEqual(problems, []);
    });

    test(`${name}: "changed since" lists the status change with who, when and why; its day is in the address`, async (t) => {
      const day = recordedAt.slice(0, 10);
      const { page, problems } = await openPage(t, browser, `${server.url}/dashboard/?since=${day}`, size);
      await settled(page);
      assert.equal(await page.$eval("#since", (el) => el.value), day);
      const change = await page.$eval(`#changes li.change[data-commitment="${ID}"]`, (li) => ({ v: li.dataset.version, text: li.textContent }));
      assert.equal(change.v, "2");
      assert.match(change.text, /status changed/);
      assert.match(change.text, /offered.*→.*pledged/);
      assert.ok(change.text.includes("history-test") && change.text.includes(REASON), change.text);
      await page.$eval("#changes-section", (el) => el.scrollIntoView());
      await page.screenshot({ path: join(shots, `${name}-changes.png`) });

      // A later day: nothing; the address follows.
      await page.fill("#since", "2099-01-01");
      await page.waitForFunction(() => new URLSearchParams(location.search).get("since") === "2099-01-01");
      await page.waitForFunction(() => !document.querySelector("#changes li.change"));
      assert.match(await page.$eval("#changes", (el) => el.textContent), /Nothing changed on or after 2099-01-01/);

      // The change opens its evidence.
      await page.fill("#since", day);
      await page.click(`#changes li.change[data-commitment="${ID}"] button`);
      await page.waitForSelector(`#panel:not([hidden]) article[data-commitment="${ID}"]`);
      assert.deepEqual(problems, []);
    });
  }
});
