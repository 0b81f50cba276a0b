// Issue 15's questions, each at desktop (1440×900) and phone (390×844)
// sizes: the network and its evidence, targets in the cells, state in the
// address, the timeline following the filters, the phone layout, quotes
// linking to their articles, where sources disagree, and axe-core.
// Screenshots go to $DASHBOARD_SCREENSHOTS (default artifacts/screenshots).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { DESKTOP, PHONE, axeViolations, openPage, screenshotDir, settled, startBrowser, startServer } from "./server.mjs";

const shots = screenshotDir();
const SIZES = [["desktop", DESKTOP], ["phone", PHONE]];

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

async function dashboard(t, query = "", size = DESKTOP) {
  const { page, problems } = await openPage(t, browser, `${server.url}/dashboard/${query}`, size);
  await settled(page);
  return { page, problems };
}

/** The element that opens a cell at this size: a grid cell, or a card's row on a phone. */
const opener = (size, actor, kind) => size === PHONE
  ? `#cards li[data-actor="${actor}"] button[data-kind="${kind}"]`
  : `#matrix tr[data-actor="${actor}"] td.cell[data-kind="${kind}"]`;

const inViewport = (page, selector) => page.$eval(selector, (el) => {
  const r = el.getBoundingClientRect();
  return r.top >= -2 && r.top < window.innerHeight && r.bottom > 0;
});

/**
 * Scrolls an element into view and waits two frames: cytoscape learns of a
 * scroll from the scroll event, and a click before it lands where the
 * canvas was.
 */
