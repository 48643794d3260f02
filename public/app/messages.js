// @ts-check
// How one message of a conversation looks: who said it, when, its text (as text: newlines kept, nothing
// interpreted) and, for answers, the sources it cites.
import { citationList } from "./citations.js";
import { el } from "./dom.js";
import { t, when } from "./i18n.js";

/**
 * @typedef {{ id?: string, seq?: number, role: string, content: string, created_at?: string,
 *   metadata?: Record<string, any> | null }} Message
 */

const AUTHOR = /** @type {const} */ ({ user: "you", assistant: "assistant", system: "system" });

/** @param {string} role @param {string | undefined} createdAt */
function head(role, createdAt) {
  const author = AUTHOR[/** @type {keyof typeof AUTHOR} */ (role)] ?? "system";
  return el(
    "header",
    {},
    el("span", { className: "author", text: t(author) }),
    createdAt ? el("time", { text: when(createdAt), attrs: { datetime: createdAt } }) : null,
  );
}

/** @param {Message} message */
export function messageItem(message) {
  const item = el(
    "article",
    { className: `message message-${message.role}` },
    head(message.role, message.created_at),
    el("div", { className: "text", text: message.content }),
    message.role === "assistant" ? citationList(message.metadata?.sources) : null,
  );
  if (message.id) item.dataset.id = message.id;
  return item;
}

/** True when this stored query never got its answer (a failed turn, README "A failed turn"). @param {Message} message */
export const isFailedQuery = (message) => message.role === "user" && message.metadata?.turn_status === "failed";

/** The answer while it streams in: busy (screen readers wait for the whole of it), its text growing. */
export function streamingItem() {
  const text = el("div", { className: "text", text: t("answering") });
  const item = el("article", { className: "message message-assistant streaming", attrs: { "aria-busy": "true" } });
  item.append(head("assistant", undefined), text);
  let started = false;
  return {
    item,
    /** @param {string} delta */
    append(delta) {
      if (!started) text.textContent = "";
      started = true;
      text.append(delta);
    },
  };
}

/**
 * The notice under a query that got no answer, with what can be done about it.
 * @param {string} text
 * @param {{ label: string, run: () => void }} action
 */
export function failedNotice(text, action) {
  return el(
    "div",
    { className: "turn-failed", attrs: { role: "alert" } },
    el("span", { text }),
    el("button", { text: action.label, attrs: { type: "button" }, on: { click: action.run } }),
  );
}
