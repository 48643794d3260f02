// @ts-check
// Tenant administration on the knowledge page: run the inactivity sweep for the tenant now, and erase one
// user's data (both tenant-admin only; the service answers 403 to anyone else).
import { call } from "./api.js";
import { confirmDelete } from "./confirm.js";
import { buttonById, byId } from "./dom.js";
import { t } from "./i18n.js";
import { announce, attempt, clearNotices } from "./notify.js";

export function initAdmin() {
  buttonById("cleanup").addEventListener("click", async () => {
    clearNotices();
    const report = await attempt(() => call("POST", "/api/admin/cleanup"));
    if (report) announce(t("cleanupDone", report));
  });
  const form = /** @type {HTMLFormElement} */ (byId("erase-user-form"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearNotices();
    const user = /** @type {HTMLInputElement} */ (byId("erase-user-id")).value.trim();
    if (!user || !(await confirmDelete(t("confirmEraseUser", { user })))) return;
    const report = await attempt(() => call("DELETE", `/api/users/${encodeURIComponent(user)}/data`));
    if (!report) return;
    announce(t("erased", report.removed));
    form.reset();
  });
}
