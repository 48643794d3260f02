import { z } from "zod";
import { type Answer, AnswerError, type AnswerInput, type AnswerProvider, sourcesOf } from "./provider";

const upstreamReply = z.object({
  answer: z.string().min(1),
  sources: z
    .array(
      z.object({
        document_id: z.string(),
        title: z.string(),
        source_url: z.string().nullish(),
        snippet: z.string().optional(),
      }),
    )
    .optional(),
});

/**
 * Forwards the turn to an existing router or model service (ANSWER_URL):
 * POST {query, history, memory, passages} → {answer, sources?}. A network
 * error, a non-2xx status or a malformed reply is a failed turn; no reply
 * within the timeout is a timed-out turn.
 */
export class UpstreamAnswerProvider implements AnswerProvider {
  readonly name = "upstream";

  constructor(
    private readonly url: string,
    private readonly timeoutMs: number,
    private readonly token: string | undefined,
    private readonly fetcher: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  async answer({ query, history, memory, passages }: AnswerInput): Promise<Answer> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      const res = await this.fetcher(this.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        },
        body: JSON.stringify({
          query,
          history: history.map((m) => ({ role: m.role, content: m.content, created_at: m.created_at })),
          memory,
          passages,
        }),
        signal: controller.signal,
      });
      if (!res.ok) throw new AnswerError("failed", `upstream answered ${res.status}`);
      const reply = upstreamReply.safeParse(await res.json().catch(() => null));
      if (!reply.success) throw new AnswerError("failed", "upstream reply is not {answer, sources?}");
      const sources =
        reply.data.sources?.map((s) => ({
          document_id: s.document_id,
          title: s.title,
          source_url: s.source_url ?? null,
          snippet: s.snippet ?? "",
        })) ?? sourcesOf(passages);
      return { content: reply.data.answer, sources, metadata: { provider: this.name } };
    } catch (err) {
      if (err instanceof AnswerError) throw err;
      if (controller.signal.aborted)
        throw new AnswerError("timeout", `upstream gave no answer within ${this.timeoutMs} ms`);
      throw new AnswerError("failed", `upstream unreachable: ${(err as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }
}
