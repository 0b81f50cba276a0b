// How statuses and kinds look. Every status has a symbol and a word besides
// its colour, so the matrix reads without colour vision; the colour pairs
// keep at least 4.5:1 contrast (WCAG AA) between text and background.

export interface StatusLook {
  symbol: string;
  label: string;
  fg: string;
  bg: string;
}

export const STATUS_LOOK: Record<string, StatusLook> = {
  PROPOSED: { symbol: "◇", label: "proposed", fg: "#0b2f5b", bg: "#cfe3fa" },
  CONSIDERING: { symbol: "?", label: "considering", fg: "#4d3800", bg: "#ffe9a8" },
  OFFERED: { symbol: "+", label: "offered", fg: "#0f3d1a", bg: "#bfe5c6" },
  PLEDGED: { symbol: "✔", label: "pledged", fg: "#ffffff", bg: "#1c6b32" },
  DELIVERED: { symbol: "✔✔", label: "delivered", fg: "#ffffff", bg: "#0c3f1b" },
  REFUSED: { symbol: "✖", label: "refused", fg: "#ffffff", bg: "#b3261e" },
  STATED: { symbol: "…", label: "stated", fg: "#36175e", bg: "#e6dbf5" },
  WITHDRAWN: { symbol: "↶", label: "withdrawn", fg: "#333333", bg: "#e2e2e2" },
};

const FALLBACK: StatusLook = { symbol: "•", label: "", fg: "#222222", bg: "#eeeeee" };

/** A stance's status reads better in the words of its kind: Russia "opposed", not "stated". */
const STATED_AS: Record<string, string> = {
  OPPOSES: "opposed",
  PROTESTS: "protested",
  DEMANDS: "demanded",
  SUPPORTS: "supported",
};

export function statusLook(status: string, kind?: string): StatusLook {
  const look = STATUS_LOOK[status] ?? { ...FALLBACK, label: status.toLowerCase() };
  if (status === "STATED" && kind && STATED_AS[kind]) return { ...look, label: STATED_AS[kind] };
  return look;
}

/**
 * The stance layer: positions and things discussed, which are not
 * commitments. They keep the palette (the "stated" ink on white) with a
 * dashed outline in the matrix, so that France's troops "under discussion"
 * never look like an offer.
 */
export const STANCE_LOOK: Record<string, StatusLook> = {
  UNDER_DISCUSSION: { symbol: "◌", label: "under discussion", fg: "#36175e", bg: "#ffffff" },
  STATED_SUPPORT: { symbol: "▲", label: "stated support", fg: "#36175e", bg: "#ffffff" },
  STATED_OPPOSITION: { symbol: "▼", label: "stated opposition", fg: "#36175e", bg: "#ffffff" },
  STATED_POSITION: { symbol: "•", label: "stated position", fg: "#36175e", bg: "#ffffff" },
};

export function stanceLook(state: string): StatusLook {
  return STANCE_LOOK[state] ?? { ...FALLBACK, label: state.toLowerCase().replace(/_/g, " ") };
}

/** The matrix column of stances that fit no commitment kind. */
export const POSITIONS = "POSITIONS";

export const KIND_LABEL: Record<string, string> = {
  PROPOSES: "Proposes",
  SUPPORTS: "Supports",
  OFFERS_TROOPS: "Troops",
  CONSIDERS_TROOPS: "Considers troops",
  REFUSES_TROOPS: "Refuses troops",
  OFFERS_AIR_SUPPORT: "Air support",
  OFFERS_LOGISTICS: "Logistics",
  OFFERS_EQUIPMENT: "Equipment",
  OFFERS_SURVEILLANCE: "Surveillance",
  OFFERS_VENUE: "Venue",
  OFFERS_SUPPORT: "Other support",
  DEMANDS: "Demands",
  OPPOSES: "Opposes",
  PROTESTS: "Protests",
  POSITIONS: "Other positions",
};

export function kindLabel(kind: string): string {
  return KIND_LABEL[kind] ?? kind.toLowerCase().replace(/_/g, " ");
}

/** Edge colours of the network, by family: blue proposals, greens offers, reds refusals and opposition. */
export const KIND_COLOUR: Record<string, string> = {
  PROPOSES: "#1f4e9c",
  SUPPORTS: "#3a78c2",
  OFFERS_TROOPS: "#1b7f3b",
  CONSIDERS_TROOPS: "#a86a00",
  REFUSES_TROOPS: "#c62828",
  OFFERS_AIR_SUPPORT: "#00777f",
  OFFERS_LOGISTICS: "#4f7d1f",
  OFFERS_EQUIPMENT: "#2e6b30",
  OFFERS_SURVEILLANCE: "#6a1b9a",
  OFFERS_VENUE: "#795548",
  OFFERS_SUPPORT: "#2f8f46",
  DEMANDS: "#c45200",
  OPPOSES: "#7f0000",
  PROTESTS: "#ad1457",
};

export function kindColour(kind: string): string {
  return KIND_COLOUR[kind] ?? "#555555";
}
