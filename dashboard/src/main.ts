import "./style.css";
import {
  capabilities, fetchCell, fetchCoalition, fetchCommitment, fetchMatrix, fetchProposals, fetchTimeline,
  fetchVocabulary, type Capabilities, type Commitment, type KindInfo, type Matrix, type MatrixCell, type MatrixRow,
} from "./api";
import { byId, h } from "./dom";
import { commitmentBlock, makePanel, statusBadge } from "./evidence";
import { startLive, type LiveMode } from "./live";
import { installGridKeys, renderMatrix, type SortKey } from "./matrix";
import { renderTimeline } from "./timeline";
import { kindLabel } from "./vocab";

const DEFAULT_PROPOSAL = "prop-ita-24h";
const ALSO_TARGETS = ["UKR", "coalition-of-the-willing"];

/** What the browser tests read: render timing and the live mode. */
interface DashboardProbe {
  matrixRenderedAt?: number;
  networkRenderedAt?: number;
  refreshes: number;
  liveMode?: LiveMode;
  capabilities?: Capabilities;
}
declare global {
  interface Window {
    __dashboard: DashboardProbe;
  }
}
window.__dashboard = { refreshes: 0 };

const state = {
  caps: { asOf: null, subscription: false } as Capabilities,
  kinds: [] as KindInfo[],
  matrix: null as Matrix | null,
  kind: "",
  status: "",
  sort: "total" as SortKey,
  asOf: "",
  proposal: DEFAULT_PROPOSAL,
  also: true,
  coalitionKey: "",
  /** What the evidence panel shows, to refresh it in place. */
  open: null as null | { type: "cell"; actor: string; actorName: string; kind: string } | { type: "commitment"; id: string },
};

const table = byId<HTMLTableElement>("matrix");
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

// ---- matrix ----

function drawMatrix(): void {
  if (!state.matrix) return;
  renderMatrix(table, {
    matrix: state.matrix,
    kinds: state.kinds,
    kindFilter: state.kind,
    sort: state.sort,
    onOpen: openCell,
    onSort: (s) => {
      state.sort = s;
      byId<HTMLSelectElement>("f-sort").value = s;
      drawMatrix();
    },
  });
}

// Requests may finish out of order (a poll started before a filter change
// can answer after it): only the latest one is drawn.
let matrixSeq = 0;
async function loadMatrix(): Promise<void> {
  const seq = ++matrixSeq;
  const m = await fetchMatrix(
    { kinds: state.kind ? [state.kind] : [], statuses: state.status ? [state.status] : [], asOf: state.asOf },
    state.caps,
  );
  if (seq !== matrixSeq) return;
  state.matrix = m.matrix;
  drawMatrix();
}

function drawLegend(statuses: string[]): void {
  byId("legend").replaceChildren(
    h("span", { class: "legend-title" }, "Status:"),
    ...statuses.map((s) => h("span", { class: "legend-item" }, statusBadge(s))),
    h("span", { class: "legend-item note" }, "stances (opposes, protests, demands, supports) show “stated” as opposed, protested, demanded, supported"),
  );
}

function fillFilters(kinds: KindInfo[], statuses: string[]): void {
  const kindSel = byId<HTMLSelectElement>("f-kind");
  kindSel.append(...kinds.map((k) => h("option", { value: k.kind }, kindLabel(k.kind))));
  const statusSel = byId<HTMLSelectElement>("f-status");
  statusSel.append(...statuses.map((s) => h("option", { value: s }, s.toLowerCase())));
  kindSel.addEventListener("change", () => { state.kind = kindSel.value; void reloadMatrix(); });
  statusSel.addEventListener("change", () => { state.status = statusSel.value; void reloadMatrix(); });
  const sortSel = byId<HTMLSelectElement>("f-sort");
  sortSel.addEventListener("change", () => { state.sort = sortSel.value as SortKey; drawMatrix(); });
  const asOf = byId<HTMLInputElement>("f-asof");
  asOf.addEventListener("change", () => { state.asOf = asOf.value; void reloadMatrix(); });
}

function applyCapabilities(caps: Capabilities): void {
  state.caps = caps;
  window.__dashboard.capabilities = caps;
  const asOf = byId<HTMLInputElement>("f-asof");
  const note = byId("asof-note");
  asOf.disabled = !caps.asOf;
  note.textContent = caps.asOf ? "state of the matrix on that day" : "as-of needs the history API";
}

async function reloadMatrix(): Promise<void> {
  try {
    await loadMatrix();
    clearError();
  } catch (err) {
    showError("the matrix", err);
  }
}

// ---- evidence ----

async function openCell(row: MatrixRow, kind: string, cell: MatrixCell | undefined): Promise<void> {
  const from = table.querySelector<HTMLElement>(`tr[data-actor="${CSS.escape(row.actor.id)}"] td.cell[data-kind="${CSS.escape(kind)}"]`);
  const title = `${row.actor.name} — ${kindLabel(kind)}`;
  state.open = { type: "cell", actor: row.actor.id, actorName: row.actor.name, kind };
  if (!cell) {
    panel.show(title, [h("p", { class: "note" }, `No ${kindLabel(kind).toLowerCase()} commitment by ${row.actor.name} is recorded.`)], from);
    return;
  }
  panel.loading(title, from);
  await fillCell(row.actor.id, row.actor.name, kind);
}

