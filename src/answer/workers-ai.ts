import type { AiRunner } from "../lib/ai";
import type { MessageView } from "../session-types";
import { detectLanguage } from "../text/language";
import { type Answer, AnswerError, type AnswerInput, type AnswerProvider, sourcesOf } from "./provider";

const SYSTEM_PROMPT =
  "You are the Knowledge Router, a workplace assistant. Answer the user's question only from the company " +
  "knowledge passages given below, citing them as [1], [2] by their numbers. If they do not contain the " +
  "answer, say so plainly; never invent policies or numbers. Answer in the language of the question.";

/**
 * Only the service's own instructions are system prompts. A `system` message
 * in the history was written by a client (POST …/messages), so the model sees
 * it as what it is: something the user side said.
 */
function asModelMessage(m: MessageView): { role: string; content: string } {
  if (m.role === "system") return { role: "user", content: `(note added to the conversation) ${m.content}` };
  return { role: m.role, content: m.content };
}

/** A Workers AI chat model given the passages, the recent conversation and the user's long-term summaries. */
export class WorkersAiAnswerProvider implements AnswerProvider {
  readonly name = "workers-ai";

  constructor(
    private readonly ai: AiRunner,
    private readonly model: string,
  ) {}

  async answer(
    { query, history, memory, passages }: AnswerInput,
    onDelta?: (text: string) => Promise<void>,
  ): Promise<Answer> {
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
      ...history.map(asModelMessage),
    ];
    let text: string;
    try {
      if (onDelta) {
        // Tokens go to the client as the model produces them; the answer is what they add up to.
        const stream = await this.ai.run(this.model, { messages, stream: true });
        text = "";
        for await (const token of modelTokens(stream as ReadableStream<Uint8Array>)) {
          text += token;
          await onDelta(token);
        }
      } else {
        const result = await this.ai.run(this.model, { messages });
        const response = (result as { response?: unknown })?.response;
        text = typeof response === "string" ? response.trim() : "";
      }
    } catch (err) {
      throw new AnswerError("failed", `Workers AI failed: ${(err as Error).message}`);
    }
    if (text.trim() === "") throw new AnswerError("failed", "Workers AI returned no answer");
    return {
      content: text,
      sources,
      metadata: { provider: this.name, model: this.model, language: detectLanguage(query) },
    };
  }
}

/** The `response` tokens of a Workers AI event stream (`data: {"response": "…"}` lines, then `data: [DONE]`). */
export async function* modelTokens(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of stream) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline = buffer.indexOf("\n");
    while (newline >= 0) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      newline = buffer.indexOf("\n");
      if (!line.startsWith("data:")) continue;
      const data = line.slice(5).trim();
      if (data === "[DONE]") return;
      const token = (JSON.parse(data) as { response?: unknown }).response;
      if (typeof token === "string" && token.length > 0) yield token;
    }
  }
}
