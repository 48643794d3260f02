import { stemmer as englishStem } from "@orama/stemmers/english";
import { stemmer as hungarianStem } from "@orama/stemmers/hungarian";
import type { Language } from "./language";
import { isStopWord } from "./stopwords";

/**
 * Words and their index keys: words → stems (Snowball's Hungarian algorithm,
 * Porter's English one), accents folded after stemming (the stemmers need
 * them: "-ról" is a suffix, "-rol" is not).
 */

/** Diacritics-insensitive lower case, like the index keys. */
export const fold = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

/**
 * Words of a text (NFC, lower case); a hyphenated word counts as its parts
 * ("home-office"), except a number's case ending ("8-kor", "15-én"), which
 * is no word of its own.
 */
export function words(text: string): string[] {
  const plain = text
    .normalize("NFC")
    .toLowerCase()
    .replace(/(\p{N})-\p{L}+/gu, "$1");
  return plain.match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** A content word: not a stop word, not a bare number, and at least two letters. */
export const isContent = (word: string) => word.length >= 2 && !isStopWord(word) && !/^\p{N}+$/u.test(word);

const STEMMERS: Record<Language, (word: string) => string> = { hu: hungarianStem, en: englishStem };

/**
 * Longer "words" are codes, hashes or runs of one letter, not language: they
 * are keyed by their first MAX_WORD characters, unstemmed, so that no text
 * makes the index (or a question's lookups, which grow with a key's length) large.
 */
export const MAX_WORD = 60;

/** The index key of one word in a text of `language`. */
export function keyOf(word: string, language: Language): string {
  if (word.length > MAX_WORD) return fold(Array.from(word).slice(0, MAX_WORD).join(""));
  return fold(STEMMERS[language](word));
}