async function fillCell(actor: string, actorName: string, kind: string): Promise<void> {
  const title = `${actorName} — ${kindLabel(kind)}`;
  try {
    const d = await fetchCell(actor, kind);
    if (state.open?.type !== "cell" || state.open.actor !== actor || state.open.kind !== kind) return;
    panel.show(title, d.commitments.nodes.length ? d.commitments.nodes.map(commitmentBlock)
      : [h("p", { class: "note" }, "No commitments (any more).")]);
  } catch (err) {
    panel.show(title, [h("p", { class: "error" }, `Could not load the evidence: ${(err as Error).message}`)]);
  }
}

async function openCommitment(id: string, from: HTMLElement | null): Promise<void> {
  state.open = { type: "commitment", id };
  panel.loading("Commitment", from);
  await fillCommitment(id);
}

async function fillCommitment(id: string): Promise<void> {
  try {
    const d = await fetchCommitment(id);
    if (state.open?.type !== "commitment" || state.open.id !== id) return;
    const c: Commitment | null = d.commitment;
    if (!c) {
      panel.show("Commitment", [h("p", { class: "note" }, "This commitment no longer exists.")]);
      return;
    }
    panel.show(`${c.actor.name} — ${kindLabel(c.kind)}`, [commitmentBlock(c)]);
  } catch (err) {
    panel.show("Commitment", [h("p", { class: "error" }, `Could not load the evidence: ${(err as Error).message}`)]);
  }
}

// ---- network ----

let networkSeq = 0;
async function loadNetwork(): Promise<void> {
  const seq = ++networkSeq;
  const also = state.also ? ALSO_TARGETS : [];
  const d = await fetchCoalition(state.proposal, also);
  if (seq !== networkSeq) return;
  // Redraw only on a change, so a refresh does not reset what the user moved.
  const key = JSON.stringify(d.coalition);
  if (key === state.coalitionKey) return;
  const { renderNetwork } = await import("./network");
  if (seq !== networkSeq) return;
  state.coalitionKey = key;
  await renderNetwork(byId("network"), byId("network-legend"), byId("network-summary"), d.coalition);
  window.__dashboard.networkRenderedAt ??= performance.now();
}

async function setupNetwork(): Promise<void> {
  const sel = byId<HTMLSelectElement>("n-proposal");
  const also = byId<HTMLInputElement>("n-also");
  const { entities } = await fetchProposals();
  sel.replaceChildren(...entities.map((p) => h("option", { value: p.id, selected: p.id === state.proposal }, p.name)));
  if (!entities.some((p) => p.id === state.proposal) && entities[0]) state.proposal = entities[0].id;
  const reload = () => loadNetwork().then(clearError, (err) => showError("the coalition", err));
  sel.addEventListener("change", () => { state.proposal = sel.value; void reload(); });
  also.addEventListener("change", () => { state.also = also.checked; void reload(); });
  await loadNetwork();
}

// ---- timeline ----

async function loadTimeline(): Promise<void> {
  const d = await fetchTimeline();
  renderTimeline(byId("timeline"), d.timeline, (id, from) => void openCommitment(id, from));
}

// ---- refresh ----

let refreshing = false;
async function refresh(): Promise<void> {
  if (refreshing) return;
  refreshing = true;
  window.__dashboard.refreshes++;
  try {
    await Promise.all([loadMatrix(), loadTimeline(), loadNetwork()]);
    const o = state.open;
    if (panel.isOpen() && o) {
      await (o.type === "cell" ? fillCell(o.actor, o.actorName, o.kind) : fillCommitment(o.id));
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
  installGridKeys(table, (cell) => cell.click());
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && panel.isOpen()) {
      e.preventDefault();
      state.open = null;
      panel.close();
    }
  });

  // The matrix goes first and alone: it is what the page is for. The
  // vocabulary and the capabilities arrive alongside it.
  const capsP = capabilities();
  const vocabP = fetchVocabulary();
  try {
    const seq = ++matrixSeq;
    const [m, v] = await Promise.all([fetchMatrix({}, state.caps), vocabP]);
    state.kinds = v.vocabulary.commitmentKinds;
    if (seq === matrixSeq) state.matrix = m.matrix;
    drawMatrix();
    window.__dashboard.matrixRenderedAt = performance.now();
    performance.mark("matrix-rendered");
    drawLegend(v.vocabulary.statuses);
    fillFilters(v.vocabulary.commitmentKinds, v.vocabulary.statuses);
  } catch (err) {
    showError("the matrix", err);
  }
  const caps = await capsP;
  applyCapabilities(caps);

  await Promise.all([
    setupNetwork().catch((err) => showError("the coalition", err)),
    loadTimeline().catch((err) => showError("the timeline", err)),
  ]);

  startLive({ subscription: caps.subscription, refresh: () => void refresh(), onMode: setLiveStatus });
}

void start();
