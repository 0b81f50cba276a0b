// What the page shows lives in its address, so that a link, a reload, and
// back/forward all bring the same view: filters, as-of, the network's
// proposal and ring, the open evidence and the "changed since" day. Only
// values that differ from the defaults are written, so the plain address
// stays /dashboard/.

export type Opened =
  | { type: "cell"; actor: string; kind: string }
  | { type: "commitment"; id: string }
  | { type: "node"; id: string };

export interface ViewState {
  kind: string;
  status: string;
  sort: "total" | "name";
  asOf: string;
  proposal: string;
  /** The ring of related targets (Ukraine, the coalition of the willing). */
  ring: boolean;
  open: Opened | null;
  since: string;
}

export const DEFAULT_PROPOSAL = "prop-ita-24h";

export function defaults(): ViewState {
  return { kind: "", status: "", sort: "total", asOf: "", proposal: DEFAULT_PROPOSAL, ring: false, open: null, since: "" };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function openedFrom(v: string | null): Opened | null {
  if (!v) return null;
  const [type, ...rest] = v.split(":");
  if (type === "cell" && rest.length === 2 && rest[0] && rest[1]) return { type, actor: rest[0], kind: rest[1] };
  if ((type === "commitment" || type === "node") && rest.length >= 1 && rest.join(":")) return { type, id: rest.join(":") };
  return null;
}

function openedTo(o: Opened | null): string {
  if (!o) return "";
  return o.type === "cell" ? `cell:${o.actor}:${o.kind}` : `${o.type}:${o.id}`;
}

/** Reads a query string; anything malformed falls back to its default rather than failing. */
export function parse(search: string): ViewState {
  const p = new URLSearchParams(search);
  const d = defaults();
  const day = (k: string) => (DAY.test(p.get(k) ?? "") ? p.get(k)! : "");
  return {
    kind: p.get("kind") ?? d.kind,
    status: p.get("status") ?? d.status,
    sort: p.get("sort") === "name" ? "name" : "total",
    asOf: day("asof"),
    proposal: p.get("proposal") || d.proposal,
    ring: p.get("ring") === "1",
    open: openedFrom(p.get("open")),
    since: day("since"),
  };
}

export function format(s: ViewState): string {
  const d = defaults();
  const p = new URLSearchParams();
  if (s.kind) p.set("kind", s.kind);
  if (s.status) p.set("status", s.status);
  if (s.sort !== d.sort) p.set("sort", s.sort);
  if (s.asOf) p.set("asof", s.asOf);
  if (s.proposal !== d.proposal) p.set("proposal", s.proposal);
  if (s.ring) p.set("ring", "1");
  if (s.open) p.set("open", openedTo(s.open));
  if (s.since) p.set("since", s.since);
  const q = p.toString();
  return q ? `?${q}` : "";
}

/** The article view's address: a source, the line to bring into view and the quote to mark. */
export function sourceHref(id: string, line?: number | null, quote?: string): string {
  const p = new URLSearchParams();
  if (line) p.set("line", String(line));
  if (quote) p.set("q", quote);
  const q = p.toString();
  return `/dashboard/source/${encodeURIComponent(id)}${q ? `?${q}` : ""}`;
}

/** The source id of an article address, or null on the dashboard itself. */
export function sourceRoute(pathname: string): string | null {
  const m = /^\/dashboard\/source\/([^/]+)\/?$/.exec(pathname);
  return m ? decodeURIComponent(m[1]) : null;
}
