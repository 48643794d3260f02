import type { Passage } from "../knowledge/store";
import { documentLanguage, fold, type QueryTerm, queryTerms } from "../text/analyse";
import { clip } from "../text/clip";
import { detectLanguage } from "../text/language";
import { textMatches } from "../text/match";
import { splitSentences } from "../text/terms";
import { type Answer, type AnswerInput, type AnswerProvider, sourcesOf } from "./provider";

const MAX_SENTENCES = 3;
/** A sentence matching less than this share of the best one does not answer next to it. */
const SENTENCE_RATIO = 0.5;
/** The previous questions' words count this much in picking sentences for a follow-up. */
const CONTEXT_WEIGHT = 0.5;
/** Markdown headings name a section; they are not statements to quote. */
const withoutHeadings = (text: string) =>
  text
    .split("\n")
    .filter((line) => !/^\s*#/.test(line))
    .join("\n");

interface Candidate {
  sentence: string;
  passage: Passage;
  rank: number;
  order: number;
  weight: number;
}

/**
 * The offline default: answers only from the tenant's retrieved passages, in
 * the question's language, quoting the sentences that answer it (ranked by the
 * question's words, rarer words weighing more, then by the previous questions'
 * for a follow-up) and citing their documents as [n]. When retrieval found
 * nothing it says so plainly instead of inventing.
 */
export class EmbeddedAnswerProvider implements AnswerProvider {
  readonly name = "embedded";

  async answer({ query, history, memory, passages }: AnswerInput): Promise<Answer> {
    const hu = detectLanguage(query) === "hu";
    const metadata = { provider: this.name, context_messages: history.length, memory_summaries: memory.length };
    const remembered = [...new Set(memory.flatMap((m) => m.key_topics))].slice(0, 6);
    const memoryLine =
      remembered.length === 0
        ? ""
        : hu
          ? `Korábbi beszélgetéseink témái: ${remembered.join(", ")}.`
          : `Topics of our earlier conversations: ${remembered.join(", ")}.`;

    if (passages.length === 0) {
      const none = hu
        ? `Erre nem találtam választ a céged tudásbázisában, ezért nem tudok megbízható választ adni: „${clip(query, 200)}”.`
        : `I found nothing in your company's knowledge base about this, so I cannot give a reliable answer: "${clip(query, 200)}".`;
      return { content: [none, memoryLine].filter(Boolean).join(" "), sources: [], metadata };
    }

    const own = queryTerms(query);
    const ownWords = new Set(own.map((t) => fold(t.word)));
    const earlier = history.filter((m) => m.role === "user" && m.content !== query).slice(-2);
    const context = queryTerms(earlier.map((m) => m.content).join("\n")).filter((t) => !ownWords.has(fold(t.word)));
    const chosen = chooseSentences(passages, own, context);
    // Only the documents quoted from are cited, numbered in the passages' order.
    const sources = sourcesOf(passages.filter((p) => chosen.some((c) => c.passage === p)));
    const cite = (c: Candidate) => sources.findIndex((s) => s.document_id === c.passage.document_id) + 1;

    const body = chosen.map((c) => `${c.sentence} [${cite(c)}]`).join(" ");
    const citations = sources.map((s, i) => `[${i + 1}] ${s.title}${s.source_url ? ` (${s.source_url})` : ""}`);
    const content = [
      hu ? `A tudásbázis szerint: ${body}` : `According to the knowledge base: ${body}`,
      memoryLine,
      `\n\n${hu ? "Források" : "Sources"}:\n${citations.join("\n")}`,
    ]
      .filter(Boolean)
      .join(" ")
      .replace(/ \n\n/, "\n\n");
    return { content, sources, metadata };
  }
}

/**
 * The sentences that answer: each weighted by the question's words it
 * matches, a word counting more the fewer sentences have it (so "per diem"
 * outweighs "employee"), the previous questions' words at CONTEXT_WEIGHT;
 * the best few within SENTENCE_RATIO of the best, in document order. With no
 * sentence matching at all, the best passage's first sentence.
 */
function chooseSentences(passages: Passage[], own: QueryTerm[], context: QueryTerm[]): Candidate[] {
  const all = passages.flatMap((passage, rank) => {
    const language = documentLanguage(`${passage.title}\n${passage.text}`);
    return splitSentences(withoutHeadings(passage.text)).map((sentence, order) => ({
      sentence,
      passage,
      rank,
      order,
      language,
    }));
  });
  const terms = [...own.map((t) => ({ t, w: 1 })), ...context.map((t) => ({ t, w: CONTEXT_WEIGHT }))];
  const matching = new Map(
    terms.map(({ t }) => [t, all.filter((s) => textMatches([t], s.sentence, s.language) > 0).length]),
  );
  const weightOf = (t: QueryTerm) => {
    const base = terms.find((x) => x.t === t)?.w ?? 0;
    return base * Math.log(1 + all.length / (1 + (matching.get(t) ?? 0)));
  };
  const candidates: Candidate[] = all.map((s) => ({
    ...s,
    weight: textMatches(
      terms.map((x) => x.t),
      s.sentence,
      s.language,
      weightOf,
    ),
  }));
  const best = Math.max(0, ...candidates.map((c) => c.weight));
  if (best === 0) return candidates.slice(0, 1);
  return candidates
    .filter((c) => c.weight >= best * SENTENCE_RATIO)
    .sort((a, b) => b.weight - a.weight || a.rank - b.rank || a.order - b.order)
    .slice(0, MAX_SENTENCES)
    .sort((a, b) => a.rank - b.rank || a.order - b.order);
}
