import type { TimelineEntry } from "./api";
import { h } from "./dom";
import { statusBadge } from "./evidence";
import { kindLabel } from "./vocab";

/** Events and commitments, grouped under their dates; a commitment opens its evidence. */
export function renderTimeline(list: HTMLElement, entries: TimelineEntry[], openCommitment: (id: string, from: HTMLElement) => void): void {
  const groups: { date: string; entries: TimelineEntry[] }[] = [];
  for (const e of entries) {
    const date = e.undated || !e.date.text ? "" : e.date.text;
    const last = groups[groups.length - 1];
    if (last && last.date === date) last.entries.push(e);
    else groups.push({ date, entries: [e] });
  }
  list.replaceChildren(
    ...groups.map((g) => h("li", { class: "day" },
      g.date ? h("time", { datetime: g.date }, g.date) : h("span", { class: "undated" }, "undated"),
      h("ul", {}, g.entries.map((e) => {
        if (e.type === "EVENT" && e.event) {
          return h("li", { class: "entry event", "data-id": e.event.id },
            h("span", { class: "tag" }, "event"), " ", h("strong", {}, e.event.name),
            e.event.description ? h("span", { class: "desc" }, ` — ${e.event.description}`) : null);
        }
        const c = e.commitment!;
        const btn: HTMLButtonElement = h("button", {
          type: "button", class: "linklike",
          onclick: () => openCommitment(c.id, btn),
        }, `${c.actor.name} · ${kindLabel(c.kind).toLowerCase()} → ${c.target.name}`);
        return h("li", { class: "entry commitment", "data-id": c.id }, statusBadge(c.status, c.kind), " ", btn);
      })),
    )),
  );
}
