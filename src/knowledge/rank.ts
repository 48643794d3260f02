import type { QueryTerm } from "../text/analyse";
import { termMatch } from "../text/match";

/** A row of knowledge_terms that a search found, with its passage's document and length. */
export interface Posting {
  term: string;
  passage_id: number;
  document_id: string;
  body_count: number;
  in_heading: number;
  in_title: number;
  passage_length: number;
}

/** The tenant's own statistics: its passages and their total length. */
export interface TenantStats {
  passages: number;
  totalLength: number;
}

/**
 * How much a word counts in coverage: its idf squared, so the question's
 * distinctive words decide and words found all over the tenant's knowledge
 * ("employee", "company") hardly do.
 */
export const coverageWeight = (idf: number) => idf * idf;

export interface Ranked {
  passageId: number;
  documentId: string;
  /** BM25F-style relevance over the question's terms (and, less, the previous questions'). */
  score: number;
  /**
   * The share of the question's content, weighted by how rare each word is in
   * the tenant's knowledge, that the passage matches (0–1); for a follow-up the
   * better of that and the share of the question read with the previous ones.
   */
  coverage: number;
}

/** A heading word counts as this many body words, a title word as TITLE. */
export const FIELD_WEIGHT = { heading: 3, title: 2 } as const;
/** The previous questions' words weigh this much of the question's own. */
export const CONTEXT_WEIGHT = 0.5;
/** A document the previous answer cited is the likeliest referent of a follow-up. */
export const CITED_BOOST = 1.25;
const K1 = 1.2;
const B = 0.75;

interface TermStats {
  term: QueryTerm;
  weight: number;
  idf: number;
  /** Per passage: match strength (0–1) and weighted term frequency. */
  hits: Map<number, { strength: number; tf: number }>;
}

/** Per term: which passages it matches, how strongly and often, and its idf among the tenant's passages. */
function termStats(term: QueryTerm, weight: number, postings: Posting[], passages: number): TermStats {
  const hits = new Map<number, { strength: number; tf: number }>();
  for (const row of postings) {
    const strength = termMatch(term, row.term);
    if (strength === 0) continue;
    const tf = strength * (row.body_count + FIELD_WEIGHT.heading * row.in_heading + FIELD_WEIGHT.title * row.in_title);
    const hit = hits.get(row.passage_id) ?? { strength: 0, tf: 0 };
    hits.set(row.passage_id, { strength: Math.max(hit.strength, strength), tf: hit.tf + tf });
  }
  // A word the tenant's knowledge never uses is the rarest of all: its absence says most.
  const n = hits.size;
  const idf = Math.log(1 + (passages - n + 0.5) / (n + 0.5));
  return { term, weight, idf, hits };
}

/**
 * Ranks the passages the postings name, using only the tenant's statistics
 * (its passage count and average length; each term's document frequency among
 * its passages), so another tenant's documents change nothing here.
 */
export function rank(
  own: QueryTerm[],
  context: QueryTerm[],
  postings: Posting[],
  stats: TenantStats,
  citedBefore: ReadonlySet<string>,
): { ranked: Ranked[]; idf: Map<QueryTerm, number> } {
  const passages = Math.max(stats.passages, 1);
  const avgLength = Math.max(stats.totalLength / passages, 1);
  const ownStats = own.map((t) => termStats(t, 1, postings, passages));
  const contextStats = context.map((t) => termStats(t, CONTEXT_WEIGHT, postings, passages));
  const lengths = new Map(postings.map((p) => [p.passage_id, p.passage_length]));
  const documents = new Map(postings.map((p) => [p.passage_id, p.document_id]));
  const share = (terms: TermStats[], id: number) => {
    let got = 0;
    let all = 0;
    for (const t of terms) {
      all += t.weight * coverageWeight(t.idf);
      got += t.weight * coverageWeight(t.idf) * (t.hits.get(id)?.strength ?? 0);
    }
    return all === 0 ? 0 : got / all;
  };
  const ranked: Ranked[] = [];
  for (const [id, documentId] of documents) {
    const norm = K1 * (1 - B + (B * (lengths.get(id) ?? avgLength)) / avgLength);
    let score = 0;
    for (const t of [...ownStats, ...contextStats]) {
      const tf = t.hits.get(id)?.tf ?? 0;
      score += t.weight * t.idf * ((tf * (K1 + 1)) / (tf + norm));
    }
    if (score === 0) continue;
    if (citedBefore.has(documentId)) score *= CITED_BOOST;
    const ownShare = share(ownStats, id);
    const coverage = contextStats.length > 0 ? Math.max(ownShare, share([...ownStats, ...contextStats], id)) : ownShare;
    ranked.push({ passageId: id, documentId, score, coverage });
  }
  ranked.sort((a, b) => b.score - a.score || a.passageId - b.passageId);
  return { ranked, idf: new Map([...ownStats, ...contextStats].map((t) => [t.term, t.idf])) };
}
