// The coalition network. cytoscape is loaded on demand (its own chunk) so
// that the matrix renders without waiting for it.
//
// A proposal's own coalition is what targets the proposal itself. Related
// targets (Ukraine, the coalition of the willing) are a separate ring,
// drawn only when asked for and marked as such: mixed in, they made Russia's
// guarantor proposal look as if Lithuania pledged troops to it.

import type { Coalition, CoalitionCommitment, EntityRef } from "./api";
import { h } from "./dom";
import { kindColour, kindLabel, statusLook } from "./vocab";

type Cy = import("cytoscape").Core;

let cy: Cy | null = null;
let observer: ResizeObserver | null = null;

/** Fits the network, without blowing a small one up past its natural size. */
function fitCapped(c: Cy): void {
  c.fit(undefined, 20);
  if (c.zoom() > 1.4) {
    c.zoom(1.4);
    c.center();
  }
}

const SHAPE: Record<string, string> = {
  PROPOSAL: "diamond",
  GROUP: "round-hexagon",
  ORGANISATION: "round-rectangle",
  PERSON: "ellipse",
  COUNTRY: "ellipse",
};

export function commitmentsOf(c: Coalition): CoalitionCommitment[] {
  return c.byKind.flatMap((g) => g.commitments);
}

export interface NetworkEdge extends CoalitionCommitment {
  /** Aimed at a related target, not at the proposal itself. */
  related: boolean;
  /** Aimed at a proposal the subject is part of: the whole it is inherited from. */
  inheritedFrom?: EntityRef;
}

/**
 * The own coalition's commitments and those it inherits from the proposals
 * it is part of (Russia's opposition to the security guarantees, under the
 * Italian plan), then, with the ring, the related ones not already in it.
 */
export function networkEdges(own: Coalition, wide: Coalition | null): NetworkEdge[] {
  const mine: NetworkEdge[] = commitmentsOf(own).map((x) => ({ ...x, related: false }));
  for (const i of own.inherited ?? []) {
    if (!mine.some((x) => x.id === i.commitment.id)) mine.push({ ...i.commitment, related: false, inheritedFrom: i.from });
  }
  if (!wide) return mine;
  const ids = new Set(mine.map((x) => x.id));
  return [...mine, ...commitmentsOf(wide).filter((x) => !ids.has(x.id)).map((x) => ({ ...x, related: true }))];
}

type Role = "subject" | "actor" | "whole" | "inherited-actor" | "related-target" | "related-actor";

export interface NetworkHandlers {
  onEdge: (id: string) => void;
  onNode: (node: EntityRef) => void;
}

function describe(x: NetworkEdge): string {
  return `${x.actor.name} ${kindLabel(x.kind).toLowerCase()} (${statusLook(x.status, x.kind).label}) → ${x.target.name}`;
}

