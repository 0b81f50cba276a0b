// The evidence panel: each commitment's quotes with their sources, and the
// disputed claims about its target laid out one column per source, so that
// conflicting reports sit side by side.

import type { Claim, ClaimTopic, Commitment, CommitmentVersion, Evidence, MatrixStance, Source } from "./api";
import { h } from "./dom";
import { sourceHref } from "./url";
import { kindLabel, stanceLook, statusLook } from "./vocab";

export function statusBadge(status: string, kind?: string): HTMLElement {
  const look = statusLook(status, kind);
  const el = h("span", { class: "badge", "data-status": status }, h("span", { "aria-hidden": "true" }, look.symbol + " "), look.label);
  el.style.setProperty("--fg", look.fg);
  el.style.setProperty("--bg", look.bg);
  return el;
}

export function stanceBadge(state: string): HTMLElement {
  const look = stanceLook(state);
  const el = h("span", { class: "badge stance", "data-stance": state }, h("span", { "aria-hidden": "true" }, look.symbol + " "), look.label);
  el.style.setProperty("--fg", look.fg);
  el.style.setProperty("--bg", look.bg);
  return el;
}

/** A stance in the panel: its state, who discussed it, and each claim with its quotes. */
export function stanceBlock(st: MatrixStance, claims: Map<string, Claim>): HTMLElement {
  return h("article", { class: "stance-block", "data-stance": st.state },
    h("h4", {}, stanceBadge(st.state), " ", "a stance, not a commitment"),
    st.discussedBy.length ? h("p", { class: "summary" }, `Discussed by others: ${st.discussedBy.join("; ")}.`) : null,
    st.claims.map((c) => {
      const full = claims.get(c.id);
      return h("div", { class: "claim", "data-claim": c.id },
        h("p", { class: "claim-text" }, c.text),
        distinctEvidence(full?.evidence ?? []).map((e) => quote(e)));
    }),
  );
}

/**
 * A source as a reader knows it (outlet, title, date) linking to the article
 * with the quoted line marked; the file name stays, small, for the curators.
 */
export function sourceLine(s: Source, line?: number | null, quoteText?: string): HTMLElement {
  const name = s.outlet ?? s.title ?? "the article";
  return h("p", { class: "source" },
    h("a", { class: "read", href: sourceHref(s.id, line, quoteText), "data-source": s.id },
      `Read in context: ${name}${line ? `, line ${line}` : ""}`),
    s.published ? ` · ${s.published.text}` : null,
    s.title && s.outlet ? h("span", { class: "title" }, ` · “${s.title}”`) : null,
    " · ",
    h("span", { class: "file", "data-file": s.file }, s.file + (line ? `:${line}` : "")),
  );
}

export function quote(e: Evidence, withSource = true): HTMLElement {
  return h("figure", { class: "quote" },
    h("blockquote", {}, e.quote),
    h("figcaption", {},
      e.attributedTo ? h("p", { class: "attributed" }, `according to ${e.attributedTo}`) : null,
      withSource ? sourceLine(e.source, e.line, e.quote) : null,
    ),
  );
}

/**
 * One entry per quote: a status change that cites the quote it was based on
 * repeats it (without its line) in the new version's evidence. The copy
 * that knows its line is kept, in first-seen order.
 */
export function distinctEvidence(evidence: Evidence[]): Evidence[] {
  const seen = new Map<string, number>();
  const out: Evidence[] = [];
  for (const e of evidence) {
    const key = `${e.source.id}\u0000${e.quote}`;
    const at = seen.get(key);
    if (at === undefined) {
      seen.set(key, out.length);
      out.push(e);
    } else if (!out[at].line && e.line) {
      out[at] = e;
    }
  }
  return out;
}

function when(v: CommitmentVersion): string {
  if (!v.recordedAt) return "curated from the articles";
  return `${v.recordedAt.replace("T", " ").replace(/(\.\d+)?Z$/, " UTC")}`;
}

