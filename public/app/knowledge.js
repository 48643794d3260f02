// @ts-check
// The knowledge page, for tenant admins: add a Markdown or text document (read in the browser as UTF-8 and
// posted as text), list the tenant's documents and delete one. The service enforces who may do this (403).
import { call } from "./api.js";
import { sourceLabel } from "./citations.js";
import { confirmDelete } from "./confirm.js";
import { buttonById, byId, clear, el } from "./dom.js";
import { number, t, when } from "./i18n.js";
import { announce, attempt, clearNotices, showError } from "./notify.js";

const PAGE = 20;
/** @type {string | null} */
let nextCursor = null;
let generation = 0;

const field = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ (byId(id));

/** The title a Markdown file gives itself (its first "# " heading), else its name without the extension. */
function titleOf(/** @type {string} */ text, /** @type {string} */ fileName) {
  const heading = /^#[ \t]+(.+?)[ \t#]*$/m.exec(text);
  return (heading?.[1] ?? fileName.replace(/\.[^.]+$/, "")).trim().slice(0, 300);
}

export function initKnowledge() {
  const file = field("upload-file");
  file.addEventListener("change", async () => {
    const chosen = file.files?.[0];
    if (chosen && !field("upload-title").value) field("upload-title").value = titleOf(await chosen.text(), chosen.name);
  });
  byId("upload-form").addEventListener("submit", (event) => {
    event.preventDefault();
    void upload();
  });
  buttonById("more-documents").addEventListener("click", () => void loadMore());
}

async function upload() {
  clearNotices();
  const chosen = field("upload-file").files?.[0];
  if (!chosen) {
    showError(new Error(t("noFile")));
    field("upload-file").focus();
    return;
  }
  const body = await chosen.text();
  const title = field("upload-title").value.trim() || titleOf(body, chosen.name);
  const source = field("upload-source").value.trim();
  const saved = await attempt(() =>
    call("POST", "/api/knowledge/documents", { json: { title, body, ...(source ? { source_url: source } : {}) } }),
  );
  if (!saved) return;
  announce(t(saved.replaced ? "replaced" : "uploaded", { title: saved.title, passages: number(saved.passage_count) }));
  /** @type {HTMLFormElement} */ (byId("upload-form")).reset();
  await refreshDocuments();
}

/** @param {any} doc */
function documentItem(doc) {
  const remove = async () => {
    if (!(await confirmDelete(t("confirmDeleteDocument", { title: doc.title })))) return;
    const done = await attempt(() => call("DELETE", `/api/knowledge/documents/${encodeURIComponent(doc.id)}`));
    if (done === undefined) return;
    announce(t("documentDeleted", { title: doc.title }));
    await refreshDocuments();
  };
  return el(
    "li",
    { className: "document" },
    el("div", { className: "document-title" }, sourceLabel({ title: doc.title, source_url: doc.source_url })),
    el("small", {
      text: t("documentMeta", {
        passages: number(doc.passage_count),
        chars: number(doc.chars),
        when: when(doc.updated_at),
      }),
    }),
    el("button", {
      className: "danger",
      text: t("delete"),
      attrs: { type: "button", "aria-label": `${t("delete")}: ${doc.title}` },
      on: { click: () => void remove() },
    }),
  );
}

/** @param {any[]} documents @param {boolean} append */
function draw(documents, append) {
  const list = byId("document-list");
  if (!append) clear(list);
  list.append(...documents.map(documentItem));
  if (list.children.length === 0) list.append(el("li", { className: "empty", text: t("noDocuments") }));
  byId("more-documents").hidden = nextCursor === null;
}

export async function refreshDocuments() {
  const mine = ++generation;
  const page = await attempt(() => call("GET", "/api/knowledge/documents", { query: { limit: PAGE } }));
  if (!page || mine !== generation) return;
  nextCursor = page.next_cursor;
  draw(page.documents, false);
}

async function loadMore() {
  const mine = generation;
  const cursor = nextCursor;
  if (!cursor) return;
  const page = await attempt(() => call("GET", "/api/knowledge/documents", { query: { limit: PAGE, cursor } }));
  if (!page || mine !== generation) return;
  nextCursor = page.next_cursor;
  draw(page.documents, true);
}
