import { fold, isContent, keyOf, words } from "./keys";
import { type Language, languageVotes } from "./language";
import { relatedKeys } from "./thesaurus";

export { fold, keyOf, words } from "./keys";

/**
 * The analyser that documents and questions share (keys: see ./keys). A
 * document is stemmed in its own language; a question in both, since it may
 * name a term of either ("home office" in a Hungarian question), and widened
 * by the thesaurus's related words.
 */

/** Index keys of a text in its language, with how often each occurs. */
export function indexKeys(text: string, language: Language): Map<string, number> {
  const keys = new Map<string, number>();
  for (const word of words(text)) {
    if (!isContent(word)) continue;
    const key = keyOf(word, language);
    keys.set(key, (keys.get(key) ?? 0) + 1);
  }
  return keys;
}

/** How many content words a text has: its length, as the ranking normalises by it. */
export const contentLength = (text: string) => words(text).filter(isContent).length;

/** A question's first this-many distinct content words are searched (a pasted page is no question). */
export const MAX_QUERY_TERMS = 32;

/** One content word of a question, the keys it may be indexed under, and those of related words. */
export interface QueryTerm {
  word: string;
  keys: string[];
  related: string[];
  /**
   * The content words right next to it in an English question ("meeting" and
   * "room"): English writes a compound as two words, so a text with only one
   * of them ("bicycle room") is not about the compound.
   */
  compound: QueryTerm[];
}

/**
 * The content words of a question, each with its candidate keys. An English
 * question's words are English; a Hungarian question's are Hungarian (also
 * stemmed accent-free, which is how they were typed when the accents are
 * missing) or English loanwords ("home office"), so both stems count.
 * Repeated words count once. In an English question, adjacent content words
 * (no stop word between) are marked as parts of one compound.
 */
export function queryTerms(text: string): QueryTerm[] {
  const seen = new Map<string, QueryTerm>();
  // Only a plainly English question is read as English alone.
  const votes = languageVotes(text);
  const hungarian = votes.hu >= votes.en;
  let previous: QueryTerm | null = null;
  for (const word of words(text)) {
    if (seen.size >= MAX_QUERY_TERMS) break;
    if (!isContent(word)) {
      previous = null;
      continue;
    }
    let term = seen.get(fold(word));
    if (!term) {
      const keys = new Set(
        hungarian ? [keyOf(word, "hu"), keyOf(fold(word), "hu"), keyOf(word, "en")] : [keyOf(word, "en")],
      );
      const own = [...keys].filter((k) => k.length > 0);
      term = { word, keys: own, related: relatedKeys(own), compound: [] };
      seen.set(fold(word), term);
    }
    if (previous && !hungarian && previous !== term) {
      previous.compound.push(term);
      term.compound.push(previous);
    }
    previous = term;
  }
  return [...seen.values()];
}

/**
 * The language a document is written in: Hungarian when accented Hungarian
 * letters are more than occasional (an English text may quote "café" or a name).
 */
export function documentLanguage(text: string): Language {
  const all = words(text);
  const accented = all.filter((w) => /[áéíóöőúüű]/.test(w)).length;
  return all.length > 0 && accented / all.length >= 0.15 ? "hu" : "en";
}
