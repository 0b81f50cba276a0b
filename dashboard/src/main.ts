import "./style.css";
import {
  capabilities, fetchCell, fetchClaims, fetchCoalition, fetchCommitment, fetchCommitments, fetchMatrix, fetchProposals, fetchTimeline, MATRIX_PAGE,
  fetchVocabulary, server, type Capabilities, type Commitment, type EntityRef, type KindInfo, type Matrix, type MatrixCell, type MatrixQuery,
  type MatrixRow, type TimelineEntry,
} from "./api";
import { showArticle } from "./article";
import { fetchChanges } from "./changes";
import { fetchDisputes } from "./disputes";
import { byId, h } from "./dom";
import { commitmentBlock, makePanel, stanceBadge, stanceBlock, statusBadge } from "./evidence";
import { startLive, type LiveMode } from "./live";
import { installGridKeys, renderMatrix, stancesIn } from "./matrix";
import type { NetworkEdge } from "./network";
import { renderTimeline } from "./timeline";
import { format, parse, sourceRoute, type Opened, type ViewState } from "./url";
import { renderChanges, renderDisputes } from "./views";
import { kindLabel, STANCE_LOOK } from "./vocab";

const ALSO_TARGETS = ["UKR", "coalition-of-the-willing"];

/** What the browser tests read: render timing, the live mode, the network's geometry. */
interface DashboardProbe {
  matrixRenderedAt?: number;
  networkRenderedAt?: number;
  /** Counts every network drawing, so a test can wait for the next one. */
  networkRenders: number;
  refreshes: number;
  liveMode?: LiveMode;
  capabilities?: Capabilities;
  networkProbe?: (id?: string) => { x: number; y: number; zoom: number; pan: { x: number; y: number } } | null;
  /** Set once the state in the address has been applied (on load and after back/forward). */
  settled: number;
}
declare global {
  interface Window {
    __dashboard: DashboardProbe;
  }
}
window.__dashboard = { refreshes: 0, networkRenders: 0, settled: 0 };

const phone = window.matchMedia("(max-width: 600px)");

const state = {
  view: parse(location.search),
  caps: { asOf: null, subscription: false } as Capabilities,
  kinds: [] as KindInfo[],
  matrix: null as Matrix | null,
  timeline: null as null | { to: string; entries: TimelineEntry[] },
  coalitionKey: "",
  network: { subject: null as EntityRef | null, edges: [] as NetworkEdge[] },
};

const table = byId<HTMLTableElement>("matrix");
const cards = byId("cards");
const errorBox = byId("error");
const panel = makePanel(byId("panel"), byId("panel-title"), byId("panel-body"), byId("panel-close"));

function showError(where: string, err: unknown): void {
  // Shown on the page rather than thrown: a failed request is the API's
  // state, not a bug in the page.
  errorBox.textContent = `Could not load ${where}: ${(err as Error).message}`;
  errorBox.hidden = false;
}
function clearError(): void {
  errorBox.hidden = true;
}

// ---- the address ----

/** Writes the view into the address as a new history entry (a user's step, undone by Back). */
function pushView(): void {
  const next = location.pathname + format(state.view);
  if (next !== location.pathname + location.search) history.pushState(null, "", next);
}

function syncControls(): void {
  const v = state.view;
  byId<HTMLSelectElement>("f-kind").value = v.kind;
  byId<HTMLSelectElement>("f-status").value = v.status;
  byId<HTMLSelectElement>("f-sort").value = v.sort;
  byId<HTMLInputElement>("f-asof").value = v.asOf;
  byId<HTMLInputElement>("n-also").checked = v.ring;
  byId<HTMLInputElement>("since").value = v.since;
  const sel = byId<HTMLSelectElement>("n-proposal");
  if ([...sel.options].some((o) => o.value === v.proposal)) sel.value = v.proposal;
}

// Restored from the back/forward cache: the page is as it was left.
window.addEventListener("pageshow", (e) => {
  if (e.persisted) window.__dashboard.settled++;
});

