// The evidence panel: each commitment's quotes with their sources, and the
// disputed claims about its target laid out one column per source, so that
// conflicting reports sit side by side.

import type { ClaimTopic, Commitment, Evidence, Source } from "./api";
import { h } from "./dom";
import { kindLabel, statusLook } from "./vocab";

export function statusBadge(status: string, kind?: string): HTMLElement {
  const look = statusLook(status, kind);
  const el = h("span", { class: "badge", "data-status": status }, h("span", { "aria-hidden": "true" }, look.symbol + " "), look.label);
  el.style.setProperty("--fg", look.fg);
  el.style.setProperty("--bg", look.bg);
  return el;
}

function sourceLine(s: Source, line?: number | null): HTMLElement {
  return h("p", { class: "source" },
    h("span", { class: "file", "data-file": s.file }, s.file + (line ? `:${line}` : "")),
    s.outlet ? ` · ${s.outlet}` : null,
    s.published ? ` · ${s.published.text}` : null,
    s.title ? h("span", { class: "title" }, ` · “${s.title}”`) : null,
  );
}

function quote(e: Evidence, withSource = true): HTMLElement {
  return h("figure", { class: "quote" },
    h("blockquote", {}, e.quote),
    h("figcaption", {},
      e.attributedTo ? h("p", { class: "attributed" }, `according to ${e.attributedTo}`) : null,
      withSource ? sourceLine(e.source, e.line) : null,
    ),
  );
}

/** Groups items by source id, sources in id order. */
function bySource<T>(items: T[], sourcesOf: (t: T) => Source[]): { source: Source; items: T[] }[] {
  const groups = new Map<string, { source: Source; items: T[] }>();
  for (const it of items) {
    for (const s of sourcesOf(it)) {
      let g = groups.get(s.id);
      if (!g) groups.set(s.id, (g = { source: s, items: [] }));
      if (!g.items.includes(it)) g.items.push(it);
    }
  }
  return [...groups.values()].sort((a, b) => a.source.id.localeCompare(b.source.id));
}

function evidenceBlock(c: Commitment): HTMLElement {
  const groups = bySource(c.evidence, (e) => [e.source]);
  if (groups.length <= 1) {
    return h("div", { class: "evidence" }, c.evidence.map((e) => quote(e)));
  }
  // Several sources report it: one column each.
  return h("div", { class: "columns", role: "list", "aria-label": "Reports by source" },
    groups.map((g) => h("div", { class: "column", role: "listitem" },
      g.source.outlet ? h("h5", {}, g.source.outlet) : null,
      g.items.map((e) => quote(e)),
    )),
  );
}

function disputesBlock(topics: ClaimTopic[] | undefined, targetName: string): HTMLElement | null {
  const disputed = (topics ?? []).filter((t) => t.disputed);
  if (!disputed.length) return null;
  return h("details", { class: "disputes", open: true },
    h("summary", {}, `Conflicting reports about ${targetName} (${disputed.length})`),
    disputed.map((t) => {
      const groups = bySource(t.claims, (c) => c.evidence.map((e) => e.source));
      return h("section", { class: "dispute", "data-topic": t.topic },
        h("h5", {}, t.topic),
        h("div", { class: "columns", role: "list", "aria-label": `Accounts of ${t.topic}, by source` },
          groups.map((g) => h("div", { class: "column", role: "listitem" },
            g.source.outlet ? h("h6", {}, g.source.outlet) : null,
            sourceLine(g.source),
            g.items.map((claim) => h("div", { class: "claim" },
              h("p", { class: "claim-text" }, claim.text),
              claim.evidence.filter((e) => e.source.id === g.source.id).map((e) => quote(e, false)),
            )),
          )),
        ),
      );
    }),
  );
}

export function commitmentBlock(c: Commitment): HTMLElement {
  return h("article", { class: "commitment", "data-commitment": c.id },
    h("h4", {}, statusBadge(c.status, c.kind), " ", `${kindLabel(c.kind)} → ${c.target.name}`),
    c.summary ? h("p", { class: "summary" }, c.summary) : null,
    h("dl", { class: "facts" },
      h("dt", {}, "Date"), h("dd", {}, c.date?.text ?? "unknown"),
      h("dt", {}, "Stated by"), h("dd", { class: "stated-by" }, c.statedBy?.name ?? "not named in the sources"),
      c.conditions.length ? [h("dt", {}, "Conditions"), h("dd", {}, c.conditions.join("; "))] : null,
    ),
    h("h5", {}, `Evidence (${c.evidence.length})`),
    evidenceBlock(c),
    disputesBlock(c.target.claims, c.target.name),
  );
}

export interface Panel {
  show(title: string, content: Node[], returnFocus?: HTMLElement | null): void;
  loading(title: string, returnFocus?: HTMLElement | null): void;
  close(): void;
  isOpen(): boolean;
}

export function makePanel(aside: HTMLElement, titleEl: HTMLElement, body: HTMLElement, closeBtn: HTMLElement): Panel {
  let back: HTMLElement | null = null;
  const panel: Panel = {
    loading(title, returnFocus) {
      panel.show(title, [h("p", { class: "note" }, "Loading evidence…")], returnFocus);
    },
    show(title, content, returnFocus) {
      if (returnFocus !== undefined) back = returnFocus;
      titleEl.textContent = title;
      body.replaceChildren(...content);
      aside.hidden = false;
    },
    close() {
      if (aside.hidden) return;
      aside.hidden = true;
      // Back to the cell that opened it, so keyboard users keep their place.
      if (back && back.isConnected) back.focus();
      back = null;
    },
    isOpen: () => !aside.hidden,
  };
  closeBtn.addEventListener("click", () => panel.close());
  return panel;
}
