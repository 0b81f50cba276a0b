// The actor × kind matrix as an ARIA grid with a roving tabindex: one cell
// is in the tab order, arrow keys move between cells, Enter opens evidence.

import type { KindInfo, Matrix, MatrixCell, MatrixRow, MatrixStance } from "./api";
import { h } from "./dom";
import { kindLabel, POSITIONS, stanceLook, statusLook } from "./vocab";

export type SortKey = "total" | "name";

export interface MatrixView {
  matrix: Matrix;
  kinds: KindInfo[];
  /** Columns to show; empty means all. */
  kindFilter: string;
  sort: SortKey;
  onOpen: (row: MatrixRow, kind: string, cell: MatrixCell | undefined) => void;
  onSort: (sort: SortKey) => void;
}

export function sortRows(rows: MatrixRow[], sort: SortKey): MatrixRow[] {
  const byName = (a: MatrixRow, b: MatrixRow) => a.actor.name.localeCompare(b.actor.name, "en");
  return [...rows].sort(sort === "name" ? byName : (a, b) => b.total - a.total || byName(a, b));
}

/** The cell that had focus, so a refresh can put focus back where it was. */
interface Position {
  actor: string;
  kind: string;
}

let active: Position | null = null;

/** The stances of a row in a column; POSITIONS holds those that fit no kind. */
export function stancesIn(row: MatrixRow, kind: string): MatrixStance[] {
  return (row.stances ?? []).filter((s) => (s.kind ?? POSITIONS) === kind);
}

/** The columns shown: the kinds (or the filtered one), and the other positions when any row has one. */
function columnsOf(v: MatrixView): string[] {
  const kinds = v.kindFilter ? v.matrix.kinds.filter((k) => k === v.kindFilter) : v.matrix.kinds;
  const positions = !v.kindFilter && v.matrix.rows.some((r) => stancesIn(r, POSITIONS).length);
  return positions ? [...kinds, POSITIONS] : kinds;
}

function stanceTag(st: MatrixStance, withSr: boolean): HTMLElement {
  const look = stanceLook(st.state);
  return h("span", { class: "stance-tag", "data-stance": st.state },
    h("span", { class: "sym", "aria-hidden": "true" }, look.symbol + " "),
    withSr ? h("span", { class: "sr-only" }, "stance: ") : null,
    look.label,
    st.discussedBy.length ? h("span", { class: "by" }, ` (by ${st.discussedBy.join("; ")})`) : null);
}

/** The distinct targets of a cell's commitments, by name. */
export function cellTargets(cell: MatrixCell): string[] {
  return [...new Set((cell.commitments ?? []).map((c) => c.target.name))];
}

export function renderMatrix(table: HTMLTableElement, v: MatrixView, cards?: HTMLElement): void {
  if (cards) renderCards(cards, v);
  const hadFocus = table.contains(document.activeElement);
  const columns = columnsOf(v);
  const info = new Map(v.kinds.map((k) => [k.kind, k]));
  const rows = sortRows(v.matrix.rows, v.sort);

  const sortButton = (key: SortKey, label: string) =>
    h("button", { type: "button", class: "sort", "data-sort": key, onclick: () => v.onSort(key) }, label,
      v.sort === key ? h("span", { "aria-hidden": "true" }, key === "name" ? " ▲" : " ▼") : null);

  const head = h("thead", {},
    h("tr", {},
      h("th", { scope: "col", class: "actor-col", "aria-sort": v.sort === "name" ? "ascending" : "none" },
        sortButton("name", "Actor")),
      h("th", { scope: "col", class: "total-col", "aria-sort": v.sort === "total" ? "descending" : "none" },
        sortButton("total", "Total")),
      columns.map((k) =>
        h("th", { scope: "col", class: "kind-col", title: k === POSITIONS ? "Positions stated that fit no kind of commitment" : info.get(k)?.description ?? k, "data-kind": k },
          h("span", {}, headerLabel(k)))),
    ));

  const body = h("tbody", {});
  if (rows.length === 0) {
    body.append(h("tr", {}, h("td", { colspan: columns.length + 2, class: "empty-row" }, "No commitments match the filters.")));
  }
  for (const row of rows) {
    const cells = new Map(row.cells.map((c) => [c.kind, c]));
    body.append(
      h("tr", { "data-actor": row.actor.id },
        h("th", { scope: "row", class: "actor" }, row.actor.name),
        h("td", { class: "total" }, row.total),
        columns.map((k) => cellElement(row, k, cells.get(k), v.onOpen)),
      ),
    );
  }
  table.replaceChildren(head, body);
  table.setAttribute("aria-rowcount", String(rows.length + 1));
  table.setAttribute("aria-busy", "false");

  // Exactly one cell is tabbable: the last active one if it is still shown,
  // else the first.
  const cellsEls = [...table.querySelectorAll<HTMLElement>("td.cell")];
  const target = (active && table.querySelector<HTMLElement>(
    `tr[data-actor="${CSS.escape(active.actor)}"] td.cell[data-kind="${CSS.escape(active.kind)}"]`,
  )) || cellsEls[0];
  if (target) {
    target.tabIndex = 0;
    if (hadFocus) target.focus();
  }
}

