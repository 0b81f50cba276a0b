// The coalition network. cytoscape is loaded on demand (its own chunk) so
// that the matrix renders without waiting for it.

import type { Coalition, CoalitionCommitment } from "./api";
import { h } from "./dom";
import { kindColour, kindLabel, statusLook } from "./vocab";

type Cy = import("cytoscape").Core;

let cy: Cy | null = null;

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

export async function renderNetwork(container: HTMLElement, legend: HTMLElement, summary: HTMLElement, c: Coalition): Promise<void> {
  const commitments = commitmentsOf(c);
  const nodes = new Map<string, { id: string; name: string; kind?: string; role: string }>();
  nodes.set(c.subject.id, { ...c.subject, role: "subject" });
  for (const x of commitments) {
    if (!nodes.has(x.target.id)) nodes.set(x.target.id, { ...x.target, role: "target" });
    if (!nodes.has(x.actor.id)) nodes.set(x.actor.id, { ...x.actor, role: "actor" });
  }
  const kinds = [...new Set(commitments.map((x) => x.kind))];

  legend.replaceChildren(
    h("span", { class: "legend-title" }, "Edges:"),
    ...kinds.map((k) => h("span", { class: "legend-item" },
      h("span", { class: "swatch line", style: `background:${kindColour(k)}`, "aria-hidden": "true" }), kindLabel(k))),
  );
  summary.textContent = `${c.subject.name}: ${commitments.length} commitments by ${c.actors.length} actors. ` +
    commitments.map((x) => `${x.actor.name} ${kindLabel(x.kind).toLowerCase()} (${statusLook(x.status, x.kind).label}) → ${x.target.name}`).join("; ") + ".";

  const { default: cytoscape } = await import("cytoscape");
  const elements = [
    ...[...nodes.values()].map((n) => ({
      data: { id: n.id, label: n.name, shape: SHAPE[n.kind ?? ""] ?? "ellipse", role: n.role },
    })),
    ...commitments.map((x) => ({
      data: {
        id: x.id, source: x.actor.id, target: x.target.id,
        colour: kindColour(x.kind), label: kindLabel(x.kind),
        dashed: x.status === "CONSIDERING" || x.status === "PROPOSED" ? "dashed" : "solid",
      },
    })),
  ];
  cy?.destroy();
  cy = cytoscape({
    container,
    elements,
    // Concentric and in a fixed order, so the picture is the same on every
    // load: the proposal and what else is targeted on the inner ring, the
    // actors outside, edges running inwards.
    layout: {
      name: "concentric",
      concentric: (n: import("cytoscape").NodeSingular) => (n.data("role") === "actor" ? 1 : 2),
      levelWidth: () => 1,
      minNodeSpacing: 70,
      animate: false,
      padding: 20,
    },
    userZoomingEnabled: false,
    boxSelectionEnabled: false,
    autoungrabify: false,
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
      { selector: 'node[role = "target"]', style: { "background-color": "#37474f", width: 28, height: 28 } },
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
    ],
  });
}