export async function renderNetwork(
  container: HTMLElement, legend: HTMLElement, summary: HTMLElement,
  subject: EntityRef, edges: NetworkEdge[], on: NetworkHandlers,
): Promise<void> {
  const nodes = new Map<string, EntityRef & { role: Role }>();
  nodes.set(subject.id, { ...subject, role: "subject" });
  // The own coalition first, so an actor in both keeps its inner place.
  const rank = (x: NetworkEdge) => (x.related ? 2 : x.inheritedFrom ? 1 : 0);
  for (const x of [...edges].sort((a, b) => rank(a) - rank(b))) {
    const [targetRole, actorRole]: Role[] = x.related ? ["related-target", "related-actor"] : x.inheritedFrom ? ["whole", "inherited-actor"] : ["actor", "actor"];
    if (!nodes.has(x.target.id)) nodes.set(x.target.id, { ...x.target, role: targetRole });
    if (!nodes.has(x.actor.id)) nodes.set(x.actor.id, { ...x.actor, role: actorRole });
  }
  const kinds = [...new Set(edges.map((x) => x.kind))];
  const own = edges.filter((x) => !x.related && !x.inheritedFrom);
  const inherited = edges.filter((x) => x.inheritedFrom);
  const related = edges.filter((x) => x.related);
  const wholes = [...new Map(inherited.map((x) => [x.inheritedFrom!.id, x.inheritedFrom!])).values()];

  const notes = [
    inherited.length ? "dotted edges: inherited from a proposal this one is part of" : "",
    related.length ? "faint edges: commitments to related targets (outer ring)" : "",
  ].filter(Boolean);
  legend.replaceChildren(
    h("span", { class: "legend-title" }, "Edges:"),
    ...kinds.map((k) => h("span", { class: "legend-item" },
      h("span", { class: "swatch line", style: `background:${kindColour(k)}`, "aria-hidden": "true" }), kindLabel(k))),
    ...notes.map((n) => h("span", { class: "legend-item note" }, n)),
  );
  const item = (x: NetworkEdge) => h("li", {},
    h("button", { type: "button", class: "linklike", "data-commitment": x.id, onclick: () => on.onEdge(x.id) }, describe(x)));
  summary.replaceChildren(h("div", {},
    h("p", {}, `${subject.name}: ${own.length} commitments by ${new Set(own.map((x) => x.actor.id)).size} actors` +
      (related.length ? `; ${related.length} more to related targets.` : ".")),
    own.length ? h("ul", { class: "own" }, own.map(item)) : h("p", { class: "note" }, "Nothing in the sources targets this proposal directly."),
    inherited.length ? h("h3", {}, `Inherited from ${wholes.map((w) => w.name).join(", ")} (this proposal is part of it)`) : null,
    inherited.length ? h("ul", { class: "inherited" }, inherited.map(item)) : null,
    related.length ? h("h3", {}, "Related targets") : null,
    related.length ? h("ul", { class: "related" }, related.map(item)) : null,
  ));

  const { default: cytoscape } = await import("cytoscape");
  // Rings from the inside out: the proposal; its own coalition; the wholes
  // it is part of and the related targets; the actors that only commit to
  // those. Each ring starts at its own angle, so that a node alone on its
  // ring does not sit behind the one inside it and hide its edges.
  const RING: Record<Role, number> = { subject: 0, actor: 1, whole: 2, "related-target": 2, "inherited-actor": 3, "related-actor": 3 };
  const rings: string[][] = [[], [], [], []];
  for (const n of nodes.values()) rings[RING[n.role]].push(n.id);
  const positions: Record<string, { x: number; y: number }> = {};
  let radius = 0;
  rings.forEach((ids, r) => {
    if (r === 0) {
      for (const id of ids) positions[id] = { x: 0, y: 0 };
      return;
    }
    radius = Math.max(radius + 120, (ids.length * 80) / (2 * Math.PI));
    ids.forEach((id, i) => {
      const angle = -Math.PI / 2 + r * (Math.PI / 5) + (2 * Math.PI * i) / ids.length;
      positions[id] = { x: radius * Math.cos(angle), y: radius * Math.sin(angle) };
    });
  });
  const elements = [
    ...[...nodes.values()].map((n) => ({
      data: { id: n.id, label: n.name, shape: SHAPE[n.kind ?? ""] ?? "ellipse", role: n.role, name: n.name, kind: n.kind },
    })),
    ...edges.map((x) => ({
      data: {
        id: x.id, source: x.actor.id, target: x.target.id,
        colour: kindColour(x.kind), label: kindLabel(x.kind) + (x.related ? " (related)" : x.inheritedFrom ? " (inherited)" : ""),
        dashed: x.inheritedFrom ? "dotted" : x.status === "CONSIDERING" || x.status === "PROPOSED" ? "dashed" : "solid",
        related: x.related ? "yes" : "no",
      },
    })),
    // The structure that carries the inheritance: the subject is part of the whole.
    ...wholes.map((w) => ({
      data: { id: `part-of:${w.id}`, source: subject.id, target: w.id, colour: "#767b83", label: "part of", dashed: "dotted", related: "no", structural: "yes" },
    })),
  ];
  cy?.destroy();
  cy = cytoscape({
    container,
    elements,
    // Placed by hand, in a fixed order, so the picture is the same on every load.
    layout: { name: "preset", positions: (n: import("cytoscape").NodeSingular) => positions[n.id()], animate: false, padding: 20 } as never,
    userZoomingEnabled: true,
    userPanningEnabled: true,
    minZoom: 0.2,
    maxZoom: 4,
    boxSelectionEnabled: false,
    autoungrabify: true,
    style: [
      {
        selector: "node",
        style: {
          label: "data(label)",
          shape: "data(shape)" as never,
          "background-color": "#5b6b7f",
          color: "#1a1a1a",
          "font-size": 11,
          "text-wrap": "wrap",
          "text-max-width": "110px",
          "text-valign": "bottom",
          "text-margin-y": 4,
          "text-background-color": "#ffffff",
          "text-background-opacity": 0.85,
          "text-background-padding": "1px",
          width: 22,
          height: 22,
        },
      },
      { selector: 'node[role = "subject"]', style: { "background-color": "#1f4e9c", width: 34, height: 34, "font-weight": "bold" } },
      { selector: 'node[role = "related-target"]', style: { "background-color": "#37474f", width: 28, height: 28 } },
      { selector: 'node[role = "related-actor"]', style: { "background-opacity": 0.6 } },
      { selector: 'node[role = "whole"]', style: { "background-color": "#3a78c2", width: 28, height: 28 } },
      {
        selector: "edge",
        style: {
          width: 2.5,
          "line-color": "data(colour)",
          "target-arrow-color": "data(colour)",
          "target-arrow-shape": "triangle",
          "curve-style": "bezier",
          "line-style": "data(dashed)" as never,
          label: "data(label)",
          "font-size": 9,
          color: "#1a1a1a",
          "text-rotation": "autorotate",
          "text-background-color": "#ffffff",
          "text-background-opacity": 0.85,
          "text-background-padding": "1px",
        },
      },
      { selector: 'edge[related = "yes"]', style: { opacity: 0.55, width: 1.5 } },
      { selector: ":selected", style: { "overlay-color": "#d35400", "overlay-opacity": 0.25, "overlay-padding": 6 } },
    ],
  });
  const c = cy;
  fitCapped(c);
  // The canvas follows its box (the evidence panel opening beside it narrows it).
  observer?.disconnect();
  let last = container.clientWidth;
  observer = new ResizeObserver(() => {
    if (container.clientWidth === last) return;
    last = container.clientWidth;
    c.resize();
    fitCapped(c);
  });
  observer.observe(container);
  c.on("tap", "edge", (e) => {
    if (e.target.data("structural") === "yes") on.onNode({ id: e.target.data("target"), name: nodes.get(e.target.data("target"))?.name ?? "", kind: "PROPOSAL" });
    else on.onEdge(e.target.id());
  });
  c.on("tap", "node", (e) => {
    const d = e.target.data();
    on.onNode({ id: d.id, name: d.name, kind: d.kind });
  });
  c.on("mouseover", "node, edge", () => { container.style.cursor = "pointer"; });
  c.on("mouseout", "node, edge", () => { container.style.cursor = ""; });
}

/** Zoom by a factor around the centre, for the buttons (wheel and pinch zoom around the pointer). */
export function zoomBy(factor: number): void {
  if (!cy) return;
  const level = Math.min(cy.maxZoom(), Math.max(cy.minZoom(), cy.zoom() * factor));
  cy.zoom({ level, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
}

export function fit(): void {
  if (cy) fitCapped(cy);
}

/** Where an element is drawn, in page coordinates, and the zoom: for the browser tests. */
export function probe(id?: string): { x: number; y: number; zoom: number; pan: { x: number; y: number } } | null {
  if (!cy) return null;
  const box = cy.container()!.getBoundingClientRect();
  const zoom = cy.zoom();
  const pan = cy.pan();
  if (!id) return { x: box.left, y: box.top, zoom, pan };
  const el = cy.getElementById(id);
  if (el.empty()) return null;
  const p = el.isEdge() ? (el as import("cytoscape").EdgeSingular).renderedMidpoint() : (el as import("cytoscape").NodeSingular).renderedPosition();
  return { x: box.left + p.x, y: box.top + p.y, zoom, pan };
}