async function scrollTo(page, selector) {
  await page.$eval(selector, (el) => el.scrollIntoView());
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/**
 * Runs a navigation (back, forward, reload) and waits until the page has
 * applied the address: the same document counts one more settling, a new
 * document its first.
 */
async function navigate(page, action) {
  const n = await page.evaluate(() => { window.__sameDocument = true; return window.__dashboard.settled; });
  await action();
  await page.waitForFunction((k) => window.__dashboard && (window.__sameDocument ? window.__dashboard.settled > k : window.__dashboard.settled > 0), n, { timeout: 60_000 });
}

describe("network", () => {
  for (const [name, size] of SIZES) {
    test(`${name}: a proposal's own coalition, related targets as an optional ring; nodes and edges open their evidence; zoom and pan`, async (t) => {
      const { page, problems } = await dashboard(t, "?proposal=prop-us-art5", size);
      assert.equal(await page.$eval("#n-proposal", (el) => el.value), "prop-us-art5");
      assert.equal(await page.$eval("#n-also", (el) => el.checked), false, "the ring is off by default");
      const own = await page.$$eval("#network-summary .own li button", (bs) => bs.map((b) => b.dataset.commitment));
      assert.deepEqual(own.sort(), ["c-ita-supports-us-art5", "c-usa-proposes-art5"], "only what targets the proposal");
      assert.equal(await page.$("#network-summary .related"), null);

      // Related targets: their own list and ring, marked, in the address.
      const renders = await page.evaluate(() => window.__dashboard.networkRenders);
      await page.click("#n-also");
      await page.waitForFunction((n) => window.__dashboard.networkRenders > n, renders);
      assert.match(new URL(page.url()).search, /ring=1/);
      const related = await page.$eval("#network-summary .related", (el) => el.textContent);
      assert.match(related, /Lithuania troops \(pledged\) → Ukraine/);
      assert.deepEqual((await page.$$eval("#network-summary .own li button", (bs) => bs.map((b) => b.dataset.commitment))).sort(), own.sort());
      await scrollTo(page, "#network-section");
      await page.screenshot({ path: join(shots, `${name}-network-ring.png`) });

      // A node on the canvas opens every commitment of the network it takes part in.
      const node = await page.evaluate(() => window.__dashboard.networkProbe("ITA"));
      assert.ok(node, "Italy is drawn");
      await page.mouse.click(node.x, node.y);
      await page.waitForSelector('#panel:not([hidden]) article[data-commitment="c-ita-supports-us-art5"]');
      assert.match(await page.$eval("#panel-title", (el) => el.textContent), /^Italy in this network/);
      assert.match(new URL(page.url()).search, /open=node%3AITA/);
      if (size === PHONE) assert.ok(await inViewport(page, "#panel"), "the panel is brought into view");

      // An edge opens its commitment.
      await scrollTo(page, "#network-section");
      const edge = await page.evaluate(() => window.__dashboard.networkProbe("c-usa-proposes-art5"));
      await page.mouse.click(edge.x, edge.y);
      await page.waitForSelector('#panel:not([hidden]) article[data-commitment="c-usa-proposes-art5"]');
      assert.equal(await page.$$eval("#panel article.commitment", (as) => as.length), 1);
      await page.screenshot({ path: join(shots, `${name}-network-edge-evidence.png`) });

      // Zoom with the buttons and the wheel; pan by dragging the background.
      await scrollTo(page, "#network-section");
      const z0 = (await page.evaluate(() => window.__dashboard.networkProbe())).zoom;
      await page.click("#n-zoom-in");
      await page.waitForFunction((z) => window.__dashboard.networkProbe().zoom > z, z0);
      const z1 = (await page.evaluate(() => window.__dashboard.networkProbe())).zoom;
      await page.click("#n-zoom-out");
      await page.click("#n-zoom-out");
      await page.waitForFunction((z) => window.__dashboard.networkProbe().zoom < z, z1);
      const box = await page.$eval("#network", (el) => { const r = el.getBoundingClientRect(); return { x: r.left, y: r.top, w: r.width, h: r.height }; });
      if (size === DESKTOP) {
        await page.mouse.move(box.x + box.w / 2, box.y + box.h / 2);
        const before = (await page.evaluate(() => window.__dashboard.networkProbe())).zoom;
        await page.mouse.wheel(0, -300);
        await page.waitForFunction((z) => window.__dashboard.networkProbe().zoom > z, before);
      }
      const pan0 = (await page.evaluate(() => window.__dashboard.networkProbe())).pan;
      // A corner of the canvas is background, not a node.
      await page.mouse.move(box.x + 12, box.y + box.h - 12);
      await page.mouse.down();
      await page.mouse.move(box.x + 80, box.y + box.h - 60, { steps: 5 });
      await page.mouse.up();
      const pan1 = (await page.evaluate(() => window.__dashboard.networkProbe())).pan;
      assert.ok(Math.abs(pan1.x - pan0.x) > 20, `panned: ${JSON.stringify([pan0, pan1])}`);
      assert.deepEqual(problems, []);
    });
  }
});

describe("network inheritance", () => {
  for (const [name, size] of SIZES) {
    test(`${name}: the Italian plan shows Russia's opposition to the guarantees it is part of, marked inherited`, async (t) => {
      const { page, problems } = await dashboard(t, "", size);
      assert.equal(await page.$eval("#n-proposal", (el) => el.value), "prop-ita-24h");
      assert.match(await page.$eval("#network-summary", (el) => el.textContent), /Inherited from Security guarantees for Ukraine/);
      assert.deepEqual(await page.$$eval("#network-summary .inherited li button", (bs) => bs.map((b) => b.dataset.commitment)), ["c-rus-opposes-guarantees"]);
      assert.deepEqual(await page.$$eval("#network-summary .own li button", (bs) => bs.map((b) => b.dataset.commitment)), ["c-ita-proposes-24h"], "not mixed into the own coalition");
      await scrollTo(page, "#network-section");
      const russia = await page.evaluate(() => window.__dashboard.networkProbe("RUS"));
      assert.ok(russia, "Russia is drawn");
      await page.mouse.click(russia.x, russia.y);
      await page.waitForSelector('#panel:not([hidden]) article[data-commitment="c-rus-opposes-guarantees"]');
      await scrollTo(page, "#network-section");
      await page.screenshot({ path: join(shots, `${name}-network-inherited.png`) });
      assert.deepEqual(problems, []);
    });
  }
});

describe("matrix", () => {
  test("desktop: cells show their targets; at 1440 px with the panel open every column and the Total header stay in view", async (t) => {
    const { page, problems } = await dashboard(t, "?open=cell:RUS:OPPOSES");
    await page.waitForSelector('#panel:not([hidden]) article[data-commitment="c-rus-opposes-guarantees"]');
    assert.match(await page.$eval(`${opener(DESKTOP, "POL", "OFFERS_SUPPORT")} .tgt`, (el) => el.innerText), /→[^]*NATO/);
    assert.match(await page.$eval(opener(DESKTOP, "POL", "OFFERS_SUPPORT"), (el) => el.textContent), /^Poland, Other support: .*pledged.* to NATO; 1 commitment/);
    const m = await page.evaluate(() => {
      const box = document.getElementById("matrix-scroll");
      const r = (sel) => document.querySelector(sel).getBoundingClientRect();
      return {
        scroll: box.scrollWidth, client: box.clientWidth, right: box.getBoundingClientRect().right,
        opposes: r('#matrix tr[data-actor="RUS"] td.cell[data-kind="OPPOSES"]'),
        actor: r("#matrix th.actor-col"), total: r("#matrix th.total-col"),
      };
    });
    assert.ok(m.scroll <= m.client, `no sideways scroll beside the panel (${m.scroll} > ${m.client})`);
    assert.ok(m.opposes.right <= m.right, "Russia's opposition is in view");
    assert.ok(m.actor.right <= m.total.left + 1, "the Actor column does not cover Total");
    await page.screenshot({ path: join(shots, "desktop-matrix-panel-open.png") });
    assert.deepEqual(problems, []);
  });
});

describe("address", () => {
  for (const [name, size] of SIZES) {
    test(`${name}: filters, as-of and the open evidence live in the address; reload and back/forward restore them`, async (t) => {
      const { page, problems } = await dashboard(t, "", size);
      if (size === PHONE) await page.click("#controls > summary");
      await page.selectOption("#f-status", "REFUSED");
      await page.waitForFunction(() => new URLSearchParams(location.search).get("status") === "REFUSED");
      const refusing = opener(size, "POL", "REFUSES_TROOPS");
      await page.waitForSelector(`${opener(size, "USA", "REFUSES_TROOPS")}`);
      await page.click(refusing);
      await page.waitForSelector('#panel:not([hidden]) article[data-commitment="c-pol-refuses-troops"]');
      assert.deepEqual(Object.fromEntries(new URL(page.url()).searchParams), { status: "REFUSED", open: "cell:POL:REFUSES_TROOPS" });

      // Reload: the same view.
      await navigate(page, () => page.reload());
      await page.waitForSelector('#panel:not([hidden]) article[data-commitment="c-pol-refuses-troops"]');
      assert.equal(await page.$eval("#f-status", (el) => el.value), "REFUSED");
      const actors = size === PHONE ? "#cards li.card" : "#matrix tbody tr";
      assert.deepEqual((await page.$$eval(actors, (rs) => rs.map((r) => r.dataset.actor))).sort(), ["POL", "USA"]);

      // Back: the panel closes; back again: the filter goes; forward twice: both return.
      await navigate(page, () => page.goBack());
      await page.waitForSelector("#panel", { state: "hidden" });
      await navigate(page, () => page.goBack());
      assert.equal(await page.$eval("#f-status", (el) => el.value), "");
      assert.ok((await page.$$eval(actors, (rs) => rs.length)) > 2, "all actors again");
      await navigate(page, () => page.goForward());
      await navigate(page, () => page.goForward());
      await page.waitForSelector('#panel:not([hidden]) article[data-commitment="c-pol-refuses-troops"]');
      assert.equal(await page.$eval("#f-status", (el) => el.value), "REFUSED");
      assert.deepEqual(problems, []);
    });
  }

  test("desktop: an as-of day from the address reaches the matrix and the timeline", async (t) => {
    const { page, problems } = await dashboard(t, "?asof=2025-08-18");
    const caps = await page.evaluate(() => window.__dashboard.capabilities);
    assert.ok(caps.asOf, "this server has the history API");
    assert.equal(await page.$eval("#f-asof", (el) => el.value), "2025-08-18");
    const days = await page.$$eval("#timeline time", (ts) => ts.map((x) => x.getAttribute("datetime")));
    assert.ok(days.length > 0 && days.every((d) => d <= "2025-08-18"), `timeline up to the day: ${days}`);
    assert.match(await page.$eval("#timeline-note", (el) => el.textContent), /as of 2025-08-18/);
    assert.deepEqual(problems, []);
  });
});

describe("timeline", () => {
  for (const [name, size] of SIZES) {
    test(`${name}: the timeline follows the filters`, async (t) => {
      const { page, problems } = await dashboard(t, "?status=REFUSED", size);
      const entries = await page.$$eval("#timeline li.entry.commitment", (ls) => ls.map((l) => ({ id: l.dataset.id, status: l.querySelector(".badge").dataset.status })));
      assert.ok(entries.length >= 1, "refusals on the timeline");
      assert.ok(entries.every((e) => e.status === "REFUSED"), JSON.stringify(entries));
      assert.ok(entries.some((e) => e.id === "c-pol-refuses-troops"));
      assert.match(await page.$eval("#timeline-note", (el) => el.textContent), /status refused/);
      await page.$eval("#timeline-section", (el) => el.scrollIntoView());
      await page.screenshot({ path: join(shots, `${name}-timeline-refused.png`) });
      assert.deepEqual(problems, []);
    });
  }
});

describe("phone layout", () => {
  test("phone: cards, controls folded so the first screen shows data, the panel brought into view, 44 px targets", async (t) => {
    const { page, problems } = await dashboard(t, "", PHONE);
    assert.equal(await page.$eval("#controls", (el) => el.open), false, "controls start folded");
    const firstCard = await page.$eval("#cards li.card", (el) => el.getBoundingClientRect().top);
    assert.ok(firstCard < 844 / 2, `the first card starts in the upper half of the first screen (${firstCard})`);
    await page.screenshot({ path: join(shots, "phone-first-screen.png") });

    // Every visible control is at least 44 px tall (the network checkbox's label included).
    await page.click("#controls > summary");
    const small = await page.$$eval("button, select, input:not([type=checkbox]), summary, a, label.check", (els) => els
      .filter((el) => el.getClientRects().length && getComputedStyle(el).visibility !== "hidden")
      .map((el) => ({ el: el.id || el.className || el.tagName, text: el.textContent.slice(0, 30), h: el.getBoundingClientRect().height }))
      .filter((x) => x.h < 44));
    assert.deepEqual(small, [], "targets under 44 px");

    // Italy's proposal: a tap brings the panel into view, and the panel is kept short.
    await page.click(opener(PHONE, "ITA", "PROPOSES"));
    await page.waitForSelector('#panel:not([hidden]) article[data-commitment="c-ita-proposes-24h"]');
    assert.ok(await inViewport(page, "#panel"), "the panel is in view");
    assert.equal(await page.evaluate(() => document.activeElement.id), "panel-title", "focus moves to the panel");
    assert.equal(await page.$eval("#panel details.disputes", (el) => el.open), false, "disputes folded on a phone");
    const height = await page.$eval("#panel", (el) => el.getBoundingClientRect().height);
    t.diagnostic(`phone: first card at ${firstCard.toFixed(0)} px; Italy's proposal panel ${height.toFixed(0)} px tall (disputes and history folded)`);
    assert.ok(height < 6000, `Italy's panel is ${height} px tall`);
    const doc = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(doc <= 390, `no sideways overflow with the panel open (${doc})`);
    await page.screenshot({ path: join(shots, "phone-panel-italy.png") });
    assert.deepEqual(problems, []);
  });
});

describe("quotes in context", () => {
  for (const [name, size] of SIZES) {
    test(`${name}: a quote links to its article with the line marked and in view; Back returns to the same view`, async (t) => {
      const { page, problems } = await dashboard(t, "?open=cell:POL:REFUSES_TROOPS", size);
      await page.waitForSelector('#panel:not([hidden]) article[data-commitment="c-pol-refuses-troops"] a.read');
      const quote = await page.$eval("#panel blockquote", (el) => el.textContent);
      const href = await page.$eval("#panel a.read", (el) => el.getAttribute("href"));
      assert.match(href, /^\/dashboard\/source\/src-\d+\?line=\d+&q=/);
      await page.click("#panel a.read");
      await page.waitForSelector('#article[aria-busy="false"] mark');
      assert.equal(await page.$eval("#article mark", (el) => el.textContent), quote, "the quote is marked, exactly");
      const line = new URL(href, server.url).searchParams.get("line");
      assert.equal(await page.$eval("#article li.hl", (el) => el.dataset.line), line, "on its line");
      assert.ok(await inViewport(page, "#article mark"), "scrolled into view");
      await page.screenshot({ path: join(shots, `${name}-article-poland.png`) });

      await navigate(page, () => page.click("#article-back"));
      await page.waitForSelector('#panel:not([hidden]) article[data-commitment="c-pol-refuses-troops"]');
      // Leaving a page cancels its requests in flight (a live refresh): not a fault.
      assert.deepEqual(problems.filter((p) => !p.endsWith("net::ERR_ABORTED")), []);
    });
  }
});

describe("where sources disagree", () => {
  for (const [name, size] of SIZES) {
    test(`${name}: disputed topics with their positions side by side; agreeing accounts are not a dispute`, async (t) => {
      const { page, problems } = await dashboard(t, "", size);
      assert.equal((await page.evaluate(() => window.__dashboard.capabilities)).disagreement, true, "the server has the disagreement API");
      const topics = await page.$$eval("#disputes .dispute-card", (cs) => cs.map((c) => ({
        subject: c.dataset.subject, topic: c.dataset.topic,
        positions: [...c.querySelectorAll(".account")].map((a) => a.dataset.position),
        quotes: c.querySelectorAll("blockquote").length, links: c.querySelectorAll("a.read").length,
      })));
      const key = (x) => `${x.subject}: ${x.topic}`;
      // The three conflicts the articles hold.
      for (const want of ["prop-ita-24h: origin of the idea", "ev-white-house-meeting: European leaders present", "trump: when he came to back guarantees"]) {
        assert.ok(topics.some((x) => key(x) === want), `${want} in ${topics.map(key)}`);
      }
      const origin = topics.find((x) => key(x) === "prop-ita-24h: origin of the idea");
      assert.deepEqual(origin.positions.sort(), ["meloni", "trump"]);
      // France's troops in two articles agree: not a dispute.
      assert.ok(!topics.some((x) => x.subject === "FRA"), "agreeing accounts are not listed");
      for (const x of topics) {
        assert.ok(x.positions.length >= 2, `${key(x)}: ${x.positions.length} positions`);
        assert.ok(x.quotes >= x.positions.length && x.links === x.quotes, `${key(x)}: every position quoted and linked`);
      }
      await scrollTo(page, "#disputes-section");
      await page.screenshot({ path: join(shots, `${name}-disputes.png`) });
      assert.deepEqual(problems, []);
    });
  }
});

describe("stance layer", () => {
  for (const [name, size] of SIZES) {
    test(`${name}: stances are their own cell states ("under discussion", "stated support") and open their claims`, async (t) => {
      const { page, problems } = await dashboard(t, "", size);
      const stanceCell = (actor, kind) => size === PHONE
        ? `#cards li[data-actor="${actor}"] button.stance[data-kind="${kind}"]`
        : `#matrix tr[data-actor="${actor}"] td.cell.stance[data-kind="${kind}"]`;
      await page.waitForSelector(stanceCell("FRA", "OFFERS_TROOPS"));
      assert.match(await page.$eval(stanceCell("FRA", "OFFERS_TROOPS"), (el) => el.textContent), /under discussion/);
      assert.match(await page.$eval(stanceCell("crosetto", "SUPPORTS"), (el) => el.textContent), /stated support/);
      if (size === DESKTOP) {
        // Not a commitment's colour: France is never shown as offering.
        assert.equal(await page.$eval(stanceCell("FRA", "OFFERS_TROOPS"), (el) => el.dataset.status), "");
        assert.equal(await page.$eval('#matrix tr[data-actor="FRA"] td.total', (el) => el.textContent), "0");
      }
      await page.click(stanceCell("FRA", "OFFERS_TROOPS"));
      await page.waitForSelector('#panel:not([hidden]) article.stance-block[data-stance="UNDER_DISCUSSION"] blockquote');
      const text = await page.$eval("#panel", (el) => el.textContent);
      assert.match(text, /a stance, not a commitment/);
      assert.match(text, /Discussed by others: discussions in Washington/);
      assert.equal(await page.$$eval("#panel article.commitment", (as) => as.length), 0, "no commitment is claimed");
      if (size === PHONE) assert.ok(await inViewport(page, "#panel"), "the panel is brought into view");
      await page.screenshot({ path: join(shots, `${name}-stance-france.png`) });
      assert.deepEqual(problems, []);
    });
  }
});

describe("accessibility", () => {
  for (const [name, size] of SIZES) {
    test(`${name}: axe-core finds no violations on the dashboard with evidence open, nor on an article`, async (t) => {
      const { page, problems } = await dashboard(t, "?open=cell:ITA:PROPOSES&ring=1&proposal=prop-us-art5", size);
      await page.waitForSelector('#panel:not([hidden]) article[data-commitment="c-ita-proposes-24h"]');
      if (size === PHONE) await page.click("#controls > summary");
      assert.deepEqual(await axeViolations(page), []);
      await page.goto(`${server.url}/dashboard/source/src-001?line=13`);
      await page.waitForSelector('#article[aria-busy="false"] li.hl');
      assert.deepEqual(await axeViolations(page), []);
      assert.deepEqual(problems, []);
    });
  }
});
