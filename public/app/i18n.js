// @ts-check
// The page's language: Hungarian or English, from the browser's preference until the person picks one
// (kept in localStorage). Static text in index.html carries data-i18n="key" (its text) and
// data-i18n-attr="attribute:key" (an attribute); everything built later asks t().
import { en, hu } from "./strings.js";

/** @typedef {keyof typeof en} Key */

const STORE = "krs.language";
const dictionaries = { en, hu };
/** @type {"en" | "hu"} */
let current = pick();

function pick() {
  const stored = localStorage.getItem(STORE);
  if (stored === "en" || stored === "hu") return stored;
  return navigator.languages.some((l) => l.toLowerCase().startsWith("hu")) ? "hu" : "en";
}

export const language = () => current;

/**
 * @param {Key} key
 * @param {Record<string, string | number>} [values]
 */
export function t(key, values = {}) {
  return dictionaries[current][key].replace(/\{(\w+)\}/g, (whole, name) =>
    name in values ? String(values[name]) : whole,
  );
}

/** @param {Element | Document} root */
export function translate(root = document) {
  document.documentElement.lang = current;
  for (const node of root.querySelectorAll("[data-i18n]")) {
    node.textContent = t(/** @type {Key} */ (node.getAttribute("data-i18n")));
  }
  for (const node of root.querySelectorAll("[data-i18n-attr]")) {
    for (const pair of (node.getAttribute("data-i18n-attr") ?? "").split(";")) {
      const [attribute, key] = pair.split(":");
      if (attribute && key) node.setAttribute(attribute, t(/** @type {Key} */ (key)));
    }
  }
}

export function toggleLanguage() {
  current = current === "en" ? "hu" : "en";
  localStorage.setItem(STORE, current);
  translate();
}

const formats = new Map();
/**
 * A timestamp as the person reads dates, in the page's language and their time zone.
 * @param {string | null | undefined} iso
 */
export function when(iso) {
  if (!iso) return "";
  if (!formats.has(current)) {
    formats.set(
      current,
      new Intl.DateTimeFormat(current === "hu" ? "hu-HU" : "en-GB", {
        dateStyle: "medium",
        timeStyle: "short",
      }),
    );
  }
  return formats.get(current).format(new Date(iso));
}

/** @param {number} n */
export const number = (n) => n.toLocaleString(current === "hu" ? "hu-HU" : "en-GB");
