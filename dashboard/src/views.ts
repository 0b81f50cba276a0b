// The "where sources disagree" and "changed since" sections.

import type { Change } from "./changes";
import type { DisputedTopic } from "./disputes";
import { h } from "./dom";
import { distinctEvidence, quote, statusBadge } from "./evidence";
import { kindLabel } from "./vocab";

export function renderDisputes(root: HTMLElement, topics: DisputedTopic[]): void {
  if (!topics.length) {
    root.replaceChildren(h("p", { class: "note" }, "The sources agree on every topic they share."));
    return;
  }
  root.replaceChildren(...topics.map((t) =>
    h("article", { class: "dispute-card", "data-subject": t.subject.id, "data-topic": t.topic },
      h("h3", {}, `${t.subject.name}: ${t.topic}`),
      h("p", { class: "note" }, `${t.accounts.length} accounts`),
      h("div", { class: "columns", role: "list", "aria-label": `Accounts of ${t.topic}` },
        t.accounts.map((a) => h("div", { class: "column account", role: "listitem", "data-position": a.position },
          a.position !== a.claims[0]?.text ? h("h4", { class: "position" }, a.position.replace(/-/g, " ")) : null,
          h("p", { class: "note" }, `${a.sources.length} ${a.sources.length === 1 ? "source" : "sources"}`),
          a.claims.map((c) => h("div", { class: "claim" },
            h("p", { class: "claim-text" }, c.text),
            distinctEvidence(c.evidence).map((e) => quote(e)))),
        )),
      ),
    )));
}

const WHAT: Record<string, string> = {
  NEW: "new",
  STATUS_CHANGED: "status changed",
  EVIDENCE_ADDED: "evidence added",
  CHANGED: "details changed",
  RETRACTED: "retracted",
};

const instant = (t: string) => t.replace("T", " ").replace(/(\.\d+)?Z$/, " UTC");

export function renderChanges(root: HTMLElement, changes: Change[], since: string, openCommitment: (id: string, from: HTMLElement) => void): void {
  if (!changes.length) {
    root.replaceChildren(h("p", { class: "note" }, since ? `Nothing changed on or after ${since}.` : "Nothing has changed since the curated dataset."));
    return;
  }
  // The curated facts all count as new on the day their source came out: a
  // page of them is enough to read, the day picker narrows the rest.
  const LIMIT = 50;
  const shown = changes.slice(0, LIMIT);
  root.replaceChildren(h("p", { class: "note" }, changes.length > LIMIT ? `The latest ${LIMIT} of ${changes.length} changes; pick a later day to narrow them.` : `${changes.length} ${changes.length === 1 ? "change" : "changes"}, newest first.`),
    h("ol", { class: "changes" }, shown.map((ch) => {
    const c = ch.commitment;
    const v = ch.version;
    const what = WHAT[ch.kind] ?? ch.kind.toLowerCase().replace(/_/g, " ");
    const btn: HTMLButtonElement = h("button", { type: "button", class: "linklike", onclick: () => openCommitment(c.id, btn) },
      `${c.actor.name} · ${kindLabel(c.kind).toLowerCase()} → ${c.target.name}`);
    return h("li", { class: "change", "data-commitment": c.id, "data-version": v.version },
      h("p", {}, h("strong", {}, what), " ", btn),
      h("p", {},
        ch.before && ch.before !== v.status ? [statusBadge(ch.before, c.kind), " → "] : null,
        v.retracted ? null : statusBadge(v.status, c.kind),
        h("span", { class: "note" }, ` v${v.version} · ${v.recordedAt ? `recorded ${instant(v.recordedAt)}` : `known from ${instant(ch.at)}`}${v.recordedBy ? ` by ${v.recordedBy}` : ""}`)),
      v.reason ? h("p", { class: "reason" }, `Why: ${v.reason}`) : null,
    );
  })));
}
