import { contentTerms } from "./terms";

/** Diacritics-insensitive form, like the FTS tokenizer's. */
export const fold = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

/** The distinct folded stems of a text's content words. */
export const stemsOf = (text: string) => [...new Set(contentTerms(text).map(([stem]) => fold(stem)))];

/** True if a word of `text` starts with the stem (the same loose match FTS prefix queries make). */
export function mentions(textStems: string[], stem: string): boolean {
  return textStems.some((w) => w.startsWith(stem) || (w.length >= 4 && stem.startsWith(w)));
}
