import type { AiRunner } from "../memory/workers-ai";
import { detectLanguage } from "./language";
import { type Answer, AnswerError, type AnswerInput, type AnswerProvider, sourcesOf } from "./provider";

const SYSTEM_PROMPT =
  "You are the Knowledge Router, a workplace assistant. Answer the user's question only from the company " +
  "knowledge passages given below, citing them as [1], [2] by their numbers. If they do not contain the " +
  "answer, say so plainly; never invent policies or numbers. Answer in the language of the question.";

/** A Workers AI chat model given the passages, the recent conversation and the user's long-term summaries. */
export class WorkersAiAnswerProvider implements AnswerProvider {
  readonly name = "workers-ai";

  constructor(
    private readonly ai: AiRunner,
    private readonly model: string,
  ) {}

  async answer({ query, history, memory, passages }: AnswerInput): Promise<Answer> {
    const sources = sourcesOf(passages);
    const cite = (documentId: string) => sources.findIndex((s) => s.document_id === documentId) + 1;
    const knowledge =
      passages.length === 0
        ? "No passage matched the question."
        : passages.map((p) => `[${cite(p.document_id)}] ${p.title}\n${p.text}`).join("\n\n");
    const remembered = memory.map((m) => `- ${m.summary}`).join("\n");
    const messages = [
      { role: "system", content: SYSTEM_PROMPT },
      { role: "system", content: `Company knowledge:\n${knowledge}` },
      ...(remembered ? [{ role: "system", content: `What you remember of earlier sessions:\n${remembered}` }] : []),
      ...history.map((m) => ({ role: m.role === "system" ? "system" : m.role, content: m.content })),
    ];
    let result: unknown;
    try {
      result = await this.ai.run(this.model, { messages });
    } catch (err) {
      throw new AnswerError("failed", `Workers AI failed: ${(err as Error).message}`);
    }
    const text = (result as { response?: unknown })?.response;
    if (typeof text !== "string" || text.trim() === "")
      throw new AnswerError("failed", "Workers AI returned no answer");
    return {
      content: text.trim(),
      sources,
      metadata: { provider: this.name, model: this.model, language: detectLanguage(query) },
    };
  }
}