window.addEventListener("popstate", () => {
  if (sourceRoute(location.pathname)) {
    location.reload();
    return;
  }
  const before = state.view;
  const next = parse(location.search);
  state.view = next;
  syncControls();
  const jobs: Promise<unknown>[] = [];
  if (before.kind !== next.kind || before.status !== next.status || before.asOf !== next.asOf) jobs.push(reloadData());
  else if (before.sort !== next.sort) drawMatrix();
  if (before.proposal !== next.proposal || before.ring !== next.ring) jobs.push(reloadNetwork());
  if (before.since !== next.since) jobs.push(loadChanges().catch((err) => showError("the changes", err)));
  if (JSON.stringify(before.open) !== JSON.stringify(next.open)) {
    jobs.push(Promise.all(jobs.slice()).then(() => restoreOpen(null)));
  }
  void Promise.all(jobs).finally(() => window.__dashboard.settled++);
});

// ---- matrix ----

function drawMatrix(): void {
  if (!state.matrix) return;
  drawMore(state.matrix);
  renderMatrix(table, {
    matrix: state.matrix,
    kinds: state.kinds,
    kindFilter: state.view.kind,
    sort: state.view.sort,
    onOpen: (row, kind, cell) => void openCell(row, kind, cell),
    onSort: (s) => {
      state.view.sort = s;
      byId<HTMLSelectElement>("f-sort").value = s;
      pushView();
      drawMatrix();
    },
  }, cards);
}

/**
 * Under a paged matrix, how many of its actors are shown and a button for
 * the next page: the first page holds the actors with the most commitments.
 */
function drawMore(m: Matrix): void {
  const more = byId("matrix-more");
  const next = m.pageInfo?.hasNextPage ? m.pageInfo.endCursor : null;
  if (!next || m.totalCount === undefined) {
    more.replaceChildren();
    more.hidden = true;
    return;
  }
  const left = m.totalCount - m.rows.length;
  more.hidden = false;
  more.replaceChildren(
    h("span", { class: "note" }, `${m.rows.length} of ${m.totalCount} actors, those with the most commitments first. `),
    h("button", { type: "button", id: "matrix-more-button", onclick: () => void loadMoreRows(next) },
      `Show ${Math.min(left, MATRIX_PAGE)} more`),
  );
}

/** The filters of the matrix the view asks for. */
function matrixQuery(v: ViewState): MatrixQuery {
  return { kinds: v.kind ? [v.kind] : [], statuses: v.status ? [v.status] : [], asOf: v.asOf };
}

// The pages of the matrix shown: a refresh loads as many again, a change
// of filters starts from the first.
let matrixPages = 1;
let matrixKey = "";

async function loadMoreRows(after: string): Promise<void> {
  matrixPages++;
  const seq = matrixSeq;
  try {
    const m = await fetchMatrix(matrixQuery(state.view), state.caps, after);
    // A reload meanwhile loads every page shown, this one included.
    if (seq !== matrixSeq || !state.matrix) return;
    const shown = new Set(state.matrix.rows.map((r) => r.actor.id));
    state.matrix = { ...m.matrix, rows: [...state.matrix.rows, ...m.matrix.rows.filter((r) => !shown.has(r.actor.id))] };
    drawMatrix();
  } catch (err) {
    showError("the matrix", err);
  }
}

// Requests may finish out of order (a poll started before a filter change
// can answer after it): only the latest one is drawn.
let matrixSeq = 0;
async function loadMatrix(): Promise<void> {
  const seq = ++matrixSeq;
  const q = matrixQuery(state.view);
  const key = JSON.stringify(q);
  if (key !== matrixKey) {
    matrixKey = key;
    matrixPages = 1;
  }
  let m = (await fetchMatrix(q, state.caps)).matrix;
  for (let n = 1; n < matrixPages && m.pageInfo?.hasNextPage && m.pageInfo.endCursor && seq === matrixSeq; n++) {
    const next = (await fetchMatrix(q, state.caps, m.pageInfo.endCursor)).matrix;
    const shown = new Set(m.rows.map((r) => r.actor.id));
    m = { ...next, rows: [...m.rows, ...next.rows.filter((r) => !shown.has(r.actor.id))] };
  }
  if (seq !== matrixSeq) return;
  state.matrix = m;
  drawMatrix();
}

