import { detectLanguage } from "./language";
import type { Answer, AnswerInput, AnswerProvider } from "./provider";

const MAX_RECALLED = 3;
const clip = (text: string, max = 120) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * The offline default. Without a knowledge base it cannot answer from company
 * documents, so it says so plainly and shows what it does know: the
 * conversation so far. It never invents facts.
 */
export class EmbeddedAnswerProvider implements AnswerProvider {
  readonly name = "embedded";

  async answer({ query, history, memory }: AnswerInput): Promise<Answer> {
    const earlier = history
      .slice(0, -1)
      .filter((m) => m.role === "user")
      .slice(-MAX_RECALLED)
      .map((m) => `„${clip(m.content)}”`);
    const hu = detectLanguage(query) === "hu";
    const remembered = [...new Set(memory.flatMap((m) => m.key_topics))].slice(0, 6);
    const lines = hu
      ? [
          `Ehhez még nincs tudásbázis kapcsolva, ezért nem tudok megalapozott választ adni erre: „${clip(query, 200)}”.`,
          earlier.length > 0
            ? `A beszélgetés eddigi kérdései: ${earlier.join(", ")}.`
            : "Ez a beszélgetés első kérdése.",
          remembered.length > 0 ? `Korábbi beszélgetéseink témái: ${remembered.join(", ")}.` : "",
        ]
      : [
          `No knowledge base is connected yet, so I cannot give a grounded answer to: "${clip(query, 200)}".`,
          earlier.length > 0
            ? `Earlier in this conversation you asked: ${earlier.join(", ")}.`
            : "This is the first question of this conversation.",
          remembered.length > 0 ? `Topics of our earlier conversations: ${remembered.join(", ")}.` : "",
        ];
    return {
      content: lines.filter(Boolean).join(" "),
      metadata: { provider: this.name, context_messages: history.length, memory_summaries: memory.length },
    };
  }
}