function cellElement(
  row: MatrixRow,
  kind: string,
  cell: MatrixCell | undefined,
  onOpen: MatrixView["onOpen"],
): HTMLTableCellElement {
  const open = () => onOpen(row, kind, cell);
  const stances = stancesIn(row, kind);
  if (!cell && stances.length) {
    // A stance alone: its own state, never a commitment's colour.
    const look = stanceLook(stances[0].state);
    return h("td", {
      class: "cell stance", tabindex: -1, "data-kind": kind, "data-status": "", "data-stance": stances[0].state,
      title: stances.map((s) => s.claims.map((c) => c.text).join("; ")).join("; "), onclick: open,
    },
      h("span", { class: "sr-only" }, `${row.actor.name}, ${kindLabel(kind)}: `),
      h("span", { class: "sym", "aria-hidden": "true" }, look.symbol),
      h("span", { class: "lbl" }, look.label),
      stances[0].discussedBy.length ? h("span", { class: "tgt" }, `by others`) : null,
      h("span", { class: "sr-only" }, stances[0].discussedBy.length ? `: ${stances[0].discussedBy.join("; ")}` : ""),
    );
  }
  if (!cell) {
    return h("td", {
      class: "cell empty", tabindex: -1, "data-kind": kind, "data-status": "",
      "aria-label": `${row.actor.name}, ${kindLabel(kind)}: none`, onclick: open,
    });
  }
  const look = statusLook(cell.status, kind);
  const targets = cellTargets(cell);
  // The visible words are the cell's name, with the row and column before
  // them and the counts after for screen readers (axe: label-content-name-mismatch).
  const td = h("td", {
    class: "cell filled", tabindex: -1, "data-kind": kind, "data-status": cell.status,
    title: `${look.label} → ${targets.join(", ")} — ${plural(cell.evidenceCount, "quote")}`,
    onclick: open,
  },
    h("span", { class: "sr-only" }, `${row.actor.name}, ${kindLabel(kind)}: `),
    h("span", { class: "sym", "aria-hidden": "true" }, look.symbol),
    h("span", { class: "lbl" }, look.label,
      cell.commitmentCount > 1 ? h("span", { class: "count", "aria-hidden": "true" }, ` ×${cell.commitmentCount}`) : null),
    h("span", { class: "tgt" }, targets.map((t) => h("span", {}, h("span", { "aria-hidden": "true" }, "→ "), h("span", { class: "sr-only" }, " to "), t))),
    h("span", { class: "sr-only" }, `; ${plural(cell.commitmentCount, "commitment")}, ${plural(cell.evidenceCount, "quote")}`),
    stances.map((st) => stanceTag(st, true)),
  );
  td.style.setProperty("--fg", look.fg);
  td.style.setProperty("--bg", look.bg);
  return td;
}

/**
 * The phone layout: one card per actor listing only its commitments, each a
 * full-width button, instead of a grid of which two or three columns fit.
 */