let lastStatuses: string[] = [];
function drawLegend(statuses: string[]): void {
  byId("legend").replaceChildren(
    h("span", { class: "legend-title" }, "Status:"),
    ...statuses.map((s) => h("span", { class: "legend-item" }, statusBadge(s))),
    h("span", { class: "legend-item note" }, "stances (opposes, protests, demands, supports) show “stated” as opposed, protested, demanded, supported; “→” names the target"),
  );
  if (state.caps.disagreement) {
    byId("legend").append(
      h("span", { class: "legend-title" }, "Stances, not commitments:"),
      ...Object.keys(STANCE_LOOK).map((st) => h("span", { class: "legend-item" }, stanceBadge(st))),
    );
  }
}

function fillFilters(kinds: KindInfo[], statuses: string[]): void {
  const kindSel = byId<HTMLSelectElement>("f-kind");
  kindSel.append(...kinds.map((k) => h("option", { value: k.kind }, kindLabel(k.kind))));
  const statusSel = byId<HTMLSelectElement>("f-status");
  statusSel.append(...statuses.map((s) => h("option", { value: s }, s.toLowerCase())));
  syncControls();
  kindSel.addEventListener("change", () => { state.view.kind = kindSel.value; pushView(); void reloadData(); });
  statusSel.addEventListener("change", () => { state.view.status = statusSel.value; pushView(); void reloadData(); });
  const sortSel = byId<HTMLSelectElement>("f-sort");
  sortSel.addEventListener("change", () => { state.view.sort = sortSel.value as ViewState["sort"]; pushView(); drawMatrix(); });
  const asOf = byId<HTMLInputElement>("f-asof");
  asOf.addEventListener("change", () => { state.view.asOf = asOf.value; pushView(); void reloadData(); });
}

function applyCapabilities(caps: Capabilities): void {
  state.caps = caps;
  window.__dashboard.capabilities = caps;
  const asOf = byId<HTMLInputElement>("f-asof");
  const note = byId("asof-note");
  asOf.disabled = !caps.asOf;
  note.textContent = caps.asOf ? "state of the matrix, the evidence and the timeline on that day" : "as-of needs the history API";
}

/** The matrix and, after it, the timeline that follows its filters. */
async function reloadData(): Promise<void> {
  try {
    await loadMatrix();
    await loadTimeline();
    clearError();
  } catch (err) {
    showError("the matrix", err);
  }
}

// ---- evidence ----

function cellElement(actor: string, kind: string): HTMLElement | null {
  const sel = phone.matches
    ? `#cards li[data-actor="${CSS.escape(actor)}"] button[data-kind="${CSS.escape(kind)}"]`
    : `#matrix tr[data-actor="${CSS.escape(actor)}"] td.cell[data-kind="${CSS.escape(kind)}"]`;
  return document.querySelector<HTMLElement>(sel);
}

function setOpen(o: Opened | null): void {
  state.view.open = o;
  pushView();
}

async function openCell(row: MatrixRow, kind: string, cell: MatrixCell | undefined): Promise<void> {
  setOpen({ type: "cell", actor: row.actor.id, kind });
  await showCell(row.actor.id, kind, cell, cellElement(row.actor.id, kind), true);
}

async function showCell(actor: string, kind: string, cell: MatrixCell | undefined, from: HTMLElement | null, reveal: boolean): Promise<void> {
  const name = state.matrix?.rows.find((r) => r.actor.id === actor)?.actor.name ?? actor;
  const title = `${name} — ${kindLabel(kind)}`;
  const row = state.matrix?.rows.find((r) => r.actor.id === actor);
  if (!cell && !(row && stancesIn(row, kind).length)) {
    panel.show(title, [h("p", { class: "note" }, `No ${kindLabel(kind).toLowerCase()} commitment by ${name} is recorded.`)], from);
    if (reveal && phone.matches) panel.reveal();
    return;
  }
  panel.loading(title, from);
  if (reveal && phone.matches) panel.reveal();
  await fillCell(actor, kind);
}

const blocks = (cs: Commitment[]) => cs.map((c) => commitmentBlock(c, { expand: !phone.matches }));

function isOpen(o: Opened): boolean {
  return JSON.stringify(state.view.open) === JSON.stringify(o);
}

