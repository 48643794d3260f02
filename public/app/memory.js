// @ts-check
// The memory panel: summaries of the person's ended chats (what new chats draw on), newest first, each with a
// link back to its chat; and the erasure of everything the service keeps about them.
import { call } from "./api.js";
import { confirmDelete } from "./confirm.js";
import { buttonById, byId, clear, el } from "./dom.js";
import { t, when } from "./i18n.js";
import { announce, attempt } from "./notify.js";

const PAGE = 10;
/** @type {string | null} */
let nextCursor = null;
let generation = 0;

/** @param {{ onErased: () => void }} hooks */
export function initMemory(hooks) {
  buttonById("refresh-memory").addEventListener("click", () => void refreshMemory());
  buttonById("more-summaries").addEventListener("click", () => void loadMore());
  buttonById("erase-me").addEventListener("click", async () => {
    if (!(await confirmDelete(t("confirmEraseMine")))) return;
    const report = await attempt(() => call("DELETE", "/api/users/me/data"));
    if (!report) return;
    announce(t("erased", report.removed));
    hooks.onErased();
  });
}

/** @param {any} summary */
function summaryItem(summary) {
  const topics = Array.isArray(summary.key_topics) ? summary.key_topics.join(", ") : "";
  return el(
    "li",
    { className: "summary" },
    el("time", { text: when(summary.created_at), attrs: { datetime: summary.created_at } }),
    el("p", { text: summary.summary }),
    topics ? el("p", { className: "topics", text: t("topics", { list: topics }) }) : null,
    el("a", { text: t("openChat"), attrs: { href: `#session=${encodeURIComponent(summary.session_id)}` } }),
  );
}

/** @param {any[]} summaries @param {boolean} append */
function draw(summaries, append) {
  const list = byId("summary-list");
  if (!append) clear(list);
  list.append(...summaries.map(summaryItem));
  if (list.children.length === 0) list.append(el("li", { className: "empty", text: t("noMemory") }));
  byId("more-summaries").hidden = nextCursor === null;
}

export async function refreshMemory() {
  const mine = ++generation;
  const page = await attempt(() => call("GET", "/api/memory", { query: { limit: PAGE } }));
  if (!page || mine !== generation) return;
  nextCursor = page.next_cursor;
  draw(page.summaries, false);
}

async function loadMore() {
  const mine = generation;
  const cursor = nextCursor;
  if (!cursor) return;
  const page = await attempt(() => call("GET", "/api/memory", { query: { limit: PAGE, cursor } }));
  if (!page || mine !== generation) return;
  nextCursor = page.next_cursor;
  draw(page.summaries, true);
}
