// @ts-check
// The page's start: sign-in (a #token=… link, a pasted token, or the one this tab already has), then the app.
// The address's fragment says what is shown: #session=<id> a stored chat, #knowledge the knowledge page
// (tenant admins), anything else a new chat; so reload, back and forward keep the place.
import { initAdmin } from "./admin.js";
import { onUnauthorized } from "./api.js";
import { claimsOf, currentToken, looksLikeToken, signIn, signOut, takeTokenFromAddress } from "./auth.js";
import { currentSessionId, initConversation, open, startNew } from "./conversation.js";
import { buttonById, byId } from "./dom.js";
import { t, toggleLanguage, translate } from "./i18n.js";
import { initKnowledge, refreshDocuments } from "./knowledge.js";
import { initMemory, refreshMemory } from "./memory.js";
import { clearNotices } from "./notify.js";
import { initSessions, markCurrent, refreshSessions } from "./sessions.js";

let started = false;
let admin = false;

/** @param {string | null} message why the person has to sign in (again), if there is a reason */
function showSignIn(message) {
  byId("app").hidden = true;
  byId("views").hidden = true;
  byId("sign-out").hidden = true;
  byId("who").textContent = "";
  byId("signin").hidden = false;
  const notice = byId("signin-message");
  notice.hidden = message === null;
  notice.textContent = message ?? "";
  byId("token-input").focus();
}

function showApp() {
  const token = currentToken() ?? "";
  const who = claimsOf(token);
  admin = who.admin;
  byId("signin").hidden = true;
  byId("app").hidden = false;
  byId("views").hidden = false;
  byId("sign-out").hidden = false;
  byId("nav-knowledge").hidden = !admin;
  byId("who").textContent = t(admin ? "whoAdmin" : "who", { tenant: who.tenant, user: who.user });
  if (!started) {
    started = true;
    initConversation({
      onChange: () => {
        markCurrent(currentSessionId());
        void Promise.all([refreshSessions(), refreshMemory()]);
      },
    });
    initSessions();
    initMemory({ onErased: () => void afterErasure() });
    initKnowledge();
    initAdmin();
  }
  void refreshSessions();
  void refreshMemory();
  route();
}

async function afterErasure() {
  location.hash = "chat";
  await Promise.all([refreshSessions(), refreshMemory()]);
}

/** Shows what the address's fragment names. */
function route() {
  if (byId("app").hidden) return;
  const params = new URLSearchParams(location.hash.slice(1));
  const session = params.get("session");
  const knowledge = location.hash === "#knowledge" && admin;
  byId("chat-view").hidden = knowledge;
  byId("knowledge-view").hidden = !knowledge;
  byId("nav-chat").toggleAttribute("aria-current", !knowledge);
  byId("nav-knowledge").toggleAttribute("aria-current", knowledge);
  closeSidebarOnPhone();
  if (knowledge) {
    void refreshDocuments();
    return;
  }
  if (session && session !== currentSessionId()) void open(session);
  else if (!session) startNew();
  markCurrent(session);
}

function closeSidebarOnPhone() {
  const toggle = byId("show-sessions");
  if (getComputedStyle(toggle).display === "none") return;
  byId("sidebar").removeAttribute("data-open");
  toggle.setAttribute("aria-expanded", "false");
}

function wire() {
  byId("language").addEventListener("click", () => {
    toggleLanguage();
    if (byId("app").hidden) return;
    showApp();
    // The open chat's words (who said what, dates) are redrawn in the new language too.
    const id = currentSessionId();
    if (id && !byId("chat-view").hidden) void open(id);
  });
  byId("nav-chat").addEventListener("click", (event) => {
    // Back to the chat that was open before the knowledge page, if any.
    event.preventDefault();
    const id = currentSessionId();
    location.hash = id ? `session=${encodeURIComponent(id)}` : "chat";
  });
  byId("signin-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = /** @type {HTMLInputElement} */ (byId("token-input"));
    if (!looksLikeToken(input.value)) {
      showSignIn(t("badToken"));
      return;
    }
    signIn(input.value);
    input.value = "";
    clearNotices();
    showApp();
    // The form the focus was in is gone: the person goes on where they type a question.
    if (!byId("chat-view").hidden) byId("composer-input").focus();
  });
  buttonById("sign-out").addEventListener("click", () => {
    signOut();
    showSignIn(null);
  });
  onUnauthorized(() => {
    signOut();
    showSignIn(t("signedOutExpired"));
  });
  buttonById("new-chat").addEventListener("click", () => {
    if (location.hash === "#chat") route();
    else location.hash = "chat";
    byId("composer-input").focus();
  });
  byId("show-sessions").addEventListener("click", () => {
    const sidebar = byId("sidebar");
    const open = !sidebar.hasAttribute("data-open");
    sidebar.toggleAttribute("data-open", open);
    byId("show-sessions").setAttribute("aria-expanded", String(open));
  });
  byId("show-memory").addEventListener("click", () => {
    const memory = byId("memory");
    memory.hidden = !memory.hidden;
    byId("show-memory").setAttribute("aria-expanded", String(!memory.hidden));
  });
  // On a phone the list closes once a chat is picked, even the one already open.
  byId("session-list").addEventListener("click", (event) => {
    if (event.target instanceof Element && event.target.closest("a")) closeSidebarOnPhone();
  });
  window.addEventListener("hashchange", route);
}

takeTokenFromAddress();
translate();
wire();
// On a phone the memory panel starts closed, so the conversation comes first.
if (window.matchMedia("(max-width: 760px)").matches) {
  byId("memory").hidden = true;
  byId("show-memory").setAttribute("aria-expanded", "false");
}
const token = currentToken();
const expiresAt = token ? claimsOf(token).expiresAt : null;
if (!token) showSignIn(null);
else if (expiresAt !== null && expiresAt <= Date.now()) {
  signOut();
  showSignIn(t("signedOutExpired"));
} else showApp();
