// The article view (/dashboard/source/<id>?line=N&q=quote): a source's text
// line by line, the quoted passage marked and scrolled into view, so that a
// reader checks the sentence in its context rather than trusting a file name.

import { fetchSource, type SourceText } from "./api";
import { h } from "./dom";

/** Where the quote sits in the text: the occurrence nearest the cited line, else the line alone. */
export function locate(text: string, line: number, quote: string): { start: number; end: number } | null {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") starts.push(i + 1);
  if (quote) {
    let best: { start: number; end: number } | null = null;
    let bestDist = Infinity;
    for (let at = text.indexOf(quote); at >= 0; at = text.indexOf(quote, at + 1)) {
      const lineOf = starts.filter((s) => s <= at).length;
      const dist = line ? Math.abs(lineOf - line) : 0;
      if (dist < bestDist) [best, bestDist] = [{ start: at, end: at + quote.length }, dist];
    }
    if (best) return best;
  }
  if (line >= 1 && line <= starts.length) {
    const start = starts[line - 1];
    const next = starts[line];
    return { start, end: next === undefined ? text.length : next - 1 };
  }
  return null;
}

function render(root: HTMLElement, s: SourceText, line: number, quote: string): void {
  const mark = locate(s.text, line, quote);
  const lines = s.text.split("\n");
  const list = h("ol", { class: "article-lines" });
  let offset = 0;
  let first: HTMLElement | null = null;
  lines.forEach((text, i) => {
    const start = offset;
    const end = offset + text.length;
    offset = end + 1;
    const li = h("li", { id: `L${i + 1}`, "data-line": i + 1 });
    if (mark && mark.start <= end && mark.end > start) {
      const a = Math.max(mark.start, start) - start;
      const b = Math.min(mark.end, end) - start;
      li.className = "hl";
      li.append(text.slice(0, a), h("mark", {}, text.slice(a, b)), text.slice(b));
      first ??= li;
    } else {
      li.append(text || "\u00a0");
    }
    list.append(li);
  });
  root.replaceChildren(...([
    h("p", { class: "back" }, h("a", { href: "/dashboard/", id: "article-back" }, "← Back to the dashboard")),
    h("h2", { id: "article-title" }, s.title ?? s.file),
    h("p", { class: "source" },
      [s.outlet, s.published?.text, h("span", { class: "file" }, s.file)].filter(Boolean).flatMap((x, i) => (i ? [" · ", x] : [x]))),
    mark ? h("p", { class: "note" }, `The quoted passage is marked${line ? `, from line ${line}` : ""}.`) : null,
    list,
  ] as (HTMLElement | null)[]).filter((x): x is HTMLElement => x !== null));
  const back = root.querySelector<HTMLAnchorElement>("#article-back")!;
  back.addEventListener("click", (e) => {
    // Back keeps the dashboard's state (it is in the previous address).
    if (history.length > 1 && document.referrer.startsWith(location.origin)) {
      e.preventDefault();
      history.back();
    }
  });
  if (first) (first as HTMLElement).scrollIntoView({ block: "center" });
}

export async function showArticle(root: HTMLElement, id: string): Promise<void> {
  const p = new URLSearchParams(location.search);
  const line = Number(p.get("line")) || 0;
  const quote = p.get("q") ?? "";
  root.replaceChildren(h("p", { class: "note" }, "Loading the article…"));
  try {
    const { source } = await fetchSource(id);
    if (!source) {
      root.replaceChildren(h("p", { class: "error" }, `No source ${id}.`), h("p", {}, h("a", { href: "/dashboard/" }, "Back to the dashboard")));
      return;
    }
    document.title = `${source.title ?? source.file} — coalitiongraph`;
    render(root, source, line, quote);
  } catch (err) {
    root.replaceChildren(h("p", { class: "error" }, `Could not load the article: ${(err as Error).message}`));
  }
  root.setAttribute("aria-busy", "false");
}
