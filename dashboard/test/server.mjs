// Test fixtures: the real Go server on a free port, and Debian's chromium
// driven by playwright-core (no downloaded browser).
import { spawn, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";

export const dashboardDir = join(dirname(fileURLToPath(import.meta.url)), "..");
export const repoDir = join(dashboardDir, "..");

export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/**
 * Builds ./server into a temporary directory (or takes the binary named by
 * DASHBOARD_SERVER_BIN) and starts it on 127.0.0.1:0 with its own temporary
 * data directory: never the repository's ./data, whose writes would leak into
 * a developer's server and into the next run.
 */
export async function startServer(env = {}) {
  const dir = mkdtempSync(join(tmpdir(), "dashboard-server-"));
  let bin = process.env.DASHBOARD_SERVER_BIN;
  if (!bin) {
    bin = join(dir, "server");
    execFileSync("go", ["build", "-o", bin, "./server"], { cwd: repoDir, stdio: ["ignore", "inherit", "inherit"] });
  }
  const dataDir = join(dir, "data");
  const child = spawn(bin, ["--addr", "127.0.0.1:0", "--data-dir", dataDir], {
    cwd: dir,
    env: { ...process.env, PORT: "", COALITIONGRAPH_DATA_DIR: "", COALITIONGRAPH_MEMORY: "", NEO4J_URI: "", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  const addr = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("server did not log its address within 60 s")), 60_000);
    child.once("exit", (code) => reject(new Error(`server exited with ${code} before listening`)));
    lines.on("line", (line) => {
      let rec;
      try {
        rec = JSON.parse(line);
      } catch {
        return;
      }
      if (rec.msg === "listening") {
        clearTimeout(timer);
        resolve(rec.addr);
      }
    });
  });
  // Keep reading the log so that the server never blocks on a full pipe.
  return {
    url: `http://${addr}`,
    dataDir,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A browser with a fresh profile directory, removed on close. */
export async function startBrowser() {
  const profile = mkdtempSync(join(tmpdir(), "dashboard-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Collects everything that would show as a problem in the console: console
 * errors and warnings, uncaught exceptions, failed requests and HTTP errors.
 */
export function watchProblems(page) {
  const problems = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => {
    // A reload or Back aborts the requests still in flight (and the app
    // aborts a fetch a newer view supersedes): not a failure the user sees.
    // A refused connection or a network error is still one.
    const reason = r.failure()?.errorText ?? "";
    if (reason === "net::ERR_ABORTED") return;
    problems.push(`request failed: ${r.url()} ${reason}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return problems;
}

/**
 * Where screenshots go: $DASHBOARD_SCREENSHOTS, else artifacts/screenshots
 * at the repository root (gitignored; CI keeps the directory as artifacts).
 */
export function screenshotDir() {
  const dir = process.env.DASHBOARD_SCREENSHOTS || join(repoDir, "artifacts", "screenshots");
  mkdirSync(dir, { recursive: true });
  return dir;
}

export const DESKTOP = { width: 1440, height: 900 };
export const PHONE = { width: 390, height: 844 };

/** A page at a size, its problems collected; closed when the test ends. */
export async function openPage(t, browser, url, size = DESKTOP) {
  const page = await browser.context.newPage();
  await page.setViewportSize(size);
  const problems = watchProblems(page);
  t.after(() => page.close());
  await page.goto(url);
  return { page, problems };
}

/** Waits until the dashboard has applied the state in its address (matrix, network, sections, open panel). */
export async function settled(page, after = 0) {
  await page.waitForFunction((n) => window.__dashboard?.settled > n, after, { timeout: 60_000 });
}

const axeSource = join(dashboardDir, "node_modules", "axe-core", "axe.min.js");

/** Runs axe-core (WCAG 2.x A and AA rules) on the page; returns its violations, summarised. */
export async function axeViolations(page) {
  await page.addScriptTag({ path: axeSource });
  const result = await page.evaluate(() => window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")})`);
}