function renderCards(list: HTMLElement, v: MatrixView): void {
  const columns = columnsOf(v);
  const rows = sortRows(v.matrix.rows, v.sort);
  if (!rows.length) {
    list.replaceChildren(h("li", { class: "note" }, "No commitments match the filters."));
    return;
  }
  list.replaceChildren(...rows.map((row) => {
    const cells = row.cells.filter((c) => columns.includes(c.kind));
    return h("li", { class: "card", "data-actor": row.actor.id },
      h("h3", {}, row.actor.name, h("span", { class: "note" }, ` · ${plural(row.total, "commitment")}`)),
      h("ul", {}, cells.map((cell) => {
        const look = statusLook(cell.status, cell.kind);
        const targets = cellTargets(cell);
        const btn = h("button", {
          type: "button", class: "card-cell", "data-kind": cell.kind, "data-status": cell.status,
          onclick: () => v.onOpen(row, cell.kind, cell),
        },
          h("span", { class: "badge", "data-status": cell.status }, h("span", { "aria-hidden": "true" }, look.symbol + " "), look.label),
          h("span", { class: "k" }, ` ${kindLabel(cell.kind)}`),
          h("span", { class: "tgt" }, ` → ${targets.join(", ")}`),
          cell.commitmentCount > 1 ? h("span", { class: "count" }, ` (${cell.commitmentCount})`) : null,
        );
        const badge = btn.querySelector<HTMLElement>(".badge")!;
        badge.style.setProperty("--fg", look.fg);
        badge.style.setProperty("--bg", look.bg);
        return h("li", {}, btn);
      }),
      // Stances on their own rows, after the commitments, in their own look.
      columns.flatMap((k) => stancesIn(row, k).map((st) =>
        h("li", {}, h("button", {
          type: "button", class: "card-cell stance", "data-kind": k, "data-stance": st.state,
          onclick: () => v.onOpen(row, k, row.cells.find((c) => c.kind === k)),
        }, stanceTag(st, false), h("span", { class: "k" }, ` ${kindLabel(k)}`)))))),
    );
  }));
}

// Soft hyphens in the long one-word headers, so that all fourteen columns fit
// beside the open evidence panel at 1440 px.
const HYPHENATED: Record<string, string> = {
  OFFERS_SURVEILLANCE: "Surveil\u00adlance",
  OFFERS_EQUIPMENT: "Equip\u00adment",
  OFFERS_LOGISTICS: "Logis\u00adtics",
};

function headerLabel(kind: string): string {
  return HYPHENATED[kind] ?? kindLabel(kind);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Keyboard handling for the grid; installed once on the table. */
export function installGridKeys(table: HTMLTableElement, onEnter: (cell: HTMLElement) => void): void {
  table.addEventListener("focusin", (e) => {
    const cell = (e.target as HTMLElement).closest<HTMLElement>("td.cell");
    if (!cell) return;
    for (const other of table.querySelectorAll<HTMLElement>('td.cell[tabindex="0"]')) {
      if (other !== cell) other.tabIndex = -1;
    }
    cell.tabIndex = 0;
    const actor = cell.closest("tr")?.dataset.actor;
    if (actor && cell.dataset.kind) active = { actor, kind: cell.dataset.kind };
  });
  table.addEventListener("keydown", (e) => {
    const cell = (e.target as HTMLElement).closest<HTMLElement>("td.cell");
    if (!cell) return;
    const tr = cell.closest("tr")!;
    const rowCells = [...tr.querySelectorAll<HTMLElement>("td.cell")];
    const col = rowCells.indexOf(cell);
    const rowsEls = [...table.tBodies[0].rows];
    const r = rowsEls.indexOf(tr as HTMLTableRowElement);
    let next: HTMLElement | undefined;
    switch (e.key) {
      case "ArrowRight": next = rowCells[col + 1]; break;
      case "ArrowLeft": next = rowCells[col - 1]; break;
      case "ArrowDown": next = rowsEls[r + 1]?.querySelectorAll<HTMLElement>("td.cell")[col]; break;
      case "ArrowUp": next = rowsEls[r - 1]?.querySelectorAll<HTMLElement>("td.cell")[col]; break;
      case "Home": next = e.ctrlKey ? rowsEls[0]?.querySelector<HTMLElement>("td.cell") ?? undefined : rowCells[0]; break;
      case "End": {
        const last = e.ctrlKey ? rowsEls[rowsEls.length - 1] : tr;
        const all = last.querySelectorAll<HTMLElement>("td.cell");
        next = all[all.length - 1];
        break;
      }
      case "Enter":
      case " ":
        e.preventDefault();
        onEnter(cell);
        return;
      default:
        return;
    }
    e.preventDefault();
    if (next) {
      next.focus();
      next.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
  });
}
