import { indexKeys, type QueryTerm } from "./analyse";
import type { Language } from "./language";
import { RELATED_STRENGTH } from "./thesaurus";

/**
 * How well a question's word matches an index key, 0 to 1:
 * - the same stem: 1;
 * - one stem extends the other (Snowball's Hungarian is light: "szabályz" and
 *   "szabályzat", "fizet" and "fizetés"): 0.8, when the shorter has at least
 *   MIN_PREFIX letters, so "nap" (day) does not match "napidíj" (per diem);
 * - the key is a compound whose last part is the word ("szabadság" in
 *   "alapszabadság", "betegszabadság"): 0.7. Hungarian compounds end in their
 *   head, so this finds the kinds of a thing; the parts before the head are
 *   found as extensions (above).
 */
export const MIN_PREFIX = 4;
export const MIN_COMPOUND_HEAD = 5;
/**
 * Two stems that part only near their ends ("repüln-" and "repülő", "jelszav-"
 * and "jelszó": a verb and its noun, a stem vowel that changes) share at least
 * this many letters and this share of the shorter one.
 */
export const MIN_SHARED = 5;
export const MIN_SHARED_SHARE = 0.75;
export const STRENGTH = { exact: 1, extension: 0.8, compound: 0.7, shared: 0.6 } as const;

/** Endings that make a Hungarian adjective or plural of a short stem: "cég" → "céges", "nap" → "napi". */
const SHORT_STEM_ENDING = /^(i|es|os|as|ös|ek|ok|ak)$/;

export function keyMatch(queryKey: string, key: string): number {
  if (queryKey === key) return STRENGTH.exact;
  const [short, long] = queryKey.length <= key.length ? [queryKey, key] : [key, queryKey];
  if (short.length >= MIN_PREFIX && long.startsWith(short)) return STRENGTH.extension;
  if (short.length === MIN_PREFIX - 1 && long.startsWith(short) && SHORT_STEM_ENDING.test(long.slice(short.length))) {
    return STRENGTH.extension;
  }
  if (queryKey.length >= MIN_COMPOUND_HEAD && key.length >= queryKey.length + 3 && key.endsWith(queryKey)) {
    return STRENGTH.compound;
  }
  const shared = sharedPrefix(short, long);
  if (shared >= MIN_SHARED && shared >= short.length * MIN_SHARED_SHARE) return STRENGTH.shared;
  return 0;
}

function sharedPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && a[n] === b[n]) n++;
  return n;
}

/** The best match of any of the term's keys against an index key; a related word's counts RELATED_STRENGTH of it. */
export function termMatch(term: QueryTerm, key: string): number {
  let best = 0;
  for (const k of term.keys) best = Math.max(best, keyMatch(k, key));
  for (const k of term.related) best = Math.max(best, RELATED_STRENGTH * keyMatch(k, key));
  return best;
}

/**
 * The lookups that find every key a term can match: the keys themselves and
 * their prefixes of MIN_PREFIX letters or more (keys a key extends), key
 * ranges starting with a key (keys extending it) and reversed-key ranges
 * (compounds ending in it). keyMatch has the last word on each candidate.
 */
export function lookupsFor(terms: QueryTerm[]): { exact: string[]; prefix: string[]; suffix: string[] } {
  const exact = new Set<string>();
  const prefix = new Set<string>();
  const suffix = new Set<string>();
  for (const key of terms.flatMap((t) => [...t.keys, ...t.related])) {
    exact.add(key);
    for (let n = MIN_PREFIX; n < key.length; n++) exact.add(key.slice(0, n));
    if (key.length >= MIN_PREFIX - 1) prefix.add(key);
    // Keys that share enough of this one start with its first MIN_SHARED letters.
    if (key.length > MIN_SHARED) prefix.add(key.slice(0, MIN_SHARED));
    if (key.length >= MIN_COMPOUND_HEAD) suffix.add(reverse(key));
  }
  return { exact: [...exact], prefix: [...prefix], suffix: [...suffix] };
}

/** A string's characters in reverse order (code points, so an astral character stays whole). */
export const reverse = (s: string) => [...s].reverse().join("");

/**
 * How much of the terms a text (a sentence, in `language`) answers: for each
 * term its best match in the text, weighted, summed.
 */
export function textMatches(terms: QueryTerm[], text: string, language: Language, weightOf = (_t: QueryTerm) => 1) {
  const keys = [...indexKeys(text, language).keys()];
  let sum = 0;
  for (const term of terms) {
    let best = 0;
    for (const key of keys) best = Math.max(best, termMatch(term, key));
    sum += best * weightOf(term);
  }
  return sum;
}
