/** Hungarian letters that English never uses; enough to pick the reply language. */
const HUNGARIAN_LETTERS = /[áéíóöőúüű]/i;
const HUNGARIAN_WORDS = /\b(mi|mennyi|hogyan|miért|mikor|szia|kérem|és|van|nem|igen|hány)\b/i;

export type Language = "hu" | "en";

export function detectLanguage(text: string): Language {
  return HUNGARIAN_LETTERS.test(text) || HUNGARIAN_WORDS.test(text) ? "hu" : "en";
}