/** Every version of the fact: who recorded it, when, why, and what it said. */
function historyBlock(c: Commitment, open: boolean): HTMLElement | null {
  const versions = c.history ?? [];
  if (!versions.length) return null;
  return h("details", { class: "history", open: open && versions.length > 1 },
    h("summary", {}, `History (${versions.length} ${versions.length === 1 ? "version" : "versions"})`),
    h("ol", { class: "versions" }, versions.map((v) => h("li", { "data-version": v.version },
      h("span", { class: "v" }, `v${v.version}`), " ",
      v.retracted ? h("strong", {}, "retracted") : statusBadge(v.status, c.kind),
      h("span", { class: "who" }, ` ${when(v)}${v.recordedBy ? ` by ${v.recordedBy}` : ""}`),
      v.validFrom ? h("span", { class: "valid" }, ` · in effect from ${v.validFrom.slice(0, 10)}`) : null,
      v.reason ? h("p", { class: "reason" }, `Why: ${v.reason}`) : null,
    ))),
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

function evidenceBlock(evidence: Evidence[]): HTMLElement {
  const groups = bySource(evidence, (e) => [e.source]);
  if (groups.length <= 1) {
    return h("div", { class: "evidence" }, evidence.map((e) => quote(e)));
  }
  // Several sources report it: one column each.
  return h("div", { class: "columns", role: "list", "aria-label": "Reports by source" },
    groups.map((g) => h("div", { class: "column", role: "listitem" },
      g.source.outlet ? h("h5", {}, g.source.outlet) : null,
      g.items.map((e) => quote(e)),
    )),
  );
}

function disputesBlock(topics: ClaimTopic[] | undefined, targetName: string, open: boolean): HTMLElement | null {
  const disputed = (topics ?? []).filter((t) => t.disputed);
  if (!disputed.length) return null;
  return h("details", { class: "disputes", open },
    h("summary", {}, `Conflicting reports about ${targetName} (${disputed.length})`),
    disputed.map((t) => {
      if (t.positions) {
        // The disagreement API: one column per answer, with how many sources give it.
        return h("section", { class: "dispute", "data-topic": t.topic },
          h("h5", {}, t.topic),
          h("div", { class: "columns", role: "list", "aria-label": `Accounts of ${t.topic}, by position` },
            t.positions.map((p) => h("div", { class: "column", role: "listitem", "data-position": p.position },
              h("h6", {}, `${p.position.replace(/-/g, " ")} · ${p.corroboration} ${p.corroboration === 1 ? "source" : "sources"}`),
              p.claims.map((claim) => h("div", { class: "claim" },
                h("p", { class: "claim-text" }, claim.text),
                distinctEvidence(claim.evidence).map((e) => quote(e)),
              )),
            )),
          ),
        );
      }
      const groups = bySource(t.claims ?? [], (c) => c.evidence.map((e) => e.source));
      return h("section", { class: "dispute", "data-topic": t.topic },
        h("h5", {}, t.topic),
        h("div", { class: "columns", role: "list", "aria-label": `Accounts of ${t.topic}, by source` },
          groups.map((g) => h("div", { class: "column", role: "listitem" },
            g.source.outlet ? h("h6", {}, g.source.outlet) : null,
            g.items.map((claim) => h("div", { class: "claim" },
              h("p", { class: "claim-text" }, claim.text),
              distinctEvidence(claim.evidence).filter((e) => e.source.id === g.source.id).map((e) => quote(e)),
            )),
          )),
        ),
      );
    }),
  );
}

export interface BlockOptions {
  /** Expand the disputes and a changed fact's history (the wide layout); a phone keeps them folded. */
  expand: boolean;
}

export function commitmentBlock(c: Commitment, opts: BlockOptions = { expand: true }): HTMLElement {
  const evidence = distinctEvidence(c.evidence);
  return h("article", { class: "commitment", "data-commitment": c.id },
    h("h4", {}, statusBadge(c.status, c.kind), " ", `${kindLabel(c.kind)} → ${c.target.name}`),
    c.summary ? h("p", { class: "summary" }, c.summary) : null,
    h("dl", { class: "facts" },
      h("dt", {}, "Date"), h("dd", {}, c.date?.text ?? "unknown"),
      h("dt", {}, "Stated by"), h("dd", { class: "stated-by" }, c.statedBy?.name ?? "not named in the sources"),
      c.corroboration !== undefined ? [h("dt", {}, "Reported by"), h("dd", { class: "corroboration" }, `${c.corroboration} ${c.corroboration === 1 ? "source" : "sources"}`)] : null,
      c.conditions.length ? [h("dt", {}, "Conditions"), h("dd", {}, c.conditions.join("; "))] : null,
    ),
    h("h5", {}, `Evidence (${evidence.length})`),
    evidenceBlock(evidence),
    historyBlock(c, opts.expand),
    disputesBlock(c.target.claims, c.target.name, opts.expand),
  );
}

export interface Panel {
  show(title: string, content: Node[], returnFocus?: HTMLElement | null): void;
  loading(title: string, returnFocus?: HTMLElement | null): void;
  close(): void;
  isOpen(): boolean;
  /** Scrolls the panel to the top of the screen when it is out of view (the stacked phone layout). */
  reveal(): void;
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
    reveal() {
      const r = aside.getBoundingClientRect();
      if (r.top < 0 || r.top > window.innerHeight * 0.5) aside.scrollIntoView({ block: "start" });
      titleEl.focus({ preventScroll: true });
    },
  };
  closeBtn.addEventListener("click", () => panel.close());
  return panel;
}
