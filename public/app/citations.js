// @ts-check
// An answer's sources. A source becomes a link only when its URL is http(s): whatever else a document or an
// upstream answer service put there (javascript:, data:, a file path) stays plain text.
import { el } from "./dom.js";
import { t } from "./i18n.js";

/**
 * @param {unknown} value
 * @returns {string | null} the URL to link to, or null when it must not be a link
 */
export function safeHttpUrl(value) {
  if (typeof value !== "string") return null;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * @param {{ title?: string, source_url?: string | null, snippet?: string | null }} source
 */
export function sourceLabel(source) {
  const title = source.title || source.source_url || "?";
  const href = safeHttpUrl(source.source_url);
  if (!href) return el("span", { className: "source-title", text: title });
  return el("a", { text: title, attrs: { href, target: "_blank", rel: "noopener noreferrer" } });
}

/**
 * The numbered list an answer's [n] marks point to.
 * @param {unknown} sources
 */
export function citationList(sources) {
  if (!Array.isArray(sources) || sources.length === 0) return null;
  return el(
    "section",
    { className: "sources", attrs: { "aria-label": t("sources") } },
    el("h4", { text: t("sources") }),
    el(
      "ol",
      {},
      ...sources.map((source) =>
        el("li", {}, sourceLabel(source), source.snippet ? el("q", { text: source.snippet }) : null),
      ),
    ),
  );
}
