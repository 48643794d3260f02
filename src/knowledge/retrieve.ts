import { errorText, log } from "../lib/log";
import type { MessageView } from "../session-types";
import { documentLanguage, fold, type QueryTerm, queryTerms } from "../text/analyse";
import { clip } from "../text/clip";
import { lookupsFor, textMatches } from "../text/match";
import { splitSentences } from "../text/terms";
import { sentenceCoverage } from "./coverage";
import { type Ranked, rank } from "./rank";
import type { Passage, StoredPassage, TenantKnowledge } from "./store";
import type { SemanticIndex } from "./vectors";

/** At most this many passages are cited, of at most CANDIDATES read. */
const KEEP = 3;
const CANDIDATES = 8;
/** A passage scoring under this share of the best one is noise next to it. */
const KEEP_RATIO = 0.5;
/**
 * Precision before recall: a passage is cited only when it matches at least
 * this share of the question's content (each word weighted by how rare it is
 * in the tenant's knowledge, a word the knowledge never uses weighing most).
 * Below it, the answer says the knowledge base has nothing on it.
 */
export const MIN_COVERAGE = 0.4;
/** A passage found by meaning alone is cited from this cosine similarity up (bge-m3). */
export const MIN_SIMILARITY = 0.6;
/** Reciprocal rank fusion's constant: ranks, not raw scores, are fused. */
const RRF_K = 60;
const SEMANTIC_CANDIDATES = 10;
/** Earlier user questions that still shape a follow-up ("And how many days?"). */
const FOLLOW_UP_TURNS = 2;

export interface Retrieval {
  passages: Passage[];
  /** The question's content words, and those of the previous questions it is read with. */
  own: QueryTerm[];
  context: QueryTerm[];
}

/**
 * Finds the passages that answer a query, reading it in the light of the
 * recent conversation: the previous user questions' words join the search at
 * half weight, so a follow-up such as "And how many home-office days?" still
 * reaches the remote-work policy, and documents the previous answer cited
 * (`citedBefore`: the service's own record, never client-written metadata)
 * rank higher. Lexical ranking runs over the tenant's own index; where
 * `semantic` is given, its nearest passages are fused in by reciprocal rank.
 */
export async function retrieve(
  kb: TenantKnowledge,
  query: string,
  history: MessageView[],
  citedBefore: readonly string[],
  semantic: SemanticIndex | null = null,
): Promise<Retrieval> {
  const own = queryTerms(query);
  const earlier = history
    .filter((m) => m.role === "user" && m.content !== query)
    .slice(-FOLLOW_UP_TURNS)
    .map((m) => m.content);
  const ownWords = new Set(own.map((t) => fold(t.word)));
  const context = queryTerms(earlier.join("\n")).filter((t) => !ownWords.has(fold(t.word)));
  if (own.length + context.length === 0) return { passages: [], own, context };

  const postings = await kb.postings(lookupsFor([...own, ...context]));
  if (!postings) return { passages: [], own, context };
  const { ranked, idf } = rank(own, context, postings.hits, postings.stats, new Set(citedBefore));
  // A passage's coverage bounds its sentences': only the best few of those that could pass are read.
  const candidates = ranked.filter((r) => r.coverage >= MIN_COVERAGE).slice(0, CANDIDATES);
  const semanticIds = semantic ? await nearest(semantic, kb.tenantId, [...earlier.slice(-1), query].join("\n")) : [];
  const stored = new Map(
    (await kb.passages([...new Set([...candidates.map((r) => r.passageId), ...semanticIds])])).map((p) => [
      p.passage_id,
      p,
    ]),
  );
  const answering = candidates.filter((r) => {
    const p = stored.get(r.passageId);
    return p !== undefined && sentenceCoverage(p, own, context, idf) >= MIN_COVERAGE;
  });
  const best = answering[0]?.score ?? 0;
  const lexicalIds = answering.filter((r) => r.score >= best * KEEP_RATIO).map((r) => r.passageId);
  const ids = (semantic ? fuse([lexicalIds, semanticIds]) : lexicalIds).slice(0, KEEP);
  const scores = new Map<number, Ranked>(ranked.map((r) => [r.passageId, r]));
  const passages = ids
    .map((id) => stored.get(id))
    .filter((p): p is StoredPassage => p !== undefined)
    .map((p) => ({ ...p, snippet: snippetOf(p, own), score: -(scores.get(p.passage_id)?.score ?? 0) }));
  return { passages, own, context };
}

/** The semantic index's passages above MIN_SIMILARITY; on failure none (lexical retrieval still answers). */
async function nearest(semantic: SemanticIndex, tenantId: number, text: string): Promise<number[]> {
  try {
    const hits = await semantic.search(tenantId, text, SEMANTIC_CANDIDATES);
    return hits.filter((h) => h.score >= MIN_SIMILARITY).map((h) => h.passageId);
  } catch (err) {
    log("warn", "semantic_search_failed", { tenant_id: tenantId, error: errorText(err) });
    return [];
  }
}

/** Reciprocal rank fusion: each list adds 1 / (RRF_K + rank) to an item; best first. */
export function fuse(lists: number[][]): number[] {
  const scores = new Map<number, number>();
  for (const list of lists) {
    list.forEach((id, i) => {
      scores.set(id, (scores.get(id) ?? 0) + 1 / (RRF_K + i + 1));
    });
  }
  return [...scores.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([id]) => id);
}

/** The passage's sentence that best matches the question, clipped: what a citation shows. */
function snippetOf(p: StoredPassage, own: QueryTerm[]): string {
  const language = documentLanguage(p.text);
  const sentences = splitSentences(p.text.replace(/^#+\s.*$/gm, ""));
  let best = sentences[0] ?? p.text;
  let bestScore = 0;
  for (const s of sentences) {
    const score = textMatches(own, s, language);
    if (score > bestScore) [best, bestScore] = [s, score];
  }
  return clip(best, 200);
}
