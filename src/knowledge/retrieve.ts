import { contentTerms } from "../memory/text";
import type { MessageView } from "../session-types";
import type { Passage, TenantKnowledge } from "./store";

const CANDIDATES = 12;
const KEEP = 3;
/** Earlier user questions that still shape a follow-up ("And how many days?"). */
const FOLLOW_UP_TURNS = 2;

/** Diacritics-insensitive form, like the FTS tokenizer's. */
export const fold = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

export const stemsOf = (text: string) => [...new Set(contentTerms(text).map(([stem]) => fold(stem)))];

/** True if a word of `text` starts with the stem (the same loose match FTS prefix queries make). */
export function mentions(textStems: string[], stem: string): boolean {
  return textStems.some((w) => w.startsWith(stem) || (w.length >= 4 && stem.startsWith(w)));
}

export interface Retrieval {
  passages: Passage[];
  queryStems: string[];
  contextStems: string[];
}

/**
 * Finds the passages for a query, reading it in the light of the recent
 * conversation: the previous user questions' terms join the search, so a
 * follow-up such as "And how many home-office days?" still reaches the
 * remote-work policy; the current question's own terms weigh double.
 */
export async function retrieve(kb: TenantKnowledge, query: string, history: MessageView[]): Promise<Retrieval> {
  const queryStems = stemsOf(query);
  const earlier = history
    .filter((m) => m.role === "user" && m.content !== query)
    .slice(-FOLLOW_UP_TURNS)
    .map((m) => m.content)
    .join(" ");
  const contextStems = stemsOf(earlier).filter((s) => !queryStems.includes(s));
  const candidates = await kb.search([...queryStems, ...contextStems], CANDIDATES);
  const ranked = candidates
    .map((p, order) => {
      const words = stemsOf(`${p.title} ${p.text}`);
      const own = queryStems.filter((s) => mentions(words, s)).length;
      const inherited = contextStems.filter((s) => mentions(words, s)).length;
      return { p, order, weight: 2 * own + inherited, own };
    })
    .filter((r) => r.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.order - b.order);
  return { passages: ranked.slice(0, KEEP).map((r) => r.p), queryStems, contextStems };
}
