// @ts-check
// The open conversation: a new one (created by its first question) or a stored one, opened by its id. Sends
// questions as streamed turns, shows failed turns with their retry, and ends, deletes or exports the chat.
import { ApiError, call, newKey, send } from "./api.js";
import { confirmDelete } from "./confirm.js";
import { buttonById, byId, clear, el } from "./dom.js";
import { t, when } from "./i18n.js";
import { failedNotice, isFailedQuery, messageItem, streamingItem } from "./messages.js";
import { announce, attempt, clearNotices, showError } from "./notify.js";
import { ChatStreamError } from "./sse.js";
import { forgetRetry, rememberRetry, retryFor, streamTurn } from "./turn.js";

const PAGE = 50;

/** @type {{ id: string | null, status: string | null, createdAt: string | null, nextBefore: number | null }} */
let state = { id: null, status: null, createdAt: null, nextBefore: null };
/** Bumped whenever another conversation is shown, so a late answer never lands in the wrong one. */
let view = 0;
let busy = false;
/** Called after anything the sessions list or the memory shows may have changed. */
let changed = () => {};

const list = () => byId("messages");
const input = () => /** @type {HTMLTextAreaElement} */ (byId("composer-input"));

/** @param {{ onChange: () => void }} hooks */
export function initConversation(hooks) {
  changed = hooks.onChange;
  const form = /** @type {HTMLFormElement} */ (byId("composer"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const query = input().value.trim();
    if (query && !busy) void ask(query);
  });
  input().addEventListener("keydown", (event) => {
    // Enter sends; Shift+Enter is a new line; an input method composing a word keeps its Enter.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  buttonById("end-chat").addEventListener("click", () => void endChat());
  buttonById("delete-chat").addEventListener("click", () => void deleteChat());
  buttonById("download-transcript").addEventListener("click", () => void downloadTranscript());
  buttonById("earlier").addEventListener("click", () => void loadEarlier());
}

/** The id of the conversation shown, or null for a new one. */
export const currentSessionId = () => state.id;

export function startNew() {
  view++;
  state = { id: null, status: null, createdAt: null, nextBefore: null };
  clear(list());
  list().append(el("p", { className: "empty", text: t("emptyChat") }));
  renderHead();
}

/** @param {string} id */
export async function open(id) {
  const mine = ++view;
  clearNotices();
  try {
    const [info, page] = await Promise.all([
      call("GET", `/api/sessions/${encodeURIComponent(id)}`),
      call("GET", `/api/sessions/${encodeURIComponent(id)}/messages`, { query: { limit: PAGE } }),
    ]);
    if (mine !== view) return;
    state = {
      id,
      status: info.status,
      createdAt: info.created_at,
      nextBefore: page.has_more ? page.next_before : null,
    };
    clear(list());
    list().append(...page.messages.map(storedItem));
    renderHead();
    list().lastElementChild?.scrollIntoView({ block: "end" });
  } catch (err) {
    if (mine !== view) return;
    startNew();
    showError(err);
  }
}

function renderHead() {
  const known = state.id !== null;
  byId("conversation-title").textContent = known
    ? t("conversationFrom", { when: when(state.createdAt) })
    : t("conversationNew");
  const badge = byId("conversation-status");
  badge.hidden = !known;
  badge.textContent = state.status === "ended" ? t("ended") : t("active");
  badge.className = `badge ${state.status === "ended" ? "ended" : "active"}`;
  byId("end-chat").hidden = !known || state.status !== "active";
  byId("delete-chat").hidden = !known;
  byId("download-transcript").hidden = !known;
  byId("earlier").hidden = state.nextBefore === null;
  byId("ended-note").hidden = state.status !== "ended";
}

/** A stored message; a query whose turn failed carries its retry (or, without one kept, asking again). */
function storedItem(/** @type {import("./messages.js").Message} */ message) {
  const item = messageItem(message);
  if (!isFailedQuery(message) || !message.id) return item;
  const retry = retryFor(message.id);
  item.classList.add("failed");
  const action = retry
    ? { label: t("retry"), run: () => void retryTurn(item, message.id ?? "", retry.body, retry.key) }
    : { label: t("askAgain"), run: () => void ask(message.content) };
  item.append(failedNotice(t("noAnswer"), action));
  return item;
}

/** @param {boolean} on */
function setBusy(on) {
  busy = on;
  buttonById("send").disabled = on;
  list().setAttribute("aria-busy", String(on));
}

/** @param {string} query */
async function ask(query) {
  clearNotices();
  const mine = view;
  /** @type {import("./turn.js").TurnBody} */
  const body = state.id && state.status === "active" ? { query, session_id: state.id } : { query };
  const key = newKey();
  list().querySelector(".empty")?.remove();
  const question = messageItem({ role: "user", content: query, created_at: new Date().toISOString() });
  question.classList.add("pending");
  list().append(question);
  input().value = "";
  await runTurn(mine, question, body, key, query);
}

/**
 * Streams a turn under `question` and shows how it ended.
 * @param {number} mine @param {HTMLElement} question @param {import("./turn.js").TurnBody} body @param {string} key
 * @param {string | null} typed the text to give back to the composer if the service refuses it
 */
async function runTurn(mine, question, body, key, typed) {
  const answer = streamingItem();
  question.after(answer.item);
  answer.item.scrollIntoView({ block: "end" });
  setBusy(true);
  try {
    const end = await streamTurn(body, key, {
      session: ({ session_id }) => {
        if (mine !== view || state.id === session_id) return;
        // A new session: the address now names it, so a reload comes back to it.
        state = { id: session_id, status: "active", createdAt: new Date().toISOString(), nextBefore: null };
        history.replaceState(null, "", `#session=${encodeURIComponent(session_id)}`);
        renderHead();
        changed();
      },
      delta: (text) => answer.append(text),
    });
    if (end.event === "done") {
      const asked = messageItem(end.data.user_message);
      question.replaceWith(asked);
      answer.item.replaceWith(messageItem(end.data.assistant_message));
      // The question at the top, so the answer is read from its start.
      if (mine === view) asked.scrollIntoView({ block: "start" });
    } else {
      answer.item.remove();
      showFailed(question, body, key, end.data);
    }
    changed();
  } catch (err) {
    answer.item.remove();
    if (err instanceof ChatStreamError || typed === null) {
      // The query is stored (the stream had begun, or this was a retry of a stored query): show what was kept.
      showError(
        err instanceof ChatStreamError ? new ApiError(0, "stream_cut", t("streamCut"), undefined, undefined) : err,
      );
      if (mine === view && state.id) await open(state.id);
    } else {
      // Refused before anything was stored (a 4xx): nothing to keep, the text goes back to be edited.
      question.remove();
      if (mine === view) input().value = typed;
      showError(err);
    }
  } finally {
    setBusy(false);
    if (mine === view) input().focus();
  }
}

/**
 * @param {HTMLElement} question @param {import("./turn.js").TurnBody} body @param {string} key
 * @param {{ status: number, error: { code: string, message: string, details?: any, request_id?: string } }} data
 */
function showFailed(question, body, key, data) {
  const error = new ApiError(
    data.status,
    data.error.code,
    data.error.message,
    data.error.request_id,
    data.error.details,
  );
  const retryKey = typeof error.details?.idempotency_key === "string" ? error.details.idempotency_key : key;
  const messageId = typeof error.details?.user_message_id === "string" ? error.details.user_message_id : "";
  if (messageId) rememberRetry(messageId, body, retryKey);
  question.classList.remove("pending");
  question.classList.add("failed");
  const text = t("turnFailed", { message: `${data.status} ${error.code} · ${error.message}` });
  question.append(
    failedNotice(text, { label: t("retry"), run: () => void retryTurn(question, messageId, body, retryKey) }),
  );
}

/**
 * The same request with the same Idempotency-Key: the service finishes the stored query's turn.
 * @param {HTMLElement} question @param {string} messageId @param {import("./turn.js").TurnBody} body @param {string} key
 */
async function retryTurn(question, messageId, body, key) {
  if (busy) return;
  clearNotices();
  question.querySelector(".turn-failed")?.remove();
  const mine = view;
  await runTurn(mine, question, body, key, null);
  if (!question.isConnected && messageId) forgetRetry(messageId);
  // The answer belongs right after its query, wherever that is in the history: show the stored order.
  if (mine === view && state.id && !question.isConnected) await open(state.id);
}

async function loadEarlier() {
  const { id, nextBefore } = state;
  if (!id || nextBefore === null) return;
  const page = await attempt(() =>
    call("GET", `/api/sessions/${encodeURIComponent(id)}/messages`, { query: { limit: PAGE, before: nextBefore } }),
  );
  if (!page || state.id !== id) return;
  list().prepend(...page.messages.map(storedItem));
  state.nextBefore = page.has_more ? page.next_before : null;
  renderHead();
}

async function endChat() {
  const id = state.id;
  if (!id) return;
  const info = await attempt(() => call("POST", `/api/sessions/${encodeURIComponent(id)}/end`));
  if (!info || state.id !== id) return;
  state.status = info.status;
  renderHead();
  announce(t("chatEnded"));
  changed();
}

async function deleteChat() {
  const id = state.id;
  if (!id || !(await confirmDelete(t("confirmDeleteChat")))) return;
  const done = await attempt(() => call("DELETE", `/api/sessions/${encodeURIComponent(id)}`));
  if (done === undefined) return;
  announce(t("chatDeleted"));
  location.hash = "chat";
  changed();
}

async function downloadTranscript() {
  const id = state.id;
  if (!id) return;
  const response = await attempt(() => send("GET", `/api/sessions/${encodeURIComponent(id)}/transcript`));
  if (!response) return;
  const url = URL.createObjectURL(await response.blob());
  const link = el("a", { attrs: { href: url, download: `chat-${id}.jsonl` } });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