async function fillCell(actor: string, kind: string): Promise<void> {
  const name = state.matrix?.rows.find((r) => r.actor.id === actor)?.actor.name ?? actor;
  const title = `${name} — ${kindLabel(kind)}`;
  const row = state.matrix?.rows.find((r) => r.actor.id === actor);
  const stances = row ? stancesIn(row, kind) : [];
  const hasCell = !!row?.cells.some((c) => c.kind === kind);
  try {
    const [d, claims] = await Promise.all([
      hasCell || !stances.length ? fetchCell(actor, kind, state.view.asOf, state.caps) : Promise.resolve({ commitments: { nodes: [] } }),
      stances.length ? fetchClaims(stances.flatMap((st) => st.claims)) : Promise.resolve(new Map()),
    ]);
    if (!isOpen({ type: "cell", actor, kind })) return;
    const content: Node[] = [
      ...blocks(d.commitments.nodes),
      ...stances.map((st) => stanceBlock(st, claims)),
    ];
    panel.show(title, content.length ? content : [h("p", { class: "note" }, "No commitments (any more).")]);
  } catch (err) {
    panel.show(title, [h("p", { class: "error" }, `Could not load the evidence: ${(err as Error).message}`)]);
  }
}

async function openCommitment(id: string, from: HTMLElement | null): Promise<void> {
  setOpen({ type: "commitment", id });
  panel.loading("Commitment", from);
  if (phone.matches) panel.reveal();
  await fillCommitment(id);
}

async function fillCommitment(id: string): Promise<void> {
  try {
    const d = await fetchCommitment(id);
    if (!isOpen({ type: "commitment", id })) return;
    const c: Commitment | null = d.commitment;
    if (!c) {
      panel.show("Commitment", [h("p", { class: "note" }, "This commitment no longer exists.")]);
      return;
    }
    panel.show(`${c.actor.name} — ${kindLabel(c.kind)}`, blocks([c]));
  } catch (err) {
    panel.show("Commitment", [h("p", { class: "error" }, `Could not load the evidence: ${(err as Error).message}`)]);
  }
}

function nodeName(id: string): string {
  const { subject, edges } = state.network;
  if (subject?.id === id) return subject.name;
  for (const x of edges) {
    if (x.actor.id === id) return x.actor.name;
    if (x.target.id === id) return x.target.name;
  }
  return id;
}

async function openNode(node: EntityRef): Promise<void> {
  setOpen({ type: "node", id: node.id });
  panel.loading(`${node.name} in this network`, byId("network"));
  if (phone.matches) panel.reveal();
  await fillNode(node.id);
}

/** A node's evidence: every commitment of the drawn network that it makes or receives. */
async function fillNode(id: string): Promise<void> {
  const title = `${nodeName(id)} in this network`;
  const ids = state.network.edges.filter((x) => x.actor.id === id || x.target.id === id).map((x) => x.id);
  try {
    const cs = await fetchCommitments(ids);
    if (!isOpen({ type: "node", id })) return;
    panel.show(title, cs.length ? blocks(cs) : [h("p", { class: "note" }, "No commitment in this network touches it.")]);
  } catch (err) {
    panel.show(title, [h("p", { class: "error" }, `Could not load the evidence: ${(err as Error).message}`)]);
  }
}

/** Shows what the address says is open, or closes the panel. */
async function restoreOpen(from: HTMLElement | null): Promise<void> {
  const o = state.view.open;
  if (!o) {
    panel.close();
    return;
  }
  if (o.type === "cell") {
    const cell = state.matrix?.rows.find((r) => r.actor.id === o.actor)?.cells.find((c) => c.kind === o.kind);
    await showCell(o.actor, o.kind, cell, from ?? cellElement(o.actor, o.kind), false);
  } else if (o.type === "commitment") {
    panel.loading("Commitment", from);
    await fillCommitment(o.id);
  } else {
    panel.loading(`${nodeName(o.id)} in this network`, from ?? byId("network"));
    await fillNode(o.id);
  }
}

function closePanel(): void {
  if (!panel.isOpen()) return;
  panel.close();
  setOpen(null);
}

// ---- network ----

