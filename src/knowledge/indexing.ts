import { contentLength, documentLanguage, indexKeys } from "../text/analyse";
import type { Language } from "../text/language";
import { reverse } from "../text/match";
import { headingsOf, splitPassages } from "./chunk";

/**
 * The analyser's version. Documents indexed with an older one (0: before the
 * tenant-scoped index) are reindexed from their body on their tenant's next
 * search, so changing the analyser needs no migration of its own.
 */
export const INDEX_VERSION = 1;

/** One row of knowledge_terms for a passage: [term, reversed, body count, in heading, in title]. */
export type TermRow = [string, string, number, 0 | 1, 0 | 1];

export interface IndexedPassage {
  text: string;
  length: number;
  terms: TermRow[];
}

export interface IndexedDocument {
  language: Language;
  passages: IndexedPassage[];
}

/**
 * A document as the index holds it: its passages, each with its terms. A
 * heading's words count in the body of its section (they are in its text) and
 * are flagged as heading words; the title's words are flagged in every passage.
 */
export function indexDocument(title: string, body: string): IndexedDocument {
  const language = documentLanguage(`${title}\n${body}`);
  const texts = splitPassages(body);
  const headings = headingsOf(texts);
  const titleKeys = indexKeys(title, language);
  const passages = texts.map((text, i) => {
    const bodyKeys = indexKeys(text, language);
    const headingKeys = indexKeys(headings[i] ?? "", language);
    const keys = new Set([...bodyKeys.keys(), ...headingKeys.keys(), ...titleKeys.keys()]);
    const terms: TermRow[] = [...keys].map((key) => [
      key,
      reverse(key),
      bodyKeys.get(key) ?? 0,
      headingKeys.has(key) ? 1 : 0,
      titleKeys.has(key) ? 1 : 0,
    ]);
    return { text, length: contentLength(text) + contentLength(title), terms };
  });
  return { language, passages };
}
