import type { MessageView } from "../session-types";
import { mentions, stemsOf } from "../text/match";
import type { Passage, TenantKnowledge } from "./store";

const CANDIDATES = 12;
const KEEP = 3;
/** Passages weaker than this share of the best one are noise next to it. */
const KEEP_RATIO = 0.75;
/**
 * Weights: the question's own terms dominate; a document the previous answer
 * cited is the likeliest referent of a follow-up; earlier questions' terms
 * break the remaining ties.
 */
export const WEIGHT = { own: 10, citedBefore: 6, inherited: 1 } as const;
/** Earlier user questions that still shape a follow-up ("And how many days?"). */
const FOLLOW_UP_TURNS = 2;

export interface Retrieval {
  passages: Passage[];
  queryStems: string[];
  contextStems: string[];
}

/**
 * Finds the passages for a query, reading it in the light of the recent
 * conversation: the previous user questions' terms join the search, so a
 * follow-up such as "And how many home-office days?" still reaches the
 * remote-work policy; the current question's own terms weigh most, then the
 * documents the service's previous answer cited (`citedBefore`: the
 * service's own record, never message metadata a client could write).
 */
export async function retrieve(
  kb: TenantKnowledge,
  query: string,
  history: MessageView[],
  citedBefore: readonly string[],
): Promise<Retrieval> {
  const queryStems = stemsOf(query);
  const earlier = history
    .filter((m) => m.role === "user" && m.content !== query)
    .slice(-FOLLOW_UP_TURNS)
    .map((m) => m.content)
    .join(" ");
  const contextStems = stemsOf(earlier).filter((s) => !queryStems.includes(s));
  const cited = new Set(citedBefore);
  const candidates = await kb.search([...queryStems, ...contextStems], CANDIDATES);
  const ranked = candidates
    .map((p, order) => {
      const words = stemsOf(`${p.title} ${p.text}`);
      const own = queryStems.filter((s) => mentions(words, s)).length;
      const inherited = contextStems.filter((s) => mentions(words, s)).length;
      const wasCited = cited.has(p.document_id) ? 1 : 0;
      return { p, order, weight: WEIGHT.own * own + WEIGHT.citedBefore * wasCited + WEIGHT.inherited * inherited };
    })
    .filter((r) => r.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.order - b.order);
  const best = ranked[0]?.weight ?? 0;
  const kept = ranked.filter((r) => r.weight >= best * KEEP_RATIO).slice(0, KEEP);
  return { passages: kept.map((r) => r.p), queryStems, contextStems };
}
