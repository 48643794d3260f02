import { mentions, stemsOf, WEIGHT } from "../knowledge/retrieve";
import { clip } from "../lib/clip";
import { splitSentences } from "../memory/text";
import { detectLanguage } from "./language";
import { type Answer, type AnswerInput, type AnswerProvider, sourcesOf } from "./provider";

const MAX_SENTENCES = 3;
/** Markdown headings name a section; they are not statements to quote. */
const withoutHeadings = (text: string) =>
  text
    .split("\n")
    .filter((line) => !/^\s*#/.test(line))
    .join("\n");

/**
 * The offline default: answers only from the tenant's retrieved passages,
 * quoting the sentences that best match the question (read together with the
 * previous questions, for follow-ups) and citing their documents as [n].
 * When nothing matches it says so instead of inventing.
 */
export class EmbeddedAnswerProvider implements AnswerProvider {
  readonly name = "embedded";

  async answer({ query, history, memory, passages }: AnswerInput): Promise<Answer> {
    const hu = detectLanguage(query) === "hu";
    const sources = sourcesOf(passages);
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
      return { content: [none, memoryLine].filter(Boolean).join(" "), sources, metadata };
    }

    const queryStems = stemsOf(query);
    const earlier = history.filter((m) => m.role === "user" && m.content !== query).slice(-2);
    const contextStems = stemsOf(earlier.map((m) => m.content).join(" ")).filter((s) => !queryStems.includes(s));
    const candidates = passages.flatMap((p, rank) =>
      splitSentences(withoutHeadings(p.text)).map((sentence, order) => {
        const words = stemsOf(sentence);
        const own = queryStems.filter((s) => mentions(words, s)).length;
        const inherited = contextStems.filter((s) => mentions(words, s)).length;
        const cite = sources.findIndex((src) => src.document_id === p.document_id) + 1;
        return { sentence, rank, order, cite, weight: WEIGHT.own * own + WEIGHT.inherited * inherited };
      }),
    );
    let chosen = candidates
      .filter((c) => c.weight > 0)
      .sort((a, b) => b.weight - a.weight || a.rank - b.rank || a.order - b.order)
      .slice(0, MAX_SENTENCES);
    if (chosen.length === 0) chosen = candidates.slice(0, 1);
    chosen.sort((a, b) => a.rank - b.rank || a.order - b.order);

    const body = chosen.map((c) => `${c.sentence} [${c.cite}]`).join(" ");
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
