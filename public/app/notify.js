// @ts-check
// Telling the person what happened: every failed request shows its status, the service's message and its
// request id in the alert banner (role="alert", read out at once); successes go to a polite status line.
import { ApiError } from "./api.js";
import { byId, clear, el } from "./dom.js";
import { t } from "./i18n.js";

/** The words for an error: its status and code, the service's message, the request id to report. */
export function describeError(/** @type {unknown} */ err) {
  if (err instanceof ApiError) {
    if (err.status === 0) return { title: t("networkError"), message: err.message, requestId: undefined };
    return {
      title: `${t("errorTitle", { status: err.status })} · ${err.code}`,
      message: err.message,
      requestId: err.requestId,
    };
  }
  return { title: t("errorTitle", { status: "?" }), message: String(err), requestId: undefined };
}

export function showError(/** @type {unknown} */ err) {
  const banner = byId("alerts");
  const { title, message, requestId } = describeError(err);
  clear(banner);
  banner.append(
    el(
      "div",
      { className: "alert" },
      el("strong", { text: title }),
      el("span", { text: message }),
      requestId ? el("small", { text: t("requestId", { id: requestId }) }) : null,
      el("button", { text: t("dismiss"), attrs: { type: "button" }, on: { click: () => clear(banner) } }),
    ),
  );
}

/** Clears the banner and the last status line: the person has started something new. */
export function clearNotices() {
  clear(byId("alerts"));
  byId("status").textContent = "";
}

/** @param {string} message */
export function announce(message) {
  byId("status").textContent = message;
}

/**
 * Runs an action of the person's and shows its failure (a 401 also signs out, see api.js).
 * @template T
 * @param {() => Promise<T>} action
 * @returns {Promise<T | undefined>}
 */
export async function attempt(action) {
  try {
    return await action();
  } catch (err) {
    showError(err);
    return undefined;
  }
}
