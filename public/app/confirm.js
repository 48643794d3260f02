// @ts-check
// Asks before anything is deleted, in the page's own modal <dialog> (focus moves into it, Escape cancels).
import { byId } from "./dom.js";
import { t } from "./i18n.js";

/**
 * @param {string} question
 * @returns {Promise<boolean>} true only when the person chose the destructive button
 */
export function confirmDelete(question) {
  const dialog = /** @type {HTMLDialogElement} */ (byId("confirm"));
  byId("confirm-text").textContent = question;
  byId("confirm-ok").textContent = t("delete");
  byId("confirm-cancel").textContent = t("cancel");
  dialog.returnValue = "";
  dialog.showModal();
  // The safe choice has the focus: Enter right away cancels.
  byId("confirm-cancel").focus();
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
  });
}