let net: typeof import("./network") | null = null;
let networkSeq = 0;
async function loadNetwork(): Promise<void> {
  const seq = ++networkSeq;
  const { proposal, ring } = state.view;
  const [own, wide] = await Promise.all([
    fetchCoalition(proposal, []),
    ring ? fetchCoalition(proposal, ALSO_TARGETS) : Promise.resolve(null),
  ]);
  if (seq !== networkSeq) return;
  net ??= await import("./network");
  const { networkEdges, renderNetwork, probe } = net;
  if (seq !== networkSeq) return;
  const edges = networkEdges(own.coalition, wide?.coalition ?? null);
  state.network = { subject: own.coalition.subject, edges };
  // Redraw only on a change, so a refresh does not reset what the user moved.
  const key = JSON.stringify({ s: own.coalition.subject, edges });
  if (key === state.coalitionKey) return;
  state.coalitionKey = key;
  await renderNetwork(byId("network"), byId("network-legend"), byId("network-summary"), own.coalition.subject, edges, {
    onEdge: (id) => void openCommitment(id, byId("network")),
    onNode: (n) => void openNode(n),
  });
  window.__dashboard.networkProbe = probe;
  window.__dashboard.networkRenders++;
  window.__dashboard.networkRenderedAt ??= performance.now();
}

function reloadNetwork(): Promise<void> {
  return loadNetwork().then(clearError, (err) => showError("the coalition", err));
}

async function setupNetwork(): Promise<void> {
  const sel = byId<HTMLSelectElement>("n-proposal");
  const also = byId<HTMLInputElement>("n-also");
  const { entities } = await fetchProposals();
  sel.replaceChildren(...entities.map((p) => h("option", { value: p.id, selected: p.id === state.view.proposal }, p.name)));
  if (!entities.some((p) => p.id === state.view.proposal) && entities[0]) state.view.proposal = entities[0].id;
  sel.addEventListener("change", () => { state.view.proposal = sel.value; pushView(); void reloadNetwork(); });
  also.addEventListener("change", () => { state.view.ring = also.checked; pushView(); void reloadNetwork(); });
  // The buttons act at once once the network module is there (it is by the time anything is drawn).
  const withNet = (f: (n: typeof import("./network")) => void) => () => {
    if (net) f(net);
    else void import("./network").then(f);
  };
  byId("n-zoom-in").addEventListener("click", withNet((n) => n.zoomBy(1.25)));
  byId("n-zoom-out").addEventListener("click", withNet((n) => n.zoomBy(0.8)));
  byId("n-fit").addEventListener("click", withNet((n) => n.fit()));
  await loadNetwork();
}

// ---- timeline ----

/**
 * The timeline of what the matrix shows: events up to the as-of day, and the
 * commitments the matrix counts under the same filters and as-of, each with
 * the status the matrix gives it.
 */
async function loadTimeline(): Promise<void> {
  const v = state.view;
  const q = { kinds: v.kind ? [v.kind] : [], statuses: v.status ? [v.status] : [], asOf: v.asOf };
  const key = server.timelineFilter ? JSON.stringify(q) : v.asOf;
  if (!state.timeline || state.timeline.to !== key) state.timeline = { to: key, entries: (await fetchTimeline(q)).timeline };
  const filtered = !!(v.kind || v.status || v.asOf);
  let entries = state.timeline.entries;
  if (filtered && state.matrix && !server.timelineFilter) {
    // An older server's timeline knows no filter: keep the commitments the matrix counts.
    const shown = new Map<string, string>();
    for (const r of state.matrix.rows) for (const c of r.cells) for (const x of c.commitments ?? []) shown.set(x.id, x.status);
    entries = entries.flatMap((e) => {
      if (e.type !== "COMMITMENT" || !e.commitment) return [e];
      const status = shown.get(e.commitment.id);
      return status ? [{ ...e, commitment: { ...e.commitment, status } }] : [];
    });
  }
  const parts = [v.kind && `kind ${kindLabel(v.kind).toLowerCase()}`, v.status && `status ${v.status.toLowerCase()}`, v.asOf && `as of ${v.asOf}`].filter(Boolean);
  byId("timeline-note").textContent = parts.length ? `Following the matrix: ${parts.join(", ")}.` : "";
  renderTimeline(byId("timeline"), entries, (id, from) => void openCommitment(id, from));
}

// ---- disagreement and changes ----

