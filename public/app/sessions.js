// @ts-check
// The sessions sidebar: the person's chats, active and ended, the most recently active first, a page at a
// time. Each is a link to #session=<id>, so opening one is ordinary navigation (keyboard, back button).
import { call } from "./api.js";
import { buttonById, byId, clear, el } from "./dom.js";
import { number, t, when } from "./i18n.js";
import { attempt } from "./notify.js";

const PAGE = 20;
/** @type {string | null} */
let nextCursor = null;
/** Only the newest refresh may draw the list. */
let generation = 0;
/** The open chat's id, marked in the list. @type {string | null} */
let current = null;
/** A chat's first message, its name in the list (it never changes, so it is asked for once). */
const firstMessages = new Map();

export function initSessions() {
  buttonById("more-sessions").addEventListener("click", () => void loadMore());
}

/** Names a chat by its first message (the oldest page of one), fetched once per chat. @param {string} id */
async function firstMessage(id) {
  if (!firstMessages.has(id)) {
    const path = `/api/sessions/${encodeURIComponent(id)}/messages`;
    const request = call("GET", path, { query: { limit: 1, before: 2 } }).then(
      (page) => page.messages[0]?.content ?? null,
      () => null,
    );
    firstMessages.set(id, request);
    // A failed look-up is asked again next time.
    if ((await request) === null) firstMessages.delete(id);
  }
  return firstMessages.get(id) ?? null;
}

/** @param {any} session */
function sessionItem(session) {
  const name = el("span", { className: "session-name", text: t("conversationNew") });
  if (session.message_count > 0) {
    void firstMessage(session.id).then((text) => {
      if (text) name.textContent = text;
    });
  }
  const link = el(
    "a",
    { className: "session", attrs: { href: `#session=${encodeURIComponent(session.id)}` } },
    name,
    el(
      "span",
      { className: "session-meta" },
      `${when(session.last_message_at ?? session.created_at)} · `,
      t("messagesCount", { count: number(session.message_count) }),
      " · ",
      el("span", { className: `badge ${session.status}`, text: t(session.status === "ended" ? "ended" : "active") }),
    ),
  );
  link.dataset.id = session.id;
  if (session.id === current) link.setAttribute("aria-current", "page");
  return el("li", {}, link);
}

/** @param {any[]} sessions @param {boolean} append */
function draw(sessions, append) {
  const list = byId("session-list");
  if (!append) clear(list);
  list.querySelector(".empty")?.remove();
  list.append(...sessions.map(sessionItem));
  if (list.children.length === 0) list.append(el("li", { className: "empty", text: t("noChats") }));
  byId("more-sessions").hidden = nextCursor === null;
}

/** Reloads the first page (after a turn, an end, a delete). */
export async function refreshSessions() {
  const mine = ++generation;
  const page = await attempt(() => call("GET", "/api/sessions", { query: { status: "all", limit: PAGE } }));
  if (!page || mine !== generation) return;
  nextCursor = page.next_cursor;
  draw(page.sessions, false);
}

async function loadMore() {
  const mine = generation;
  const cursor = nextCursor;
  if (!cursor) return;
  const page = await attempt(() => call("GET", "/api/sessions", { query: { status: "all", limit: PAGE, cursor } }));
  if (!page || mine !== generation) return;
  nextCursor = page.next_cursor;
  draw(page.sessions, true);
}

/** Marks the open conversation in the list. @param {string | null} id */
export function markCurrent(id) {
  current = id;
  for (const link of byId("session-list").querySelectorAll("a.session")) {
    if (link instanceof HTMLElement && link.dataset.id === id) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}