async function loadDisputes(): Promise<void> {
  renderDisputes(byId("disputes"), await fetchDisputes());
}

async function loadChanges(): Promise<void> {
  const since = state.view.since;
  const changes = await fetchChanges(since);
  if (since !== state.view.since) return;
  renderChanges(byId("changes"), changes, since, (id, from) => void openCommitment(id, from));
}

function setupChanges(): void {
  const since = byId<HTMLInputElement>("since");
  since.value = state.view.since;
  since.addEventListener("change", () => {
    state.view.since = since.value;
    pushView();
    void loadChanges().catch((err) => showError("the changes", err));
  });
}

// ---- refresh ----

let refreshing = false;
async function refresh(): Promise<void> {
  if (refreshing) return;
  refreshing = true;
  window.__dashboard.refreshes++;
  try {
    state.timeline = null;
    await Promise.all([loadMatrix().then(loadTimeline), loadNetwork(), loadChanges()]);
    const o = state.view.open;
    if (panel.isOpen() && o) {
      await (o.type === "cell" ? fillCell(o.actor, o.kind) : o.type === "commitment" ? fillCommitment(o.id) : fillNode(o.id));
    }
    clearError();
  } catch (err) {
    showError("the latest data", err);
  } finally {
    refreshing = false;
  }
}

function setLiveStatus(mode: LiveMode, detail: string): void {
  window.__dashboard.liveMode = mode;
  const el = byId("live-status");
  el.dataset.mode = mode;
  el.textContent = detail;
}

// ---- start ----

async function start(): Promise<void> {
  const article = sourceRoute(location.pathname);
  if (article) {
    byId("dashboard").hidden = true;
    const root = byId("article");
    root.hidden = false;
    await showArticle(root, article);
    return;
  }
  // On a phone the controls start folded, so that the first screen shows data.
  if (phone.matches) byId<HTMLDetailsElement>("controls").open = false;

  installGridKeys(table, (cell) => cell.click());
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && panel.isOpen()) {
      e.preventDefault();
      closePanel();
    }
  });
  byId("panel-close").addEventListener("click", () => setOpen(null));
  setupChanges();

  // The matrix goes first and alone: it is what the page is for. The
  // vocabulary and the capabilities arrive alongside it. An as-of or filter
  // from the address waits for the capabilities, which say how to ask.
  const capsP = capabilities();
  const vocabP = fetchVocabulary();
  const v = state.view;
  const plain = !v.kind && !v.status && !v.asOf;
  try {
    const seq = ++matrixSeq;
    const [m, voc] = await Promise.all([plain ? fetchMatrix({}, state.caps) : capsP.then((c) => {
      applyCapabilities(c);
      return fetchMatrix({ kinds: v.kind ? [v.kind] : [], statuses: v.status ? [v.status] : [], asOf: v.asOf }, c);
    }), vocabP]);
    state.kinds = voc.vocabulary.commitmentKinds;
    if (seq === matrixSeq) state.matrix = m.matrix;
    drawMatrix();
    window.__dashboard.matrixRenderedAt = performance.now();
    performance.mark("matrix-rendered");
    lastStatuses = voc.vocabulary.statuses;
    drawLegend(voc.vocabulary.statuses);
    fillFilters(voc.vocabulary.commitmentKinds, voc.vocabulary.statuses);
  } catch (err) {
    showError("the matrix", err);
  }
  const caps = await capsP;
  applyCapabilities(caps);
  // The stance layer and the page's end are asked for only where the
  // server has them: a second matrix once the capabilities say so.
  if ((caps.disagreement || server.matrixPages) && plain) await loadMatrix().catch((err) => showError("the matrix", err));
  if (caps.disagreement && state.kinds.length) drawLegend(lastStatuses);

  await Promise.all([
    setupNetwork().catch((err) => showError("the coalition", err)),
    loadTimeline().catch((err) => showError("the timeline", err)),
    loadDisputes().catch((err) => showError("the disagreements", err)),
    loadChanges().catch((err) => showError("the changes", err)),
  ]);
  syncControls();
  if (state.view.open) await restoreOpen(null);
  window.__dashboard.settled++;

  startLive({ subscription: caps.subscription, refresh: () => void refresh(), onMode: setLiveStatus });
}

void start();
